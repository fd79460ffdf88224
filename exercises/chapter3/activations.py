"""3.2 Activation functions: ReLU for hidden layers, softmax for the output layer.

Without a non-linear activation, stacked layers collapse into one linear map:
``(X W1) W2 = X (W1 W2)``. ReLU keeps positive values and zeroes the rest;
softmax turns a row of scores into probabilities that sum to 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract


@contract(Z=Array("(...)", empty=True))
def relu(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """The rectified linear unit, element-wise: ``relu(z) = max(0, z)``.

    Args:
        Z: any shape, float32 or float64 (the contract turns integers into
            float64). Not modified.

    Returns:
        A new array of ``Z``'s shape and float dtype: ``z`` where ``z > 0``,
        else 0.
    """
    raise NotImplementedError("todo: relu")


@contract(Z=Array("(...)", empty=True))
def relu_derivative(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """The derivative of ReLU, element-wise: 1 where ``z > 0``, else 0.

    At ``z = 0`` ReLU has a kink and no derivative; this course (like every
    framework) uses 0 there, so the result is exactly ``(Z > 0)`` as numbers.
    Because ``relu(z) > 0`` exactly when ``z > 0``, passing the activation
    ``A = relu(Z)`` instead of ``Z`` gives the same mask, which is how the
    backward pass of 3.4 uses it.

    Args:
        Z: any shape, float32 or float64 (the contract turns integers into
            float64). Not modified.

    Returns:
        An array of ``Z``'s shape and float dtype holding only 0.0 and 1.0.
    """
    raise NotImplementedError("todo: relu_derivative")


@contract(Z=Array("(n, k)"))
def softmax(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """Row-wise softmax: ``softmax(z)_j = exp(z_j) / sum_l exp(z_l)`` for each row ``z``.

    Each row of ``Z`` holds one sample's scores for the ``k`` classes (axis 1);
    its softmax is a probability distribution: non-negative, summing to 1, and
    unchanged when a constant is added to the whole row. It stays exact and
    warning-free for scores of +-1000, where the plain formula overflows to
    ``inf / inf = nan`` with a RuntimeWarning.

    Args:
        Z: scores, shape ``(n, k)``, float32 or float64. Not modified.

    Returns:
        Probabilities of shape ``(n, k)`` in ``Z``'s float dtype; every row sums
        to 1.

    Raises:
        ValueError: from the contract above the signature, if ``Z`` is not 2-D
            (for one sample use ``z.reshape(1, -1)``) or is empty.
    """
    raise NotImplementedError("todo: softmax")
