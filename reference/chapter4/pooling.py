"""4.3 Max pooling: keep the largest value of every window, and route gradients back to it.

A ``size x size`` window slides over each channel of each image in steps of
``stride``; the output keeps each window's maximum. Pooling has no
parameters. It shrinks the feature maps (2x2 windows with stride 2 keep a
quarter of the values) and makes the network tolerate small shifts.

Windows start at ``0, stride, 2 * stride, ...`` and never leave the input, so
an ``H x W`` map gives ``(H - size) // stride + 1`` by ``(W - size) // stride + 1``
outputs; trailing rows or columns that no window reaches are ignored.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Int, Rule, contract


@contract(
    Rule("size <= H and size <= W", "the window must fit in the image"),
    X=Array("(N, H, W, C)"),
    size=Int(ge=1),
    stride=Int(ge=1),
)
def max_pool(X: NDArray[np.floating], size: int = 2, stride: int = 2) -> NDArray[np.floating]:
    """Max pooling over ``size x size`` windows, channel by channel, channels last.

    ``out[n, i, j, c] = max_{m, q < size} X[n, i * stride + m, j * stride + q, c]``

    Every image and every channel is pooled separately; the channel axis is
    kept even when there is only one channel (``(N, H, W, 1)`` gives
    ``(N, H_out, W_out, 1)``).

    Vectorize, no Python loop over images, pixels or channels. Three ways:

    * when ``size == stride``, crop to ``H_out * size`` rows and ``W_out * size``
      columns, reshape to ``(N, H_out, size, W_out, size, C)`` and take the
      maximum over axes 2 and 4 (short to write, slow to run);
    * in general, take the element-wise maximum (``np.maximum``) of the
      ``size * size`` strided slices ``X[:, m::stride, q::stride, :]`` (cut to
      ``H_out`` rows and ``W_out`` columns), one per window offset ``(m, q)``;
    * faster: the maximum is separable. First the maximum of the ``size`` row
      slices ``X[:, m::stride]`` (whole image rows, long contiguous runs), then
      of the ``size`` column slices of that. With channels last, a slice that
      skips columns leaves only ``C`` contiguous numbers per pixel, and NumPy
      pays for every such short run: this way pays for them ``size`` times
      instead of ``size * size`` times.

    Args:
        X: shape ``(N, H, W, C)``, float32 or float64. Not modified.
        size: the window's side, a positive int no larger than ``H`` or ``W``.
        stride: the step between windows, a positive int.

    Returns:
        Shape ``(N, (H - size) // stride + 1, (W - size) // stride + 1, C)``, ``X``'s dtype.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not
            4-D, ``size`` or ``stride`` is not a positive int, or the window does
            not fit in the image.
    """
    cells = _window_cells(X, size, stride)
    row_cells = [cell[:2] for cell in cells[::size]]  # (:, rows of offset m), m = 0 .. size - 1
    column_cells = [(slice(None), slice(None), *cell[2:]) for cell in cells[:size]]  # columns of offset q
    row_max = _maximum([X[cell] for cell in row_cells])  # (N, H_out, W, C): each window's maximum over its rows
    return _maximum([row_max[cell] for cell in column_cells])  # (N, H_out, W_out, C): then over its columns


def _maximum(views: list[NDArray[np.floating]]) -> NDArray[np.floating]:
    """The element-wise maximum of equally shaped views, as a new array.

    The first ``np.maximum`` makes the new array (no copy of a view first), the others
    update it in place (``out=``); for a single view, its maximum with itself is its copy."""
    result = np.maximum(views[0], views[-1])
    for view in views[1:-1]:
        np.maximum(result, view, out=result)
    return result


@contract(
    Rule("size <= H and size <= W", "the window must fit in the image"),
    Rule(
        "H_out == (H - size) // stride + 1 and W_out == (W - size) // stride + 1",
        "dout must have the shape of the pooled output",
    ),
    X=Array("(N, H, W, C)"),
    dout=Array("(N, H_out, W_out, C)"),
    size=Int(ge=1),
    stride=Int(ge=1),
    pooled=Array("(N, H_out, W_out, C)", optional=True),
)
def max_pool_backward(
    dout: NDArray[np.floating],
    X: NDArray[np.floating],
    size: int = 2,
    stride: int = 2,
    pooled: NDArray[np.floating] | None = None,
) -> NDArray[np.floating]:
    """The gradient of max pooling with respect to its input.

    The maximum of a window depends only on its winning cell, with slope 1, so
    each window's upstream gradient ``dout[n, i, j, c]`` goes entirely to the
    cell of ``X`` that won that window; every other cell gets 0 from it. When
    windows overlap (``stride < size``) a cell can win several windows and its
    gradients add up.

    Exactly one winner per window. Ties (equal maxima, common after a ReLU that
    leaves whole windows at 0) are broken by the first cell in row-major order
    within the window: the top row before the next, left before right (the cell
    ``np.argmax`` picks from the flattened window). Sending the gradient to
    every tied cell would count it several times.

    Vectorize, as the forward pass: recompute the maximum, then visit the
    ``size * size`` window offsets ``(m, q)`` in row-major order; at each one,
    the cells equal to their window's maximum, in windows that have no winner
    yet, are the winners: add ``dout`` there. (Or, when ``size == stride``,
    ``argmax`` over the reshaped windows.)

    Args:
        dout: shape ``(N, H_out, W_out, C)``, the gradient with respect to the pooled output.
        X: the forward pass's input, shape ``(N, H, W, C)``. Not modified.
        size: the forward pass's window side.
        stride: the forward pass's stride.
        pooled: the forward pass's output ``max_pool(X, size, stride)``, if at hand (recomputed when ``None``).

    Returns:
        ``dX`` of ``X``'s shape and float dtype; cells no window reached get 0.

    Raises:
        ValueError: from the contract above the signature, as ``max_pool``, or
            if ``dout``'s shape is not the pooled shape.
    """
    if pooled is None:
        pooled = max_pool(X, size, stride)
    *cells, last_cell = _window_cells(X, size, stride)
    H, W = X.shape[1:3]
    tiled = stride == size and H % size == 0 and W % size == 0  # every cell of X lies in exactly one window
    dX = np.empty_like(X) if tiled else np.zeros_like(X)  # tiled: the loop writes every cell, no zeros first
    unclaimed = np.ones(pooled.shape, dtype=bool)
    wins = np.empty(pooled.shape, dtype=bool)  # one buffer reused by every cell (out=), no temporaries
    for cell in cells:
        np.equal(X[cell], pooled, out=wins)
        wins &= unclaimed
        unclaimed ^= wins  # wins lies inside unclaimed: the exclusive or removes it
        _route(wins, dout, dX[cell], overlapping=stride < size)
    # A window still unclaimed at its last cell holds its maximum there (no earlier cell equals it): no comparison.
    _route(unclaimed, dout, dX[last_cell], overlapping=stride < size)
    return dX


def _route(
    wins: NDArray[np.bool_], dout: NDArray[np.floating], dX_cell: NDArray[np.floating], overlapping: bool
) -> None:
    """Send ``dout`` into ``dX_cell`` (a view of ``dX``) where ``wins`` holds."""
    if overlapping:  # a cell can win several windows: add
        dX_cell += wins * dout
    else:  # a cell is in one window at most: write the product straight into dX, no temporary
        np.multiply(wins, dout, out=dX_cell)


def _window_cells(X: NDArray[np.floating], size: int, stride: int) -> list[tuple[slice, ...]]:
    """One index per window offset (m, q), in row-major order: ``X[index]`` is the
    ``(N, H_out, W_out, C)`` view of cell (m, q) of every window."""
    H, W = X.shape[1:3]
    last_row, last_col = (H - size) // stride * stride, (W - size) // stride * stride
    return [
        (slice(None), slice(m, m + last_row + 1, stride), slice(q, q + last_col + 1, stride), slice(None))
        for m in range(size)
        for q in range(size)
    ]
