"""4.1 Vanishing gradients, measured: the gradient norm of every layer of a deep network.

Backpropagation multiplies the error by ``W^T`` and by the activation's
derivative once per layer. The sigmoid's derivative ``s (1 - s)`` is at most
1/4, so in a deep sigmoid network the error reaching the first layers shrinks
geometrically and those layers barely learn. ReLU's derivative is 1 wherever
a unit is active, and He initialization keeps the signal's scale, so the
gradient norms stay comparable from the last layer to the first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from .._checks import as_float_array, require_ndim
from ..chapter1 import sigmoid
from ..chapter3 import relu, relu_derivative, softmax


def layer_gradient_norms(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    weights: Sequence[NDArray[np.floating]],
    biases: Sequence[NDArray[np.floating]],
    activation: str,
) -> list[float]:
    """The Frobenius norm ``||dL/dW_l||`` of every layer's weight gradient, first layer first.

    The network has ``L = len(weights)`` layers: ``L - 1`` hidden layers with
    the given ``activation`` and a softmax output layer, scored by the mean
    cross-entropy ``L`` against one-hot ``y``:

        A_0 = X,    A_l = g(A_{l-1} W_l + b_l)  for l < L,    A_L = softmax(A_{L-1} W_L + b_L)

    Backward, from ``delta_L = (A_L - y) / n``:

        dL/dW_l = A_{l-1}^T delta_l,        delta_{l-1} = (delta_l W_l^T) * g'(Z_{l-1})

    with ``g'`` computed from the activation itself: ``relu_derivative(A)`` for
    ReLU and ``A * (1 - A)`` for the sigmoid (``A`` already is ``sigmoid(Z)``:
    applying ``sigmoid`` to it again is a classic bug). The norm of a gradient
    matrix is ``sqrt(sum of its squared entries)`` (``np.linalg.norm``).

    Compare the first entry with the last: in a deep sigmoid network the
    first layer's norm is orders of magnitude smaller (vanishing gradients).

    Args:
        X: inputs ``(n, d)``.
        y: one-hot labels ``(n, k)``.
        weights: ``L >= 1`` matrices, ``W_l`` of shape ``(n_{l-1}, n_l)`` with ``n_0 = d`` and ``n_L = k``.
        biases: ``L`` matching biases, ``b_l`` of shape ``(1, n_l)``.
        activation: ``"sigmoid"`` or ``"relu"``, for the hidden layers.

    Returns:
        A list of ``L`` Python floats, ``[||dL/dW_1||, ..., ||dL/dW_L||]``.

    Raises:
        ValueError: for an unknown activation, ``weights`` and ``biases`` of
            different lengths or none, or shapes that do not chain (the message
            names the layer and gives the shapes).
    """
    derivatives: dict[str, tuple[Callable[..., NDArray[np.floating]], Callable[..., NDArray[np.floating]]]] = {
        "sigmoid": (sigmoid, lambda A: A * (1 - A)),
        "relu": (relu, relu_derivative),
    }
    if activation not in derivatives:
        raise ValueError(f"activation must be 'sigmoid' or 'relu'; got {activation!r}")
    g, g_prime = derivatives[activation]
    X, y = as_float_array("X", X), as_float_array("y", y)
    require_ndim("X", X, 2, "(n_samples, n_features)")
    if len(weights) != len(biases) or not weights:
        raise ValueError(
            f"weights and biases must be two equally long, non-empty lists; got {len(weights)} and {len(biases)}"
        )
    Ws = [as_float_array(f"weights[{layer}]", W) for layer, W in enumerate(weights)]
    bs = [as_float_array(f"biases[{layer}]", b) for layer, b in enumerate(biases)]
    width = X.shape[1]
    for layer, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        if W.ndim != 2 or W.shape[0] != width or b.shape != (1, W.shape[1]):
            raise ValueError(
                f"layer {layer}: weights[{layer}] must be ({width}, n_out) and biases[{layer}] (1, n_out); "
                f"got shapes {W.shape} and {b.shape}"
            )
        width = W.shape[1]
    if y.shape != (len(X), width):
        raise ValueError(f"y must have shape {(len(X), width)} for X {X.shape} and the last layer; got {y.shape}")
    activations = [X]
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        activations.append(g(activations[-1] @ W + b))
    delta = (softmax(activations[-1] @ Ws[-1] + bs[-1]) - y) / len(X)
    norms = []
    for layer in reversed(range(len(Ws))):
        norms.append(float(np.linalg.norm(activations[layer].T @ delta)))
        if layer > 0:
            delta = (delta @ Ws[layer].T) * g_prime(activations[layer])
    return norms[::-1]
