"""Plausible wrong chapter-5 solutions; every one must fail some test of its kata.

Most are edits of the reference's source (``mutant_edit``): they fail loudly
when the reference changes under them. Whole functions remain where an edit of
the kata's own source cannot say the mistake, each saying why.
"""

import numpy as np

from kata.mutants import mutant, mutant_edit
from reference.chapter1 import sigmoid
from reference.chapter5 import (
    L_model_forward,
    compute_cost,
    initialize_parameters_deep,
    linear_forward,
)

# --- 5.1 propagate, propagate_loop, optimize, predict_logistic ---------------------------

mutant_edit(
    "chapter5.propagate", "propagate_missing_one_over_m",
    "dw = X dZ^T without the 1/m: the gradient of the summed, not the averaged, cost.",
    ("dw = (X @ dZ.T) / m", "dw = X @ dZ.T"),
)  # fmt: skip
mutant_edit(
    "chapter5.propagate", "db_missing_one_over_m", "db = sum(dZ) without the 1/m.",
    ("db = float(np.sum(dZ)) / m", "db = float(np.sum(dZ))"),
)  # fmt: skip
mutant_edit(
    "chapter5.propagate", "propagate_rank_1_dw", "Returns dw as a rank-1 (n_x,) array instead of the column (n_x, 1).",
    ("dw = (X @ dZ.T) / m", "dw = (X @ dZ[0]) / m"),
)  # fmt: skip
mutant_edit(
    "chapter5.propagate", "propagate_unclipped_logs",
    "Takes log(A) and log(1 - A) unclipped: a saturated prediction costs inf (and warns).",
    ("_cost(A, Y)", "-float(np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))"),
)  # fmt: skip
mutant_edit(
    "chapter5.propagate", "dZ_sign_flipped",
    "dZ = Y - A: gradients pointing uphill.", ("    dZ = A - Y\n", "    dZ = Y - A\n"),
)  # fmt: skip


# A whole function: the mistake is having no loops at all, not a change to them.
@mutant("chapter5.propagate_loop")
def vectorized_in_disguise(w, b, X, Y):
    """Computes the vectorized formulas: the kata's loops, and the speed lesson, are gone."""
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    eps = np.finfo(A.dtype).eps
    clipped = np.clip(A, eps, 1 - eps)
    cost = -float(np.sum(Y * np.log(clipped) + (1 - Y) * np.log1p(-clipped))) / X.shape[1]
    return {"dw": X @ dZ.T / X.shape[1], "db": float(np.sum(dZ)) / X.shape[1]}, cost


mutant_edit(
    "chapter5.propagate_loop", "loop_forgets_the_bias",
    "Starts each z at 0 instead of b.", ("z = b\n", "z = 0.0\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.propagate_loop", "loop_cost_not_averaged", "Divides dw and db by m but not the cost.",
    ("float(cost) / m", "float(cost)"),
)  # fmt: skip
mutant_edit(
    "chapter5.propagate_loop", "loop_dw_from_a", "Accumulates X[j, i] * a instead of X[j, i] * (a - y) into dw.",
    ("dw[j, 0] += X[j, i] * dz", "dw[j, 0] += X[j, i] * a"),
)  # fmt: skip

mutant_edit(
    "chapter5.optimize", "optimize_climbs_the_gradient", "w + learning_rate * dw: gradient ascent.",
    ('w = w - learning_rate * grads["dw"]', 'w = w + learning_rate * grads["dw"]'),
    ('b = b - learning_rate * grads["db"]', 'b = b + learning_rate * grads["db"]'),
)  # fmt: skip
mutant_edit(
    "chapter5.optimize", "optimize_updates_the_callers_w",
    "w -= learning_rate * dw changes the caller's array in place.",
    ('w = w - learning_rate * grads["dw"]', 'w -= learning_rate * grads["dw"]'),
)  # fmt: skip
mutant_edit(
    "chapter5.optimize", "optimize_records_the_cost_after_the_step",
    "Records each cost after its update: the history is shifted by one step.",
    ("        costs.append(cost)\n", "        costs.append(propagate(w, b, X, Y)[1])\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.optimize", "optimize_ignores_learning_rate",
    "Steps with the default rate 0.009, whatever learning_rate is.",
    ('w = w - learning_rate * grads["dw"]', 'w = w - 0.009 * grads["dw"]'),
    ('b = b - learning_rate * grads["db"]', 'b = b - 0.009 * grads["db"]'),
)  # fmt: skip
mutant_edit(
    "chapter5.optimize", "optimize_never_updates_b", "Updates w only; b stays at its initial value.",
    ('b = b - learning_rate * grads["db"]', "b = b"),
)  # fmt: skip
mutant_edit(
    "chapter5.optimize", "optimize_returns_gradients_after_the_last_step",
    "Returns the gradients at the final parameters instead of those of the last step.",
    ('return {"w": w, "b": b}, grads, costs', 'return {"w": w, "b": b}, propagate(w, b, X, Y)[0], costs'),
)  # fmt: skip

mutant_edit(
    "chapter5.predict_logistic", "predict_logistic_threshold_inclusive", "1 where the probability is >= 0.5.",
    ("b) > 0.5)", "b) >= 0.5)"),
)  # fmt: skip
mutant_edit(
    "chapter5.predict_logistic", "predict_logistic_float_labels", "Returns float labels instead of int64.",
    (".astype(np.int64)", ".astype(X.dtype)"),
)  # fmt: skip

# --- 5.2 the shallow network -------------------------------------------------------------

mutant_edit(
    "chapter5.make_circles", "circles_from_the_global_random_state",
    "Draws from np.random instead of rng: the data set is not reproducible.",
    ("angle = rng.uniform(", "angle = np.random.uniform("), ("+ rng.normal(", "+ np.random.normal("),
)  # fmt: skip
mutant_edit(
    "chapter5.make_circles", "circles_with_swapped_labels", "Puts label 1 on the outer circle and 0 on the inner one.",
    ("np.where(labels == 1.0, 0.5, 1.0)", "np.where(labels == 1.0, 1.0, 0.5)"),
)  # fmt: skip
mutant_edit(
    "chapter5.make_circles", "circles_with_noise_as_variance", "Uses noise as the variance: the std becomes noise**2.",
    ("+ rng.normal(0, noise, size=(2, m))", "+ rng.normal(0, noise**2, size=(2, m))"),
)  # fmt: skip
mutant_edit(
    "chapter5.make_circles", "circles_ignore_noise", "Always adds noise of standard deviation 0.1.",
    ("+ rng.normal(0, noise, size=(2, m))", "+ rng.normal(0, 0.1, size=(2, m))"),
)  # fmt: skip
mutant_edit(
    "chapter5.make_circles", "circles_split_at_m_over_2",
    "Labels from index m // 2 on as inner: one too many for odd m.",
    ("labels[m - m // 2 :] = 1.0", "labels[m // 2 :] = 1.0"),
)  # fmt: skip
mutant_edit(
    "chapter5.make_circles", "circles_draw_the_noise_first", "Draws the noise before the angles.",
    ("    angle = rng.uniform(0, 2 * np.pi, size=m)\n"
     "    X = radius * np.stack([np.cos(angle), np.sin(angle)]) + rng.normal(0, noise, size=(2, m))\n",
     "    noise_draws = rng.normal(0, noise, size=(2, m))\n    angle = rng.uniform(0, 2 * np.pi, size=m)\n"
     "    X = radius * np.stack([np.cos(angle), np.sin(angle)]) + noise_draws\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.make_circles", "circles_in_float64", "Returns X in float64 instead of float32.",
    ("return X.astype(np.float32), ", "return X, "),
)  # fmt: skip

mutant_edit(
    "chapter5.initialize_parameters", "zero_weights", "All-zero weights: every hidden unit stays identical forever.",
    ("    W1 = 0.01 * rng.standard_normal((n_h, n_x))", "    W1 = np.zeros((n_h, n_x))"),
    ("    W2 = 0.01 * rng.standard_normal((n_y, n_h))", "    W2 = np.zeros((n_y, n_h))"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters", "rank_1_shallow_biases",
    "Biases as rank-1 (n,) arrays instead of columns (n, 1).",
    ("np.zeros((n_h, 1), dtype=dtype)", "np.zeros(n_h, dtype=dtype)"),
    ("np.zeros((n_y, 1), dtype=dtype)", "np.zeros(n_y, dtype=dtype)"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters", "unscaled_shallow_weights", "Standard normal weights without the 0.01.",
    ("    W1 = 0.01 * rng", "    W1 = rng"), ("    W2 = 0.01 * rng", "    W2 = rng"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters", "draws_W2_first", "Draws W2 before W1.",
    ("    W1 = 0.01 * rng.standard_normal((n_h, n_x))\n    W2 = 0.01 * rng.standard_normal((n_y, n_h))\n",
     "    W2 = 0.01 * rng.standard_normal((n_y, n_h))\n    W1 = 0.01 * rng.standard_normal((n_h, n_x))\n"),
)  # fmt: skip

mutant_edit(
    "chapter5.forward_propagation", "relu_hidden_layer", "ReLU in the hidden layer instead of tanh.",
    ("A1 = np.tanh(Z1)", "A1 = np.maximum(Z1, 0)"),
)  # fmt: skip
mutant_edit(
    "chapter5.forward_propagation", "caches_activations_as_Z", 'Stores A1 under "Z1" in the cache.',
    ('{"Z1": Z1,', '{"Z1": A1,'),
)  # fmt: skip

mutant_edit(
    "chapter5.backward_propagation", "shallow_sigmoid_derivative_applied_twice",
    "dZ2 = (A2 - Y) * A2 * (1 - A2): A2 - Y already holds the sigmoid's derivative.",
    ("    dZ2 = A2 - Y\n", "    dZ2 = (A2 - Y) * A2 * (1 - A2)\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.backward_propagation", "shallow_missing_one_over_m",
    "Weight gradients summed over the examples, not averaged.",
    ("dW2 = (dZ2 @ A1.T) / m", "dW2 = dZ2 @ A1.T"), ("dW1 = (dZ1 @ X.T) / m", "dW1 = dZ1 @ X.T"),
)  # fmt: skip
mutant_edit(
    "chapter5.backward_propagation", "shallow_db_over_the_wrong_axis",
    "Bias gradients summed over axis 0 (the units) instead of axis 1 (the examples).",
    ("np.sum(dZ2, axis=1,", "np.sum(dZ2, axis=0,"), ("np.sum(dZ1, axis=1,", "np.sum(dZ1, axis=0,"),
)  # fmt: skip
mutant_edit(
    "chapter5.backward_propagation", "shallow_rank_1_bias_gradients", "np.sum without keepdims: bias gradients (n,).",
    ("np.sum(dZ2, axis=1, keepdims=True)", "np.sum(dZ2, axis=1)"),
    ("np.sum(dZ1, axis=1, keepdims=True)", "np.sum(dZ1, axis=1)"),
)  # fmt: skip
mutant_edit(
    "chapter5.backward_propagation", "tanh_derivative_of_Z", "1 - Z1**2 instead of 1 - A1**2 = 1 - tanh(Z1)**2.",
    ("* (1 - A1**2)\n", '* (1 - cache["Z1"] ** 2)\n'),
)  # fmt: skip
mutant_edit(
    "chapter5.nn_model", "updates_W2_before_the_backward_pass_finishes",
    "Updates W2 as soon as dW2 is known, then backpropagates into layer 1 through the new W2.",
    ("grads = backward_propagation(X, Y, parameters, cache)",
     'W2 = parameters["W2"] - learning_rate * backward_propagation(X, Y, parameters, cache)["dW2"]\n'
     '        grads = backward_propagation(X, Y, {**parameters, "W2": W2}, cache)'),
)  # fmt: skip
mutant_edit(
    "chapter5.nn_model", "nn_model_climbs_the_gradient", "P + learning_rate * dP: gradient ascent.",
    ("value - learning_rate", "value + learning_rate"),
)  # fmt: skip
mutant_edit(
    "chapter5.nn_model", "nn_model_ignores_learning_rate",
    "Steps with the default rate 1.2, whatever learning_rate is.",
    ("value - learning_rate * grads", "value - 1.2 * grads"),
)  # fmt: skip
mutant_edit(
    "chapter5.nn_model", "nn_model_stops_after_one_step", "Takes one step, whatever num_iterations is.",
    ("range(num_iterations)", "range(1)"),
)  # fmt: skip
mutant_edit(
    "chapter5.nn_model", "nn_model_assumes_one_output", "Initializes one output unit, whatever Y's rows.",
    ("Y.shape[0], rng", "1, rng"),
)  # fmt: skip
mutant_edit(
    "chapter5.nn_model", "nn_model_unseeded_initialization", "Initializes from a fresh unseeded generator, not rng.",
    ("Y.shape[0], rng, X.dtype)", "Y.shape[0], np.random.default_rng(), X.dtype)"),
)  # fmt: skip

mutant_edit(
    "chapter5.predict_shallow", "predict_shallow_threshold_inclusive", "1 where A2 >= 0.5.",
    ("(A2 > 0.5)", "(A2 >= 0.5)"),
)  # fmt: skip
mutant_edit(
    "chapter5.predict_shallow", "predict_shallow_boolean_labels", "Returns booleans instead of int64 labels.",
    ("(A2 > 0.5).astype(np.int64)", "A2 > 0.5"),
)  # fmt: skip

# --- 5.3 the L-layer network -------------------------------------------------------------

mutant_edit(
    "chapter5.initialize_parameters_deep", "deep_rank_1_biases", "Biases (n[l],) instead of columns (n[l], 1).",
    ("np.zeros((n, 1), dtype=dtype)", "np.zeros(n, dtype=dtype)"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters_deep", "lecture_notes_scale",
    "Weights scaled by 0.01, as in the lecture notes: a deep ReLU network stalls.",
    ("np.sqrt(2.0 / n_prev)", "0.01"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters_deep", "xavier_scale",
    "sqrt(1 / n[l-1]) (Xavier) instead of He's sqrt(2 / n[l-1]).",
    ("np.sqrt(2.0 / n_prev)", "np.sqrt(1.0 / n_prev)"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters_deep", "he_scale_of_the_layer_itself",
    "sqrt(2 / n[l]) instead of sqrt(2 / n[l-1]).",
    ("np.sqrt(2.0 / n_prev)", "np.sqrt(2.0 / n)"),
)  # fmt: skip
mutant_edit(
    "chapter5.initialize_parameters_deep", "transposed_weights", "W[l] of shape (n[l-1], n[l]): chapters 3-4's layout.",
    ("rng.standard_normal((n, n_prev))", "rng.standard_normal((n_prev, n))"),
)  # fmt: skip

mutant_edit(
    "chapter5.linear_forward", "linear_cache_in_the_wrong_order", "Caches (W, A, b) instead of (A, W, b).",
    ("return Z, (A, W, b)", "return Z, (W, A, b)"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_forward", "transposed_product", "A^T W^T + b^T: the row-major (m, n[l]) result.",
    ("Z = W @ A + b", "Z = A.T @ W.T + b.T"),
)  # fmt: skip


def _softmax(Z):
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)


def _apply(Z, activation):
    return np.maximum(Z, 0) if activation == "relu" else sigmoid(Z) if activation == "sigmoid" else _softmax(Z)


# Whole functions: the softmax lives in the reference's helper _activate, which an edit of this kata cannot reach.
@mutant("chapter5.linear_activation_forward")
def softmax_over_rows(A_prev, W, b, activation):
    """Softmax over axis 1 (across the examples) instead of each column."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "softmax":
        exp = np.exp(Z - Z.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True), (linear_cache, Z)
    return _apply(Z, activation), (linear_cache, Z)


@mutant("chapter5.linear_activation_forward")
def unstable_softmax(A_prev, W, b, activation):
    """exp(Z) without subtracting the column maximum: overflows at large Z."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "softmax":
        return np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True), (linear_cache, Z)
    return _apply(Z, activation), (linear_cache, Z)


mutant_edit(
    "chapter5.linear_activation_forward", "caches_A_instead_of_Z", "The activation cache holds A instead of Z.",
    ("return _activate(Z, activation), (linear_cache, Z)",
     "A = _activate(Z, activation)\n    return A, (linear_cache, A)"),
)  # fmt: skip

mutant_edit(
    "chapter5.L_model_forward", "sigmoid_hidden_layers", "Sigmoid in the hidden layers instead of ReLU.",
    ('"relu" if layer < L else output', '"sigmoid" if layer < L else output'),
)  # fmt: skip
mutant_edit(
    "chapter5.L_model_forward", "output_ignored", "Always a sigmoid output layer, whatever output says.",
    ('"relu" if layer < L else output', '"relu" if layer < L else "sigmoid"'),
)  # fmt: skip
mutant_edit(
    "chapter5.L_model_forward", "caches_in_reverse_order", "Returns the caches last layer first.",
    ("return A, caches", "return A, caches[::-1]"),
)  # fmt: skip

mutant_edit(
    "chapter5.compute_cost", "cost_missing_one_over_m", "Sums the losses instead of averaging them.",
    ("-float(np.sum(log_likelihood)) / m", "-float(np.sum(log_likelihood))"),
)  # fmt: skip
mutant_edit(
    "chapter5.compute_cost", "cost_unclipped", "log(AL) unclipped: a prediction of exactly 0 or 1 costs inf and warns.",
    ("AL = np.clip(AL, eps, 1 - eps)", "AL = AL"),
)  # fmt: skip
mutant_edit(
    "chapter5.compute_cost", "binary_cost_averaged_over_every_entry",
    "np.mean for the sigmoid cost: with n[L] output rows it is divided by n[L] * m instead of m.",
    ("-float(np.sum(log_likelihood)) / m", "-float(np.sum(log_likelihood)) / (AL.size if output == 'sigmoid' else m)"),
)  # fmt: skip
mutant_edit(
    "chapter5.compute_cost", "softmax_cost_averaged_over_classes_too",
    "np.mean over every entry: the softmax cost is divided by k * m instead of m.",
    ("-float(np.sum(log_likelihood)) / m", "-float(np.mean(log_likelihood))"),
)  # fmt: skip

mutant_edit(
    "chapter5.linear_backward", "db_summed_over_the_wrong_axis", "db sums over axis 0 (the units): shape (1, m).",
    ("db = np.sum(dZ, axis=1, keepdims=True)", "db = np.sum(dZ, axis=0, keepdims=True)"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_backward", "linear_backward_missing_one_over_m",
    "dW = dZ A_prev^T and db = sum(dZ) without the 1/m.",
    ("dW = (dZ @ A_prev.T) / m", "dW = dZ @ A_prev.T"), ("keepdims=True) / m", "keepdims=True)"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_backward", "rank_1_db", "np.sum(dZ, axis=1) without keepdims: db of shape (n[l],).",
    ("db = np.sum(dZ, axis=1, keepdims=True)", "db = np.sum(dZ, axis=1)"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_backward", "dA_prev_averaged",
    "dA_prev = (1/m) W^T dZ: the 1/m applied again in the layers below.",
    ("dA_prev = W.T @ dZ", "dA_prev = W.T @ dZ / m"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_backward", "linear_cache_unpacked_in_the_wrong_order", "Unpacks the cache as (W, A_prev, b).",
    ("A_prev, W, _ = cache", "W, A_prev, _ = cache"),
)  # fmt: skip

mutant_edit(
    "chapter5.linear_activation_backward", "sigmoid_derivative_applied_twice",
    "dZ = dA * s(1 - s) * s(1 - s): the sigmoid's derivative multiplied in twice.",
    ("        dZ = dA * s * (1 - s)\n", "        dZ = dA * s * (1 - s) * s * (1 - s)\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_activation_backward", "relu_mask_from_dA", "Masks with dA > 0 instead of Z > 0.",
    ("        dZ = dA * (Z > 0)\n", "        dZ = dA * (dA > 0)\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.linear_activation_backward", "softmax_treated_element_wise",
    "dZ = dA * S * (1 - S): softmax's derivative taken as if each unit were alone.",
    ("dZ = S * (dA - np.sum(S * dA, axis=0, keepdims=True))", "dZ = dA * S * (1 - S)"),
)  # fmt: skip

mutant_edit(
    "chapter5.L_model_backward", "output_sigmoid_derivative_applied_twice",
    "dZ[L] = (AL - Y) * AL * (1 - AL) for a sigmoid output: AL - Y already is dA[L] * sigmoid'(Z[L]).",
    ("linear_backward(AL - Y,", 'linear_backward((AL - Y) * AL * (1 - AL) if output == "sigmoid" else AL - Y,'),
)  # fmt: skip
mutant_edit(
    "chapter5.L_model_backward", "hidden_caches_in_the_wrong_order",
    "Walks the hidden layers' caches first to last while the gradient flows last to first.",
    ('caches[layer - 1], "relu")', 'caches[L - 1 - layer], "relu")'),
)  # fmt: skip


# A whole function: the update goes between dW and dA_prev, which the reference computes together in linear_backward.
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


mutant_edit(
    "chapter5.update_parameters", "updates_in_place",
    "W -= learning_rate * dW: changes the caller's arrays (and the ones the caches hold).",
    ('value - learning_rate * grads[f"d{name}"]', 'np.subtract(value, learning_rate * grads[f"d{name}"], out=value)'),
)  # fmt: skip
mutant_edit(
    "chapter5.update_parameters", "update_climbs_the_gradient", "W + learning_rate * dW: gradient ascent.",
    ("value - learning_rate", "value + learning_rate"),
)  # fmt: skip
mutant_edit(
    "chapter5.update_parameters", "update_skips_the_biases", "Updates only the weights.",
    ('grads[f"d{name}"]', 'grads[f"d{name}"] * name.startswith("W")'),
)  # fmt: skip

mutant_edit("chapter5.predict", "predict_threshold_inclusive", "1 where AL >= 0.5.", ("(AL > 0.5)", "(AL >= 0.5)"))
mutant_edit(
    "chapter5.predict", "argmax_over_the_examples",
    "argmax over axis 1 (the examples) instead of axis 0 (the classes).",
    ("np.argmax(AL, axis=0, keepdims=True)", "np.argmax(AL, axis=1, keepdims=True).T"),
)  # fmt: skip


# A whole function: the update goes inside the backward pass, which the reference leaves to L_model_backward.
@mutant("chapter5.L_layer_model")
def updates_before_the_backward_pass_finishes(
    X, Y, layer_dims, rng, learning_rate=0.0075, num_epochs=3000, batch_size=None, output="sigmoid"
):
    """Updates each layer as soon as its gradient is known: the layers below get gradients of another network."""
    p = initialize_parameters_deep(layer_dims, rng, X.dtype)
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        order = np.arange(m) if batch_size is None else rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size or m):
            columns = order[start : start + (batch_size or m)]
            AL, caches = L_model_forward(X[:, columns], p, output)
            total += compute_cost(AL, Y[:, columns], output) * len(columns)
            dZ = AL - Y[:, columns]
            for layer in range(len(caches), 0, -1):
                A_prev = caches[layer - 1][0][0]
                p[f"W{layer}"] = p[f"W{layer}"] - learning_rate * (dZ @ A_prev.T / len(columns))
                p[f"b{layer}"] = p[f"b{layer}"] - learning_rate * np.sum(dZ, axis=1, keepdims=True) / len(columns)
                if layer > 1:
                    dZ = (p[f"W{layer}"].T @ dZ) * (caches[layer - 2][1] > 0)
        costs.append(total / m)
    return p, costs


mutant_edit(
    "chapter5.L_layer_model", "drops_the_partial_batch", "Skips the last batch when it is smaller than batch_size.",
    ("range(0, m, size)", "range(0, m - size + 1, size)"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "never_shuffles", "Takes the batches in the original column order every epoch.",
    ("else rng.permutation(m)", "else np.arange(m)"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "shuffles_once",
    "Draws one permutation before the first epoch and reuses it every epoch.",
    ("    for _ in range(num_epochs):\n        order = None if batch_size is None else rng.permutation(m)\n",
     "    order = None if batch_size is None else rng.permutation(m)\n    for _ in range(num_epochs):\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "shuffles_with_the_global_state", "np.random.permutation instead of rng.permutation.",
    ("else rng.permutation(m)", "else np.random.permutation(m)"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "shuffles_X_and_Y_apart", "Draws one permutation for X's columns and another for Y's.",
    ("Y[:, columns]", "Y[:, columns if order is None else rng.permutation(m)[start : start + size]]"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "shuffles_the_callers_arrays", "Shuffles the caller's X and Y in place each epoch.",
    ("        order = None if batch_size is None else rng.permutation(m)\n",
     "        order = None if batch_size is None else rng.permutation(m)\n        if order is not None:\n"
     "            X[:], Y[:], order = X[:, order], Y[:, order], np.arange(m)\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "cost_weighted_by_batch_size",
    "Weights every batch's cost by batch_size, the last one too.",
    ("* X_batch.shape[1]", "* size"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "cost_mean_of_batch_costs", "The epoch's cost is the plain mean of its batch costs.",
    ("* X_batch.shape[1]", ""), ("costs.append(total / m)", "costs.append(total / len(range(0, m, size)))"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "cost_after_the_update", "Records each batch's cost after its update.",
    ("            total += compute_cost(AL, Y_batch, output) * X_batch.shape[1]\n"
     "            grads = L_model_backward(AL, Y_batch, caches, output)\n"
     "            parameters = update_parameters(parameters, grads, learning_rate)\n",
     "            grads = L_model_backward(AL, Y_batch, caches, output)\n"
     "            parameters = update_parameters(parameters, grads, learning_rate)\n"
     "            AL, _ = L_model_forward(X_batch, parameters, output)\n"
     "            total += compute_cost(AL, Y_batch, output) * X_batch.shape[1]\n"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "ignores_learning_rate", "Steps with the default rate 0.0075, whatever learning_rate is.",
    ("update_parameters(parameters, grads, learning_rate)", "update_parameters(parameters, grads, 0.0075)"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "ignores_batch_size", "One batch of all (shuffled) columns, whatever batch_size is.",
    ("size = batch_size or m", "size = m"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "ignores_num_epochs", "Trains one epoch, whatever num_epochs is.",
    ("range(num_epochs)", "range(1)"),
)  # fmt: skip
mutant_edit(
    "chapter5.L_layer_model", "lecture_notes_initialization",
    "Initializes with 0.01 * standard normal, not He's scale.",
    ("    parameters = initialize_parameters_deep(layer_dims, rng, X.dtype)\n",
     "    parameters = {name: value * (0.01 / np.sqrt(2 / value.shape[1]) if name[0] == 'W' else 1)\n"
     "                  for name, value in initialize_parameters_deep(layer_dims, rng, X.dtype).items()}\n"),
)  # fmt: skip

# --- 5.4 gradient checking ---------------------------------------------------------------

mutant_edit(
    "chapter5.dictionary_to_vector", "flattens_column_by_column", "Flattens each W column by column (Fortran order).",
    ("parameters[name].reshape(-1)", 'parameters[name].reshape(-1, order="F")'),
)  # fmt: skip
mutant_edit(
    "chapter5.dictionary_to_vector", "follows_the_dict_order", "Concatenates in the dict's order, not W1, b1, ..., bL.",
    ("for name in names]", "for name in parameters]"),
)  # fmt: skip
mutant_edit(
    "chapter5.dictionary_to_vector", "sorts_the_names", "Sorts the names as strings: W1, W10, W11, W2, ..., b1, ....",
    ("for name in names]", "for name in sorted(parameters)]"),
)  # fmt: skip
mutant_edit(
    "chapter5.dictionary_to_vector", "rank_1_vector", "Returns a rank-1 (N,) vector instead of the column (N, 1).",
    ("]).reshape(-1, 1)", "])"),
)  # fmt: skip

mutant_edit(
    "chapter5.vector_to_dictionary", "unflattens_column_by_column", "Reshapes each W column by column (Fortran order).",
    (".reshape(n, n_prev)", '.reshape((n, n_prev), order="F")'),
)  # fmt: skip
mutant_edit(
    "chapter5.vector_to_dictionary", "rank_1_biases_from_the_vector", "Biases of shape (n,) instead of (n, 1).",
    (".reshape(n, 1)", ".reshape(n)"),
)  # fmt: skip
mutant_edit(
    "chapter5.vector_to_dictionary", "weights_first_then_biases", "Reads all the weights first, then all the biases.",
    ('        parameters[f"b{layer}"] = theta[start : start + n].reshape(n, 1)\n        start += n\n', ""),
    ("    return parameters",
     "    for layer in range(1, len(layer_dims)):\n"
     "        n = layer_dims[layer]\n"
     '        parameters[f"b{layer}"] = theta[start : start + n].reshape(n, 1)\n'
     "        start += n\n"
     "    return parameters"),
)  # fmt: skip
mutant_edit(
    "chapter5.gradient_check", "one_sided_differences", "(J(theta + eps) - J(theta)) / eps: accurate to O(eps) only.",
    ("(cost(theta_plus) - cost(theta_minus)) / (2 * epsilon)", "(cost(theta_plus) - cost(theta)) / epsilon"),
)  # fmt: skip
mutant_edit(
    "chapter5.gradient_check", "nudges_theta_itself",
    "Nudges theta itself instead of fresh copies: both costs see the same, restored theta.",
    ("theta_plus = theta.copy()", "theta_plus = theta"), ("theta_minus = theta.copy()", "theta_minus = theta"),
)  # fmt: skip
mutant_edit(
    "chapter5.gradient_check", "checks_in_the_input_dtype",
    "Works in the parameters' dtype: in float32 a nudge of 1e-7 is lost to rounding.",
    ("theta = dictionary_to_vector(parameters).astype(np.float64)", "theta = dictionary_to_vector(parameters)"),
    ("X = X.astype(np.float64)", "X = X"), ("Y = Y.astype(np.float64)", "Y = Y"),
)  # fmt: skip
mutant_edit(
    "chapter5.gradient_check", "divides_by_epsilon", "(J(theta + eps) - J(theta - eps)) / eps: twice the derivative.",
    ("cost(theta_minus)) / (2 * epsilon)", "cost(theta_minus)) / epsilon"),
)  # fmt: skip
mutant_edit(
    "chapter5.gradient_check", "divides_zero_by_zero", "No special case when both gradients are 0: 0 / 0.",
    ("if denominator > 0 else 0.0", "if denominator >= 0 else 0.0"),
)  # fmt: skip

# --- 5.5 the bridge ----------------------------------------------------------------------

mutant_edit(
    "chapter5.parameters_to_row_major", "row_major_views",
    "Returns the transposes as views: training the copy in place changes the original.",
    ("[np.ascontiguousarray(W.T), np.ascontiguousarray(b.T)]", "[W.T, b.T]"),
)  # fmt: skip
mutant_edit(
    "chapter5.parameters_to_row_major", "biases_left_as_columns",
    "Transposes the weights but leaves the biases (n, 1).",
    ("np.ascontiguousarray(b.T)", "np.ascontiguousarray(b)"),
)  # fmt: skip
mutant_edit(
    "chapter5.parameters_to_row_major", "weights_then_biases",
    "[W1, ..., WL, b1, ..., bL] instead of forward_mlp's order W1, b1, W2, b2.",
    ("row_major += [np.ascontiguousarray(W.T), np.ascontiguousarray(b.T)]",
     "row_major.append(np.ascontiguousarray(W.T))"),
    ("    return row_major",
     '    return row_major + [np.ascontiguousarray(parameters[f"b{layer}"].T) for layer in range(1, L + 1)]'),
)  # fmt: skip
mutant_edit(
    "chapter5.parameters_to_column_major", "column_major_biases_left_as_rows",
    "Transposes the weights but leaves the biases (1, n).",
    ("np.ascontiguousarray(b_row.T)", "np.ascontiguousarray(b_row)"),
)  # fmt: skip
mutant_edit(
    "chapter5.parameters_to_column_major", "column_major_views", "Returns transposed views, not copies.",
    ("np.ascontiguousarray(W_row.T)", "W_row.T"), ("np.ascontiguousarray(b_row.T)", "b_row.T"),
)  # fmt: skip
