"""2.4 Debugging with numerical gradients: centered differences and the relative error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Instance, Real, Rule, contract


@contract(
    Rule(
        'all(isinstance(p, np.ndarray) and p.dtype.kind == "f" for p in params.values())',
        "every parameter must be a float array: it is nudged by h in place",
    ),
    params=Instance(dict),
    loss_fn=Instance(Callable),
    forward_fn=Instance(Callable),
    h=Real(gt=0),
)
def numerical_gradient(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    params: dict[str, NDArray[np.floating]],
    loss_fn: Callable[[NDArray[np.floating], NDArray[np.floating]], float],
    forward_fn: Callable[[NDArray[np.floating], dict[str, NDArray[np.floating]]], NDArray[np.floating]],
    h: float = 1e-4,
) -> dict[str, NDArray[np.floating]]:
    """The gradient of ``L(params) = loss_fn(forward_fn(X, params), y)`` by centered differences.

    For every parameter ``p = params[name]`` (any shape, 0-d included) and
    every element ``p[i]`` of it:

        dL/dp[i] ~ (L(p[i] + h) - L(p[i] - h)) / (2h)

    with each nudge made in place in ``params``, so that ``forward_fn`` sees it
    through the dict it is given. The centered difference is exact for a
    quadratic loss and its error shrinks as O(h^2) in general; the one-sided
    ``(L(p[i] + h) - L(p[i])) / h`` is only O(h). Afterwards ``params`` holds the
    same arrays with exactly their original values (the saved value, not
    ``p[i] + h - h``, which can differ in the last bit), even when ``loss_fn``
    or ``forward_fn`` raises; that exception propagates.

    This is the learner's own checker, for comparing with an analytic
    gradient such as ``(2/n) X.T @ (y_pred - y)``: the posts' ``1/n`` version
    comes out exactly half of what this function returns.

    Args:
        X: the inputs, passed to ``forward_fn`` unchanged.
        y: the targets, passed to ``loss_fn`` unchanged.
        params: a dict, parameter name -> float32 or float64 array (any
            shape); nudged in place and restored exactly.
        loss_fn: ``loss_fn(predictions, y) -> float``, e.g. ``mse_loss``.
        forward_fn: ``forward_fn(X, params) -> predictions``; it must read the
            parameters from the dict it is given.
        h: the step, > 0.

    Returns:
        A dict with the same keys as ``params``: each gradient has its
        parameter's shape and dtype.

    Raises:
        ValueError: from the contract above the signature, if ``h`` is not a
            number > 0, ``params`` is not a dict of float arrays, or
            ``loss_fn`` or ``forward_fn`` is not callable.
    """
    raise NotImplementedError("todo: numerical_gradient")


@contract(analytic=Array("(*s)", empty=True), numeric=Array("(*s)", empty=True))
def relative_error(analytic: NDArray[np.floating], numeric: NDArray[np.floating]) -> float:
    """How far two gradients are apart, relative to their size.

        rel(a, n) = ||a - n||_2 / (||a||_2 + ||n||_2),   and 0 when both are all zeros

    with ``||.||_2`` the Euclidean norm over all elements, whatever the shape.
    It is 0 for identical gradients, 1 when one of them is zero and the other
    is not, or when they point in opposite directions; it is not inflated by
    single elements near zero. Rules of thumb for a float64 check with
    ``h = 1e-4``: below 1e-7 is right, above 1e-2 is a bug (a missing factor
    2 gives 1/3).

    Args:
        analytic: a gradient from a formula, any shape; float32 or float64
            (the contract turns integers into float64).
        numeric: a gradient from ``numerical_gradient``, the same shape.

    Returns:
        The relative error, a Python ``float`` in [0, 1].

    Raises:
        ValueError: from the contract above the signature, if the shapes differ.
    """
    raise NotImplementedError("todo: relative_error")
