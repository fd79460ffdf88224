"""4.1 Initialization: He and Xavier scales, and why all-zero weights fail.

Every unit of a layer computes ``z = sum_i x_i w_i``. With ``n_in`` inputs of
unit variance and independent weights of variance ``s``, ``Var(z) = n_in * s``:
the scale of the weights decides whether activations (and, going backward,
gradients) grow, shrink or keep their size from layer to layer.

All-zero (or all-equal) weights make every unit of a layer compute the same
thing and receive the same gradient, so the units stay identical however long
you train: random weights break that symmetry.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from kata.contracts import Instance, Int, contract


@contract(n_in=Int(ge=1), n_out=Int(ge=1), rng=Instance(np.random.Generator))
def he_init(n_in: int, n_out: int, rng: np.random.Generator, dtype: DTypeLike = np.float32) -> NDArray[np.floating]:
    """He (Kaiming) initialization for a layer followed by ReLU: ``W ~ N(0, 2 / n_in)``.

    ReLU zeroes about half of its inputs, which halves the variance of the
    signal; the factor 2 restores it, so ``Var(z)`` stays about the same in every
    layer of a deep ReLU network. Draw standard normal numbers with ``rng`` and
    multiply them by ``sqrt(2 / n_in)``.

    A convolution kernel ``(kh, kw, C_in, C_out)`` is a matrix with
    ``n_in = kh * kw * C_in`` rows: ``he_init(kh * kw * C_in, C_out, rng)``
    reshaped to ``(kh, kw, C_in, C_out)``.

    Args:
        n_in: the number of inputs of the layer (fan-in), >= 1.
        n_out: the number of units of the layer, >= 1.
        rng: the random generator (the result depends only on its state).
        dtype: the float dtype of the result (float32 by default).

    Returns:
        ``W`` of shape ``(n_in, n_out)`` and ``dtype``.

    Raises:
        ValueError: from the contract above the signature, if ``n_in`` or
            ``n_out`` is not a positive int or ``rng`` is not a ``np.random.Generator``.
    """
    raise NotImplementedError("todo: he_init")


@contract(n_in=Int(ge=1), n_out=Int(ge=1), rng=Instance(np.random.Generator))
def xavier_init(n_in: int, n_out: int, rng: np.random.Generator, dtype: DTypeLike = np.float32) -> NDArray[np.floating]:
    """Xavier (Glorot) initialization: ``W ~ N(0, 2 / (n_in + n_out))``.

    A compromise between keeping the forward signal's variance (``1 / n_in``)
    and the backward gradient's variance (``1 / n_out``): the variance is one
    over their mean. Made for symmetric activations such as tanh, sigmoid or a
    softmax output layer. Draw standard normal numbers with ``rng`` and multiply
    them by ``sqrt(2 / (n_in + n_out))``.

    Args:
        n_in: the number of inputs of the layer, >= 1.
        n_out: the number of units of the layer, >= 1.
        rng: the random generator.
        dtype: the float dtype of the result (float32 by default).

    Returns:
        ``W`` of shape ``(n_in, n_out)`` and ``dtype``.

    Raises:
        ValueError: from the contract above the signature, if ``n_in`` or
            ``n_out`` is not a positive int or ``rng`` is not a ``np.random.Generator``.
    """
    raise NotImplementedError("todo: xavier_init")
