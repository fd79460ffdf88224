"""Plausible wrong chapter-1 solutions; every one must fail some test of its kata.

Most are edits of the reference's source (``mutant_edit``): they fail loudly
when the reference changes under them. Whole functions remain where the
mistake is not a change of the reference's code, each saying why.
"""

import numpy as np

from kata.mutants import mutant, mutant_edit

# --- normalize -------------------------------------------------------------------------

mutant_edit(
    "chapter1.normalize", "global_statistics", "One mean and std for the whole array instead of one per column.",
    ("X.mean(axis=0)", "X.mean()"), ("X.std(axis=0)", "X.std()"),
)  # fmt: skip
mutant_edit(
    "chapter1.normalize", "sample_std", "The sample standard deviation (ddof=1) instead of the population one.",
    ("X.std(axis=0)", "X.std(axis=0, ddof=1)"),
)  # fmt: skip


mutant_edit(
    "chapter1.normalize", "rows_instead_of_columns", "Statistics per row (axis=1) instead of per column.",
    ("X.mean(axis=0)", "X.mean(axis=1, keepdims=True)"), ("X.std(axis=0)", "X.std(axis=1, keepdims=True)"),
    ("np.ptp(X, axis=0)", "np.ptp(X, axis=1, keepdims=True)"),
)  # fmt: skip
mutant_edit(
    "chapter1.normalize", "where_evaluates_both_branches",
    "np.where computes (X - mean) / 0 for constant columns and warns (the posts' bug).",
    ("np.divide(centered, std, out=np.zeros_like(centered), where=varies)", "np.where(varies, centered / std, 0.0)"),
)  # fmt: skip
mutant_edit(
    "chapter1.normalize", "normalizes_in_place", "Subtracts and divides in place, changing the caller's array.",
    ("centered = X - mean", "X -= mean\n    centered = X"), ("out=np.zeros_like(centered)", "out=centered"),
)  # fmt: skip
mutant_edit(
    "chapter1.normalize", "normalize_upcasts_to_float64", "Returns float64 for float32 input.",
    ("mean = X.mean(axis=0)", "X = X.astype(np.float64)\n    mean = X.mean(axis=0)"),
)  # fmt: skip

# --- matrix_multiply and matrix_multiply_loops -----------------------------------------

mutant_edit(
    "chapter1.matrix_multiply", "swapped_operands", "W @ X instead of X @ W: the operands in the wrong order.",
    ("np.matmul(X, W)", "np.matmul(W, X)"),
)  # fmt: skip
mutant_edit(
    "chapter1.matrix_multiply", "numpy_error_message",
    "No shape check of its own: NumPy's message does not name the shapes.",
    ("if X.shape[1] != W.shape[0]:", "if False:"),
)  # fmt: skip
mutant_edit(
    "chapter1.matrix_multiply", "rows_dotted_with_rows",
    "einsum('ij,kj->ik'): dots the rows of X with the rows of W (X @ W.T), which fits only a square W.",
    ("np.matmul(X, W)", 'np.einsum("ij,kj->ik", X, W)'),
)  # fmt: skip
mutant_edit(
    "chapter1.matrix_multiply_loops", "accumulator_not_reset", "The running sum is not reset for each output element.",
    ("    for i in range(n):\n        for col in range(k):\n            total = 0.0\n",
     "    total = 0.0\n    for i in range(n):\n        for col in range(k):\n"),
)  # fmt: skip
mutant_edit(
    "chapter1.matrix_multiply_loops", "misses_last_term", "The inner loop stops one term early (range(d - 1)).",
    ("for j in range(d):", "for j in range(d - 1):"),
)  # fmt: skip


# A whole function: the mistake is having no loops at all, not a change to them.
@mutant("chapter1.matrix_multiply_loops")
def vectorized_in_disguise(X, W):
    """Calls np.matmul instead of looping: the lesson of the kata is lost."""
    return X @ W


# --- sigmoid ---------------------------------------------------------------------------

mutant_edit(
    "chapter1.sigmoid", "naive_formula", "1 / (1 + exp(-z)) overflows (with a RuntimeWarning) at z = -1000.",
    ("np.exp(-np.abs(Z))", "np.exp(-Z)"), ("np.where(Z >= 0, 1 / (1 + e), e / (1 + e))", "1 / (1 + e)"),
)  # fmt: skip
mutant_edit(
    "chapter1.sigmoid", "where_of_two_formulas",
    "np.where of the two stable forms still evaluates exp(-z) everywhere, and warns.",
    ("np.exp(-np.abs(Z))", "np.exp(-Z)"), ("e / (1 + e)", "np.exp(Z) / (1 + np.exp(Z))"),
)  # fmt: skip
mutant_edit("chapter1.sigmoid", "wrong_sign", "exp(z) instead of exp(-z): computes sigma(-z).", ("Z >= 0", "Z <= 0"))
mutant_edit(
    "chapter1.sigmoid", "sigmoid_upcasts_to_float64", "Stable, but returns float64 for float32 input.",
    ("e = np.exp(-np.abs(Z))", "Z = Z.astype(np.float64)\n    e = np.exp(-np.abs(Z))"),
)  # fmt: skip

# --- toolkit ---------------------------------------------------------------------------

mutant_edit(
    "chapter1.broadcast_shape", "aligns_left", "Pads the shorter shape on the right instead of the left.",
    ("(1,) * (ndim - len(shape_a)) + tuple(shape_a)", "tuple(shape_a) + (1,) * (ndim - len(shape_a))"),
    ("(1,) * (ndim - len(shape_b)) + tuple(shape_b)", "tuple(shape_b) + (1,) * (ndim - len(shape_b))"),
)  # fmt: skip
mutant_edit(
    "chapter1.broadcast_shape", "takes_the_maximum",
    "Takes the larger size without checking compatibility (and 1 beats 0).",
    ("if size_a != size_b and 1 not in (size_a, size_b):", "if False:"),
    ("result.append(size_b if size_a == 1 else size_a)", "result.append(max(size_a, size_b))"),
)  # fmt: skip
mutant_edit(
    "chapter1.one_hot", "classes_as_rows", "Returns the transpose, shape (num_classes, n).",
    ("[labels.astype(np.intp)]", "[labels.astype(np.intp)].T"),
)  # fmt: skip
mutant_edit(
    "chapter1.one_hot", "always_float64", "Ignores the dtype argument.",
    ("np.eye(num_classes, dtype=dtype)", "np.eye(num_classes)"),
)  # fmt: skip
mutant_edit(
    "chapter1.select_classes", "first_class_only", "Keeps only the first of the requested classes.",
    ("np.isin(y, np.asarray(classes))", "y == classes[0]"),
)  # fmt: skip
mutant_edit(
    "chapter1.select_classes", "grouped_by_class",
    "Concatenates the classes one after another, losing the original order.",
    ("np.isin(y, np.asarray(classes))", "np.concatenate([np.flatnonzero(y == c) for c in classes])"),
)  # fmt: skip
mutant_edit(
    "chapter1.shuffle_together", "separate_permutations",
    "Shuffles X and y with two different permutations: labels no longer match rows.",
    ("y[permutation]", "y[rng.permutation(len(y))]"),
)  # fmt: skip
mutant_edit(
    "chapter1.shuffle_together", "global_random_state",
    "Draws the permutation from np.random instead of rng: not reproducible.",
    ("rng.permutation(len(X))", "np.random.permutation(len(X))"),
)  # fmt: skip
mutant_edit(
    "chapter1.shuffle_together", "shuffles_in_place", "Shuffles the caller's arrays in place.",
    ("return X[permutation], y[permutation]", "X[:], y[:] = X[permutation], y[permutation]\n    return X, y"),
)  # fmt: skip
mutant_edit(
    "chapter1.train_test_split", "floor_instead_of_ceil",
    "int(test_fraction * n) test samples instead of ceil(test_fraction * n).",
    ("math.ceil(test_fraction * n)", "int(test_fraction * n)"),
)  # fmt: skip
mutant_edit(
    "chapter1.train_test_split", "no_shuffle", "Splits off the last rows without shuffling.",
    ("shuffle_together(X, y, rng)", "(X, y)"),
)  # fmt: skip
mutant_edit(
    "chapter1.train_test_split", "fraction_is_the_training_share", "Treats test_fraction as the training share.",
    ("n_train = n - n_test", "n_train = n_test"),
)  # fmt: skip
mutant_edit(
    "chapter1.scale_train_test", "statistics_of_both_sets",
    "Fits the mean and std on train and test together: test data leaks into training.",
    ("mean = X_train.mean(axis=0)", "both = np.concatenate([X_train, X_test])\n    mean = both.mean(axis=0)"),
    ("std = X_train.std(axis=0)", "std = both.std(axis=0)"),
)  # fmt: skip
mutant_edit(
    "chapter1.scale_train_test", "each_set_its_own_statistics", "Standardizes the test set with its own mean and std.",
    ("centered = X - mean", "centered = X - X.mean(axis=0)"),
    ("np.divide(centered, std,", "np.divide(centered, X.std(axis=0),"),
)  # fmt: skip
mutant_edit(
    "chapter1.scale_train_test", "scaling_with_sample_std", "Uses the sample standard deviation (ddof=1).",
    ("X_train.std(axis=0)", "X_train.std(axis=0, ddof=1)"),
)  # fmt: skip
mutant_edit(
    "chapter1.iterate_minibatches", "drops_partial_batch", "Drops the last batch when it is smaller than batch_size.",
    ("range(0, len(X), batch_size)", "range(0, len(X) - batch_size + 1, batch_size)"),
)  # fmt: skip
mutant_edit(
    "chapter1.iterate_minibatches", "ignores_rng", "Never shuffles, even when given an rng.",
    ("if rng is not None else None", "if False else None"),
)  # fmt: skip
mutant_edit(
    "chapter1.iterate_minibatches", "shuffles_x_and_y_separately", "Uses one permutation for X and another for y.",
    ("order = rng.permutation(len(X)) if rng is not None else None",
     "order = rng.permutation(len(X)) if rng is not None else None\n"
     "    y = y if rng is None else y[rng.permutation(len(y))]"),
)  # fmt: skip


# A whole function: the mistake is not applying the rule at all (calling the oracle instead).
@mutant("chapter1.broadcast_shape")
def delegates_to_numpy(shape_a, shape_b):
    """Calls np.broadcast_shapes, the tests' oracle, instead of applying the rule."""
    return tuple(np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))


mutant_edit(
    "chapter1.iterate_minibatches", "shuffles_without_rng",
    "Shuffles even when no rng is given (the order must be kept).",
    ("rng.permutation(len(X)) if rng is not None else None",
     "(rng if rng is not None else np.random.default_rng(0)).permutation(len(X))"),
)  # fmt: skip
mutant_edit(
    "chapter1.train_test_split", "splits_before_shuffling",
    "Takes the last rows as the test set and shuffles each part afterwards: the sets are not random samples.",
    ("X_shuffled, y_shuffled = shuffle_together(X, y, rng)", "X_shuffled, y_shuffled = X, y"),
    ("return X_shuffled[:n_train], X_shuffled[n_train:], y_shuffled[:n_train], y_shuffled[n_train:]",
     "X_a, y_a = shuffle_together(X[:n_train], y[:n_train], rng)\n"
     "    X_b, y_b = shuffle_together(X[n_train:], y[n_train:], rng)\n"
     "    return X_a, X_b, y_a, y_b"),
)  # fmt: skip
mutant_edit(
    "chapter1.scale_train_test", "constant_columns_by_rounded_std",
    "Finds constant columns by std != 0: a constant column whose std rounds to 1e-17 is blown up.",
    ("varies = np.ptp(X_train, axis=0) > 0", "varies = std != 0"),
)  # fmt: skip
mutant_edit(
    "chapter1.normalize", "constant_columns_by_rounded_std",
    "Finds constant columns by std != 0: a constant column whose std rounds to 1e-17 is blown up.",
    ("varies = np.ptp(X, axis=0) > 0", "varies = std != 0"),
)  # fmt: skip
