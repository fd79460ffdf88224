"""2.1 Understanding loss functions: mean squared error and binary cross-entropy."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract


@contract(y_pred=Array("(*s)"), y=Array("(*s)"))
def mse_loss(y_pred: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """Mean squared error ``L = (1/N) * sum_i (y_pred_i - y_i)^2``.

    The loss of regression: the average, over all ``N`` entries, of the
    squared differences between predictions and targets (for ``(n, k)``
    arrays, ``N = n * k``: one mean over every entry, not a mean per column).
    It is 0 for a perfect prediction and grows with the square of each error.

    ``y_pred`` and ``y`` must have the same shape. ``(n,)`` against
    ``(n, 1)`` is an error: NumPy would broadcast the difference to
    ``(n, n)`` and silently average ``n * n`` wrong numbers.

    Args:
        y_pred: predictions, any shape, e.g. ``(n, 1)``; float32 or float64
            (the contract turns integers into float64). Not modified.
        y: targets of the same shape. Not modified.

    Returns:
        The loss as a Python ``float`` (also for float32 input).

    Raises:
        ValueError: from the contract above the signature, if the shapes
            differ or the arrays are empty.
    """
    return float(np.mean((y_pred - y) ** 2))


@contract(A=Array("(*s)", ge=0, le=1), y=Array("(*s)", ge=0, le=1))
def binary_cross_entropy(A: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """Binary cross-entropy ``L = -(1/N) * sum_i [y_i log(a_i) + (1 - y_i) log(1 - a_i)]``.

    The loss of binary classification, averaged over all ``N`` entries of any
    shape: ``A`` holds predicted probabilities (a sigmoid's output) and ``y``
    the labels, 0 or 1; soft labels (any value in [0, 1]) use the same
    formula. A confident wrong prediction (``a = 0.01`` for ``y = 1``) costs
    ``-log(0.01) = 4.6``; a confident right one almost 0.

    ``log(0)`` is ``-inf``, so ``A`` is clipped into ``[eps, 1 - eps]`` before
    the logs, with ``eps = np.finfo(A.dtype).eps`` (2.2e-16 in float64,
    1.2e-7 in float32): ``A`` equal to 0 or 1 gives a large but finite loss,
    ``-log(eps)`` for a confident wrong prediction, and no RuntimeWarning.

    Args:
        A: predicted probabilities in [0, 1], any shape, e.g. ``(n, 1)``;
            float32 or float64 (the contract turns integers into float64).
            Not modified.
        y: labels in [0, 1] of the same shape.

    Returns:
        The loss as a Python ``float``.

    Raises:
        ValueError: from the contract above the signature, if the shapes
            differ (``(n,)`` against ``(n, 1)`` would broadcast to ``(n, n)``),
            the arrays are empty, ``A`` has a value outside [0, 1] or NaN
            (logits passed instead of probabilities?), or ``y`` has a value
            outside [0, 1] or NaN (labels coded -1/+1?).
    """
    eps = np.finfo(A.dtype).eps
    # np.clip returns a new array: the caller's A is untouched.
    A = np.clip(A, eps, 1 - eps)
    return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))
