"""2.2 gradient_descent: full-batch linear regression on the MSE, with its exact gradient."""

import numpy as np
import pytest

from kata.gradcheck import TOLERANCES, numerical_gradient, relative_error
from kata.testing import assert_array, assert_close, call_unchanged, rejects

pytestmark = pytest.mark.kata("chapter2.gradient_descent")


def hand_gradient_descent(xs, ys, w, b, lr, steps):
    """One-feature gradient descent written out with Python floats: the test's own arithmetic."""
    n = len(xs)
    losses = []
    for _ in range(steps):
        errors = [w * x + b - t for x, t in zip(xs, ys, strict=True)]
        losses.append(sum(e * e for e in errors) / n)
        grad_w = 2 / n * sum(e * x for e, x in zip(errors, xs, strict=True))
        grad_b = 2 / n * sum(errors)
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b, losses


def test_update_is_the_exact_gradient_of_the_reported_loss(impl):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 1))
    W0, b0 = rng.normal(size=(3, 1)), rng.normal(size=(1, 1))
    lr = 0.1
    W1, b1, history = impl.chapter2.gradient_descent(X, y, W0.copy(), b0.copy(), lr, 1)
    # One step W1 = W0 - lr * dW, so the gradient the learner used is (W0 - W1) / lr.
    used = {"W": (W0 - W1) / lr, "b": (b0 - b1) / lr}
    W, b = W0.copy(), b0.copy()

    def loss():
        return float(np.mean((X @ W + b - y) ** 2))

    # The MSE of 7 float64 residuals of size 1 in any summation order: a few ulps, far inside rel 1e-12.
    assert history[0] == pytest.approx(loss(), rel=1e-12), "loss_history[0] must be the MSE at the initial W, b"
    numeric = {"W": numerical_gradient(loss, W), "b": numerical_gradient(loss, b)}
    for name in ("W", "b"):
        error = relative_error(used[name], numeric[name])
        ratio = float(np.sum(used[name] * numeric[name]) / np.sum(numeric[name] ** 2))
        assert error <= TOLERANCES["linear"], (
            f"the step on {name} is not the gradient of the MSE: relative error {error:.2e}; the step is "
            f"{ratio:.3f} times the numerical gradient. A ratio of 0.5 is the posts' X.T @ (y_pred - y) / n: "
            "the derivative of mean((y_pred - y)^2) carries a factor 2, so use (2/n) X.T @ (y_pred - y)."
        )


def test_hand_computed_iterations(impl):
    xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    w, b, losses = hand_gradient_descent(xs, ys, 0.0, 0.0, 0.05, 4)
    X, y = np.array(xs)[:, None], np.array(ys)[:, None]
    W_out, b_out, history = impl.chapter2.gradient_descent(X, y, np.zeros((1, 1)), np.zeros((1, 1)), 0.05, 4)
    # Four updates of numbers between 0.2 and 19: any float64 order of the same sums stays within ~1e-15 relative.
    assert_close(W_out, np.array([[w]]), what="W after 4 iterations", rtol=1e-12)
    assert_close(b_out, np.array([[b]]), what="b after 4 iterations", rtol=1e-12)
    assert isinstance(history, list) and all(isinstance(loss, float) for loss in history), (
        f"loss_history must be a list of Python floats; got {history!r}"
    )
    assert_close(np.array(history), np.array(losses), what="loss_history (the MSE *before* each update)", rtol=1e-12)


@pytest.mark.parametrize("lr", [0.0, 0.05, 0.15])
def test_each_step_is_lr_times_the_gradient(impl, lr):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    W0, b0 = rng.normal(size=(2, 1)), rng.normal(size=(1, 1))
    error = X @ W0 + b0 - y
    W_exp, b_exp = W0 - lr * (2 / 6) * X.T @ error, b0 - lr * (2 / 6) * error.sum(keepdims=True)
    W, b, history = impl.chapter2.gradient_descent(X, y, W0, b0, lr, 1)
    # One float64 update of numbers of size 1: a few ulps; rtol 1e-12 (exact at lr = 0).
    assert_close(W, W_exp, what=f"W after one step at lr = {lr} (W - lr * dW)", rtol=1e-12, atol=1e-15)
    assert_close(b, b_exp, what=f"b after one step at lr = {lr} (b - lr * db: the bias steps by lr too)",
                 rtol=1e-12, atol=1e-15)  # fmt: skip
    assert len(history) == 1, f"one iteration records one loss; got {history}"


def test_converges_to_least_squares(impl):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = X @ np.array([[1.5], [-0.5]]) + 0.7 + 0.1 * rng.normal(size=(30, 1))
    W, b, history = impl.chapter2.gradient_descent(X, y, np.zeros((2, 1)), np.zeros((1, 1)), 0.2, 300)
    theta = np.linalg.lstsq(np.hstack([X, np.ones((30, 1))]), y, rcond=None)[0]
    # lr 0.2 multiplies the distance to the minimum by at most 0.79 per step (Hessian eigenvalues 1.1 to 2.1): after
    # 300 steps only rounding (~1e-16 on parameters of size 1) is left, so any correct float64 run is within 1e-6.
    assert_close(W, theta[:2], what="W after 300 iterations vs np.linalg.lstsq", rtol=1e-6, atol=1e-8)
    assert_close(b, theta[2:], what="b after 300 iterations vs np.linalg.lstsq", rtol=1e-6, atol=1e-8)
    assert len(history) == 300 and history[-1] <= history[0], "300 iterations must record 300 decreasing losses"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_dtype_and_leaves_callers_arrays_alone(impl, dtype):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 2)).astype(dtype), rng.normal(size=(5, 1)).astype(dtype)
    W0, b0 = rng.normal(size=(2, 1)).astype(dtype), np.ones((1, 1), dtype=dtype)
    W, b, _ = call_unchanged(impl.chapter2.gradient_descent, X, y, W0, b0, 0.1, 3)
    assert_array(W, what="W returned", shape=(2, 1), dtype=dtype)
    assert_array(b, what="b returned", shape=(1, 1), dtype=dtype)
    assert W is not W0 and b is not b0, "return new arrays, not the caller's W and b"


@pytest.mark.parametrize(
    ("name", "shapes"),
    [("y", {"y": (5,)}), ("W", {"W": (3, 1)}), ("b", {"b": (1,)}), ("y", {"y": (4, 1)}), ("X", {"X": (5,)})],
)
def test_rejects_shapes_that_do_not_fit(impl, name, shapes):
    args = {"X": (5, 2), "y": (5, 1), "W": (2, 1), "b": (1, 1)} | shapes
    with rejects(name):
        impl.chapter2.gradient_descent(*(np.zeros(args[key]) for key in ("X", "y", "W", "b")), 0.1, 1)


@pytest.mark.parametrize(("name", "change"), [("num_iterations", {"num_iterations": 0}),
                                              ("num_iterations", {"num_iterations": 2.0}),
                                              ("lr", {"lr": float("nan")})])  # fmt: skip
def test_rejects_bad_iterations_and_rates(impl, name, change):
    args = {"X": np.zeros((2, 1)), "y": np.zeros((2, 1)), "W": np.zeros((1, 1)), "b": np.zeros((1, 1)), "lr": 0.1,
            "num_iterations": 1} | change  # fmt: skip
    with rejects(name):
        impl.chapter2.gradient_descent(**args)
