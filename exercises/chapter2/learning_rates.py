"""Learning rates: the Hessian of the MSE sets the largest rate that does not diverge."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Int, Real, contract

from .full_batch import gradient_descent
from .losses import mse_loss


@contract(X=Array("(n, d)"))
def mse_hessian(X: NDArray[np.floating]) -> NDArray[np.floating]:
    """The Hessian of the linear-regression MSE with respect to ``(W, b)``.

    Stack the parameters as ``theta = (W[0, 0], ..., W[d-1, 0], b[0, 0])`` and
    append a column of ones to ``X``: ``X1 = [X, 1]`` of shape ``(n, d + 1)``,
    so that ``y_pred = X1 @ theta``. The loss ``L = (1/n) ||X1 theta - y||^2``
    is quadratic in ``theta``; its gradient is ``(2/n) X1.T (X1 theta - y)`` and
    its matrix of second derivatives, the same at every ``theta`` and
    independent of ``y``, is

        H = (2/n) * X1.T @ X1          shape (d + 1, d + 1), symmetric

    Args:
        X: inputs, shape ``(n, d)``; float32 or float64 (the contract turns
            integers into float64).

    Returns:
        ``H``, shape ``(d + 1, d + 1)``, in ``X``'s float dtype; the last row and
        column belong to the bias.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not 2-D
            or is empty.
    """
    raise NotImplementedError("todo: mse_hessian")


@contract(X=Array("(n, d)"))
def divergence_threshold(X: NDArray[np.floating]) -> float:
    """The learning rate ``2 / lambda_max`` above which full-batch gradient descent diverges.

    On a quadratic loss, one gradient step multiplies the distance to the
    minimum along each eigenvector of the Hessian ``H`` by ``1 - lr * lambda``.
    Every factor has magnitude below 1 exactly when ``lr < 2 / lambda_max``,
    with ``lambda_max`` the largest eigenvalue of ``H = mse_hessian(X)``.
    Above that rate the error along the top eigenvector grows by
    ``|1 - lr * lambda_max| > 1`` every step: the loss explodes.

    Args:
        X: inputs, shape ``(n, d)``; float32 or float64 (the contract turns
            integers into float64).

    Returns:
        ``2 / lambda_max`` as a Python ``float``.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not 2-D
            or is empty.
    """
    raise NotImplementedError("todo: divergence_threshold")


@contract(X=Array("(n, d)"), y=Array("(n, 1)"), num_iterations=Int(ge=1), tolerance=Real(ge=0))
def learning_rate_sweep(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    learning_rates: Sequence[float],
    num_iterations: int,
    tolerance: float = 1e-6,
) -> dict[float, str]:
    """Run 2.2's ``gradient_descent`` at each rate and say whether it converged, crawled or diverged.

    Each ``lr`` trains afresh from ``W = 0``, ``b = 0`` (``X``'s dtype) for
    ``num_iterations``, whatever the other rates. Its final loss ``L_final`` is
    the MSE at the parameters ``gradient_descent`` returns (after the last
    update). Compare it with the starting loss ``L_0`` (at zero parameters) and
    the best achievable loss ``L_min`` (the least-squares fit of ``W`` and ``b``
    together, bias included):

        "diverged"   L_final > L_0, or not finite (it overflowed)
        "converged"  L_final - L_min <= tolerance * (L_0 - L_min)
        "slow"       otherwise: the loss went down, but not that far

    A diverging run's overflow is a result ("diverged"), never a RuntimeWarning.

    Args:
        X: inputs, shape ``(n, d)``; float32 or float64 (the contract turns
            integers into float64).
        y: targets, shape ``(n, 1)``.
        learning_rates: the rates to try, finite numbers (each one is checked
            by ``gradient_descent``'s contract).
        num_iterations: gradient-descent iterations per rate, at least 1.
        tolerance: the fraction of the initial excess loss that may remain, >= 0.

    Returns:
        A dict from each rate to ``"converged"``, ``"slow"`` or ``"diverged"``.

    Raises:
        ValueError: from the contract above the signature, if a shape does not
            fit, ``num_iterations`` is not an int >= 1 or ``tolerance`` is not a
            number >= 0; from ``gradient_descent``'s, if a rate is not a
            finite number.
    """
    raise NotImplementedError("todo: learning_rate_sweep")
