"""1.1 Getting started with NumPy arrays: per-column normalization."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract


@contract(X=Array("(n_samples, n_features)"))
def normalize(X: NDArray[np.floating]) -> NDArray[np.floating]:
    """Z-score every column of ``X``: ``(X[:, j] - mean_j) / std_j``.

    ``mean_j`` and ``std_j`` are the mean and the population standard deviation
    (``ddof=0``) of column ``j``, so each output column has mean 0 and standard
    deviation 1. A constant column (all values equal, so its std is 0, even
    where rounding makes the computed std a tiny number like 1e-17) becomes all
    zeros, with no RuntimeWarning (no division by zero is ever computed).

    Args:
        X: shape ``(n_samples, n_features)``; float32 or float64 (the contract
            turns integers into float64). Not modified.

    Returns:
        A new array of ``X``'s shape and float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not 2-D.
    """
    raise NotImplementedError("todo: normalize")
