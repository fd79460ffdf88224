"""Correct chapter-1 solutions written differently from the reference, with no
argument checks of their own; every one must pass all the tests of its kata."""

import math
import warnings

import numpy as np
import scipy.stats

from kata.mutants import alternative

# --- normalize -------------------------------------------------------------------------


@alternative("chapter1.normalize")
def masked_divide(X):
    """Mean and std by hand (sums over axis 0), dividing only the varying columns (some value differs
    from the first row) through a boolean mask."""
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    centered = X - mean
    std = np.sqrt((centered**2).sum(axis=0) / n)
    result = np.zeros_like(centered)
    varies = (X[0] != X).any(axis=0)
    result[:, varies] = centered[:, varies] / std[varies]
    return result


@alternative("chapter1.normalize")
def scipy_zscore_float64_inside(X):
    """scipy.stats.zscore in float64, constant columns zeroed, cast back to X's dtype."""
    wide = X.astype(np.float64)
    constant = np.ptp(wide, axis=0) == 0
    with warnings.catch_warnings():  # scipy warns about the constant columns it divides by 0
        warnings.simplefilter("ignore")
        scaled = scipy.stats.zscore(wide, axis=0, ddof=0)
    scaled[:, constant] = 0.0
    return scaled.astype(X.dtype)


# --- matrix_multiply ---------------------------------------------------------------------


@alternative("chapter1.matrix_multiply")
def einsum_with_own_message(X, W):
    """np.einsum, and its own wording of the shape message (both shapes, as the docstring asks)."""
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"cannot multiply {X.shape} by {W.shape}")
    return np.einsum("ij,jk->ik", X, W)


@alternative("chapter1.matrix_multiply_loops")
def loops_over_dot_products(X, W):
    """Two loops, each output entry one Python sum over a zip of a row and a column."""
    Z = np.empty((X.shape[0], W.shape[1]), dtype=np.result_type(X, W))
    for i in range(X.shape[0]):
        for k in range(W.shape[1]):
            Z[i, k] = sum(x * w for x, w in zip(X[i], W[:, k], strict=True))
    return Z


# --- sigmoid -----------------------------------------------------------------------------


@alternative("chapter1.sigmoid")
def tanh_form(Z):
    """sigma(z) = (1 + tanh(z / 2)) / 2: stable everywhere, no exp at all."""
    return (1 + np.tanh(Z / 2)) / 2


@alternative("chapter1.sigmoid")
def scipy_expit(Z):
    """scipy.special.expit, the library's own stable logistic function."""
    import scipy.special

    return scipy.special.expit(Z)


# --- toolkit -----------------------------------------------------------------------------


@alternative("chapter1.broadcast_shape")
def from_the_right_with_own_message(shape_a, shape_b):
    """Walks both shapes from their right ends with negative indices; its own error wording."""
    result = []
    for i in range(1, max(len(shape_a), len(shape_b)) + 1):
        a = shape_a[-i] if i <= len(shape_a) else 1
        b = shape_b[-i] if i <= len(shape_b) else 1
        if a != b and a != 1 and b != 1:
            raise ValueError(f"incompatible: {tuple(shape_a)} vs {tuple(shape_b)}")
        result.append(b if a == 1 else a)
    return tuple(reversed(result))


@alternative("chapter1.one_hot")
def compare_with_arange(labels, num_classes, dtype=np.float32):
    """labels[:, None] == np.arange(k), cast to the dtype."""
    return (labels[:, None] == np.arange(num_classes)).astype(dtype)


@alternative("chapter1.select_classes")
def mask_by_comparisons(X, y, classes):
    """An OR of one comparison per class instead of np.isin."""
    mask = np.zeros(len(y), dtype=bool)
    for c in classes:
        mask |= y == c
    return X[mask], y[mask]


@alternative("chapter1.shuffle_together")
def take_with_permutation(X, y, rng):
    """np.take along axis 0 with one rng.permutation."""
    p = rng.permutation(X.shape[0])
    return np.take(X, p, axis=0), np.take(y, p, axis=0)


@alternative("chapter1.train_test_split")
def split_by_index_sets(X, y, test_fraction, rng):
    """Permute indices, take the last ceil(f * n) as the test set."""
    n = len(X)
    order = rng.permutation(n)
    n_test = math.ceil(test_fraction * n)
    train, test = order[: n - n_test], order[n - n_test :]
    return X[train], X[test], y[train], y[test]


@alternative("chapter1.scale_train_test")
def float64_statistics_cast_back(X_train, X_test):
    """Statistics in float64 with np.var, a masked divide, cast back to each input's dtype."""
    mean = X_train.astype(np.float64).mean(axis=0)
    std = np.sqrt(X_train.astype(np.float64).var(axis=0))
    varies = np.ptp(X_train, axis=0) > 0
    out = []
    for X in (X_train, X_test):
        scaled = np.zeros(X.shape)
        scaled[:, varies] = (X[:, varies] - mean[varies]) / std[varies]
        out.append(scaled.astype(X.dtype))
    return out[0], out[1]


@alternative("chapter1.iterate_minibatches")
def slices_of_a_shuffled_copy(X, y, batch_size, rng=None):
    """Both arrays reordered by one rng.permutation into copies first, then cut into slices (views) of those."""
    if rng is not None:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


@alternative("chapter1.shuffle_together")
def argsort_of_random_keys(X, y, rng):
    """The order is the argsort of n uniform random keys from rng (another draw than rng.permutation)."""
    order = np.argsort(rng.random(len(X)))
    return X[order], y[order]


@alternative("chapter1.iterate_minibatches")
def shuffled_index_in_place_of_a_copy(X, y, batch_size, rng=None):
    """rng.shuffle on a private index array, batches by np.array_split-free slicing of that index."""
    index = np.arange(len(X))
    if rng is not None:
        rng.shuffle(index)
    for start in range(0, len(X), batch_size):
        yield X[index[start : start + batch_size]], y[index[start : start + batch_size]]
