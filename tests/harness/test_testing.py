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
