"""Plausible wrong chapter-5 solutions; every one must fail some test of its kata."""

import numpy as np

from kata.mutants import mutant
from reference.chapter1 import sigmoid
from reference.chapter5 import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_backward,
    linear_forward,
    update_parameters,
    vector_to_dictionary,
)


def _logistic_cost(A, Y):
    eps = np.finfo(A.dtype).eps
    A = np.clip(A, eps, 1 - eps)
    return -float(np.sum(Y * np.log(A) + (1 - Y) * np.log1p(-A))) / A.shape[1]


def _softmax(Z):
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)


# --- 5.1 propagate, propagate_loop, optimize, predict_logistic ---------------------------


@mutant("chapter5.propagate")
def propagate_missing_one_over_m(w, b, X, Y):
    """dw = X dZ^T without the 1/m: the gradient of the summed, not the averaged, cost."""
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    return {"dw": X @ dZ.T, "db": float(np.sum(dZ)) / X.shape[1]}, _logistic_cost(A, Y)


@mutant("chapter5.propagate")
def propagate_rank_1_dw(w, b, X, Y):
    """Returns dw as a rank-1 (n_x,) array instead of the column (n_x, 1) of w."""
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    return {"dw": X @ dZ[0] / X.shape[1], "db": float(np.sum(dZ)) / X.shape[1]}, _logistic_cost(A, Y)


@mutant("chapter5.propagate")
def propagate_unclipped_logs(w, b, X, Y):
    """Takes log(A) and log(1 - A) unclipped: a saturated prediction costs inf (and warns)."""
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    cost = -float(np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    return {"dw": X @ dZ.T / X.shape[1], "db": float(np.sum(dZ)) / X.shape[1]}, cost


@mutant("chapter5.propagate_loop")
def vectorized_in_disguise(w, b, X, Y):
    """Computes the vectorized formulas: the kata's loops, and the speed lesson, are gone."""
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    return {"dw": X @ dZ.T / X.shape[1], "db": float(np.sum(dZ)) / X.shape[1]}, _logistic_cost(A, Y)


@mutant("chapter5.propagate_loop")
def loop_forgets_the_bias(w, b, X, Y):
    """Starts each z at 0 instead of b."""
    n_x, m = X.shape
    dw, db, cost = np.zeros((n_x, 1), dtype=X.dtype), 0.0, 0.0
    for i in range(m):
        z = 0.0
        for j in range(n_x):
            z += float(w[j, 0]) * float(X[j, i])
        a = float(sigmoid(np.asarray(z)))
        y = float(Y[0, i])
        cost -= y * np.log(a) + (1 - y) * np.log(1 - a)
        for j in range(n_x):
            dw[j, 0] += X[j, i] * (a - y)
        db += a - y
    return {"dw": dw / m, "db": db / m}, float(cost) / m


@mutant("chapter5.optimize")
def optimize_climbs_the_gradient(w, b, X, Y, num_iterations=100, learning_rate=0.009):
    """w + learning_rate * dw: gradient ascent."""
    from reference.chapter5 import propagate

    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w, b = w + learning_rate * grads["dw"], b + learning_rate * grads["db"]
        costs.append(cost)
    return {"w": w, "b": b}, grads, costs


@mutant("chapter5.optimize")
def optimize_updates_the_callers_w(w, b, X, Y, num_iterations=100, learning_rate=0.009):
    """w -= learning_rate * dw changes the caller's array in place."""
    from reference.chapter5 import propagate

    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w -= learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        costs.append(cost)
    return {"w": w, "b": b}, grads, costs


@mutant("chapter5.optimize")
def optimize_records_the_cost_after_the_step(w, b, X, Y, num_iterations=100, learning_rate=0.009):
    """Records each cost after its update: the history is shifted by one step."""
    from reference.chapter5 import propagate

    costs = []
    for _ in range(num_iterations):
        grads, _ = propagate(w, b, X, Y)
        w, b = w - learning_rate * grads["dw"], b - learning_rate * grads["db"]
        costs.append(propagate(w, b, X, Y)[1])
    return {"w": w, "b": b}, grads, costs


@mutant("chapter5.predict_logistic")
def predict_logistic_threshold_inclusive(w, b, X):
    """1 where the probability is >= 0.5: z = 0 becomes 1."""
    return (sigmoid(w.T @ X + b) >= 0.5).astype(np.int64)


@mutant("chapter5.predict_logistic")
def predict_logistic_float_labels(w, b, X):
    """Returns float labels instead of int64."""
    return (sigmoid(w.T @ X + b) > 0.5).astype(X.dtype)


# --- 5.2 the shallow network -------------------------------------------------------------


def _circles(m, rng, noise, uniform, normal, inner_label=1.0):
    labels = np.full(m, 1.0 - inner_label)
    labels[m - m // 2 :] = inner_label
    radius = np.where(np.arange(m) >= m - m // 2, 0.5, 1.0)
    angle = uniform(0, 2 * np.pi, size=m)
    X = radius * np.stack([np.cos(angle), np.sin(angle)]) + normal(0, noise, size=(2, m))
    return X.astype(np.float32), labels.reshape(1, m).astype(np.float32)


@mutant("chapter5.make_circles")
def circles_from_the_global_random_state(m, rng, noise=0.1):
    """Draws from np.random instead of rng: the data set is not reproducible."""
    return _circles(m, rng, noise, np.random.uniform, np.random.normal)


@mutant("chapter5.make_circles")
def circles_with_swapped_labels(m, rng, noise=0.1):
    """Labels the inner circle 0 and the outer circle 1."""
    return _circles(m, rng, noise, rng.uniform, rng.normal, inner_label=0.0)


@mutant("chapter5.make_circles")
def circles_with_noise_as_variance(m, rng, noise=0.1):
    """Uses noise as the variance: the standard deviation becomes noise**2."""
    return _circles(m, rng, noise**2, rng.uniform, rng.normal)


@mutant("chapter5.initialize_parameters")
def zero_weights(n_x, n_h, n_y, rng, dtype=np.float32):
    """All-zero weights: every hidden unit stays identical forever."""
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    return {name: np.zeros(shape, dtype=dtype) for name, shape in shapes.items()}


@mutant("chapter5.initialize_parameters")
def rank_1_shallow_biases(n_x, n_h, n_y, rng, dtype=np.float32):
    """Biases as rank-1 (n,) arrays instead of columns (n, 1)."""
    W1, W2 = 0.01 * rng.standard_normal((n_h, n_x)), 0.01 * rng.standard_normal((n_y, n_h))
    return {"W1": W1.astype(dtype), "b1": np.zeros(n_h, dtype), "W2": W2.astype(dtype), "b2": np.zeros(n_y, dtype)}


@mutant("chapter5.initialize_parameters")
def unscaled_shallow_weights(n_x, n_h, n_y, rng, dtype=np.float32):
    """Standard normal weights without the 0.01: tanh saturates."""
    W1, W2 = rng.standard_normal((n_h, n_x)), rng.standard_normal((n_y, n_h))
    return {
        "W1": W1.astype(dtype),
        "b1": np.zeros((n_h, 1), dtype),
        "W2": W2.astype(dtype),
        "b2": np.zeros((n_y, 1), dtype),
    }


@mutant("chapter5.forward_propagation")
def relu_hidden_layer(X, parameters):
    """ReLU in the hidden layer instead of tanh."""
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@mutant("chapter5.forward_propagation")
def caches_activations_as_Z(X, parameters):
    """Stores A1 under "Z1" in the cache."""
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": A1, "A1": A1, "Z2": Z2, "A2": A2}


def _shallow_backward(X, Y, parameters, cache, *, dZ2_factor=False, scale=True, axis=1, keepdims=True, from_Z=False):
    A1, A2 = cache["A1"], cache["A2"]
    m = X.shape[1] if scale else 1
    dZ2 = A2 - Y
    if dZ2_factor:
        dZ2 = dZ2 * A2 * (1 - A2)
    tanh_derivative = 1 - cache["Z1"] ** 2 if from_Z else 1 - A1**2
    dZ1 = (parameters["W2"].T @ dZ2) * tanh_derivative
    return {
        "dW1": dZ1 @ X.T / m,
        "db1": np.sum(dZ1, axis=axis, keepdims=keepdims) / m,
        "dW2": dZ2 @ A1.T / m,
        "db2": np.sum(dZ2, axis=axis, keepdims=keepdims) / m,
    }


@mutant("chapter5.backward_propagation")
def shallow_sigmoid_derivative_applied_twice(X, Y, parameters, cache):
    """dZ2 = (A2 - Y) * A2 * (1 - A2): A2 - Y already holds the sigmoid's derivative."""
    return _shallow_backward(X, Y, parameters, cache, dZ2_factor=True)


@mutant("chapter5.backward_propagation")
def shallow_missing_one_over_m(X, Y, parameters, cache):
    """Weight and bias gradients summed over the examples, not averaged."""
    return _shallow_backward(X, Y, parameters, cache, scale=False)


@mutant("chapter5.backward_propagation")
def shallow_db_over_the_wrong_axis(X, Y, parameters, cache):
    """Bias gradients summed over axis 0 (the units) instead of axis 1 (the examples)."""
    return _shallow_backward(X, Y, parameters, cache, axis=0)


@mutant("chapter5.backward_propagation")
def shallow_rank_1_bias_gradients(X, Y, parameters, cache):
    """np.sum without keepdims: bias gradients of shape (n,) instead of (n, 1)."""
    return _shallow_backward(X, Y, parameters, cache, keepdims=False)


@mutant("chapter5.backward_propagation")
def tanh_derivative_of_Z(X, Y, parameters, cache):
    """1 - Z1**2 instead of 1 - A1**2 = 1 - tanh(Z1)**2."""
    return _shallow_backward(X, Y, parameters, cache, from_Z=True)


@mutant("chapter5.nn_model")
def updates_W2_before_the_backward_pass_finishes(X, Y, n_h, rng, num_iterations=10000, learning_rate=1.2):
    """Updates W2 as soon as dW2 is known, then backpropagates into layer 1 through the new W2."""
    p = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng, X.dtype)
    m = X.shape[1]
    for _ in range(num_iterations):
        _, cache = forward_propagation(X, p)
        dZ2 = cache["A2"] - Y
        p["W2"] = p["W2"] - learning_rate * (dZ2 @ cache["A1"].T / m)
        p["b2"] = p["b2"] - learning_rate * np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (p["W2"].T @ dZ2) * (1 - cache["A1"] ** 2)
        p["W1"] = p["W1"] - learning_rate * (dZ1 @ X.T / m)
        p["b1"] = p["b1"] - learning_rate * np.sum(dZ1, axis=1, keepdims=True) / m
    return p


@mutant("chapter5.nn_model")
def nn_model_climbs_the_gradient(X, Y, n_h, rng, num_iterations=10000, learning_rate=1.2):
    """P + learning_rate * dP: gradient ascent."""
    from reference.chapter5 import backward_propagation

    p = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng, X.dtype)
    for _ in range(num_iterations):
        _, cache = forward_propagation(X, p)
        grads = backward_propagation(X, Y, p, cache)
        p = {name: value + learning_rate * grads[f"d{name}"] for name, value in p.items()}
    return p


@mutant("chapter5.predict_shallow")
def predict_shallow_threshold_inclusive(X, parameters):
    """1 where A2 >= 0.5: an undecided example becomes 1."""
    A2, _ = forward_propagation(X, parameters)
    return (A2 >= 0.5).astype(np.int64)


@mutant("chapter5.predict_shallow")
def predict_shallow_boolean_labels(X, parameters):
    """Returns booleans instead of int64 labels."""
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5


# --- 5.3 the L-layer network -------------------------------------------------------------


def _deep_init(layer_dims, rng, dtype, scale, bias_shape=lambda n: (n, 1)):
    p = {}
    for layer in range(1, len(layer_dims)):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        p[f"W{layer}"] = (rng.standard_normal((n, n_prev)) * scale(n_prev)).astype(dtype)
        p[f"b{layer}"] = np.zeros(bias_shape(n), dtype=dtype)
    return p


@mutant("chapter5.initialize_parameters_deep")
def deep_rank_1_biases(layer_dims, rng, dtype=np.float32):
    """Biases as rank-1 (n[l],) arrays instead of columns (n[l], 1)."""
    return _deep_init(layer_dims, rng, dtype, lambda n_prev: np.sqrt(2 / n_prev), bias_shape=lambda n: (n,))


@mutant("chapter5.initialize_parameters_deep")
def lecture_notes_scale(layer_dims, rng, dtype=np.float32):
    """Weights scaled by 0.01, as in the lecture notes: a deep ReLU network stalls."""
    return _deep_init(layer_dims, rng, dtype, lambda n_prev: 0.01)


@mutant("chapter5.initialize_parameters_deep")
def xavier_scale(layer_dims, rng, dtype=np.float32):
    """sqrt(1 / n[l-1]) (Xavier) instead of He's sqrt(2 / n[l-1])."""
    return _deep_init(layer_dims, rng, dtype, lambda n_prev: np.sqrt(1 / n_prev))


@mutant("chapter5.initialize_parameters_deep")
def transposed_weights(layer_dims, rng, dtype=np.float32):
    """W[l] of shape (n[l-1], n[l]): the row-major layout of chapters 3-4."""
    p = _deep_init(layer_dims, rng, dtype, lambda n_prev: np.sqrt(2 / n_prev))
    return {name: value.T if name.startswith("W") else value for name, value in p.items()}


@mutant("chapter5.linear_forward")
def linear_cache_in_the_wrong_order(A, W, b):
    """Caches (W, A, b) instead of (A, W, b)."""
    Z, _ = linear_forward(A, W, b)
    return Z, (W, A, b)


@mutant("chapter5.linear_forward")
def transposed_product(A, W, b):
    """Z = (A^T W^T)^T + b computed as A^T @ W^T + b^T, returned row-major."""
    return A.T @ W.T + b.T, (A, W, b)


def _activation_forward(A_prev, W, b, activation, apply):
    Z, linear_cache = linear_forward(A_prev, W, b)
    return apply(Z, activation), (linear_cache, Z)


def _apply(Z, activation):
    if activation == "relu":
        return np.maximum(Z, 0)
    if activation == "sigmoid":
        return sigmoid(Z)
    return _softmax(Z)


@mutant("chapter5.linear_activation_forward")
def softmax_over_rows(A_prev, W, b, activation):
    """Softmax over axis 1 (across the examples) instead of each column."""

    def apply(Z, name):
        if name != "softmax":
            return _apply(Z, name)
        exp = np.exp(Z - Z.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    return _activation_forward(A_prev, W, b, activation, apply)


@mutant("chapter5.linear_activation_forward")
def unstable_softmax(A_prev, W, b, activation):
    """exp(Z) without subtracting the column maximum: overflows at large Z."""

    def apply(Z, name):
        return np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True) if name == "softmax" else _apply(Z, name)

    return _activation_forward(A_prev, W, b, activation, apply)


@mutant("chapter5.linear_activation_forward")
def caches_A_instead_of_Z(A_prev, W, b, activation):
    """The activation cache holds A instead of Z."""
    A, (linear_cache, _) = _activation_forward(A_prev, W, b, activation, _apply)
    return A, (linear_cache, A)


@mutant("chapter5.L_model_forward")
def sigmoid_hidden_layers(X, parameters, output="sigmoid"):
    """Sigmoid in the hidden layers instead of ReLU."""
    from reference.chapter5 import linear_activation_forward

    L = len(parameters) // 2
    A, caches = X, []
    for layer in range(1, L + 1):
        activation = "sigmoid" if layer < L else output
        A, cache = linear_activation_forward(A, parameters[f"W{layer}"], parameters[f"b{layer}"], activation)
        caches.append(cache)
    return A, caches


@mutant("chapter5.L_model_forward")
def caches_in_reverse_order(X, parameters, output="sigmoid"):
    """Returns the caches last layer first."""
    AL, caches = L_model_forward(X, parameters, output)
    return AL, caches[::-1]


@mutant("chapter5.compute_cost")
def cost_missing_one_over_m(AL, Y, output="sigmoid"):
    """Sums the losses instead of averaging them."""
    return compute_cost(AL, Y, output) * AL.shape[1]


@mutant("chapter5.compute_cost")
def cost_unclipped(AL, Y, output="sigmoid"):
    """log(AL) unclipped: a prediction of exactly 0 or 1 costs inf and warns."""
    if output == "sigmoid":
        return -float(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))) / AL.shape[1]
    return -float(np.sum(Y * np.log(AL))) / AL.shape[1]


@mutant("chapter5.compute_cost")
def binary_cost_averaged_over_every_entry(AL, Y, output="sigmoid"):
    """np.mean for the sigmoid cost: with n[L] output rows it is divided by n[L] * m instead of m."""
    if output == "softmax":
        return compute_cost(AL, Y, output)
    eps = np.finfo(AL.dtype).eps
    AL = np.clip(AL, eps, 1 - eps)
    return -float(np.mean(Y * np.log(AL) + (1 - Y) * np.log1p(-AL)))


@mutant("chapter5.compute_cost")
def softmax_cost_averaged_over_classes_too(AL, Y, output="sigmoid"):
    """np.mean over every entry: the softmax cost is divided by k * m instead of m."""
    eps = np.finfo(AL.dtype).eps
    AL = np.clip(AL, eps, 1 - eps)
    if output == "sigmoid":
        return -float(np.mean(Y * np.log(AL) + (1 - Y) * np.log1p(-AL)))
    return -float(np.mean(Y * np.log(AL)))


def _linear_backward(dZ, cache, *, scale=True, axis=1, keepdims=True, average_dA=False):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / (m if scale else 1)
    db = np.sum(dZ, axis=axis, keepdims=keepdims) / (m if scale else 1)
    dA_prev = W.T @ dZ / (m if average_dA else 1)
    return dA_prev, dW, db


@mutant("chapter5.linear_backward")
def db_summed_over_the_wrong_axis(dZ, cache):
    """db = (1/m) np.sum(dZ, axis=0, keepdims=True): sums the units, shape (1, m)."""
    return _linear_backward(dZ, cache, axis=0)


@mutant("chapter5.linear_backward")
def linear_backward_missing_one_over_m(dZ, cache):
    """dW = dZ A_prev^T and db = sum(dZ) without the 1/m."""
    return _linear_backward(dZ, cache, scale=False)


@mutant("chapter5.linear_backward")
def rank_1_db(dZ, cache):
    """np.sum(dZ, axis=1) without keepdims: db of shape (n[l],) instead of (n[l], 1)."""
    return _linear_backward(dZ, cache, keepdims=False)


@mutant("chapter5.linear_backward")
def dA_prev_averaged(dZ, cache):
    """dA_prev = (1/m) W^T dZ: the 1/m is applied twice in the layers below."""
    return _linear_backward(dZ, cache, average_dA=True)


@mutant("chapter5.linear_backward")
def linear_cache_unpacked_in_the_wrong_order(dZ, cache):
    """Unpacks the cache as (W, A_prev, b)."""
    W, A_prev, b = cache
    return _linear_backward(dZ, (A_prev, W, b))


def _activation_backward(dA, cache, activation, derivative):
    linear_cache, Z = cache
    return linear_backward(derivative(dA, Z, activation), linear_cache)


def _derivative(dA, Z, activation):
    if activation == "relu":
        return dA * (Z > 0)
    if activation == "sigmoid":
        s = sigmoid(Z)
        return dA * s * (1 - s)
    S = _softmax(Z)
    return S * (dA - np.sum(S * dA, axis=0, keepdims=True))


@mutant("chapter5.linear_activation_backward")
def sigmoid_derivative_applied_twice(dA, cache, activation):
    """dZ = dA * s(1 - s) * s(1 - s): the sigmoid's derivative multiplied in twice."""

    def derivative(dA, Z, name):
        dZ = _derivative(dA, Z, name)
        return dZ * sigmoid(Z) * (1 - sigmoid(Z)) if name == "sigmoid" else dZ

    return _activation_backward(dA, cache, activation, derivative)


@mutant("chapter5.linear_activation_backward")
def relu_mask_from_dA(dA, cache, activation):
    """Masks with dA > 0 instead of Z > 0."""

    def derivative(dA, Z, name):
        return dA * (dA > 0) if name == "relu" else _derivative(dA, Z, name)

    return _activation_backward(dA, cache, activation, derivative)


@mutant("chapter5.linear_activation_backward")
def softmax_treated_element_wise(dA, cache, activation):
    """dZ = dA * S * (1 - S): softmax's derivative taken as if each unit were alone."""

    def derivative(dA, Z, name):
        if name != "softmax":
            return _derivative(dA, Z, name)
        S = _softmax(Z)
        return dA * S * (1 - S)

    return _activation_backward(dA, cache, activation, derivative)


@mutant("chapter5.L_model_backward")
def output_sigmoid_derivative_applied_twice(AL, Y, caches, output="sigmoid"):
    """dZ[L] = (AL - Y) * AL * (1 - AL) for a sigmoid output: AL - Y already is dA[L] * sigmoid'(Z[L])."""
    L = len(caches)
    dZ = (AL - Y) * AL * (1 - AL) if output == "sigmoid" else AL - Y
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, caches[L - 1][0])
    for layer in range(L - 1, 0, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = linear_activation_backward(dA, caches[layer - 1], "relu")
    return grads


@mutant("chapter5.L_model_backward")
def hidden_caches_in_the_wrong_order(AL, Y, caches, output="sigmoid"):
    """Walks the hidden layers' caches first to last while the gradient flows last to first."""
    L = len(caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, caches[L - 1][0])
    for layer in range(L - 1, 0, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = linear_activation_backward(dA, caches[L - 1 - layer], "relu")
    return grads


@mutant("chapter5.L_model_backward")
def updates_parameters_during_the_backward_pass(AL, Y, caches, output="sigmoid"):
    """Updates each layer's W in place (rate 0.1) as soon as its dW is known, before the layers below are done."""
    L = len(caches)
    grads = {}
    dZ = AL - Y
    for layer in range(L, 0, -1):
        (A_prev, W, _), _ = caches[layer - 1]
        m = A_prev.shape[1]
        grads[f"dW{layer}"] = dZ @ A_prev.T / m
        grads[f"db{layer}"] = np.sum(dZ, axis=1, keepdims=True) / m
        W -= 0.1 * grads[f"dW{layer}"]
        if layer > 1:
            dZ = (W.T @ dZ) * (caches[layer - 2][1] > 0)
    return grads


@mutant("chapter5.update_parameters")
def updates_in_place(parameters, grads, learning_rate):
    """W -= learning_rate * dW: changes the caller's arrays (and the ones the caches hold)."""
    for name, value in parameters.items():
        value -= learning_rate * grads[f"d{name}"]
    return parameters


@mutant("chapter5.update_parameters")
def update_climbs_the_gradient(parameters, grads, learning_rate):
    """W + learning_rate * dW: gradient ascent."""
    return update_parameters(parameters, grads, -learning_rate)


@mutant("chapter5.update_parameters")
def update_skips_the_biases(parameters, grads, learning_rate):
    """Updates only the weights."""
    return {
        name: value - learning_rate * grads[f"d{name}"] if name.startswith("W") else value.copy()
        for name, value in parameters.items()
    }


@mutant("chapter5.predict")
def predict_threshold_inclusive(X, parameters, output="sigmoid"):
    """1 where AL >= 0.5."""
    AL, _ = L_model_forward(X, parameters, output)
    if output == "sigmoid":
        return (AL >= 0.5).astype(np.int64)
    return np.argmax(AL, axis=0, keepdims=True).astype(np.int64)


@mutant("chapter5.predict")
def argmax_over_the_examples(X, parameters, output="sigmoid"):
    """argmax over axis 1 (the examples) instead of axis 0 (the classes)."""
    AL, _ = L_model_forward(X, parameters, output)
    if output == "sigmoid":
        return (AL > 0.5).astype(np.int64)
    return np.argmax(AL, axis=1, keepdims=True).T.astype(np.int64)


def _train(X, Y, layer_dims, rng, learning_rate, num_epochs, batch_size, output, *, batches, step, init=None):
    p = (init or initialize_parameters_deep)(layer_dims, rng, X.dtype)
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        total = 0.0
        for columns in batches(m, batch_size, rng):
            AL, caches = L_model_forward(X[:, columns], p, output)
            total += compute_cost(AL, Y[:, columns], output) * len(columns)
            p = step(AL, Y[:, columns], caches, p, learning_rate, output)
        costs.append(total / m)
    return p, costs


def _shuffled_batches(m, batch_size, rng):
    if batch_size is None:
        return [np.arange(m)]
    order = rng.permutation(m)
    return [order[s : s + batch_size] for s in range(0, m, batch_size)]


def _step(AL, Y, caches, p, learning_rate, output):
    return update_parameters(p, L_model_backward(AL, Y, caches, output), learning_rate)


def _step_during_backward(AL, Y, caches, p, learning_rate, output):
    """Each layer is updated as soon as its gradients are known; dA[l-1] then uses the new W[l]."""
    p = dict(p)
    dZ = AL - Y
    L = len(caches)
    for layer in range(L, 0, -1):
        (A_prev, _, _), _ = caches[layer - 1]
        m = A_prev.shape[1]
        p[f"W{layer}"] = p[f"W{layer}"] - learning_rate * (dZ @ A_prev.T / m)
        p[f"b{layer}"] = p[f"b{layer}"] - learning_rate * np.sum(dZ, axis=1, keepdims=True) / m
        if layer > 1:
            dZ = (p[f"W{layer}"].T @ dZ) * (caches[layer - 2][1] > 0)
    return p


@mutant("chapter5.L_layer_model")
def updates_before_the_backward_pass_finishes(
    X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"
):
    """Updates each layer as soon as its gradient is known: the layers below get gradients of another network."""
    return _train(
        X, Y, layer_dims, rng, learning_rate, num_epochs, batch_size, output,
        batches=_shuffled_batches, step=_step_during_backward,
    )  # fmt: skip


@mutant("chapter5.L_layer_model")
def drops_the_partial_batch(
    X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"
):
    """Skips the last batch when it is smaller than batch_size."""

    def batches(m, size, rng):
        full = _shuffled_batches(m, size, rng)
        return full if size is None else [b for b in full if len(b) == size]

    return _train(X, Y, layer_dims, rng, learning_rate, num_epochs, batch_size, output, batches=batches, step=_step)


@mutant("chapter5.L_layer_model")
def never_shuffles(X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"):
    """Takes the batches in the original column order every epoch."""

    def batches(m, size, rng):
        return [np.arange(m)[s : s + (size or m)] for s in range(0, m, size or m)]

    return _train(X, Y, layer_dims, rng, learning_rate, num_epochs, batch_size, output, batches=batches, step=_step)


@mutant("chapter5.L_layer_model")
def lecture_notes_initialization(
    X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"
):
    """Initializes with 0.01 * standard normal instead of He's scale."""

    def init(layer_dims, rng, dtype):
        return {
            name: (value * 0.01 / np.sqrt(2 / value.shape[1]) if name.startswith("W") else value).astype(dtype)
            for name, value in initialize_parameters_deep(layer_dims, rng, np.float64).items()
        }

    return _train(
        X, Y, layer_dims, rng, learning_rate, num_epochs, batch_size, output,
        batches=_shuffled_batches, step=_step, init=init,
    )  # fmt: skip


# --- 5.4 gradient checking ---------------------------------------------------------------


def _names(parameters):
    L = len(parameters) // 2
    return [f"{kind}{layer}" for layer in range(1, L + 1) for kind in ("W", "b")]


@mutant("chapter5.dictionary_to_vector")
def flattens_column_by_column(parameters):
    """Flattens each W column by column (Fortran order), not row by row."""
    return np.concatenate([parameters[name].reshape(-1, order="F") for name in _names(parameters)]).reshape(-1, 1)


@mutant("chapter5.dictionary_to_vector")
def follows_the_dict_order(parameters):
    """Concatenates in the dict's order instead of W1, b1, ..., WL, bL."""
    return np.concatenate([value.reshape(-1) for value in parameters.values()]).reshape(-1, 1)


@mutant("chapter5.dictionary_to_vector")
def sorts_the_names(parameters):
    """Sorts the names as strings: W1, W10, W11, W2, ..., b1, ...."""
    return np.concatenate([parameters[name].reshape(-1) for name in sorted(parameters)]).reshape(-1, 1)


@mutant("chapter5.dictionary_to_vector")
def rank_1_vector(parameters):
    """Returns a rank-1 (N,) vector instead of the column (N, 1)."""
    return np.concatenate([parameters[name].reshape(-1) for name in _names(parameters)])


def _unflatten(theta, layer_dims, order="C", bias_shape=lambda n: (n, 1)):
    p, start = {}, 0
    for layer in range(1, len(layer_dims)):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        p[f"W{layer}"] = theta[start : start + n * n_prev].reshape((n, n_prev), order=order)
        start += n * n_prev
        p[f"b{layer}"] = theta[start : start + n].reshape(bias_shape(n))
        start += n
    return p


@mutant("chapter5.vector_to_dictionary")
def unflattens_column_by_column(theta, layer_dims):
    """Reshapes each W column by column (Fortran order)."""
    return _unflatten(theta, layer_dims, order="F")


@mutant("chapter5.vector_to_dictionary")
def rank_1_biases_from_the_vector(theta, layer_dims):
    """Biases of shape (n,) instead of (n, 1)."""
    return _unflatten(theta, layer_dims, bias_shape=lambda n: (n,))


@mutant("chapter5.vector_to_dictionary")
def weights_first_then_biases(theta, layer_dims):
    """Reads all the weights first, then all the biases."""
    p, start = {}, 0
    for layer in range(1, len(layer_dims)):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        p[f"W{layer}"] = theta[start : start + n * n_prev].reshape(n, n_prev)
        start += n * n_prev
    for layer in range(1, len(layer_dims)):
        p[f"b{layer}"] = theta[start : start + layer_dims[layer]].reshape(-1, 1)
        start += layer_dims[layer]
    return p


def _gradient_check(parameters, grads, X, Y, output, epsilon, *, dtype=np.float64, difference, copy=True):
    from reference.chapter5 import dictionary_to_vector

    theta = dictionary_to_vector(parameters).astype(dtype)
    grad = dictionary_to_vector({name[1:]: value for name, value in grads.items()}).astype(np.float64)
    X, Y = X.astype(dtype), Y.astype(dtype)
    layer_dims = [parameters["W1"].shape[1]] + [
        parameters[f"W{n}"].shape[0] for n in range(1, len(parameters) // 2 + 1)
    ]

    def cost(vector):
        AL, _ = L_model_forward(X, vector_to_dictionary(vector, layer_dims), output)
        return compute_cost(AL, Y, output)

    gradapprox = np.zeros(theta.shape)
    base = theta
    for i in range(theta.shape[0]):
        if copy:
            base = theta.copy()
        gradapprox[i, 0] = difference(cost, base, i, epsilon)
    return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))


def _centered(cost, theta, i, epsilon):
    plus, minus = theta.copy(), theta.copy()
    plus[i, 0] += epsilon
    minus[i, 0] -= epsilon
    return (cost(plus) - cost(minus)) / (2 * epsilon)


@mutant("chapter5.gradient_check")
def one_sided_differences(parameters, grads, X, Y, output="sigmoid", epsilon=1e-7):
    """(J(theta + eps) - J(theta)) / eps: accurate to O(eps), not O(eps**2)."""

    def forward(cost, theta, i, epsilon):
        plus = theta.copy()
        plus[i, 0] += epsilon
        return (cost(plus) - cost(theta)) / epsilon

    return _gradient_check(parameters, grads, X, Y, output, epsilon, difference=forward)


@mutant("chapter5.gradient_check")
def nudges_accumulate(parameters, grads, X, Y, output="sigmoid", epsilon=1e-7):
    """Nudges theta itself and never restores it: earlier entries stay moved while later ones are checked."""

    def in_place(cost, theta, i, epsilon):
        theta[i, 0] += epsilon
        plus = cost(theta)
        theta[i, 0] -= 2 * epsilon
        return (plus - cost(theta)) / (2 * epsilon)

    return _gradient_check(parameters, grads, X, Y, output, epsilon, difference=in_place, copy=False)


@mutant("chapter5.gradient_check")
def checks_in_the_input_dtype(parameters, grads, X, Y, output="sigmoid", epsilon=1e-7):
    """Works in the parameters' dtype: in float32 a nudge of 1e-7 is lost to rounding."""
    dtype = parameters["W1"].dtype
    return _gradient_check(parameters, grads, X, Y, output, epsilon, dtype=dtype, difference=_centered)


@mutant("chapter5.gradient_check")
def divides_by_epsilon(parameters, grads, X, Y, output="sigmoid", epsilon=1e-7):
    """(J(theta + eps) - J(theta - eps)) / eps: twice the derivative."""

    def doubled(cost, theta, i, epsilon):
        return 2 * _centered(cost, theta, i, epsilon)

    return _gradient_check(parameters, grads, X, Y, output, epsilon, difference=doubled)


# --- 5.5 the bridge ----------------------------------------------------------------------


@mutant("chapter5.parameters_to_row_major")
def row_major_views(parameters):
    """Returns the transposes as views: training the copy in place changes the original."""
    return [parameters[name].T for name in _names(parameters)]


@mutant("chapter5.parameters_to_row_major")
def weights_then_biases(parameters):
    """[W1, ..., WL, b1, ..., bL] instead of forward_mlp's order W1, b1, W2, b2."""
    names = _names(parameters)
    ordered = [name for name in names if name.startswith("W")] + [name for name in names if name.startswith("b")]
    return [np.ascontiguousarray(parameters[name].T) for name in ordered]


@mutant("chapter5.parameters_to_row_major")
def biases_left_as_columns(parameters):
    """Transposes the weights but leaves the biases (n, 1)."""
    return [
        np.ascontiguousarray(parameters[name].T if name.startswith("W") else parameters[name])
        for name in _names(parameters)
    ]


@mutant("chapter5.parameters_to_column_major")
def column_major_biases_left_as_rows(weights_and_biases):
    """Transposes the weights but leaves the biases (1, n)."""
    return {
        f"{'W' if index % 2 == 0 else 'b'}{index // 2 + 1}": np.ascontiguousarray(array.T if index % 2 == 0 else array)
        for index, array in enumerate(weights_and_biases)
    }


@mutant("chapter5.parameters_to_column_major")
def column_major_views(weights_and_biases):
    """Returns transposed views, not copies."""
    return {
        f"{'W' if index % 2 == 0 else 'b'}{index // 2 + 1}": array.T for index, array in enumerate(weights_and_biases)
    }
