"""1.4 The NumPy toolkit: broadcasting, one-hot, masks, shuffling, splits, scaling, batches."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kata.testing import assert_array, assert_close, call_unchanged, no_warnings, raises_containing, rejects


def paired_data(n, d=3):
    """X whose row i is (i, i + 0.25, ...) and y[i] = 1000 + i: a row's label is recoverable."""
    X = np.arange(n, dtype=np.float64)[:, None] + 0.25 * np.arange(d)
    return X, 1000 + np.arange(n)


def assert_paired(X, y, what):
    assert_close(y - 1000, X[:, 0].astype(np.int64), what=f"{what}: labels follow their rows")


# --- broadcast_shape -------------------------------------------------------------------

shapes = st.lists(st.integers(0, 3), max_size=4).map(tuple)


@pytest.mark.kata("chapter1.broadcast_shape")
@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((3, 1), (1, 4), (3, 4)), ((5,), (2, 5), (2, 5)), ((), (2,), (2,)), ((64, 10), (1, 10), (64, 10)),
     ((0,), (1,), (0,)), ((2, 1, 3), (4, 1), (2, 4, 3))],
)  # fmt: skip
def test_broadcast_hand_cases(impl, a, b, expected):
    assert impl.chapter1.broadcast_shape(a, b) == expected


@pytest.mark.kata("chapter1.broadcast_shape")
@pytest.mark.parametrize(("a", "b"), [((2, 3), (3, 2)), ((0,), (2,)), ((4, 3), (4,))])
def test_broadcast_incompatible(impl, a, b):
    with raises_containing(str(a), str(b)):
        impl.chapter1.broadcast_shape(a, b)


@pytest.mark.kata("chapter1.broadcast_shape")
def test_broadcast_is_computed_not_delegated(impl, monkeypatch):
    """The docstring forbids np.broadcast_shapes (the tests' oracle) and its relatives."""

    def forbidden(*args, **kwargs):
        raise AssertionError("broadcast_shape must apply the rule itself, not call NumPy's broadcasting helpers")

    for name in ("broadcast_shapes", "broadcast", "broadcast_to", "broadcast_arrays"):
        monkeypatch.setattr(np, name, forbidden)
    assert impl.chapter1.broadcast_shape((2, 1, 3), (4, 1)) == (2, 4, 3)


@pytest.mark.kata("chapter1.broadcast_shape")
@given(a=shapes, b=shapes)
@example(a=(3, 1), b=(4,))  # checked first: a stub fails at once
def test_broadcast_agrees_with_numpy(impl, a, b):
    try:
        expected = np.broadcast_shapes(a, b)
    except ValueError:
        with pytest.raises(ValueError):
            impl.chapter1.broadcast_shape(a, b)
    else:
        assert impl.chapter1.broadcast_shape(a, b) == expected


# --- one_hot ---------------------------------------------------------------------------


@pytest.mark.kata("chapter1.one_hot")
def test_one_hot_hand_case(impl):
    expected = np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], dtype=np.float32)
    assert_close(impl.chapter1.one_hot(np.array([2, 0, 1, 2]), 4), expected, what="one_hot([2, 0, 1, 2], 4)",
                 dtype=np.float32)  # fmt: skip


@pytest.mark.kata("chapter1.one_hot")
@given(labels=st.lists(st.integers(0, 9), min_size=1, max_size=30))
@example(labels=[3, 0, 9])  # checked first: a stub fails at once
def test_one_hot_rows_recover_labels(impl, labels):
    Y = impl.chapter1.one_hot(np.array(labels), 10, dtype=np.float64)
    assert_array(Y, what="one_hot(labels, 10, dtype=float64)", shape=(len(labels), 10), dtype=np.float64)
    assert_close(Y.sum(axis=1), np.ones(len(labels)), what="row sums of one_hot")
    assert_close(Y.argmax(axis=1), np.array(labels), what="argmax of one_hot rows")
    assert set(np.unique(Y)) <= {0.0, 1.0}


@pytest.mark.kata("chapter1.one_hot")
@pytest.mark.parametrize("labels", [np.array([0, 3]), np.array([-1, 0]), np.array([[0, 1]]), np.array([0.5, 1.0])])
def test_one_hot_rejects_bad_labels(impl, labels):
    with rejects("labels"):
        impl.chapter1.one_hot(labels, 3)


# --- select_classes --------------------------------------------------------------------


@pytest.mark.kata("chapter1.select_classes")
def test_select_classes_keeps_order_and_pairs(impl):
    X = np.arange(12, dtype=np.float64).reshape(6, 2)
    y = np.array([0, 1, 2, 1, 0, 3])
    X_sub, y_sub = call_unchanged(impl.chapter1.select_classes, X, y, [0, 1])
    assert_close(y_sub, np.array([0, 1, 1, 0]), what="labels kept, in their original order")
    assert_close(X_sub, X[[0, 1, 3, 4]], what="rows kept, in their original order")


@pytest.mark.kata("chapter1.select_classes")
def test_select_zeros_and_ones_of_digits(impl, digits):
    X_sub, y_sub = impl.chapter1.select_classes(digits.X_train, digits.y_train, [0, 1])
    expected_count = int(np.sum(digits.y_train == 0) + np.sum(digits.y_train == 1))
    assert_array(X_sub, what="digits 0 vs 1", shape=(expected_count, 64))
    assert set(np.unique(y_sub)) == {0, 1}


@pytest.mark.kata("chapter1.select_classes")
def test_select_classes_rejects_mismatched_lengths(impl):
    with rejects("X", "y"):
        impl.chapter1.select_classes(np.ones((5, 2)), np.zeros(4, dtype=int), [0])


# --- shuffle_together ------------------------------------------------------------------


@pytest.mark.kata("chapter1.shuffle_together")
def test_shuffle_keeps_pairs_and_is_a_permutation(impl):
    X, y = paired_data(100)
    X_s, y_s = call_unchanged(impl.chapter1.shuffle_together, X, y, np.random.default_rng(0))
    assert_array(X_s, what="X_shuffled", shape=X.shape)
    assert_paired(X_s, y_s, "shuffle_together")
    assert_close(np.sort(y_s), y, what="sorted shuffled labels (every sample exactly once)")
    assert not np.array_equal(y_s, y), "shuffle_together returned the samples in their original order"


@pytest.mark.kata("chapter1.shuffle_together")
def test_shuffle_depends_only_on_rng(impl):
    X, y = paired_data(50)
    np.random.seed(1)  # noqa: NPY002 - a solution must not depend on the global state
    first = impl.chapter1.shuffle_together(X, y, np.random.default_rng(7))
    np.random.seed(2)  # noqa: NPY002
    second = impl.chapter1.shuffle_together(X, y, np.random.default_rng(7))
    other = impl.chapter1.shuffle_together(X, y, np.random.default_rng(8))
    assert np.array_equal(first[1], second[1]), "the same rng seed must give the same shuffle (use rng, not np.random)"
    assert not np.array_equal(first[1], other[1]), "different rng seeds gave the same shuffle"


@pytest.mark.kata("chapter1.shuffle_together")
def test_shuffle_rejects_mismatched_lengths(impl):
    with rejects("X", "y"):
        impl.chapter1.shuffle_together(np.ones((3, 2)), np.ones(4), np.random.default_rng(0))


# --- train_test_split ------------------------------------------------------------------


@pytest.mark.kata("chapter1.train_test_split")
@pytest.mark.parametrize(("n", "fraction", "n_test"), [(10, 0.3, 3), (10, 0.25, 3), (100, 0.2, 20), (7, 0.5, 4)])
def test_split_sizes_follow_ceil(impl, n, fraction, n_test):
    X, y = paired_data(n)
    X_train, X_test, _, y_test = impl.chapter1.train_test_split(X, y, fraction, np.random.default_rng(0))
    assert_array(X_test, what=f"X_test for n={n}, test_fraction={fraction}", shape=(n_test, 3))
    assert_array(X_train, what=f"X_train for n={n}, test_fraction={fraction}", shape=(n - n_test, 3))
    assert_array(y_test, what="y_test", shape=(n_test,))


@pytest.mark.kata("chapter1.train_test_split")
def test_split_is_shuffled_disjoint_and_complete(impl):
    X, y = paired_data(100)
    X_train, X_test, y_train, y_test = call_unchanged(
        impl.chapter1.train_test_split, X, y, 0.2, np.random.default_rng(3)
    )
    assert_paired(X_train, y_train, "training set")
    assert_paired(X_test, y_test, "test set")
    assert_close(np.sort(np.concatenate([y_train, y_test])), y, what="train + test labels (each sample once)")
    assert not np.array_equal(np.sort(y_test), y[80:]), "the test set is the last 20 rows: shuffle before splitting"
    again = impl.chapter1.train_test_split(X, y, 0.2, np.random.default_rng(3))
    assert np.array_equal(again[3], y_test), "the same rng seed must give the same split"


@pytest.mark.kata("chapter1.train_test_split")
@pytest.mark.parametrize(("n", "fraction"), [(10, 0.0), (10, 1.0), (10, 1.5), (2, 0.99)])
def test_split_rejects_bad_fractions(impl, n, fraction):
    X, y = paired_data(n)
    with rejects("test_fraction"):
        impl.chapter1.train_test_split(X, y, fraction, np.random.default_rng(0))


# --- scale_train_test ------------------------------------------------------------------


@pytest.mark.kata("chapter1.scale_train_test")
def test_scaling_uses_training_statistics_only(impl):
    X_train = np.array([[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    X_test = np.array([[2.0, 7.0], [6.0, 5.0], [100.0, -1.0]])
    std = np.sqrt(8.0 / 3.0)  # training column 0: mean 2, population variance 8/3; column 1 is constant
    with no_warnings():
        train, test = call_unchanged(impl.chapter1.scale_train_test, X_train, X_test)
    assert_close(train, np.array([[-2 / std, 0.0], [0.0, 0.0], [2 / std, 0.0]]), what="scaled X_train")
    assert_close(test, np.array([[0.0, 0.0], [4 / std, 0.0], [98 / std, 0.0]]), what="scaled X_test (train stats)")


@pytest.mark.kata("chapter1.scale_train_test")
def test_a_constant_column_whose_computed_std_is_not_exactly_zero(impl):
    """Seven copies of 0.1 have std 0, but NumPy computes 1.4e-17: the column is still constant."""
    X_train = np.column_stack([np.full(7, 0.1), np.arange(7.0)])
    X_test = np.array([[0.5, 3.0], [0.1, 6.0]])
    with no_warnings():
        train, test = impl.chapter1.scale_train_test(X_train, X_test)
    assert_close(train[:, 0], np.zeros(7), what="scaled X_train[:, 0], a constant training column")
    assert_close(test[:, 0], np.zeros(2), what="scaled X_test[:, 0], constant in training")


@pytest.mark.kata("chapter1.scale_train_test")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scaling_keeps_dtype(impl, dtype):
    rng = np.random.default_rng(0)
    train, test = impl.chapter1.scale_train_test(rng.normal(size=(8, 3)).astype(dtype), np.ones((2, 3), dtype))
    assert_array(train, what="scaled X_train", shape=(8, 3), dtype=dtype)
    assert_array(test, what="scaled X_test", shape=(2, 3), dtype=dtype)


@pytest.mark.kata("chapter1.scale_train_test")
def test_scaling_rejects_different_columns(impl):
    with rejects("X_train", "X_test"):
        impl.chapter1.scale_train_test(np.ones((4, 3)), np.ones((2, 2)))


# --- iterate_minibatches ---------------------------------------------------------------


@pytest.mark.kata("chapter1.iterate_minibatches")
@pytest.mark.parametrize(
    ("n", "batch_size", "sizes"), [(10, 4, [4, 4, 2]), (8, 4, [4, 4]), (3, 10, [3]), (5, 1, [1] * 5)]
)
def test_batches_in_order_with_partial_last(impl, n, batch_size, sizes):
    X, y = paired_data(n)
    batches = list(impl.chapter1.iterate_minibatches(X, y, batch_size))
    assert [len(xb) for xb, _ in batches] == sizes, f"batch sizes for n={n}, batch_size={batch_size}"
    assert_close(np.concatenate([xb for xb, _ in batches]), X, what="batches concatenated (no rng: original order)")
    assert_close(np.concatenate([yb for _, yb in batches]), y, what="label batches concatenated")


@pytest.mark.kata("chapter1.iterate_minibatches")
def test_batches_shuffled_with_rng(impl):
    X, y = paired_data(100)
    batches = list(impl.chapter1.iterate_minibatches(X, y, 32, rng=np.random.default_rng(0)))
    assert [len(xb) for xb, _ in batches] == [32, 32, 32, 4]
    X_all, y_all = np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])
    assert_paired(X_all, y_all, "shuffled batches")
    assert_close(np.sort(y_all), y, what="every sample exactly once")
    assert not np.array_equal(y_all, y), "with an rng the samples must be shuffled"
    again = np.concatenate([b[1] for b in impl.chapter1.iterate_minibatches(X, y, 32, rng=np.random.default_rng(0))])
    assert np.array_equal(again, y_all), "the same rng seed must give the same batches"
    assert np.array_equal(X, paired_data(100)[0]), "iterate_minibatches modified X in place"


@pytest.mark.kata("chapter1.iterate_minibatches")
def test_batches_reject_bad_batch_size(impl):
    X, y = paired_data(4)
    with rejects("batch_size"):
        list(impl.chapter1.iterate_minibatches(X, y, 0))
