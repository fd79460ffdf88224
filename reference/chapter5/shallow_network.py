"""5.2 A shallow network: one tanh hidden layer on a non-linear 2-D data set.

Examples are columns. With ``n_x`` inputs, ``n_h`` hidden units and ``n_y``
outputs, ``W1`` is ``(n_h, n_x)``, ``b1`` is ``(n_h, 1)``, ``W2`` is
``(n_y, n_h)`` and ``b2`` is ``(n_y, 1)``:

    Z1 = W1 X + b1,   A1 = tanh(Z1)             (n_h, m)
    Z2 = W2 A1 + b2,  A2 = sigmoid(Z2)          (n_y, m)

and the gradients of the binary cross-entropy ``J`` (averaged over the m columns):

    dZ2 = A2 - Y
    dW2 = (1/m) dZ2 A1^T,   db2 = (1/m) sum of dZ2 over its columns    (n_y, 1)
    dZ1 = (W2^T dZ2) * (1 - A1^2)               tanh'(Z1) = 1 - tanh(Z1)^2
    dW1 = (1/m) dZ1 X^T,    db1 = (1/m) sum of dZ1 over its columns    (n_h, 1)

Logistic regression draws one straight line; two concentric circles need a
curve, which the hidden layer provides.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from kata.contracts import Array, Instance, Int, Params, Real, contract

from ..chapter1 import sigmoid


@contract(m=Int(ge=2), rng=Instance(np.random.Generator), noise=Real(ge=0))
def make_circles(
    m: int, rng: np.random.Generator, noise: float = 0.1
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Two noisy concentric circles in the plane, examples as columns.

    The first ``m - m // 2`` examples lie on the outer circle (radius 1,
    label 0), the last ``m // 2`` on the inner circle (radius 0.5, label 1).
    Draw the ``m`` angles with ``rng.uniform(0, 2 * pi, size=m)``, place
    point ``i`` at ``radius_i * (cos(angle_i), sin(angle_i))``, then add
    ``rng.normal(0, noise, size=(2, m))`` to the coordinates. No line separates
    the two classes; a circle does.

    Args:
        m: the number of examples (>= 2).
        rng: the random generator (same seed, same data set).
        noise: the standard deviation of the Gaussian noise (>= 0).

    Returns:
        ``(X, Y)``: float32 ``X`` of shape ``(2, m)`` and float32 0/1 labels ``Y``
        of shape ``(1, m)``.

    Raises:
        ValueError: from the contract above the signature, if ``m < 2`` or
            ``noise < 0``.
    """
    labels = np.zeros(m)
    labels[m - m // 2 :] = 1.0
    radius = np.where(labels == 1.0, 0.5, 1.0)
    angle = rng.uniform(0, 2 * np.pi, size=m)
    X = radius * np.stack([np.cos(angle), np.sin(angle)]) + rng.normal(0, noise, size=(2, m))
    return X.astype(np.float32), labels.reshape(1, m).astype(np.float32)


@contract(n_x=Int(ge=1), n_h=Int(ge=1), n_y=Int(ge=1), rng=Instance(np.random.Generator))
def initialize_parameters(
    n_x: int, n_h: int, n_y: int, rng: np.random.Generator, dtype: DTypeLike = np.float32
) -> dict[str, NDArray[np.floating]]:
    """Small random weights and zero biases for the shallow network.

    ``W1 = 0.01 * rng.standard_normal((n_h, n_x))``, then
    ``W2 = 0.01 * rng.standard_normal((n_y, n_h))``; ``b1`` and ``b2`` are
    zero columns ``(n_h, 1)`` and ``(n_y, 1)`` (never rank-1 ``(n,)`` arrays).

    Args:
        n_x, n_h, n_y: the sizes of the input, hidden and output layers (>= 1).
        rng: the random generator.
        dtype: the float dtype of every array.

    Returns:
        ``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``.

    Raises:
        ValueError: from the contract above the signature, if a size is not a
            positive int.
    """
    W1 = 0.01 * rng.standard_normal((n_h, n_x))
    W2 = 0.01 * rng.standard_normal((n_y, n_h))
    return {
        "W1": W1.astype(dtype),
        "b1": np.zeros((n_h, 1), dtype=dtype),
        "W2": W2.astype(dtype),
        "b2": np.zeros((n_y, 1), dtype=dtype),
    }


@contract(
    parameters=Params(W1="(n_h, n_x)", b1="(n_h, 1)", W2="(n_y, n_h)", b2="(n_y, 1)"),
    X=Array("(n_x, m)"),
)
def forward_propagation(
    X: NDArray[np.floating], parameters: dict[str, NDArray[np.floating]]
) -> tuple[NDArray[np.floating], dict[str, NDArray[np.floating]]]:
    """The shallow network's forward pass: tanh hidden layer, sigmoid output.

    ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``, ``Z2 = W2 A1 + b2``,
    ``A2 = sigmoid(Z2)`` (chapter 1's sigmoid).

    Args:
        X: shape ``(n_x, m)``, in the parameters' float dtype. Not modified.
        parameters: ``{"W1", "b1", "W2", "b2"}`` as ``initialize_parameters``:
            ``W1`` ``(n_h, n_x)``, ``b1`` ``(n_h, 1)``, ``W2`` ``(n_y, n_h)``,
            ``b2`` ``(n_y, 1)``. Not modified.

    Returns:
        ``(A2, cache)``: ``A2`` of shape ``(n_y, m)`` and the inputs' float dtype;
        ``cache = {"Z1": ..., "A1": ..., "Z2": ..., "A2": ...}`` for the backward pass.

    Raises:
        ValueError: from the contract above the signature, if ``X`` is not 2-D
            with ``W1.shape[1]`` rows, or a parameter is missing or has a shape
            other than the ones above.
    """
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@contract(
    parameters=Params(W1="(n_h, n_x)", b1="(n_h, 1)", W2="(n_y, n_h)", b2="(n_y, 1)"),
    X=Array("(n_x, m)"),
    cache=Params(A1="(n_h, m)", A2="(n_y, m)"),
    Y=Array("(n_y, m)"),
)
def backward_propagation(
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    parameters: dict[str, NDArray[np.floating]],
    cache: dict[str, NDArray[np.floating]],
) -> dict[str, NDArray[np.floating]]:
    """The gradients of the binary cross-entropy cost with respect to every parameter.

    See the module docstring: ``dZ2 = A2 - Y`` (the sigmoid's derivative
    included, once), then ``dW2``, ``db2``, ``dZ1 = (W2^T dZ2) * (1 - A1**2)``,
    ``dW1``, ``db1``, each weight and bias gradient averaged over the ``m``
    columns (the examples).

    Args:
        X: shape ``(n_x, m)``. Not modified.
        Y: 0/1 labels, shape ``(n_y, m)``, in ``X``'s float dtype. Not modified.
        parameters: the parameters the forward pass used (shapes as in
            ``forward_propagation``).
        cache: ``forward_propagation``'s cache; only ``A1`` ``(n_h, m)`` and
            ``A2`` ``(n_y, m)`` are used (and needed).

    Returns:
        ``{"dW1": ..., "db1": ..., "dW2": ..., "db2": ...}``, each shaped like its
        parameter, in the inputs' float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``X`` does not
            fit ``W1``, ``cache`` lacks ``A1`` or ``A2`` or holds other shapes,
            or ``Y`` is not shaped like ``cache["A2"]``.
    """
    A1, A2 = cache["A1"], cache["A2"]
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = (dZ2 @ A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1**2)
    dW1 = (dZ1 @ X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


@contract(
    X=Array("(n_x, m)"),
    Y=Array("(n_y, m)"),
    n_h=Int(ge=1),
    rng=Instance(np.random.Generator),
    num_iterations=Int(ge=1),
    learning_rate=Real(),
)
def nn_model(
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    n_h: int,
    rng: np.random.Generator,
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
) -> dict[str, NDArray[np.floating]]:
    """Train the shallow network with full-batch gradient descent.

    ``parameters = initialize_parameters(n_x, n_h, n_y, rng, X.dtype)`` with
    ``n_x, n_y`` read from ``X`` and ``Y``; then ``num_iterations`` times:
    forward, backward, and ``P = P - learning_rate * dP`` for each parameter
    (new arrays; a step uses the gradients of the parameters before it).

    Args:
        X: shape ``(n_x, m)``. Not modified.
        Y: 0/1 labels, shape ``(n_y, m)``, in ``X``'s float dtype. Not modified.
        n_h: the number of hidden units (>= 1).
        rng: the random generator for the initialization.
        num_iterations: the number of gradient-descent steps (>= 1).
        learning_rate: the step size, a number.

    Returns:
        The trained ``{"W1", "b1", "W2", "b2"}`` in ``X``'s float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``X`` or ``Y``
            is not 2-D, they have different numbers of columns, ``n_h < 1`` or
            ``num_iterations < 1``.
    """
    parameters: dict[str, NDArray[np.floating]] = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng, X.dtype)
    for _ in range(num_iterations):
        _, cache = forward_propagation(X, parameters)
        grads = backward_propagation(X, Y, parameters, cache)
        parameters = {name: value - learning_rate * grads[f"d{name}"] for name, value in parameters.items()}
    return parameters


@contract(
    parameters=Params(W1="(n_h, n_x)", b1="(n_h, 1)", W2="(n_y, n_h)", b2="(n_y, 1)"),
    X=Array("(n_x, m)"),
)
def predict_shallow(X: NDArray[np.floating], parameters: dict[str, NDArray[np.floating]]) -> NDArray[np.int64]:
    """The shallow network's labels: 1 where ``A2 > 0.5``, else 0.

    (The lecture notes call it ``predict``; this chapter's ``predict`` is the
    L-layer network's, in 5.3.)

    Args:
        X: shape ``(n_x, m)``. Not modified.
        parameters: ``{"W1", "b1", "W2", "b2"}``, shaped as in ``forward_propagation``.

    Returns:
        int64 labels of shape ``(n_y, m)``.

    Raises:
        ValueError: from the contract above the signature, as ``forward_propagation``.
    """
    A2, _ = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(np.int64)
