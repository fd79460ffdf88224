"""4.5 momentum_update: v <- mu * v - lr * grad."""

import numpy as np
import pytest

from kata.testing import assert_close, call_unchanged, rejects

pytestmark = pytest.mark.kata("chapter4.momentum_update")


def test_hand_computed_step(impl):
    v, grad = np.array([[1.0, -2.0]]), np.array([[0.5, 1.0]])
    got = impl.chapter4.momentum_update(v, grad, 0.9, 0.1)
    assert_close(got, np.array([[0.9 * 1 - 0.1 * 0.5, 0.9 * -2 - 0.1 * 1]]), what="mu * v - lr * grad")


def test_first_step_from_zero_velocity_goes_downhill(impl):
    grad = np.array([[2.0, -4.0]])
    got = impl.chapter4.momentum_update(np.zeros((1, 2)), grad, 0.9, 0.5)
    assert_close(got, -0.5 * grad, what="the first step, -lr * grad (against the gradient: W += v goes downhill)")


def test_constant_gradient_accelerates_to_one_over_one_minus_mu(impl):
    grad, v = np.array([1.0, -3.0]), np.zeros(2)
    for _ in range(300):
        v = impl.chapter4.momentum_update(v, grad, 0.9, 0.01)
    assert_close(v, -0.01 * grad / (1 - 0.9), what="the velocity after many equal gradients, -lr * grad / (1 - mu)")


def test_minimizes_a_quadratic(impl):
    # f(w) = 0.5 * w^T diag(1, 50) w: momentum walks to the minimum at 0.
    curvature, w, v = np.array([1.0, 50.0]), np.array([5.0, 1.0]), np.zeros(2)
    for _ in range(200):
        v = impl.chapter4.momentum_update(v, curvature * w, 0.9, 0.02)
        w = w + v
    # The iteration contracts by about 0.95 per step: after 200 steps w is ~1e-4 of its start.
    assert_close(w, np.zeros(2), what="w after 200 momentum steps on a quadratic bowl", atol=1e-3)


def test_float32_and_inputs_unchanged(impl):
    v, grad = np.full((3, 2), 0.5, np.float32), np.ones((3, 2), np.float32)
    got = call_unchanged(impl.chapter4.momentum_update, v, grad, 0.5, 0.1)
    # float32 (eps 6e-8) on values of order 0.1: two roundings stay below 1e-6 relative.
    assert_close(got, np.full((3, 2), 0.15), what="momentum_update on float32", dtype=np.float32, rtol=1e-6)


@pytest.mark.parametrize(
    ("v_shape", "mu", "lr", "bad"),
    [((2, 3), 0.9, 0.1, ("v", "grad")), ((3, 2), 1.0, 0.1, ("mu",)), ((3, 2), -0.1, 0.1, ("mu",)),
     ((3, 2), 0.9, 0.0, ("lr",))],
)  # fmt: skip
def test_rejects_bad_arguments(impl, v_shape, mu, lr, bad):
    with rejects(*bad):
        impl.chapter4.momentum_update(np.zeros(v_shape), np.zeros((3, 2)), mu, lr)
