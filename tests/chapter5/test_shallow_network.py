"""5.2 A shallow network on two circles: data, initialization, forward, backward, training, prediction.

Tolerances: float64 values here are O(1), and every correct formula (tanh- or
logsumexp-based activations, scipy.special, einsum or tensordot for @, float64
inside then cast back) rounds them to within a few ulps (2.2e-16 each), so the
float64 rtol of 1e-12 to 1e-9 leaves a margin of thousands; comparisons with the
harness's numerical gradients use its TOLERANCES (see kata/gradcheck.py).
float32 checks derive their bound next to them.
"""

import math

import numpy as np
import pytest
from scipy.special import expit

from kata.gradcheck import TOLERANCES, assert_gradients_close, numerical_gradient
from kata.inputs import column_circles
from kata.testing import assert_array, assert_close, call_unchanged, rejects

NAMES = ("W1", "b1", "W2", "b2")


def random_parameters(rng, n_x=3, n_h=4, n_y=1, scale=0.8):
    return {
        "W1": rng.normal(0, scale, (n_h, n_x)),
        "b1": rng.normal(0, scale, (n_h, 1)),
        "W2": rng.normal(0, scale, (n_y, n_h)),
        "b2": rng.normal(0, scale, (n_y, 1)),
    }


def oracle_forward(X, p):
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    return A1, expit(p["W2"] @ A1 + p["b2"])


def oracle_cost(X, Y, p):
    _, A2 = oracle_forward(X, p)
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / X.shape[1])


# --- make_circles ------------------------------------------------------------------------


@pytest.mark.kata("chapter5.make_circles")
@pytest.mark.parametrize("m", [2, 7, 300])
def test_circles_shapes_labels_and_radii(impl, m):
    X, Y = impl.chapter5.make_circles(m, np.random.default_rng(0), noise=0.0)
    assert_array(X, what=f"make_circles({m}) X", shape=(2, m), dtype=np.float32)
    assert_array(Y, what=f"make_circles({m}) Y", shape=(1, m), dtype=np.float32)
    expected_labels = np.r_[np.zeros(m - m // 2), np.ones(m // 2)].reshape(1, m)
    assert_close(Y, expected_labels, what="labels: the first m - m // 2 are 0 (outer), the last m // 2 are 1 (inner)")
    radius = np.hypot(X[0], X[1])
    # float32 coordinates are rounded to 6e-8 of their size, so the radius is within ~1.2e-7 of 1 or 0.5.
    assert_close(radius, np.where(Y[0] == 1, 0.5, 1.0), what="radii without noise (1 outer, 0.5 inner)", rtol=1e-6)


@pytest.mark.kata("chapter5.make_circles")
def test_circles_noise_and_angles(impl):
    X, Y = impl.chapter5.make_circles(4000, np.random.default_rng(1), noise=0.1)
    X = X.astype(np.float64)
    radius = np.hypot(X[0], X[1])
    outer, inner = radius[Y[0] == 0], radius[Y[0] == 1]
    assert abs(outer.mean() - 1.0) < 0.02 and abs(inner.mean() - 0.5) < 0.03, (
        f"mean radii should be near 1 and 0.5; got {outer.mean():.3f} and {inner.mean():.3f}"
    )
    assert 0.08 < outer.std() < 0.12, f"noise 0.1 should spread the outer radius by about 0.1; got {outer.std():.3f}"
    angles = np.arctan2(X[1], X[0])
    counts, _ = np.histogram(angles, bins=8, range=(-np.pi, np.pi))
    assert counts.min() > 0.7 * counts.mean(), f"angles must be uniform around the circle; histogram {counts}"


@pytest.mark.kata("chapter5.make_circles")
def test_circles_depend_only_on_rng(impl):
    first = impl.chapter5.make_circles(50, np.random.default_rng(2))
    np.random.seed(123)  # noqa: NPY002 - the global state must not matter
    second = impl.chapter5.make_circles(50, np.random.default_rng(2))
    other = impl.chapter5.make_circles(50, np.random.default_rng(3))
    assert_close(second[0], first[0], what="make_circles with the same seed", rtol=0, atol=0)
    assert not np.allclose(other[0], first[0]), "a different seed must give a different data set"


@pytest.mark.kata("chapter5.make_circles")
def test_circles_follow_the_specified_draws(impl):
    X, _ = impl.chapter5.make_circles(9, np.random.default_rng(4), noise=0.2)
    rng = np.random.default_rng(4)
    angle = rng.uniform(0, 2 * np.pi, size=9)
    radius = np.where(np.arange(9) >= 9 - 9 // 2, 0.5, 1.0)
    expected = radius * np.stack([np.cos(angle), np.sin(angle)]) + rng.normal(0, 0.2, size=(2, 9))
    # X is float32 (rounding ~6e-8 of |x| <= 2); an angle rounded to float32 before cos and sin moves a point
    # by up to 2 pi * 6e-8 = 4e-7: atol 2e-6 admits either, a different draw moves points by ~0.1 or more.
    assert_close(
        X,
        expected,
        what="angles from rng.uniform(0, 2 pi, size=m) first, then noise rng.normal(0, noise, size=(2, m))",
        rtol=0,
        atol=2e-6,
    )


@pytest.mark.kata("chapter5.make_circles")
@pytest.mark.parametrize(("m", "noise", "culprit"), [(1, 0.1, "m"), (10, -0.5, "noise")])
def test_circles_reject_bad_arguments(impl, m, noise, culprit):
    with rejects(culprit):
        impl.chapter5.make_circles(m, np.random.default_rng(0), noise=noise)


# --- initialize_parameters ---------------------------------------------------------------


@pytest.mark.kata("chapter5.initialize_parameters")
def test_initialize_shapes_dtypes_and_zero_biases(impl):
    p = impl.chapter5.initialize_parameters(2, 4, 1, np.random.default_rng(0))
    assert list(p) == list(NAMES), f"keys must be W1, b1, W2, b2; got {list(p)}"
    shapes = {"W1": (4, 2), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}
    for name, shape in shapes.items():
        assert_array(p[name], what=f"{name} (n_x=2, n_h=4, n_y=1)", shape=shape, dtype=np.float32)
    assert not np.any(p["b1"]) and not np.any(p["b2"]), "biases start at zero"
    p64 = impl.chapter5.initialize_parameters(2, 4, 1, np.random.default_rng(0), np.float64)
    assert_array(p64["W1"], what="W1 with dtype=float64", shape=(4, 2), dtype=np.float64)


@pytest.mark.kata("chapter5.initialize_parameters")
def test_initialize_small_random_distinct_weights(impl):
    p = impl.chapter5.initialize_parameters(300, 200, 3, np.random.default_rng(1), np.float64)
    std = p["W1"].std()
    assert 0.009 < std < 0.011, f"W1 = 0.01 * standard normal: expected std near 0.01, got {std:.4g}"
    assert abs(p["W1"].mean()) < 0.001, f"weights are centered at 0; mean {p['W1'].mean():.4g}"
    assert len(np.unique(p["W2"])) == p["W2"].size, "every weight must differ: identical units never differ later"
    again = impl.chapter5.initialize_parameters(300, 200, 3, np.random.default_rng(1), np.float64)
    assert_close(again["W2"], p["W2"], what="same seed, same weights", rtol=0, atol=0)
    rng = np.random.default_rng(1)
    W1, W2 = 0.01 * rng.standard_normal((200, 300)), 0.01 * rng.standard_normal((3, 200))
    assert_close(p["W1"], W1, what="W1 = 0.01 * rng.standard_normal((n_h, n_x)), drawn first", rtol=1e-12)
    assert_close(p["W2"], W2, what="W2 = 0.01 * rng.standard_normal((n_y, n_h)), drawn second", rtol=1e-12)


@pytest.mark.kata("chapter5.initialize_parameters")
def test_initialize_rejects_empty_layers(impl):
    with rejects("n_h"):
        impl.chapter5.initialize_parameters(2, 0, 1, np.random.default_rng(0))


# --- forward_propagation -----------------------------------------------------------------


@pytest.mark.kata("chapter5.forward_propagation")
def test_forward_hand_case(impl):
    p = {
        "W1": np.array([[1.0, 0.0], [0.5, -1.0]]),
        "b1": np.array([[0.0], [0.5]]),
        "W2": np.array([[2.0, -1.0]]),
        "b2": np.array([[0.25]]),
    }
    X = np.array([[1.0, -2.0], [0.5, 0.0]])
    z1 = [[1.0, -2.0], [0.5 - 0.5 + 0.5, -1.0 + 0.5]]
    a1 = [[math.tanh(v) for v in row] for row in z1]
    z2 = [2 * a1[0][i] - a1[1][i] + 0.25 for i in range(2)]
    a2 = [[1 / (1 + math.exp(-v)) for v in z2]]
    saved = {name: value.copy() for name, value in p.items()}
    A2, cache = call_unchanged(impl.chapter5.forward_propagation, X, p)
    assert all(np.array_equal(p[name], value) for name, value in saved.items()), "the parameters must not change"
    assert_close(A2, np.array(a2), what="A2 = sigmoid(W2 tanh(W1 X + b1) + b2)", rtol=1e-12)
    assert_close(cache["Z1"], np.array(z1), what='cache["Z1"] = W1 X + b1', rtol=1e-12)
    assert_close(cache["A1"], np.array(a1), what='cache["A1"] = tanh(Z1)', rtol=1e-12)
    assert_close(cache["Z2"], np.array([z2]), what='cache["Z2"]', rtol=1e-12)
    assert_close(cache["A2"], A2, what='cache["A2"] is A2', rtol=0, atol=0)


@pytest.mark.kata("chapter5.forward_propagation")
def test_forward_shapes_and_float32(impl):
    rng = np.random.default_rng(2)
    p = {name: value.astype(np.float32) for name, value in random_parameters(rng, n_x=3, n_h=5, n_y=2).items()}
    X = rng.normal(size=(3, 7)).astype(np.float32)
    A2, cache = impl.chapter5.forward_propagation(X, p)
    assert_array(A2, what="A2", shape=(2, 7), dtype=np.float32)
    for name, shape in {"Z1": (5, 7), "A1": (5, 7), "Z2": (2, 7), "A2": (2, 7)}.items():
        assert_array(cache[name], what=f'cache["{name}"]', shape=shape, dtype=np.float32)


@pytest.mark.kata("chapter5.forward_propagation")
def test_forward_rejects_wrong_input_rows(impl):
    p = random_parameters(np.random.default_rng(3), n_x=3)
    with rejects("X"):
        impl.chapter5.forward_propagation(np.ones((2, 5)), p)


@pytest.mark.kata("chapter5.forward_propagation")
@pytest.mark.parametrize("change", ["rank-1 b1", "no b2", "W2 not (n_y, n_h)"])
def test_forward_rejects_bad_parameters(impl, change):
    p = random_parameters(np.random.default_rng(3), n_x=3)
    if change == "rank-1 b1":
        p["b1"] = p["b1"].reshape(-1)
    elif change == "no b2":
        del p["b2"]
    else:
        p["W2"] = p["W2"].T
    with rejects("parameters"):
        impl.chapter5.forward_propagation(np.ones((3, 5)), p)


# --- backward_propagation ----------------------------------------------------------------


@pytest.mark.kata("chapter5.backward_propagation")
@pytest.mark.parametrize("n_y", [1, 2])
def test_backward_agrees_with_numerical_gradient(impl, n_y):
    rng = np.random.default_rng(4 + n_y)
    p = random_parameters(rng, n_x=3, n_h=4, n_y=n_y)
    X = rng.normal(size=(3, 6))
    Y = (rng.random((n_y, 6)) < 0.5).astype(np.float64)
    numeric = {f"d{name}": numerical_gradient(lambda: oracle_cost(X, Y, p), p[name]) for name in NAMES}
    A1, A2 = oracle_forward(X, p)
    cache = {"Z1": p["W1"] @ X + p["b1"], "A1": A1, "Z2": p["W2"] @ A1 + p["b2"], "A2": A2}
    grads = call_unchanged(impl.chapter5.backward_propagation, X, Y, p, cache)
    for name in NAMES:
        assert_array(grads[f"d{name}"], what=f"d{name} (the shape of {name})", shape=p[name].shape)
    assert_gradients_close(grads, numeric, TOLERANCES["smooth"])


@pytest.mark.kata("chapter5.backward_propagation")
def test_backward_keeps_float32(impl):
    rng = np.random.default_rng(7)
    p = {name: value.astype(np.float32) for name, value in random_parameters(rng).items()}
    X = rng.normal(size=(3, 5)).astype(np.float32)
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    A2 = expit(p["W2"] @ A1 + p["b2"]).astype(np.float32)
    grads = impl.chapter5.backward_propagation(X, np.ones((1, 5), np.float32), p, {"A1": A1, "A2": A2})
    for name in NAMES:
        assert_array(grads[f"d{name}"], what=f"d{name} for float32 input", shape=p[name].shape, dtype=np.float32)


@pytest.mark.kata("chapter5.backward_propagation")
@pytest.mark.parametrize("mistake", ["rank-1 Y", "cache without A1", "A1 of another batch", "X of 2 rows"])
def test_backward_rejects_mismatched_arguments(impl, mistake):
    rng = np.random.default_rng(8)
    p = random_parameters(rng)
    X = rng.normal(size=(3, 5))
    A1, A2 = oracle_forward(X, p)
    Y, cache, culprit = np.ones((1, 5)), {"A1": A1, "A2": A2}, "cache"
    if mistake == "rank-1 Y":
        Y, culprit = np.ones(5), "Y"
    elif mistake == "cache without A1":
        del cache["A1"]
    elif mistake == "A1 of another batch":
        cache["A1"] = A1[:, :4]
    else:
        X, culprit = X[:2], "X"
    with rejects(culprit):
        impl.chapter5.backward_propagation(X, Y, p, cache)


# --- nn_model ----------------------------------------------------------------------------


@pytest.mark.kata("chapter5.nn_model")
def test_one_step_is_one_gradient_step(impl):
    rng = np.random.default_rng(9)
    X, Y = column_circles(rng, 20)
    start = {
        name: value.astype(np.float64)
        for name, value in impl.chapter5.initialize_parameters(2, 3, 1, np.random.default_rng(10), np.float64).items()
    }
    numeric = {name: numerical_gradient(lambda: oracle_cost(X, Y, start), start[name]) for name in NAMES}
    got = call_unchanged(impl.chapter5.nn_model, X, Y, 3, np.random.default_rng(10), 1, 2.0)
    for name in NAMES:
        assert_close(
            got[name],
            start[name] - 2.0 * numeric[name],
            what=f"{name} after one step from initialize_parameters(2, 3, 1, rng): {name} - learning_rate * d{name} "
            "(all gradients from the parameters before the step)",
            rtol=1e-6,
            atol=1e-9,
        )


@pytest.mark.kata("chapter5.nn_model")
def test_steps_chain_with_several_outputs(impl):
    rng = np.random.default_rng(20)
    X = rng.normal(size=(3, 7))
    Y = (rng.random((2, 7)) < 0.5).astype(np.float64)
    p = {
        name: value.astype(np.float64)
        for name, value in impl.chapter5.initialize_parameters(3, 4, 2, np.random.default_rng(21), np.float64).items()
    }
    for _ in range(3):
        numeric = {name: numerical_gradient(lambda p=p: oracle_cost(X, Y, p), p[name]) for name in NAMES}
        p = {name: p[name] - 0.7 * numeric[name] for name in NAMES}
    got = call_unchanged(impl.chapter5.nn_model, X, Y, 4, np.random.default_rng(21), 3, 0.7)
    for name in NAMES:
        assert_array(got[name], what=f"{name} trained on float64 X (n_x=3, n_h=4, n_y=2)", shape=p[name].shape,
                     dtype=np.float64)  # fmt: skip
        assert_close(
            got[name],
            p[name],
            what=f"{name} after 3 steps at learning rate 0.7, two outputs: each step P - learning_rate * dP",
            rtol=1e-6,
            atol=1e-9,
        )


@pytest.mark.kata("chapter5.nn_model")
def test_nn_model_same_seed_same_parameters(impl):
    X, Y = column_circles(np.random.default_rng(22), 30)
    first = impl.chapter5.nn_model(X, Y, 3, np.random.default_rng(23), 5, 1.0)
    np.random.seed(7)  # noqa: NPY002 - the global state must not matter
    again = impl.chapter5.nn_model(X, Y, 3, np.random.default_rng(23), 5, 1.0)
    other = impl.chapter5.nn_model(X, Y, 3, np.random.default_rng(24), 5, 1.0)
    for name in NAMES:
        assert_close(again[name], first[name], what=f"{name}: same seed, same training", rtol=0, atol=0)
    assert not np.allclose(other["W1"], first["W1"]), "another seed must give another initialization, so another W1"


@pytest.mark.kata("chapter5.nn_model")
def test_shallow_network_learns_the_circles(impl):
    X, Y = column_circles(np.random.default_rng(11), 400)
    X_test, Y_test = column_circles(np.random.default_rng(12), 400)
    p = impl.chapter5.nn_model(X.astype(np.float32), Y.astype(np.float32), 4, np.random.default_rng(13), 2000, 1.2)
    assert_array(p["W1"], what="trained W1 (float32 in, float32 out)", shape=(4, 2), dtype=np.float32)
    _, A2 = oracle_forward(X_test, {name: value.astype(np.float64) for name, value in p.items()})
    accuracy = float(np.mean((A2 > 0.5) == Y_test))
    print(f"shallow network (4 tanh units, 2000 steps) on two circles: test accuracy {accuracy:.3f}")
    assert accuracy > 0.9, (
        f"one tanh hidden layer should separate two circles (> 90 % on new samples); got {accuracy:.3f}. "
        "Check the update direction (P - learning_rate * dP) and the tanh derivative 1 - A1**2."
    )


@pytest.mark.kata("chapter5.nn_model")
@pytest.mark.parametrize(
    ("Y_shape", "n_h", "num_iterations", "culprit"),
    [((1, 4), 3, 1, "Y"), ((5,), 3, 1, "Y"), ((1, 5), 0, 1, "n_h"), ((1, 5), 3, 0, "num_iterations")],
)
def test_nn_model_rejects_bad_arguments(impl, Y_shape, n_h, num_iterations, culprit):
    with rejects(culprit):
        impl.chapter5.nn_model(np.ones((2, 5)), np.ones(Y_shape), n_h, np.random.default_rng(0), num_iterations, 1.0)


# --- predict_shallow ---------------------------------------------------------------------


@pytest.mark.kata("chapter5.predict_shallow")
def test_predict_shallow_thresholds_at_one_half(impl):
    p = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]]), "W2": np.array([[1.0]]), "b2": np.array([[0.0]])}
    X = np.array([[-2.0, 0.0, 0.5, 3.0]])  # A2 = sigmoid(tanh(x)): below, at, above 0.5
    got = call_unchanged(impl.chapter5.predict_shallow, X, p)
    assert_array(got, what="predict_shallow(X, parameters)", shape=(1, 4), dtype=np.int64)
    assert_close(got, np.array([[0, 0, 1, 1]]), what="labels: 1 where A2 > 0.5 (A2 = 0.5 gives 0)")


@pytest.mark.kata("chapter5.predict_shallow")
def test_predict_shallow_matches_probabilities(impl):
    rng = np.random.default_rng(14)
    p = random_parameters(rng, n_x=2, n_h=5, n_y=1, scale=2.0)
    X = rng.normal(size=(2, 60))
    _, A2 = oracle_forward(X, p)
    assert_close(
        impl.chapter5.predict_shallow(X, p), (A2 > 0.5).astype(np.int64), what="predict_shallow on random data"
    )
