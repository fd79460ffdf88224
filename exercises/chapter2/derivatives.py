"""Derivatives by nudging: one-sided and centered differences, and how fast their errors shrink."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Instance, Real, Rule, contract


@contract(f=Instance(Callable), x=Real(), h=Real(gt=0))
def one_sided_derivative(f: Callable[[float], float], x: float, h: float) -> float:
    """The slope of ``f`` at ``x`` from one nudge forward: ``(f(x + h) - f(x)) / h``.

    "Nudge the input, watch the output": for ``f(a) = a^2`` at ``a = 2`` with
    ``h = 0.001`` it gives ``(4.004001 - 4) / 0.001 = 4.001``, near the exact
    ``f'(2) = 4``. By Taylor's theorem the error is about ``h * f''(x) / 2``:
    it shrinks in proportion to ``h``, O(h).

    Args:
        f: a function of one real number.
        x: the point, a finite number.
        h: the nudge, > 0.

    Returns:
        The estimate as a Python ``float``.

    Raises:
        ValueError: from the contract above the signature, if ``f`` is not
            callable, ``x`` is not a finite number or ``h`` is not a number > 0.
    """
    raise NotImplementedError("todo: one_sided_derivative")


@contract(f=Instance(Callable), x=Real(), h=Real(gt=0))
def centered_derivative(f: Callable[[float], float], x: float, h: float) -> float:
    """The slope of ``f`` at ``x`` from nudges both ways: ``(f(x + h) - f(x - h)) / (2h)``.

    The ``f''`` terms of the two Taylor expansions cancel, so the error is
    about ``h^2 * f'''(x) / 6``: O(h^2). For ``f(a) = a^2`` it is exact for
    every ``h``: ``((a + h)^2 - (a - h)^2) / (2h) = 2a``.

    Args:
        f: a function of one real number.
        x: the point, a finite number.
        h: the nudge, > 0.

    Returns:
        The estimate as a Python ``float``.

    Raises:
        ValueError: from the contract above the signature, if ``f`` is not
            callable, ``x`` is not a finite number or ``h`` is not a number > 0.
    """
    raise NotImplementedError("todo: centered_derivative")


@contract(f=Instance(Callable), exact=Real(), x=Real(), steps=Array("(k,)", gt=0))
def derivative_errors(
    f: Callable[[float], float], exact: float, x: float, steps: Sequence[float]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The absolute errors of both estimates at ``x``, for every step ``h`` in ``steps``.

    ``one_sided[k] = |one_sided_derivative(f, x, steps[k]) - exact|`` and
    ``centered[k] = |centered_derivative(f, x, steps[k]) - exact|``. Over
    ``h = 1e-1 ... 1e-4`` the first shrinks ten times per tenfold smaller
    ``h``, the second a hundred times. (Much smaller steps stop helping:
    rounding adds an error of about ``1e-16 * |f(x)| / h``.)

    Args:
        f: a function of one real number.
        exact: the true derivative ``f'(x)``, a finite number.
        x: the point, a finite number.
        steps: the steps ``h``, a non-empty sequence (or 1-D array) of numbers,
            each > 0.

    Returns:
        ``(one_sided, centered)``: two float64 arrays of shape ``(len(steps),)``.

    Raises:
        ValueError: from the contract above the signature, if ``steps`` is
            empty, not 1-D or holds a step that is not > 0, or ``f``, ``exact``
            or ``x`` is not what the Args say.
    """
    raise NotImplementedError("todo: derivative_errors")


@contract(
    Rule("len(np.unique(steps)) >= 2", "need at least two distinct steps to fit a slope"),
    steps=Array("(k,)", gt=0),
    errors=Array("(k,)", gt=0),
)
def error_order(steps: Sequence[float], errors: Sequence[float]) -> float:
    """The order ``p`` in ``error ~ C * h^p``: the slope of ``log(error)`` against ``log(h)``.

    Fit the straight line ``log(error_k) = p * log(h_k) + log(C)`` through
    every point by least squares and return its slope ``p``: about 1 for
    one-sided differences and 2 for centered ones.

    Args:
        steps: at least two distinct steps, each > 0: a sequence or a 1-D array
            (the contract hands the body a float array).
        errors: the error at each step, each > 0, as many as ``steps``.

    Returns:
        ``p`` as a Python ``float``.

    Raises:
        ValueError: from the contract above the signature, if either is not
            1-D, the lengths differ, there are fewer than two distinct steps,
            or a step or error is not > 0 (its log is undefined).
    """
    raise NotImplementedError("todo: error_order")
