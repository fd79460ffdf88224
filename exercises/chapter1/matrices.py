"""1.2 Matrix operations for neural networks: Z = X W, looped and vectorized."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract


@contract(X=Array("(n, d)"), W=Array("(d_W, k)"))
def matrix_multiply(X: NDArray[np.floating], W: NDArray[np.floating]) -> NDArray[np.floating]:
    """The matrix product ``Z = X @ W``, the core of every dense layer.

    ``Z[i, k] = sum_j X[i, j] * W[j, k]``: row ``i`` of ``X`` (one sample)
    dotted with column ``k`` of ``W`` (one output unit).

    Checking the shapes is part of this kata: the contract above makes sure
    both are 2-D matrices, and your code checks that they fit together.

    Args:
        X: shape ``(n, d)``, float32 or float64.
        W: shape ``(d, k)``, the same float dtype.

    Returns:
        ``Z`` of shape ``(n, k)`` and the inputs' float dtype.

    Raises:
        ValueError: yours, if ``X.shape[1] != W.shape[0]``; the message must
            contain both shapes as Python prints them, e.g. ``(2, 3)`` and
            ``(4, 5)``. (Either not 2-D: from the contract above the signature.)
    """
    raise NotImplementedError("todo: matrix_multiply")


@contract(X=Array("(n, d)"), W=Array("(d, k)"))
def matrix_multiply_loops(X: NDArray[np.floating], W: NDArray[np.floating]) -> NDArray[np.floating]:
    """The same product as ``matrix_multiply``, written with three Python loops.

    For every row ``i`` and column ``k``, accumulate
    ``Z[i, k] = sum_j X[i, j] * W[j, k]`` one multiplication at a time. This is
    what the vectorized version does for you; its test measures how much
    slower the loops are (typically hundreds of times).

    Args: as ``matrix_multiply``. Raises: ``ValueError`` from the contract
    above, if either is not 2-D or ``X.shape[1] != W.shape[0]``.

    Returns:
        ``Z`` of shape ``(n, k)`` and the inputs' float dtype.
    """
    raise NotImplementedError("todo: matrix_multiply_loops")
