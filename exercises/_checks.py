"""Argument checks shared by every chapter (identical in exercises/ and reference/).

Each raises ``ValueError`` naming the argument and its shape, so a wrong call
fails loudly instead of broadcasting silently. Use them in your own katas:

    X = as_float_array("X", X)
    require_ndim("X", X, 2, "(n_samples, n_features)")
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_float_array(name: str, value: ArrayLike) -> NDArray[np.floating]:
    """``value`` as a float array: float32 and float64 arrays are returned as they
    are (no copy); integers and booleans become float64; anything else is an error."""
    array = np.asarray(value)
    kind = array.dtype.kind  # "f" float, "i" and "u" integers, "b" bool: cheaper than np.issubdtype on a hot path
    if kind == "f":
        return array
    if kind in ("i", "u", "b"):
        return array.astype(np.float64)
    raise ValueError(f"{name} must hold real numbers; got dtype {array.dtype}")


def require_ndim(name: str, array: NDArray[Any], ndim: int, layout: str) -> None:
    """Raise unless ``array`` has ``ndim`` dimensions; ``layout`` describes the expected
    shape in words, e.g. ``"(n_samples, n_features)"``."""
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of shape {layout}; got shape {array.shape}")


def require_same_shape(name_a: str, a: NDArray[Any], name_b: str, b: NDArray[Any]) -> None:
    """Raise unless ``a`` and ``b`` have the same shape (no broadcasting between them)."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}")


def require_same_length(name_a: str, a: NDArray[Any], name_b: str, b: NDArray[Any]) -> None:
    """Raise unless ``a`` and ``b`` have the same number of rows (samples)."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples; got shapes {a.shape} and {b.shape}"
        )
