"""3.1 Single-layer perceptrons: one neuron, ``A = sigmoid(X W + b)``.

A perceptron with a sigmoid output is logistic regression drawn as a neural
network: a weighted sum of the inputs plus a bias, squashed into (0, 1).
Chapter 2's mini-batch gradient descent (``model="logistic"``) trains it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract

from ..chapter1 import sigmoid


@contract(X=Array("(n, d)"), W=Array("(d, 1)"), b=Array("(1, 1)"))
def forward_perceptron(
    X: NDArray[np.floating], W: NDArray[np.floating], b: NDArray[np.floating]
) -> NDArray[np.floating]:
    """The forward pass of a single-layer perceptron: ``A = sigmoid(X W + b)``.

    Each sample (a row of ``X``) gets one output, ``a_i = sigma(x_i . w + b)``:
    the probability that its label is 1. Reading ``a_i >= 0.5`` as class 1, the
    decision boundary ``x . w + b = 0`` is a straight line (a hyperplane), so a
    perceptron learns AND and OR but never XOR, whose classes no line separates.
    The bias shifts the line away from the origin; without it AND is out of
    reach too. Scores of +-1000 give 1 and 0 without an overflow warning.

    Args:
        X: inputs, shape ``(n, d)``, float32 or float64 (the contract turns
            integers into float64). No argument is modified.
        W: weights, shape ``(d, 1)``.
        b: bias, shape ``(1, 1)``, broadcast over the ``n`` rows.

    Returns:
        ``A`` of shape ``(n, 1)``, values in [0, 1], in the inputs' float dtype
        (float32 in, float32 out).

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not
            2-D, ``W`` is not ``(d, 1)`` or ``b`` is not ``(1, 1)`` (a ``(d,)``
            weight vector would otherwise broadcast silently into a wrong shape).
    """
    return sigmoid(X @ W + b)
