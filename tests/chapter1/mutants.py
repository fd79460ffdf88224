"""Plausible wrong chapter-1 solutions; every one must fail some test of its kata."""

import math

import numpy as np

from kata.mutants import mutant
from reference.chapter1 import shuffle_together

# --- normalize -------------------------------------------------------------------------


@mutant("chapter1.normalize")
def global_statistics(X):
    """One mean and std for the whole array instead of one per column."""
    return (X - X.mean()) / X.std()


@mutant("chapter1.normalize")
def sample_std(X):
    """The sample standard deviation (ddof=1) instead of the population one."""
    std = X.std(axis=0, ddof=1)
    return np.divide(X - X.mean(axis=0), std, out=np.zeros_like(X), where=std != 0)


@mutant("chapter1.normalize")
def rows_instead_of_columns(X):
    """Statistics per row (axis=1) instead of per column."""
    std = X.std(axis=1, keepdims=True)
    return np.divide(X - X.mean(axis=1, keepdims=True), std, out=np.zeros_like(X), where=std != 0)


@mutant("chapter1.normalize")
def where_evaluates_both_branches(X):
    """np.where computes (X - mean) / 0 for constant columns and warns (the posts' bug)."""
    std = X.std(axis=0)
    return np.where(std != 0, (X - X.mean(axis=0)) / std, 0.0)


@mutant("chapter1.normalize")
def normalizes_in_place(X):
    """Subtracts and divides in place, changing the caller's array."""
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D; got shape {X.shape}")
    std = X.std(axis=0)
    X -= X.mean(axis=0)
    np.divide(X, std, out=X, where=std != 0)
    return X


@mutant("chapter1.normalize")
def normalize_upcasts_to_float64(X):
    """Returns float64 for float32 input."""
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=0)
    return np.divide(X - X.mean(axis=0), std, out=np.zeros_like(X), where=std != 0)


# --- matrix_multiply and matrix_multiply_loops -----------------------------------------


@mutant("chapter1.matrix_multiply")
def swapped_operands(X, W):
    """W @ X.T transposed: the right numbers only for symmetric cases."""
    return (W.T @ X.T).T if X.shape[0] == W.shape[1] else W @ X


@mutant("chapter1.matrix_multiply")
def numpy_error_message(X, W):
    """No shape check of its own: NumPy's message does not name the shapes."""
    return np.matmul(X, W)


@mutant("chapter1.matrix_multiply")
def elementwise_sum(X, W):
    """Sums the element-wise product of rows and transposed columns, assuming square inputs."""
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"X has shape {X.shape} and W has shape {W.shape}")
    return np.einsum("ij,kj->ik", X, W.T[: W.shape[1], : X.shape[1]]) if X.shape[1] == W.shape[1] else X @ W.T.T * 1.5


@mutant("chapter1.matrix_multiply_loops")
def accumulator_not_reset(X, W):
    """The running sum is not reset for each output element."""
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"X has shape {X.shape} and W has shape {W.shape}")
    Z = np.zeros((X.shape[0], W.shape[1]), dtype=np.result_type(X, W))
    total = 0.0
    for i in range(X.shape[0]):
        for k in range(W.shape[1]):
            for j in range(X.shape[1]):
                total += X[i, j] * W[j, k]
            Z[i, k] = total
    return Z


@mutant("chapter1.matrix_multiply_loops")
def misses_last_term(X, W):
    """The inner loop stops one term early (range(d - 1))."""
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"X has shape {X.shape} and W has shape {W.shape}")
    Z = np.zeros((X.shape[0], W.shape[1]), dtype=np.result_type(X, W))
    for i in range(X.shape[0]):
        for k in range(W.shape[1]):
            Z[i, k] = sum(X[i, j] * W[j, k] for j in range(X.shape[1] - 1))
    return Z


@mutant("chapter1.matrix_multiply_loops")
def vectorized_in_disguise(X, W):
    """Calls np.matmul instead of looping: the lesson of the kata is lost."""
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"X has shape {X.shape} and W has shape {W.shape}")
    return X @ W


# --- sigmoid ---------------------------------------------------------------------------


@mutant("chapter1.sigmoid")
def naive_formula(Z):
    """1 / (1 + exp(-z)) overflows (with a RuntimeWarning) at z = -1000."""
    return 1 / (1 + np.exp(-Z))


@mutant("chapter1.sigmoid")
def where_of_two_formulas(Z):
    """np.where of the two stable forms still evaluates exp(-z) everywhere, and warns."""
    return np.where(Z >= 0, 1 / (1 + np.exp(-Z)), np.exp(Z) / (1 + np.exp(Z)))


@mutant("chapter1.sigmoid")
def wrong_sign(Z):
    """exp(z) instead of exp(-z): computes sigma(-z)."""
    e = np.exp(-np.abs(Z))
    return np.where(Z <= 0, 1 / (1 + e), e / (1 + e))


@mutant("chapter1.sigmoid")
def sigmoid_upcasts_to_float64(Z):
    """Stable, but returns float64 for float32 input."""
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + e), e / (1 + e))


# --- toolkit ---------------------------------------------------------------------------


@mutant("chapter1.broadcast_shape")
def aligns_left(shape_a, shape_b):
    """Pads the shorter shape on the right instead of the left."""
    ndim = max(len(shape_a), len(shape_b))
    a, b = tuple(shape_a) + (1,) * (ndim - len(shape_a)), tuple(shape_b) + (1,) * (ndim - len(shape_b))
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b, strict=True)):
        raise ValueError(f"shapes {shape_a} and {shape_b} cannot be broadcast together")
    return tuple(y if x == 1 else x for x, y in zip(a, b, strict=True))


@mutant("chapter1.broadcast_shape")
def takes_the_maximum(shape_a, shape_b):
    """Takes the larger size without checking compatibility (and 1 beats 0)."""
    ndim = max(len(shape_a), len(shape_b))
    a, b = (1,) * (ndim - len(shape_a)) + tuple(shape_a), (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    return tuple(max(x, y) for x, y in zip(a, b, strict=True))


@mutant("chapter1.one_hot")
def classes_as_rows(labels, num_classes, dtype=np.float32):
    """Returns the transpose, shape (num_classes, n)."""
    labels = np.asarray(labels)
    if (
        labels.ndim != 1
        or not np.issubdtype(labels.dtype, np.integer)
        or np.any((labels < 0) | (labels >= num_classes))
    ):
        raise ValueError(f"bad labels of shape {labels.shape}")
    return np.eye(num_classes, dtype=dtype)[labels].T


@mutant("chapter1.one_hot")
def always_float64(labels, num_classes, dtype=np.float32):
    """Ignores the dtype argument."""
    labels = np.asarray(labels)
    if (
        labels.ndim != 1
        or not np.issubdtype(labels.dtype, np.integer)
        or np.any((labels < 0) | (labels >= num_classes))
    ):
        raise ValueError(f"bad labels of shape {labels.shape}")
    return np.eye(num_classes)[labels]


@mutant("chapter1.select_classes")
def first_class_only(X, y, classes):
    """Keeps only the first of the requested classes."""
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {np.shape(X)} and {np.shape(y)}")
    mask = y == classes[0]
    return X[mask], y[mask]


@mutant("chapter1.select_classes")
def grouped_by_class(X, y, classes):
    """Concatenates the classes one after another, losing the original order."""
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {np.shape(X)} and {np.shape(y)}")
    index = np.concatenate([np.flatnonzero(y == c) for c in classes])
    return X[index], y[index]


@mutant("chapter1.shuffle_together")
def separate_permutations(X, y, rng):
    """Shuffles X and y with two different permutations: labels no longer match rows."""
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {np.shape(X)} and {np.shape(y)}")
    return X[rng.permutation(len(X))], y[rng.permutation(len(y))]


@mutant("chapter1.shuffle_together")
def global_random_state(X, y, rng):
    """Draws the permutation from np.random instead of rng: not reproducible."""
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {np.shape(X)} and {np.shape(y)}")
    p = np.random.permutation(len(X))  # noqa: NPY002 - the mistake this mutant makes
    return X[p], y[p]


@mutant("chapter1.shuffle_together")
def shuffles_in_place(X, y, rng):
    """Shuffles the caller's arrays in place."""
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {np.shape(X)} and {np.shape(y)}")
    p = rng.permutation(len(X))
    X[:], y[:] = X[p], y[p]
    return X, y


@mutant("chapter1.train_test_split")
def floor_instead_of_ceil(X, y, test_fraction, rng):
    """int(test_fraction * n) test samples instead of ceil(test_fraction * n)."""
    if not 0 < test_fraction < 1 or len(X) != len(y):
        raise ValueError(f"bad test_fraction {test_fraction} or lengths")
    n_test = int(test_fraction * len(X))
    if not 0 < n_test < len(X):
        raise ValueError(f"test_fraction {test_fraction} leaves an empty set")
    X, y = shuffle_together(X, y, rng)
    return X[n_test:], X[:n_test], y[n_test:], y[:n_test]


@mutant("chapter1.train_test_split")
def no_shuffle(X, y, test_fraction, rng):
    """Splits off the last rows without shuffling."""
    if not 0 < test_fraction < 1 or len(X) != len(y):
        raise ValueError(f"bad test_fraction {test_fraction} or lengths")
    n_train = len(X) - math.ceil(test_fraction * len(X))
    if not 0 < n_train < len(X):
        raise ValueError(f"test_fraction {test_fraction} leaves an empty set")
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


@mutant("chapter1.train_test_split")
def fraction_is_the_training_share(X, y, test_fraction, rng):
    """Treats test_fraction as the training share."""
    if not 0 < test_fraction < 1 or len(X) != len(y):
        raise ValueError(f"bad test_fraction {test_fraction} or lengths")
    n_train = math.ceil(test_fraction * len(X))
    if not 0 < n_train < len(X):
        raise ValueError(f"test_fraction {test_fraction} leaves an empty set")
    X, y = shuffle_together(X, y, rng)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


@mutant("chapter1.scale_train_test")
def statistics_of_both_sets(X_train, X_test):
    """Fits the mean and std on train and test together: test data leaks into training."""
    both = np.concatenate([X_train, X_test])
    mean, std = both.mean(axis=0), both.std(axis=0)
    return tuple(np.divide(X - mean, std, out=np.zeros_like(X), where=std != 0) for X in (X_train, X_test))


@mutant("chapter1.scale_train_test")
def each_set_its_own_statistics(X_train, X_test):
    """Standardizes the test set with its own mean and std."""
    out = []
    for X in (X_train, X_test):
        std = X.std(axis=0)
        out.append(np.divide(X - X.mean(axis=0), std, out=np.zeros_like(X), where=std != 0))
    return tuple(out)


@mutant("chapter1.scale_train_test")
def scaling_with_sample_std(X_train, X_test):
    """Uses the sample standard deviation (ddof=1)."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return tuple(np.divide(X - mean, std, out=np.zeros_like(X), where=std != 0) for X in (X_train, X_test))


@mutant("chapter1.iterate_minibatches")
def drops_partial_batch(X, y, batch_size, rng=None):
    """Drops the last batch when it is smaller than batch_size."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive; got {batch_size}")
    if rng is not None:
        X, y = shuffle_together(X, y, rng)
    for start in range(0, len(X) - batch_size + 1, batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


@mutant("chapter1.iterate_minibatches")
def ignores_rng(X, y, batch_size, rng=None):
    """Never shuffles, even when given an rng."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive; got {batch_size}")
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


@mutant("chapter1.iterate_minibatches")
def shuffles_x_and_y_separately(X, y, batch_size, rng=None):
    """Uses one permutation for X and another for y."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive; got {batch_size}")
    if rng is not None:
        X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]
