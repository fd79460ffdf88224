"""The computation graph J = 3(a + b*c): forward left to right, backward right to left."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kata import gradcheck

forward = pytest.mark.kata("chapter2.graph_forward")
backward = pytest.mark.kata("chapter2.graph_backward")

inputs = st.tuples(*[st.floats(-10, 10) for _ in range(3)])


def as_floats(values):
    assert all(isinstance(value, float) for value in values), f"expected Python floats; got {values!r}"
    return tuple(values)


@forward
def test_forward_hand_computed(impl):
    values = impl.chapter2.graph_forward(5.0, 3.0, 2.0)
    # u = b c = 6, v = a + u = 11, J = 3 v = 33.
    assert as_floats(values) == (6.0, 11.0, 33.0), (
        f"graph_forward(5, 3, 2): expected (u, v, J) = (6, 11, 33); got {values}"
    )
    assert (values.u, values.v, values.J) == (6.0, 11.0, 33.0), "the fields are named u, v and J"


@forward
@given(abc=inputs)
def test_forward_output_is_three_times_a_plus_bc(impl, abc):
    a, b, c = abc
    J = impl.chapter2.graph_forward(a, b, c).J
    # |3a| and |3bc| are at most 330: writing J as 3a + 3u instead of 3(a + u) changes it by a few ulp(330) ~ 6e-14.
    assert abs(J - 3 * (a + b * c)) <= 1e-12 * (1 + abs(J)), (
        f"J at (a, b, c) = {abc}: expected {3 * (a + b * c)}, got {J}"
    )


@backward
def test_backward_hand_computed(impl):
    grads = impl.chapter2.graph_backward(5.0, 3.0, 2.0)
    # dv = 3, du = 3 * 1, da = 3 * 1, db = du * c = 6, dc = du * b = 9.
    expected = (3.0, 3.0, 3.0, 6.0, 9.0)
    assert as_floats(grads) == expected, (
        f"graph_backward(5, 3, 2): expected (dv, du, da, db, dc) = {expected}; got {grads}"
    )
    assert (grads.db, grads.dc) == (6.0, 9.0), "the fields are named dv, du, da, db and dc"


@backward
@given(abc=inputs)
def test_backward_matches_centered_differences(impl, abc):
    x = np.array(abc, dtype=np.float64)
    numeric = gradcheck.numerical_gradient(lambda: 3 * (x[0] + x[1] * x[2]), x)
    grads = impl.chapter2.graph_backward(*abc)
    got = np.array([grads.da, grads.db, grads.dc])
    assert np.allclose(got, numeric, rtol=1e-6, atol=1e-6), (
        f"(dJ/da, dJ/db, dJ/dc) at (a, b, c) = {abc}: expected about {numeric}, got {got}. "
        "Each factor of u = b * c receives du times the *other* factor."
    )
