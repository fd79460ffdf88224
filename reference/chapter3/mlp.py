"""3.3 Multi-layer perceptrons: the forward pass of a 2-layer MLP and its loss.

``X -> Z1 = X W1 + b1 -> A1 = relu(Z1) -> Z2 = A1 W2 + b2 -> A2 = softmax(Z2)``,
scored against one-hot labels by the categorical cross-entropy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract

from .activations import relu, softmax


@contract(
    X=Array("(n, d)"),
    W1=Array("(d, h)"),
    b1=Array("(1, h)"),
    W2=Array("(h, k)"),
    b2=Array("(1, k)"),
)
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
    ``k = 10`` digits. Output scores of +-1000 give probabilities 1 and 0
    without an overflow warning.

    Args:
        X: inputs, shape ``(n, d)``.
        W1: hidden weights ``(d, h)``; b1: hidden biases ``(1, h)``.
        W2: output weights ``(h, k)``; b2: output biases ``(1, k)``.
        All float32 or all float64. None is modified.

    Returns:
        ``(A1, A2)``: the hidden activations ``(n, h)``, which the backward pass
        needs, and the output probabilities ``(n, k)``, in the inputs' float
        dtype.

    Raises:
        ValueError: from the contract above the signature, if a shape does not
            fit the others (``W1`` needs ``d`` rows, ``W2`` needs ``h``); biases
            must be ``(1, h)`` and ``(1, k)``, not ``(h,)`` or ``(k,)``.
    """
    A1 = relu(X @ W1 + b1)
    A2 = softmax(A1 @ W2 + b2)
    return A1, A2


@contract(A=Array("(n, k)"), y=Array("(n, k)", one_hot=True))
def cross_entropy(A: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """The categorical cross-entropy, averaged over the samples.

        L = -(1/n) sum_i sum_j y_ij log(A_ij)

    With one-hot rows only the true class counts: ``L`` is the mean of
    ``-log(A_i, true class)``, 0 for a certain right answer, ``log(k)`` for a
    uniform guess over ``k`` classes. ``A`` is clipped to ``[eps, 1]`` before
    the log, ``eps`` being the machine epsilon of ``A``'s dtype (1.2e-7 in
    float32, 2.2e-16 in float64; chapter 2's ``binary_cross_entropy`` clip): a
    true class whose probability underflowed to 0 costs the finite
    ``-log(eps)`` (15.9 in float32, 36.0 in float64), never ``inf``, and
    ``0 * log(0)`` never makes a ``nan`` or a warning.

    Args:
        A: predicted probabilities (softmax rows), shape ``(n, k)``, float32 or
            float64.
        y: one-hot labels, shape ``(n, k)``: each row all 0 but a single 1
            (``one_hot`` of chapter 1 makes them). Neither is modified.

    Returns:
        The loss as a Python ``float``.

    Raises:
        ValueError: from the contract above the signature, if ``A`` is not 2-D,
            ``A`` and ``y`` differ in shape (integer labels of shape ``(n,)``
            must be one-hot encoded first), or ``y`` is not one-hot.
    """
    log_A = np.log(np.clip(A, np.finfo(A.dtype).eps, 1))
    return float(-np.sum(y * log_A) / len(A))
