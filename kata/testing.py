"""Assertions for kata tests whose failure messages teach (expected vs got), and helpers the chapters' tests share."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .contracts import ContractError
from .gradcheck import away_from_kinks


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
    ``|got - expected| <= atol + rtol * |expected|`` (and of ``dtype`` when given).

    A NaN never matches (not even a NaN), and an infinity only the same
    infinity. The failure message counts the mismatched elements, gives the
    largest difference among those that are finite in both (with where it is),
    and counts NaN and infinite values apart: a NaN is never "0 away".
    """
    want = np.asarray(expected)
    assert_array(got, what=what, shape=want.shape, dtype=dtype)
    assert isinstance(got, np.ndarray)
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False):
        raise AssertionError(
            f"{what}: values differ in {_mismatches(got, want, rtol, atol)}\n"
            f"expected:\n{_show(want)}\ngot:\n{_show(got)}"
        )


def _mismatches(got: NDArray[Any], want: NDArray[Any], rtol: float, atol: float) -> str:
    """E.g. ``3 of 6 elements (rtol=1e-06, atol=1e-09; largest difference 0.5 at [1, 0]: expected 2, got 2.5;
    NaN where a number was expected in 1)``."""
    g = np.asarray(got, dtype=np.float64)
    w = np.broadcast_to(np.asarray(want, dtype=np.float64), g.shape)
    with np.errstate(all="ignore"):
        mismatched = ~np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=False)
        finite = mismatched & np.isfinite(g) & np.isfinite(w)
        difference = np.where(finite, np.abs(g - w), -1.0)
    notes = [f"rtol={rtol:g}, atol={atol:g}"]
    if finite.any():
        index = np.unravel_index(int(np.argmax(difference)), g.shape)
        where = f" at [{', '.join(str(int(i)) for i in index)}]" if g.ndim else ""
        notes.append(
            f"largest difference {difference[index]:.6g}{where}: expected {w[index]:.6g}, got {g[index]:.6g}"
            + (" (relative tolerance is no help where 0 is expected)" if w[index] == 0 else "")
        )
    counts = {
        "NaN where a number was expected": np.isnan(g) & ~np.isnan(w),
        "a number where NaN was expected": ~np.isnan(g) & np.isnan(w),
        "NaN in both (NaN never matches)": np.isnan(g) & np.isnan(w),
        "an infinity where a finite number was expected": np.isinf(g) & np.isfinite(w),
        "a finite number where an infinity was expected": np.isfinite(g) & np.isinf(w),
        "the opposite infinity": np.isinf(g) & np.isinf(w) & (g != w),
    }
    notes += [f"{text} in {int(mask.sum())}" for text, mask in counts.items() if mask.any()]
    return f"{int(mismatched.sum())} of {w.size} elements ({'; '.join(notes)})"


def assert_scalar(got: object, expected: float, *, what: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """``got`` is a Python ``float`` (not an array) close to ``expected``; NaN matches nothing."""
    if not isinstance(got, float):
        raise AssertionError(f"{what}: expected a Python float, got {type(got).__name__} {got!r}")
    if not abs(got - expected) <= atol + rtol * abs(expected):  # False for NaN, and for inf - inf
        note = ""
        if math.isnan(got):
            note = "; NaN: an invalid operation such as 0/0, log of a negative number or inf - inf"
        elif math.isinf(got) and not math.isinf(expected):
            note = "; an overflow, or a log of 0?"
        raise AssertionError(f"{what}: expected {expected!r}, got {got!r} (rtol={rtol:g}, atol={atol:g}{note})")


@contextmanager
def no_warnings() -> Iterator[None]:
    """Turn every warning and every NumPy overflow, invalid or divide-by-zero
    into an error inside the block (underflow to 0 stays allowed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


@contextmanager
def rejects(*arguments: str) -> Iterator[None]:
    """The call in the block is refused by its kata's input contract (the
    ``@contract`` line above the stub), with a ``ValueError`` naming each of ``arguments``."""
    __tracebackhide__ = True
    try:
        yield
    except ContractError as error:
        missing = [name for name in arguments if name not in error.arguments]
        if missing:
            raise AssertionError(
                f"the input contract refused the call naming {', '.join(error.arguments)}, "
                f"expected it to name {', '.join(missing)}: {error}"
            ) from error
        return
    except ValueError as error:
        raise AssertionError(
            f"expected the input contract (the @contract line above the def) to refuse this call, "
            f"but the function's own code raised ValueError({error}); keep the stub's @contract line"
        ) from error
    raise AssertionError(f"expected a ValueError naming {', '.join(arguments)}; the call returned normally")


@contextmanager
def raises_containing(*texts: str) -> Iterator[None]:
    """The block raises a ``ValueError`` whose message contains every one of
    ``texts``: what the kata's docstring says "the message must contain"."""
    __tracebackhide__ = True
    try:
        yield
    except ValueError as error:
        missing = [text for text in texts if text not in str(error)]
        if missing:
            raise AssertionError(
                f"raised ValueError({str(error)!r}), but the docstring asks for a message containing "
                f"{' and '.join(map(repr, missing))}"
            ) from error
        return
    raise AssertionError(
        f"expected a ValueError whose message contains {' and '.join(map(repr, texts))}; the call returned normally"
    )


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


def correlate2d_valid(image: NDArray[Any], kernel: NDArray[Any]) -> NDArray[np.float64]:
    """The tests' oracle for a 2-D cross-correlation, ``out[i, j] = sum image[i+m, j+n] * kernel[m, n]``,
    kept where the kernel fits: ``scipy.ndimage.correlate`` in float64 (as ``scipy.signal.correlate2d(...,
    mode="valid")``, at a third of its import time), cropped from its kernel-centred output."""
    import scipy.ndimage  # imported here: only the convolution tests need it

    kh, kw = kernel.shape
    full = scipy.ndimage.correlate(np.asarray(image, np.float64), np.asarray(kernel, np.float64), mode="constant")
    return full[kh // 2 : kh // 2 + image.shape[0] - kh + 1, kw // 2 : kw // 2 + image.shape[1] - kw + 1]


def best_time(function: Callable[..., Any], *args: Any, repeat: int) -> float:
    """The shortest wall time, in seconds, of ``repeat`` calls ``function(*args)``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


def column_major_network(
    rng: np.random.Generator, layer_dims: list[int], m: int, output: str
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.float64], NDArray[np.float64]]:
    """A small float64 network in chapter 5's notation, its inputs and labels: ``(params, X, Y)``.

    ``W[l]`` is ``(n[l], n[l-1])`` with entries ``N(0, 1 / n[l-1])``, ``b[l]`` is
    ``(n[l], 1)`` with entries ``N(0, 0.3^2)``, ``X`` is ``(n[0], m)`` standard
    normal; all are drawn again until every hidden pre-activation (ReLU layers)
    lies at least 0.02 from the kink, so numerical gradients are trustworthy.
    ``Y`` is 0/1 of shape ``(n[L], m)`` for a ``"sigmoid"`` output, one-hot
    columns ``(n[L], m)`` for ``"softmax"``.
    """
    while True:
        params = {}
        for layer in range(1, len(layer_dims)):
            n, n_prev = layer_dims[layer], layer_dims[layer - 1]
            params[f"W{layer}"] = rng.normal(0, 1 / math.sqrt(n_prev), (n, n_prev))
            params[f"b{layer}"] = rng.normal(0, 0.3, (n, 1))
        X = rng.normal(size=(layer_dims[0], m))
        A, near_kink = X, False
        for layer in range(1, len(layer_dims) - 1):
            Z = params[f"W{layer}"] @ A + params[f"b{layer}"]
            near_kink |= not away_from_kinks(Z, 0.02)
            A = np.maximum(Z, 0)
        if not near_kink:
            break
    k = layer_dims[-1]
    if output == "sigmoid":
        return params, X, (rng.random((k, m)) < 0.5).astype(np.float64)
    return params, X, np.eye(k)[rng.integers(0, k, m)].T


def _show(array: NDArray[Any]) -> str:
    with np.printoptions(precision=6, threshold=60, edgeitems=3, suppress=True):
        return np.array2string(np.asarray(array), prefix="")
