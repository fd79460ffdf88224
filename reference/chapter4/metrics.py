"""4.5 Accuracy: the share of samples whose most probable class is the true one."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Rule, contract


@contract(
    Rule(
        "y.shape == (n, k) or (y.shape == (n,) and y.dtype.kind in 'iu')",
        "y must be integer labels of shape (n,) or one-hot rows of shape (n, k)",
    ),
    Rule("y.ndim == 2 or (np.min(y) >= 0 and np.max(y) < k)", "integer labels must lie in [0, k)"),
    y_pred=Array("(n, k)"),
    y=Array("(n, ...)", "real"),
)
def accuracy(y_pred: NDArray[np.floating], y: NDArray[np.generic]) -> float:
    """``correct / total``: the fraction of rows whose predicted class is the true class.

    The predicted class of row ``i`` is ``argmax_c y_pred[i, c]``. The true class
    is ``y[i]`` for integer labels, or ``argmax_c y[i, c]`` for one-hot rows.
    Compare whole labels, never one-hot rows element by element: for 10 classes
    two different one-hot rows still agree in 8 of their 10 entries.

    Args:
        y_pred: shape ``(n, k)``, predicted probabilities (or any scores; only
            the largest per row matters), ``n >= 1``.
        y: integer labels of shape ``(n,)`` in ``[0, k)``, or one-hot rows of
            shape ``(n, k)``.

    Returns:
        A Python ``float`` in ``[0, 1]``.

    Raises:
        ValueError: from the contract above the signature, if ``y_pred`` is not
            2-D or empty, ``y`` has another number of rows, one-hot ``y`` has
            another number of columns, or integer labels are outside ``[0, k)``.
    """
    labels = y.argmax(axis=1) if y.ndim == 2 else y
    return float(np.mean(y_pred.argmax(axis=1) == labels))
