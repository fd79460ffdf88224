"""4.3 A small CNN: conv (8 filters 3x3) -> ReLU -> max-pool 2x2 -> dense -> softmax.

On a 28x28x1 MNIST image:

    conv (valid, stride 1)   (28, 28, 1) -> (26, 26, 8)     K (3, 3, 1, 8), bK (8,)
    ReLU                     (26, 26, 8)
    max-pool 2x2, stride 2   (26, 26, 8) -> (13, 13, 8)
    flatten                  13 * 13 * 8 = 1352 features    (not 2197, as a post has it)
    dense + softmax          1352 -> 10                     W (1352, 10), b (1, 10)

The parameters live in a dict with the keys ``"K"``, ``"bK"``, ``"W"``, ``"b"``;
the gradients come back in a dict with the same keys, so an optimizer can
update every parameter the same way.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from kata.contracts import Array, Instance, Int, Ints, Params, Rule, contract

from ..chapter3 import relu, relu_derivative, softmax
from .convolution import conv_backward, conv_forward
from .initialization import he_init, xavier_init
from .pooling import max_pool, max_pool_backward

CNN_PARAMETERS = ("K", "bK", "W", "b")


POOL = 2


CNN_PARAMS = Params(K="(kh, kw, C, F)", bK="(F,)", W="(n_flat, n_classes)", b="(1, n_classes)")


FITS = Rule("height - kh + 1 >= 2 and width - kw + 1 >= 2", "the kernel and a 2x2 pooling must fit in the images")


DENSE_FITS = Rule(
    "n_flat == (height - kh + 1) // 2 * ((width - kw + 1) // 2) * F",
    "params['W'] must have one row per pooled feature: H_pool * W_pool * F rows",
)


@contract(
    Rule("len(image_shape) == 3", "image_shape must be (H, W, C)"),
    Rule(
        "(image_shape[0] - kernel_size + 1) // 2 >= 1 and (image_shape[1] - kernel_size + 1) // 2 >= 1",
        "the images are too small for the kernel and a 2x2 pooling",
    ),
    rng=Instance(np.random.Generator),
    n_filters=Int(ge=1),
    kernel_size=Int(ge=1),
    n_classes=Int(ge=1),
    image_shape=Ints(min_len=3, ge=1),
)
def init_cnn(
    rng: np.random.Generator,
    n_filters: int = 8,
    kernel_size: int = 3,
    n_classes: int = 10,
    dtype: DTypeLike = np.float32,
    image_shape: tuple[int, int, int] = (28, 28, 1),
) -> dict[str, NDArray[np.floating]]:
    """Initial parameters of the CNN for images of ``image_shape = (H, W, C)``.

    * ``"K"``: ``(kernel_size, kernel_size, C, n_filters)``, He-initialized with
      fan-in ``kernel_size * kernel_size * C`` (the ReLU follows):
      ``he_init(kernel_size**2 * C, n_filters, rng, dtype)`` reshaped.
    * ``"bK"``: ``(n_filters,)`` zeros, one bias per filter.
    * ``"W"``: ``(n_flat, n_classes)``, Xavier-initialized (softmax follows),
      where ``n_flat = H_pool * W_pool * n_filters``, ``H_conv = H - kernel_size + 1``
      and ``H_pool = H_conv // 2`` (the same for widths): 1352 for MNIST.
    * ``"b"``: ``(1, n_classes)`` zeros.

    Draw ``K`` first, then ``W``, from ``rng``.

    Args:
        rng: the random generator.
        n_filters: the number of convolution filters (output channels), >= 1.
        kernel_size: the side of each square filter, >= 1.
        n_classes: the number of classes, >= 1.
        dtype: the float dtype of every parameter (float32 by default).
        image_shape: ``(H, W, C)`` of one input image, ``(28, 28, 1)`` for MNIST.

    Returns:
        ``{"K", "bK", "W", "b"}``, new arrays of ``dtype``.

    Raises:
        ValueError: from the contract above the signature, if a size is not a
            positive int, ``image_shape`` is not three positive ints, or the
            image is too small for a convolution and a 2x2 pooling.
    """
    raise NotImplementedError("todo: init_cnn")


@contract(FITS, DENSE_FITS, X=Array("(N, height, width, C)"), params=CNN_PARAMS)
def forward_cnn(
    X: NDArray[np.floating], params: dict[str, NDArray[np.floating]]
) -> tuple[NDArray[np.floating], dict[str, NDArray[np.floating]]]:
    """The CNN's forward pass on a batch of images, channels last.

        Z = conv_forward(X, K, bK)          (N, H-2, W-2, F)    for 3x3 kernels
        A = relu(Z)
        P = max_pool(A, 2, 2)               (N, (H-2)//2, (W-2)//2, F)
        probs = softmax(P.reshape(N, -1) @ W + b)

    Use your own ``conv_forward`` (4.2), ``max_pool`` (4.3) and chapter 3's
    ``relu`` and ``softmax``. Flat MNIST rows become images with
    ``X.reshape(-1, 28, 28, 1)``.

    Args:
        X: images ``(N, H, W, C)``, the parameters' float dtype. Not modified.
        params: ``{"K", "bK", "W", "b"}`` as ``init_cnn`` makes them.

    Returns:
        ``(probs, cache)``: the class probabilities ``(N, n_classes)`` in ``X``'s
        dtype, and a dict with what the backward pass needs: ``"X"``, ``"A"``
        (the ReLU output), ``"P"`` (the pooled maps) and ``"probs"``.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not
            4-D, a parameter is missing, or the shapes do not fit: ``K`` must be
            ``(kh, kw, C, F)`` with ``X``'s ``C``, ``bK`` ``(F,)``, ``b``
            ``(1, n_classes)``, and ``W`` must have ``H_pool * W_pool * F`` rows.
    """
    raise NotImplementedError("todo: forward_cnn")


@contract(
    Rule(
        "conv_h == height - kh + 1 and conv_w == width - kw + 1",
        "cache['A'] must be the convolution's output for cache['X'] and params['K']",
    ),
    Rule(
        "pool_h == conv_h // 2 and pool_w == conv_w // 2 and n_flat == pool_h * pool_w * F",
        "cache['P'] must be the 2x2 pooling of cache['A'], with one row of params['W'] per pooled feature",
    ),
    params=CNN_PARAMS,
    cache=Params(
        X="(N, height, width, C)", A="(N, conv_h, conv_w, F)", P="(N, pool_h, pool_w, F)", probs="(N, n_classes)"
    ),
    y=Array("(N, n_classes)"),
)
def backward_cnn(
    y: NDArray[np.floating], params: dict[str, NDArray[np.floating]], cache: dict[str, NDArray[np.floating]]
) -> dict[str, NDArray[np.floating]]:
    """The gradients of the mean cross-entropy ``cross_entropy(probs, y)`` for every CNN parameter.

    Backward through the forward pass, reusing ``cache``:

        dS  = (probs - y) / N                       softmax and cross-entropy together
        dW  = F^T dS,  db = sum_rows dS             F = P.reshape(N, -1)
        dP  = (dS W^T).reshape(P.shape)
        dA  = max_pool_backward(dP, A, 2, 2)
        dZ  = dA * relu'(Z)                         relu_derivative(A): 1 where A > 0
        _, dK, dbK = conv_backward(dZ, X, K, input_gradient=False)    no dX: X is the data

    The ``dA`` and ``dZ`` lines can swap: a window's gradient goes to its winning cell,
    and the winner is positive exactly when the window's maximum ``P`` is, so
    ``dZ = max_pool_backward(dP * relu'(P), A, 2, 2)`` is the same ``dZ``,
    with the ReLU mask applied to a quarter of the numbers.

    Args:
        y: one-hot labels ``(N, n_classes)``.
        params: the parameters used in the forward pass.
        cache: the dict ``forward_cnn`` returned.

    Returns:
        ``{"K": dK, "bK": dbK, "W": dW, "b": db}``, each of its parameter's shape and dtype.

    Raises:
        ValueError: from the contract above the signature, if ``y`` is not of
            ``probs``'s shape, a cache entry or parameter is missing, or the
            cache's shapes do not fit the parameters (a cache from other ones).
    """
    raise NotImplementedError("todo: backward_cnn")
