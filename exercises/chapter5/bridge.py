"""5.5 The bridge: the same network in both notations.

Chapters 1-4 put examples in rows: ``X_row`` is ``(m, n_x)``, a layer computes
``Z_row = A_row W_row + b_row`` with ``W_row`` of shape ``(n_in, n_out)`` and
``b_row`` of shape ``(1, n_out)``. This chapter puts examples in columns:
``Z = W A + b`` with ``W`` of shape ``(n_out, n_in)`` and ``b`` of shape
``(n_out, 1)``. Transposing the column-major equation,

    Z^T = (W A + b)^T = A^T W^T + b^T

is the row-major one with ``X_row = X^T``, ``W_row = W^T`` and ``b_row = b^T``.
Activations act element-wise (softmax per example, a column here and a row
there), so every activation, prediction and cost agrees, and so does every
gradient: ``dW_row = dW^T`` and ``db_row = db^T``. One network, two notations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Layers, Rule, contract


@contract(parameters=Layers())
def parameters_to_row_major(parameters: dict[str, NDArray[np.floating]]) -> list[NDArray[np.floating]]:
    """This chapter's ``{"W1", "b1", ..., "WL", "bL"}`` as chapters 3-4's ``[W1, b1, ..., WL, bL]``.

    Each array is transposed: ``W[l]`` ``(n[l], n[l-1])`` becomes
    ``(n[l-1], n[l])`` and ``b[l]`` ``(n[l], 1)`` becomes ``(1, n[l])``.
    The list is in the argument order of chapter 3's ``forward_mlp`` and
    chapter 4's ``forward_mlp_3layer``, so with ``X`` of shape ``(n_x, m)``:
    ``forward_mlp(X.T, *parameters_to_row_major(parameters))``. The arrays are
    C-contiguous copies, not views: training the row-major copy in place never
    changes the column-major original.

    Args:
        parameters: ``2L`` arrays named ``W1, b1, ..., WL, bL``, shaped as in
            this chapter. Not modified.

    Returns:
        ``[W1_row, b1_row, ..., WL_row, bL_row]``, in the parameters' float dtype.

    Raises:
        ValueError: from the contract above the signature, if the names are
            not exactly ``W1, b1, ..., WL, bL``, a ``b`` is not a column
            ``(n[l], 1)`` or a ``W`` does not fit the layer before it.
    """
    raise NotImplementedError("todo: parameters_to_row_major")


@contract(
    Rule(
        "len(weights_and_biases) >= 2 and len(weights_and_biases) % 2 == 0",
        "expected W1, b1, ..., WL, bL: a non-zero, even number of arrays",
    ),
    Rule("all(np.ndim(W) == 2 for W in weights_and_biases[::2])", "every weight must be a 2-D array (n_in, n_out)"),
    Rule(
        "[np.shape(b) for b in weights_and_biases[1::2]] == [(1, np.shape(W)[1]) for W in weights_and_biases[::2]]",
        "every bias must be a row (1, n_out), n_out the columns of the weights before it",
    ),
)
def parameters_to_column_major(weights_and_biases: Sequence[NDArray[np.floating]]) -> dict[str, NDArray[np.floating]]:
    """Chapters 3-4's ``[W1, b1, ..., WL, bL]`` (or their gradients) as this chapter's dict.

    The inverse of ``parameters_to_row_major``: ``W_row`` ``(n_in, n_out)``
    becomes ``W[l] = W_row^T`` ``(n_out, n_in)``, ``b_row`` ``(1, n_out)``
    becomes ``b[l] = b_row^T`` ``(n_out, 1)``; C-contiguous copies again. It
    converts gradients too: ``backward_mlp``'s ``(grad_W1, grad_b1, grad_W2, grad_b2)``
    become ``{"W1": dW1, "b1": db1, ...}`` in this chapter's shapes.

    Args:
        weights_and_biases: ``2L`` arrays, alternating weights ``(n_in, n_out)``
            and biases ``(1, n_out)``. Not modified.

    Returns:
        ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}``.

    Raises:
        ValueError: from the contract above the signature, if the number of
            arrays is odd or zero, a weight is not 2-D, or a bias is not a row
            ``(1, n_out)`` matching its weights.
    """
    raise NotImplementedError("todo: parameters_to_column_major")
