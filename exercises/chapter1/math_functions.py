"""1.3 Mathematical functions and activation basics: a numerically stable sigmoid."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, contract


@contract(Z=Array("(...)", empty=True))
def sigmoid(Z: NDArray[np.floating]) -> NDArray[np.floating]:
    """The logistic function ``sigma(z) = 1 / (1 + exp(-z))``, element-wise.

    Stable for any input: the textbook formula's ``exp(-z)`` overflows for
    ``z < -709`` in float64 (``z < -88`` in float32); yours must not. No
    RuntimeWarning at +-1000, ``sigmoid(0)`` is exactly 0.5, and every output
    lies in [0, 1].

    Args:
        Z: any shape, float32 or float64 (the contract turns integers into float64).

    Returns:
        An array of ``Z``'s shape and float dtype.
    """
    raise NotImplementedError("todo: sigmoid")
