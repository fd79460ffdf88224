"""4.1 A deeper MLP: three layers (784 -> 256 -> 128 -> 10), forward, backward, training.

    Z1 = X W1 + b1     A1 = relu(Z1)        (n, h1)
    Z2 = A1 W2 + b2    A2 = relu(Z2)        (n, h2)
    Z3 = A2 W3 + b3    A3 = softmax(Z3)     (n, k)

Backpropagation applies the chapter-3 step once more: every hidden layer
turns the error of the layer above into its own with ``delta @ W.T`` times its
ReLU derivative.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from kata.contracts import Array, Instance, Int, contract

from ..chapter3 import relu, relu_derivative, softmax
from .initialization import he_init


@contract(
    X=Array("(n, d)"),
    W1=Array("(d, h1)"),
    b1=Array("(1, h1)"),
    W2=Array("(h1, h2)"),
    b2=Array("(1, h2)"),
    W3=Array("(h2, k)"),
    b3=Array("(1, k)"),
)
def forward_mlp_3layer(
    X: NDArray[np.floating],
    W1: NDArray[np.floating],
    b1: NDArray[np.floating],
    W2: NDArray[np.floating],
    b2: NDArray[np.floating],
    W3: NDArray[np.floating],
    b3: NDArray[np.floating],
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """The forward pass of a 3-layer MLP: two ReLU hidden layers and a softmax output layer.

        A1 = relu(X W1 + b1)        (n, h1)
        A2 = relu(A1 W2 + b2)       (n, h2)
        A3 = softmax(A2 W3 + b3)    (n, k)

    Use your chapter-3 ``relu`` and ``softmax``. For MNIST: ``d = 784``,
    ``h1 = 256``, ``h2 = 128``, ``k = 10``.

    Args:
        X: inputs ``(n, d)``.
        W1: ``(d, h1)``; b1: ``(1, h1)``.
        W2: ``(h1, h2)``; b2: ``(1, h2)``.
        W3: ``(h2, k)``; b3: ``(1, k)``.
        All float32 or all float64. Not modified.

    Returns:
        ``(A1, A2, A3)``: both hidden activations (the backward pass needs them)
        and the output probabilities, in the inputs' float dtype.

    Raises:
        ValueError: from the contract above the signature, if an argument is
            not 2-D or a shape does not fit the ones above (``W1`` must have
            ``X``'s ``d`` rows, each bias ``(1, units)`` of its layer, ...).
    """
    raise NotImplementedError("todo: forward_mlp_3layer")


@contract(
    X=Array("(n, d)"),
    A1=Array("(n, h1)"),
    A2=Array("(n, h2)"),
    A3=Array("(n, k)"),
    y=Array("(n, k)"),
    W1=Array("(d, h1)"),
    W2=Array("(h1, h2)"),
    W3=Array("(h2, k)"),
)
def backward_mlp_3layer(
    X: NDArray[np.floating],
    A1: NDArray[np.floating],
    A2: NDArray[np.floating],
    A3: NDArray[np.floating],
    y: NDArray[np.floating],
    W1: NDArray[np.floating],
    W2: NDArray[np.floating],
    W3: NDArray[np.floating],
) -> tuple[
    NDArray[np.floating],
    NDArray[np.floating],
    NDArray[np.floating],
    NDArray[np.floating],
    NDArray[np.floating],
    NDArray[np.floating],
]:
    """The gradients of ``cross_entropy(A3, y)`` (mean over the batch) for ``forward_mlp_3layer``.

        dZ3 = (A3 - y) / n                   grad_W3 = A2^T dZ3    grad_b3 = sum_rows dZ3
        dZ2 = (dZ3 W3^T) * relu'(Z2)         grad_W2 = A1^T dZ2    grad_b2 = sum_rows dZ2
        dZ1 = (dZ2 W2^T) * relu'(Z1)         grad_W1 = X^T dZ1     grad_b1 = sum_rows dZ1

    The ``1/n`` enters once, in ``dZ3``. ``relu'(Z)`` is 1 where ``Z > 0`` and
    0 elsewhere; ``relu(Z) > 0`` exactly where ``Z > 0``, so take it from the
    activations: ``relu_derivative(A2)`` and ``relu_derivative(A1)`` (the posts
    pass ``Z1`` and ``Z2`` too; they are not needed). Each layer's mask comes
    from its own activations: ``A2`` for ``dZ2``, ``A1`` for ``dZ1``. Bias
    gradients keep the biases' shape ``(1, h)``. ``W1`` enters no formula; it is
    taken for the contract's shape checks and to mirror the forward pass.

    Args:
        X: the batch ``(n, d)``.
        A1, A2, A3: the activations ``(n, h1)``, ``(n, h2)``, ``(n, k)`` from ``forward_mlp_3layer``.
        y: one-hot labels ``(n, k)``.
        W1, W2, W3: the weights ``(d, h1)``, ``(h1, h2)``, ``(h2, k)``.

    Returns:
        ``(grad_W1, grad_b1, grad_W2, grad_b2, grad_W3, grad_b3)``, shaped like
        ``W1, (1, h1), W2, (1, h2), W3, (1, k)``, in the inputs' float dtype.

    Raises:
        ValueError: from the contract above the signature, if an argument is
            not 2-D or the shapes do not fit together as above.
    """
    raise NotImplementedError("todo: backward_mlp_3layer")


@contract(n_in=Int(ge=1), h1=Int(ge=1), h2=Int(ge=1), n_out=Int(ge=1), rng=Instance(np.random.Generator))
def init_mlp_3layer(
    n_in: int, h1: int, h2: int, n_out: int, rng: np.random.Generator, dtype: DTypeLike = np.float32
) -> dict[str, NDArray[np.floating]]:
    """He-initialized parameters of a ``n_in -> h1 -> h2 -> n_out`` MLP.

    Each weight matrix comes from your ``he_init`` (``N(0, 2 / fan_in)``), drawn
    in the order ``W1``, ``W2``, ``W3`` from ``rng``; biases start at 0, shaped
    ``(1, units)``. (The posts' ``0.01 * randn`` is far too small for three
    ReLU layers: the signal and the gradients shrink layer after layer and
    training stalls; all-zero weights never train at all.)

    Args:
        n_in, h1, h2, n_out: the layer sizes, positive ints (784, 256, 128, 10 for MNIST).
        rng: the random generator.
        dtype: the float dtype of every parameter (float32 by default).

    Returns:
        ``{"W1": (n_in, h1), "b1": (1, h1), "W2": (h1, h2), "b2": (1, h2),
        "W3": (h2, n_out), "b3": (1, n_out)}``, new arrays of ``dtype``.

    Raises:
        ValueError: from the contract above the signature, if a layer size is
            not a positive int or ``rng`` is not a ``np.random.Generator``.
    """
    raise NotImplementedError("todo: init_mlp_3layer")
