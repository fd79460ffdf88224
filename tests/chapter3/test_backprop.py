"""3.4 backward_mlp: the gradients of the 2-layer MLP, checked against centered differences."""

import numpy as np
import pytest
import scipy.special

from kata.gradcheck import TOLERANCES, assert_gradients_close, away_from_kinks, numerical_gradient
from kata.testing import assert_array, assert_close, call_unchanged, rejects

pytestmark = pytest.mark.kata("chapter3.backward_mlp")

NAMES = ("W1", "b1", "W2", "b2")


def oracle_forward(X, params):
    """The forward pass with NumPy and SciPy: (Z1, A1, A2)."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    return Z1, A1, scipy.special.softmax(A1 @ params["W2"] + params["b2"], axis=1)


def oracle_loss(X, y, params):
    _, _, A2 = oracle_forward(X, params)
    return float(-np.sum(y * np.log(A2)) / len(X))


def batch(n=5, d=4, h=6, k=3, seed=0):
    """A float64 batch whose hidden pre-activations are all at least KINK_MARGIN from 0,
    with some units inactive (Z1 < 0) so the ReLU mask matters."""
    rng = np.random.default_rng(seed)
    while True:
        X = rng.normal(size=(n, d))
        params = {
            "W1": rng.normal(size=(d, h)),
            "b1": rng.normal(size=(1, h)),
            "W2": rng.normal(size=(h, k)),
            "b2": rng.normal(size=(1, k)),
        }
        Z1, _, _ = oracle_forward(X, params)
        if away_from_kinks(Z1) and 0.2 < np.mean(Z1 > 0) < 0.8:
            return X, np.eye(k)[rng.integers(0, k, size=n)], params


def analytic(impl, X, y, params):
    _, A1, A2 = oracle_forward(X, params)
    grads = impl.chapter3.backward_mlp(X, A1, A2, y, params["W1"], params["W2"])
    assert isinstance(grads, tuple) and len(grads) == 4, "backward_mlp must return (grad_W1, grad_b1, grad_W2, grad_b2)"
    return dict(zip(NAMES, grads, strict=True))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_centered_differences(impl, seed):
    X, y, params = batch(seed=seed)
    numeric = {name: numerical_gradient(lambda: oracle_loss(X, y, params), params[name]) for name in NAMES}
    assert_gradients_close(analytic(impl, X, y, params), numeric, TOLERANCES["smooth"])


def test_gradient_shapes(impl):
    X, y, params = batch(n=7, d=3, h=5, k=4)
    grads = analytic(impl, X, y, params)
    for name, shape in [("W1", (3, 5)), ("b1", (1, 5)), ("W2", (5, 4)), ("b2", (1, 4))]:
        assert_array(
            grads[name],
            what=f"grad_{name} (the shape of {name}; bias gradients sum over the samples, axis 0, keeping dims)",
            shape=shape,
        )


def test_hand_computed_single_sample(impl):
    # One sample, d = 1, h = 2 (unit 0 active, unit 1 inactive), k = 2.
    X = np.array([[2.0]])
    params = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros((1, 2)), "W2": np.zeros((2, 2)), "b2": np.zeros((1, 2))}
    y = np.array([[0.0, 1.0]])
    # Z1 = [2, -2], A1 = [2, 0]; Z2 = 0, A2 = [0.5, 0.5]; dZ2 = A2 - y = [0.5, -0.5].
    # With W2 = 0 nothing flows back: dZ1 = 0. grad_W2 = A1^T dZ2 = [[1, -1], [0, 0]].
    grads = analytic(impl, X, y, params)
    assert_close(grads["W2"], np.array([[1.0, -1.0], [0.0, 0.0]]), what="grad_W2 = A1^T (A2 - y) / n")
    assert_close(grads["b2"], np.array([[0.5, -0.5]]), what="grad_b2 = sum over samples of (A2 - y) / n")
    assert_close(grads["W1"], np.zeros((1, 2)), what="grad_W1 when W2 = 0")
    assert_close(grads["b1"], np.zeros((1, 2)), what="grad_b1 when W2 = 0")


def test_inactive_hidden_units_get_no_gradient(impl):
    X, y, params = batch(seed=3)
    params["b1"][0, 0] = -1e3  # hidden unit 0 is off for every sample: ReLU'(Z1) = 0 there
    grads = analytic(impl, X, y, params)
    assert np.all(grads["W1"][:, 0] == 0) and grads["b1"][0, 0] == 0, (
        f"hidden unit 0 is inactive (Z1 < 0 for every sample), so its weights and bias must get a zero gradient; "
        f"got grad_W1[:, 0] = {grads['W1'][:, 0]} and grad_b1[0, 0] = {grads['b1'][0, 0]}. "
        "Multiply dZ2 W2^T element-wise by relu_derivative(A1) (the ReLU mask)"
    )


def test_gradients_are_averaged_over_the_batch(impl):
    X, y, params = batch(n=4)
    once = analytic(impl, X, y, params)
    twice = analytic(impl, np.vstack([X, X]), np.vstack([y, y]), params)
    for name in NAMES:
        assert_close(
            twice[name],
            once[name],
            what=f"grad_{name} for the batch repeated twice vs once (an average does not grow with n: divide by n)",
            rtol=1e-10,
            atol=1e-12,
        )


def test_float32_in_float32_out_and_inputs_unchanged(impl):
    X, y, params = batch(n=6, d=5, h=4, k=3, seed=4)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    p32 = {name: value.astype(np.float32) for name, value in params.items()}
    _, A1, A2 = oracle_forward(X32, p32)
    grads = call_unchanged(impl.chapter3.backward_mlp, X32, A1, A2, y32, p32["W1"], p32["W2"])
    numeric = {name: numerical_gradient(lambda: oracle_loss(X, y, params), params[name]) for name in NAMES}
    # The float32 inputs are the float64 ones rounded (6e-8 relative); float32 sums of at most 6 terms of size
    # below 10 add about 6 * 6e-8 * 10 = 4e-6 absolute; the float64 numerical gradient is good to 1e-9. So a
    # correct float32 gradient lies within about 1e-5 of it; atol 1e-5 plus rtol 1e-3 admits every order of sums.
    for name, grad in zip(NAMES, grads, strict=True):
        assert_close(
            grad, numeric[name], what=f"grad_{name} for float32 inputs", dtype=np.float32, rtol=1e-3, atol=1e-5
        )


@pytest.mark.parametrize(
    ("argument", "bad_shape"),
    [("A1", (5, 7)), ("A2", (5, 2)), ("y", (5,)), ("y", (4, 3)), ("W2", (7, 3)), ("W1", (4,)), ("X", (4, 4))],
)
def test_rejects_misfit_shapes(impl, argument, bad_shape):
    X, y, params = batch()  # X (5, 4), W1 (4, 6), W2 (6, 3)
    _, A1, A2 = oracle_forward(X, params)
    arguments = {"X": X, "A1": A1, "A2": A2, "y": y, "W1": params["W1"], "W2": params["W2"]}
    arguments[argument] = np.ones(bad_shape)
    with rejects(argument):
        impl.chapter3.backward_mlp(*arguments.values())
