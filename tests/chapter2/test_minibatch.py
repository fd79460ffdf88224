"""2.3 minibatch_gradient_descent: shuffled batches, a partial last batch, linear and logistic models."""

import itertools
import time

import numpy as np
import pytest
import scipy.special

from kata.testing import assert_array, assert_close, assert_scalar, call_unchanged, no_warnings, rejects

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
    # Six float64 updates of numbers near 1 (any sigmoid formula, any order of the batch sums): ~1e-15 relative.
    assert_close(W, W_exp, what=f"{model}: W after 2 epochs of batches sized 2, 2, 1", rtol=1e-12, atol=1e-15)
    assert_close(b, b_exp, what=(
        f"{model}: b after 2 epochs of batches sized 2, 2, 1 (is the last batch of 1 row dropped, "
        "or divided by batch_size instead of its real size?)"), rtol=1e-12, atol=1e-15)  # fmt: skip


def test_shuffles_every_epoch_with_rng(impl):
    X, y, W0, b0 = small_problem("linear", n=8)

    def train(rng):
        return impl.chapter2.minibatch_gradient_descent(X, y, W0, b0, 0.05, 3, 2, rng)

    np.random.seed(1)  # noqa: NPY002 - a solution must not depend on the global state
    first, first_b, first_history = train(np.random.default_rng(7))
    np.random.seed(2)  # noqa: NPY002
    again, again_b, again_history = train(np.random.default_rng(7))
    other = train(np.random.default_rng(8))[0]
    assert np.array_equal(first, again) and np.array_equal(first_b, again_b) and first_history == again_history, (
        "the same rng seed must give the same W, b and loss history: draw the shuffle from rng, not np.random"
    )
    assert not np.array_equal(first, other), "two rng seeds gave the same W: are the batches shuffled with rng?"
    W, b = W0, b0
    for _ in range(3):  # the same epochs without any shuffling: batches in the original order
        for start in range(0, 8, 2):
            Xb, yb = X[start : start + 2], y[start : start + 2]
            error = Xb @ W + b - yb
            W, b = W - 0.05 * (2 / 2) * Xb.T @ error, b - 0.05 * (2 / 2) * error.sum(keepdims=True)
    assert not np.allclose(first, W, rtol=1e-9), "W equals unshuffled training: shuffle the samples every epoch"


def one_update(X_batch, y_batch, W, b, lr, model):
    """The test's own update on one batch, averaged over its real number of rows."""
    Z = X_batch @ W + b
    error = (Z if model == "linear" else scipy.special.expit(Z)) - y_batch
    scale = (2 if model == "linear" else 1) / len(X_batch)
    return W - lr * scale * X_batch.T @ error, b - lr * scale * error.sum(keepdims=True)


def whole_set_loss(X, y, W, b, model):
    Z = X @ W + b
    if model == "linear":
        return float(np.mean((Z - y) ** 2))
    A = scipy.special.expit(Z)
    return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))


def every_epoch(X, y, W, b, lr, batch_size, model):
    """Every way one epoch can go: each permutation of the rows cut into consecutive batches of batch_size (the
    last one partial), keyed by its batches as sets of rows, with the whole-set loss and the parameters after it."""
    outcomes = {}
    for order in itertools.permutations(range(len(X))):
        batches = tuple(frozenset(order[start : start + batch_size]) for start in range(0, len(X), batch_size))
        if batches not in outcomes:
            W_next, b_next = W, b
            for batch in batches:
                rows = sorted(batch)
                W_next, b_next = one_update(X[rows], y[rows], W_next, b_next, lr, model)
            outcomes[batches] = (whole_set_loss(X, y, W_next, b_next, model), W_next, b_next)
    return outcomes


EPOCH_CASES = {
    # 4 rows, batches of 1: 24 orders. 5 rows, batches of 2, 2 and 1 (the last one partial): 30 ways to cut.
    "linear-4-rows-batches-of-1": ("linear", [[0.3], [-1.2], [0.8], [2.0]], [1.0, -0.5, 0.2, 1.7], 1, 0.15),
    "linear-5-rows-batches-of-2": (
        "linear", [[0.0, 1.4], [1.2, -0.5], [-0.3, -0.5], [0.6, -0.1], [0.7, -1.8]], [1.6, -0.1, 0.7, -0.1, -0.4], 2,
        0.3),
    "logistic-5-rows-batches-of-2": (
        "logistic", [[1.1, 1.8], [-2.6, -0.1], [1.0, 1.4], [0.7, 1.5], [0.3, 0.6]], [1.0, 0.0, 0.0, 0.0, 1.0], 2, 1.0),
}  # fmt: skip


@pytest.mark.parametrize("case", EPOCH_CASES.values(), ids=EPOCH_CASES.keys())
def test_every_epoch_is_a_new_permutation_cut_into_batches(impl, case):
    # The test tries every way of cutting a permutation into batches from the previous epoch's parameters and finds
    # the one whose whole-set loss is the recorded one (the data make the candidates' losses differ by far more than
    # rounding). That checks each epoch's batches (each row with its own target, the partial last batch kept and
    # averaged by its real size), the history (the whole-set loss after the epoch's last update) and, over six
    # epochs, a fresh order each epoch: six fresh permutations all cut the same way with probability 24**-5 or
    # 30**-5, below 1e-6; one permutation reused in every epoch always is.
    model, X, y, batch_size, lr = case
    X, y = np.array(X), np.array(y)[:, None]
    W, b = np.zeros((X.shape[1], 1)), np.zeros((1, 1))
    epochs = 6
    W_out, b_out, history = impl.chapter2.minibatch_gradient_descent(
        X, y, W, b, lr, epochs, batch_size, np.random.default_rng(5), model=model
    )
    assert len(history) == epochs, f"{epochs} epochs must record {epochs} losses; got {len(history)}"
    cuts = []
    for epoch, recorded in enumerate(history):
        candidates = every_epoch(X, y, W, b, lr, batch_size, model)
        ranked = sorted(candidates.items(), key=lambda item: abs(item[1][0] - recorded))
        (cut, (loss, W, b)), runner_up = ranked[0], ranked[1][1][0]
        assert abs(runner_up - loss) > 1e-9 * loss, "test design: two ways through an epoch give the same loss"
        # Any correct arithmetic of the same updates agrees with the test's to about 1e-15 relative after 30
        # updates of numbers near 1; 1e-12 leaves room for that and is far below the 1e-9 gap between candidates.
        assert abs(loss - recorded) <= 1e-12 * loss, (
            f"{model}, batch_size {batch_size}: the loss recorded after epoch {epoch + 1}, {recorded}, is the "
            f"whole-set loss after no way of cutting a permutation of the {len(X)} rows into batches of "
            f"{batch_size} (the nearest is {loss}). Each batch's update uses its own rows and targets, averaged "
            "over its real size (the last batch is partial and kept), and the history holds the loss on all rows "
            "after the epoch's last update."
        )
        cuts.append([sorted(batch) for batch in cut])
    assert_close(W_out, W, what=f"{model}: W returned after the last epoch", rtol=1e-10, atol=1e-12)
    assert_close(b_out, b, what=f"{model}: b returned after the last epoch", rtol=1e-10, atol=1e-12)
    assert any(cut != cuts[0] for cut in cuts), (
        f"every one of {epochs} epochs cut the rows into the same batches {cuts[0]}: draw a new permutation "
        "from rng at the start of every epoch, not once before training"
    )


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("epochs", [1, 3])
def test_last_history_entry_is_the_loss_at_the_returned_parameters(impl, model, epochs):
    X, y, W0, b0 = small_problem(model, n=7)  # batches of 3, 3 and 1
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, W0, b0, 0.2, epochs, 3, np.random.default_rng(4), model=model
    )
    assert len(history) == epochs, f"{epochs} epochs must record {epochs} losses; got {history}"
    # The same float64 loss of 7 rows at the same parameters, by any formula: ~1e-15 relative; rtol 1e-10.
    assert_scalar(history[-1], whole_set_loss(X, y, W, b, model), rtol=1e-10, what=(
        f"{model}: loss_history[-1] vs the loss on all 7 rows at the W, b returned (record the whole-set loss "
        "once the epoch's last update is done, not the batches' losses or the loss before the epoch)"))  # fmt: skip


@pytest.mark.parametrize("model", ["linear", "logistic"])
def test_zero_learning_rate_leaves_the_parameters_where_they_are(impl, model):
    X, y, W0, b0 = small_problem(model, n=7)
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, W0, b0, 0.0, 3, 2, np.random.default_rng(0), model=model
    )
    assert_close(W, W0, what=f"{model}: W after 3 epochs at lr = 0 (W - 0 * dW)", rtol=0, atol=0)
    assert_close(b, b0, what=f"{model}: b after 3 epochs at lr = 0", rtol=0, atol=0)
    start = whole_set_loss(X, y, W0, b0, model)
    assert_close(np.array(history), np.full(3, start), what=f"{model}: loss history at lr = 0", rtol=1e-12)


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("batch_size", [6, 100])
def test_one_batch_per_epoch_is_full_batch_descent(impl, model, batch_size):
    X, y, W0, b0 = small_problem(model)
    W, b, history = impl.chapter2.minibatch_gradient_descent(
        X, y, W0, b0, 0.3, 3, batch_size, np.random.default_rng(0), model=model
    )
    W_exp, b_exp, history_exp = full_batch_reference(X, y, W0, b0, 0.3, 3, model)
    # Three float64 updates on 6 rows, the rows summed in a shuffled order: ~1e-15 relative; rtol 1e-10.
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
    ("change", "culprits"),
    [({"model": "softmax"}, ["model"]), ({"batch_size": 0}, ["batch_size"]), ({"num_epochs": 0}, ["num_epochs"]),
     ({"y": np.zeros(4)}, ["y"]), ({"W": np.zeros((3, 1))}, ["W", "X"]), ({"b": np.zeros((1, 2))}, ["b"]),
     ({"rng": 0}, ["rng"]), ({"lr": float("inf")}, ["lr"]),
     ({"y": np.array([[0.0], [1.0], [-1.0], [1.0]]), "model": "logistic"}, ["y", "model"])],
)  # fmt: skip
def test_rejects_bad_arguments(impl, change, culprits):
    args = {"X": np.zeros((4, 2)), "y": np.zeros((4, 1)), "W": np.zeros((2, 1)), "b": np.zeros((1, 1)), "lr": 0.1,
            "num_epochs": 1, "batch_size": 2, "rng": np.random.default_rng(0), "model": "linear"} | change  # fmt: skip
    with rejects(*culprits):
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
