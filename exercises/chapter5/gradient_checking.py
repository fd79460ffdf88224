"""5.4 Gradient checking in column-major notation.

All of a network's parameters, flattened into one column ``theta`` of shape
``(N, 1)``, turn the cost into a function of one vector, ``J(theta)``. Its
derivative along each coordinate, by centered differences,

    gradapprox[i] = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)

is compared with the backward pass's gradients, flattened the same way:

    difference = ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)

In float64 with ``eps = 1e-7``, a correct backward pass gives about 1e-7 or
less; 1e-3 or more means a bug.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kata.contracts import Array, Ints, Layers, OneOf, Real, Rule, contract

from .deep_network import L_model_forward, Output, compute_cost


@contract(parameters=Layers())
def dictionary_to_vector(parameters: dict[str, NDArray[np.floating]]) -> NDArray[np.floating]:
    """Flatten ``{"W1", "b1", ..., "WL", "bL"}`` into one column.

    The order is fixed, whatever the dict's order: ``W1``, ``b1``, ``W2``,
    ``b2``, ..., ``WL``, ``bL``, each flattened row by row (``W[0, 0], W[0, 1],
    ...``). ``vector_to_dictionary`` undoes it.

    Args:
        parameters: ``2L`` arrays named ``W1, b1, ..., WL, bL``, shaped as in
            ``initialize_parameters_deep``. Not modified.

    Returns:
        ``theta`` of shape ``(N, 1)``, ``N`` the total number of parameters, in
        the parameters' float dtype.

    Raises:
        ValueError: from the contract above the signature, if the keys are not
            exactly ``W1, b1, ..., WL, bL`` or a shape does not fit its layer.
    """
    raise NotImplementedError("todo: dictionary_to_vector")


@contract(
    Rule(
        "N == np.dot(layer_dims[1:], np.add(layer_dims[:-1], 1))",
        "theta must hold N = sum_l n[l] * (n[l-1] + 1) entries, one per parameter of the layers in layer_dims",
    ),
    theta=Array("(N, 1)"),
    layer_dims=Ints(min_len=2, ge=1),
)
def vector_to_dictionary(theta: NDArray[np.floating], layer_dims: list[int]) -> dict[str, NDArray[np.floating]]:
    """Unflatten ``theta`` back into ``{"W1", "b1", ..., "WL", "bL"}``.

    The inverse of ``dictionary_to_vector``: take the first ``n[1] * n[0]``
    entries as ``W1`` of shape ``(n[1], n[0])`` (row by row), the next ``n[1]``
    as ``b1`` of shape ``(n[1], 1)``, and so on to ``bL``.

    Args:
        theta: shape ``(N, 1)`` with ``N = sum_l n[l] * (n[l-1] + 1)``. Not modified.
        layer_dims: ``[n[0], n[1], ..., n[L]]``, at least two positive ints.

    Returns:
        The parameters, in ``theta``'s float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``theta`` is not
            a column of exactly ``N`` entries or ``layer_dims`` is not a list of
            at least two positive ints.
    """
    raise NotImplementedError("todo: vector_to_dictionary")


@contract(
    parameters=Layers(),
    grads=Layers(prefix="d"),
    X=Array("(n_x, m)"),
    Y=Array("(n_y, m)"),
    output=OneOf("sigmoid", "softmax"),
    epsilon=Real(gt=0),
)
def gradient_check(
    parameters: dict[str, NDArray[np.floating]],
    grads: dict[str, NDArray[np.floating]],
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    output: Output = "sigmoid",
    epsilon: float = 1e-7,
) -> float:
    """How far ``grads`` are from centered differences of ``compute_cost``.

    Everything is computed in float64, whatever the inputs' dtype. With
    ``theta = dictionary_to_vector(parameters)`` and ``layer_dims`` read from
    the ``W`` shapes, for every index ``i``:
    ``J_plus`` is the cost of ``theta`` with ``theta[i] + epsilon``, ``J_minus``
    the cost with ``theta[i] - epsilon`` (each on a fresh copy of ``theta``:
    one nudge at a time), through ``vector_to_dictionary``, ``L_model_forward``
    and ``compute_cost``; ``gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)``.
    ``grads`` are flattened in the same order (``dW1, db1, ..., dWL, dbL``).

    Use it to check ``L_model_backward``: pass the gradients it returned for the
    same ``parameters``, ``X`` and ``Y``.

    Args:
        parameters: ``{"W1", "b1", ..., "WL", "bL"}``. Not modified.
        grads: ``{"dW1", "db1", ..., "dWL", "dbL"}``, the gradients to check.
        X: shape ``(n_x, m)``. Not modified.
        Y: labels, shape ``(n[L], m)``. Not modified.
        output: the network's output activation, as ``L_model_forward``.
        epsilon: the nudge (> 0).

    Returns:
        ``||grad - gradapprox|| / (||grad|| + ||gradapprox||)`` as a Python float
        (0 when both are 0).

    Raises:
        ValueError: from the contract above the signature, if ``grads`` does
            not hold exactly one ``d``-named gradient per parameter, shaped like
            it, ``X`` or ``Y`` does not fit the network, ``output`` is unknown
            or ``epsilon <= 0``.
    """
    raise NotImplementedError("todo: gradient_check")
