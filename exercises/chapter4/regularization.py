"""4.4 Regularization: L2 weight decay and (inverted) dropout against overfitting.

A network with enough weights can memorize a small training set: training
accuracy reaches 100 % while test accuracy stalls, and the gap between them
measures the overfitting. Two remedies:

* L2 regularization adds ``lambda * sum(W ** 2)`` over every weight matrix to
  the loss, pulling weights towards 0 (biases are left alone: they do not make
  the function more wiggly).
* Dropout zeroes each hidden activation with probability ``1 - p`` at every
  training step, so no unit can rely on any other; at test time every unit is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Instance, Params, Real, Rule, contract

from ..chapter3 import cross_entropy, relu, relu_derivative, softmax


@contract(
    Rule(
        "all(isinstance(W, np.ndarray) and W.dtype.kind in 'fiub' for W in weights)",
        "every weight must be a NumPy array of real numbers",
    ),
    weights=Instance(Sequence),
    lambda_=Real(ge=0),
)
def l2_regularization(
    weights: Sequence[NDArray[np.floating]], lambda_: float
) -> tuple[float, list[NDArray[np.floating]]]:
    """The L2 penalty of some weight matrices and its gradient with respect to each.

    ``penalty = lambda_ * sum_l sum_ij W_l[i, j] ** 2`` and, because
    ``d(w ** 2)/dw = 2 w``, ``grad_l = 2 * lambda_ * W_l``. The caller adds the
    penalty to the data loss and each ``grad_l`` to the data gradient of ``W_l``.

    Pass the weight matrices only (``[W1, W2, W3]``), never the biases: the
    penalty is meant to keep the weights small, and a bias does not make the
    network's function any more complex.

    Args:
        weights: a list (or tuple) of NumPy weight arrays, any shapes, float32 or float64. Not modified.
        lambda_: the regularization strength, ``>= 0`` (e.g. ``1e-4``).

    Returns:
        ``(penalty, grads)``: a Python ``float``, and a list with one new array per
        weight array, of its shape and dtype.

    Raises:
        ValueError: from the contract above the signature, if ``lambda_`` is
            negative or ``weights`` is not a list of arrays of numbers.
    """
    raise NotImplementedError("todo: l2_regularization")


@contract(A=Array("(...)", empty=True), p=Real(gt=0, le=1), rng=Instance(np.random.Generator))
def dropout(
    A: NDArray[np.floating], p: float, rng: np.random.Generator, training: bool = True
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """Inverted dropout: keep each activation with probability ``p``, scale the kept ones by ``1 / p``.

    Draw ``mask = (rng.random(A.shape) < p)``, 1 for a kept unit and 0 for a
    dropped one, as ``A``'s dtype, and return ``A * mask / p``. Dividing by ``p``
    keeps every activation's expected value unchanged, ``E[out] = A``, so the
    next layer sees the same scale in training and at test time, and nothing
    changes at test time. ``p`` is the *keep* probability (0.8 keeps 80 %),
    not the drop probability.

    Keep the mask: the backward pass must zero exactly the same units
    (``dropout_backward``), so never draw a new one there.

    With ``training=False`` (evaluation) or ``p == 1`` nothing is dropped:
    return ``A`` unchanged (itself or a copy) and a mask of ones, and draw no
    random numbers.

    Args:
        A: activations, any shape, float32 or float64. Not modified.
        p: the keep probability, ``0 < p <= 1``.
        rng: the random generator for the mask.
        training: whether this is a training step.

    Returns:
        ``(A_out, mask)``, both of ``A``'s shape and dtype; ``mask`` holds 0s and 1s.

    Raises:
        ValueError: from the contract above the signature, if ``p`` is
            outside ``(0, 1]`` or ``rng`` is not a ``np.random.Generator``.
    """
    raise NotImplementedError("todo: dropout")


@contract(dA=Array("(*s)", empty=True), mask=Array("(*s)", empty=True), p=Real(gt=0, le=1))
def dropout_backward(dA: NDArray[np.floating], mask: NDArray[np.floating], p: float) -> NDArray[np.floating]:
    """The gradient through inverted dropout: ``dA * mask / p``, with the forward pass's mask.

    The forward pass multiplied each activation by ``mask / p``, a constant
    once the mask is drawn, so the gradient is multiplied by the same factor:
    dropped units get no gradient, kept ones get ``dA / p``.

    Args:
        dA: the gradient with respect to dropout's output. Not modified.
        mask: the 0/1 mask that ``dropout`` returned for this step, ``dA``'s shape.
        p: the keep probability used in the forward pass, ``0 < p <= 1``.

    Returns:
        The gradient with respect to dropout's input, ``dA``'s shape and dtype.

    Raises:
        ValueError: from the contract above the signature, if ``dA`` and
            ``mask`` differ in shape or ``p`` is outside ``(0, 1]``.
    """
    raise NotImplementedError("todo: dropout_backward")


@contract(
    params=Params(W1="(d, h1)", b1="(1, h1)", W2="(h1, h2)", b2="(1, h2)", W3="(h2, k)", b3="(1, k)"),
    X=Array("(n, d)"),
    y=Array("(n, k)"),
    rng=Instance(np.random.Generator),
    lambda_=Real(ge=0),
    keep_prob=Real(gt=0, le=1),
)
def regularized_loss_and_gradients(
    params: dict[str, NDArray[np.floating]],
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    rng: np.random.Generator,
    *,
    lambda_: float = 0.0,
    keep_prob: float = 1.0,
) -> tuple[float, dict[str, NDArray[np.floating]]]:
    """One training step's loss and gradients for the 3-layer MLP with dropout and L2.

    Forward, with inverted dropout after each hidden ReLU (your ``dropout``,
    layer 1's mask drawn first, then layer 2's, from ``rng``):

        H1 = relu(X W1 + b1)     D1, m1 = dropout(H1, keep_prob, rng)
        H2 = relu(D1 W2 + b2)    D2, m2 = dropout(H2, keep_prob, rng)
        A3 = softmax(D2 W3 + b3)
        loss = cross_entropy(A3, y) + lambda_ * (||W1||^2 + ||W2||^2 + ||W3||^2)

    Backward, reusing the same masks (``dropout_backward``), never new ones:

        dZ3 = (A3 - y) / n
        dZ2 = dropout_backward(dZ3 W3^T, m2, keep_prob) * relu'(H2)
        dZ1 = dropout_backward(dZ2 W2^T, m1, keep_prob) * relu'(H1)
        grad_Wl = (input of layer l)^T dZl + 2 lambda_ Wl      (D2, D1 and X are the inputs)
        grad_bl = sum_rows dZl                                  (no penalty on biases)

    The L2 part comes from your ``l2_regularization([W1, W2, W3], lambda_)``.
    With ``lambda_ = 0`` and ``keep_prob = 1`` this is exactly
    ``backward_mlp_3layer``'s gradients and no random number is drawn.

    Args:
        params: ``{"W1", "b1", "W2", "b2", "W3", "b3"}`` (shapes as ``init_mlp_3layer``). Not modified.
        X: the batch ``(n, d)``.
        y: one-hot labels ``(n, k)``.
        rng: the random generator for the dropout masks.
        lambda_: the L2 strength, ``>= 0``.
        keep_prob: dropout's keep probability, ``0 < keep_prob <= 1``.

    Returns:
        ``(loss, grads)``: the regularized loss (a Python float) and a dict of
        gradients with the keys and shapes of ``params``.

    Raises:
        ValueError: from the contract above the signature, for a missing
            parameter, shapes that do not fit, a negative ``lambda_`` or
            ``keep_prob`` outside ``(0, 1]``.
    """
    raise NotImplementedError("todo: regularized_loss_and_gradients")
