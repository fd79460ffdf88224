"""Correct chapter-3 solutions written differently from the reference, with no
argument checks of their own; every one must pass all the tests of its kata."""

import math

import numpy as np
import scipy.special

from kata.mutants import alternative
from reference.chapter1 import iterate_minibatches
from reference.chapter3 import backward_mlp, cross_entropy, forward_mlp, relu, softmax

NAMES = ("W1", "b1", "W2", "b2")

# --- forward_perceptron ----------------------------------------------------------------


@alternative("chapter3.forward_perceptron")
def einsum_and_expit(X, W, b):
    """np.einsum for the weighted sums and scipy.special.expit for the sigmoid."""
    return scipy.special.expit(np.einsum("nd,dk->nk", X, W) + b)


@alternative("chapter3.forward_perceptron")
def tanh_sigmoid_in_float64(X, W, b):
    """sigma(z) = (1 + tanh(z / 2)) / 2 computed in float64, cast back to the inputs' dtype."""
    Z = X.astype(np.float64) @ W.astype(np.float64) + b.astype(np.float64)
    return ((1 + np.tanh(Z / 2)) / 2).astype(np.result_type(X, W, b))


# --- relu and relu_derivative ----------------------------------------------------------


@alternative("chapter3.relu")
def half_of_z_plus_abs(Z):
    """(z + |z|) / 2: z for positive z, 0 otherwise, exactly."""
    return (Z + np.abs(Z)) / 2


@alternative("chapter3.relu")
def where_positive(Z):
    """np.where(Z > 0, Z, 0): a new array; the Python 0 keeps Z's dtype."""
    return np.where(Z > 0, Z, 0)


@alternative("chapter3.relu_derivative")
def heaviside_step(Z):
    """np.heaviside(Z, 0): the unit step, with the value 0 chosen at z = 0."""
    return np.heaviside(Z, 0)


@alternative("chapter3.relu_derivative")
def sign_of_relu(Z):
    """The sign of max(z, 0): 1 for positive z, 0 for the rest (and for -0.0)."""
    return np.sign(np.maximum(Z, 0))


# --- softmax ---------------------------------------------------------------------------


@alternative("chapter3.softmax")
def exp_minus_logsumexp(Z):
    """exp(z - logsumexp(z)) row by row, with scipy.special.logsumexp: no division at all."""
    return np.exp(Z - scipy.special.logsumexp(Z, axis=1, keepdims=True))


@alternative("chapter3.softmax")
def scipy_softmax(Z):
    """scipy.special.softmax over axis 1."""
    return scipy.special.softmax(Z, axis=1)


@alternative("chapter3.softmax")
def float64_inside_cast_back(Z):
    """The max-subtracted formula in float64, cast back to Z's dtype at the end."""
    wide = Z.astype(np.float64)
    exp = np.exp(wide - wide.max(axis=1, keepdims=True))
    return (exp / exp.sum(axis=1, keepdims=True)).astype(Z.dtype)


# --- forward_mlp -----------------------------------------------------------------------


@alternative("chapter3.forward_mlp")
def tensordot_and_scipy(X, W1, b1, W2, b2):
    """np.tensordot for the layers, np.maximum for ReLU and scipy.special.softmax for the output."""
    A1 = np.maximum(np.tensordot(X, W1, axes=1) + b1, 0)
    return A1, scipy.special.softmax(np.tensordot(A1, W2, axes=1) + b2, axis=1)


@alternative("chapter3.forward_mlp")
def float64_inside_with_katas(X, W1, b1, W2, b2):
    """The katas relu and softmax on float64 copies, both results cast back to X's dtype."""
    dtype = X.dtype
    X, W1, b1, W2, b2 = (array.astype(np.float64) for array in (X, W1, b1, W2, b2))
    A1 = relu(X @ W1 + b1)
    A2 = softmax(A1 @ W2 + b2)
    return A1.astype(dtype), A2.astype(dtype)


# --- cross_entropy ---------------------------------------------------------------------


@alternative("chapter3.cross_entropy")
def true_class_probabilities(A, y):
    """Picks each row's true-class probability with the argmax of y, floors it at eps, averages -log."""
    p = A[np.arange(len(A)), y.argmax(axis=1)]
    return float(-np.mean(np.log(np.maximum(p, np.finfo(A.dtype).eps))))


@alternative("chapter3.cross_entropy")
def scipy_xlogy(A, y):
    """scipy.special.xlogy(y, A) (0 where y is 0) on A clipped below at eps, summed and divided by n."""
    return -float(scipy.special.xlogy(y, np.clip(A, np.finfo(A.dtype).eps, None)).sum()) / A.shape[0]


@alternative("chapter3.cross_entropy")
def float64_row_sums(A, y):
    """In float64 (eps still from A's dtype): each row's -sum y log A, then the mean of the rows."""
    eps = np.finfo(A.dtype).eps
    log_A = np.log(np.clip(A.astype(np.float64), eps, 1))
    return float(-(y.astype(np.float64) * log_A).sum(axis=1).mean())


# --- backward_mlp ----------------------------------------------------------------------


@alternative("chapter3.backward_mlp")
def einsum_and_where(X, A1, A2, y, W1, W2):
    """Every product as np.einsum, the ReLU mask as np.where(A1 > 0, ..., 0), biases summed then reshaped."""
    dZ2 = (A2 - y) / X.shape[0]
    dZ1 = np.where(A1 > 0, np.einsum("nk,hk->nh", dZ2, W2), 0)
    return (
        np.einsum("nd,nh->dh", X, dZ1),
        dZ1.sum(axis=0).reshape(1, -1),
        np.einsum("nh,nk->hk", A1, dZ2),
        dZ2.sum(axis=0).reshape(1, -1),
    )


@alternative("chapter3.backward_mlp")
def transposed_products_in_float64(X, A1, A2, y, W1, W2):
    """In float64, cast back: products taken transposed ((dZ1^T X)^T) and bias sums as a row of ones times dZ."""
    dtype = np.result_type(X, A1, A2, y, W1, W2)
    X, A1, A2, y, W2 = (array.astype(np.float64) for array in (X, A1, A2, y, W2))
    ones = np.ones((1, X.shape[0]))
    dZ2 = (A2 - y) / X.shape[0]
    dZ1 = (W2 @ dZ2.T).T * (A1 > 0)
    grads = ((dZ1.T @ X).T, ones @ dZ1, (dZ2.T @ A1).T, ones @ dZ2)
    return tuple(grad.astype(dtype) for grad in grads)


@alternative("chapter3.backward_mlp")
def one_sample_at_a_time(X, A1, A2, y, W1, W2):
    """Sums each sample's own outer products (a loop over the rows), divided by n at the end."""
    grads = [np.zeros(W1.shape, X.dtype), np.zeros((1, W1.shape[1]), X.dtype)]
    grads += [np.zeros(W2.shape, X.dtype), np.zeros((1, W2.shape[1]), X.dtype)]
    for x, a1, a2, target in zip(X, A1, A2, y, strict=True):
        dz2 = a2 - target
        dz1 = (W2 @ dz2) * (a1 > 0)
        for grad, update in zip(grads, (np.outer(x, dz1), dz1, np.outer(a1, dz2), dz2), strict=True):
            grad += update
    return tuple(grad / len(X) for grad in grads)


# --- init_mlp --------------------------------------------------------------------------


@alternative("chapter3.init_mlp")
def rng_normal_with_scale(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """rng.normal(0, sqrt(2 / fan_in), shape) for each weight matrix, cast to the dtype."""
    return {
        "W1": rng.normal(0.0, math.sqrt(2 / n_in), size=(n_in, n_hidden)).astype(dtype),
        "b1": np.zeros((1, n_hidden), dtype),
        "W2": rng.normal(0.0, math.sqrt(2 / n_hidden), size=(n_hidden, n_out)).astype(dtype),
        "b2": np.zeros((1, n_out), dtype),
    }


@alternative("chapter3.init_mlp")
def drawn_in_the_dtype(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """rng.standard_normal(..., dtype=dtype): float32 weights drawn as float32 (other numbers than float64 draws)."""
    dtype = np.dtype(dtype)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(((n_in, n_hidden), (n_hidden, n_out)), start=1):
        scale = np.asarray(math.sqrt(2 / fan_in), dtype=dtype)
        params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out), dtype=dtype) * scale
        params[f"b{layer}"] = np.zeros((1, fan_out), dtype)
    return params


# --- train_mlp -------------------------------------------------------------------------


def _accuracy(params, X, y):
    _, A2 = forward_mlp(X, *(params[name] for name in NAMES))
    return float(np.mean(A2.argmax(axis=1) == y.argmax(axis=1)))


@alternative("chapter3.train_mlp")
def permuted_indices_new_dicts(
    params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None
):
    """One rng.permutation of indices per epoch, fancy-indexed batches, and a new dict of parameters per step
    (one-expression updates instead of in-place ones)."""
    dtype = X_train.dtype
    params = {name: params[name].astype(dtype) for name in NAMES}
    y_train = y_train.astype(dtype)
    n, history = len(X_train), []
    for _ in range(num_epochs):
        order = rng.permutation(n)
        loss_sum, right = 0.0, 0
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            X_batch, y_batch = X_train[index], y_train[index]
            A1, A2 = forward_mlp(X_batch, params["W1"], params["b1"], params["W2"], params["b2"])
            loss_sum += cross_entropy(A2, y_batch) * len(index)
            right += int((A2.argmax(axis=1) == y_batch.argmax(axis=1)).sum())
            grads = backward_mlp(X_batch, A1, A2, y_batch, params["W1"], params["W2"])
            params = {name: params[name] - lr * grad for name, grad in zip(NAMES, grads, strict=True)}
        record = {"loss": loss_sum / n, "train_accuracy": right / n}
        if X_test is not None:
            record["test_accuracy"] = _accuracy(params, X_test, y_test)
        history.append(record)
    return params, history


@alternative("chapter3.train_mlp")
def inline_formulas_summed_loss(
    params, X_train, y_train, rng, *, lr=0.3, num_epochs=2, batch_size=32, X_test=None, y_test=None
):
    """Its own forward and backward formulas written inline (no other kata), batches from chapter 1's
    iterate_minibatches, and the epoch loss as one sum of -y log A over every sample divided by n."""
    dtype = X_train.dtype
    W1, b1, W2, b2 = (params[name].astype(dtype) for name in NAMES)
    y_train = y_train.astype(dtype)
    eps = np.finfo(dtype).eps
    history = []
    for _ in range(num_epochs):
        summed, right = 0.0, 0
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, batch_size, rng):
            A1 = np.maximum(X_batch @ W1 + b1, 0)
            Z2 = A1 @ W2 + b2
            A2 = np.exp(Z2 - scipy.special.logsumexp(Z2, axis=1, keepdims=True))
            summed -= float(np.sum(y_batch * np.log(np.clip(A2, eps, 1))))
            right += int(np.count_nonzero(A2.argmax(axis=1) == y_batch.argmax(axis=1)))
            dZ2 = (A2 - y_batch) / len(X_batch)
            dZ1 = (dZ2 @ W2.T) * (A1 > 0)
            W1 -= lr * (X_batch.T @ dZ1)
            b1 -= lr * dZ1.sum(axis=0, keepdims=True)
            W2 -= lr * (A1.T @ dZ2)
            b2 -= lr * dZ2.sum(axis=0, keepdims=True)
        trained = dict(zip(NAMES, (W1, b1, W2, b2), strict=True))
        record = {"loss": summed / len(X_train), "train_accuracy": right / len(X_train)}
        if X_test is not None:
            record["test_accuracy"] = _accuracy(trained, X_test, y_test)
        history.append(record)
    return {name: value.copy() for name, value in zip(NAMES, (W1, b1, W2, b2), strict=True)}, history
