"""Plausible wrong chapter-3 solutions; every one must fail some test of its kata."""

import math

import numpy as np

from kata.mutants import mutant
from reference.chapter1 import iterate_minibatches, sigmoid
from reference.chapter3 import backward_mlp, cross_entropy, forward_mlp, relu, softmax

NAMES = ("W1", "b1", "W2", "b2")

# --- forward_perceptron ----------------------------------------------------------------


@mutant("chapter3.forward_perceptron")
def perceptron_without_bias(X, W, b):
    """Forgets the bias: sigmoid(X W), a boundary forced through the origin."""
    return sigmoid(X @ W)


@mutant("chapter3.forward_perceptron")
def perceptron_without_sigmoid(X, W, b):
    """Returns the linear score X W + b instead of a probability."""
    return X @ W + b


# --- relu and relu_derivative ----------------------------------------------------------


@mutant("chapter3.relu")
def leaky_relu(Z):
    """Lets 1 % of negative values through (a leaky ReLU)."""
    return np.where(Z > 0, Z, 0.01 * Z)


@mutant("chapter3.relu")
def relu_in_place(Z):
    """Clips the caller's array in place (np.maximum(Z, 0, out=Z))."""
    return np.maximum(Z, 0, out=Z)


@mutant("chapter3.relu_derivative")
def derivative_one_at_zero(Z):
    """Uses Z >= 0: 1 at z = 0, where the course fixes the derivative to 0."""
    return (Z >= 0).astype(Z.dtype)


@mutant("chapter3.relu_derivative")
def boolean_derivative(Z):
    """Returns the boolean mask itself instead of numbers of Z's dtype."""
    return np.asarray(Z) > 0


# --- softmax ---------------------------------------------------------------------------


@mutant("chapter3.softmax")
def unstable_softmax(Z):
    """No max subtraction: exp(1000) overflows to inf and the row becomes nan."""
    exp = np.exp(Z)
    return exp / exp.sum(axis=1, keepdims=True)


@mutant("chapter3.softmax")
def softmax_over_columns(Z):
    """Normalizes over axis 0 (each class across samples) instead of each sample's row."""
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)


@mutant("chapter3.softmax")
def global_max_shift(Z):
    """Subtracts the maximum of the whole batch: a row far below it underflows to 0 / 0."""
    exp = np.exp(Z - Z.max())
    return exp / exp.sum(axis=1, keepdims=True)


@mutant("chapter3.softmax")
def softmax_upcasts(Z):
    """Stable, but computes and returns float64 for float32 scores."""
    Z = Z.astype(np.float64)
    exp = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


# --- forward_mlp -----------------------------------------------------------------------


@mutant("chapter3.forward_mlp")
def returns_pre_activation(X, W1, b1, W2, b2):
    """Returns Z1 = X W1 + b1 as the hidden output instead of A1 = relu(Z1)."""
    Z1 = X @ W1 + b1
    return Z1, softmax(relu(Z1) @ W2 + b2)


@mutant("chapter3.forward_mlp")
def sigmoid_hidden_layer(X, W1, b1, W2, b2):
    """Uses a sigmoid in the hidden layer instead of ReLU."""
    A1 = sigmoid(X @ W1 + b1)
    return A1, softmax(A1 @ W2 + b2)


# --- cross_entropy ---------------------------------------------------------------------


@mutant("chapter3.cross_entropy")
def summed_over_samples(A, y):
    """Sums the loss over the samples instead of averaging it: it grows with the batch size."""
    return float(-np.sum(y * np.log(np.clip(A, np.finfo(A.dtype).eps, 1))))


@mutant("chapter3.cross_entropy")
def mean_over_every_entry(A, y):
    """np.mean over all n * k entries: divides by k too many."""
    return float(-np.mean(y * np.log(np.clip(A, np.finfo(A.dtype).eps, 1))))


@mutant("chapter3.cross_entropy")
def unclipped_log(A, y):
    """No clip: log(0) is -inf, and 0 * -inf makes nan with a RuntimeWarning."""
    return float(-np.sum(y * np.log(A)) / len(A))


# --- backward_mlp ----------------------------------------------------------------------


@mutant("chapter3.backward_mlp")
def no_relu_mask(X, A1, A2, y, W1, W2):
    """Forgets the ReLU derivative: inactive hidden units still pass gradient back."""
    dZ2 = (A2 - y) / len(X)
    dZ1 = dZ2 @ W2.T
    return X.T @ dZ1, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)


@mutant("chapter3.backward_mlp")
def forgotten_one_over_n(X, A1, A2, y, W1, W2):
    """Forgets the 1/n of the mean: the gradient of the summed loss, n times too large."""
    dZ2 = A2 - y
    dZ1 = (dZ2 @ W2.T) * (A1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)


@mutant("chapter3.backward_mlp")
def transposed_weight_gradient(X, A1, A2, y, W1, W2):
    """Computes dZ1^T X, the transpose of grad_W1, shape (h, d) instead of (d, h)."""
    dZ2 = (A2 - y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (A1 > 0)
    return dZ1.T @ X, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)


@mutant("chapter3.backward_mlp")
def bias_gradient_over_classes(X, A1, A2, y, W1, W2):
    """Sums the bias gradients over axis 1 (the units) instead of axis 0 (the samples)."""
    dZ2 = (A2 - y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (A1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=1, keepdims=True), A1.T @ dZ2, dZ2.sum(axis=1, keepdims=True)


# --- init_mlp --------------------------------------------------------------------------


def _init(n_in, n_hidden, n_out, dtype, draw, scale_1, scale_2):
    return {
        "W1": (draw((n_in, n_hidden)) * scale_1).astype(dtype),
        "b1": np.zeros((1, n_hidden), dtype=dtype),
        "W2": (draw((n_hidden, n_out)) * scale_2).astype(dtype),
        "b2": np.zeros((1, n_out), dtype=dtype),
    }


@mutant("chapter3.init_mlp")
def small_gaussian_init(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """The posts' 0.01 * randn: far too small for ReLU layers."""
    return _init(n_in, n_hidden, n_out, dtype, rng.standard_normal, 0.01, 0.01)


@mutant("chapter3.init_mlp")
def xavier_scale(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """sqrt(1 / fan_in) (Xavier/LeCun) instead of He's sqrt(2 / fan_in)."""
    return _init(n_in, n_hidden, n_out, dtype, rng.standard_normal, math.sqrt(1 / n_in), math.sqrt(1 / n_hidden))


@mutant("chapter3.init_mlp")
def global_random_state(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """Draws from the global np.random instead of rng: not reproducible."""
    draw = lambda shape: np.random.standard_normal(shape)  # noqa: E731, NPY002 - the mistake this mutant makes
    return _init(n_in, n_hidden, n_out, dtype, draw, math.sqrt(2 / n_in), math.sqrt(2 / n_hidden))


@mutant("chapter3.init_mlp")
def uniform_he(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """He's standard deviation, but drawn from a uniform distribution instead of a normal one."""
    draw = lambda shape: rng.uniform(-math.sqrt(3), math.sqrt(3), shape)  # noqa: E731 - unit variance
    return _init(n_in, n_hidden, n_out, dtype, draw, math.sqrt(2 / n_in), math.sqrt(2 / n_hidden))


# --- train_mlp -------------------------------------------------------------------------


def _train(params, X_train, y_train, rng, lr, num_epochs, batch_size, X_test, y_test, step, average, shuffle=True):
    """The reference training loop, with the batch step and the epoch average passed in."""
    params = {name: params[name].astype(X_train.dtype) for name in NAMES}
    y_train = y_train.astype(X_train.dtype)
    history = []
    for _ in range(num_epochs):
        losses, sizes, correct = [], [], 0
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, batch_size, rng if shuffle else None):
            loss, right = step(params, X_batch, y_batch, lr)
            losses.append(loss)
            sizes.append(len(X_batch))
            correct += right
        record = {"loss": average(losses, sizes), "train_accuracy": correct / len(X_train)}
        if X_test is not None:
            _, A2 = forward_mlp(X_test, *(params[name] for name in NAMES))
            record["test_accuracy"] = float(np.mean(A2.argmax(axis=1) == y_test.argmax(axis=1)))
        history.append(record)
    return params, history


def _batch_step(params, X, y, lr):
    A1, A2 = forward_mlp(X, *(params[name] for name in NAMES))
    loss, right = cross_entropy(A2, y), int(np.sum(A2.argmax(axis=1) == y.argmax(axis=1)))
    for name, grad in zip(NAMES, backward_mlp(X, A1, A2, y, params["W1"], params["W2"]), strict=True):
        params[name] -= lr * grad
    return loss, right


def _per_sample_step(params, X, y, lr):
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    loss, right = 0.0, 0
    for i in range(len(X)):
        x, target = X[i : i + 1], y[i : i + 1]
        A1, A2 = forward_mlp(x, *(params[name] for name in NAMES))
        loss += cross_entropy(A2, target) / len(X)
        right += int(A2.argmax() == target.argmax())
        for name, grad in zip(NAMES, backward_mlp(x, A1, A2, target, params["W1"], params["W2"]), strict=True):
            grads[name] += grad / len(X)
    for name in NAMES:
        params[name] -= lr * grads[name]
    return loss, right


def _weighted(losses, sizes):
    return float(np.dot(losses, sizes) / sum(sizes))


def _unweighted(losses, sizes):
    return float(np.mean(losses))


@mutant("chapter3.train_mlp")
def per_sample_loop(params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None):
    """Right results, but a Python loop over the samples of each batch: one forward and backward pass per image."""
    return _train(
        params, X_train, y_train, rng, lr, num_epochs, batch_size, X_test, y_test, _per_sample_step, _weighted
    )


@mutant("chapter3.train_mlp")
def unweighted_epoch_loss(
    params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None
):
    """Averages the batch losses without weighting them by batch size: a partial last batch counts too much."""
    return _train(params, X_train, y_train, rng, lr, num_epochs, batch_size, X_test, y_test, _batch_step, _unweighted)


@mutant("chapter3.train_mlp")
def never_shuffles(params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None):
    """Ignores rng: every epoch sees the batches in the same order."""
    return _train(
        params, X_train, y_train, rng, lr, num_epochs, batch_size, X_test, y_test, _batch_step, _weighted, False
    )


@mutant("chapter3.train_mlp")
def trains_in_float64(params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None):
    """Converts the parameters to float64: every float32 batch is upcast, and the result has the wrong dtype."""
    params = {name: params[name].astype(np.float64) for name in NAMES}
    trained, history = _train(
        params,
        X_train.astype(np.float64),
        y_train,
        rng,
        lr,
        num_epochs,
        batch_size,
        X_test,
        y_test,
        _batch_step,
        _weighted,
    )
    return trained, history


@mutant("chapter3.train_mlp")
def shuffles_once(params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None):
    """Shuffles the training set once, before the first epoch, and reuses that order in every epoch."""
    order = rng.permutation(len(X_train))
    return _train(
        params, X_train[order], y_train[order], rng, lr, num_epochs, batch_size, X_test, y_test, _batch_step,
        _weighted, False,
    )  # fmt: skip
