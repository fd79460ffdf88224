"""Assertions for kata tests whose failure messages teach: expected vs got."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def assert_array(got: object, *, what: str, shape: tuple[int, ...] | None = None, dtype: Any = None) -> None:
    """``got`` is a NumPy array (of ``shape`` and ``dtype`` when given)."""
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{what}: expected a NumPy array, got {type(got).__name__}")
    if shape is not None and got.shape != tuple(shape):
        raise AssertionError(f"{what}: expected shape {tuple(shape)}, got shape {got.shape}")
    if dtype is not None and got.dtype != np.dtype(dtype):
        raise AssertionError(f"{what}: expected dtype {np.dtype(dtype)}, got dtype {got.dtype}")


def assert_close(
    got: object,
    expected: ArrayLike,
    *,
    what: str,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    dtype: Any = None,
) -> None:
    """``got`` is an array of ``expected``'s shape whose values match within
    ``|got - expected| <= atol + rtol * |expected|`` (and of ``dtype`` when given)."""
    want = np.asarray(expected)
    assert_array(got, what=what, shape=want.shape, dtype=dtype)
    assert isinstance(got, np.ndarray)
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False):
        with np.errstate(all="ignore"):
            difference = np.abs(got.astype(np.float64) - want.astype(np.float64))
        mismatched = ~np.isclose(got, want, rtol=rtol, atol=atol)
        raise AssertionError(
            f"{what}: values differ in {int(mismatched.sum())} of {want.size} elements "
            f"(rtol={rtol:g}, atol={atol:g}; largest difference {np.nanmax(difference):.6g})\n"
            f"expected:\n{_show(want)}\ngot:\n{_show(got)}"
        )


def assert_scalar(got: object, expected: float, *, what: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """``got`` is a Python ``float`` (not an array) close to ``expected``."""
    if not isinstance(got, float):
        raise AssertionError(f"{what}: expected a Python float, got {type(got).__name__} {got!r}")
    if not abs(got - expected) <= atol + rtol * abs(expected):
        raise AssertionError(f"{what}: expected {expected!r}, got {got!r} (rtol={rtol:g}, atol={atol:g})")


@contextmanager
def no_warnings() -> Iterator[None]:
    """Turn every warning and every NumPy overflow, invalid or divide-by-zero
    into an error inside the block (underflow to 0 stays allowed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


def call_unchanged(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` and assert it did not modify any array argument in place."""
    before: dict[int | str, NDArray[Any]] = {
        index: arg.copy() for index, arg in enumerate(args) if isinstance(arg, np.ndarray)
    }
    before.update({key: arg.copy() for key, arg in kwargs.items() if isinstance(arg, np.ndarray)})
    result = function(*args, **kwargs)
    for key, copy in before.items():
        now = args[key] if isinstance(key, int) else kwargs[key]
        if not np.array_equal(copy, now, equal_nan=True):
            name = f"argument {key + 1}" if isinstance(key, int) else f"argument {key!r}"
            raise AssertionError(
                f"{function.__name__} modified its {name} in place; work on a copy instead "
                f"(e.g. X = X - X.mean(axis=0), not X -= ...)"
            )
    return result


def _show(array: NDArray[Any]) -> str:
    with np.printoptions(precision=6, threshold=60, edgeitems=3, suppress=True):
        return np.array2string(np.asarray(array), prefix="")
