"""2.3 Mini-batch gradient descent: linear and logistic regression, batch by batch.

The posts call it ``gradient_descent`` too; here it has its own name, so that it
and 2.2's full-batch version live side by side.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Instance, Int, OneOf, Real, Rule, contract

from ..chapter1 import iterate_minibatches, sigmoid
from .losses import binary_cross_entropy, mse_loss


@contract(
    Rule(
        'model == "linear" or np.all((y >= 0) & (y <= 1))',
        "the logistic model needs labels y in [0, 1] (0 or 1)",
    ),
    X=Array("(n, d)"),
    y=Array("(n, 1)"),
    W=Array("(d, 1)"),
    b=Array("(1, 1)"),
    lr=Real(),
    num_epochs=Int(ge=1),
    batch_size=Int(ge=1),
    rng=Instance(np.random.Generator),
    model=OneOf("linear", "logistic"),
)
def minibatch_gradient_descent(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    W: NDArray[np.floating],
    b: NDArray[np.floating],
    lr: float,
    num_epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    model: str = "linear",
) -> tuple[NDArray[np.floating], NDArray[np.floating], list[float]]:
    """Train ``W`` and ``b`` with mini-batch gradient descent, one update per batch.

    Every epoch shuffles the samples anew: a new permutation each epoch, one
    for ``X`` and ``y`` together (each row keeps its target), drawn from
    ``rng`` in any way you like but never from ``np.random``, so the seed fixes
    the result. The shuffled rows are cut into batches of ``batch_size``; the
    last batch holds the ``n % batch_size`` leftovers when there are any, and
    is kept. For each batch ``X_b, y_b`` of ``m`` rows (its real size):

        model="linear":    y_pred = X_b @ W + b,  loss MSE,
                           dW = (2/m) X_b.T @ (y_pred - y_b),  db = (2/m) sum(y_pred - y_b)
        model="logistic":  A = sigmoid(X_b @ W + b) (chapter 1's),  loss binary cross-entropy,
                           dW = (1/m) X_b.T @ (A - y_b),  db = (1/m) sum(A - y_b)
        then               W = W - lr * dW,  b = b - lr * db

    (No 2 in the logistic gradient: for a sigmoid with cross-entropy, the
    derivative of the loss with respect to ``Z`` is simply ``(A - y) / m``.)
    ``loss_history[e]`` is the loss on the whole training set (``mse_loss`` or
    ``binary_cross_entropy``) at the parameters after epoch ``e``'s last update.
    The caller's arrays are not modified; float32 inputs give float32 results.

    Args:
        X: inputs, shape ``(n, d)``; float32 or float64 (integers become float64).
        y: targets, shape ``(n, 1)``: real numbers for "linear", labels 0 or 1
            (values in [0, 1]) for "logistic".
        W, b: initial weights, shape ``(d, 1)``, and bias, shape ``(1, 1)``.
        lr: the learning rate, a finite number (the body gets a Python float).
        num_epochs: passes over the data, at least 1.
        batch_size: rows per batch, at least 1 (``batch_size >= n`` is full-batch).
        rng: the ``np.random.Generator`` that shuffles, e.g. ``default_rng(0)``.
        model: ``"linear"`` (linear regression) or ``"logistic"`` (logistic regression).

    Returns:
        ``(W, b, loss_history)``: new arrays of shapes ``(d, 1)`` and ``(1, 1)``,
        and a list of ``num_epochs`` Python floats.

    Raises:
        ValueError: from the contract above the signature, for an unknown ``model``, a
            shape that does not fit, ``lr`` not finite, ``num_epochs`` or ``batch_size``
            not an int >= 1, ``rng`` not a Generator, or a logistic ``y`` outside [0, 1].
    """
    scale = 2 if model == "linear" else 1
    loss_history = []
    for _ in range(num_epochs):
        # Chapter 1's iterate_minibatches draws a fresh permutation from rng on every call
        # and keeps the partial last batch; m is each batch's real size.
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng):
            error = np.subtract(_predict(X_batch, W, b, model), y_batch)
            m = X_batch.shape[0]
            W = W - lr * (scale / m) * (X_batch.T @ error)
            b = b - lr * (scale / m) * np.sum(error, axis=0, keepdims=True)
        prediction = _predict(X, W, b, model)
        loss_history.append(mse_loss(prediction, y) if model == "linear" else binary_cross_entropy(prediction, y))
    return W, b, loss_history


def _predict(
    X: NDArray[np.floating], W: NDArray[np.floating], b: NDArray[np.floating], model: str
) -> NDArray[np.floating]:
    Z = X @ W + b
    return Z if model == "linear" else sigmoid(Z)
