"""Plausible wrong chapter-3 solutions; every one must fail some test of its kata.

All are edits of the reference's source (``mutant_edit``): each fails loudly when
the reference changes under it.
"""

from kata.mutants import mutant_edit

# --- forward_perceptron ----------------------------------------------------------------

mutant_edit(
    "chapter3.forward_perceptron", "perceptron_without_bias",
    "Forgets the bias: sigmoid(X W), a boundary through the origin.",
    ("sigmoid(X @ W + b)", "sigmoid(X @ W)"),
)  # fmt: skip
mutant_edit(
    "chapter3.forward_perceptron", "perceptron_without_sigmoid",
    "Returns the linear score X W + b instead of a probability.",
    ("return sigmoid(X @ W + b)", "return X @ W + b"),
)  # fmt: skip
mutant_edit(
    "chapter3.forward_perceptron", "bias_subtracted", "Subtracts the bias (sigmoid(X W - b)) instead of adding it.",
    ("X @ W + b", "X @ W - b"),
)  # fmt: skip

# --- relu and relu_derivative ----------------------------------------------------------

mutant_edit(
    "chapter3.relu", "leaky_relu", "Lets 1 % of negative values through (a leaky ReLU).",
    ("np.maximum(Z, 0)", "np.where(Z > 0, Z, 0.01 * Z)"),
)  # fmt: skip
mutant_edit(
    "chapter3.relu", "relu_in_place", "Clips the caller's array in place (np.maximum(Z, 0, out=Z)).",
    ("np.maximum(Z, 0)", "np.maximum(Z, 0, out=Z)"),
)  # fmt: skip
mutant_edit(
    "chapter3.relu_derivative", "derivative_one_at_zero",
    "Uses Z >= 0: 1 at z = 0, where the course fixes the derivative to 0.",
    ("(Z > 0).astype(Z.dtype)", "(Z >= 0).astype(Z.dtype)"),
)  # fmt: skip
mutant_edit(
    "chapter3.relu_derivative", "boolean_derivative",
    "Returns the boolean mask itself instead of numbers of Z's dtype.",
    ("return (Z > 0).astype(Z.dtype)", "return Z > 0"),
)  # fmt: skip
mutant_edit(
    "chapter3.relu_derivative", "derivative_in_float64", "Returns float64 numbers for float32 scores.",
    ("(Z > 0).astype(Z.dtype)", "(Z > 0).astype(float)"),
)  # fmt: skip

# --- softmax ---------------------------------------------------------------------------

mutant_edit(
    "chapter3.softmax", "unstable_softmax", "No max subtraction: exp(1000) overflows to inf and the row becomes nan.",
    ("np.exp(Z - Z.max(axis=1, keepdims=True))", "np.exp(Z)"),
)  # fmt: skip
mutant_edit(
    "chapter3.softmax", "softmax_over_columns",
    "Normalizes over axis 0 (each class across samples) instead of each row.",
    ("Z.max(axis=1, keepdims=True)", "Z.max(axis=0, keepdims=True)"),
    ("exp.sum(axis=1, keepdims=True)", "exp.sum(axis=0, keepdims=True)"),
)  # fmt: skip
mutant_edit(
    "chapter3.softmax", "global_max_shift",
    "Subtracts the maximum of the whole batch: a row far below it underflows to 0 / 0.",
    ("Z.max(axis=1, keepdims=True)", "Z.max()"),
)  # fmt: skip
mutant_edit(
    "chapter3.softmax", "softmax_upcasts", "Stable, but computes and returns float64 for float32 scores.",
    ("exp = np.exp(", "Z = Z.astype(np.float64)\n    exp = np.exp("),
)  # fmt: skip

# --- forward_mlp -----------------------------------------------------------------------

mutant_edit(
    "chapter3.forward_mlp", "returns_pre_activation",
    "Returns Z1 = X W1 + b1 as the hidden output instead of A1 = relu(Z1).",
    ("return A1, A2", "return X @ W1 + b1, A2"),
)  # fmt: skip
mutant_edit(
    "chapter3.forward_mlp", "sigmoid_hidden_layer", "Uses a sigmoid in the hidden layer instead of ReLU.",
    ("A1 = relu(X @ W1 + b1)", "A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))"),
)  # fmt: skip
mutant_edit(
    "chapter3.forward_mlp", "forgets_output_bias", "Leaves b2 out of the output scores: Z2 = A1 W2.",
    ("softmax(A1 @ W2 + b2)", "softmax(A1 @ W2)"),
)  # fmt: skip

# --- cross_entropy ---------------------------------------------------------------------

mutant_edit(
    "chapter3.cross_entropy", "summed_over_samples", "Sums the loss over the samples instead of averaging it.",
    ("-np.sum(y * log_A) / len(A)", "-np.sum(y * log_A)"),
)  # fmt: skip
mutant_edit(
    "chapter3.cross_entropy", "mean_over_every_entry", "np.mean over all n * k entries: divides by k too many.",
    ("-np.sum(y * log_A) / len(A)", "-np.mean(y * log_A)"),
)  # fmt: skip
mutant_edit(
    "chapter3.cross_entropy", "unclipped_log", "No clip: log(0) is -inf, and 0 * -inf makes nan with a RuntimeWarning.",
    ("np.log(np.clip(A, np.finfo(A.dtype).eps, 1))", "np.log(A)"),
)  # fmt: skip
mutant_edit(
    "chapter3.cross_entropy", "float64_eps_for_float32",
    "Clips at float64's eps whatever A's dtype: -log(eps) is 36, not 15.9.",
    ("np.clip(A, np.finfo(A.dtype).eps, 1)", "np.clip(A, np.finfo(np.float64).eps, 1)"),
)  # fmt: skip

# --- backward_mlp ----------------------------------------------------------------------

mutant_edit(
    "chapter3.backward_mlp", "no_relu_mask",
    "Forgets the ReLU derivative: inactive hidden units still pass gradient back.",
    ("(dZ2 @ W2.T) * relu_derivative(A1)", "dZ2 @ W2.T"),
)  # fmt: skip
mutant_edit(
    "chapter3.backward_mlp", "forgotten_one_over_n", "Forgets the 1/n of the mean: the gradient of the summed loss.",
    ("dZ2 = (A2 - y) / n", "dZ2 = A2 - y"),
)  # fmt: skip
mutant_edit(
    "chapter3.backward_mlp", "transposed_weight_gradient",
    "Computes dZ1^T X, the transpose of grad_W1: (h, d) instead of (d, h).",
    ("grad_W1 = X.T @ dZ1", "grad_W1 = dZ1.T @ X"),
)  # fmt: skip
mutant_edit(
    "chapter3.backward_mlp", "bias_gradient_over_units",
    "Sums the bias gradients over axis 1 (the units) instead of the samples.",
    ("grad_b2 = dZ2.sum(axis=0, keepdims=True)", "grad_b2 = dZ2.sum(axis=1, keepdims=True)"),
    ("grad_b1 = dZ1.sum(axis=0, keepdims=True)", "grad_b1 = dZ1.sum(axis=1, keepdims=True)"),
)  # fmt: skip
mutant_edit(
    "chapter3.backward_mlp", "flat_bias_gradients",
    "Sums the bias gradients without keepdims: (h,) and (k,), not (1, h) and (1, k).",
    ("dZ2.sum(axis=0, keepdims=True)", "dZ2.sum(axis=0)"), ("dZ1.sum(axis=0, keepdims=True)", "dZ1.sum(axis=0)"),
)  # fmt: skip
mutant_edit(
    "chapter3.backward_mlp", "mask_from_output_error",
    "Takes the ReLU mask from dZ1 itself (dZ1 > 0) instead of from A1.",
    ("(dZ2 @ W2.T) * relu_derivative(A1)", "np.maximum(dZ2 @ W2.T, 0)"),
)  # fmt: skip

# --- init_mlp --------------------------------------------------------------------------

mutant_edit(
    "chapter3.init_mlp", "small_gaussian_init", "The posts' 0.01 * randn: far too small for ReLU layers.",
    ("* math.sqrt(2 / n_in)", "* 0.01"), ("* math.sqrt(2 / n_hidden)", "* 0.01"),
)  # fmt: skip
mutant_edit(
    "chapter3.init_mlp", "xavier_scale", "sqrt(1 / fan_in) (Xavier/LeCun) instead of He's sqrt(2 / fan_in).",
    ("math.sqrt(2 / n_in)", "math.sqrt(1 / n_in)"), ("math.sqrt(2 / n_hidden)", "math.sqrt(1 / n_hidden)"),
)  # fmt: skip
mutant_edit(
    "chapter3.init_mlp", "fan_out_scale",
    "Scales each layer by its number of outputs, sqrt(2 / fan_out), not of inputs.",
    ("* math.sqrt(2 / n_hidden)", "* math.sqrt(2 / n_out)"), ("* math.sqrt(2 / n_in)", "* math.sqrt(2 / n_hidden)"),
)  # fmt: skip
mutant_edit(
    "chapter3.init_mlp", "global_random_state", "Draws from the global np.random instead of rng: not reproducible.",
    ("rng.standard_normal((n_in, n_hidden))", "np.random.standard_normal((n_in, n_hidden))"),
    ("rng.standard_normal((n_hidden, n_out))", "np.random.standard_normal((n_hidden, n_out))"),
)  # fmt: skip
mutant_edit(
    "chapter3.init_mlp", "uniform_he",
    "He's standard deviation, but drawn from a uniform distribution instead of a normal one.",
    ("rng.standard_normal((n_in, n_hidden))", "rng.uniform(-math.sqrt(3), math.sqrt(3), (n_in, n_hidden))"),
    ("rng.standard_normal((n_hidden, n_out))", "rng.uniform(-math.sqrt(3), math.sqrt(3), (n_hidden, n_out))"),
)  # fmt: skip
mutant_edit(
    "chapter3.init_mlp", "weights_ignore_dtype", "Leaves the weights in float64 whatever dtype asks for.",
    ('"W1": W1.astype(dtype)', '"W1": W1'), ('"W2": W2.astype(dtype)', '"W2": W2'),
)  # fmt: skip

# --- train_mlp -------------------------------------------------------------------------

_BATCH_CALL = "iterate_minibatches(X_train, y_train, batch_size, rng)"
_PER_SAMPLE = "for i in range(len(X_batch))"

mutant_edit(
    "chapter3.train_mlp", "per_sample_loop",
    "Right results, but a Python loop over the samples of each batch: one forward and backward pass per image.",
    ('A1, A2 = forward_mlp(X_batch, params["W1"], params["b1"], params["W2"], params["b2"])',
     'A1, A2 = (np.vstack(parts) for parts in zip(*(forward_mlp(X_batch[i : i + 1], params["W1"], params["b1"], '
     f'params["W2"], params["b2"]) {_PER_SAMPLE}), strict=True))'),
    ('grads = backward_mlp(X_batch, A1, A2, y_batch, params["W1"], params["W2"])',
     'grads = tuple(sum(parts) / len(X_batch) for parts in zip(*(backward_mlp(X_batch[i : i + 1], A1[i : i + 1], '
     f'A2[i : i + 1], y_batch[i : i + 1], params["W1"], params["W2"]) {_PER_SAMPLE}), strict=True))'),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "never_shuffles", "Ignores rng: every epoch sees the batches in the same order.",
    (_BATCH_CALL, "iterate_minibatches(X_train, y_train, batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "shuffles_once",
    "Shuffles the training set once, before the first epoch, and reuses that order.",
    ("n, history = len(X_train), []", "n, history = len(X_train), []\n    order = rng.permutation(n)\n"
     "    X_train, y_train = X_train[order], y_train[order]"),
    (_BATCH_CALL, "iterate_minibatches(X_train, y_train, batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "unseeded_generator",
    "Shuffles with a generator of its own (np.random.default_rng()), not rng.",
    (_BATCH_CALL, "iterate_minibatches(X_train, y_train, batch_size, np.random.default_rng())"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "shuffles_X_and_y_apart",
    "Draws one permutation for X and another for y: the labels no longer fit.",
    (f"cast(Batches, {_BATCH_CALL})",
     f"zip((xb for xb, _ in {_BATCH_CALL}), (yb for _, yb in {_BATCH_CALL}))"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "ignores_batch_size", "Accepts batch_size but always uses batches of 32.",
    (_BATCH_CALL, "iterate_minibatches(X_train, y_train, 32, rng)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "skips_partial_batch_update",
    "Counts the partial last batch in the history but never trains on it.",
    ("            for name, grad in zip(", "            if len(X_batch) < batch_size:\n                continue\n"
     "            for name, grad in zip("),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "ignores_lr", "Accepts lr but always steps with the default 0.3.",
    ("params[name] -= lr * grad", "params[name] -= 0.3 * grad"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "ignores_num_epochs", "Accepts num_epochs but always trains for 2.",
    ("range(num_epochs)", "range(2)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "hidden_layer_never_updated",
    "Updates only W2 and b2: the hidden layer keeps its initial values.",
    ("zip(PARAMETER_NAMES, grads, strict=True)", "zip(PARAMETER_NAMES[2:], grads[2:], strict=True)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "output_layer_never_updated",
    "Updates only W1 and b1: the output layer keeps its initial values.",
    ("zip(PARAMETER_NAMES, grads, strict=True)", "zip(PARAMETER_NAMES[:2], grads[:2], strict=True)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "unweighted_epoch_loss", "Averages the batch losses without weighting them by batch size.",
    ("cross_entropy(A2, y_batch) * len(X_batch)", "cross_entropy(A2, y_batch)"),
    ('"loss": total_loss / n', '"loss": total_loss / math.ceil(n / batch_size)'),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "loss_weighted_by_nominal_size",
    "Weights every batch's loss by batch_size, the partial one too.",
    ("cross_entropy(A2, y_batch) * len(X_batch)", "cross_entropy(A2, y_batch) * batch_size"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "loss_after_update", "Takes each batch's loss after its update instead of before.",
    ("            total_loss += cross_entropy(A2, y_batch) * len(X_batch)\n", ""),
    ("                params[name] -= lr * grad\n",
     "                params[name] -= lr * grad\n            _, after = forward_mlp(X_batch, params[\"W1\"], "
     "params[\"b1\"], params[\"W2\"], params[\"b2\"])\n"
     "            total_loss += cross_entropy(after, y_batch) * len(X_batch)\n"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "train_accuracy_after_epoch", "Measures train_accuracy with the end-of-epoch parameters.",
    ('"train_accuracy": correct / n', '"train_accuracy": _accuracy(params, X_train, y_train)'),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "test_accuracy_before_epoch",
    "Measures test_accuracy with the parameters of the epoch's start.",
    ("        total_loss, correct = 0.0, 0\n",
     "        total_loss, correct = 0.0, 0\n"
     "        start = {name: value.copy() for name, value in params.items()}\n"),
    ("_accuracy(params, X_test, y_test)", "_accuracy(start, X_test, y_test)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "test_accuracy_on_training_set", "Reports the training set's accuracy as test_accuracy.",
    ("_accuracy(params, X_test, y_test)", "_accuracy(params, X_train, y_train)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "trains_callers_params_in_place",
    "astype(..., copy=False): parameters already in the dtype are trained in place.",
    (".astype(X_train.dtype) for name", ".astype(X_train.dtype, copy=False) for name"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "trains_in_float64",
    "Converts the parameters to float64: float32 batches are upcast, the result too.",
    ("params[name].astype(X_train.dtype)", "params[name].astype(np.float64)"),
)  # fmt: skip
mutant_edit(
    "chapter3.train_mlp", "converts_every_key_of_params",
    "Converts every entry of params, so an extra key breaks training.",
    ("for name in PARAMETER_NAMES}", "for name in params}"),
)  # fmt: skip
