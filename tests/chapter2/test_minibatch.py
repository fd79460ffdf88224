"""2.3 minibatch_gradient_descent: shuffled batches, a partial last batch, linear and logistic models."""

import time

import numpy as np
import pytest
import scipy.special

from kata.testing import assert_array, assert_close, call_unchanged, no_warnings

pytestmark = pytest.mark.kata("chapter2.minibatch_gradient_descent")


def full_batch_reference(X, y, W, b, lr, epochs, model):
    """The test's own full-batch descent: with batch_size >= n every epoch is one update on all rows."""
    n = len(X)
    history = []
    for _ in range(epochs):
        Z = X @ W + b
        error = (Z if model == "linear" else scipy.special.expit(Z)) - y
        scale = 2 / n if model == "linear" else 1 / n
        W, b = W - lr * scale * X.T @ error, b - lr * scale * error.sum(keepdims=True)
        Z = X @ W + b
        if model == "linear":
            history.append(float(np.mean((Z - y) ** 2)))
        else:
            A = scipy.special.expit(Z)
            history.append(float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))))
    return W, b, history


def small_problem(model, n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = X @ np.array([[1.0], [-2.0]]) + 0.5 if model == "linear" else (X[:, :1] > 0).astype(float)
    return X, y, 0.1 * rng.normal(size=(2, 1)), np.array([[0.2]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("model", ["linear", "logistic"])
def test_keeps_dtype_and_leaves_callers_arrays_alone(impl, dtype, model):
    X, y, W0, b0 = (array.astype(dtype) for array in small_problem(model, n=7))
    W, b, history = call_unchanged(
        impl.chapter2.minibatch_gradient_descent, X, y, W0, b0, 0.1, 2, 3, np.random.default_rng(0), model=model
    )
    assert_array(W, what=f"{model}: W returned", shape=(2, 1), dtype=dtype)
    assert_array(b, what=f"{model}: b returned", shape=(1, 1), dtype=dtype)
    assert len(history) == 2 and all(isinstance(loss, float) for loss in history)


def test_shuffled_rows_keep_their_targets(impl):
    # y = 2x + 1 holds exactly for every row, so shuffled mini-batch descent converges to W = 2, b = 1.
    # Shuffling X and y with different permutations pairs rows with other rows' targets and cannot.
    X = np.linspace(-1, 1, 8)[:, None]
    y = 2 * X + 1
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, np.zeros((1, 1)), np.zeros((1, 1)), 0.1, 200, 3, np.random.default_rng(0)
    )
    assert_close(W, np.array([[2.0]]), what="W fitted to y = 2x + 1 (one permutation for X and y?)", atol=1e-6)
    assert_close(b, np.array([[1.0]]), what="b fitted to y = 2x + 1", atol=1e-6)
    assert len(history) == 200 and history[-1] < 1e-10, f"the final loss should be about 0; got {history[-1]}"


@pytest.mark.parametrize("model", ["linear", "logistic"])
def test_partial_last_batch_is_kept_and_averaged_by_its_size(impl, model):
    # Five identical rows: every batch, whatever the shuffle, has the gradient of one row, provided
    # it is averaged by its real size. batch_size 2 gives batches of 2, 2 and 1: three updates per epoch.
    x, t, lr = np.array([[0.5, -1.0]]), 0.7 if model == "linear" else 1.0, 0.2
    X, y = np.repeat(x, 5, axis=0), np.full((5, 1), t)
    W, b = np.zeros((2, 1)), np.zeros((1, 1))
    W_exp, b_exp = W, b
    for _ in range(2 * 3):
        W_exp, b_exp, _ = full_batch_reference(x, np.array([[t]]), W_exp, b_exp, lr, 1, model)
    W, b, _ = impl.chapter2.minibatch_gradient_descent(X, y, W, b, lr, 2, 2, np.random.default_rng(0), model=model)
    assert_close(W, W_exp, what=f"{model}: W after 2 epochs of batches sized 2, 2, 1", rtol=1e-12, atol=1e-15)
    assert_close(b, b_exp, what=(
        f"{model}: b after 2 epochs of batches sized 2, 2, 1 (is the last batch of 1 row dropped, "
        "or divided by batch_size instead of its real size?)"), rtol=1e-12, atol=1e-15)  # fmt: skip


def test_shuffles_every_epoch_with_rng(impl):
    X, y, W0, b0 = small_problem("linear", n=8)

    def train(rng):
        return impl.chapter2.minibatch_gradient_descent(X, y, W0, b0, 0.05, 3, 2, rng)[0]

    np.random.seed(1)  # noqa: NPY002 - a solution must not depend on the global state
    first = train(np.random.default_rng(7))
    np.random.seed(2)  # noqa: NPY002
    again = train(np.random.default_rng(7))
    other = train(np.random.default_rng(8))
    assert np.array_equal(first, again), "the same rng seed must give the same result: draw the shuffle from rng"
    assert not np.array_equal(first, other), "two rng seeds gave the same W: are the batches shuffled with rng?"
    W, b = W0, b0
    for _ in range(3):  # the same epochs without any shuffling: batches in the original order
        for start in range(0, 8, 2):
            Xb, yb = X[start : start + 2], y[start : start + 2]
            error = Xb @ W + b - yb
            W, b = W - 0.05 * (2 / 2) * Xb.T @ error, b - 0.05 * (2 / 2) * error.sum(keepdims=True)
    assert not np.allclose(first, W, rtol=1e-9), "W equals unshuffled training: shuffle the samples every epoch"


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("batch_size", [6, 100])
def test_one_batch_per_epoch_is_full_batch_descent(impl, model, batch_size):
    X, y, W0, b0 = small_problem(model)
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, W0, b0, 0.3, 3, batch_size, np.random.default_rng(0), model=model
    )
    W_exp, b_exp, history_exp = full_batch_reference(X, y, W0, b0, 0.3, 3, model)
    factor = "2/m X.T @ (y_pred - y)" if model == "linear" else "1/m X.T @ (A - y), without a 2"
    assert_close(W, W_exp, what=f"{model}: W after 3 full-batch epochs (dW = {factor})", rtol=1e-10)
    assert_close(b, b_exp, what=f"{model}: b after 3 full-batch epochs", rtol=1e-10)
    assert isinstance(history, list) and all(isinstance(loss, float) for loss in history), (
        f"loss_history must be a list of Python floats; got {history!r}"
    )
    assert_close(np.array(history), np.array(history_exp), what=f"{model}: loss on all rows after each epoch",
                 rtol=1e-10)  # fmt: skip


def test_logistic_regression_separates_two_clusters(impl):
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(-2, 0.5, size=(20, 2)), rng.normal(2, 0.5, size=(20, 2))])
    y = np.vstack([np.zeros((20, 1)), np.ones((20, 1))])
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, np.zeros((2, 1)), np.zeros((1, 1)), 0.5, 20, 8, rng, model="logistic"
    )
    accuracy = np.mean(((X @ W + b) > 0) == (y == 1))
    assert accuracy == 1.0, f"two well-separated clusters must be classified perfectly; training accuracy {accuracy}"
    assert history[-1] < history[0], f"the cross-entropy should fall; history {history}"


def test_no_warnings_at_extreme_inputs(impl):
    X = np.array([[1000.0], [-1000.0], [800.0], [-900.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    with no_warnings():
        W, _, history = impl.chapter2.minibatch_gradient_descent(
            X, y, np.ones((1, 1)), np.zeros((1, 1)), 0.1, 2, 3, np.random.default_rng(0), model="logistic"
        )
    assert np.all(np.isfinite(W)) and np.all(np.isfinite(history)), f"W {W}, loss history {history}"


@pytest.mark.parametrize(
    ("change", "match"),
    [({"model": "softmax"}, "model"), ({"batch_size": 0}, "batch_size"), ({"num_epochs": 0}, "num_epochs"),
     ({"y": np.zeros(4)}, r"y.*\(4,\)"), ({"W": np.zeros((3, 1))}, r"W.*\(3, 1\)")],
)  # fmt: skip
def test_rejects_bad_arguments(impl, change, match):
    args = {"X": np.zeros((4, 2)), "y": np.zeros((4, 1)), "W": np.zeros((2, 1)), "b": np.zeros((1, 1)), "lr": 0.1,
            "num_epochs": 1, "batch_size": 2, "rng": np.random.default_rng(0), "model": "linear"} | change  # fmt: skip
    with pytest.raises(ValueError, match=match):
        impl.chapter2.minibatch_gradient_descent(**args)


@pytest.mark.slow
def test_logistic_regression_on_mnist_zeros_and_ones(impl, mnist):
    train, test = np.isin(mnist.y_train, [0, 1]), np.isin(mnist.y_test, [0, 1])
    X, y = mnist.X_train[train], mnist.y_train[train].astype(np.float32)[:, None]
    X_test, y_test = mnist.X_test[test], mnist.y_test[test][:, None]
    W0, b0 = np.zeros((784, 1), dtype=np.float32), np.zeros((1, 1), dtype=np.float32)
    start = time.perf_counter()
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, W0, b0, 0.1, 2, 64, np.random.default_rng(0), model="logistic"
    )
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(((X_test @ W + b) > 0) == (y_test == 1)))
    print(f"MNIST 0 vs 1: {len(X)} training images, 2 epochs in {seconds:.2f} s, test accuracy {accuracy:.4f}")
    assert_array(W, what="W trained on MNIST float32 images", shape=(784, 1), dtype=np.float32)
    assert accuracy >= 0.99, (
        f"logistic regression on MNIST 0 vs 1 reached {accuracy:.2%} test accuracy after 2 epochs; expected at "
        f">= 99 % (the loss per epoch was {history})"
    )
