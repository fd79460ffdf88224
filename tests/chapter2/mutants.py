"""Plausible wrong chapter-2 solutions; every one must fail some test of its kata.

All are edits of the reference's source (``mutant_edit``): each fails loudly
when the reference changes under it.
"""

from kata.mutants import mutant_edit

# --- mse_loss and binary_cross_entropy -------------------------------------------------

mutant_edit(
    "chapter2.mse_loss", "sum_of_squares", "Sums the squared errors instead of averaging them.",
    ("np.mean((y_pred - y) ** 2)", "np.sum((y_pred - y) ** 2)"),
)  # fmt: skip
mutant_edit(
    "chapter2.mse_loss", "mse_returns_numpy_scalar",
    "Returns np.mean's NumPy scalar (a float32 for float32 input) instead of a Python float.",
    ("return float(np.mean((y_pred - y) ** 2))", "return np.mean((y_pred - y) ** 2)"),
)  # fmt: skip
mutant_edit(
    "chapter2.mse_loss", "mean_per_column_summed", "Averages each column over the rows, then sums the columns.",
    ("np.mean((y_pred - y) ** 2)", "np.sum(np.mean((y_pred - y) ** 2, axis=0))"),
)  # fmt: skip
mutant_edit(
    "chapter2.binary_cross_entropy", "unclipped_logs",
    "No clipping: log(0) at A = 0 or 1 gives inf or nan, with a RuntimeWarning.",
    ("A = np.clip(A, eps, 1 - eps)", "pass"),
)  # fmt: skip
mutant_edit(
    "chapter2.binary_cross_entropy", "fixed_tiny_clip",
    "Clips at a fixed 1e-12: in float32, 1 - 1e-12 rounds to 1 and log(1 - A) is log(0) again.",
    ("    eps = np.finfo(A.dtype).eps", "    eps = 1e-12"),
)  # fmt: skip
mutant_edit(
    "chapter2.binary_cross_entropy", "fixed_clip_of_1e_minus_7",
    "Clips at a fixed 1e-7 whatever the dtype: a confident mistake costs 16 in float64 instead of -log(eps) = 36.",
    ("    eps = np.finfo(A.dtype).eps", "    eps = 1e-7"),
)  # fmt: skip
mutant_edit(
    "chapter2.binary_cross_entropy", "missing_minus_sign",
    "Forgets the leading minus: the loss is negative and rewards wrong predictions.",
    ("float(-np.mean(", "float(np.mean("),
)  # fmt: skip
mutant_edit(
    "chapter2.binary_cross_entropy", "mean_per_column_summed", "Averages each column over the rows, then sums.",
    ("-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))",
     "-np.sum(np.mean(y * np.log(A) + (1 - y) * np.log(1 - A), 0))"),
)  # fmt: skip
mutant_edit(
    "chapter2.binary_cross_entropy", "one_log_per_label",
    "Picks -log(a) where y > 0.5 and -log(1 - a) elsewhere: right for 0/1 labels only, not for soft ones.",
    ("y * np.log(A) + (1 - y) * np.log(1 - A)", "np.where(y > 0.5, np.log(A), np.log(1 - A))"),
)  # fmt: skip

# --- gradient_descent ------------------------------------------------------------------

mutant_edit(
    "chapter2.gradient_descent", "half_mse_gradient",
    "The posts' gradient X.T @ (y_pred - y) / n: half the gradient of the MSE it reports.",
    ("W = W - lr * (2 / n) * (X.T @ error)", "W = W - lr * (1 / n) * (X.T @ error)"),
    ("b = b - lr * (2 / n) * np.sum", "b = b - lr * (1 / n) * np.sum"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "summed_not_averaged", "Forgets the 1/n: the gradient of the sum of squares.",
    ("W = W - lr * (2 / n) * (X.T @ error)", "W = W - lr * 2 * (X.T @ error)"),
    ("b = b - lr * (2 / n) * np.sum", "b = b - lr * 2 * np.sum"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "mutates_callers_weights",
    "Updates W and b in place (W -= ...): the caller's arrays change.",
    ("W = W - lr * (2 / n) * (X.T @ error)", "W -= lr * (2 / n) * (X.T @ error)"),
    ("b = b - lr * (2 / n) * np.sum", "b -= lr * (2 / n) * np.sum"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "records_loss_after_update", "Records the loss after each update, not before it.",
    ("        loss_history.append(mse_loss(y_pred, y))\n", ""),
    ("keepdims=True)\n", "keepdims=True)\n        loss_history.append(mse_loss(X @ W + b, y))\n"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "bias_never_updated", "Updates W but forgets the bias.",
    ("b = b - lr * (2 / n) * np.sum(error, axis=0, keepdims=True)", "b = b.copy()"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "bias_step_forgets_lr", "Steps the bias by its whole gradient, without lr.",
    ("b = b - lr * (2 / n) * np.sum", "b = b - (2 / n) * np.sum"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "gradient_transposed",
    "error.T @ X, shape (1, d): W - dW broadcasts to a (d, d) matrix.",
    ("(X.T @ error)", "(error.T @ X)"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "stale_prediction",
    "Predicts once before the loop: every iteration steps with the initial error.",
    ("for _ in range(num_iterations):\n        y_pred = X @ W + b",
     "y_pred = X @ W + b\n    for _ in range(num_iterations):"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "one_iteration_short", "Runs num_iterations - 1 updates.",
    ("range(num_iterations)", "range(num_iterations - 1)"),
)  # fmt: skip
mutant_edit(
    "chapter2.gradient_descent", "upcasts_float32", "Computes 2 / n as a NumPy float64, which upcasts float32 W and b.",
    ("n = X.shape[0]", "n = np.float64(X.shape[0])"),
)  # fmt: skip

# --- minibatch_gradient_descent --------------------------------------------------------

BATCHES = "iterate_minibatches(X, y, batch_size, rng)"
HISTORY = 'loss_history.append(mse_loss(prediction, y) if model == "linear" else binary_cross_entropy(prediction, y))'
mutant_edit(
    "chapter2.minibatch_gradient_descent", "minibatch_half_mse_gradient",
    "The linear model's gradient without the 2: X.T @ (y_pred - y) / m.",
    ('scale = 2 if model == "linear" else 1', "scale = 1"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "logistic_gradient_with_a_two",
    "Uses the MSE's factor 2 for the logistic model too: 2/m X.T @ (A - y).",
    ('scale = 2 if model == "linear" else 1', "scale = 2"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "logistic_update_forgets_sigmoid",
    "The logistic update uses Z - y instead of sigmoid(Z) - y (the loss still uses the sigmoid).",
    ("_predict(X_batch, W, b, model)", '_predict(X_batch, W, b, "linear")'),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "logistic_history_is_mse",
    "Records the MSE of the probabilities for the logistic model instead of its cross-entropy.",
    (HISTORY, "loss_history.append(mse_loss(prediction, y))"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "drops_partial_last_batch",
    "Skips the last batch when it has fewer than batch_size rows.",
    ("m = X_batch.shape[0]\n", "m = X_batch.shape[0]\n            if m < batch_size:\n                continue\n"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "divides_by_nominal_batch_size",
    "Averages every batch by batch_size, so a partial last batch takes too small a step.",
    ("m = X_batch.shape[0]", "m = batch_size"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "divides_by_n",
    "Averages every batch's gradient over all n rows instead of the batch's m.",
    ("m = X_batch.shape[0]", "m = X.shape[0]"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "never_shuffles",
    "Walks the batches in the original order every epoch and ignores rng.",
    (BATCHES, "iterate_minibatches(X, y, batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "shuffles_only_once",
    "Draws one permutation before the first epoch and walks the same batches in every epoch.",
    ("    loss_history = []\n",
     "    loss_history = []\n    once = rng.permutation(len(X))\n    X, y = X[once], y[once]\n"),
    (BATCHES, "iterate_minibatches(X, y, batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "shuffles_x_and_y_separately",
    "Shuffles X and y with two different permutations: rows lose their targets.",
    (BATCHES, "iterate_minibatches(X[rng.permutation(len(X))], y[rng.permutation(len(y))], batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "shuffles_with_global_state",
    "Shuffles with np.random instead of rng: results are not reproducible from the seed.",
    (BATCHES, "iterate_minibatches(X[(p := np.random.permutation(len(X)))], y[p], batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "samples_batches_with_replacement",
    "Draws each batch's rows at random with replacement instead of cutting a permutation.",
    (BATCHES, "((X[r], y[r]) for r in (rng.integers(0, len(X), min(batch_size, len(X))) "
              "for _ in range(-(-len(X) // batch_size))))"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "shuffles_callers_arrays_in_place",
    "Shuffles the caller's X and y in place (X[...] = X[order]) before cutting them into batches.",
    (f"for X_batch, y_batch in {BATCHES}:",
     "order = rng.permutation(len(X))\n        X[...], y[...] = X[order], y[order]\n"
     "        for X_batch, y_batch in iterate_minibatches(X, y, batch_size):"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "minibatch_mutates_callers_weights", "Trains the caller's W and b in place.",
    ("W = W - lr * (scale / m)", "W -= lr * (scale / m)"), ("b = b - lr * (scale / m)", "b -= lr * (scale / m)"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "minibatch_bias_never_updated", "Updates W but forgets the bias.",
    ("b = b - lr * (scale / m) * np.sum(error, axis=0, keepdims=True)", "b = b.copy()"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "restarts_every_epoch",
    "Starts every epoch again from the initial W and b: only the last epoch's updates survive.",
    ("    for _ in range(num_epochs):\n",
     "    W0, b0 = W, b\n    for _ in range(num_epochs):\n        W, b = W0, b0\n"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "records_loss_before_epoch",
    "Records the whole-set loss at the start of each epoch, before its updates.",
    (f"        prediction = _predict(X, W, b, model)\n        {HISTORY}\n", ""),
    ("        for X_batch, y_batch in", f"        prediction = _predict(X, W, b, model)\n        {HISTORY}\n"
                                      "        for X_batch, y_batch in"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "records_mean_of_batch_losses",
    "Records the mean of the batches' losses, each taken before its update, instead of the loss after the epoch.",
    ("            error = np.subtract(_predict(X_batch, W, b, model), y_batch)\n",
     "            p = _predict(X_batch, W, b, model)\n            batch_losses.append("
     'mse_loss(p, y_batch) if model == "linear" else binary_cross_entropy(p, y_batch))\n'
     "            error = np.subtract(p, y_batch)\n"),
    ("        for X_batch, y_batch in", "        batch_losses = []\n        for X_batch, y_batch in"),
    (f"prediction = _predict(X, W, b, model)\n        {HISTORY}", "loss_history.append(float(np.mean(batch_losses)))"),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "records_last_batch_loss",
    "Records the loss of the epoch's last batch (after its update) instead of the loss on all rows.",
    (f"prediction = _predict(X, W, b, model)\n        {HISTORY}",
     "prediction = _predict(X_batch, W, b, model)\n        loss_history.append(mse_loss(prediction, y_batch) "
     'if model == "linear" else binary_cross_entropy(prediction, y_batch))'),
)  # fmt: skip
mutant_edit(
    "chapter2.minibatch_gradient_descent", "minibatch_upcasts_float32",
    "Takes m as a NumPy float64, which upcasts float32 W and b.",
    ("m = X_batch.shape[0]", "m = np.float64(X_batch.shape[0])"),
)  # fmt: skip

# --- numerical_gradient and relative_error ---------------------------------------------

mutant_edit(
    "chapter2.numerical_gradient", "one_sided_difference",
    "(L(p + h) - L(p)) / h: a one-sided difference, whose error is O(h), not O(h^2).",
    ("value[index] = original - h\n", "value[index] = original\n"),
    ("(loss_plus - loss_minus) / (2 * h)", "(loss_plus - loss_minus) / h"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "never_restores",
    "Leaves every element nudged down by h: the caller's parameters come back changed.",
    ("finally:\n                value[index] = original", "finally:\n                pass"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "restores_by_arithmetic",
    "Restores with p - h + h instead of the saved value: off in the last bit for many p.",
    ("finally:\n                value[index] = original", "finally:\n                value[index] = value[index] + h"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "restores_only_on_success",
    "Restores each element after computing, but not in a finally: an exception leaves it nudged.",
    ("            finally:\n                value[index] = original",
     "                value[index] = original\n            finally:\n                pass"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "divides_by_h_not_2h", "Centered difference divided by h instead of 2h.",
    ("(loss_plus - loss_minus) / (2 * h)", "(loss_plus - loss_minus) / h"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "nudges_down_from_the_up_position",
    "Subtracts h from the nudged-up value, so the second loss is at p, not p - h: half a one-sided difference.",
    ("value[index] = original - h", "value[index] = value[index] - h"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "nudges_whole_rows",
    "Walks range(p.shape[0]): each nudge moves a whole row of a matrix (and a 0-d parameter has no rows).",
    ("np.ndindex(value.shape)", "range(value.shape[0])"),
)  # fmt: skip
mutant_edit(
    "chapter2.numerical_gradient", "gradients_always_float64",
    "np.zeros(p.shape): float64 gradients for float32 parameters.",
    ("np.zeros_like(value)", "np.zeros(value.shape)"),
)  # fmt: skip
mutant_edit(
    "chapter2.relative_error", "divides_by_larger_norm", "||a - n|| / max(||a||, ||n||): another formula.",
    ("total = np.linalg.norm(a) + np.linalg.norm(n)", "total = max(np.linalg.norm(a), np.linalg.norm(n))"),
)  # fmt: skip
mutant_edit(
    "chapter2.relative_error", "divides_by_analytic_norm", "||a - n|| / ||a||: relative to the analytic gradient only.",
    ("total = np.linalg.norm(a) + np.linalg.norm(n)", "total = np.linalg.norm(a)"),
)  # fmt: skip
mutant_edit(
    "chapter2.relative_error", "squared_norms", "Squared norms: ||a - n||^2 / (||a||^2 + ||n||^2).",
    ("total = np.linalg.norm(a) + np.linalg.norm(n)", "total = np.linalg.norm(a) ** 2 + np.linalg.norm(n) ** 2"),
    ("np.linalg.norm(a - n) / total", "np.linalg.norm(a - n) ** 2 / total"),
)  # fmt: skip
mutant_edit(
    "chapter2.relative_error", "no_zero_guard",
    "Divides by ||a|| + ||n|| even when both are 0: nan and a RuntimeWarning.",
    ("if total == 0:", "if False:"),
)  # fmt: skip
mutant_edit(
    "chapter2.relative_error", "worst_element",
    "The largest element-wise relative error: blown up by elements near zero.",
    ("np.linalg.norm(a - n) / total", "np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-300))"),
)  # fmt: skip
mutant_edit(
    "chapter2.relative_error", "l1_norms", "Sums of absolute values (L1 norms) instead of Euclidean norms.",
    ("np.linalg.norm(a) + np.linalg.norm(n)", "np.abs(a).sum() + np.abs(n).sum()"),
    ("np.linalg.norm(a - n) / total", "np.abs(a - n).sum() / total"),
)  # fmt: skip

# --- derivatives by nudging ------------------------------------------------------------

mutant_edit(
    "chapter2.one_sided_derivative", "one_sided_is_centered",
    "Uses the centered formula: right numbers, but not the one-sided kata (its error is not O(h)).",
    ("(f(x + h) - f(x)) / h)", "(f(x + h) - f(x - h)) / (2 * h))"),
)  # fmt: skip
mutant_edit(
    "chapter2.one_sided_derivative", "backward_difference",
    "Nudges backwards, (f(x) - f(x - h)) / h: also O(h), but not the forward nudge specified.",
    ("(f(x + h) - f(x)) / h)", "(f(x) - f(x - h)) / h)"),
)  # fmt: skip
mutant_edit(
    "chapter2.centered_derivative", "centered_over_h", "Divides the centered difference by h instead of 2h.",
    ("(f(x + h) - f(x - h)) / (2 * h))", "(f(x + h) - f(x - h)) / h)"),
)  # fmt: skip
mutant_edit(
    "chapter2.centered_derivative", "centered_is_one_sided", "Computes the one-sided difference: the error is O(h).",
    ("(f(x + h) - f(x - h)) / (2 * h))", "(f(x + h) - f(x)) / h)"),
)  # fmt: skip
mutant_edit(
    "chapter2.derivative_errors", "signed_errors", "Returns estimate - exact without the absolute value.",
    ("abs(one_sided_derivative(f, x, h) - exact)", "one_sided_derivative(f, x, h) - exact"),
    ("abs(centered_derivative(f, x, h) - exact)", "centered_derivative(f, x, h) - exact"),
)  # fmt: skip
mutant_edit(
    "chapter2.derivative_errors", "errors_swapped", "Returns (centered, one_sided) instead of (one_sided, centered).",
    ("return one_sided, centered", "return centered, one_sided"),
)  # fmt: skip
mutant_edit(
    "chapter2.derivative_errors", "returns_lists", "Returns the two lists of errors, not float64 arrays.",
    ("return one_sided, centered", "return list(one_sided), list(centered)"),
)  # fmt: skip


mutant_edit(
    "chapter2.error_order", "slope_of_first_and_last", "The slope through the first and last points only.",
    ("np.log(np.asarray(steps, dtype=np.float64))", "np.log(np.asarray(steps, dtype=np.float64))[[0, -1]]"),
    ("np.log(np.asarray(errors, dtype=np.float64))", "np.log(np.asarray(errors, dtype=np.float64))[[0, -1]]"),
)  # fmt: skip
mutant_edit(
    "chapter2.error_order", "regresses_log_h_on_log_error",
    "Fits log(h) against log(error): the slope of the swapped axes, 1/p for an exact power law.",
    ("np.sum(dx**2)", "np.sum((log_e - log_e.mean()) ** 2)"),
)  # fmt: skip
mutant_edit(
    "chapter2.error_order", "log10_against_natural_log", "Fits log10(error) against ln(h): the slope is off by ln(10).",
    ("log_e = np.log(", "log_e = np.log10("),
)  # fmt: skip


# --- computation graph -----------------------------------------------------------------

mutant_edit(
    "chapter2.graph_forward",
    "product_node_adds",
    "Computes u = b + c instead of b * c.",
    ("u = b * c\n    v", "u = b + c\n    v"),
)
mutant_edit("chapter2.graph_forward", "output_forgets_the_three", "Returns J = v: the last node is missing.",
            ("J = 3 * v\n    return", "J = v\n    return"))  # fmt: skip
mutant_edit(
    "chapter2.graph_forward", "forward_plain_tuple", "Returns a plain tuple, so values.u and values.J do not exist.",
    ("return GraphValues(float(u), float(v), float(J))", "return (float(u), float(v), float(J))"),
)  # fmt: skip
mutant_edit(
    "chapter2.graph_backward", "product_gradients_swapped",
    "Gives each factor of u = b * c its own value: db = 3b, dc = 3c.",
    ("    db = du * c", "    db = du * b"), ("    dc = du * b", "    dc = du * c"),
)  # fmt: skip
mutant_edit(
    "chapter2.graph_backward", "upstream_not_multiplied",
    "Forgets to multiply by the upstream derivative: db = c, dc = b.",
    ("    db = du * c", "    db = c"), ("    dc = du * b", "    dc = b"),
)  # fmt: skip
mutant_edit(
    "chapter2.graph_backward", "da_is_the_local_derivative", "da = dv/da = 1, forgetting the 3 arriving from J.",
    ("da = dv * 1.0", "da = 1.0"),
)  # fmt: skip
mutant_edit(
    "chapter2.graph_backward", "output_node_derivative_is_one",
    "Starts the backward pass at dv = 1 (dJ/dJ), missing J = 3v.",
    ("dv = 3.0", "dv = 1.0"),
)  # fmt: skip
mutant_edit(
    "chapter2.graph_backward", "backward_plain_tuple", "Returns a plain tuple, so grads.db and grads.dc do not exist.",
    ("return GraphGradients(", "return ("),
)  # fmt: skip

# --- learning rates --------------------------------------------------------------------

mutant_edit(
    "chapter2.mse_hessian", "hessian_without_bias", "Leaves out the bias: the (d, d) Hessian of W alone.",
    ("X1 = np.hstack([X, np.ones((n, 1), dtype=X.dtype)])", "X1 = X"),
)  # fmt: skip
mutant_edit(
    "chapter2.mse_hessian", "hessian_without_two", "(1/n) X1.T @ X1: the Hessian of half the MSE.",
    ("(2 / n) * (X1.T @ X1)", "(1 / n) * (X1.T @ X1)"),
)  # fmt: skip
mutant_edit(
    "chapter2.mse_hessian", "bias_first",
    "Puts the column of ones first: the bias is the first row and column, not the last.",
    ("np.hstack([X, np.ones((n, 1), dtype=X.dtype)])", "np.hstack([np.ones((n, 1), dtype=X.dtype), X])"),
)  # fmt: skip
mutant_edit(
    "chapter2.mse_hessian", "outer_product_of_samples", "X1 @ X1.T: an (n, n) matrix over samples, not parameters.",
    ("(X1.T @ X1)", "(X1 @ X1.T)"),
)  # fmt: skip
mutant_edit(
    "chapter2.mse_hessian", "ones_column_in_float64", "np.ones((n, 1)) without X's dtype: float32 X gives a float64 H.",
    ("np.ones((n, 1), dtype=X.dtype)", "np.ones((n, 1))"),
)  # fmt: skip
mutant_edit(
    "chapter2.divergence_threshold", "threshold_from_smallest_eigenvalue",
    "Uses the smallest eigenvalue: far too large a rate.",
    (".max())", ".min())"),
)  # fmt: skip
mutant_edit(
    "chapter2.divergence_threshold", "threshold_one_over_lambda",
    "1 / lambda_max: the best rate for the top direction, not where divergence starts.",
    ("float(2 /", "float(1 /"),
)  # fmt: skip


mutant_edit(
    "chapter2.divergence_threshold", "ignores_bias_direction",
    "The largest eigenvalue of (2/n) X.T @ X, the Hessian without the bias.",
    ("np.linalg.eigvalsh(mse_hessian(X))", "np.linalg.eigvalsh((2 / len(X)) * (X.T @ X))"),
)  # fmt: skip
SWEEP_RUN = "W, b, _ = gradient_descent(X, y, W0, b0, lr, num_iterations)"
mutant_edit(
    "chapter2.learning_rate_sweep", "diverged_only_when_overflowing",
    "Calls a run diverged only when its loss overflows; a loss that merely grew is 'slow'.",
    ("if not np.isfinite(loss_final) or loss_final > loss_0:", "if not np.isfinite(loss_final):"),
)  # fmt: skip
mutant_edit(
    "chapter2.learning_rate_sweep", "converged_relative_to_zero",
    "Measures convergence as loss <= tolerance * L_0, ignoring the least-squares minimum.",
    ("elif loss_final - loss_min <= tolerance * (loss_0 - loss_min):", "elif loss_final <= tolerance * loss_0:"),
)  # fmt: skip
mutant_edit(
    "chapter2.learning_rate_sweep", "sweep_warns_on_overflow",
    "Lets a diverging run overflow with RuntimeWarnings instead of reporting it quietly.",
    ('np.errstate(over="ignore", invalid="ignore")', "np.errstate()"),
)  # fmt: skip
mutant_edit(
    "chapter2.learning_rate_sweep", "ignores_tolerance", "Always uses the default tolerance 1e-6.",
    ("<= tolerance * (loss_0 - loss_min)", "<= 1e-6 * (loss_0 - loss_min)"),
)  # fmt: skip
mutant_edit(
    "chapter2.learning_rate_sweep", "warm_starts_from_previous_rate",
    "Starts each rate where the previous rate stopped instead of from W = 0, b = 0.",
    (SWEEP_RUN, "W0, b0, _ = gradient_descent(X, y, W0, b0, lr, num_iterations)\n            W, b = W0, b0"),
)  # fmt: skip
mutant_edit(
    "chapter2.learning_rate_sweep", "final_loss_from_history",
    "Takes L_final from loss_history[-1], the loss before the last update, not at the returned parameters.",
    (SWEEP_RUN, "W, b, history = gradient_descent(X, y, W0, b0, lr, num_iterations)"),
    ("loss_final = mse_loss(X @ W + b, y)", "loss_final = history[-1]"),
)  # fmt: skip
mutant_edit(
    "chapter2.learning_rate_sweep", "least_squares_without_bias",
    "Takes L_min from the least-squares fit of X alone, without the bias column: too high a minimum.",
    ("np.linalg.lstsq(X1, y, rcond=None)[0]\n    loss_min = mse_loss(X1 @ theta, y)",
     "np.linalg.lstsq(X, y, rcond=None)[0]\n    loss_min = mse_loss(X @ theta, y)"),
)  # fmt: skip
