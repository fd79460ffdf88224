"""3.4 Backpropagation: the gradients of the 2-layer MLP's loss, layer by layer.

The chain rule, applied from the loss back to the input, reuses what the
forward pass computed (``A1`` and ``A2``); one backward pass costs about as
much as one forward pass.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract

from .activations import relu_derivative


@contract(
    X=Array("(n, d)"),
    W1=Array("(d, h)"),
    W2=Array("(h, k)"),
    A1=Array("(n, h)"),
    A2=Array("(n, k)"),
    y=Array("(n, k)"),
)
def backward_mlp(
    X: NDArray[np.floating],
    A1: NDArray[np.floating],
    A2: NDArray[np.floating],
    y: NDArray[np.floating],
    W1: NDArray[np.floating],
    W2: NDArray[np.floating],
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """The gradients of ``cross_entropy(A2, y)`` for the MLP of ``forward_mlp``.

    With ``A1, A2 = forward_mlp(X, W1, b1, W2, b2)`` and ``L`` the cross-entropy
    averaged over the ``n`` samples of the batch:

        dZ2     = (A2 - y) / n              (n, k)  softmax and cross-entropy together
        grad_W2 = A1^T dZ2                  (h, k)
        grad_b2 = sum of dZ2 over samples   (1, k)
        dZ1     = (dZ2 W2^T) * relu'(Z1)    (n, h)  element-wise product
        grad_W1 = X^T dZ1                   (d, h)
        grad_b1 = sum of dZ1 over samples   (1, h)

    The ``1/n`` of the mean appears once, in ``dZ2``, and flows into every
    gradient. ``relu'(Z1)`` is 1 where ``Z1 > 0``, else 0; since
    ``A1 = relu(Z1)`` is positive exactly there, it is read from ``A1``:
    ``Z1`` is not needed. Bias gradients sum over the samples (axis 0) and keep
    a leading axis of 1, the shape of the biases.
    ``W1`` enters no formula; it is taken so the contract can check the shapes
    and the signature mirrors the forward pass.

    Args:
        X: the batch's inputs ``(n, d)``.
        A1: hidden activations ``(n, h)`` and A2: output probabilities
            ``(n, k)``, both from ``forward_mlp``.
        y: one-hot labels ``(n, k)``, in the dtype of ``A2``.
        W1: hidden weights ``(d, h)``; W2: output weights ``(h, k)``.
        None is modified.

    Returns:
        ``(grad_W1, grad_b1, grad_W2, grad_b2)`` with the shapes of ``W1``,
        ``(1, h)``, ``W2`` and ``(1, k)``, in the inputs' float dtype.

    Raises:
        ValueError: from the contract above the signature, if an argument is
            not 2-D or the shapes do not fit together as above.
    """
    n = len(X)
    dZ2 = (A2 - y) / n
    grad_W2 = A1.T @ dZ2
    grad_b2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T) * relu_derivative(A1)  # the ReLU mask, from A1 (positive exactly where Z1 is)
    grad_W1 = X.T @ dZ1
    grad_b1 = dZ1.sum(axis=0, keepdims=True)
    return grad_W1, grad_b1, grad_W2, grad_b2
