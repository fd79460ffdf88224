"""4.5 Momentum: gradient descent with a velocity that remembers past steps.

Plain gradient descent steps ``W <- W - lr * grad``. Momentum keeps a velocity
``v`` (one array per parameter, zeros at the start) that accumulates the
steps, decaying by ``mu`` each time:

    v <- mu * v - lr * grad        W <- W + v

Along a direction where the gradient keeps its sign the steps add up (up to
``1 / (1 - mu)`` times a plain step, 10x for ``mu = 0.9``); where it flips
sign from step to step they cancel, which damps oscillations.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Real, contract


@contract(v=Array("(*s)", empty=True), grad=Array("(*s)", empty=True), mu=Real(ge=0, lt=1), lr=Real(gt=0))
def momentum_update(v: NDArray[np.floating], grad: NDArray[np.floating], mu: float, lr: float) -> NDArray[np.floating]:
    """One momentum step's new velocity: ``v_new = mu * v - lr * grad``.

    The caller then moves the parameter by the velocity, ``W += v_new``, and
    keeps ``v_new`` for the next step. With ``mu = 0`` this is plain gradient
    descent: ``v_new = -lr * grad``. The velocity points *against* the
    gradient (downhill): ``- lr * grad``, not ``+``.

    Args:
        v: the current velocity, the parameter's shape (zeros at the first step). Not modified.
        grad: the loss gradient with respect to the parameter, ``v``'s shape. Not modified.
        mu: the momentum coefficient, ``0 <= mu < 1`` (0.9 is usual).
        lr: the learning rate, ``> 0``.

    Returns:
        A new array, ``v``'s shape; float32 inputs give float32.

    Raises:
        ValueError: from the contract above the signature, if ``v`` and
            ``grad`` differ in shape, ``mu`` is outside ``[0, 1)`` or ``lr`` is
            not positive.
    """
    return mu * v - lr * grad
