"""4.1 he_init and xavier_init: the right variance, drawn from the given generator."""

import numpy as np
import pytest

from kata.testing import assert_array, rejects

KATAS = {"he_init": lambda n_in, n_out: 2 / n_in, "xavier_init": lambda n_in, n_out: 2 / (n_in + n_out)}
both_katas = pytest.mark.parametrize(
    "name",
    [
        pytest.param("he_init", marks=pytest.mark.kata("chapter4.he_init")),
        pytest.param("xavier_init", marks=pytest.mark.kata("chapter4.xavier_init")),
    ],
)


@both_katas
@pytest.mark.parametrize(("n_in", "n_out"), [(1000, 400), (300, 900)])
def test_variance_and_mean(impl, name, n_in, n_out):
    W = getattr(impl.chapter4, name)(n_in, n_out, np.random.default_rng(0), dtype=np.float64)
    assert_array(W, what=f"{name}({n_in}, {n_out})", shape=(n_in, n_out), dtype=np.float64)
    expected = KATAS[name](n_in, n_out)
    variance = float(np.mean(W**2))
    # Statistical: over 270,000-400,000 draws mean(w^2) has a standard error of sqrt(2 / N) < 0.3 %
    # relative, and the share within one std a standard error below 0.1 %: 2 % and 0.01 are 7 and 10 of them.
    formula = "2 / n_in" if name == "he_init" else "2 / (n_in + n_out)"
    assert abs(variance / expected - 1) < 0.02, (
        f"{name}: the weights' variance is {variance:.4g}; expected {formula} = {expected:.4g}"
    )
    assert abs(float(W.mean())) < 4 * np.sqrt(expected / W.size), f"{name}: the mean should be about 0"
    # A normal distribution: about 68.3 % of the weights lie within one standard deviation.
    within = float(np.mean(np.abs(W) < np.sqrt(expected)))
    assert abs(within - 0.6827) < 0.01, f"{name}: {within:.3f} of the weights lie within one std (normal: 0.683)"


@both_katas
def test_float32_by_default(impl, name):
    W = getattr(impl.chapter4, name)(5, 3, np.random.default_rng(0))
    assert_array(W, what=f"{name}(5, 3, rng)", shape=(5, 3), dtype=np.float32)


@both_katas
def test_determined_by_rng(impl, name):
    init = getattr(impl.chapter4, name)
    first, again = init(20, 10, np.random.default_rng(3)), init(20, 10, np.random.default_rng(3))
    assert np.array_equal(first, again), f"{name} gave different weights for the same seed: use only rng"
    assert not np.allclose(first, init(20, 10, np.random.default_rng(4))), f"{name}: two seeds, the same weights"


@both_katas
@pytest.mark.parametrize(("n_in", "n_out", "bad"), [(0, 3, "n_in"), (3, -1, "n_out"), (2.5, 3, "n_in")])
def test_rejects_bad_sizes(impl, name, n_in, n_out, bad):
    with rejects(bad):
        getattr(impl.chapter4, name)(n_in, n_out, np.random.default_rng(0))


@both_katas
def test_rejects_the_global_random_module(impl, name):
    with rejects("rng"):
        getattr(impl.chapter4, name)(3, 2, np.random)
