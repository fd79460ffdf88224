"""1.1 normalize: per-column z-scores."""

import statistics

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kata.testing import assert_close, call_unchanged, no_warnings, rejects

pytestmark = pytest.mark.kata("chapter1.normalize")

# Multiples of 1/4 are exact in binary, so a constant column has a std of exactly 0
# and no correct formula loses precision to cancellation.
columns = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 12), st.integers(1, 5)),
    elements=st.integers(-400, 400).map(lambda i: i / 4),
)


def zscores(X):
    """The tests' oracle: each column's z-scores from the standard library's mean and population std
    (``statistics.fmean`` and ``pstdev``, computed exactly, then rounded once); a constant column is 0."""
    Z = np.zeros(X.shape)
    for j, column in enumerate(np.asarray(X, np.float64).T.tolist()):
        mean, std = statistics.fmean(column), statistics.pstdev(column)
        if std > 0:
            Z[:, j] = [(x - mean) / std for x in column]
    return Z


def test_hand_computed_columns(impl):
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    # Column 0: mean 3, population variance (4 + 0 + 4) / 3. Column 1 is constant.
    std = np.sqrt(8.0 / 3.0)
    expected = np.array([[-2.0 / std, 0.0], [0.0, 0.0], [2.0 / std, 0.0]])
    assert_close(impl.chapter1.normalize(X), expected, what="normalize(X)")


@given(X=columns)
@example(X=np.array([[1.0, 2.0], [3.0, 2.0], [-4.0, 2.0]]))  # checked first: a stub fails at once
def test_matches_the_standard_librarys_zscores(impl, X):
    with np.errstate(all="ignore"):
        got = impl.chapter1.normalize(X)
    assert_close(got, zscores(X), what="normalize(X) vs statistics.fmean and pstdev", rtol=1e-6, atol=1e-8)


def test_columns_have_mean_zero_and_std_one(impl):
    X = np.random.default_rng(0).normal(5.0, 3.0, size=(50, 4)) * np.array([1.0, 10.0, 0.1, 100.0])
    Z = impl.chapter1.normalize(X)
    assert_close(Z.mean(axis=0), np.zeros(4), what="column means of normalize(X)", atol=1e-12)
    assert_close(Z.std(axis=0), np.ones(4), what="column stds (ddof=0) of normalize(X)")


def test_constant_column_becomes_zero_without_warnings(impl):
    X = np.array([[2.0, 1.0], [2.0, 2.0], [2.0, 3.0]])
    with no_warnings():
        Z = impl.chapter1.normalize(X)
    assert_close(Z[:, 0], np.zeros(3), what="normalize(X)[:, 0] for a constant column")


def test_a_constant_column_whose_computed_std_is_not_exactly_zero(impl):
    """Seven copies of 0.1 have std 0, but NumPy computes 1.4e-17: the column is still constant."""
    X = np.column_stack([np.full(7, 0.1), np.arange(7.0)])
    with no_warnings():
        Z = impl.chapter1.normalize(X)
    assert_close(Z[:, 0], np.zeros(7), what="normalize(X)[:, 0] for a column of seven 0.1s")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_float_dtype(impl, dtype):
    X = np.random.default_rng(1).normal(size=(6, 3)).astype(dtype)
    Z = impl.chapter1.normalize(X)
    assert_close(Z, zscores(X), what="normalize(X)", dtype=dtype, rtol=1e-4)


def test_does_not_modify_its_input(impl):
    X = np.random.default_rng(2).normal(size=(5, 3))
    call_unchanged(impl.chapter1.normalize, X)


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)])
def test_rejects_non_matrices(impl, shape):
    with rejects("X"):
        impl.chapter1.normalize(np.ones(shape))
