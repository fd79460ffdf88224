"""5.3 The L-layer network with caches: every forward and backward function, training, MNIST.

Tolerances: float64 values here are O(1), and every correct formula (tanh- or
logsumexp-based activations, scipy.special, einsum or tensordot for @, float64
inside then cast back) rounds them to within a few ulps (2.2e-16 each), so the
float64 rtol of 1e-12 to 1e-9 leaves a margin of thousands; comparisons with the
harness's numerical gradients use its TOLERANCES (see kata/gradcheck.py).
float32 checks derive their bound next to them.
"""

import math
import time

import numpy as np
import pytest
from scipy.special import expit, softmax
from threadpoolctl import threadpool_limits

from kata import training_cache
from kata.gradcheck import (
    TOLERANCES,
    assert_gradients_close,
    away_from_kinks,
    numerical_gradient,
    numerical_vjp,
)
from kata.testing import (
    assert_array,
    assert_close,
    assert_scalar,
    call_unchanged,
    column_major_network,
    no_warnings,
    rejects,
)

# --- the test's own oracle: the network written out in NumPy --------------------------------


def names(L):
    return [f"{kind}{layer}" for layer in range(1, L + 1) for kind in ("W", "b")]


def oracle_forward(X, p, output):
    """Every activation [A0 = X, A1, ..., AL] of [LINEAR -> RELU] x (L-1) -> LINEAR -> output."""
    L = len(p) // 2
    activations = [X]
    for layer in range(1, L + 1):
        Z = p[f"W{layer}"] @ activations[-1] + p[f"b{layer}"]
        if layer < L:
            activations.append(np.maximum(Z, 0))
        else:
            activations.append(expit(Z) if output == "sigmoid" else softmax(Z, axis=0))
    return activations


def oracle_cost(X, Y, p, output):
    AL = oracle_forward(X, p, output)[-1]
    if output == "sigmoid":
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / X.shape[1])
    return float(-np.sum(Y * np.log(AL)) / X.shape[1])


def numeric_gradients(X, Y, p, output):
    return {f"d{name}": numerical_gradient(lambda: oracle_cost(X, Y, p, output), p[name]) for name in p}


def make_caches(X, p, output):
    """Caches in the specified layout, ((A_prev, W, b), Z), built by the test."""
    activations = oracle_forward(X, p, output)
    L = len(p) // 2
    caches = []
    for layer in range(1, L + 1):
        W, b, A_prev = p[f"W{layer}"], p[f"b{layer}"], activations[layer - 1]
        caches.append(((A_prev, W, b), W @ A_prev + b))
    return activations[-1], caches


def copy_caches(caches):
    return [((A.copy(), W.copy(), b.copy()), Z.copy()) for (A, W, b), Z in caches]


def assert_caches_equal(got, expected, what):
    for layer, (((A, W, b), Z), ((A0, W0, b0), Z0)) in enumerate(zip(got, expected, strict=True), start=1):
        for array, original, name in ((A, A0, "A_prev"), (W, W0, "W"), (b, b0, "b"), (Z, Z0, "Z")):
            if not np.array_equal(array, original):
                raise AssertionError(
                    f"{what} changed layer {layer}'s cached {name} in place: a backward pass reads the caches, "
                    "it never writes to them (and the parameters are updated only after it, by update_parameters)"
                )


# --- initialize_parameters_deep -----------------------------------------------------------


@pytest.mark.kata("chapter5.initialize_parameters_deep")
def test_deep_initialization_shapes_follow_the_dimension_rules(impl):
    p = impl.chapter5.initialize_parameters_deep([5, 4, 3, 1], np.random.default_rng(0))
    assert list(p) == ["W1", "b1", "W2", "b2", "W3", "b3"], f"keys W1, b1, ..., W3, b3 in order; got {list(p)}"
    shapes = {"W1": (4, 5), "b1": (4, 1), "W2": (3, 4), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    for name, shape in shapes.items():
        assert_array(p[name], what=f"{name}: W[l] is (n[l], n[l-1]), b[l] is (n[l], 1)", shape=shape, dtype=np.float32)
    assert all(not np.any(p[f"b{layer}"]) for layer in (1, 2, 3)), "biases start at zero"
    p64 = impl.chapter5.initialize_parameters_deep([5, 4, 3, 1], np.random.default_rng(0), np.float64)
    assert_array(p64["W2"], what="W2 with dtype=float64", shape=(3, 4), dtype=np.float64)


@pytest.mark.kata("chapter5.initialize_parameters_deep")
def test_deep_initialization_is_he_scaled(impl):
    p = impl.chapter5.initialize_parameters_deep([800, 400, 10], np.random.default_rng(1), np.float64)
    for layer, n_prev in ((1, 800), (2, 400)):
        std, expected = p[f"W{layer}"].std(), math.sqrt(2 / n_prev)
        assert abs(std / expected - 1) < 0.05, (
            f"W{layer}: He initialization draws standard normals times sqrt(2 / n[l-1]) = {expected:.4f}; "
            f"got std {std:.4f} (the lecture notes' 0.01 stalls deep ReLU networks)"
        )
    rng = np.random.default_rng(1)
    W1 = rng.standard_normal((400, 800)) * math.sqrt(2 / 800)
    W2 = rng.standard_normal((10, 400)) * math.sqrt(2 / 400)
    assert_close(p["W1"], W1, what="W1 = rng.standard_normal((n[1], n[0])) * sqrt(2 / n[0]), drawn first", rtol=1e-9)
    assert_close(p["W2"], W2, what="W2, drawn second", rtol=1e-9)


@pytest.mark.kata("chapter5.initialize_parameters_deep")
@pytest.mark.parametrize("layer_dims", [[5], [], [5, 0, 1]])
def test_deep_initialization_rejects_bad_layer_dims(impl, layer_dims):
    with rejects("layer_dims"):
        impl.chapter5.initialize_parameters_deep(layer_dims, np.random.default_rng(0))


# --- linear_forward ----------------------------------------------------------------------


@pytest.mark.kata("chapter5.linear_forward")
def test_linear_forward_hand_case(impl):
    A = np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0]])
    W = np.array([[2.0, 1.0], [0.0, -1.0]])
    b = np.array([[0.5], [-2.0]])
    expected = np.array([[2 - 1 + 0.5, 4 + 0.5 + 0.5, 0 + 3 + 0.5], [1 - 2, -0.5 - 2, -3 - 2]])
    Z, cache = call_unchanged(impl.chapter5.linear_forward, A, W, b)
    assert_close(Z, expected, what="Z = W A + b (b added to every column)", rtol=1e-12)
    assert len(cache) == 3, f"the cache is (A, W, b); got {len(cache)} items"
    for got, want, name in zip(cache, (A, W, b), ("A", "W", "b"), strict=True):
        assert_close(got, want, what=f"linear cache item {name}: the cache is (A, W, b) in that order", rtol=0, atol=0)


@pytest.mark.kata("chapter5.linear_forward")
def test_linear_forward_shapes_and_float32(impl):
    rng = np.random.default_rng(2)
    A = rng.normal(size=(4, 6)).astype(np.float32)
    W = rng.normal(size=(3, 4)).astype(np.float32)
    b = rng.normal(size=(3, 1)).astype(np.float32)
    Z, _ = impl.chapter5.linear_forward(A, W, b)
    assert_array(Z, what="Z: (n[l], m)", shape=(3, 6), dtype=np.float32)
    # float32 rounding of a sum of n[l-1] + 1 = 5 terms is at most 5 * 6e-8 * (|W| |A| + |b|), under 1.8e-6 for
    # these standard-normal inputs, whatever the order of the sum (matmul, einsum, float64 inside).
    assert_close(Z, W.astype(np.float64) @ A + b, what="Z in float32", rtol=1e-5, atol=2e-6)


@pytest.mark.kata("chapter5.linear_forward")
@pytest.mark.parametrize(
    ("A_shape", "W_shape", "b_shape", "culprit"),
    [
        ((4, 6), (3, 4), (3,), "b"),
        ((4, 3), (3, 4), (3,), "b"),  # m == n[l]: a rank-1 b would broadcast silently, along the wrong axis
        ((4, 6), (3, 5), (3, 1), "W"),
        ((4, 6), (3, 4), (1, 3), "b"),
        ((4,), (3, 4), (3, 1), "A"),
    ],
)
def test_linear_forward_rejects_wrong_shapes(impl, A_shape, W_shape, b_shape, culprit):
    with rejects(culprit):
        impl.chapter5.linear_forward(np.ones(A_shape), np.ones(W_shape), np.ones(b_shape))


# --- linear_activation_forward -----------------------------------------------------------

ACTIVATIONS = {
    "relu": lambda Z: np.maximum(Z, 0),
    "sigmoid": expit,
    "softmax": lambda Z: softmax(Z, axis=0),
}


@pytest.mark.kata("chapter5.linear_activation_forward")
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_activation_forward_values_and_cache(impl, activation):
    rng = np.random.default_rng(3)
    A_prev, W, b = rng.normal(size=(4, 5)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    A, cache = call_unchanged(impl.chapter5.linear_activation_forward, A_prev, W, b, activation)
    Z = W @ A_prev + b
    assert_close(A, ACTIVATIONS[activation](Z), what=f"A = {activation}(W A_prev + b)", rtol=1e-9, atol=1e-12)
    linear_cache, Z_cached = cache
    assert_close(Z_cached, Z, what="the activation cache: Z", rtol=1e-12)
    for got, want, name in zip(linear_cache, (A_prev, W, b), ("A_prev", "W", "b"), strict=True):
        assert_close(got, want, what=f"linear cache {name}: cache = ((A_prev, W, b), Z)", rtol=0, atol=0)


@pytest.mark.kata("chapter5.linear_activation_forward")
def test_softmax_columns_sum_to_one_and_survive_extremes(impl):
    A_prev = np.array([[1.0, -1.0, 0.0]])
    W = np.array([[1000.0], [-1000.0], [0.0]])
    b = np.zeros((3, 1))
    with no_warnings():
        A, _ = impl.chapter5.linear_activation_forward(A_prev, W, b, "softmax")
    assert_close(A.sum(axis=0), np.ones(3), what="each column of softmax sums to 1 (one example per column)")
    assert_close(A, np.array([[1.0, 0.0, 1 / 3], [0.0, 1.0, 1 / 3], [0.0, 0.0, 1 / 3]]), what="softmax at +-1000")
    with no_warnings():
        S, _ = impl.chapter5.linear_activation_forward(A_prev, W, b, "sigmoid")
    assert_close(S, np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 0.5]]), what="sigmoid at +-1000")


@pytest.mark.kata("chapter5.linear_activation_forward")
def test_activation_forward_float32_and_unknown_activation(impl):
    rng = np.random.default_rng(4)
    args = rng.normal(size=(4, 5)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
    for activation in ACTIVATIONS:
        A, _ = impl.chapter5.linear_activation_forward(*args, np.zeros((3, 1), np.float32), activation)
        assert_array(A, what=f"{activation} output for float32 input", shape=(3, 5), dtype=np.float32)
    with rejects("activation"):
        impl.chapter5.linear_activation_forward(*args, np.zeros((3, 1), np.float32), "tanh")
    with rejects("b"):
        impl.chapter5.linear_activation_forward(*args, np.zeros(3, np.float32), "relu")


# --- L_model_forward ---------------------------------------------------------------------


@pytest.mark.kata("chapter5.L_model_forward")
@pytest.mark.parametrize(("output", "layer_dims"), [("sigmoid", [4, 5, 3, 1]), ("softmax", [4, 6, 3])])
def test_L_model_forward_output_and_every_cache(impl, output, layer_dims):
    rng = np.random.default_rng(5)
    p, X, _ = column_major_network(rng, layer_dims, 7, output)
    before = {name: value.copy() for name, value in p.items()}
    AL, caches = call_unchanged(impl.chapter5.L_model_forward, X, p, output)
    activations = oracle_forward(X, p, output)
    assert_close(AL, activations[-1], what=f"AL of [LINEAR -> RELU] x (L-1) -> LINEAR -> {output.upper()}", rtol=1e-9)
    L = len(layer_dims) - 1
    assert len(caches) == L, f"one cache per layer: expected {L}, got {len(caches)}"
    for layer, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        assert_array(A_prev, what=f"caches[{layer - 1}] A_prev = A[{layer - 1}]", shape=(n_prev, 7))
        assert_array(W, what=f"caches[{layer - 1}] W = W{layer}", shape=(n, n_prev))
        assert_array(b, what=f"caches[{layer - 1}] b = b{layer}", shape=(n, 1))
        assert_array(Z, what=f"caches[{layer - 1}] Z = Z[{layer}]", shape=(n, 7))
        assert_close(A_prev, activations[layer - 1], what=f"caches[{layer - 1}]: A[{layer - 1}]", rtol=1e-9)
        assert_close(W, p[f"W{layer}"], what=f"caches[{layer - 1}]: the layer's own W{layer}", rtol=0, atol=0)
        assert_close(Z, W @ A_prev + b, what=f"caches[{layer - 1}]: Z[{layer}] = W A_prev + b", rtol=1e-9)
    for name, value in before.items():
        assert np.array_equal(p[name], value), f"L_model_forward changed the parameter {name}"


@pytest.mark.kata("chapter5.L_model_forward")
def test_L_model_forward_float32(impl):
    p = impl_free_parameters([6, 4, 3], np.float32)
    X = np.random.default_rng(6).normal(size=(6, 5)).astype(np.float32)
    AL, caches = impl.chapter5.L_model_forward(X, p, "softmax")
    assert_array(AL, what="AL for float32 input", shape=(3, 5), dtype=np.float32)
    assert_array(caches[0][1], what="Z1 for float32 input", shape=(4, 5), dtype=np.float32)


@pytest.mark.kata("chapter5.L_model_forward")
def test_L_model_forward_rejects_unknown_output(impl):
    with rejects("output"):
        impl.chapter5.L_model_forward(np.ones((6, 2)), impl_free_parameters([6, 4, 3], np.float64), "relu")


@pytest.mark.kata("chapter5.L_model_forward")
@pytest.mark.parametrize("mistake", ["X of 5 rows", "rank-1 b2", "W2 transposed", "no b2"])
def test_L_model_forward_rejects_shapes_that_do_not_fit(impl, mistake):
    p, X, culprit = impl_free_parameters([6, 4, 3], np.float64), np.ones((6, 2)), "parameters"
    if mistake == "X of 5 rows":
        X, culprit = np.ones((5, 2)), "X"
    elif mistake == "rank-1 b2":
        p["b2"] = p["b2"].reshape(-1)
    elif mistake == "W2 transposed":
        p["W2"] = p["W2"].T
    else:
        del p["b2"]
    with rejects(culprit):
        impl.chapter5.L_model_forward(X, p, "softmax")


def impl_free_parameters(layer_dims, dtype):
    rng = np.random.default_rng(99)
    p = {}
    for layer in range(1, len(layer_dims)):
        p[f"W{layer}"] = rng.normal(0, 0.5, (layer_dims[layer], layer_dims[layer - 1])).astype(dtype)
        p[f"b{layer}"] = rng.normal(0, 0.1, (layer_dims[layer], 1)).astype(dtype)
    return p


# --- compute_cost ------------------------------------------------------------------------


@pytest.mark.kata("chapter5.compute_cost")
def test_binary_cost_hand_case(impl):
    AL = np.array([[0.8, 0.1, 0.6, 0.5]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    expected = -(math.log(0.8) + math.log(0.9) + math.log(0.4) + math.log(0.5)) / 4
    got = call_unchanged(impl.chapter5.compute_cost, AL, Y)
    assert_scalar(got, expected, what="J = -(1/m) sum(Y log AL + (1 - Y) log(1 - AL))", rtol=1e-12)


@pytest.mark.kata("chapter5.compute_cost")
def test_binary_cost_sums_every_output_row(impl):
    AL = np.array([[0.8, 0.1], [0.3, 0.6]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0]])
    expected = -(math.log(0.8) + math.log(0.9) + math.log(0.7) + math.log(0.4)) / 2
    got = impl.chapter5.compute_cost(AL, Y)
    assert_scalar(got, expected, what="two sigmoid rows: the sum over every entry, divided by m = 2 only", rtol=1e-12)


@pytest.mark.kata("chapter5.compute_cost")
def test_softmax_cost_hand_case(impl):
    AL = np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    expected = -(math.log(0.7) + math.log(0.6)) / 2
    got = impl.chapter5.compute_cost(AL, Y, "softmax")
    assert_scalar(got, expected, what="J = -(1/m) sum(Y log AL) over one-hot columns", rtol=1e-12)
    got32 = impl.chapter5.compute_cost(AL.astype(np.float32), Y.astype(np.float32), "softmax")
    # Rounding AL to float32 and taking its logs in float32 moves each log by ~1e-7 of J ~ 0.43: rtol 1e-6 admits it.
    assert_scalar(got32, expected, what="the softmax cost from float32 input", rtol=1e-6)


@pytest.mark.kata("chapter5.compute_cost")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cost_of_saturated_predictions_is_finite(impl, dtype):
    AL = np.array([[1.0, 0.0, 1.0]], dtype=dtype)
    Y = np.array([[0.0, 1.0, 1.0]], dtype=dtype)
    with no_warnings():
        got = impl.chapter5.compute_cost(AL, Y)
    assert isinstance(got, float) and math.isfinite(got) and got > 10, (
        f"predictions of exactly 1 and 0 for labels 0 and 1 must cost a large finite amount; got {got!r}. "
        "Clip AL to [eps, 1 - eps] before the logs."
    )


@pytest.mark.kata("chapter5.compute_cost")
@pytest.mark.parametrize("Y_shape", [(4,), (4, 1), (1, 3)])
def test_cost_rejects_mismatched_labels(impl, Y_shape):
    with rejects("Y"):
        impl.chapter5.compute_cost(np.full((1, 4), 0.5), np.ones(Y_shape))


@pytest.mark.kata("chapter5.compute_cost")
def test_cost_rejects_rank_1_predictions_and_unknown_outputs(impl):
    with rejects("AL"):
        impl.chapter5.compute_cost(np.full(4, 0.5), np.ones(4))
    with rejects("output"):
        impl.chapter5.compute_cost(np.full((1, 4), 0.5), np.ones((1, 4)), "relu")


# --- linear_backward ---------------------------------------------------------------------


@pytest.mark.kata("chapter5.linear_backward")
def test_linear_backward_agrees_with_numerical_gradient(impl):
    rng = np.random.default_rng(7)
    A_prev, W, b = rng.normal(size=(4, 5)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    dZ = rng.normal(size=(3, 5))
    m = 5

    def Z():
        return W @ A_prev + b

    numeric = {
        "dA_prev": numerical_vjp(Z, A_prev, dZ),  # per example: no 1/m
        "dW": numerical_vjp(Z, W, dZ / m),  # averaged over the m examples
        "db": numerical_vjp(Z, b, dZ / m),
    }
    dA_prev, dW, db = impl.chapter5.linear_backward(dZ, (A_prev, W, b))
    assert_array(dA_prev, what="dA_prev: the shape of A_prev", shape=(4, 5))
    assert_array(dW, what="dW: the shape of W", shape=(3, 4))
    assert_array(db, what="db: the shape of b, (n[l], 1), summed over axis 1 with keepdims", shape=(3, 1))
    assert_gradients_close({"dA_prev": dA_prev, "dW": dW, "db": db}, numeric, TOLERANCES["linear"])


@pytest.mark.kata("chapter5.linear_backward")
def test_linear_backward_hand_case(impl):
    A_prev = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]])
    dZ = np.array([[1.0, -1.0], [0.5, 0.5], [2.0, 0.0]])
    dW = np.array([[(1 - 2) / 2, (0 + 1) / 2], [(0.5 + 1) / 2, (0 - 0.5) / 2], [(2 + 0) / 2, 0.0]])
    db = np.array([[0.0], [0.5], [1.0]])
    dA_prev = np.array([[1 + 1 + 0, -1 + 1 + 0], [-1 + 0.25 + 6, 1 + 0.25 + 0]])
    got = impl.chapter5.linear_backward(dZ, (A_prev, W, np.zeros((3, 1))))
    assert_close(got[0], dA_prev, what="dA_prev = W^T dZ", rtol=1e-12)
    assert_close(got[1], dW, what="dW = (1/m) dZ A_prev^T", rtol=1e-12)
    assert_close(got[2], db, what="db = (1/m) sum(dZ, axis=1, keepdims=True)", rtol=1e-12)


@pytest.mark.kata("chapter5.linear_backward")
def test_linear_backward_float32_and_cache_unchanged(impl):
    rng = np.random.default_rng(8)
    cache = tuple(rng.normal(size=shape).astype(np.float32) for shape in ((4, 6), (2, 4), (2, 1)))
    saved = tuple(array.copy() for array in cache)
    dA_prev, dW, db = impl.chapter5.linear_backward(rng.normal(size=(2, 6)).astype(np.float32), cache)
    for got, shape, name in ((dA_prev, (4, 6), "dA_prev"), (dW, (2, 4), "dW"), (db, (2, 1), "db")):
        assert_array(got, what=f"{name} for float32 input", shape=shape, dtype=np.float32)
    assert all(np.array_equal(a, s) for a, s in zip(cache, saved, strict=True)), "linear_backward changed its cache"


@pytest.mark.kata("chapter5.linear_backward")
def test_linear_backward_rejects_mismatched_dZ(impl):
    cache = (np.ones((4, 6)), np.ones((2, 4)), np.ones((2, 1)))
    with rejects("dZ"):
        impl.chapter5.linear_backward(np.ones((2, 5)), cache)
    with rejects("dZ"):
        impl.chapter5.linear_backward(np.ones((4, 6)), cache)


# --- linear_activation_backward ----------------------------------------------------------


@pytest.mark.kata("chapter5.linear_activation_backward")
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_activation_backward_agrees_with_numerical_gradient(impl, activation):
    rng = np.random.default_rng(9)
    A_prev, W, b = rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    while not away_from_kinks(W @ A_prev + b, 0.02):
        b = rng.normal(size=(3, 1))
    dA = rng.normal(size=(3, 6))
    m = 6

    def A():
        return ACTIVATIONS[activation](W @ A_prev + b)

    numeric = {
        "dA_prev": numerical_vjp(A, A_prev, dA),
        "dW": numerical_vjp(A, W, dA / m),
        "db": numerical_vjp(A, b, dA / m),
    }
    cache = ((A_prev, W, b), W @ A_prev + b)
    dA_prev, dW, db = impl.chapter5.linear_activation_backward(dA, cache, activation)
    tolerance = TOLERANCES["piecewise" if activation == "relu" else "smooth"]
    assert_gradients_close({"dA_prev": dA_prev, "dW": dW, "db": db}, numeric, tolerance)


@pytest.mark.kata("chapter5.linear_activation_backward")
def test_activation_backward_shapes_float32_and_unknown_activation(impl):
    rng = np.random.default_rng(10)
    A_prev = rng.normal(size=(5, 4)).astype(np.float32)
    W, b = rng.normal(size=(2, 5)).astype(np.float32), np.zeros((2, 1), np.float32)
    cache = ((A_prev, W, b), W @ A_prev + b)
    for activation in ACTIVATIONS:
        dA_prev, dW, db = impl.chapter5.linear_activation_backward(np.ones((2, 4), np.float32), cache, activation)
        for got, shape, name in ((dA_prev, (5, 4), "dA_prev"), (dW, (2, 5), "dW"), (db, (2, 1), "db")):
            assert_array(got, what=f"{activation}: {name} for float32 input", shape=shape, dtype=np.float32)
    with rejects("activation"):
        impl.chapter5.linear_activation_backward(np.ones((2, 4)), cache, "tanh")
    with rejects("dA"):
        impl.chapter5.linear_activation_backward(np.ones((2, 5)), cache, "relu")
    with rejects("dA"):
        impl.chapter5.linear_activation_backward(np.ones(4), cache, "relu")


# --- L_model_backward --------------------------------------------------------------------


@pytest.mark.kata("chapter5.L_model_backward")
@pytest.mark.parametrize(
    ("output", "layer_dims"),
    [("sigmoid", [3, 4, 1]), ("sigmoid", [4, 5, 3, 1]), ("softmax", [4, 5, 3]), ("softmax", [3, 4, 4, 4, 3])],
)
def test_L_model_backward_agrees_with_numerical_gradient(impl, output, layer_dims):
    rng = np.random.default_rng(11)
    p, X, Y = column_major_network(rng, layer_dims, 6, output)
    AL, caches = make_caches(X, p, output)
    saved = copy_caches(caches)
    grads = impl.chapter5.L_model_backward(AL, Y, caches, output)
    assert_caches_equal(caches, saved, "L_model_backward")
    L = len(layer_dims) - 1
    assert sorted(grads) == sorted(f"d{name}" for name in names(L)), f"expected keys dW1, db1, ..., dW{L}, db{L}"
    for name in names(L):
        assert_array(grads[f"d{name}"], what=f"d{name}: the shape of {name}", shape=p[name].shape)
    assert_gradients_close(grads, numeric_gradients(X, Y, p, output), TOLERANCES["smooth"])


@pytest.mark.kata("chapter5.L_model_backward")
def test_L_model_backward_float32(impl):
    p = impl_free_parameters([5, 4, 2], np.float32)
    X = np.random.default_rng(12).normal(size=(5, 3)).astype(np.float32)
    AL, caches = make_caches(X, p, "softmax")
    grads = impl.chapter5.L_model_backward(
        AL.astype(np.float32), np.eye(2, dtype=np.float32)[[0, 1, 1]].T, caches, "softmax"
    )
    for name in names(2):
        assert_array(grads[f"d{name}"], what=f"d{name} for float32 input", shape=p[name].shape, dtype=np.float32)


@pytest.mark.kata("chapter5.L_model_backward")
def test_L_model_backward_rejects_rank_1_labels(impl):
    rng = np.random.default_rng(13)
    p, X, Y = column_major_network(rng, [3, 4, 1], 5, "sigmoid")
    AL, caches = make_caches(X, p, "sigmoid")
    with rejects("Y"):
        impl.chapter5.L_model_backward(AL, Y.reshape(-1), caches)
    with rejects("Y"):
        impl.chapter5.L_model_backward(AL, Y.T, caches)  # (m, 1) against (1, m) would broadcast to (m, m)
    with rejects("output"):
        impl.chapter5.L_model_backward(AL, Y, caches, "relu")


# --- update_parameters -------------------------------------------------------------------


@pytest.mark.kata("chapter5.update_parameters")
def test_update_hand_case_and_caller_unchanged(impl):
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]]), "W2": np.array([[-1.0]]), "b2": np.array([[0.0]])}
    g = {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([[1.0]]), "dW2": np.array([[2.0]]), "db2": np.array([[-4.0]])}
    saved = {name: value.copy() for name, value in p.items()}
    got = impl.chapter5.update_parameters(p, g, 0.1)
    expected = {"W1": [[0.95, 2.1]], "b1": [[0.4]], "W2": [[-1.2]], "b2": [[0.4]]}
    for name, value in expected.items():
        assert_close(got[name], np.array(value), what=f"{name} - learning_rate * d{name}", rtol=1e-12)
    for name, value in saved.items():
        assert np.array_equal(p[name], value), (
            f"update_parameters changed the caller's {name} in place: return new arrays (W - lr * dW, not W -= ...)"
        )


@pytest.mark.kata("chapter5.update_parameters")
def test_update_keeps_float32_and_every_layer(impl):
    p = impl_free_parameters([4, 3, 3, 2], np.float32)
    g = {f"d{name}": np.ones_like(value) for name, value in p.items()}
    got = impl.chapter5.update_parameters(p, g, 0.5)
    assert sorted(got) == sorted(p), f"every parameter is updated; got keys {sorted(got)}"
    for name, value in p.items():
        # One float32 subtraction, rounded once (or twice, from float64 inside): 1 ulp, 1.2e-7 relative at most.
        assert_close(got[name], value - 0.5, what=f"{name} (float32)", dtype=np.float32, rtol=1e-6)


@pytest.mark.kata("chapter5.update_parameters")
def test_update_rejects_mismatched_gradient(impl):
    p = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    with rejects("grads"):
        impl.chapter5.update_parameters(p, {"dW1": np.ones((2, 3)), "db1": np.ones(2)}, 0.1)
    with rejects("grads"):
        impl.chapter5.update_parameters(p, {"dW1": np.ones((2, 3))}, 0.1)


# --- predict -----------------------------------------------------------------------------


@pytest.mark.kata("chapter5.predict")
def test_predict_binary_threshold(impl):
    p = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]]), "W2": np.array([[2.0]]), "b2": np.array([[-1.0]])}
    X = np.array([[-1.0, 0.5, 0.25, 2.0]])  # Z2 = 2 relu(x) - 1 = -1, 0, -0.5, 3
    got = call_unchanged(impl.chapter5.predict, X, p)
    assert_array(got, what="predict(X, parameters)", shape=(1, 4), dtype=np.int64)
    assert_close(got, np.array([[0, 0, 0, 1]]), what="labels: 1 where AL > 0.5 (AL = 0.5 gives 0)")


@pytest.mark.kata("chapter5.predict")
def test_predict_softmax_argmax_per_column(impl):
    rng = np.random.default_rng(14)
    p, X, _ = column_major_network(rng, [4, 6, 5], 30, "softmax")
    got = impl.chapter5.predict(X, p, "softmax")
    expected = np.argmax(oracle_forward(X, p, "softmax")[-1], axis=0).reshape(1, 30)
    assert_array(got, what="predict(X, parameters, 'softmax')", shape=(1, 30), dtype=np.int64)
    assert_close(got, expected, what="the class of the largest probability in each column (argmax over axis 0)")


@pytest.mark.kata("chapter5.predict")
def test_predict_rejects_sigmoid_with_several_outputs_and_unknown_outputs(impl):
    p, X, _ = column_major_network(np.random.default_rng(14), [4, 6, 5], 3, "softmax")
    with rejects("output", "parameters"):
        impl.chapter5.predict(X, p, "sigmoid")
    with rejects("output"):
        impl.chapter5.predict(X, p, "relu")
    with rejects("X"):
        impl.chapter5.predict(X[:3], p, "softmax")


# --- L_layer_model -----------------------------------------------------------------------


def he_parameters(layer_dims, rng):
    """What the specification says initialize_parameters_deep draws, written out."""
    p = {}
    for layer in range(1, len(layer_dims)):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        p[f"W{layer}"] = rng.standard_normal((n, n_prev)) * math.sqrt(2 / n_prev)
        p[f"b{layer}"] = np.zeros((n, 1))
    return p


def numerical_training(X, Y, layer_dims, seed, learning_rate, num_epochs, batch_size, output):
    """Gradient descent with the harness's numerical gradients: the independent oracle of L_layer_model."""
    rng = np.random.default_rng(seed)
    p = he_parameters(layer_dims, rng)
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        order = np.arange(m) if batch_size is None else rng.permutation(m)
        size = m if batch_size is None else batch_size
        total = 0.0
        for start in range(0, m, size):
            columns = order[start : start + size]
            X_batch, Y_batch = X[:, columns], Y[:, columns]
            total += oracle_cost(X_batch, Y_batch, p, output) * len(columns)
            gradients = numeric_gradients(X_batch, Y_batch, p, output)
            p = {name: value - learning_rate * gradients[f"d{name}"] for name, value in p.items()}
        costs.append(total / m)
    return p, costs


def assert_same_training(got, expected, what):
    parameters, costs = got
    expected_parameters, expected_costs = expected
    for name, value in expected_parameters.items():
        assert_close(parameters[name], value, what=f"{what}: {name}", rtol=1e-6, atol=1e-8)
    assert all(isinstance(cost, float) for cost in costs), f"{what}: costs must be Python floats"
    assert_close(np.array(costs), np.array(expected_costs), what=f"{what}: the cost of each epoch", rtol=1e-7)


@pytest.mark.kata("chapter5.L_layer_model")
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_full_batch_steps_follow_the_gradient(impl, output):
    rng = np.random.default_rng(15)
    k = 1 if output == "sigmoid" else 3
    _, X, Y = column_major_network(rng, [3, 4, 4, k], 8, output)
    layer_dims = [3, 4, 4, k]
    got = call_unchanged(impl.chapter5.L_layer_model, X, Y, layer_dims, np.random.default_rng(16), 0.5, 3, None, output)
    expected = numerical_training(X, Y, layer_dims, 16, 0.5, 3, None, output)
    assert_same_training(
        got,
        expected,
        "full-batch gradient descent from initialize_parameters_deep(layer_dims, rng): each step uses the gradients "
        "of the parameters before it (update after the whole backward pass)",
    )


@pytest.mark.kata("chapter5.L_layer_model")
@pytest.mark.parametrize(
    ("m", "layer_dims", "learning_rate", "num_epochs", "batch_size", "output", "batches"),
    [
        (10, [3, 4, 3], 0.3, 2, 4, "softmax", "4, 4 and 2"),
        (7, [3, 4, 1], 0.4, 3, 3, "sigmoid", "3, 3 and 1"),
        (5, [2, 3, 2], 0.2, 2, 1, "softmax", "five of 1"),
        (6, [3, 2, 1], 0.5, 2, 16, "sigmoid", "one of all 6 (batch_size > m)"),
    ],
)
def test_minibatches_are_reshuffled_every_epoch_and_the_last_one_kept(
    impl, m, layer_dims, learning_rate, num_epochs, batch_size, output, batches
):
    rng = np.random.default_rng(17 + m)
    _, X, Y = column_major_network(rng, layer_dims, m, output)
    got = call_unchanged(
        impl.chapter5.L_layer_model, X, Y, layer_dims, np.random.default_rng(18), learning_rate, num_epochs,
        batch_size, output,
    )  # fmt: skip
    expected = numerical_training(X, Y, layer_dims, 18, learning_rate, num_epochs, batch_size, output)
    assert_same_training(
        got,
        expected,
        f"{num_epochs} epochs of mini-batches ({batches} columns) at learning rate {learning_rate}, each epoch in "
        "the order of a new rng.permutation(m) drawn after the initialization; the epoch's cost weights each batch "
        "by its number of columns",
    )


@pytest.mark.kata("chapter5.L_layer_model")
def test_each_setting_changes_the_training(impl):
    rng = np.random.default_rng(30)
    _, X, Y = column_major_network(rng, [3, 4, 1], 9, "sigmoid")
    train = impl.chapter5.L_layer_model

    def final(seed=31, learning_rate=0.3, num_epochs=2, batch_size=4):
        parameters, costs = train(X, Y, [3, 4, 1], np.random.default_rng(seed), learning_rate, num_epochs, batch_size)
        return np.concatenate([value.reshape(-1) for value in parameters.values()]), costs

    base, base_costs = final()
    again, again_costs = final()
    assert_close(again, base, what="the same seed twice: the same trained parameters", rtol=0, atol=0)
    assert again_costs == base_costs, "the same seed twice must give the same costs"
    for what, changed in [
        ("another seed", final(seed=32)),
        ("learning_rate 0.6 instead of 0.3", final(learning_rate=0.6)),
        ("num_epochs 3 instead of 2", final(num_epochs=3)),
        ("batch_size 3 instead of 4", final(batch_size=3)),
        ("batch_size None (full batch) instead of 4", final(batch_size=None)),
        ("learning_rate 0.6 and batch_size 3", final(learning_rate=0.6, batch_size=3)),
    ]:
        assert not np.allclose(changed[0], base, rtol=1e-6, atol=1e-9), (
            f"L_layer_model with {what} trained exactly the same parameters: is that argument used?"
        )
    assert len(final(num_epochs=3)[1]) == 3, "num_epochs=3 must give 3 costs, one per epoch"


@pytest.mark.kata("chapter5.L_layer_model")
def test_L_layer_model_keeps_float32(impl):
    rng = np.random.default_rng(19)
    X = rng.normal(size=(3, 12)).astype(np.float32)
    Y = (rng.random((1, 12)) < 0.5).astype(np.float32)
    parameters, costs = impl.chapter5.L_layer_model(X, Y, [3, 5, 1], np.random.default_rng(0), 0.1, 2, 5)
    for name, shape in {"W1": (5, 3), "b1": (5, 1), "W2": (1, 5), "b2": (1, 1)}.items():
        assert_array(parameters[name], what=f"trained {name} for float32 input", shape=shape, dtype=np.float32)
    assert len(costs) == 2, f"one cost per epoch; got {len(costs)}"
    parameters, _ = impl.chapter5.L_layer_model(X.astype(np.float64), Y.astype(np.float64), [3, 5, 1],
                                                np.random.default_rng(0), 0.1, 1, None)  # fmt: skip
    for name, value in parameters.items():
        assert_array(value, what=f"trained {name} for float64 input", dtype=np.float64)


@pytest.mark.kata("chapter5.L_layer_model")
@pytest.mark.parametrize(
    ("X_shape", "Y_shape", "layer_dims", "culprits"),
    [
        ((3, 8), (1, 8), [4, 2, 1], ("X", "layer_dims")),
        ((3, 8), (2, 8), [3, 2, 1], ("Y", "layer_dims")),
        ((3, 8), (1, 7), [3, 2, 1], ("Y",)),
        ((3, 8), (8,), [3, 2, 1], ("Y",)),
        ((3, 8), (1, 8), [3], ("layer_dims",)),
    ],
)
def test_L_layer_model_rejects_mismatched_shapes(impl, X_shape, Y_shape, layer_dims, culprits):
    with rejects(*culprits):
        impl.chapter5.L_layer_model(np.ones(X_shape), np.ones(Y_shape), layer_dims, np.random.default_rng(0), 0.1, 1)


@pytest.mark.kata("chapter5.L_layer_model")
@pytest.mark.parametrize(
    ("num_epochs", "batch_size", "output", "culprit"),
    [(0, None, "sigmoid", "num_epochs"), (1, 0, "sigmoid", "batch_size"), (1, None, "relu", "output")],
)
def test_L_layer_model_rejects_bad_settings(impl, num_epochs, batch_size, output, culprit):
    X, Y, rng = np.ones((3, 8)), np.ones((1, 8)), np.random.default_rng(0)
    with rejects(culprit):
        impl.chapter5.L_layer_model(X, Y, [3, 2, 1], rng, 0.1, num_epochs, batch_size, output)


MNIST_LAYERS = [784, 128, 64, 10]


@pytest.mark.slow
@pytest.mark.kata("chapter5.L_layer_model")
def test_L_layer_network_learns_mnist(impl, mnist, request):
    """784-128-64-10, ReLU, ReLU, softmax; 3 epochs of mini-batch gradient descent (batch 128, rate 0.2).
    The reference's training comes from kata.training_cache when its files have not changed since."""
    X_train, X_test = mnist.X_train.T, mnist.X_test.T  # examples as columns: (784, m)
    Y_train = np.eye(10, dtype=np.float32)[mnist.y_train].T  # one-hot columns: (10, m)

    def train():
        # Batches of 128 make small matrix products that gain nothing from BLAS threads; on a busy CPU the
        # threads only wait for each other (ten times slower), so the training runs on one.
        with threadpool_limits(limits=1, user_api="blas"):
            start = time.perf_counter()
            parameters, costs = impl.chapter5.L_layer_model(
                X_train, Y_train, MNIST_LAYERS, np.random.default_rng(0), 0.2, 3, 128, "softmax"
            )
            seconds = time.perf_counter() - start
        return {**parameters, "costs": costs, "seconds": seconds}

    trained = training_cache.reference_result(request, impl, "L_layer_mnist", train)
    parameters = {name: value for name, value in trained.items() if name not in ("costs", "seconds")}
    costs, seconds = trained["costs"], trained["seconds"]
    AL = oracle_forward(X_test, {name: value.astype(np.float64) for name, value in parameters.items()}, "softmax")[-1]
    accuracy = float(np.mean(np.argmax(AL, axis=0) == mnist.y_test))
    threshold = 0.95 if impl.tree == "reference" else 0.85
    print(f"MNIST {MNIST_LAYERS}: test accuracy {accuracy:.4f} in {seconds:.1f} s (3 epochs); costs {costs}")
    assert accuracy >= threshold, (
        f"the L-layer network reached {accuracy:.4f} test accuracy on MNIST; expected >= {threshold}. "
        f"Epoch costs: {costs}. Check He initialization, the softmax output and the update sign."
    )
    initial = he_parameters(MNIST_LAYERS, np.random.default_rng(0))  # what initialize_parameters_deep drew first
    for name, start in initial.items():
        moved = float(np.linalg.norm(parameters[name].astype(np.float64) - start))
        scale = float(np.linalg.norm(start)) if name.startswith("W") else 1.0
        print(f"{name}: moved {moved:.4f} ({moved / scale:.4f} of its scale)")
        assert moved >= LEARNED[name] * scale, (
            f"{name} moved only {moved:.4g} from its initialization (expected >= {LEARNED[name] * scale:.4g}): "
            f"layer {name[1:]} did not learn. Does every update reach it?"
        )
    baseline = frozen_hidden_layers_baseline(mnist, initial)
    print(f"baseline (hidden layers frozen at their initialization, output layer trained): {baseline:.4f}")
    assert accuracy >= baseline + 0.05, (
        f"the L-layer network reached {accuracy:.4f}, not 5 points above {baseline:.4f}, the accuracy of the same "
        "network with its hidden layers frozen at their initialization: the hidden layers barely learned."
    )


# How far each parameter of the MNIST network must move in 3 epochs: a fraction of ||W[l]|| at its He
# initialization, and for the biases (initialized at 0) an absolute norm. The reference moves each by several
# times as much (printed by the test).
LEARNED = {"W1": 0.05, "b1": 0.05, "W2": 0.1, "b2": 0.05, "W3": 0.2, "b3": 0.05}


def frozen_hidden_layers_baseline(mnist, initial):
    """Test accuracy of the network whose hidden layers stay at their initialization, with the output layer
    trained as L_layer_model trains it (3 epochs, batches of 128, learning rate 0.2): the flaw of a training
    loop that never updates the hidden layers."""
    p = {name: value.astype(np.float32) for name, value in initial.items()}

    def features(X):
        return np.maximum(p["W2"] @ np.maximum(p["W1"] @ X + p["b1"], 0) + p["b2"], 0)

    H, H_test = features(mnist.X_train.T), features(mnist.X_test.T)
    Y = np.eye(10, dtype=np.float32)[mnist.y_train].T
    W, b = p["W3"], p["b3"]
    rng = np.random.default_rng(1)
    for _ in range(3):
        order = rng.permutation(H.shape[1])
        for start in range(0, H.shape[1], 128):
            columns = order[start : start + 128]
            dZ = softmax(W @ H[:, columns] + b, axis=0) - Y[:, columns]
            W = W - 0.2 * dZ @ H[:, columns].T / len(columns)
            b = b - 0.2 * dZ.sum(axis=1, keepdims=True) / len(columns)
    return float(np.mean(np.argmax(W @ H_test + b, axis=0) == mnist.y_test))
