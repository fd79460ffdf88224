"""2.1 mse_loss and binary_cross_entropy: Python floats, clipped logs, no silent broadcasting."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import log_loss, mean_squared_error

from kata.testing import assert_scalar, call_unchanged, no_warnings

mse = pytest.mark.kata("chapter2.mse_loss")
bce = pytest.mark.kata("chapter2.binary_cross_entropy")

columns = st.integers(1, 20).map(lambda n: (n, 1))


# --- mse_loss --------------------------------------------------------------------------


@mse
def test_mse_hand_computed(impl):
    y_pred = np.array([[1.0], [2.0], [4.0]])
    y = np.array([[0.0], [2.0], [2.0]])
    # Errors 1, 0, 2: squares 1, 0, 4, mean 5/3.
    assert_scalar(impl.chapter2.mse_loss(y_pred, y), 5 / 3, what="mse_loss", rtol=1e-12)


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
def test_mse_matches_sklearn(impl, pair):
    y_pred, y = pair
    expected = mean_squared_error(y, y_pred)
    assert_scalar(impl.chapter2.mse_loss(y_pred, y), expected, what="mse_loss vs sklearn", rtol=1e-9, atol=1e-12)


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
    with pytest.raises(ValueError, match=re.escape(str(shape_pred)) + ".*" + re.escape(str(shape_y))):
        impl.chapter2.mse_loss(np.zeros(shape_pred), np.ones(shape_y))


# --- binary_cross_entropy --------------------------------------------------------------


@bce
def test_bce_hand_computed(impl):
    A = np.array([[0.8], [0.25], [0.5]])
    y = np.array([[1.0], [0.0], [1.0]])
    expected = -(math.log(0.8) + math.log(0.75) + math.log(0.5)) / 3
    assert_scalar(impl.chapter2.binary_cross_entropy(A, y), expected, what="binary_cross_entropy", rtol=1e-12)


@bce
@given(
    data=st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, (n, 1), elements=st.floats(0.001, 0.999)),
            hnp.arrays(np.float64, (n, 1), elements=st.sampled_from([0.0, 1.0])),
        )
    )
)
def test_bce_matches_sklearn_log_loss(impl, data):
    A, y = data
    expected = log_loss(y.ravel(), A.ravel(), labels=[0, 1])
    assert_scalar(impl.chapter2.binary_cross_entropy(A, y), expected, what="binary_cross_entropy vs sklearn", rtol=1e-9)


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
    assert_scalar(loss, expected, what="binary_cross_entropy of float32 arrays", rtol=1e-6)


@bce
@pytest.mark.parametrize(("shape_a", "shape_y"), [((4,), (4, 1)), ((4, 1), (4,))])
def test_bce_rejects_mismatched_shapes(impl, shape_a, shape_y):
    with pytest.raises(ValueError, match=re.escape(str(shape_a)) + ".*" + re.escape(str(shape_y))):
        impl.chapter2.binary_cross_entropy(np.full(shape_a, 0.5), np.ones(shape_y))


@bce
@pytest.mark.parametrize(
    ("A", "y", "match"),
    [([[2.0], [-1.0]], [[1.0], [0.0]], "A"), ([[0.5], [0.5]], [[1.0], [-1.0]], "y")],
    ids=["logits-instead-of-probabilities", "labels-coded-minus-one"],
)
def test_bce_rejects_values_outside_zero_one(impl, A, y, match):
    with pytest.raises(ValueError, match=match):
        impl.chapter2.binary_cross_entropy(np.array(A), np.array(y))
