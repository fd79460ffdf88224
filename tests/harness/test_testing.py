"""The assertion helpers' messages show expected vs got."""

import warnings

import numpy as np
import pytest

from kata.testing import assert_array, assert_close, assert_scalar, call_unchanged, no_warnings


def test_assert_close_reports_shape_dtype_and_values():
    assert_close(np.array([1.0, 2.0]), [1.0, 2.0], what="f(x)")
    with pytest.raises(AssertionError, match=r"f\(x\): expected shape \(2,\), got shape \(2, 1\)"):
        assert_close(np.ones((2, 1)), [1.0, 1.0], what="f(x)")
    with pytest.raises(AssertionError, match="expected dtype float32, got dtype float64"):
        assert_close(np.ones(2), np.ones(2, np.float32), what="f(x)", dtype=np.float32)
    shown = r"(?s)differ in 1 of 2 elements.*expected:\n\[1\. 2\.\]\ngot:\n\[1\. 3\.\]"
    with pytest.raises(AssertionError, match=shown):
        assert_close(np.array([1.0, 3.0]), [1.0, 2.0], what="f(x)")
    with pytest.raises(AssertionError, match="expected a NumPy array, got list"):
        assert_array([1.0], what="f(x)")


def test_assert_scalar_wants_a_python_float():
    assert_scalar(0.5, 0.5, what="loss")
    with pytest.raises(AssertionError, match="expected a Python float, got ndarray"):
        assert_scalar(np.array(0.5), 0.5, what="loss")
    with pytest.raises(AssertionError, match=r"expected 0\.5, got 0\.25"):
        assert_scalar(0.25, 0.5, what="loss")


def test_no_warnings_turns_warnings_and_overflow_into_errors():
    with pytest.raises(FloatingPointError), no_warnings():
        np.exp(np.array([1000.0]))
    with pytest.raises(UserWarning), no_warnings():
        warnings.warn("careful", UserWarning, stacklevel=1)
    with no_warnings():
        np.exp(np.array([-1000.0]))  # underflow to 0 is fine


def test_call_unchanged_catches_in_place_changes():
    def subtract_in_place(X, *, Y):
        X -= 1
        return X

    assert call_unchanged(np.add, np.ones(2), np.ones(2)).tolist() == [2.0, 2.0]
    with pytest.raises(AssertionError, match="modified its argument 1 in place"):
        call_unchanged(subtract_in_place, np.ones(2), Y=np.ones(2))


def test_assert_close_counts_nan_and_infinities_apart():
    with pytest.raises(AssertionError) as error:
        assert_close(np.array([1.0, np.nan, np.inf, 2.5]), [1.0, 2.0, 3.0, 2.0], what="f(x)")
    message = str(error.value)
    assert "values differ in 3 of 4 elements" in message
    assert "largest difference 0.5 at [3]: expected 2, got 2.5" in message, "over the finite elements only"
    assert "NaN where a number was expected in 1" in message
    assert "an infinity where a finite number was expected in 1" in message
    with pytest.raises(AssertionError) as error:
        assert_close(np.full((2, 2), np.nan), np.zeros((2, 2)), what="f(x)")
    assert "largest difference" not in str(error.value), "never 'largest difference 0' for NaN"
    assert "NaN where a number was expected in 4" in str(error.value)


def test_assert_close_says_where_zero_was_expected():
    with pytest.raises(AssertionError, match=r"largest difference 0\.001 at \[1, 0\]: expected 0, got 0\.001 \(rel"):
        assert_close(np.array([[1.0], [1e-3]]), [[1.0], [0.0]], what="f(x)")


def test_assert_scalar_explains_nan_and_infinity():
    with pytest.raises(AssertionError, match=r"expected 0\.5, got nan .*NaN: an invalid operation"):
        assert_scalar(float("nan"), 0.5, what="loss")
    with pytest.raises(AssertionError, match=r"got inf .*an overflow"):
        assert_scalar(float("inf"), 0.5, what="loss")
