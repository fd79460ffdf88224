"""Plausible wrong chapter-4 solutions; every one must fail some test of its kata."""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from numpy.lib.stride_tricks import sliding_window_view

from kata.mutants import mutant
from reference.chapter3 import cross_entropy, relu, softmax
from reference.chapter4 import (
    backward_cnn,
    backward_mlp_3layer,
    forward_cnn,
    forward_mlp_3layer,
    init_cnn,
    plot_filters,
    plot_training_curves,
    train_cnn,
)

MLP_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
CNN_NAMES = ("K", "bK", "W", "b")


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _windows(X, kh, kw, stride):
    return sliding_window_view(X, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]


def _pool_windows(X, size, stride):
    return sliding_window_view(X, (size, size), axis=(1, 2))[:, ::stride, ::stride]


# --- 4.1 the 3-layer MLP, vanishing gradients, initialization ---------------------------


@mutant("chapter4.forward_mlp_3layer")
def sigmoid_in_the_second_layer(X, W1, b1, W2, b2, W3, b3):
    """The second hidden layer uses the sigmoid instead of ReLU."""
    A1 = np.maximum(X @ W1 + b1, 0)
    A2 = 1 / (1 + np.exp(-(A1 @ W2 + b2)))
    return A1, A2, _softmax_rows(A2 @ W3 + b3)


@mutant("chapter4.forward_mlp_3layer")
def softmax_down_the_columns(X, W1, b1, W2, b2, W3, b3):
    """Normalizes each class over the batch (axis 0) instead of each sample over the classes."""
    A1 = np.maximum(X @ W1 + b1, 0)
    A2 = np.maximum(A1 @ W2 + b2, 0)
    E = np.exp(A2 @ W3 + b3)
    return A1, A2, E / E.sum(axis=0, keepdims=True)


@mutant("chapter4.backward_mlp_3layer")
def forgets_one_over_n(X, A1, A2, A3, y, W1, W2, W3):
    """Sums the gradients over the batch instead of averaging them."""
    dZ3 = A3 - y
    dZ2 = (dZ3 @ W3.T) * (A2 > 0)
    dZ1 = (dZ2 @ W2.T) * (A1 > 0)
    return (X.T @ dZ1, dZ1.sum(0, keepdims=True), A1.T @ dZ2, dZ2.sum(0, keepdims=True), A2.T @ dZ3,
            dZ3.sum(0, keepdims=True))  # fmt: skip


@mutant("chapter4.backward_mlp_3layer")
def no_relu_mask_on_the_first_layer(X, A1, A2, A3, y, W1, W2, W3):
    """Backpropagates through the first hidden layer as if it were linear."""
    dZ3 = (A3 - y) / len(X)
    dZ2 = (dZ3 @ W3.T) * (A2 > 0)
    dZ1 = dZ2 @ W2.T
    return (X.T @ dZ1, dZ1.sum(0, keepdims=True), A1.T @ dZ2, dZ2.sum(0, keepdims=True), A2.T @ dZ3,
            dZ3.sum(0, keepdims=True))  # fmt: skip


def _norms(X, y, weights, biases, activation, derivative, reverse=False):
    g = (lambda Z: 1 / (1 + np.exp(-Z))) if activation == "sigmoid" else (lambda Z: np.maximum(Z, 0))
    activations = [X]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(g(activations[-1] @ W + b))
    delta = (_softmax_rows(activations[-1] @ weights[-1] + biases[-1]) - y) / len(X)
    norms = []
    for layer in reversed(range(len(weights))):
        norms.append(float(np.linalg.norm(activations[layer].T @ delta)))
        if layer > 0:
            delta = (delta @ weights[layer].T) * derivative(activation, activations[layer])
    return norms if reverse else norms[::-1]


@mutant("chapter4.layer_gradient_norms")
def sigmoid_derivative_applied_twice(X, y, weights, biases, activation):
    """Computes sigma'(A) = sigma(A) (1 - sigma(A)) from the activation A = sigma(Z): sigmoid applied twice."""

    def derivative(name, A):
        s = 1 / (1 + np.exp(-A))
        return s * (1 - s) if name == "sigmoid" else (A > 0)

    return _norms(X, y, weights, biases, activation, derivative)


@mutant("chapter4.layer_gradient_norms")
def last_layer_first(X, y, weights, biases, activation):
    """Returns the norms in backpropagation's order, output layer first."""

    def derivative(name, A):
        return A * (1 - A) if name == "sigmoid" else (A > 0)

    return _norms(X, y, weights, biases, activation, derivative, reverse=True)


@mutant("chapter4.he_init")
def variance_one_over_n_in(n_in, n_out, rng, dtype=np.float32):
    """LeCun's scale 1 / n_in: a deep ReLU network's signal halves at every layer."""
    return (rng.standard_normal((n_in, n_out)) * np.sqrt(1 / n_in)).astype(dtype)


@mutant("chapter4.he_init")
def standard_deviation_two_over_n_in(n_in, n_out, rng, dtype=np.float32):
    """Uses 2 / n_in as the standard deviation instead of the variance."""
    return (rng.standard_normal((n_in, n_out)) * (2 / n_in)).astype(dtype)


@mutant("chapter4.he_init")
def uniform_instead_of_normal(n_in, n_out, rng, dtype=np.float32):
    """The right variance, but uniform on [-sqrt(6 / n_in), sqrt(6 / n_in)] instead of normal."""
    limit = np.sqrt(6 / n_in)
    return rng.uniform(-limit, limit, (n_in, n_out)).astype(dtype)


@mutant("chapter4.xavier_init")
def fan_in_only(n_in, n_out, rng, dtype=np.float32):
    """Variance 1 / n_in: ignores the fan-out."""
    return (rng.standard_normal((n_in, n_out)) * np.sqrt(1 / n_in)).astype(dtype)


@mutant("chapter4.xavier_init")
def xavier_from_the_global_generator(n_in, n_out, rng, dtype=np.float32):
    """Draws from np.random instead of rng: not reproducible."""
    return (np.random.standard_normal((n_in, n_out)) * np.sqrt(2 / (n_in + n_out))).astype(dtype)  # noqa: NPY002


@mutant("chapter4.init_mlp_3layer")
def small_random_weights(n_in, h1, h2, n_out, rng, dtype=np.float32):
    """The posts' 0.01 * randn: far too small for three ReLU layers."""
    sizes = (n_in, h1, h2, n_out)
    params = {}
    for layer in (1, 2, 3):
        params[f"W{layer}"] = (0.01 * rng.standard_normal(sizes[layer - 1 : layer + 1])).astype(dtype)
        params[f"b{layer}"] = np.zeros((1, sizes[layer]), dtype)
    return params


@mutant("chapter4.init_mlp_3layer")
def one_dimensional_biases(n_in, h1, h2, n_out, rng, dtype=np.float32):
    """Biases of shape (h,) instead of (1, h)."""
    sizes = (n_in, h1, h2, n_out)
    params = {}
    for layer in (1, 2, 3):
        fan_in = sizes[layer - 1]
        params[f"W{layer}"] = (rng.standard_normal(sizes[layer - 1 : layer + 1]) * np.sqrt(2 / fan_in)).astype(dtype)
        params[f"b{layer}"] = np.zeros(sizes[layer], dtype)
    return params


def _train_mlp(params, X_train, y_train, order, lr, num_epochs, batch_size, X_test, y_test):
    history = []
    for _ in range(num_epochs):
        total, correct = 0.0, 0
        for start in range(0, len(X_train), batch_size):
            index = order[start : start + batch_size]
            X, y = X_train[index], y_train[index]
            A1, A2, A3 = forward_mlp_3layer(X, *(params[name] for name in MLP_NAMES))
            total += cross_entropy(A3, y) * len(X)
            correct += int(np.sum(A3.argmax(1) == y.argmax(1)))
            grads = backward_mlp_3layer(X, A1, A2, A3, y, params["W1"], params["W2"], params["W3"])
            for name, grad in zip(MLP_NAMES, grads, strict=True):
                params[name] -= lr * grad
        record = {"loss": total / len(X_train), "train_accuracy": correct / len(X_train), "seconds": 0.0}
        if X_test is not None:
            _, _, A3 = forward_mlp_3layer(X_test, *(params[name] for name in MLP_NAMES))
            record["test_accuracy"] = float(np.mean(A3.argmax(1) == y_test.argmax(1)))
        history.append(record)
    return params, history


@mutant("chapter4.train_mlp_3layer")
def never_shuffles(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64, X_test=None, y_test=None):
    """Walks through the training set in its stored order every epoch; rng is never used."""
    copies = {name: value.astype(X_train.dtype) for name, value in params.items()}
    return _train_mlp(copies, X_train, y_train, np.arange(len(X_train)), lr, num_epochs, batch_size, X_test, y_test)


@mutant("chapter4.train_mlp_3layer")
def shuffles_only_once(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64, X_test=None,
                       y_test=None):  # fmt: skip
    """Draws one permutation before the first epoch and reuses it in every epoch."""
    copies = {name: value.astype(X_train.dtype) for name, value in params.items()}
    return _train_mlp(copies, X_train, y_train, rng.permutation(len(X_train)), lr, num_epochs, batch_size, X_test,
                      y_test)  # fmt: skip


@mutant("chapter4.train_mlp_3layer")
def trains_the_callers_arrays(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64, X_test=None,
                              y_test=None):  # fmt: skip
    """Updates the caller's parameter arrays in place instead of copies."""
    return _train_mlp(params, X_train, y_train, rng.permutation(len(X_train)), lr, num_epochs, batch_size, X_test,
                      y_test)  # fmt: skip


# --- 4.2 convolution ------------------------------------------------------------------


@mutant("chapter4.conv2d")
def true_convolution(image, filter_kernel, stride=1):
    """Flips the kernel (what scipy.signal.convolve2d does) where cross-correlation is asked."""
    windows = sliding_window_view(image, filter_kernel.shape)[::stride, ::stride]
    return np.einsum("ijmn,mn->ij", windows, filter_kernel[::-1, ::-1])


@mutant("chapter4.conv2d")
def stride_applied_to_the_kernel(image, filter_kernel, stride=1):
    """Steps through the kernel's entries with the stride instead of through the windows."""
    windows = sliding_window_view(image, filter_kernel.shape)
    return np.einsum("ijmn,mn->ij", windows[:, :, ::stride, ::stride], filter_kernel[::stride, ::stride])


@mutant("chapter4.conv_forward")
def flipped_kernel(X, K, b, stride=1):
    """A true convolution: the kernel flipped in both spatial directions."""
    return np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], stride), K[::-1, ::-1]) + b


@mutant("chapter4.conv_forward")
def first_bias_for_every_filter(X, K, b, stride=1):
    """Adds b[0] to every output channel."""
    return np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], stride), K) + b[0]


def _conv_backward_parts(dZ, X, K, stride):
    kh, kw = K.shape[:2]
    H_out, W_out = (X.shape[1] - kh) // stride + 1, (X.shape[2] - kw) // stride + 1
    dX = np.zeros_like(X, dtype=np.result_type(dZ, K))
    for m in range(kh):
        for q in range(kw):
            rows, cols = slice(m, m + stride * (H_out - 1) + 1, stride), slice(q, q + stride * (W_out - 1) + 1, stride)
            dX[:, rows, cols, :] += np.einsum("nhwo,co->nhwc", dZ, K[m, q])
    return dX, _windows(X, kh, kw, stride)


@mutant("chapter4.conv_backward")
def kernel_gradient_swaps_input_and_output(dZ, X, K, stride=1):
    """Builds dK with the input and output channel axes swapped, then reshapes it to K's shape."""
    dX, windows = _conv_backward_parts(dZ, X, K, stride)
    dK = np.einsum("nhwcij,nhwo->ijoc", windows, dZ).reshape(K.shape)
    return dX, dK, dZ.sum(axis=(0, 1, 2))


@mutant("chapter4.conv_backward")
def bias_gradient_averaged(dZ, X, K, stride=1):
    """Averages dZ over the output pixels for db, though every pixel used the bias once."""
    dX, windows = _conv_backward_parts(dZ, X, K, stride)
    return dX, np.einsum("nhwcij,nhwo->ijco", windows, dZ), dZ.mean(axis=(1, 2)).sum(axis=0)


@mutant("chapter4.conv_backward")
def input_gradient_with_the_kernel_flipped(dZ, X, K, stride=1):
    """Sends each output gradient back through the flipped kernel, as a true convolution's backward pass would."""
    _, windows = _conv_backward_parts(dZ, X, K, stride)
    dX, _ = _conv_backward_parts(dZ, X, K[::-1, ::-1], stride)
    return dX, np.einsum("nhwcij,nhwo->ijco", windows, dZ), dZ.sum(axis=(0, 1, 2))


# --- 4.3 pooling and the CNN ----------------------------------------------------------


@mutant("chapter4.max_pool")
def average_pooling(X, size=2, stride=2):
    """The mean of each window instead of its maximum."""
    return _pool_windows(X, size, stride).mean(axis=(4, 5))


@mutant("chapter4.max_pool")
def windows_one_pixel_apart(X, size=2, stride=2):
    """Ignores the stride: overlapping windows one pixel apart."""
    return _pool_windows(X, size, 1).max(axis=(4, 5))


def _route(dout, X, size, stride, choose):
    windows = _pool_windows(X, size, stride)
    flat = windows.reshape(*windows.shape[:4], size * size)
    dX = np.zeros_like(X)
    for cell in range(size * size):
        m, q = divmod(cell, size)
        rows = slice(m, m + stride * (dout.shape[1] - 1) + 1, stride)
        cols = slice(q, q + stride * (dout.shape[2] - 1) + 1, stride)
        dX[:, rows, cols, :] += choose(flat, cell) * dout
    return dX


@mutant("chapter4.max_pool_backward")
def every_tied_maximum(dout, X, size=2, stride=2):
    """Sends the window's gradient to every cell equal to its maximum: ties count it several times."""
    return _route(dout, X, size, stride, lambda flat, cell: flat[..., cell] == flat.max(axis=-1))


@mutant("chapter4.max_pool_backward")
def first_cell_of_the_window(dout, X, size=2, stride=2):
    """Sends the window's gradient to its top-left cell, whichever cell holds the maximum."""
    return _route(dout, X, size, stride, lambda flat, cell: np.full(flat.shape[:4], cell == 0))


@mutant("chapter4.max_pool_backward")
def last_tied_maximum(dout, X, size=2, stride=2):
    """One winner per window, but the last tied cell instead of the first (np.argmax picks the first)."""

    def is_last_maximum(flat, cell):
        return flat.shape[-1] - 1 - np.argmax(flat[..., ::-1], axis=-1) == cell

    return _route(dout, X, size, stride, is_last_maximum)


@mutant("chapter4.init_cnn")
def unpooled_feature_count(rng, n_filters=8, kernel_size=3, n_classes=10, dtype=np.float32,
                           image_shape=(28, 28, 1)):  # fmt: skip
    """Sizes the dense layer for the feature maps before pooling (26 * 26 * 8 rows)."""
    H, W, C = image_shape
    n_flat = (H - kernel_size + 1) * (W - kernel_size + 1) * n_filters
    fan_in = kernel_size * kernel_size * C
    return {
        "K": (rng.standard_normal((kernel_size, kernel_size, C, n_filters)) * np.sqrt(2 / fan_in)).astype(dtype),
        "bK": np.zeros(n_filters, dtype),
        "W": (rng.standard_normal((n_flat, n_classes)) * np.sqrt(2 / (n_flat + n_classes))).astype(dtype),
        "b": np.zeros((1, n_classes), dtype),
    }


@mutant("chapter4.init_cnn")
def kernel_fan_in_forgets_the_window(rng, n_filters=8, kernel_size=3, n_classes=10, dtype=np.float32,
                                     image_shape=(28, 28, 1)):  # fmt: skip
    """He-initializes the kernels with fan-in C_in (1) instead of kernel_size * kernel_size * C_in (9)."""
    H, W, C = image_shape
    n_flat = ((H - kernel_size + 1) // 2) * ((W - kernel_size + 1) // 2) * n_filters
    return {
        "K": (rng.standard_normal((kernel_size, kernel_size, C, n_filters)) * np.sqrt(2 / C)).astype(dtype),
        "bK": np.zeros(n_filters, dtype),
        "W": (rng.standard_normal((n_flat, n_classes)) * np.sqrt(2 / (n_flat + n_classes))).astype(dtype),
        "b": np.zeros((1, n_classes), dtype),
    }


def _cnn_forward(X, params, activation, flatten):
    K, bK, W, b = (params[name] for name in CNN_NAMES)
    Z = np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], 1), K) + bK
    A = activation(Z)
    P = _pool_windows(A, 2, 2).max(axis=(4, 5))
    features = flatten(P)
    probs = _softmax_rows(features @ W + b)
    return probs, {"X": X, "A": A, "P": P, "probs": probs}


@mutant("chapter4.forward_cnn")
def no_relu(X, params):
    """Pools the convolution's output without the ReLU."""
    return _cnn_forward(X, params, lambda Z: Z, lambda P: P.reshape(len(P), -1))


@mutant("chapter4.forward_cnn")
def caches_the_pre_activations(X, params):
    """Right probabilities, but the cache's "A" holds the convolution's output before the ReLU."""
    probs, cache = _cnn_forward(X, params, relu, lambda P: P.reshape(len(P), -1))
    K, bK = params["K"], params["bK"]
    return probs, {**cache, "A": np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], 1), K) + bK}


@mutant("chapter4.forward_cnn")
def flattens_channels_first(X, params):
    """Flattens the pooled maps channel by channel ((N, C, H, W) order), not in the (H, W, C) order of W's rows."""
    return _cnn_forward(X, params, relu, lambda P: P.transpose(0, 3, 1, 2).reshape(len(P), -1))


def _cnn_backward(y, params, cache, n_divisor, relu_mask):
    K, W = params["K"], params["W"]
    X, A, P, probs = cache["X"], cache["A"], cache["P"], cache["probs"]
    dS = (probs - y) / n_divisor(len(probs))
    dP = (dS @ W.T).reshape(P.shape)
    windows = _pool_windows(A, 2, 2).reshape(*P.shape, 4)
    winner = windows.argmax(axis=-1)
    dA = np.zeros_like(A)
    for cell in range(4):
        m, q = divmod(cell, 2)
        dA[:, m : m + 2 * (P.shape[1] - 1) + 1 : 2, q : q + 2 * (P.shape[2] - 1) + 1 : 2, :] += (winner == cell) * dP
    dZ = dA * (A > 0) if relu_mask else dA
    dK = np.einsum("nhwcij,nhwo->ijco", _windows(X, *K.shape[:2], 1), dZ)
    return {"K": dK, "bK": dZ.sum(axis=(0, 1, 2)), "W": P.reshape(len(P), -1).T @ dS, "b": dS.sum(0, keepdims=True)}


@mutant("chapter4.backward_cnn")
def no_relu_mask(y, params, cache):
    """Skips the ReLU's derivative between the pooling and the convolution."""
    return _cnn_backward(y, params, cache, lambda n: n, relu_mask=False)


@mutant("chapter4.backward_cnn")
def cnn_gradients_summed_over_the_batch(y, params, cache):
    """Forgets the 1/N of the mean cross-entropy."""
    return _cnn_backward(y, params, cache, lambda n: 1, relu_mask=True)


def _train_cnn(params, X_train, y_train, order_of, lr, num_epochs, batch_size, mu, lr_decay, X_test, y_test, rate_of,
               reset_velocity=False):  # fmt: skip
    params = {name: params[name].astype(X_train.dtype) for name in CNN_NAMES}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    history = []
    for epoch in range(num_epochs):
        if reset_velocity:
            velocity = {name: np.zeros_like(value) for name, value in params.items()}
        rate = rate_of(lr, lr_decay, epoch)
        order = order_of(len(X_train))
        total, correct = 0.0, 0
        for start in range(0, len(X_train), batch_size):
            index = order[start : start + batch_size]
            probs, cache = forward_cnn(X_train[index], params)
            total += cross_entropy(probs, y_train[index]) * len(index)
            correct += int(np.sum(probs.argmax(1) == y_train[index].argmax(1)))
            grads = backward_cnn(y_train[index], params, cache)
            for name in CNN_NAMES:
                velocity[name] = mu * velocity[name] - rate * grads[name]
                params[name] += velocity[name]
        record = {"loss": total / len(X_train), "train_accuracy": correct / len(X_train), "seconds": 0.0}
        if X_test is not None:
            probs, _ = forward_cnn(X_test, params)
            record["test_accuracy"] = float(np.mean(probs.argmax(1) == y_test.argmax(1)))
        history.append(record)
    return params, history


@mutant("chapter4.train_cnn")
def cnn_never_shuffles(params, X_train, y_train, rng, *, lr=0.1, num_epochs=1, batch_size=64, mu=0.0, lr_decay=1.0,
                       X_test=None, y_test=None):  # fmt: skip
    """Visits the batches in the stored order every epoch; rng is never used."""
    return _train_cnn(params, X_train, y_train, np.arange, lr, num_epochs, batch_size, mu, lr_decay, X_test, y_test,
                      lambda lr, decay, epoch: lr * decay**epoch)  # fmt: skip


@mutant("chapter4.train_cnn")
def decays_before_the_first_epoch(params, X_train, y_train, rng, *, lr=0.1, num_epochs=1, batch_size=64, mu=0.0,
                                  lr_decay=1.0, X_test=None, y_test=None):  # fmt: skip
    """Uses lr * lr_decay ** (epoch + 1): even the first epoch runs at a decayed rate."""
    return _train_cnn(params, X_train, y_train, rng.permutation, lr, num_epochs, batch_size, mu, lr_decay, X_test,
                      y_test, lambda lr, decay, epoch: lr * decay ** (epoch + 1))  # fmt: skip


@mutant("chapter4.train_cnn")
def velocity_restarts_every_epoch(params, X_train, y_train, rng, *, lr=0.1, num_epochs=1, batch_size=64, mu=0.0,
                                  lr_decay=1.0, X_test=None, y_test=None):  # fmt: skip
    """Sets every velocity back to zeros at the start of each epoch instead of once before training."""
    return _train_cnn(params, X_train, y_train, rng.permutation, lr, num_epochs, batch_size, mu, lr_decay, X_test,
                      y_test, lambda lr, decay, epoch: lr * decay**epoch, reset_velocity=True)  # fmt: skip


# --- 4.4 regularization ---------------------------------------------------------------


@mutant("chapter4.l2_regularization")
def gradient_lambda_w(weights, lambda_):
    """Returns lambda * W as the gradient of lambda * ||W||^2 (the factor 2 is lost)."""
    return lambda_ * sum(float(np.sum(W**2)) for W in weights), [lambda_ * W for W in weights]


@mutant("chapter4.l2_regularization")
def half_penalty(weights, lambda_):
    """Uses the (lambda / 2) ||W||^2 convention for the penalty, with the gradient of the other one."""
    return lambda_ / 2 * sum(float(np.sum(W**2)) for W in weights), [2 * lambda_ * W for W in weights]


@mutant("chapter4.dropout")
def not_inverted(A, p, rng, training=True):
    """Zeroes the dropped units but does not scale the kept ones by 1 / p."""
    if not training or p == 1:
        return A, np.ones_like(A)
    mask = (rng.random(A.shape) < p).astype(A.dtype)
    return A * mask, mask


@mutant("chapter4.dropout")
def p_is_the_drop_probability(A, p, rng, training=True):
    """Treats p as the probability of dropping a unit."""
    if not training or p == 1:
        return A, np.ones_like(A)
    mask = (rng.random(A.shape) >= p).astype(A.dtype)
    return A * mask / (1 - p), mask


@mutant("chapter4.dropout")
def dropout_from_the_global_generator(A, p, rng, training=True):
    """Draws the mask from np.random instead of rng."""
    if not training or p == 1:
        return A, np.ones_like(A)
    mask = (np.random.random(A.shape) < p).astype(A.dtype)  # noqa: NPY002
    return A * mask / p, mask


@mutant("chapter4.dropout_backward")
def mask_redrawn(dA, mask, p):
    """Draws a new mask for the backward pass instead of reusing the forward pass's."""
    fresh = (np.random.default_rng().random(dA.shape) < p).astype(dA.dtype)
    return dA * fresh / p


@mutant("chapter4.dropout_backward")
def forgets_one_over_p(dA, mask, p):
    """Masks the gradient but does not scale it by 1 / p as the forward pass scaled the activations."""
    return dA * mask


def _regularized(params, X, y, rng, lambda_, keep_prob, penalized, l2_factor, redraw):
    W1, b1, W2, b2, W3, b3 = (params[name] for name in MLP_NAMES)

    def drop(H):
        if keep_prob == 1:
            return H, np.ones_like(H)
        mask = (rng.random(H.shape) < keep_prob).astype(H.dtype)
        return H * mask / keep_prob, mask

    H1 = relu(X @ W1 + b1)
    D1, m1 = drop(H1)
    H2 = relu(D1 @ W2 + b2)
    D2, m2 = drop(H2)
    A3 = softmax(D2 @ W3 + b3)
    loss = cross_entropy(A3, y) + lambda_ * sum(float(np.sum(params[name] ** 2)) for name in penalized)
    if redraw:
        _, m1 = drop(H1)
        _, m2 = drop(H2)
    dZ3 = (A3 - y) / len(X)
    dZ2 = (dZ3 @ W3.T) * m2 / keep_prob * (H2 > 0)
    dZ1 = (dZ2 @ W2.T) * m1 / keep_prob * (H1 > 0)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(0, keepdims=True), "W2": D1.T @ dZ2, "b2": dZ2.sum(0, keepdims=True),
             "W3": D2.T @ dZ3, "b3": dZ3.sum(0, keepdims=True)}  # fmt: skip
    for name in penalized:
        grads[name] = grads[name] + l2_factor * lambda_ * params[name]
    return loss, grads


@mutant("chapter4.regularized_loss_and_gradients")
def penalizes_the_biases(params, X, y, rng, *, lambda_=0.0, keep_prob=1.0):
    """Includes the biases in the L2 penalty and its gradient."""
    return _regularized(params, X, y, rng, lambda_, keep_prob, MLP_NAMES, 2, redraw=False)


@mutant("chapter4.regularized_loss_and_gradients")
def l2_gradient_without_the_factor_2(params, X, y, rng, *, lambda_=0.0, keep_prob=1.0):
    """Adds lambda * W to the weight gradients instead of 2 * lambda * W."""
    return _regularized(params, X, y, rng, lambda_, keep_prob, ("W1", "W2", "W3"), 1, redraw=False)


@mutant("chapter4.regularized_loss_and_gradients")
def mask_redrawn_in_backward(params, X, y, rng, *, lambda_=0.0, keep_prob=1.0):
    """Draws new dropout masks for the backward pass: the gradient belongs to another network."""
    return _regularized(params, X, y, rng, lambda_, keep_prob, ("W1", "W2", "W3"), 2, redraw=True)


def _train_regularized(params, X_train, y_train, rng, lr, num_epochs, batch_size, lambda_, keep_prob, X_test, y_test,
                       running_accuracy):  # fmt: skip
    from reference.chapter4 import regularized_loss_and_gradients

    params = {name: params[name].astype(X_train.dtype) for name in MLP_NAMES}
    history = []
    for _ in range(num_epochs):
        order = rng.permutation(len(X_train))
        total, correct = 0.0, 0
        for start in range(0, len(X_train), batch_size):
            index = order[start : start + batch_size]
            if running_accuracy:
                _, _, A3 = forward_mlp_3layer(X_train[index], *(params[name] for name in MLP_NAMES))
                correct += int(np.sum(A3.argmax(1) == y_train[index].argmax(1)))
            loss, grads = regularized_loss_and_gradients(params, X_train[index], y_train[index], rng, lambda_=lambda_,
                                                         keep_prob=keep_prob)  # fmt: skip
            total += loss * len(index)
            for name in MLP_NAMES:
                params[name] -= lr * grads[name]
        _, _, A3 = forward_mlp_3layer(X_train, *(params[name] for name in MLP_NAMES))
        accuracy = correct / len(X_train) if running_accuracy else float(np.mean(A3.argmax(1) == y_train.argmax(1)))
        record = {"loss": total / len(X_train), "train_accuracy": accuracy, "seconds": 0.0}
        if X_test is not None:
            _, _, A3 = forward_mlp_3layer(X_test, *(params[name] for name in MLP_NAMES))
            record["test_accuracy"] = float(np.mean(A3.argmax(1) == y_test.argmax(1)))
        history.append(record)
    return params, history


@mutant("chapter4.train_mlp_3layer_regularized")
def running_train_accuracy(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64, lambda_=0.0,
                           keep_prob=1.0, X_test=None, y_test=None):  # fmt: skip
    """Records the accuracy of the batches during the epoch, not of the final parameters on the training set."""
    return _train_regularized(params, X_train, y_train, rng, lr, num_epochs, batch_size, lambda_, keep_prob, X_test,
                              y_test, running_accuracy=True)  # fmt: skip


@mutant("chapter4.train_mlp_3layer_regularized")
def ignores_lambda(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64, lambda_=0.0, keep_prob=1.0,
                   X_test=None, y_test=None):  # fmt: skip
    """Forgets to pass lambda_ on: only dropout regularizes."""
    return _train_regularized(params, X_train, y_train, rng, lr, num_epochs, batch_size, 0.0, keep_prob, X_test,
                              y_test, running_accuracy=False)  # fmt: skip


# --- 4.5 momentum, accuracy and the capstone ------------------------------------------


@mutant("chapter4.momentum_update")
def momentum_wrong_sign(v, grad, mu, lr):
    """v <- mu * v + lr * grad: the velocity climbs the gradient."""
    return mu * v + lr * grad


@mutant("chapter4.momentum_update")
def learning_rate_forgotten(v, grad, mu, lr):
    """v <- mu * v - grad."""
    return mu * v - grad


@mutant("chapter4.momentum_update")
def velocity_updated_in_place(v, grad, mu, lr):
    """Overwrites the caller's velocity array."""
    v *= mu
    v -= lr * grad
    return v


def _labels(y_pred, y):
    return y if y.ndim == 1 else y.argmax(axis=1)


@mutant("chapter4.accuracy")
def one_hot_rows_elementwise(y_pred, y):
    """Compares one-hot rows entry by entry: two different 10-class rows still agree on 8 entries."""
    labels = _labels(y_pred, y)
    predicted = np.eye(y_pred.shape[1])[y_pred.argmax(axis=1)]
    return float(np.mean(predicted == np.eye(y_pred.shape[1])[labels]))


@mutant("chapter4.accuracy")
def number_correct(y_pred, y):
    """Returns the number of right answers instead of their fraction."""
    return float(np.sum(y_pred.argmax(axis=1) == _labels(y_pred, y)))


@mutant("chapter4.plot_training_curves")
def accuracy_curves_swapped(history, path=None):
    """Draws the test accuracy first and labels it as the train accuracy."""
    swapped = [{**record, "train_accuracy": record.get("test_accuracy", record["train_accuracy"]),
                "test_accuracy": record["train_accuracy"]} for record in history]  # fmt: skip
    return plot_training_curves(swapped, path)


@mutant("chapter4.plot_training_curves")
def epochs_counted_from_zero(history, path=None):
    """Plots epoch 1 at x = 0."""
    fig = plot_training_curves(history, path)
    for axes in fig.axes:
        for line in axes.get_lines():
            line.set_xdata(np.asarray(line.get_xdata()) - 1)
    return fig


@mutant("chapter4.plot_filters")
def transposed_filters(K, path=None):
    """Shows each kernel transposed (rows and columns swapped)."""
    return plot_filters(K.transpose(1, 0, 2, 3), path)


@mutant("chapter4.plot_filters")
def filters_in_reverse_order(K, path=None):
    """Draws the filters last to first."""
    return plot_filters(K[:, :, :, ::-1], path)


@mutant("chapter4.run_capstone")
def saves_only_the_curves(X_train, y_train, X_test, y_test, rng, out_dir, *, num_epochs=3, batch_size=64, lr=0.05,
                          mu=0.9, lr_decay=0.5):  # fmt: skip
    """Trains and saves the curves, but never draws the filters."""
    params = init_cnn(rng, n_classes=y_train.shape[1], dtype=X_train.dtype, image_shape=X_train.shape[1:])
    params, history = train_cnn(params, X_train, y_train, rng, lr=lr, num_epochs=num_epochs, batch_size=batch_size,
                                mu=mu, lr_decay=lr_decay, X_test=X_test, y_test=y_test)  # fmt: skip
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    plot_training_curves(history, Path(out_dir) / "training_curves.png")
    return params, history


@mutant("chapter4.run_capstone")
def no_test_set(X_train, y_train, X_test, y_test, rng, out_dir, *, num_epochs=3, batch_size=64, lr=0.05, mu=0.9,
                lr_decay=0.5):  # fmt: skip
    """Never evaluates on the test set: the curves show no test accuracy."""
    params = init_cnn(rng, n_classes=y_train.shape[1], dtype=X_train.dtype, image_shape=X_train.shape[1:])
    params, history = train_cnn(params, X_train, y_train, rng, lr=lr, num_epochs=num_epochs, batch_size=batch_size,
                                mu=mu, lr_decay=lr_decay)  # fmt: skip
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    plot_training_curves(history, Path(out_dir) / "training_curves.png")
    fig = Figure()
    fig.savefig(Path(out_dir) / "filters.png")
    return params, history
