"""2.4 numerical_gradient and relative_error: the learner's own gradient checker."""

import math

import numpy as np
import pytest

from kata import gradcheck
from kata.testing import assert_array, assert_close, assert_scalar, no_warnings, rejects

numerical = pytest.mark.kata("chapter2.numerical_gradient")
relative = pytest.mark.kata("chapter2.relative_error")


class LossFailedError(Exception):
    """Raised by a test's loss function on purpose."""


def read_params(X, params):
    """A forward function that ignores X: the loss sees the parameters directly."""
    return params


def sum_of_cubes(predictions, y):
    return float(sum(np.sum(value**3) for value in predictions.values()))


def linear_forward(X, params):
    return X @ params["W"] + params["b"]


def mse(y_pred, y):
    return float(np.mean((y_pred - y) ** 2))


def regression_problem(seed=0):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    return X, y, {"W": rng.normal(size=(3, 1)), "b": rng.normal(size=(1, 1))}


# --- numerical_gradient ----------------------------------------------------------------


@numerical
@pytest.mark.parametrize("h", [0.1, 1e-4])
def test_centered_difference_of_a_cube_is_exact(impl, h):
    # ((w + h)^3 - (w - h)^3) / (2h) = 3 w^2 + h^2 exactly; one-sided differences give 3 w^2 + 3 w h + h^2.
    params = {"w": np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]]), "c": np.array([3.0]), "s": np.array(-2.0)}
    expected = {name: 3 * value**2 + h**2 for name, value in params.items()}
    grads = impl.chapter2.numerical_gradient(None, None, params, sum_of_cubes, read_params, h=h)
    # The loss is about 40, so each float64 evaluation rounds by ~1e-14; over 2h >= 2e-4 that is <= 1e-10.
    assert sorted(grads) == sorted(params), f"one gradient per parameter; got keys {sorted(grads)}"
    for name, value in expected.items():
        assert_close(grads[name], value, what=f"gradient of sum(p^3) for {name!r} with h={h} (3p^2 + h^2)",
                     rtol=1e-7, atol=1e-7)  # fmt: skip


@numerical
def test_parameters_are_restored_exactly(impl):
    X, y, params = regression_problem(3)
    params["W"] = params["W"] * 1e-3
    assert np.any(params["W"] - 1e-4 + 1e-4 != params["W"]), "the test needs values where w - h + h != w"
    arrays = dict(params)
    before = {name: value.copy() for name, value in params.items()}
    impl.chapter2.numerical_gradient(X, y, params, mse, linear_forward)
    for name, value in before.items():
        assert params[name] is arrays[name], f"params[{name!r}] was replaced by another array"
        assert np.array_equal(params[name], value), (
            f"params[{name!r}] changed: {params[name].ravel()} instead of {value.ravel()}. Save each element "
            "before nudging it and write the saved value back (w + h - h is not always w in floating point)."
        )


@numerical
def test_parameters_are_restored_when_the_loss_raises(impl):
    X, y, params = regression_problem(4)
    before = {name: value.copy() for name, value in params.items()}
    calls = []

    def failing_loss(y_pred, y):
        calls.append(1)
        if len(calls) == 4:  # while the second element is nudged down
            raise LossFailedError
        return mse(y_pred, y)

    with pytest.raises(LossFailedError):
        impl.chapter2.numerical_gradient(X, y, params, failing_loss, linear_forward)
    for name, value in before.items():
        assert np.array_equal(params[name], value), (
            f"params[{name!r}] is still nudged after loss_fn raised: restore it in a finally block"
        )


@numerical
def test_default_step_is_1e_minus_4(impl):
    params = {"w": np.array([[2.0]])}
    grads = impl.chapter2.numerical_gradient(None, None, params, sum_of_cubes, read_params)
    # f(2 +- 1e-4) ~ 8 rounds by ulp(8) = 1.8e-15, over 2h = 2e-4 about 1e-11 absolute on 12: ~1e-12 relative.
    assert_close(grads["w"], np.array([[12.0 + 1e-8]]), what="gradient of w^3 at 2 with the default h", rtol=1e-11)


@numerical
def test_linear_regression_matches_the_analytic_gradient(impl):
    X, y, params = regression_problem()
    error = linear_forward(X, params) - y
    analytic = {"W": 2 / 6 * X.T @ error, "b": 2 / 6 * error.sum(keepdims=True)}
    grads = impl.chapter2.numerical_gradient(X, y, params, mse, linear_forward)
    gradcheck.assert_gradients_close(analytic, grads, gradcheck.TOLERANCES["linear"])


@numerical
def test_logistic_regression_matches_the_analytic_gradient(impl):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(8, 2)), (rng.random((8, 1)) > 0.5).astype(float)
    params = {"W": rng.normal(size=(2, 1)), "b": np.array([[0.3]])}

    def forward(X, p):
        return 1 / (1 + np.exp(-(X @ p["W"] + p["b"])))

    def bce(A, y):
        return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))

    error = forward(X, params) - y
    analytic = {"W": X.T @ error / 8, "b": error.sum(keepdims=True) / 8}
    grads = impl.chapter2.numerical_gradient(X, y, params, bce, forward)
    gradcheck.assert_gradients_close(analytic, grads, gradcheck.TOLERANCES["smooth"])


@numerical
def test_agrees_with_the_harness_checker_on_a_small_network(impl):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=(1, 4)),
              "W2": rng.normal(size=(4, 2)), "b2": rng.normal(size=(1, 2))}  # fmt: skip

    def forward(X, p):
        return np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]

    trusted = {}
    for name in params:
        copies = {key: value.copy() for key, value in params.items()}
        trusted[name] = gradcheck.numerical_gradient(lambda c=copies: mse(forward(X, c), y), copies[name])
    grads = impl.chapter2.numerical_gradient(X, y, params, mse, forward, h=1e-5)
    gradcheck.assert_gradients_close(grads, trusted, gradcheck.TOLERANCES["smooth"])


@numerical
def test_float32_parameters_give_float32_gradients(impl):
    X, y, params = regression_problem(5)
    X, y = X.astype(np.float32), y.astype(np.float32)
    params = {name: value.astype(np.float32) for name, value in params.items()}
    error = (linear_forward(X, params) - y).astype(np.float64)
    analytic = {"W": 2 / 6 * X.T.astype(np.float64) @ error, "b": 2 / 6 * error.sum(keepdims=True)}
    grads = impl.chapter2.numerical_gradient(X, y, params, mse, linear_forward, h=1e-2)
    # A float32 loss of size ~2 rounds by ~2.4e-7; over 2h = 0.02 that is ~1.2e-5 on gradients of size ~1, and
    # nudging p by h in float32 moves it by h(1 +- 1e-5): rtol 1e-3 plus atol 1e-4 leaves a margin of 8.
    for name in ("W", "b"):
        assert_array(grads[name], what=f"gradient of {name}", shape=params[name].shape, dtype=np.float32)
        assert_close(grads[name], analytic[name], what=f"float32 gradient of {name}", rtol=1e-3, atol=1e-4)


@numerical
def test_rejects_non_positive_step_and_integer_parameters(impl):
    X, y, params = regression_problem()
    with rejects("h"):
        impl.chapter2.numerical_gradient(X, y, params, mse, linear_forward, h=0.0)
    with rejects("params"):
        impl.chapter2.numerical_gradient(X, y, params | {"W": np.zeros((3, 1), dtype=int)}, mse, linear_forward)
    with rejects("params"):
        impl.chapter2.numerical_gradient(X, y, params | {"b": 0.5}, mse, linear_forward)


# --- relative_error --------------------------------------------------------------------


@relative
@pytest.mark.parametrize(
    ("a", "n", "expected"),
    [([3.0, 4.0], [0.0, 0.0], 1.0),                  # one is zero: 5 / (5 + 0)
     ([1.0, 2.0, 2.0], [1.0, 2.0, 2.0], 0.0),        # identical
     ([2.0, 0.0], [1.0, 0.0], 1 / 3),                # half the gradient: 1 / (2 + 1)
     ([1.0, 0.0], [0.0, 1.0], math.sqrt(2) / 2),     # orthogonal: sqrt(2) / (1 + 1)
     ([[1.0, -2.0]], [[-1.0, 2.0]], 1.0)],           # opposite: 2 sqrt(5) / (2 sqrt(5))
)  # fmt: skip
def test_relative_error_hand_computed(impl, a, n, expected):
    got = impl.chapter2.relative_error(np.array(a), np.array(n))
    # Norms of two or three small numbers: a few float64 ulps in any formula; rtol 1e-12.
    assert_scalar(got, expected, what=f"relative_error({a}, {n}) = ||a - n|| / (||a|| + ||n||)", rtol=1e-12)


@relative
def test_relative_error_of_two_zero_gradients_is_zero(impl):
    with no_warnings():
        got = impl.chapter2.relative_error(np.zeros((2, 3)), np.zeros((2, 3)))
    assert_scalar(got, 0.0, what="relative_error of two all-zero gradients (guard the division)")


@relative
def test_relative_error_is_symmetric_and_scale_free(impl):
    rng = np.random.default_rng(6)
    a, n = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    expected = np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))
    calls = {
        "relative_error(a, n)": (a, n),
        "relative_error(n, a)": (n, a),
        "... of 1000 a, 1000 n": (1000 * a, 1000 * n),
    }
    for what, args in calls.items():
        got = impl.chapter2.relative_error(*args)
        assert_scalar(got, float(expected), what=what, rtol=1e-12)


@relative
def test_relative_error_rejects_different_shapes(impl):
    with rejects("analytic", "numeric"):
        impl.chapter2.relative_error(np.zeros((3, 1)), np.zeros(3))
