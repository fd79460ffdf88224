"""The trusted numerical-gradient checker against gradients known in closed form."""

import numpy as np
import pytest

from kata import gradcheck


def test_gradient_of_known_functions():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    A = rng.normal(size=(4, 4))
    cases = {
        "sum of sines": (lambda: float(np.sum(np.sin(x))), np.cos(x), "smooth"),
        "quadratic form": (lambda: float(np.sum((x @ A) * x)), x @ (A + A.T), "linear"),
    }
    for name, (f, exact, kind) in cases.items():
        error = gradcheck.relative_error(exact, gradcheck.numerical_gradient(f, x))
        assert error < gradcheck.TOLERANCES[kind], f"{name}: relative error {error:.1e}"


def test_vjp_of_a_matrix_product():
    rng = np.random.default_rng(1)
    X, W, G = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
    numeric = gradcheck.numerical_vjp(lambda: X @ W, W, G)
    assert gradcheck.relative_error(X.T @ G, numeric) < gradcheck.TOLERANCES["linear"]


def test_restores_x_exactly_even_when_f_raises():
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    before = x.copy()
    gradcheck.numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_array_equal(x, before)
    calls = []

    def failing():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(np.sum(x))

    with pytest.raises(RuntimeError):
        gradcheck.numerical_gradient(failing, x)
    np.testing.assert_array_equal(x, before)


def test_requires_float64():
    with pytest.raises(ValueError, match="float64"):
        gradcheck.numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_relative_error_formula():
    a = np.array([3.0, 4.0])
    assert gradcheck.relative_error(a, a) == 0.0
    assert gradcheck.relative_error(a, -a) == pytest.approx(1.0)
    assert gradcheck.relative_error(a, 2 * a) == pytest.approx(5.0 / 15.0)
    assert gradcheck.relative_error(np.zeros(2), np.zeros(2)) == 0.0


def test_assert_gradients_close_names_the_worst_element():
    good = {"W": np.array([[1.0, 2.0], [3.0, 4.0]])}
    gradcheck.assert_gradients_close(good, good, 1e-8)
    wrong = {"W": np.array([[1.0, 2.0], [3.0, 40.0]])}
    with pytest.raises(AssertionError, match=r"W: relative error .* worst element \(1, 1\): analytic 40, numerical 4"):
        gradcheck.assert_gradients_close(wrong, good, 1e-8)
    with pytest.raises(AssertionError, match="shape"):
        gradcheck.assert_gradients_close({"W": np.ones(3)}, good, 1e-8)
    with pytest.raises(AssertionError, match="no analytic gradient"):
        gradcheck.assert_gradients_close({}, good, 1e-8)


def test_a_forgotten_factor_is_far_above_every_tolerance():
    rng = np.random.default_rng(2)
    X, y, w = rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=3)
    numeric = gradcheck.numerical_gradient(lambda: float(np.mean((X @ w - y) ** 2)), w)
    half = X.T @ (X @ w - y) / len(y)  # the posts' 1/n: half the true gradient
    assert gradcheck.relative_error(half, numeric) > 100 * max(gradcheck.TOLERANCES.values())
    assert gradcheck.relative_error(2 * half, numeric) < gradcheck.TOLERANCES["linear"]


def test_away_from_kinks():
    assert gradcheck.away_from_kinks(np.array([-0.5, 0.01, 2.0]))
    assert not gradcheck.away_from_kinks(np.array([-0.5, 1e-5]))
