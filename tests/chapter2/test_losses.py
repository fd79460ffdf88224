"""2.1 mse_loss and binary_cross_entropy: Python floats, clipped logs, no silent broadcasting."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kata.testing import assert_scalar, call_unchanged, no_warnings, rejects

mse = pytest.mark.kata("chapter2.mse_loss")
bce = pytest.mark.kata("chapter2.binary_cross_entropy")

columns = st.integers(1, 20).map(lambda n: (n, 1))


# --- mse_loss --------------------------------------------------------------------------


@mse
def test_mse_hand_computed(impl):
    y_pred = np.array([[1.0], [2.0], [4.0]])
    y = np.array([[0.0], [2.0], [2.0]])
    # Errors 1, 0, 2: squares 1, 0, 4, mean 5/3. Every formula sums three small integers exactly and rounds once
    # in the division: rtol 1e-12 is thousands of float64 ulps (1.1e-16).
    assert_scalar(impl.chapter2.mse_loss(y_pred, y), 5 / 3, what="mse_loss", rtol=1e-12)


@mse
def test_mse_averages_over_every_entry_of_a_matrix(impl):
    y_pred = np.array([[1.0, 2.0, 4.0], [0.0, 3.0, -1.0]])
    y = np.array([[0.0, 2.0, 2.0], [0.0, 0.0, -1.0]])
    # Errors 1, 0, 2 / 0, 3, 0: squares sum to 14 over N = 6 entries. A mean per column summed gives 7, a mean
    # per row summed 14/3: only the mean over all entries is 7/3. Sums of small integers are exact: rtol 1e-12.
    assert_scalar(impl.chapter2.mse_loss(y_pred, y), 14 / 6, what="mse_loss of (2, 3) arrays: one mean over all 6",
                  rtol=1e-12)  # fmt: skip


@mse
def test_mse_perfect_prediction_is_zero(impl):
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y_pred = X @ np.array([[2.0]]) + 1.0
    assert_scalar(impl.chapter2.mse_loss(y_pred, 2 * X + 1), 0.0, what="mse_loss of y = 2x + 1 predicted exactly")


@mse
@given(
    pair=columns.flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-100, 100)),
            hnp.arrays(np.float64, shape, elements=st.floats(-100, 100)),
        )
    )
)
def test_mse_matches_an_exact_sum(impl, pair):
    y_pred, y = pair
    # The oracle: Python floats, each square rounded once, summed exactly (math.fsum).
    pairs = zip(y_pred.ravel().tolist(), y.ravel().tolist(), strict=True)
    expected = math.fsum((p - t) ** 2 for p, t in pairs) / len(y)
    # At most 20 float64 squares: any summation order or float64 formula agrees to about 20 ulps (2e-15 relative);
    # the atol covers a loss that is exactly 0.
    assert_scalar(impl.chapter2.mse_loss(y_pred, y), expected, what="mse_loss vs an exact sum", rtol=1e-9, atol=1e-12)


@mse
def test_mse_of_float32_is_a_python_float(impl):
    y_pred = np.array([[0.5], [1.5]], dtype=np.float32)
    y = np.array([[0.0], [1.0]], dtype=np.float32)
    loss = call_unchanged(impl.chapter2.mse_loss, y_pred, y)
    assert_scalar(loss, 0.25, what="mse_loss of float32 arrays (return float(...), not a NumPy float32)")


@mse
@pytest.mark.parametrize(("shape_pred", "shape_y"), [((4,), (4, 1)), ((4, 1), (4,)), ((4, 1), (1, 4))])
def test_mse_rejects_mismatched_shapes(impl, shape_pred, shape_y):
    # (4,) - (4, 1) broadcasts to (4, 4): the mean of 16 wrong differences, with no error from NumPy.
    with rejects("y_pred", "y"):
        impl.chapter2.mse_loss(np.zeros(shape_pred), np.ones(shape_y))


@mse
def test_mse_rejects_empty_arrays(impl):
    with rejects("y_pred"):
        impl.chapter2.mse_loss(np.zeros((0, 1)), np.zeros((0, 1)))


# --- binary_cross_entropy --------------------------------------------------------------


@bce
def test_bce_hand_computed(impl):
    A = np.array([[0.8], [0.25], [0.5]])
    y = np.array([[1.0], [0.0], [1.0]])
    expected = -(math.log(0.8) + math.log(0.75) + math.log(0.5)) / 3
    # The clip leaves these values alone; log, log1p(-a) or xlogy agree to a few float64 ulps: rtol 1e-12.
    assert_scalar(impl.chapter2.binary_cross_entropy(A, y), expected, what="binary_cross_entropy", rtol=1e-12)


@bce
def test_bce_soft_labels_use_the_same_formula(impl):
    A = np.array([[0.8, 0.3], [0.5, 0.9]])
    y = np.array([[0.6, 0.1], [1.0, 0.25]])
    terms = [t * math.log(a) + (1 - t) * math.log(1 - a) for a, t in zip(A.ravel(), y.ravel(), strict=True)]
    # Labels between 0 and 1 weigh both logs; a solution that picks one log per entry (y == 1 or y > 0.5) differs.
    # Four logs of numbers in [0.1, 0.9] in any float64 formula: a few ulps; rtol 1e-12.
    assert_scalar(impl.chapter2.binary_cross_entropy(A, y), -sum(terms) / 4, rtol=1e-12,
                  what="binary_cross_entropy of (2, 2) arrays with soft labels (mean over all 4 entries)")  # fmt: skip


@bce
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_clips_at_the_dtypes_eps(impl, dtype):
    # A = 0 for y = 1 and A = 1 for y = 0 are both clipped to eps away: each costs exactly -log(eps), with eps
    # from np.finfo(A.dtype). A fixed clip such as 1e-7 costs 16.1 in float64 instead of 36.0. The right rows
    # cost -log(1 - eps), about eps. float32 logs round by ~1e-7 relative: rtol 1e-5.
    eps = float(np.finfo(dtype).eps)
    A = np.array([[0.0], [1.0], [1.0], [0.0]], dtype=dtype)
    y = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=dtype)
    expected = (2 * -math.log(eps) + 2 * -math.log1p(-eps)) / 4
    assert_scalar(impl.chapter2.binary_cross_entropy(A, y), expected, rtol=1e-5,
                  what=f"binary_cross_entropy at A = 0 and 1 in {np.dtype(dtype)}: clipped to [eps, 1 - eps], "
                  f"eps = np.finfo(A.dtype).eps = {eps:.3g}")  # fmt: skip


@bce
@given(
    data=st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, (n, 1), elements=st.floats(0.001, 0.999)),
            hnp.arrays(np.float64, (n, 1), elements=st.sampled_from([0.0, 1.0])),
        )
    )
)
def test_bce_matches_an_exact_sum(impl, data):
    A, y = data
    # The oracle: -mean(y log a + (1 - y) log(1 - a)) in Python floats, summed exactly (math.fsum); no a is
    # near enough to 0 or 1 for the clipping to matter.
    pairs = zip(A.ravel().tolist(), y.ravel().tolist(), strict=True)
    terms = (t * math.log(a) + (1 - t) * math.log1p(-a) for a, t in pairs)
    expected = -math.fsum(terms) / len(y)
    # With a >= 0.001, log(1 - a) and log1p(-a) differ by at most ulp(1) / 0.001 = 2e-13 relative: rtol 1e-9.
    assert_scalar(
        impl.chapter2.binary_cross_entropy(A, y), expected, what="binary_cross_entropy vs an exact sum", rtol=1e-9
    )


@bce
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("a", "label", "confident"), [(0.0, 0.0, "right"), (1.0, 1.0, "right"),
                                                      (0.0, 1.0, "wrong"), (1.0, 0.0, "wrong")])  # fmt: skip
def test_bce_is_finite_at_probabilities_zero_and_one(impl, dtype, a, label, confident):
    A = np.full((3, 1), a, dtype=dtype)
    y = np.full((3, 1), label, dtype=dtype)
    with no_warnings():
        loss = impl.chapter2.binary_cross_entropy(A, y)
    what = f"binary_cross_entropy(A={a}, y={label}) in {np.dtype(dtype)}"
    assert isinstance(loss, float) and math.isfinite(loss), (
        f"{what}: expected a finite Python float, got {loss!r}. Clip A into [eps, 1 - eps] before the logs, "
        "with eps from np.finfo(A.dtype): in float32, 1 - 1e-12 rounds to 1 and log(1 - 1) is -inf."
    )
    if confident == "right":
        assert 0 <= loss < 1e-6, f"{what}: a confident right prediction should cost about 0; got {loss}"
    else:
        assert loss > 10, f"{what}: a confident wrong prediction should cost a lot (-log(eps)); got {loss}"


@bce
def test_bce_of_float32_is_a_python_float(impl):
    A = np.array([[0.8], [0.25]], dtype=np.float32)
    y = np.array([[1.0], [0.0]], dtype=np.float32)
    loss = call_unchanged(impl.chapter2.binary_cross_entropy, A, y)
    expected = -(math.log(0.8) + math.log(0.75)) / 2
    # float32 stores 0.8 with a relative error of 1.5e-8 and float32 logs and sums add a few 6e-8 ulps:
    # about 2e-7 relative on a loss of 0.26 in float32 arithmetic, less in float64; rtol 1e-6 admits both.
    assert_scalar(loss, expected, what="binary_cross_entropy of float32 arrays", rtol=1e-6)


@bce
@pytest.mark.parametrize(("shape_a", "shape_y"), [((4,), (4, 1)), ((4, 1), (4,))])
def test_bce_rejects_mismatched_shapes(impl, shape_a, shape_y):
    with rejects("A", "y"):
        impl.chapter2.binary_cross_entropy(np.full(shape_a, 0.5), np.ones(shape_y))


@bce
def test_bce_rejects_empty_arrays(impl):
    with rejects("A"):
        impl.chapter2.binary_cross_entropy(np.zeros((0, 1)), np.zeros((0, 1)))


@bce
@pytest.mark.parametrize(
    ("A", "y", "culprit"),
    [
        ([[2.0], [-1.0]], [[1.0], [0.0]], "A"),
        ([[0.5], [0.5]], [[1.0], [-1.0]], "y"),
        ([[0.5], [np.nan]], [[1.0], [0.0]], "A"),
    ],
    ids=["logits-instead-of-probabilities", "labels-coded-minus-one", "nan-probability"],
)
def test_bce_rejects_values_outside_zero_one_and_nan(impl, A, y, culprit):
    with rejects(culprit):
        impl.chapter2.binary_cross_entropy(np.array(A), np.array(y))
