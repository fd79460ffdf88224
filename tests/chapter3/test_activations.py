"""3.2 relu, relu_derivative and softmax."""

import numpy as np
import pytest
import scipy.special
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kata.testing import assert_close, call_unchanged, no_warnings, rejects

any_shape = hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=st.floats(-1e6, 1e6))
score_rows = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-50, 50, allow_nan=False)
)

# --- relu ------------------------------------------------------------------------------


@pytest.mark.kata("chapter3.relu")
def test_relu_hand_computed(impl):
    Z = np.array([[-1.0, 2.0], [0.0, -3.0], [4.0, -0.5]])
    assert_close(impl.chapter3.relu(Z), np.array([[0.0, 2.0], [0.0, 0.0], [4.0, 0.0]]), what="relu(Z)")


@pytest.mark.kata("chapter3.relu")
@given(Z=any_shape)
@example(Z=np.array([[-1.0, 0.0, 2.0]]))  # tried first: a stub fails at once, without a search
def test_relu_matches_where(impl, Z):
    assert_close(impl.chapter3.relu(Z), np.where(Z > 0, Z, 0.0), what="relu(Z) vs np.where(Z > 0, Z, 0)", rtol=0)


@pytest.mark.kata("chapter3.relu")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_keeps_shape_dtype_and_input(impl, dtype):
    Z = np.linspace(-2, 2, 12, dtype=dtype).reshape(3, 4)
    A = call_unchanged(impl.chapter3.relu, Z)
    assert_close(A, np.where(Z > 0, Z, 0), what="relu(Z)", dtype=dtype, rtol=0)


# --- relu_derivative -------------------------------------------------------------------


@pytest.mark.kata("chapter3.relu_derivative")
def test_relu_derivative_hand_computed_with_zero(impl):
    Z = np.array([[-2.0, -0.0, 0.0, 1e-300, 3.0]])
    got = impl.chapter3.relu_derivative(Z)
    assert_close(got, np.array([[0.0, 0.0, 0.0, 1.0, 1.0]]), what="relu_derivative([-2, -0, 0, 1e-300, 3])", rtol=0)
    assert got[0, 2] == 0, (
        "relu_derivative(0) must be 0: ReLU has no derivative at its kink and the course fixes it to 0 there "
        "(use Z > 0, not Z >= 0)"
    )


@pytest.mark.kata("chapter3.relu_derivative")
@given(Z=any_shape)
@example(Z=np.array([[-1.0, 0.0, 2.0]]))  # tried first: a stub fails at once, without a search
def test_relu_derivative_is_the_positive_mask(impl, Z):
    assert_close(impl.chapter3.relu_derivative(Z), (Z > 0).astype(np.float64), what="relu_derivative(Z)", rtol=0)


@pytest.mark.kata("chapter3.relu_derivative")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_derivative_keeps_shape_dtype_and_input(impl, dtype):
    Z = np.array([[[-1.0, 0.0], [0.5, 2.0]]], dtype=dtype)
    got = call_unchanged(impl.chapter3.relu_derivative, Z)
    assert_close(got, np.array([[[0.0, 0.0], [1.0, 1.0]]]), what="relu_derivative(Z)", dtype=dtype, rtol=0)


# --- softmax ---------------------------------------------------------------------------


@pytest.mark.kata("chapter3.softmax")
def test_softmax_hand_computed(impl):
    # exp(0), exp(ln 2), exp(ln 3) are 1, 2, 3: probabilities 1/6, 2/6, 3/6. The second row is uniform.
    Z = np.array([[0.0, np.log(2.0), np.log(3.0)], [5.0, 5.0, 5.0]])
    expected = np.array([[1 / 6, 2 / 6, 3 / 6], [1 / 3, 1 / 3, 1 / 3]])
    assert_close(impl.chapter3.softmax(Z), expected, what="softmax(Z)", rtol=1e-12)


@pytest.mark.kata("chapter3.softmax")
@given(Z=score_rows)
@example(Z=np.array([[0.0, 1.0, 2.0]]))
def test_softmax_matches_scipy_row_wise(impl, Z):
    assert_close(
        impl.chapter3.softmax(Z),
        scipy.special.softmax(Z, axis=1),
        what="softmax(Z) vs scipy.special.softmax(Z, axis=1): each row (axis 1) is one sample",
        atol=1e-12,
    )


@pytest.mark.kata("chapter3.softmax")
@given(Z=score_rows)
@example(Z=np.array([[0.0, 1.0, 2.0]]))
def test_softmax_rows_are_distributions(impl, Z):
    A = impl.chapter3.softmax(Z)
    assert_close(A.sum(axis=1), np.ones(len(Z)), what="row sums of softmax(Z) (sum over axis 1)", rtol=1e-12)
    assert np.all(A >= 0), f"softmax must be non-negative; got {A}"


@pytest.mark.kata("chapter3.softmax")
@given(Z=score_rows, shifts=hnp.arrays(np.float64, 6, elements=st.floats(-100, 100)))
@example(Z=np.array([[0.0, 1.0, 2.0]]), shifts=np.full(6, 3.0))
def test_softmax_is_shift_invariant_per_row(impl, Z, shifts):
    shifted = Z + shifts[: len(Z), None]  # one constant per row
    assert_close(
        impl.chapter3.softmax(shifted),
        impl.chapter3.softmax(Z),
        what="softmax(Z + c) vs softmax(Z) for a constant c per row",
        atol=1e-12,
    )


@pytest.mark.kata("chapter3.softmax")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_at_extreme_scores(impl, dtype):
    Z = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]], dtype=dtype)
    e = np.exp(-1.0)
    expected = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [1 / (2 + e), 1 / (2 + e), e / (2 + e)]])
    try:
        with no_warnings():
            A = impl.chapter3.softmax(Z)
    except (FloatingPointError, RuntimeWarning) as error:
        raise AssertionError(
            f"softmax overflowed at +-1000 ({error}): exp(1000) is inf. Subtract each row's maximum "
            "(axis=1, keepdims=True) before np.exp; the result does not change"
        ) from None
    # Scores of magnitude 1000 are themselves rounded to 1000 * eps of the dtype (1.2e-4 in float32): a correct
    # softmax that subtracts a log-sum-exp (exp(Z - logsumexp(Z))) rather than the row maximum loses that much
    # in the exponent, so rtol is 2 * 1000 * eps (2.4e-4 in float32), and 1e-6 in float64, where that is 4e-13.
    rtol = max(2 * 1000 * float(np.finfo(dtype).eps), 1e-6)
    assert_close(A, expected, what="softmax at +-1000", dtype=dtype, rtol=rtol, atol=1e-7)


@pytest.mark.kata("chapter3.softmax")
def test_softmax_keeps_float32_and_input(impl):
    Z = np.random.default_rng(0).normal(size=(4, 10)).astype(np.float32)
    A = call_unchanged(impl.chapter3.softmax, Z)
    expected = scipy.special.softmax(Z.astype(np.float64), axis=1)
    # |Z| < 4 here: rounding the exponent in float32 costs about 4 * eps32 (5e-7) relative, the sum and the
    # division a few eps32 more, with max subtraction or a log-sum-exp alike; rtol 1e-5 is ten times that.
    assert_close(A, expected, what="softmax of a float32 (4, 10) batch", dtype=np.float32, rtol=1e-5)


@pytest.mark.kata("chapter3.softmax")
@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)])
def test_softmax_rejects_what_is_not_a_matrix(impl, shape):
    with rejects("Z"):
        impl.chapter3.softmax(np.zeros(shape))
