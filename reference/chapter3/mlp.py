"""3.3 Multi-layer perceptrons: the forward pass of a 2-layer MLP and its loss.

``X -> Z1 = X W1 + b1 -> A1 = relu(Z1) -> Z2 = A1 W2 + b2 -> A2 = softmax(Z2)``,
scored against one-hot labels by the categorical cross-entropy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._checks import as_float_array, require_ndim
from .activations import relu, softmax


def forward_mlp(
    X: NDArray[np.floating],
    W1: NDArray[np.floating],
    b1: NDArray[np.floating],
    W2: NDArray[np.floating],
    b2: NDArray[np.floating],
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """The forward pass of a 2-layer MLP: a ReLU hidden layer, a softmax output layer.

        Z1 = X W1 + b1      (n, h)      A1 = relu(Z1)
        Z2 = A1 W2 + b2     (n, k)      A2 = softmax(Z2)   (row-wise)

    Row ``i`` of ``A2`` holds sample ``i``'s predicted probabilities of the
    ``k`` classes. For MNIST: ``d = 784`` pixels, ``h = 256`` hidden units,
    ``k = 10`` digits. Use your ``relu`` and ``softmax`` (3.2).

    Args:
        X: inputs, shape ``(n, d)``.
        W1: hidden weights ``(d, h)``; b1: hidden biases ``(1, h)``.
        W2: output weights ``(h, k)``; b2: output biases ``(1, k)``.
        All float32 or all float64.

    Returns:
        ``(A1, A2)``: the hidden activations ``(n, h)``, which the backward pass
        needs, and the output probabilities ``(n, k)``, in the inputs' float
        dtype.

    Raises:
        ValueError: if a shape does not fit (the message names the argument and
            gives the shapes); biases must be ``(1, h)`` and ``(1, k)``.
    """
    X = as_float_array("X", X)
    require_ndim("X", X, 2, "(n_samples, n_features)")
    W1, b1 = _check_layer("W1", W1, "b1", b1, X.shape[1])
    W2, b2 = _check_layer("W2", W2, "b2", b2, W1.shape[1])
    A1 = relu(X @ W1 + b1)
    A2 = softmax(A1 @ W2 + b2)
    return A1, A2


def cross_entropy(A: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """The categorical cross-entropy, averaged over the samples.

        L = -(1/n) sum_i sum_j y_ij log(A_ij)

    With one-hot rows only the true class counts: ``L`` is the mean of
    ``-log(A_i, true class)``, 0 for a certain right answer, ``log(k)`` for a
    uniform guess over ``k`` classes. Clip ``A`` to ``[eps, 1]`` before the log,
    with ``eps = np.finfo(A.dtype).eps`` (1.2e-7 in float32, 2.2e-16 in float64;
    the clip of chapter 2's ``binary_cross_entropy``): a probability that
    underflowed to 0 then costs a large finite loss instead of ``inf``, and
    ``0 * log(0)`` never makes a ``nan``.

    Args:
        A: predicted probabilities (softmax rows), shape ``(n, k)``.
        y: one-hot labels, shape ``(n, k)``: each row all 0 but a single 1
            (``one_hot`` of chapter 1 makes them).

    Returns:
        The loss as a Python ``float``.

    Raises:
        ValueError: if ``A`` is not 2-D, ``A`` and ``y`` differ in shape
            (integer labels of shape ``(n,)`` must be one-hot encoded first), or
            ``y`` is not one-hot.
    """
    A = as_float_array("A", A)
    y = as_float_array("y", y)
    require_ndim("A", A, 2, "(n_samples, n_classes)")
    if y.shape != A.shape:
        raise ValueError(
            f"y must be one-hot labels of A's shape {A.shape}; got shape {y.shape} "
            "(encode integer labels with chapter 1's one_hot first)"
        )
    if not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1)):
        raise ValueError("y must be one-hot: every row all 0 except a single 1 (see chapter 1's one_hot)")
    log_A = np.log(np.clip(A, np.finfo(A.dtype).eps, 1))
    return float(-np.sum(y * log_A) / len(A))


def _check_layer(
    W_name: str, W: NDArray[Any], b_name: str, b: NDArray[Any], n_in: int
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """W and b as float arrays, after checking that W is (n_in, n_out) and b is (1, n_out)."""
    W = as_float_array(W_name, W)
    b = as_float_array(b_name, b)
    if W.ndim != 2 or W.shape[0] != n_in:
        raise ValueError(f"{W_name} must have shape ({n_in}, n_out) to follow its layer's input; got shape {W.shape}")
    if b.shape != (1, W.shape[1]):
        raise ValueError(f"{b_name} must have shape (1, {W.shape[1]}) to match {W_name} {W.shape}; got shape {b.shape}")
    return W, b
