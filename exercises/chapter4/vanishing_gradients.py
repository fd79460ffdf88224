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

from kata.contracts import Array, Instance, OneOf, Rule, contract

from ..chapter1 import sigmoid
from ..chapter3 import relu, relu_derivative, softmax


@contract(
    Rule("len(weights) == len(biases) >= 1", "weights and biases must be two equally long, non-empty lists"),
    Rule(
        "all(isinstance(A, np.ndarray) and A.ndim == 2 and A.dtype.kind in 'fiub' for A in [*weights, *biases])",
        "every weight and bias must be a 2-D NumPy array of real numbers",
    ),
    Rule(
        "[W.shape[0] for W in weights] == [d] + [W.shape[1] for W in weights][:-1]",
        "the layers must chain: weights[0] has X's d rows, and each next matrix as many rows as the last has columns",
    ),
    Rule("[b.shape for b in biases] == [(1, W.shape[1]) for W in weights]", "biases[l] must have shape (1, n_l)"),
    Rule("weights[-1].shape[1] == k", "the last layer must have one unit per column of y"),
    X=Array("(n, d)"),
    y=Array("(n, k)"),
    weights=Instance(Sequence),
    biases=Instance(Sequence),
    activation=OneOf("sigmoid", "relu"),
)
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
        weights: a list of ``L >= 1`` NumPy matrices, ``W_l`` of shape ``(n_{l-1}, n_l)``
            with ``n_0 = d`` and ``n_L = k``.
        biases: a list of ``L`` matching NumPy arrays, ``b_l`` of shape ``(1, n_l)``.
        activation: ``"sigmoid"`` or ``"relu"``, for the hidden layers.

    Returns:
        A list of ``L`` Python floats, ``[||dL/dW_1||, ..., ||dL/dW_L||]``.

    Raises:
        ValueError: from the contract above the signature, for an unknown
            activation, ``weights`` and ``biases`` of different lengths or none,
            an entry that is not a 2-D array, or shapes that do not chain.
    """
    raise NotImplementedError("todo: layer_gradient_norms")
