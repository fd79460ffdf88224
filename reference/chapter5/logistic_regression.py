"""5.1 Logistic regression as a neural network, in column-major notation.

Examples are columns: ``X`` is ``(n_x, m)``, the labels ``Y`` are ``(1, m)``,
the weights ``w`` are one column ``(n_x, 1)`` and the bias ``b`` is a number.
One forward and backward pass over all ``m`` examples at once:

    Z = w^T X + b                 (1, m)
    A = sigmoid(Z)                (1, m)
    J = -(1/m) sum(Y log A + (1 - Y) log(1 - A))
    dZ = A - Y                    (1, m)
    dw = (1/m) X dZ^T             (n_x, 1), the shape of w
    db = (1/m) sum(dZ)            a number, like b

``propagate_loop`` computes the same numbers one example and one feature at a
time, to measure what vectorization buys.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Int, Real, contract

from ..chapter1 import sigmoid


class LogisticGradients(TypedDict):
    """The gradients of the cost: ``dw`` of shape ``(n_x, 1)`` and ``db``, a float."""

    dw: NDArray[np.floating]
    db: float


class LogisticParameters(TypedDict):
    """The parameters: ``w`` of shape ``(n_x, 1)`` and ``b``, a float."""

    w: NDArray[np.floating]
    b: float


@contract(X=Array("(n_x, m)"), w=Array("(n_x, 1)"), b=Real(), Y=Array("(1, m)"))
def propagate(
    w: NDArray[np.floating], b: float, X: NDArray[np.floating], Y: NDArray[np.floating]
) -> tuple[LogisticGradients, float]:
    """The cost and its gradients for logistic regression, vectorized over the examples.

    ``A = sigmoid(w^T X + b)`` (chapter 1's stable sigmoid), then
    ``J = -(1/m) sum(Y log A + (1 - Y) log(1 - A))`` with ``A`` clipped to
    ``[eps, 1 - eps]`` (``eps = np.finfo(dtype).eps``) inside the logs, so a
    saturated prediction costs a large finite amount; and, with ``dZ = A - Y``,
    ``dw = (1/m) X dZ^T`` and ``db = (1/m) sum(dZ)``, over all ``m`` columns at once.

    Args:
        w: shape ``(n_x, 1)``: a column, not a rank-1 ``(n_x,)``.
        b: the bias, a number (the body receives it as a Python float).
        X: shape ``(n_x, m)``, float32 or float64, in the same float dtype as
            ``w`` and ``Y`` (the contract turns integers into float64).
        Y: 0/1 labels, shape ``(1, m)``.

    No argument is modified.

    Returns:
        ``({"dw": dw, "db": db}, cost)``: ``dw`` of shape ``(n_x, 1)`` and the
        inputs' float dtype, ``db`` and ``cost`` Python floats.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not 2-D,
            ``w`` not ``(n_x, 1)`` or ``Y`` not ``(1, m)`` for ``X`` of shape
            ``(n_x, m)``, or ``b`` not a finite number.
    """
    # b arrives as a Python float (the contract converts it): a NumPy float64 scalar would upcast float32.
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    dw = (X @ dZ.T) / m
    db = float(np.sum(dZ)) / m
    return {"dw": dw, "db": db}, _cost(A, Y)


@contract(X=Array("(n_x, m)"), w=Array("(n_x, 1)"), b=Real(), Y=Array("(1, m)"))
def propagate_loop(
    w: NDArray[np.floating], b: float, X: NDArray[np.floating], Y: NDArray[np.floating]
) -> tuple[LogisticGradients, float]:
    """``propagate``'s cost and gradients, computed with explicit Python loops.

    The lecture notes' non-vectorized version: a loop over the ``m`` examples
    (columns ``i``) and, inside it, loops over the ``n_x`` features ``j`` — no
    matrix product and no sum over an array:

        z = b + sum_j w[j] X[j, i]         (a loop over j)
        a = sigmoid(z)
        cost += -(y log a + (1 - y) log(1 - a))     (a clipped as in propagate)
        dw[j] += X[j, i] (a - y)           (a loop over j)
        db += a - y

    then divide ``cost``, ``dw`` and ``db`` by ``m``. Same results as
    ``propagate`` up to rounding; its test measures how many times slower.

    Args, Returns and Raises: as ``propagate``.
    """
    n_x, m = X.shape
    eps = np.finfo(X.dtype).eps
    dw = np.zeros((n_x, 1), dtype=X.dtype)
    db = 0.0
    cost = 0.0
    for i in range(m):
        z = b
        for j in range(n_x):
            z += float(w[j, 0]) * float(X[j, i])
        a = float(sigmoid(np.asarray(z)))
        y = float(Y[0, i])
        clipped = min(max(a, eps), 1 - eps)
        cost -= y * np.log(clipped) + (1 - y) * np.log1p(-clipped)
        dz = a - y
        for j in range(n_x):
            dw[j, 0] += X[j, i] * dz
        db += dz
    return {"dw": dw / m, "db": db / m}, float(cost) / m


@contract(
    X=Array("(n_x, m)"),
    w=Array("(n_x, 1)"),
    b=Real(),
    Y=Array("(1, m)"),
    num_iterations=Int(ge=1),
    learning_rate=Real(),
)
def optimize(
    w: NDArray[np.floating],
    b: float,
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    num_iterations: int = 100,
    learning_rate: float = 0.009,
) -> tuple[LogisticParameters, LogisticGradients, list[float]]:
    """Gradient descent on logistic regression.

    ``num_iterations`` times: ``grads, cost = propagate(w, b, X, Y)``, then
    ``w = w - learning_rate * dw`` and ``b = b - learning_rate * db``. The
    caller's ``w`` is not modified.

    Args:
        w: initial weights, shape ``(n_x, 1)``. Not modified.
        b: initial bias, a number.
        X: shape ``(n_x, m)``, in ``w``'s float dtype. Not modified.
        Y: shape ``(1, m)``. Not modified.
        num_iterations: number of steps (>= 1).
        learning_rate: the step size, a number.

    Returns:
        ``({"w": w, "b": b}, grads, costs)``: the parameters after the last step
        (``w`` in the inputs' float dtype, ``b`` a Python float), the gradients
        of the last step (taken before it), and the ``num_iterations`` costs,
        each computed before its step.

    Raises:
        ValueError: from the contract above the signature, if
            ``num_iterations < 1``, or for the shapes ``propagate`` refuses.
    """
    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        costs.append(cost)
    return {"w": w, "b": b}, grads, costs  # pyright: ignore[reportPossiblyUnboundVariable] - num_iterations >= 1


@contract(X=Array("(n_x, m)"), w=Array("(n_x, 1)"), b=Real())
def predict_logistic(w: NDArray[np.floating], b: float, X: NDArray[np.floating]) -> NDArray[np.int64]:
    """Logistic regression's labels: 1 where ``sigmoid(w^T X + b) > 0.5``, else 0.

    (The lecture notes call it ``predict``; this chapter's ``predict`` is the
    L-layer network's, in 5.3.)

    Args:
        w: shape ``(n_x, 1)``. Not modified.
        b: the bias, a number.
        X: shape ``(n_x, m)``. Not modified.

    Returns:
        int64 labels of shape ``(1, m)``.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not 2-D
            or ``w`` not ``(n_x, 1)`` for ``X`` of shape ``(n_x, m)``.
    """
    return (sigmoid(w.T @ X + b) > 0.5).astype(np.int64)


def _cost(A: NDArray[np.floating], Y: NDArray[np.floating]) -> float:
    eps = np.finfo(A.dtype).eps
    A = np.clip(A, eps, 1 - eps)
    return -float(np.sum(Y * np.log(A) + (1 - Y) * np.log1p(-A))) / A.shape[1]
