"""Correct chapter-5 solutions written differently from the reference, with no
argument checks of their own; every one must pass all the tests of its kata."""

import itertools
import math

import numpy as np
import scipy.special

from kata.mutants import alternative

# --- 5.1 propagate, propagate_loop, optimize, predict_logistic ---------------------------


@alternative("chapter5.propagate")
def float64_inside_with_scipy(w, b, X, Y):
    """scipy.special.expit and xlogy in float64 (A clipped as the docstring says), dw cast back to X's dtype."""
    w64, X64, Y64 = w.astype(np.float64), X.astype(np.float64), Y.astype(np.float64)
    m = X.shape[1]
    A = scipy.special.expit(w64.T @ X64 + b)
    eps = np.finfo(X.dtype).eps
    clipped = np.clip(A, eps, 1 - eps)
    cost = -np.sum(scipy.special.xlogy(Y64, clipped) + scipy.special.xlogy(1 - Y64, 1 - clipped)) / m
    dZ = A - Y64
    return {"dw": (X64 @ dZ.T / m).astype(X.dtype), "db": float(dZ.mean())}, float(cost)


@alternative("chapter5.propagate")
def einsum_and_logaddexp_cost(w, b, X, Y):
    """z by einsum; the exact cost mean(log(1 + e^z) - y z) via np.logaddexp, which never overflows or needs a clip."""
    z = np.einsum("jk,jm->km", w, X) + b
    dZ = scipy.special.expit(z) - Y
    m = X.shape[1]
    cost = float(np.mean(np.logaddexp(0, z) - Y * z))
    return {"dw": np.einsum("jm,km->jk", X, dZ) / m, "db": float(np.sum(dZ) / m)}, cost


@alternative("chapter5.propagate_loop")
def pure_python_loops(w, b, X, Y):
    """Lists of Python floats, math.exp in a branch-stable sigmoid, math.log of the clipped a; dw built at the end."""
    n_x, m = X.shape
    eps = float(np.finfo(X.dtype).eps)
    weights, rows, labels = w[:, 0].tolist(), X.tolist(), Y[0].tolist()
    dw = [0.0] * n_x
    db = cost = 0.0
    for i in range(m):
        z = b
        for j in range(n_x):
            z += weights[j] * rows[j][i]
        a = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
        y = labels[i]
        clipped = min(max(a, eps), 1 - eps)
        cost -= y * math.log(clipped) + (1 - y) * math.log(1 - clipped)
        for j in range(n_x):
            dw[j] += rows[j][i] * (a - y)
        db += a - y
    return {"dw": np.array(dw, dtype=X.dtype).reshape(n_x, 1) / m, "db": db / m}, cost / m


@alternative("chapter5.optimize")
def inline_gradients_float64_inside(w, b, X, Y, num_iterations=100, learning_rate=0.009):
    """Its own gradient and cost (no call to propagate) in float64, one-expression updates, cast back at the end."""
    w64, X64, Y64 = w.astype(np.float64), X.astype(np.float64), Y.astype(np.float64)
    m = X.shape[1]
    costs = []
    for _ in range(num_iterations):
        A = scipy.special.expit(w64.T @ X64 + b)
        clipped = np.clip(A, np.finfo(X.dtype).eps, 1 - np.finfo(X.dtype).eps)
        costs.append(float(-np.mean(Y64 * np.log(clipped) + (1 - Y64) * np.log1p(-clipped))))
        dw, db = X64 @ (A - Y64).T / m, float(np.mean(A - Y64))
        w64, b = w64 - learning_rate * dw, b - learning_rate * db
    return {"w": w64.astype(w.dtype), "b": b}, {"dw": dw.astype(w.dtype), "db": db}, costs


@alternative("chapter5.optimize")
def while_loop_over_propagate(w, b, X, Y, num_iterations=100, learning_rate=0.009):
    """Chapter 5's own propagate in a while loop that stops once num_iterations costs are recorded."""
    from reference.chapter5 import propagate

    costs = []
    while len(costs) < num_iterations:
        grads, cost = propagate(w, b, X, Y)
        costs.append(cost)
        w, b = w - learning_rate * grads["dw"], b - learning_rate * grads["db"]
    return {"w": w, "b": b}, grads, costs


@alternative("chapter5.predict_logistic")
def sign_of_z(w, b, X):
    """sigmoid(z) > 0.5 exactly when z > 0: no sigmoid at all, z by einsum."""
    return (np.einsum("j,jm->m", w[:, 0], X) + b > 0).reshape(1, -1).astype(np.int64)


# --- 5.2 the shallow network -------------------------------------------------------------


@alternative("chapter5.make_circles")
def complex_exponentials(m, rng, noise=0.1):
    """Points radius * e^(i angle), angles from rng.random, noise as noise * standard normals, labels by np.repeat."""
    angle = rng.random(m) * 2 * np.pi
    noise_draws = noise * rng.standard_normal((2, m))
    labels = np.repeat([0.0, 1.0], [m - m // 2, m // 2])
    points = np.where(labels == 1, 0.5, 1.0) * np.exp(1j * angle)
    X = np.stack([points.real, points.imag]) + noise_draws
    return X.astype(np.float32), labels[None, :].astype(np.float32)


@alternative("chapter5.initialize_parameters")
def normal_with_scale(n_x, n_h, n_y, rng, dtype=np.float32):
    """rng.normal(0, 0.01, size) for each weight matrix in turn, biases from np.zeros with the dtype."""
    W1 = rng.normal(0, 0.01, size=(n_h, n_x))
    W2 = rng.normal(0, 0.01, size=(n_y, n_h))
    return {
        "W1": np.asarray(W1, dtype=dtype),
        "b1": np.zeros((n_h, 1), dtype),
        "W2": np.asarray(W2, dtype=dtype),
        "b2": np.zeros((n_y, 1), dtype),
    }


@alternative("chapter5.forward_propagation")
def einsum_and_tanh_from_sigmoid(X, parameters):
    """Products by einsum; tanh(z) = 2 sigmoid(2z) - 1 and the sigmoid from scipy.special.expit."""
    Z1 = np.einsum("hx,xm->hm", parameters["W1"], X) + parameters["b1"]
    A1 = 2 * scipy.special.expit(2 * Z1) - 1
    Z2 = np.einsum("yh,hm->ym", parameters["W2"], A1) + parameters["b2"]
    A2 = scipy.special.expit(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@alternative("chapter5.backward_propagation")
def einsum_and_means(X, Y, parameters, cache):
    """einsum for every product, bias gradients as means over axis 1, tanh' as (1 - A1)(1 + A1)."""
    A1, A2 = cache["A1"], cache["A2"]
    m = X.shape[1]
    dZ2 = A2 - Y
    dZ1 = np.einsum("yh,ym->hm", parameters["W2"], dZ2) * ((1 - A1) * (1 + A1))
    return {
        "dW1": np.einsum("hm,xm->hx", dZ1, X) / m,
        "db1": dZ1.mean(axis=1, keepdims=True),
        "dW2": np.einsum("ym,hm->yh", dZ2, A1) / m,
        "db2": dZ2.mean(axis=1, keepdims=True),
    }


@alternative("chapter5.backward_propagation")
def loop_over_examples_in_float64(X, Y, parameters, cache):
    """One example (column) at a time, its outer products summed in float64, divided by m and cast back at the end."""
    A1, A2 = cache["A1"].astype(np.float64), cache["A2"].astype(np.float64)
    X64, Y64, W2 = X.astype(np.float64), Y.astype(np.float64), parameters["W2"].astype(np.float64)
    grads = {name: np.zeros(parameters[name].shape) for name in ("W1", "b1", "W2", "b2")}
    m = X.shape[1]
    for i in range(m):
        dz2 = A2[:, i : i + 1] - Y64[:, i : i + 1]
        dz1 = (W2.T @ dz2) * (1 - A1[:, i : i + 1] ** 2)
        grads["W2"] += dz2 @ A1[:, i : i + 1].T
        grads["b2"] += dz2
        grads["W1"] += dz1 @ X64[:, i : i + 1].T
        grads["b1"] += dz1
    return {f"d{name}": (value / m).astype(X.dtype) for name, value in grads.items()}


@alternative("chapter5.nn_model")
def inline_passes_one_expression_update(X, Y, n_h, rng, num_iterations=10000, learning_rate=1.2):
    """Forward and backward written out in the loop on a tuple of parameters, updated in one expression."""
    from reference.chapter5 import initialize_parameters

    p = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng, X.dtype)
    W1, b1, W2, b2 = p["W1"], p["b1"], p["W2"], p["b2"]
    m = X.shape[1]
    for _ in range(num_iterations):
        A1 = np.tanh(W1 @ X + b1)
        dZ2 = scipy.special.expit(W2 @ A1 + b2) - Y
        dZ1 = (W2.T @ dZ2) * (1 - A1 * A1)
        W1, b1, W2, b2 = (
            W1 - learning_rate * (dZ1 @ X.T) / m,
            b1 - learning_rate * dZ1.sum(axis=1, keepdims=True) / m,
            W2 - learning_rate * (dZ2 @ A1.T) / m,
            b2 - learning_rate * dZ2.sum(axis=1, keepdims=True) / m,
        )
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@alternative("chapter5.nn_model")
def float64_training_cast_back(X, Y, n_h, rng, num_iterations=10000, learning_rate=1.2):
    """Chapter 5's forward and backward passes run in float64 from the X.dtype initialization, cast back at the end."""
    from reference.chapter5 import backward_propagation, forward_propagation, initialize_parameters

    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    start = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng, X.dtype)
    p = {name: value.astype(np.float64) for name, value in start.items()}
    for _ in range(num_iterations):
        grads = backward_propagation(X64, Y64, p, forward_propagation(X64, p)[1])
        p = {name: p[name] - learning_rate * grads["d" + name] for name in p}
    return {name: value.astype(X.dtype) for name, value in p.items()}


@alternative("chapter5.predict_shallow")
def sign_of_the_output_logit(X, parameters):
    """A2 > 0.5 exactly when Z2 > 0: the output sigmoid is never computed."""
    A1 = np.tanh(parameters["W1"] @ X + parameters["b1"])
    return (parameters["W2"] @ A1 + parameters["b2"] > 0).astype(np.int64)


# --- 5.3 the L-layer network -------------------------------------------------------------


@alternative("chapter5.initialize_parameters_deep")
def normal_with_he_scale(layer_dims, rng, dtype=np.float32):
    """rng.normal(0, sqrt(2 / n[l-1]), size) per layer, over itertools.pairwise of the sizes."""
    parameters = {}
    for layer, (n_prev, n) in enumerate(itertools.pairwise(layer_dims), start=1):
        parameters[f"W{layer}"] = rng.normal(0.0, math.sqrt(2 / n_prev), size=(n, n_prev)).astype(dtype)
        parameters[f"b{layer}"] = np.zeros((n, 1), dtype=dtype)
    return parameters


@alternative("chapter5.linear_forward")
def einsum_product(A, W, b):
    """Z by np.einsum over the shared n[l-1] axis."""
    return np.einsum("ij,jm->im", W, A) + b, (A, W, b)


@alternative("chapter5.linear_activation_forward")
def tensordot_and_logsumexp(A_prev, W, b, activation):
    """Z by np.tensordot; ReLU by np.where, sigmoid from tanh, softmax as exp(Z - logsumexp(Z)) per column."""
    Z = np.tensordot(W, A_prev, axes=1) + b
    if activation == "relu":
        A = np.where(Z > 0, Z, 0)
    elif activation == "sigmoid":
        A = (1 + np.tanh(Z / 2)) / 2
    else:
        A = np.exp(Z - scipy.special.logsumexp(Z, axis=0, keepdims=True))
    return A, ((A_prev, W, b), Z)


@alternative("chapter5.L_model_forward")
def layers_written_out(X, parameters, output="sigmoid"):
    """Each layer's product and activation written out (no call to linear_activation_forward); scipy's softmax."""
    L = len(parameters) // 2
    A, caches = X, []
    for layer in range(1, L + 1):
        W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        if layer < L:
            A = np.maximum(Z, 0)
        else:
            A = scipy.special.expit(Z) if output == "sigmoid" else scipy.special.softmax(Z, axis=0)
    return A, caches


@alternative("chapter5.compute_cost")
def xlogy_in_float64(AL, Y, output="sigmoid"):
    """scipy.special.xlogy in float64 on AL clipped with its own dtype's eps; the mean over columns of column sums."""
    eps = np.finfo(AL.dtype).eps
    P, T = np.clip(AL.astype(np.float64), eps, 1 - eps), Y.astype(np.float64)
    losses = scipy.special.xlogy(T, P)
    if output == "sigmoid":
        losses = losses + scipy.special.xlogy(1 - T, 1 - P)
    return float(-losses.sum(axis=0).mean())


@alternative("chapter5.linear_backward")
def einsum_and_mean(dZ, cache):
    """einsum for both products, db as the mean of dZ over its columns."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return np.einsum("ij,im->jm", W, dZ), np.einsum("im,jm->ij", dZ, A_prev) / m, dZ.mean(axis=1, keepdims=True)


@alternative("chapter5.linear_backward")
def tensordot_in_float64(dZ, cache):
    """np.tensordot in float64 and a dot with a column of ones for db, cast back to dZ's dtype."""
    A_prev, W, _ = cache
    dZ64, A64, W64 = dZ.astype(np.float64), A_prev.astype(np.float64), W.astype(np.float64)
    m = A64.shape[1]
    dW = np.tensordot(dZ64, A64, axes=([1], [1])) / m
    db = dZ64 @ np.ones((m, 1)) / m
    dA_prev = np.tensordot(W64, dZ64, axes=([0], [0]))
    return dA_prev.astype(dZ.dtype), dW.astype(dZ.dtype), db.astype(dZ.dtype)


@alternative("chapter5.linear_activation_backward")
def softmax_jacobian_per_example(dA, cache, activation):
    """ReLU' by np.heaviside, sigmoid' from expit, softmax through each column's full Jacobian diag(s) - s s^T."""
    (A_prev, W, _), Z = cache
    if activation == "relu":
        dZ = dA * np.heaviside(Z, 0).astype(dA.dtype)
    elif activation == "sigmoid":
        s = scipy.special.expit(Z)
        dZ = dA * s * (1 - s)
    else:
        S = scipy.special.softmax(Z, axis=0)
        jacobians = np.einsum("km,kj->mkj", S, np.eye(Z.shape[0], dtype=S.dtype)) - np.einsum("km,jm->mkj", S, S)
        dZ = np.einsum("mkj,jm->km", jacobians, dA)
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


@alternative("chapter5.linear_activation_backward")
def float64_inside_through_linear_backward(dA, cache, activation):
    """dZ in float64 (sigmoid' as e^-z / (1 + e^-z)^2 of |z|, softmax's S dA - S sum(S dA)), then linear_backward."""
    from reference.chapter5 import linear_backward

    linear_cache, Z = cache
    Z64, dA64 = Z.astype(np.float64), dA.astype(np.float64)
    if activation == "relu":
        dZ = np.where(Z64 > 0, dA64, 0.0)
    elif activation == "sigmoid":
        e = np.exp(-np.abs(Z64))
        dZ = dA64 * e / (1 + e) ** 2
    else:
        S = np.exp(Z64 - Z64.max(axis=0))
        S /= S.sum(axis=0)
        dZ = S * dA64 - S * (S * dA64).sum(axis=0)
    return linear_backward(dZ.astype(dA.dtype), linear_cache)


@alternative("chapter5.L_model_backward")
def inline_loop_with_relu_masks(AL, Y, caches, output="sigmoid"):
    """Every layer's formulas written out in one loop from the top, the ReLU mask taken from the cached Z below."""
    L = len(caches)
    grads = {}
    dZ = AL - Y
    for layer in range(L, 0, -1):
        (A_prev, W, _), _ = caches[layer - 1]
        m = A_prev.shape[1]
        grads[f"dW{layer}"] = dZ @ A_prev.T / m
        grads[f"db{layer}"] = dZ.sum(axis=1, keepdims=True) / m
        if layer > 1:
            dZ = (W.T @ dZ) * (caches[layer - 2][1] > 0)
    return grads


@alternative("chapter5.L_model_backward")
def all_dZ_first_then_einsum_in_float64(AL, Y, caches, output="sigmoid"):
    """A first pass collects every dZ[l] in float64, a second computes every dW and db by einsum; cast to AL's dtype."""
    L = len(caches)
    dZs = {L: AL.astype(np.float64) - Y.astype(np.float64)}
    for layer in range(L - 1, 0, -1):
        W_above = caches[layer][0][1].astype(np.float64)
        dZs[layer] = np.einsum("ij,im->jm", W_above, dZs[layer + 1]) * (caches[layer - 1][1] > 0)
    grads = {}
    for layer, dZ in dZs.items():
        A_prev = caches[layer - 1][0][0].astype(np.float64)
        grads[f"dW{layer}"] = np.einsum("im,jm->ij", dZ, A_prev).astype(AL.dtype) / A_prev.shape[1]
        grads[f"db{layer}"] = np.mean(dZ, axis=1, keepdims=True).astype(AL.dtype)
    return grads


@alternative("chapter5.update_parameters")
def from_the_gradient_keys(parameters, grads, learning_rate):
    """Walks the gradients' keys (dW1 -> W1) and uses np.subtract with a scaled gradient."""
    return {key[1:]: np.subtract(parameters[key[1:]], learning_rate * gradient) for key, gradient in grads.items()}


@alternative("chapter5.update_parameters")
def float64_step_cast_back(parameters, grads, learning_rate):
    """Each step taken in float64, cast back to its parameter's dtype."""
    return {
        name: (value.astype(np.float64) - learning_rate * grads["d" + name].astype(np.float64)).astype(value.dtype)
        for name, value in parameters.items()
    }


@alternative("chapter5.predict")
def from_the_output_logits(X, parameters, output="sigmoid"):
    """Reads Z[L] from the last cache: AL > 0.5 iff Z[L] > 0, and softmax's argmax is the argmax of Z[L]."""
    from reference.chapter5 import L_model_forward

    _, caches = L_model_forward(X, parameters, output)
    ZL = caches[-1][1]
    labels = ZL > 0 if output == "sigmoid" else ZL.argmax(axis=0)[None, :]
    return labels.astype(np.int64)


def _batches(m, batch_size, rng):
    """Column index arrays: all of them in order, or consecutive batch_size slices of rng.permutation(m)."""
    if batch_size is None:
        return [np.arange(m)]
    return np.split(rng.permutation(m), range(batch_size, m, batch_size))


@alternative("chapter5.L_layer_model")
def np_split_batches(X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"):
    """Batches from np.split of the epoch's index array; chapter 5's katas for each step; costs as a weighted mean."""
    from reference.chapter5 import (
        L_model_backward,
        L_model_forward,
        compute_cost,
        initialize_parameters_deep,
        update_parameters,
    )

    parameters = initialize_parameters_deep(layer_dims, rng, X.dtype)
    costs = []
    for _ in range(num_epochs):
        batch_costs, sizes = [], []
        for columns in _batches(X.shape[1], batch_size, rng):
            AL, caches = L_model_forward(X[:, columns], parameters, output)
            batch_costs.append(compute_cost(AL, Y[:, columns], output))
            sizes.append(len(columns))
            parameters = update_parameters(
                parameters, L_model_backward(AL, Y[:, columns], caches, output), learning_rate
            )
        costs.append(float(np.average(batch_costs, weights=sizes)))
    return parameters, costs


@alternative("chapter5.L_layer_model")
def float64_deep_training_cast_back(
    X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"
):
    """Trains float64 copies (of X, Y and the X.dtype initialization), both passes inline; casts back at the end."""
    from reference.chapter5 import initialize_parameters_deep

    start = initialize_parameters_deep(layer_dims, rng, X.dtype)
    p = {name: value.astype(np.float64) for name, value in start.items()}
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    L = len(layer_dims) - 1
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        total = 0.0
        for columns in _batches(m, batch_size, rng):
            activations = [X64[:, columns]]
            for layer in range(1, L + 1):
                Z = p[f"W{layer}"] @ activations[-1] + p[f"b{layer}"]
                if layer < L:
                    activations.append(np.maximum(Z, 0))
                else:
                    activations.append(scipy.special.expit(Z) if output == "sigmoid" else scipy.special.softmax(Z, 0))
            AL, T = activations[-1], Y64[:, columns]
            P = np.clip(AL, np.finfo(X.dtype).eps, 1 - np.finfo(X.dtype).eps)
            losses = T * np.log(P) + ((1 - T) * np.log1p(-P) if output == "sigmoid" else 0)
            total -= float(losses.sum())
            dZ, n = AL - T, len(columns)
            for layer in range(L, 0, -1):
                dW, db = dZ @ activations[layer - 1].T / n, dZ.sum(axis=1, keepdims=True) / n
                if layer > 1:
                    dZ = (p[f"W{layer}"].T @ dZ) * (activations[layer - 1] > 0)
                # dZ of the layer below used the old W[l]: updating now equals updating after the whole pass.
                p[f"W{layer}"], p[f"b{layer}"] = (
                    p[f"W{layer}"] - learning_rate * dW,
                    p[f"b{layer}"] - learning_rate * db,
                )
        costs.append(total / m)
    return {name: value.astype(X.dtype) for name, value in p.items()}, costs


# --- 5.4 gradient checking ---------------------------------------------------------------


def _layer_order(name):
    """W1, b1, W2, b2, ..., W10, b10: by layer number first, the weight before the bias."""
    return int(name.lstrip("dWb")), name.lstrip("d")[0] != "W"


@alternative("chapter5.dictionary_to_vector")
def vstack_of_sorted_columns(parameters):
    """np.vstack of each array as a column, the names sorted by (layer number, W before b)."""
    return np.vstack([parameters[name].reshape(-1, 1) for name in sorted(parameters, key=_layer_order)])


@alternative("chapter5.vector_to_dictionary")
def split_at_cumulative_offsets(theta, layer_dims):
    """np.split of the column at the cumulative sizes of W1, b1, W2, ..., each piece reshaped."""
    shapes = []
    for n_prev, n in itertools.pairwise(layer_dims):
        shapes += [(n, n_prev), (n, 1)]
    pieces = np.split(theta[:, 0], np.cumsum([rows * columns for rows, columns in shapes])[:-1])
    names = [f"{kind}{layer}" for layer in range(1, len(layer_dims)) for kind in "Wb"]
    return {name: piece.reshape(shape) for name, piece, shape in zip(names, pieces, shapes, strict=True)}


def _relative_difference(grad, approx):
    numerator = math.sqrt(float(np.sum((grad - approx) ** 2)))
    denominator = math.sqrt(float(np.sum(grad**2))) + math.sqrt(float(np.sum(approx**2)))
    return numerator / denominator if denominator else 0.0


@alternative("chapter5.gradient_check")
def columns_of_an_identity(parameters, grads, X, Y, output="sigmoid", epsilon=1e-7):
    """theta +- epsilon * e_i from the columns of np.eye(N), costs in list comprehensions, norms by hand."""
    from reference.chapter5 import L_model_forward, compute_cost, dictionary_to_vector, vector_to_dictionary

    theta = dictionary_to_vector(parameters).astype(np.float64)
    grad = np.concatenate([grads[f"d{name}"].reshape(-1) for name in sorted(parameters, key=_layer_order)])
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    L = len(parameters) // 2
    layer_dims = [parameters["W1"].shape[1], *(parameters[f"W{layer}"].shape[0] for layer in range(1, L + 1))]

    def J(vector):
        return compute_cost(L_model_forward(X64, vector_to_dictionary(vector, layer_dims), output)[0], Y64, output)

    nudges = epsilon * np.eye(theta.shape[0])
    plus = np.array([J(theta + nudges[:, [i]]) for i in range(theta.shape[0])])
    minus = np.array([J(theta - nudges[:, [i]]) for i in range(theta.shape[0])])
    return _relative_difference(grad.astype(np.float64), (plus - minus) / (2 * epsilon))


@alternative("chapter5.gradient_check")
def nudge_each_array_of_a_float64_dict(parameters, grads, X, Y, output="sigmoid", epsilon=1e-7):
    """No theta: nudges one entry of a float64 copy of each parameter (np.ndindex), restoring it exactly after."""
    from reference.chapter5 import L_model_forward, compute_cost

    p = {name: value.astype(np.float64) for name, value in parameters.items()}
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    grad, approx = [], []
    for name in sorted(p, key=_layer_order):
        array = p[name]
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + epsilon
            J_plus = compute_cost(L_model_forward(X64, p, output)[0], Y64, output)
            array[index] = original - epsilon
            J_minus = compute_cost(L_model_forward(X64, p, output)[0], Y64, output)
            array[index] = original
            approx.append((J_plus - J_minus) / (2 * epsilon))
            grad.append(float(grads[f"d{name}"][index]))
    return _relative_difference(np.array(grad), np.array(approx))


# --- 5.5 the bridge ----------------------------------------------------------------------


@alternative("chapter5.parameters_to_row_major")
def swapaxes_copies_in_layer_order(parameters):
    """np.swapaxes(...).copy() (C order) of every array, in the order of the names sorted by layer."""
    return [np.swapaxes(parameters[name], 0, 1).copy() for name in sorted(parameters, key=_layer_order)]


@alternative("chapter5.parameters_to_column_major")
def pairs_through_zip(weights_and_biases):
    """Pairs (W_row, b_row) by zipping the even and odd items; np.array(x.T, order="C") copies."""
    parameters = {}
    for layer, (W_row, b_row) in enumerate(zip(weights_and_biases[::2], weights_and_biases[1::2], strict=True), 1):
        parameters[f"W{layer}"] = np.array(W_row.T, order="C")
        parameters[f"b{layer}"] = np.array(b_row.T, order="C")
    return parameters
