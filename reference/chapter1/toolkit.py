"""1.4 The NumPy toolkit for machine learning: the data chores of every chapter.

Broadcasting, one-hot labels, class subsets with boolean masks, shuffling,
train/test splits, scaling without leakage, and mini-batches.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import DTypeLike, NDArray

from kata.contracts import Array, Instance, Int, Ints, Real, Rule, contract


@contract(shape_a=Ints(min_len=0, ge=0), shape_b=Ints(min_len=0, ge=0))
def broadcast_shape(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``a + b`` for arrays of shapes ``shape_a`` and ``shape_b``.

    NumPy's broadcasting rule: align the shapes at their right ends (pad the
    shorter one with 1s on the left); two sizes are compatible when they are
    equal or one of them is 1, and the result takes the one that is not 1. This is why
    ``Z = X @ W + b`` works with ``b`` of shape ``(1, k)``: ``(n, k)`` and
    ``(1, k)`` give ``(n, k)``. Apply the rule yourself: NumPy's
    broadcasting helpers (``np.broadcast_shapes``, ``np.broadcast``, ...) are the
    tests' oracle and may not be called.

    Args:
        shape_a, shape_b: tuples of non-negative ints (``()`` is a scalar).

    Returns:
        The broadcast shape, a tuple of ints.

    Raises:
        ValueError: yours, if two aligned sizes differ and neither is 1; the
            message must contain both shapes as Python prints tuples, e.g.
            ``(2, 3)`` and ``(3, 2)``. (Sizes that are not non-negative ints:
            from the contract above the signature.)
    """
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(padded_a, padded_b, strict=True):
        if size_a != size_b and 1 not in (size_a, size_b):
            raise ValueError(f"shapes {tuple(shape_a)} and {tuple(shape_b)} cannot be broadcast together")
        result.append(size_b if size_a == 1 else size_a)
    return tuple(result)


@contract(labels=Array("(n,)", "int", ge=0, lt="num_classes"), num_classes=Int(ge=1))
def one_hot(labels: NDArray[np.integer], num_classes: int, dtype: DTypeLike = np.float32) -> NDArray[np.floating]:
    """One-hot rows: ``Y[i, c] = 1`` if ``labels[i] == c`` else ``0``.

    The encoding the multi-class losses and backward passes expect: a label 3
    with 5 classes becomes ``[0, 0, 0, 1, 0]``.

    Args:
        labels: shape ``(n,)``, integers in ``[0, num_classes)``.
        num_classes: the number of classes ``k`` (>= 1).
        dtype: the float dtype of the result (float32 by default).

    Returns:
        ``Y`` of shape ``(n, num_classes)`` and ``dtype``; each row sums to 1.

    Raises:
        ValueError: from the contract above the signature, if ``labels`` is
            not 1-D, holds non-integers, or a label is outside ``[0, num_classes)``.
    """
    return np.eye(num_classes, dtype=dtype)[labels.astype(np.intp)]


@contract(X=Array("(n, ...)", "any"), y=Array("(n,)", "any"))
def select_classes(
    X: NDArray[np.floating], y: NDArray[np.integer], classes: Sequence[int]
) -> tuple[NDArray[np.floating], NDArray[np.integer]]:
    """The samples whose label is one of ``classes``, selected with a boolean mask.

    The kept rows stay in their original order, each with its own label. For
    example MNIST "0 vs 1": ``select_classes(X, y, [0, 1])``. Labels are
    returned unchanged.

    Args:
        X: shape ``(n, ...)``, one sample per row. Not modified.
        y: shape ``(n,)``, integer labels. Not modified.
        classes: the labels to keep.

    Returns:
        ``(X_subset, y_subset)``, new arrays with ``m <= n`` rows.

    Raises:
        ValueError: from the contract, if ``y`` is not 1-D or ``X`` and ``y``
            differ in length.
    """
    mask = np.isin(y, np.asarray(classes))
    return X[mask], y[mask]


@contract(X=Array("(n, ...)", "any"), y=Array("(n, ...)", "any"), rng=Instance(np.random.Generator))
def shuffle_together(
    X: NDArray[np.floating], y: NDArray[np.generic], rng: np.random.Generator
) -> tuple[NDArray[np.floating], NDArray[np.generic]]:
    """Shuffle the rows of ``X`` and ``y`` with one permutation, so pairs stay together.

    One random permutation ``p`` of ``0 .. n-1``, drawn from ``rng``, reorders
    both arrays (two permutations would scramble the labels). The result
    depends only on ``rng``'s state, never on the global ``np.random``.

    Args:
        X: shape ``(n, ...)``. Not modified.
        y: shape ``(n, ...)``, labels or targets. Not modified.
        rng: the random generator, e.g. ``np.random.default_rng(0)``.

    Returns:
        ``(X_shuffled, y_shuffled)``, new arrays: ``X_shuffled[i] = X[p[i]]``
        and ``y_shuffled[i] = y[p[i]]``.

    Raises:
        ValueError: from the contract, if ``X`` and ``y`` differ in length.
    """
    permutation = rng.permutation(len(X))
    return X[permutation], y[permutation]


@contract(
    Rule("test_fraction * n <= n - 1", "test_fraction leaves no sample for training"),
    X=Array("(n, ...)", "any"),
    y=Array("(n, ...)", "any"),
    test_fraction=Real(gt=0, lt=1),
    rng=Instance(np.random.Generator),
)
def train_test_split(
    X: NDArray[np.floating], y: NDArray[np.generic], test_fraction: float, rng: np.random.Generator
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.generic], NDArray[np.generic]]:
    """Shuffle the samples, then split them into a training and a test set.

    The test set has ``n_test = ceil(test_fraction * n)`` samples (the rule
    scikit-learn uses) and the training set the other ``n - n_test``; every
    sample lands in exactly one of them, paired with its own label.

    Args:
        X: shape ``(n, ...)``. Not modified.
        y: shape ``(n, ...)``. Not modified.
        test_fraction: strictly between 0 and 1.
        rng: the random generator that shuffles.

    Returns:
        ``(X_train, X_test, y_train, y_test)``, in scikit-learn's order.

    Raises:
        ValueError: from the contract, if ``test_fraction`` is not in (0, 1), if
            ``X`` and ``y`` differ in length, or if either set would be empty.
    """
    n = len(X)
    n_test = math.ceil(test_fraction * n)
    X_shuffled, y_shuffled = shuffle_together(X, y, rng)
    n_train = n - n_test
    return X_shuffled[:n_train], X_shuffled[n_train:], y_shuffled[:n_train], y_shuffled[n_train:]


@contract(X_train=Array("(n_train, d)"), X_test=Array("(n_test, d)"))
def scale_train_test(
    X_train: NDArray[np.floating], X_test: NDArray[np.floating]
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """Standardize both sets with the *training* set's per-column mean and std.

    ``mean`` and ``std`` (``ddof=0``) come from ``X_train`` alone; both sets
    become ``(X - mean) / std``. Computing them on the test set, or on both sets
    together, leaks information about the test data into training. Columns
    that are constant in the training set (std 0, even where rounding makes the
    computed std a tiny number like 1e-17) become 0 in both sets, with no
    RuntimeWarning.

    Args:
        X_train: shape ``(n_train, d)``, float32 or float64. Not modified.
        X_test: shape ``(n_test, d)``, the same ``d``. Not modified.

    Returns:
        ``(X_train_scaled, X_test_scaled)``, new arrays of the inputs' shapes
        and float dtypes.

    Raises:
        ValueError: from the contract, if either is not 2-D or their numbers of
            columns differ.
    """
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    varies = np.ptp(X_train, axis=0) > 0  # exact, unlike std != 0 after rounding
    scaled = []
    for X in (X_train, X_test):
        centered = X - mean
        scaled.append(np.divide(centered, std, out=np.zeros_like(centered), where=varies))
    return scaled[0], scaled[1]


@contract(
    X=Array("(n, ...)", "any"),
    y=Array("(n, ...)", "any"),
    batch_size=Int(ge=1),
    rng=Instance(np.random.Generator, optional=True),
)
def iterate_minibatches(
    X: NDArray[np.floating], y: NDArray[np.generic], batch_size: int, rng: np.random.Generator | None = None
) -> Iterator[tuple[NDArray[np.floating], NDArray[np.generic]]]:
    """Yield ``(X_batch, y_batch)`` pairs that cover every sample exactly once.

    Batches hold ``batch_size`` consecutive samples, in order, except the last,
    which holds the remaining ``n % batch_size`` when that is not 0 (a partial
    batch is kept, never dropped). With ``rng``, the samples are first
    shuffled together (one permutation, as ``shuffle_together``); without it,
    the original order is kept.

    Args:
        X: shape ``(n, ...)``. Not modified.
        y: shape ``(n, ...)``. Not modified.
        batch_size: a positive int.
        rng: optional random generator for shuffling.

    Yields:
        ``ceil(n / batch_size)`` pairs of arrays with ``batch_size`` rows
        (the last one possibly fewer).

    Raises:
        ValueError: from the contract, if ``batch_size`` is not a positive int or
            ``X`` and ``y`` differ in length.
    """
    # One permutation, drawn as shuffle_together draws it, and each batch's rows gathered from it when
    # the batch is needed: the batches of shuffling a copy of both arrays first, without that copy of
    # the whole data set (188 MB of MNIST images, new memory every epoch).
    order = rng.permutation(len(X)) if rng is not None else None
    for start in range(0, len(X), batch_size):
        rows = slice(start, start + batch_size) if order is None else order[start : start + batch_size]
        yield X[rows], y[rows]
