"""5.1 Logistic regression as a neural network: propagate, propagate_loop, optimize, predict_logistic.

Tolerances: float64 values here are O(1), and every correct formula (tanh- or
logsumexp-based activations, scipy.special, einsum or tensordot for @, float64
inside then cast back) rounds them to within a few ulps (2.2e-16 each), so the
float64 rtol of 1e-12 to 1e-9 leaves a margin of thousands; comparisons with the
harness's numerical gradients use its TOLERANCES (see kata/gradcheck.py).
float32 checks derive their bound next to them.
"""

import itertools
import math

import numpy as np
import pytest
from scipy.special import expit

from kata.gradcheck import TOLERANCES, assert_gradients_close, numerical_gradient
from kata.inputs import column_circles
from kata.testing import assert_array, assert_close, assert_scalar, best_time, call_unchanged, no_warnings, rejects

both_propagates = pytest.mark.parametrize(
    "name",
    [
        pytest.param("propagate", marks=pytest.mark.kata("chapter5.propagate")),
        pytest.param("propagate_loop", marks=pytest.mark.kata("chapter5.propagate_loop")),
    ],
)


def oracle_cost(w, b, X, Y):
    """Binary cross-entropy of sigmoid(w^T X + b), from SciPy's expit (no clipping: use moderate inputs)."""
    A = expit(w.T @ X + b)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def random_problem(rng, n_x=4, m=9, dtype=np.float64):
    w = rng.normal(0, 0.5, size=(n_x, 1)).astype(dtype)
    X = rng.normal(size=(n_x, m)).astype(dtype)
    Y = (rng.random((1, m)) < 0.5).astype(dtype)
    return w, X, Y


# --- propagate and propagate_loop --------------------------------------------------------


@both_propagates
def test_hand_computed_cost_and_gradients(impl, name):
    w = np.array([[0.5], [-1.0]])
    b = 0.25
    X = np.array([[1.5, 2.0, -1.0], [1.0, -1.0, 0.5]])
    Y = np.array([[1.0, 0.0, 1.0]])
    z = [0.5 * 1.5 - 1.0 + 0.25, 0.5 * 2.0 + 1.0 + 0.25, -0.5 - 0.5 + 0.25]  # 0, 2.25, -0.75
    a = [1 / (1 + math.exp(-v)) for v in z]
    y = [1.0, 0.0, 1.0]
    cost = -sum(yi * math.log(ai) + (1 - yi) * math.log(1 - ai) for ai, yi in zip(a, y, strict=True)) / 3
    dz = [ai - yi for ai, yi in zip(a, y, strict=True)]
    dw = [[sum(X[0, i] * dz[i] for i in range(3)) / 3], [sum(X[1, i] * dz[i] for i in range(3)) / 3]]
    grads, got_cost = getattr(impl.chapter5, name)(w, b, X, Y)
    assert_close(grads["dw"], np.array(dw), what=f"{name}: dw = (1/m) X (A - Y)^T", rtol=1e-9, atol=1e-12)
    assert_scalar(grads["db"], sum(dz) / 3, what=f"{name}: db = (1/m) sum(A - Y)", rtol=1e-9, atol=1e-12)
    assert_scalar(got_cost, cost, what=f"{name}: the cost J", rtol=1e-9)


@both_propagates
def test_gradients_agree_with_numerical_gradient(impl, name):
    rng = np.random.default_rng(1)
    w, X, Y = random_problem(rng)
    b = np.array([[0.3]])
    numeric = {
        "dw": numerical_gradient(lambda: oracle_cost(w, float(b[0, 0]), X, Y), w),
        "db": numerical_gradient(lambda: oracle_cost(w, float(b[0, 0]), X, Y), b),
    }
    grads, cost = getattr(impl.chapter5, name)(w, 0.3, X, Y)
    assert_scalar(cost, oracle_cost(w, 0.3, X, Y), what=f"{name}: the cost J", rtol=1e-9)
    assert_gradients_close({"dw": grads["dw"], "db": np.array([[grads["db"]]])}, numeric, TOLERANCES["smooth"])


@both_propagates
def test_shapes_dtypes_and_inputs_kept(impl, name):
    rng = np.random.default_rng(2)
    w, X, Y = random_problem(rng, n_x=3, m=5, dtype=np.float32)
    grads, cost = call_unchanged(getattr(impl.chapter5, name), w, 0.1, X, Y)
    assert_array(grads["dw"], what=f"{name}: dw (the shape of w, X's dtype)", shape=(3, 1), dtype=np.float32)
    assert isinstance(grads["db"], float), f"{name}: db must be a Python float; got {type(grads['db']).__name__}"
    assert isinstance(cost, float), f"{name}: the cost must be a Python float; got {type(cost).__name__}"
    expected, _ = getattr(impl.chapter5, name)(w.astype(np.float64), 0.1, X.astype(np.float64), Y.astype(np.float64))
    # float32 rounds each of the m = 5 terms X[j, i] (a_i - y_i) (|X| < 2.5, |a - y| < 1) to about 6e-8 of
    # their size, so dw, their mean, is within ~2.5 * 1.2e-7 = 3e-7 of the float64 result, whatever the formula.
    assert_close(grads["dw"], expected["dw"], what=f"{name}: float32 dw", rtol=1e-4, atol=1e-6)


@both_propagates
def test_saturated_predictions_give_a_finite_cost(impl, name):
    w = np.array([[100.0], [-100.0]])
    X = np.array([[10.0, -10.0], [-10.0, 10.0]])  # z = +-2000: A rounds to exactly 1 and 0
    Y = np.array([[0.0, 1.0]])  # both wrong
    with no_warnings():
        grads, cost = getattr(impl.chapter5, name)(w, 0.0, X, Y)
    assert math.isfinite(cost) and cost > 30, (
        f"{name}: predictions of exactly 1 and 0 against labels 0 and 1 must cost a large finite amount; got {cost}. "
        "Clip A to [eps, 1 - eps] inside the logs."
    )
    assert_close(grads["dw"], np.array([[10.0], [-10.0]]), what=f"{name}: dw at saturation", rtol=1e-9)


@both_propagates
@pytest.mark.parametrize(
    ("w_shape", "Y_shape", "culprit"),
    [((3,), (1, 4), "w"), ((3, 1), (4,), "Y"), ((3, 1), (1, 5), "Y"), ((2, 1), (1, 4), "w")],
)
def test_rejects_wrong_shapes(impl, name, w_shape, Y_shape, culprit):
    with rejects(culprit):
        getattr(impl.chapter5, name)(np.ones(w_shape), 0.0, np.ones((3, 4)), np.ones(Y_shape))


@pytest.mark.kata("chapter5.propagate_loop")
def test_vectorized_propagate_is_much_faster_than_loops(impl):
    rng = np.random.default_rng(3)
    w, X, Y = random_problem(rng, n_x=40, m=250)
    loops = best_time(impl.chapter5.propagate_loop, w, 0.1, X, Y, repeat=2)
    vectorized = best_time(impl.chapter5.propagate, w, 0.1, X, Y, repeat=20)
    ratio = loops / vectorized
    print(f"n_x=40, m=250: loops {loops * 1e3:.2f} ms, vectorized {vectorized * 1e3:.4f} ms, ratio {ratio:.0f}x")
    assert ratio >= 20, (
        f"propagate_loop took {loops * 1e3:.2f} ms and propagate {vectorized * 1e3:.4f} ms: only {ratio:.1f}x apart. "
        "Expected the loops to be at least 20x slower (usually hundreds of times): does propagate_loop really "
        "loop over the examples and features in Python, and propagate use two matrix products and a sum?"
    )


# --- optimize ----------------------------------------------------------------------------


@pytest.mark.kata("chapter5.optimize")
def test_first_step_follows_the_gradient(impl):
    rng = np.random.default_rng(4)
    w, X, Y = random_problem(rng)
    b = np.array([[-0.2]])
    dw = numerical_gradient(lambda: oracle_cost(w, float(b[0, 0]), X, Y), w)
    db = numerical_gradient(lambda: oracle_cost(w, float(b[0, 0]), X, Y), b)
    params, grads, costs = call_unchanged(impl.chapter5.optimize, w, -0.2, X, Y, 1, 0.5)
    assert_close(params["w"], w - 0.5 * dw, what="w after one step: w - learning_rate * dw", rtol=1e-7)
    assert_scalar(params["b"], -0.2 - 0.5 * float(db[0, 0]), what="b after one step", rtol=1e-7)
    assert_close(grads["dw"], dw, what="the returned gradients: those of the last step", rtol=1e-7)
    assert len(costs) == 1, f"one iteration must record one cost; got {len(costs)}"
    assert_scalar(costs[0], oracle_cost(w, -0.2, X, Y), what="costs[0]: the cost before the first step", rtol=1e-9)


@pytest.mark.kata("chapter5.optimize")
def test_iterations_chain_and_costs_decrease(impl):
    rng = np.random.default_rng(5)
    w, X, Y = random_problem(rng, m=30)
    params, grads, costs = impl.chapter5.optimize(w, 0.0, X, Y, 20, 0.1)
    halfway, _, first = impl.chapter5.optimize(w, 0.0, X, Y, 10, 0.1)
    resumed, _, second = impl.chapter5.optimize(halfway["w"], halfway["b"], X, Y, 10, 0.1)
    assert_close(resumed["w"], params["w"], what="20 steps = 10 steps, then 10 more", rtol=1e-9)
    assert_scalar(resumed["b"], params["b"], what="b after 20 steps", rtol=1e-9)
    assert len(costs) == 20 and all(isinstance(c, float) for c in costs), "one float cost per iteration"
    assert_close(np.array(costs), np.array(first + second), what="the cost history", rtol=1e-9)
    assert all(later < earlier for earlier, later in itertools.pairwise(costs)), (
        f"with a small learning rate every step must lower the cost; got {costs}"
    )
    before_last, _, _ = impl.chapter5.optimize(w, 0.0, X, Y, 19, 0.1)
    w_last = before_last["w"].copy()
    expected = numerical_gradient(lambda: oracle_cost(w_last, before_last["b"], X, Y), w_last)
    assert_close(grads["dw"], expected, what="the returned dw: the gradient taken before the last step", rtol=1e-6)


@pytest.mark.kata("chapter5.optimize")
def test_keeps_float32(impl):
    rng = np.random.default_rng(6)
    w, X, Y = random_problem(rng, dtype=np.float32)
    params, grads, _ = impl.chapter5.optimize(w, 0.0, X, Y, 3, 0.1)
    assert_array(params["w"], what="optimized w", shape=w.shape, dtype=np.float32)
    assert isinstance(params["b"], float), f"optimized b must be a Python float; got {type(params['b']).__name__}"
    assert_array(grads["dw"], what="last dw", shape=w.shape, dtype=np.float32)


@pytest.mark.kata("chapter5.optimize")
def test_rejects_zero_iterations(impl):
    with rejects("num_iterations"):
        impl.chapter5.optimize(np.zeros((2, 1)), 0.0, np.ones((2, 3)), np.ones((1, 3)), 0, 0.1)


@pytest.mark.kata("chapter5.optimize")
def test_logistic_regression_stays_near_chance_on_circles(impl):
    X, Y = column_circles(np.random.default_rng(7), 400)
    params, _, costs = impl.chapter5.optimize(np.zeros((2, 1)), 0.0, X, Y, 1000, 0.5)
    accuracy = float(np.mean((expit(params["w"].T @ X + params["b"]) > 0.5) == Y))
    print(f"logistic regression on two circles: accuracy {accuracy:.3f}, final cost {costs[-1]:.4f}")
    assert accuracy < 0.65, (
        f"a straight line cannot separate two concentric circles, yet accuracy is {accuracy:.3f}: "
        "is the model really linear (Z = w^T X + b)?"
    )
    assert costs[-1] > 0.6, f"the cost of a linear model on circles stays near log 2 = 0.693; got {costs[-1]:.4f}"


@pytest.mark.kata("chapter5.optimize")
def test_learns_a_linearly_separable_problem(impl):
    rng = np.random.default_rng(8)
    X = rng.normal(size=(2, 200))
    Y = (X[0:1] - 2 * X[1:2] > 0.3).astype(np.float64)
    params, _, _ = impl.chapter5.optimize(np.zeros((2, 1)), 0.0, X, Y, 500, 1.0)
    accuracy = float(np.mean((expit(params["w"].T @ X + params["b"]) > 0.5) == Y))
    assert accuracy >= 0.95, f"on a linearly separable set, 500 steps should reach >= 95 % accuracy; got {accuracy:.3f}"


# --- predict_logistic --------------------------------------------------------------------


@pytest.mark.kata("chapter5.predict_logistic")
def test_predict_logistic_hand_case(impl):
    w = np.array([[1.0], [-2.0]])
    X = np.array([[0.5, 3.0, 0.0, -1.0], [0.0, 1.0, 0.25, -0.5]])  # w^T X + 0.5 = 1, 1.5, 0, 0.5
    got = call_unchanged(impl.chapter5.predict_logistic, w, 0.5, X)
    assert_array(got, what="predict_logistic(w, b, X)", shape=(1, 4), dtype=np.int64)
    assert_close(got, np.array([[1, 1, 0, 1]]), what="labels: 1 where sigmoid(z) > 0.5 (z = 0 gives 0)")


@pytest.mark.kata("chapter5.predict_logistic")
def test_predict_logistic_matches_probabilities(impl):
    rng = np.random.default_rng(9)
    w, X, _ = random_problem(rng, n_x=5, m=50, dtype=np.float32)
    got = impl.chapter5.predict_logistic(w, -0.1, X)
    # Every z = w^T X + b here is at least 0.018 from 0, far beyond float32 rounding (~1e-6): no label can flip.
    expected = (expit(w.astype(np.float64).T @ X - 0.1) > 0.5).astype(np.int64)
    assert_close(got, expected, what="predict_logistic on random data")


@pytest.mark.kata("chapter5.predict_logistic")
def test_predict_logistic_rejects_rank_1_weights(impl):
    with rejects("w"):
        impl.chapter5.predict_logistic(np.ones(3), 0.0, np.ones((3, 4)))
