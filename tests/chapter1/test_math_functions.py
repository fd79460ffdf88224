"""1.3 sigmoid: the logistic function, stable at any input."""

import numpy as np
import pytest
import scipy.special
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kata.testing import assert_close, call_unchanged, no_warnings

pytestmark = pytest.mark.kata("chapter1.sigmoid")


def test_hand_computed_values(impl):
    # sigma(ln 3) = 1 / (1 + 1/3) = 3/4 and sigma(-ln 3) = 1/4.
    Z = np.array([[0.0, np.log(3.0)], [-np.log(3.0), 0.0]])
    assert_close(impl.chapter1.sigmoid(Z), np.array([[0.5, 0.75], [0.25, 0.5]]), what="sigmoid(Z)", rtol=1e-12)


def test_exactly_one_half_at_zero(impl):
    got = impl.chapter1.sigmoid(np.zeros((2, 3)))
    assert np.all(got == 0.5), f"sigmoid(0) must be exactly 0.5; got {got}"


@example(Z=np.array([[-3.0, 0.0, 2.5]]))  # checked first: a stub fails at once
@given(Z=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=st.floats(-700, 700)))
def test_matches_scipy_expit(impl, Z):
    assert_close(impl.chapter1.sigmoid(Z), scipy.special.expit(Z), what="sigmoid(Z) vs scipy.special.expit", atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_at_extreme_inputs(impl, dtype):
    Z = np.array([[-1000.0, -100.0, 0.0, 100.0, 1000.0]], dtype=dtype)
    with no_warnings():
        A = impl.chapter1.sigmoid(Z)
    assert_close(A, scipy.special.expit(Z.astype(np.float64)), what="sigmoid at +-1000", dtype=dtype, atol=1e-7)
    assert np.all((A >= 0) & (A <= 1)), f"sigmoid must lie in [0, 1]; got {A}"


def test_symmetry(impl):
    Z = np.linspace(-30, 30, 60).reshape(3, 20)
    assert_close(impl.chapter1.sigmoid(-Z), 1 - impl.chapter1.sigmoid(Z), what="sigmoid(-z) vs 1 - sigmoid(z)")


def test_does_not_modify_its_input(impl):
    call_unchanged(impl.chapter1.sigmoid, np.array([[-3.0, 0.5], [2.0, 800.0]]))
