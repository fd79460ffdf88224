"""4.5 Accuracy: the share of samples whose most probable class is the true one."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._checks import as_float_array, require_ndim


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
        ValueError: if ``y_pred`` is not 2-D or empty, ``y`` has another number
            of rows, one-hot ``y`` has another number of columns, or integer labels
            are outside ``[0, k)`` (the messages give the shapes).
    """
    y_pred = as_float_array("y_pred", y_pred)
    require_ndim("y_pred", y_pred, 2, "(n, k)")
    y = np.asarray(y)
    n, k = y_pred.shape
    if n == 0:
        raise ValueError(f"y_pred holds no samples; got shape {y_pred.shape}")
    if y.shape == (n, k):
        labels = y.argmax(axis=1)
    elif y.shape == (n,) and np.issubdtype(y.dtype, np.integer):
        labels = y.astype(np.intp)
        if np.any((labels < 0) | (labels >= k)):
            raise ValueError(f"integer labels must lie in [0, {k}) for y_pred of shape {y_pred.shape}")
    else:
        raise ValueError(
            f"y must be integer labels of shape ({n},) or one-hot rows of shape {(n, k)} "
            f"for y_pred of shape {y_pred.shape}; got shape {y.shape} and dtype {y.dtype}"
        )
    return float(np.mean(y_pred.argmax(axis=1) == labels))
