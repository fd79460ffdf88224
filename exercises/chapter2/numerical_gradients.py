"""2.4 Debugging with numerical gradients: centered differences and the relative error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray


def numerical_gradient(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    params: dict[str, NDArray[np.floating]],
    loss_fn: Callable[[NDArray[np.floating], NDArray[np.floating]], float],
    forward_fn: Callable[[NDArray[np.floating], dict[str, NDArray[np.floating]]], NDArray[np.floating]],
    h: float = 1e-4,
) -> dict[str, NDArray[np.floating]]:
    """The gradient of ``L(params) = loss_fn(forward_fn(X, params), y)`` by centered differences.

    For every parameter ``p = params[name]`` and every element index ``i`` of it
    (``np.ndindex(p.shape)`` walks them all):

        dL/dp[i] ~ (L(p[i] + h) - L(p[i] - h)) / (2h)

    Nudge ``p[i]`` in place, evaluate the loss, nudge the other way, evaluate
    again, then put the saved original value back. The centered difference is
    exact for a quadratic loss and its error shrinks as O(h^2) in general;
    the one-sided ``(L(p[i] + h) - L(p[i])) / h`` is only O(h). Restore in a
    ``try``/``finally``, so the parameters are exactly as before (the saved
    value, not ``p[i] + h - h``, which can differ in the last bit) even when
    ``loss_fn`` or ``forward_fn`` raises.

    This is the learner's own checker, for comparing with an analytic
    gradient such as ``(2/n) X.T @ (y_pred - y)``: the posts' ``1/n`` version
    comes out exactly half of what this function returns.

    Args:
        X: the inputs, passed to ``forward_fn`` unchanged.
        y: the targets, passed to ``loss_fn`` unchanged.
        params: parameter name -> float array (any shape); nudged in place and
            restored exactly.
        loss_fn: ``loss_fn(predictions, y) -> float``, e.g. ``mse_loss``.
        forward_fn: ``forward_fn(X, params) -> predictions``; it must read the
            parameters from the dict it is given.
        h: the step, > 0.

    Returns:
        A dict with the same keys as ``params``: each gradient has its
        parameter's shape and dtype.

    Raises:
        ValueError: if ``h <= 0`` or a parameter is not a float array.
    """
    raise NotImplementedError("todo: numerical_gradient")


def relative_error(analytic: NDArray[np.floating], numeric: NDArray[np.floating]) -> float:
    """How far two gradients are apart, relative to their size.

        rel(a, n) = ||a - n||_2 / (||a||_2 + ||n||_2),   and 0 when both are all zeros

    with ``||.||_2`` the Euclidean norm over all elements (``np.linalg.norm``).
    It is 0 for identical gradients, 1 when one of them is zero and the other
    is not, or when they point in opposite directions; it is not inflated by
    single elements near zero. Rules of thumb for a float64 check with
    ``h = 1e-4``: below 1e-7 is right, above 1e-2 is a bug (a missing factor
    2 gives 1/3).

    Args:
        analytic: a gradient from a formula, any shape.
        numeric: a gradient from ``numerical_gradient``, the same shape.

    Returns:
        The relative error, a Python ``float`` in [0, 1].

    Raises:
        ValueError: if the shapes differ (the message gives both).
    """
    raise NotImplementedError("todo: relative_error")
