"""4.2 Convolutional layers: a filter slid over an image, then a whole batched layer.

Deep-learning "convolution" is cross-correlation: the output at ``(i, j)`` is
the window of the input whose top-left corner is ``(i * stride, j * stride)``,
multiplied element by element by the kernel and summed. Windows never leave
the input ("valid" padding), so an ``H x W`` input and a ``kh x kw`` kernel
give ``H_out = (H - kh) // stride + 1`` rows and ``W_out = (W - kw) // stride + 1``
columns.

Speed comes from doing every window at once: gather the windows into one
matrix ("im2col"), and a single matrix product with the kernels computes
every output of every image and every filter; the backward pass is two more
products. ``sliding_window_view`` shows every window of an image without
copying it.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from kata.contracts import Array, Int, Rule, contract


@contract(
    Rule("kh <= H and kw <= W", "the kernel must fit in the image"),
    image=Array("(H, W)"),
    filter_kernel=Array("(kh, kw)"),
    stride=Int(ge=1),
)
def conv2d(image: NDArray[np.floating], filter_kernel: NDArray[np.floating], stride: int = 1) -> NDArray[np.floating]:
    """Slide ``filter_kernel`` over one 2-D ``image`` (cross-correlation, valid padding).

    ``out[i, j] = sum_{m, n} image[i * stride + m, j * stride + n] * filter_kernel[m, n]``

    This is the formula of every deep-learning library (and of the 4.2 post).
    It is *not* ``scipy.signal.convolve2d``: a true convolution flips the kernel
    in both directions first, so ``convolve2d(image, k, mode="valid")`` equals
    ``conv2d(image, k[::-1, ::-1])``; ``scipy.signal.correlate2d(image, k,
    mode="valid")`` equals ``conv2d(image, k)``. The two agree only for a kernel
    that is symmetric under the flip. For a learned kernel the flip does not
    matter, but for a given one (an edge detector) it does.

    Vectorize: ``sliding_window_view(image, filter_kernel.shape)`` is a view of
    shape ``(H - kh + 1, W - kw + 1, kh, kw)`` holding every window; keep every
    ``stride``-th window in each direction, then multiply by the kernel and sum
    over the last two axes (``np.einsum`` or ``np.tensordot``). No Python loop.

    Args:
        image: shape ``(H, W)``, float32 or float64. Not modified.
        filter_kernel: shape ``(kh, kw)`` with ``kh <= H`` and ``kw <= W``. Not modified.
        stride: the step between windows, a positive int.

    Returns:
        The feature map, shape ``((H - kh) // stride + 1, (W - kw) // stride + 1)``,
        of the inputs' float dtype.

    Raises:
        ValueError: from the contract above the signature, if either array is
            not 2-D, the kernel is larger than the image, or ``stride`` is not a positive int.
    """
    windows = sliding_window_view(image, filter_kernel.shape)[::stride, ::stride]
    return np.einsum("ijmn,mn->ij", windows, filter_kernel)


@contract(
    Rule("kh <= H and kw <= W", "the kernel must fit in the images"),
    X=Array("(N, H, W, C_in)"),
    K=Array("(kh, kw, C_in, C_out)"),
    b=Array("(C_out,)"),
    stride=Int(ge=1),
)
def conv_forward(
    X: NDArray[np.floating], K: NDArray[np.floating], b: NDArray[np.floating], stride: int = 1
) -> NDArray[np.floating]:
    """A convolutional layer's forward pass on a batch, channels last, valid padding.

    ``Z[n, i, j, o] = b[o] + sum_{m, q, c} X[n, i*stride + m, j*stride + q, c] * K[m, q, c, o]``

    Every output channel ``o`` has its own kernel ``K[:, :, :, o]`` spanning all
    input channels, and its own bias ``b[o]``. Compute it without any Python
    loop over images, pixels or filters: gather every window into one matrix
    with a row per output pixel and a column per kernel entry ("im2col"), then
    one matrix product does the whole layer:

        Z_matrix = columns @ K.reshape(kh * kw * C_in, C_out) + b      (N * H_out * W_out, C_out)

    Two ways to build ``columns``, whose column order must match ``K``'s
    ``(m, q, c)`` order:

    * ``sliding_window_view(X, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]`` is
      a view ``(N, H_out, W_out, C_in, kh, kw)``; move the ``C_in`` axis last and
      reshape (this copies);
    * faster: one strided slice of ``X`` per kernel offset ``(m, q)`` (a loop
      over the ``kh * kw`` offsets, not over pixels), each the
      ``(N, H_out, W_out, C_in)`` block that kernel entry ``(m, q)`` sees.

    Reshape the product to ``(N, H_out, W_out, C_out)``. (``np.einsum`` on the
    windows also works, but without ``optimize=True`` it is many times slower.)

    Args:
        X: input, shape ``(N, H, W, C_in)``, float32 or float64. Not modified.
        K: kernels, shape ``(kh, kw, C_in, C_out)``.
        b: biases, shape ``(C_out,)``: one per output channel (filter).
        stride: the step between windows, a positive int (the same in both directions).

    Returns:
        ``Z`` of shape ``(N, (H - kh) // stride + 1, (W - kw) // stride + 1, C_out)``,
        of ``X``'s float dtype when ``K`` and ``b`` share it (float32 stays float32).

    Raises:
        ValueError: from the contract above the signature, if ``X`` or ``K``
            is not 4-D, their channels differ (``X.shape[3] != K.shape[2]``), the
            kernel does not fit in the image, ``b`` is not of shape ``(C_out,)``,
            or ``stride`` is not a positive int.
    """
    N, H_out, W_out = _output_size(X, K, stride)
    kh, kw, C_in, C_out = K.shape
    # One product per image (a stack of them in one matmul call): small products whose operands stay in the
    # CPU's cache run faster than one tall, narrow product, and BLAS does not split them over threads.
    Z = _im2col(X, kh, kw, stride, H_out, W_out) @ K.reshape(kh * kw * C_in, C_out)
    # Add the biases a whole output row at a time: Z += b on (pixels, C_out) would run
    # NumPy's inner loop over only C_out numbers per pixel, several times slower.
    Z = Z.reshape(N, H_out, W_out * C_out)
    Z += np.tile(b, W_out)
    return Z.reshape(N, H_out, W_out, C_out)


@contract(
    Rule("kh <= H and kw <= W", "the kernel must fit in the images"),
    Rule(
        "H_out == (H - kh) // stride + 1 and W_out == (W - kw) // stride + 1",
        "dZ must have the shape of the forward pass's output",
    ),
    X=Array("(N, H, W, C_in)"),
    K=Array("(kh, kw, C_in, C_out)"),
    dZ=Array("(N, H_out, W_out, C_out)"),
    stride=Int(ge=1),
)
def conv_backward(
    dZ: NDArray[np.floating],
    X: NDArray[np.floating],
    K: NDArray[np.floating],
    stride: int = 1,
    input_gradient: bool = True,
) -> tuple[NDArray[np.floating] | None, NDArray[np.floating], NDArray[np.floating]]:
    """A convolutional layer's backward pass: the gradients of the loss with respect
    to its input, kernels and biases, given ``dZ``, the gradient with respect to its output.

    With ``Z = conv_forward(X, K, b, stride)``, the chain rule through the
    forward formula gives

    * ``dK[m, q, c, o] = sum_{n, i, j} X[n, i*stride + m, j*stride + q, c] * dZ[n, i, j, o]``:
      each window times the output gradient it produced, summed. With the im2col
      matrix of the forward pass (one row per output pixel, columns in ``K``'s
      ``(m, q, c)`` order) this is one product, ``columns.T @ dZ.reshape(-1, C_out)``,
      reshaped to ``K.shape``.
    * ``db[o] = sum_{n, i, j} dZ[n, i, j, o]``.
    * ``dX``: each output pixel sends ``sum_o dZ[n, i, j, o] * K[:, :, :, o]`` back
      to the window it was computed from, and overlapping windows add up.
      Compute all those window gradients with one product,
      ``dZ.reshape(-1, C_out) @ K.reshape(-1, C_out).T``; then add them into
      ``dX`` with one strided slice per kernel offset ``(m, q)`` ("col2im": a
      loop over the ``kh * kw`` offsets is fine, a loop over images or pixels is not).
      Input pixels that no window covers (when ``stride`` skips them) get 0.

    No ``1/N`` here: ``dZ`` already holds the batch average from the loss.

    Args:
        dZ: shape ``(N, H_out, W_out, C_out)``, the upstream gradient.
        X: the layer's input in the forward pass, shape ``(N, H, W, C_in)``. Not modified.
        K: the kernels, shape ``(kh, kw, C_in, C_out)``. Not modified.
        stride: the forward pass's stride.
        input_gradient: ``False`` skips ``dX`` (``None`` in its place): a first layer's input is the data.

    Returns:
        ``(dX, dK, db)`` of shapes ``X.shape``, ``K.shape`` and ``(C_out,)``, in
        the inputs' float dtype (float32 ``dZ``, ``X`` and ``K`` give float32).

    Raises:
        ValueError: from the contract above the signature, on the shape
            problems of ``conv_forward``, or if ``dZ``'s shape is not the forward
            output's shape.
    """
    N, H_out, W_out = dZ.shape[:3]
    kh, kw, C_in, C_out = K.shape
    dZ_matrix = dZ.reshape(N * H_out * W_out, C_out)
    # columns.T @ dZ_matrix image by image (as in conv_forward), then the images' sums added up.
    columns = _im2col(X, kh, kw, stride, H_out, W_out)
    dK = (columns.transpose(0, 2, 1) @ dZ.reshape(N, H_out * W_out, C_out)).sum(axis=0).reshape(K.shape)
    db = np.ones(len(dZ_matrix), dtype=dZ_matrix.dtype) @ dZ_matrix  # the column sums as one BLAS product
    if not input_gradient:  # the window gradients and col2im below are most of the work: skip them
        return None, dK, db
    window_grads = (K.reshape(kh * kw * C_in, C_out) @ dZ_matrix.T).reshape(kh, kw, C_in, N, H_out, W_out)
    dX = np.zeros(X.shape, dtype=np.result_type(dZ, K))
    for m in range(kh):
        for q in range(kw):
            dX[_block(m, q, stride, H_out, W_out)] += window_grads[m, q].transpose(1, 2, 3, 0)
    return dX, dK, db


def _block(m: int, q: int, stride: int, H_out: int, W_out: int) -> tuple[slice, ...]:
    """The index of the ``(N, H_out, W_out, C)`` block of the input that kernel entry (m, q) multiplies."""
    return (
        slice(None),
        slice(m, m + stride * (H_out - 1) + 1, stride),
        slice(q, q + stride * (W_out - 1) + 1, stride),
        slice(None),
    )


def _im2col(X: NDArray[np.floating], kh: int, kw: int, stride: int, H_out: int, W_out: int) -> NDArray[np.floating]:
    """Every window of X as one matrix per image, (N, H_out * W_out, kh * kw * C_in): one row
    per output pixel (i, j), one column per kernel entry (m, q, c), the row-major order of
    ``K.reshape(kh * kw * C_in, C_out)``.

    The blocks are copied offset by offset into a (kh, kw, N, H_out, W_out, C_in) array:
    each copy moves long runs of contiguous numbers, and for one input channel the final
    transpose-and-reshape is a view (no second copy)."""
    N, C_in = X.shape[0], X.shape[3]
    blocks = np.empty((kh, kw, N, H_out, W_out, C_in), dtype=X.dtype)
    for m in range(kh):
        for q in range(kw):
            blocks[m, q] = X[_block(m, q, stride, H_out, W_out)]
    return blocks.transpose(2, 3, 4, 0, 1, 5).reshape(N, H_out * W_out, kh * kw * C_in)


def _output_size(X: NDArray[np.floating], K: NDArray[np.floating], stride: int) -> tuple[int, int, int]:
    """``(N, H_out, W_out)`` of the layer's output."""
    N, H, W = X.shape[:3]
    kh, kw = K.shape[:2]
    return N, (H - kh) // stride + 1, (W - kw) // stride + 1
