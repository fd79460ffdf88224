"""5.3 The L-layer network with caches, in column-major notation.

Examples are columns. Layer ``l`` (1 to L) has ``n[l]`` units, ``n[0] = n_x``;
its parameters are ``W[l]`` of shape ``(n[l], n[l-1])`` and ``b[l]`` of shape
``(n[l], 1)``, kept in one dict ``{"W1": ..., "b1": ..., "W2": ...}``. With
``A[0] = X`` of shape ``(n_x, m)``:

    Z[l] = W[l] A[l-1] + b[l]          (n[l], m); b broadcasts over the m columns
    A[l] = g[l](Z[l])                  ReLU for l < L; sigmoid or softmax for l = L

Every forward function returns a cache (what its backward twin needs) and
every backward function consumes one. The backward functions follow the lecture
notes' convention: ``dA[l]`` and ``dZ[l]`` hold one column per example, the
derivative of that example's loss (so ``dZ[L] = A[L] - Y``), and the ``1/m``
of the cost ``J = (1/m) sum_i L(i)`` enters only in ``dW`` and ``db``:

    dZ[l]   = dA[l] * g'(Z[l])         element-wise
    dW[l]   = (1/m) dZ[l] A[l-1]^T     shape of W[l]
    db[l]   = (1/m) sum of dZ[l] over its columns (axis=1, keepdims=True): shape of b[l]
    dA[l-1] = W[l]^T dZ[l]             shape of A[l-1]

so ``dW[l]`` and ``db[l]`` are exactly dJ/dW[l] and dJ/db[l]. Every gradient has
the shape of what it differentiates: that rule finds most bugs before any
number is checked.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

from kata.contracts import Array, Instance, Int, Ints, Layers, OneOf, Real, Rule, contract

from ..chapter1 import sigmoid

Activation = Literal["relu", "sigmoid", "softmax"]
Output = Literal["sigmoid", "softmax"]
LinearCache = tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]
Cache = tuple[LinearCache, NDArray[np.floating]]


@contract(layer_dims=Ints(min_len=2, ge=1), rng=Instance(np.random.Generator))
def initialize_parameters_deep(
    layer_dims: list[int], rng: np.random.Generator, dtype: DTypeLike = np.float32
) -> dict[str, NDArray[np.floating]]:
    """He-initialized parameters of an L-layer network.

    For ``l = 1 .. L`` (``L = len(layer_dims) - 1``)::

        W[l] = rng.standard_normal((n[l], n[l-1])) * sqrt(2 / n[l-1])
        b[l] = zeros((n[l], 1))

    drawn in the order W1, W2, ..., WL (He's scale ``sqrt(2 / n[l-1])``, not
    the lecture notes' 0.01, which stalls a deep ReLU network). ``b[l]`` is a
    column ``(n[l], 1)``, never a rank-1 array ``(n[l],)``.

    Args:
        layer_dims: ``[n[0], n[1], ..., n[L]]``, at least two positive ints
            (``n[0]`` is the number of input features).
        rng: the random generator (the global ``np.random`` is never used).
        dtype: the float dtype of every array (float32 by default).

    Returns:
        ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}``, in that order.

    Raises:
        ValueError: from the contract above the signature, if ``layer_dims``
            is not a list of at least two positive ints.
    """
    parameters = {}
    for layer in range(1, len(layer_dims)):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        parameters[f"W{layer}"] = (rng.standard_normal((n, n_prev)) * np.sqrt(2.0 / n_prev)).astype(dtype)
        parameters[f"b{layer}"] = np.zeros((n, 1), dtype=dtype)
    return parameters


@contract(A=Array("(n_prev, m)"), W=Array("(n, n_prev)"), b=Array("(n, 1)"))
def linear_forward(
    A: NDArray[np.floating], W: NDArray[np.floating], b: NDArray[np.floating]
) -> tuple[NDArray[np.floating], LinearCache]:
    """The linear part of a layer: ``Z = W A + b``.

    ``Z`` is ``(n[l], m)``; ``b`` of shape ``(n[l], 1)`` is added to every
    column. The cache ``(A, W, b)`` is what ``linear_backward`` needs.

    Args:
        A: the previous layer's activations ``A[l-1]``, shape ``(n[l-1], m)``.
        W: shape ``(n[l], n[l-1])``.
        b: shape ``(n[l], 1)``; a rank-1 ``(n[l],)`` is an error.

    No argument is modified.

    Returns:
        ``(Z, (A, W, b))`` with ``Z`` of shape ``(n[l], m)`` and the inputs' float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``A`` or ``W`` is
            not 2-D, ``W.shape[1] != A.shape[0]`` or ``b`` is not ``(W.shape[0], 1)``.
    """
    Z = W @ A + b
    return Z, (A, W, b)


@contract(
    A_prev=Array("(n_prev, m)"),
    W=Array("(n, n_prev)"),
    b=Array("(n, 1)"),
    activation=OneOf("relu", "sigmoid", "softmax"),
)
def linear_activation_forward(
    A_prev: NDArray[np.floating], W: NDArray[np.floating], b: NDArray[np.floating], activation: Activation
) -> tuple[NDArray[np.floating], Cache]:
    """One layer: ``Z = W A_prev + b``, then ``A = g(Z)``.

    ``g`` is, element-wise, ``relu(z) = max(z, 0)`` or ``sigmoid(z)``
    (chapter 1's stable sigmoid), or ``softmax``, which works on each column
    (one example): ``softmax(Z)[k, i] = exp(Z[k, i] - c_i) / sum_j exp(Z[j, i] - c_i)``
    with ``c_i = max_j Z[j, i]`` subtracted so that no exp overflows; each
    column then sums to 1.

    Args:
        A_prev: shape ``(n[l-1], m)``.
        W: shape ``(n[l], n[l-1])``.
        b: shape ``(n[l], 1)``.
        activation: ``"relu"``, ``"sigmoid"`` or ``"softmax"``.

    No argument is modified.

    Returns:
        ``(A, cache)``: ``A`` of shape ``(n[l], m)`` and the inputs' float dtype;
        ``cache = (linear_cache, Z)`` with ``linear_cache = (A_prev, W, b)``
        from ``linear_forward``.

    Raises:
        ValueError: from the contract above the signature, for an unknown
            activation or the shapes ``linear_forward`` refuses.
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    return _activate(Z, activation), (linear_cache, Z)


@contract(parameters=Layers(), X=Array("(n_x, m)"), output=OneOf("sigmoid", "softmax"))
def L_model_forward(
    X: NDArray[np.floating], parameters: dict[str, NDArray[np.floating]], output: Output = "sigmoid"
) -> tuple[NDArray[np.floating], list[Cache]]:
    """The forward pass of the L-layer network: [LINEAR -> RELU] x (L-1) -> LINEAR -> output.

    ``A[0] = X``; layers ``1 .. L-1`` use ReLU and layer ``L`` uses ``output``:
    ``"sigmoid"`` for binary labels (``n[L] = 1``, the lecture notes' network),
    ``"softmax"`` for one-hot classes (``n[L] = k``, e.g. the 10 digits of
    MNIST). ``L = len(parameters) // 2``.

    Args:
        X: shape ``(n_x, m)``, one example per column, in the parameters' float dtype.
            Not modified.
        parameters: ``{"W1", "b1", ..., "WL", "bL"}`` as ``initialize_parameters_deep``
            (exactly these keys; ``W1`` is ``(n[1], n_x)``). Not modified.
        output: the last layer's activation, ``"sigmoid"`` or ``"softmax"``.

    Returns:
        ``(AL, caches)``: ``AL`` of shape ``(n[L], m)`` and ``X``'s float dtype;
        ``caches`` a list of the L caches of ``linear_activation_forward``,
        ``caches[l - 1]`` for layer ``l``.

    Raises:
        ValueError: from the contract above the signature, for an unknown
            output, a parameter shape that does not fit the layer before it, or
            ``X`` without ``n_x`` rows.
    """
    L = len(parameters) // 2
    caches = []
    A = X
    for layer in range(1, L + 1):
        activation: Activation = "relu" if layer < L else output
        A, cache = linear_activation_forward(A, parameters[f"W{layer}"], parameters[f"b{layer}"], activation)
        caches.append(cache)
    return A, caches


@contract(AL=Array("(n_y, m)"), Y=Array("(n_y, m)"), output=OneOf("sigmoid", "softmax"))
def compute_cost(AL: NDArray[np.floating], Y: NDArray[np.floating], output: Output = "sigmoid") -> float:
    """The cross-entropy cost ``J``, averaged over the ``m`` examples (columns).

    ``"sigmoid"``: ``J = -(1/m) sum(Y * log(AL) + (1 - Y) * log(1 - AL))``
    (binary cross-entropy; the sum runs over every entry, so a single output
    row gives the lecture notes' formula). ``"softmax"``:
    ``J = -(1/m) sum(Y * log(AL))`` with one-hot columns ``Y``. ``AL`` is
    clipped to ``[eps, 1 - eps]`` with ``eps = np.finfo(AL.dtype).eps`` first,
    so a saturated prediction of exactly 0 or 1 costs a large finite amount,
    never ``inf`` or ``nan``.

    Args:
        AL: predictions, shape ``(n[L], m)``, in [0, 1].
        Y: labels of the same shape: 0/1 for ``"sigmoid"``, one-hot columns for
            ``"softmax"``. A rank-1 ``(m,)`` against ``(1, m)`` is an error.
        output: which cost, matching the network's output layer.

    Neither ``AL`` nor ``Y`` is modified.

    Returns:
        ``J`` as a Python float.

    Raises:
        ValueError: from the contract above the signature, if ``AL`` and ``Y``
            differ in shape, are not 2-D, or ``output`` is unknown.
    """
    m = AL.shape[1]
    eps = np.finfo(AL.dtype).eps
    AL = np.clip(AL, eps, 1 - eps)  # a new array: the caller's AL is untouched
    log_likelihood = Y * np.log(AL) + (1 - Y) * np.log1p(-AL) if output == "sigmoid" else Y * np.log(AL)
    return -float(np.sum(log_likelihood)) / m


@contract(
    Rule(
        "len(cache) == 3 and dZ.shape == (cache[1].shape[0], cache[0].shape[1])",
        "dZ must have shape (n[l], m): W's rows and A_prev's columns, with (A_prev, W, b) = cache",
    ),
    dZ=Array("(n, m)"),
)
def linear_backward(
    dZ: NDArray[np.floating], cache: LinearCache
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """The linear part of a layer's backward pass.

    With ``(A_prev, W, b) = cache`` and ``m = A_prev.shape[1]``::

        dW      = (1/m) dZ A_prev^T                          (n[l], n[l-1])
        db      = (1/m) sum of dZ over its columns (examples)  (n[l], 1)
        dA_prev = W^T dZ                                     (n[l-1], m)

    ``dA_prev`` has no ``1/m``: like ``dZ`` it is per example (see the module
    docstring).

    Args:
        dZ: shape ``(n[l], m)``.
        cache: ``(A_prev, W, b)`` from ``linear_forward``, in that order.

    Returns:
        ``(dA_prev, dW, db)``, shaped like ``A_prev``, ``W`` and ``b``, in ``dZ``'s float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``dZ`` is not
            ``(W.shape[0], A_prev.shape[1])`` or ``cache`` does not hold three items.
    """
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


@contract(
    Rule(
        "len(cache) == 2 and dA.shape == cache[1].shape", "dA must have the shape of Z, with (linear_cache, Z) = cache"
    ),
    dA=Array("(n, m)"),
    activation=OneOf("relu", "sigmoid", "softmax"),
)
def linear_activation_backward(
    dA: NDArray[np.floating], cache: Cache, activation: Activation
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """One layer's backward pass: ``dZ = dA * g'(Z)``, then ``linear_backward``.

    With ``(linear_cache, Z) = cache``:

    * ``"relu"``: ``dZ = dA * (Z > 0)``;
    * ``"sigmoid"``: ``s = sigmoid(Z)``, ``dZ = dA * s * (1 - s)`` (once: the
      derivative belongs to this layer only);
    * ``"softmax"``: each column mixes all its units, so the derivative is a
      matrix per example; its product with ``dA`` is, with ``S = softmax(Z)``,
      ``dZ = S * (dA - sum(S * dA, axis=0, keepdims=True))``.

    Args:
        dA: the gradient for this layer's output ``A``, shape ``(n[l], m)``.
        cache: ``(linear_cache, Z)`` from ``linear_activation_forward``.
        activation: the activation the forward pass used.

    Returns:
        ``(dA_prev, dW, db)`` as ``linear_backward``.

    Raises:
        ValueError: from the contract above the signature, for an unknown
            activation, or if ``dA`` is not 2-D and shaped like ``Z``.
    """
    linear_cache, Z = cache
    if activation == "relu":
        dZ = dA * (Z > 0)
    elif activation == "sigmoid":
        s = sigmoid(Z)
        dZ = dA * s * (1 - s)
    else:
        S = _activate(Z, "softmax")
        dZ = S * (dA - np.sum(S * dA, axis=0, keepdims=True))
    return linear_backward(dZ, linear_cache)


@contract(AL=Array("(n_y, m)"), Y=Array("(n_y, m)"), output=OneOf("sigmoid", "softmax"))
def L_model_backward(
    AL: NDArray[np.floating], Y: NDArray[np.floating], caches: list[Cache], output: Output = "sigmoid"
) -> dict[str, NDArray[np.floating]]:
    """The backward pass of the L-layer network: the gradients of ``compute_cost``.

    Start at the output: for both sigmoid with binary cross-entropy and softmax
    with cross-entropy, ``dZ[L] = AL - Y`` (the output activation's derivative
    is already in it). Then ``linear_backward`` with ``caches[L - 1]``'s linear
    cache gives ``dW[L], db[L]`` and ``dA[L-1]``, and for ``l = L-1`` down to 1,
    ``linear_activation_backward(dA[l], caches[l - 1], "relu")``: the caches are
    used in reverse order, each with its own layer.

    Args:
        AL: the output of ``L_model_forward``, shape ``(n[L], m)``.
        Y: labels of the same shape and float dtype (0/1 or one-hot columns).
        caches: the caches of ``L_model_forward``. Not modified; the parameters
            they hold are not updated here.
        output: the output activation the forward pass used.

    Returns:
        ``{"dW1": ..., "db1": ..., ..., "dWL": ..., "dbL": ...}``, each shaped
        like its parameter, in ``AL``'s float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``AL`` is not
            2-D, ``Y`` is not shaped like it, or ``output`` is unknown.
    """
    L = len(caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, caches[L - 1][0])
    for layer in range(L - 1, 0, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = linear_activation_backward(dA, caches[layer - 1], "relu")
    return grads


@contract(parameters=Layers(), grads=Layers(prefix="d"), learning_rate=Real())
def update_parameters(
    parameters: dict[str, NDArray[np.floating]], grads: dict[str, NDArray[np.floating]], learning_rate: float
) -> dict[str, NDArray[np.floating]]:
    """One gradient-descent step: ``W[l] - learning_rate * dW[l]``, ``b[l] - learning_rate * db[l]``.

    Returns new arrays in a new dict; the caller's ``parameters`` (and the
    arrays the forward pass's caches hold) are not changed.

    Args:
        parameters: ``{"W1", "b1", ..., "WL", "bL"}``. Not modified.
        grads: ``{"dW1", "db1", ..., "dWL", "dbL"}``, each shaped like its
            parameter and in its float dtype.
        learning_rate: the step size ``alpha``, a number.

    Returns:
        The updated parameters, same keys, shapes and float dtype.

    Raises:
        ValueError: from the contract above the signature, if ``parameters``
            or ``grads`` lacks a key or a gradient's shape differs from its
            parameter's.
    """
    # W - lr * dW makes new arrays; W -= lr * dW would also change the arrays the caches hold.
    return {name: value - learning_rate * grads[f"d{name}"] for name, value in parameters.items()}


@contract(
    Rule("output == 'softmax' or n_y == 1", "a sigmoid output predicts one label per column: n[L] must be 1"),
    parameters=Layers(),
    X=Array("(n_x, m)"),
    output=OneOf("sigmoid", "softmax"),
)
def predict(
    X: NDArray[np.floating], parameters: dict[str, NDArray[np.floating]], output: Output = "sigmoid"
) -> NDArray[np.int64]:
    """The L-layer network's predicted labels.

    ``AL`` from ``L_model_forward``; ``"sigmoid"``: 1 where ``AL > 0.5``, else 0;
    ``"softmax"``: the class with the largest probability in each column,
    ``argmax`` over axis 0. (Named ``predict`` as in the lecture notes; the
    logistic-regression and shallow-network versions are ``predict_logistic``
    and ``predict_shallow``, since one chapter cannot hold three ``predict``.)

    Args:
        X: shape ``(n_x, m)``.
        parameters: as ``L_model_forward``.
        output: the output activation (``n[L]`` must be 1 for ``"sigmoid"``).

    Returns:
        int64 labels of shape ``(1, m)``.

    Raises:
        ValueError: from the contract above the signature, as ``L_model_forward``,
            or for a ``"sigmoid"`` output with ``n[L] != 1``.
    """
    AL, _ = L_model_forward(X, parameters, output)
    if output == "sigmoid":
        return (AL > 0.5).astype(np.int64)
    return np.argmax(AL, axis=0, keepdims=True).astype(np.int64)


@contract(
    Rule("n_x == layer_dims[0]", "X must have layer_dims[0] rows, one per input feature"),
    Rule("n_y == layer_dims[-1]", "Y must have layer_dims[-1] rows, one per output unit"),
    X=Array("(n_x, m)"),
    Y=Array("(n_y, m)"),
    layer_dims=Ints(min_len=2, ge=1),
    rng=Instance(np.random.Generator),
    learning_rate=Real(),
    num_epochs=Int(ge=1),
    batch_size=Int(ge=1, optional=True),
    output=OneOf("sigmoid", "softmax"),
)
def L_layer_model(
    X: NDArray[np.floating],
    Y: NDArray[np.floating],
    layer_dims: list[int],
    rng: np.random.Generator,
    learning_rate: float = 0.0075,
    num_epochs: int = 3000,
    batch_size: int | None = None,
    output: Output = "sigmoid",
) -> tuple[dict[str, NDArray[np.floating]], list[float]]:
    """Train the L-layer network with (mini-batch) gradient descent.

    ``parameters = initialize_parameters_deep(layer_dims, rng, X.dtype)`` first;
    then, every epoch, for each batch of columns: ``L_model_forward``,
    ``compute_cost``, ``L_model_backward`` and only then ``update_parameters``
    (every gradient of a step is taken at the parameters before it).

    ``batch_size=None`` is the lecture notes' full-batch gradient descent: one
    step per epoch on all ``m`` columns, in order, without shuffling. With a
    ``batch_size``, each epoch shuffles the columns with ``rng.permutation(m)``
    and steps through consecutive batches of ``batch_size`` columns; the last
    one holds the ``m % batch_size`` left over when that is not 0.

    Args:
        X: shape ``(n_x, m)`` with ``n_x == layer_dims[0]``. Not modified.
        Y: shape ``(layer_dims[-1], m)``: 0/1 labels or one-hot columns, in
            ``X``'s float dtype. Not modified.
        layer_dims: ``[n_x, n[1], ..., n[L]]``, at least two positive ints.
        rng: the random generator for the initialization and the shuffling.
        learning_rate: the step size, a number.
        num_epochs: passes over the data (>= 1).
        batch_size: columns per step (>= 1), or None for full batch.
        output: ``"sigmoid"`` or ``"softmax"``.

    Returns:
        ``(parameters, costs)``: the trained parameters (``X``'s float dtype) and
        one cost per epoch: the average of the epoch's batch costs, each
        weighted by its number of columns and computed before that batch's
        update (with full batch, the cost before each step).

    Raises:
        ValueError: from the contract above the signature, if the shapes of
            ``X``, ``Y`` and ``layer_dims`` disagree, ``num_epochs < 1``,
            ``batch_size < 1`` or ``output`` is unknown.
    """
    parameters = initialize_parameters_deep(layer_dims, rng, X.dtype)
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        order = None if batch_size is None else rng.permutation(m)
        size = batch_size or m
        total = 0.0
        for start in range(0, m, size):
            columns = slice(start, start + size) if order is None else order[start : start + size]
            X_batch, Y_batch = X[:, columns], Y[:, columns]
            AL, caches = L_model_forward(X_batch, parameters, output)
            total += compute_cost(AL, Y_batch, output) * X_batch.shape[1]
            grads = L_model_backward(AL, Y_batch, caches, output)
            parameters = update_parameters(parameters, grads, learning_rate)
        costs.append(total / m)
    return parameters, costs


def _activate(Z: NDArray[np.floating], activation: Activation) -> NDArray[np.floating]:
    if activation == "relu":
        return np.maximum(Z, 0)
    if activation == "sigmoid":
        return sigmoid(Z)
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)
