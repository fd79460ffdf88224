"""A computation graph, forward and backward: J = 3(a + b*c) one node at a time."""

from __future__ import annotations

from typing import NamedTuple

from kata.contracts import Real, contract


class GraphValues(NamedTuple):
    """The value of every node of the graph, from the inputs to the output."""

    u: float
    v: float
    J: float


class GraphGradients(NamedTuple):
    """``dvar`` is the derivative of the output ``J`` with respect to the node ``var``."""

    dv: float
    du: float
    da: float
    db: float
    dc: float


@contract(a=Real(), b=Real(), c=Real())
def graph_forward(a: float, b: float, c: float) -> GraphValues:
    """The forward pass of ``J = 3(a + b*c)``, left to right through three nodes.

        u = b * c
        v = a + u
        J = 3 * v

    For ``a = 5, b = 3, c = 2``: ``u = 6``, ``v = 11``, ``J = 33``.

    Args:
        a, b, c: the inputs, finite numbers (the contract hands the body
            Python floats).

    Returns:
        ``GraphValues(u, v, J)``, Python floats.

    Raises:
        ValueError: from the contract above the signature, if an input is not
            a finite number.
    """
    raise NotImplementedError("todo: graph_forward")


@contract(a=Real(), b=Real(), c=Real())
def graph_backward(a: float, b: float, c: float) -> GraphGradients:
    """The backward pass of ``J = 3(a + b*c)``: right to left, by the chain rule.

    Each node multiplies the derivative arriving from its right by its own
    local derivative, reusing what was computed one step before:

        dv = dJ/dv = 3
        du = dv * dv/du = dv * 1        (v = a + u)
        da = dv * dv/da = dv * 1
        db = du * du/db = du * c        (u = b * c)
        dc = du * du/dc = du * b

    So ``dJ/db = 3c`` and ``dJ/dc = 3b``: each factor of a product gets the
    *other* factor. Only ``b`` and ``c`` are needed; ``a`` is in the signature
    because ``J`` depends on it (its derivative happens not to).

    Args:
        a, b, c: the inputs at which to differentiate, finite numbers (the
            contract hands the body Python floats).

    Returns:
        ``GraphGradients(dv, du, da, db, dc)``, Python floats.

    Raises:
        ValueError: from the contract above the signature, if an input is not
            a finite number.
    """
    raise NotImplementedError("todo: graph_backward")
