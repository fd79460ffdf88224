"""Learning rates: the MSE's Hessian, the divergence threshold 2 / lambda_max, and a sweep."""

import numpy as np
import pytest

from kata.testing import assert_array, assert_close, assert_scalar, no_warnings, rejects

hessian = pytest.mark.kata("chapter2.mse_hessian")
threshold = pytest.mark.kata("chapter2.divergence_threshold")
sweep = pytest.mark.kata("chapter2.learning_rate_sweep")


def regression_problem():
    """A fixed problem with features of different scales (condition number about 17)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * np.array([1.0, 2.0, 0.5]) + np.array([0.5, 0.0, 0.0])
    y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.normal(size=(40, 1))
    return X, y


def largest_eigenvalue(X):
    """lambda_max of the MSE Hessian (2/n) [X, 1]^T [X, 1], by the test's own arithmetic."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    return float(np.linalg.eigvalsh(2 / len(X) * X1.T @ X1).max())


@hessian
def test_hessian_hand_computed(impl):
    X = np.array([[1.0], [2.0], [3.0]])
    # [X, 1]^T [X, 1] = [[1 + 4 + 9, 1 + 2 + 3], [1 + 2 + 3, 3]]; times 2/n = 2/3.
    expected = 2 / 3 * np.array([[14.0, 6.0], [6.0, 3.0]])
    # Sums of small integers are exact in float64; only the factor 2/n rounds: rtol 1e-12.
    assert_close(impl.chapter2.mse_hessian(X), expected, what="mse_hessian([[1], [2], [3]]) (bias last)", rtol=1e-12)


@hessian
def test_hessian_is_the_second_derivative_of_the_loss(impl):
    X, y = regression_problem()
    theta0 = np.random.default_rng(1).normal(size=4)

    def loss(theta):
        return float(np.mean((X @ theta[:3, None] + theta[3] - y) ** 2))

    # The loss is quadratic, so second differences are exact up to rounding: the loss (~20) rounds by ~4e-15,
    # over 4h^2 = 4e-4 that is ~1e-10 absolute on entries of size 1 to 10: rtol 1e-6 and atol 1e-8.
    h, eye = 1e-2, np.eye(4)
    numeric = np.array([[(loss(theta0 + h * (eye[i] + eye[j])) - loss(theta0 + h * (eye[i] - eye[j]))
                          - loss(theta0 - h * (eye[i] - eye[j])) + loss(theta0 - h * (eye[i] + eye[j]))) / (4 * h * h)
                         for j in range(4)] for i in range(4)])  # fmt: skip
    assert_close(impl.chapter2.mse_hessian(X), numeric, what="mse_hessian vs second differences of the MSE",
                 rtol=1e-6, atol=1e-8)  # fmt: skip


@hessian
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hessian_keeps_dtype(impl, dtype):
    H = impl.chapter2.mse_hessian(np.ones((5, 2), dtype=dtype))
    assert_array(H, what="mse_hessian of a (5, 2) X", shape=(3, 3), dtype=dtype)


@threshold
def test_threshold_hand_computed(impl):
    # H = (2/3) [[14, 6], [6, 3]]: eigenvalues of [[14, 6], [6, 3]] are (17 +- sqrt(11^2 + 4 * 36)) / 2.
    lambda_max = 2 / 3 * (17 + np.sqrt(121 + 144)) / 2
    # Symmetric or general eigensolvers and the SVD find the largest eigenvalue to ~1e-15 relative: rtol 1e-9.
    got = impl.chapter2.divergence_threshold(np.array([[1.0], [2.0], [3.0]]))
    assert_scalar(got, float(2 / lambda_max), what="divergence_threshold([[1], [2], [3]]) = 2 / lambda_max", rtol=1e-9)


@threshold
def test_threshold_of_a_problem(impl):
    X, _ = regression_problem()
    expected = 2 / largest_eigenvalue(X)
    assert_scalar(impl.chapter2.divergence_threshold(X), expected, what="2 / largest Hessian eigenvalue", rtol=1e-9)


@sweep
def test_sweep_reports_slow_converged_and_diverged(impl):
    X, y = regression_problem()
    limit = 2 / largest_eigenvalue(X)  # the divergent rate is derived, not guessed
    rates = [1e-3 * limit, 0.5 * limit, 1.05 * limit, 10 * limit]
    with no_warnings():  # a diverging run must not leak overflow warnings
        outcomes = impl.chapter2.learning_rate_sweep(X, y, rates, 300)
    expected = dict(zip(rates, ["slow", "converged", "diverged", "diverged"], strict=True))
    assert outcomes == expected, (
        f"learning_rate_sweep with 2 / lambda_max = {limit:.4f}: expected {list(expected.values())} "
        f"for rates {[f'{r:.4g}' for r in rates]}; got {list(outcomes.values())}"
    )


@sweep
def test_sweep_divergence_starts_at_two_over_lambda_max(impl):
    X, y = regression_problem()
    limit = 2 / largest_eigenvalue(X)
    with no_warnings():
        outcomes = impl.chapter2.learning_rate_sweep(X, y, [0.98 * limit, 1.02 * limit], 2000)
    assert list(outcomes.values()) == ["converged", "diverged"], (
        f"just below 2 / lambda_max gradient descent converges, just above it diverges; got {outcomes}"
    )


@sweep
def test_sweep_tolerance_separates_slow_from_converged(impl):
    X, y = regression_problem()
    rate = 0.05 * 2 / largest_eigenvalue(X)
    strict = impl.chapter2.learning_rate_sweep(X, y, [rate], 50, tolerance=1e-12)
    loose = impl.chapter2.learning_rate_sweep(X, y, [rate], 50, tolerance=0.9)
    assert (strict[rate], loose[rate]) == ("slow", "converged"), f"tolerance 1e-12: {strict}, tolerance 0.9: {loose}"


@sweep
def test_sweep_each_rate_starts_from_zero(impl):
    X, y = regression_problem()
    limit = 2 / largest_eigenvalue(X)
    # A crawling rate after a converging one: started from the previous rate's result it would look converged.
    outcomes = impl.chapter2.learning_rate_sweep(X, y, [0.5 * limit, 1e-3 * limit], 300)
    assert list(outcomes.values()) == ["converged", "slow"], (
        f"rates 0.5 and 0.001 times 2 / lambda_max, 300 iterations each, every one from W = 0, b = 0: expected "
        f"converged, slow; got {list(outcomes.values())} (did a rate start where the previous one stopped?)"
    )


@sweep
def test_sweep_final_loss_is_after_the_last_update(impl):
    X, y = regression_problem()
    limit = 2 / largest_eigenvalue(X)
    # One iteration: the loss history holds only L_0, the loss before the update. One step at 10 times the
    # threshold multiplies the loss by about 260; a step at 0.001 times it lowers the loss a little.
    with no_warnings():
        outcomes = impl.chapter2.learning_rate_sweep(X, y, [1e-3 * limit, 10 * limit], 1)
    assert list(outcomes.values()) == ["slow", "diverged"], (
        f"one iteration at 0.001 and 10 times 2 / lambda_max: expected slow, diverged; got "
        f"{list(outcomes.values())}. L_final is the MSE at the W, b gradient_descent returns, after the last update "
        "(loss_history[-1] is the loss before it)."
    )


@sweep
def test_sweep_minimum_is_the_least_squares_fit_with_bias(impl):
    X, y = regression_problem()
    limit = 2 / largest_eigenvalue(X)
    # After 10 steps at half the threshold the loss is 0.0125: above L_min = 0.0082 of the fit of W and b (slow),
    # but below 0.067, the best a fit of W alone (no bias) reaches, which would make it look converged.
    outcomes = impl.chapter2.learning_rate_sweep(X, y, [0.5 * limit], 10)
    assert list(outcomes.values()) == ["slow"], (
        f"10 iterations at half of 2 / lambda_max: expected slow, got {list(outcomes.values())}. L_min is the "
        "least-squares loss of W and b together: fit [X, 1], not X alone."
    )


@sweep
@pytest.mark.parametrize(
    ("change", "culprits"),
    [({"y": np.zeros(40)}, ["y"]), ({"num_iterations": 0}, ["num_iterations"]), ({"tolerance": -1.0}, ["tolerance"]),
     ({"X": np.zeros((40, 3, 1))}, ["X"])],
)  # fmt: skip
def test_sweep_rejects_bad_arguments(impl, change, culprits):
    X, y = regression_problem()
    args = {"X": X, "y": y, "learning_rates": [0.1], "num_iterations": 5, "tolerance": 1e-6} | change
    with rejects(*culprits):
        impl.chapter2.learning_rate_sweep(**args)
