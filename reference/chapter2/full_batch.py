"""2.2 Gradient descent for optimization: full-batch linear regression."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Int, Real, contract

from .losses import mse_loss


@contract(
    X=Array("(n, d)"),
    y=Array("(n, 1)"),
    W=Array("(d, 1)"),
    b=Array("(1, 1)"),
    lr=Real(),
    num_iterations=Int(ge=1),
)
def gradient_descent(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    W: NDArray[np.floating],
    b: NDArray[np.floating],
    lr: float,
    num_iterations: int,
) -> tuple[NDArray[np.floating], NDArray[np.floating], list[float]]:
    """Fit a linear regression ``y_pred = X @ W + b`` by full-batch gradient descent on the MSE.

    Each iteration uses all ``n`` samples:

        y_pred = X @ W + b
        loss   = mean((y_pred - y)^2)                  (record it: mse_loss)
        dW     = (2/n) * X.T @ (y_pred - y)            shape (d, 1)
        db     = (2/n) * sum over rows of (y_pred - y)  shape (1, 1)
        W      = W - lr * dW,   b = b - lr * db

    The factor is 2/n, the exact gradient of the loss that is reported:
    d/dW of (1/n) sum (x_i W + b - y_i)^2 is (2/n) sum x_i^T (x_i W + b - y_i).
    The posts write ``X.T @ (y_pred - y) / n``, half the gradient (errata):
    a numerical-gradient check shows the factor 2.

    ``loss_history[i]`` is the MSE *before* update ``i`` (at the parameters the
    gradient is computed from), so ``loss_history[0]`` is the initial loss.
    The returned ``W`` and ``b`` are new arrays: the caller's stay untouched.
    With X, y, W and b all float32 the returned ``W`` and ``b`` are float32.

    Args:
        X: inputs, shape ``(n, d)``; float32 or float64 (the contract turns
            integer arrays into float64). Not modified.
        y: targets, shape ``(n, 1)``. Not modified.
        W: initial weights, shape ``(d, 1)``. Not modified.
        b: initial bias, shape ``(1, 1)``. Not modified.
        lr: the learning rate (step size), a finite number (the contract
            hands the body a Python float).
        num_iterations: the number of updates, at least 1.

    Returns:
        ``(W, b, loss_history)``: new arrays of shapes ``(d, 1)`` and ``(1, 1)``,
        and a list of ``num_iterations`` Python floats.

    Raises:
        ValueError: from the contract above the signature, if a shape does not
            fit, ``lr`` is not a finite number or ``num_iterations`` is not an
            int >= 1.
    """
    n = X.shape[0]
    loss_history = []
    for _ in range(num_iterations):
        y_pred = X @ W + b
        loss_history.append(mse_loss(y_pred, y))
        error = y_pred - y
        # New arrays, not W -= ...: the caller's W and b stay as they were. Python floats
        # (lr, 2 / n) do not upcast float32 arrays, so float32 in gives float32 out.
        W = W - lr * (2 / n) * (X.T @ error)
        b = b - lr * (2 / n) * np.sum(error, axis=0, keepdims=True)
    return W, b, loss_history
