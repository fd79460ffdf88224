"""5.4 Gradient checking: parameters flattened to one vector and back, and a check of L_model_backward.

Tolerances: float64 values here are O(1), and every correct formula (tanh- or
logsumexp-based activations, scipy.special, einsum or tensordot for @, float64
inside then cast back) rounds them to within a few ulps (2.2e-16 each), so the
float64 rtol of 1e-12 to 1e-9 leaves a margin of thousands; comparisons with the
harness's numerical gradients use its TOLERANCES (see kata/gradcheck.py).
float32 checks derive their bound next to them.
"""

import numpy as np
import pytest
from scipy.special import expit, softmax

from kata.gradcheck import numerical_gradient, relative_error
from kata.testing import (
    assert_array,
    assert_close,
    assert_scalar,
    call_unchanged,
    column_major_network,
    no_warnings,
    rejects,
)


def hand_parameters():
    """A [2, 3, 1] network whose entries count up, so each position in the vector is recognizable."""
    return {
        "W1": np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        "b1": np.array([[7.0], [8.0], [9.0]]),
        "W2": np.array([[10.0, 11.0, 12.0]]),
        "b2": np.array([[13.0]]),
    }


def oracle_cost(X, Y, p, output):
    L = len(p) // 2
    A = X
    for layer in range(1, L + 1):
        Z = p[f"W{layer}"] @ A + p[f"b{layer}"]
        A = np.maximum(Z, 0) if layer < L else (expit(Z) if output == "sigmoid" else softmax(Z, axis=0))
    if output == "sigmoid":
        return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / X.shape[1])
    return float(-np.sum(Y * np.log(A)) / X.shape[1])


def trusted_gradients(X, Y, p, output):
    return {f"d{name}": numerical_gradient(lambda: oracle_cost(X, Y, p, output), p[name]) for name in p}


def flat(grads, L):
    return np.concatenate([grads[f"d{kind}{layer}"].reshape(-1) for layer in range(1, L + 1) for kind in "Wb"])


# --- dictionary_to_vector ----------------------------------------------------------------


@pytest.mark.kata("chapter5.dictionary_to_vector")
def test_vector_order_is_W1_b1_W2_b2_row_by_row(impl):
    theta = call_unchanged(impl.chapter5.dictionary_to_vector, hand_parameters())
    assert_array(theta, what="theta: one column (N, 1)", shape=(13, 1), dtype=np.float64)
    assert_close(theta[:, 0], np.arange(1.0, 14.0), what="W1 row by row, then b1, W2, b2", rtol=0, atol=0)


@pytest.mark.kata("chapter5.dictionary_to_vector")
def test_vector_order_ignores_the_dict_order(impl):
    shuffled = {name: hand_parameters()[name] for name in ("b2", "W2", "b1", "W1")}
    theta = impl.chapter5.dictionary_to_vector(shuffled)
    assert_close(theta[:, 0], np.arange(1.0, 14.0), what="the fixed order W1, b1, W2, b2", rtol=0, atol=0)


@pytest.mark.kata("chapter5.dictionary_to_vector")
def test_vector_of_many_layers_and_float32(impl):
    layer_dims = [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # 11 layers: W10 must come after W9, not after W1
    p, value = {}, 0.0
    for layer in range(1, 12):
        p[f"W{layer}"] = np.full((layer_dims[layer], layer_dims[layer - 1]), value, dtype=np.float32)
        p[f"b{layer}"] = np.full((1, 1), value + 0.5, dtype=np.float32)
        value += 1
    theta = impl.chapter5.dictionary_to_vector(p)
    expected = np.r_[0.0, 0.0, 0.5, np.repeat(np.arange(1.0, 11.0), 2) + np.tile([0.0, 0.5], 10)]
    assert_close(theta, expected.reshape(-1, 1), what="11 layers in layer order (W10 after b9)", dtype=np.float32)


@pytest.mark.kata("chapter5.dictionary_to_vector")
@pytest.mark.parametrize("mistake", ["c1 for b1", "no b2", "rank-1 b1", "W2 transposed"])
def test_vector_rejects_other_names_and_shapes(impl, mistake):
    p = hand_parameters()
    if mistake == "c1 for b1":
        p["c1"] = p.pop("b1")
    elif mistake == "no b2":
        del p["b2"]
    elif mistake == "rank-1 b1":
        p["b1"] = p["b1"].reshape(-1)
    else:
        p["W2"] = p["W2"].T
    with rejects("parameters"):
        impl.chapter5.dictionary_to_vector(p)


# --- vector_to_dictionary ----------------------------------------------------------------


@pytest.mark.kata("chapter5.vector_to_dictionary")
def test_dictionary_hand_case(impl):
    theta = np.arange(1.0, 14.0).reshape(-1, 1)
    p = call_unchanged(impl.chapter5.vector_to_dictionary, theta, [2, 3, 1])
    for name, value in hand_parameters().items():
        assert_close(p[name], value, what=f"{name} from theta (row by row, W then b per layer)", rtol=0, atol=0)


@pytest.mark.kata("chapter5.vector_to_dictionary")
def test_dictionary_round_trip(impl):
    rng = np.random.default_rng(0)
    layer_dims = [4, 3, 5, 2]
    theta = rng.normal(size=(4 * 3 + 3 + 3 * 5 + 5 + 5 * 2 + 2, 1)).astype(np.float32)
    p = impl.chapter5.vector_to_dictionary(theta, layer_dims)
    for layer in range(1, 4):
        n, n_prev = layer_dims[layer], layer_dims[layer - 1]
        assert_array(p[f"W{layer}"], what=f"W{layer}", shape=(n, n_prev), dtype=np.float32)
        assert_array(p[f"b{layer}"], what=f"b{layer}: a column (n[l], 1)", shape=(n, 1), dtype=np.float32)
    flattened = np.concatenate([p[f"{kind}{layer}"].reshape(-1) for layer in (1, 2, 3) for kind in "Wb"])
    assert_close(flattened.reshape(-1, 1), theta, what="flattening the result again gives theta back", rtol=0, atol=0)


@pytest.mark.kata("chapter5.vector_to_dictionary")
@pytest.mark.parametrize("shape", [(12, 1), (14, 1), (13,), (1, 13)])
def test_dictionary_rejects_wrong_lengths(impl, shape):
    with rejects("theta"):
        impl.chapter5.vector_to_dictionary(np.ones(shape), [2, 3, 1])


@pytest.mark.kata("chapter5.vector_to_dictionary")
@pytest.mark.parametrize("layer_dims", [[13], [2, 0, 1]])
def test_dictionary_rejects_bad_layer_dims(impl, layer_dims):
    with rejects("layer_dims"):
        impl.chapter5.vector_to_dictionary(np.ones((13, 1)), layer_dims)


# --- gradient_check ----------------------------------------------------------------------


@pytest.mark.kata("chapter5.gradient_check")
@pytest.mark.parametrize(("output", "layer_dims"), [("sigmoid", [3, 4, 1]), ("softmax", [3, 4, 3, 3])])
def test_check_of_L_model_backward(impl, output, layer_dims):
    p, X, Y = column_major_network(np.random.default_rng(1), layer_dims, 5, output)
    AL, caches = impl.chapter5.L_model_forward(X, p, output)
    grads = impl.chapter5.L_model_backward(AL, Y, caches, output)
    saved = {name: value.copy() for name, value in p.items()}
    difference = call_unchanged(impl.chapter5.gradient_check, p, grads, X, Y, output)
    assert all(np.array_equal(p[name], value) for name, value in saved.items()), "the parameters must not change"
    assert isinstance(difference, float), f"gradient_check returns a Python float; got {type(difference).__name__}"
    assert difference < 1e-7, (
        f"gradient_check of a correct L_model_backward gave {difference:.3g}; expected < 1e-7. "
        "Nudge one entry at a time, both ways, on copies of theta; divide by 2 * epsilon; work in float64."
    )


@pytest.mark.kata("chapter5.gradient_check")
def test_check_measures_how_wrong_a_gradient_is(impl):
    p, X, Y = column_major_network(np.random.default_rng(2), [3, 4, 2], 6, "softmax")
    grads = trusted_gradients(X, Y, p, "softmax")
    wrong = {name: value.copy() for name, value in grads.items()}
    wrong["dW1"][1, 2] += 0.05
    wrong["db2"] *= 1.5
    expected = relative_error(flat(wrong, 2), flat(grads, 2))
    got = impl.chapter5.gradient_check(p, wrong, X, Y, "softmax")
    # gradapprox with epsilon = 1e-7 carries float64 rounding of ~1e-16 / 1e-7 = 1e-9 per entry (O(eps^2) truncation
    # is smaller), against a wrong-gradient gap of ~0.05: rtol 1e-4 admits any centered-difference implementation.
    assert_scalar(got, expected, what="||grad - gradapprox|| / (||grad|| + ||gradapprox||)", rtol=1e-4)


@pytest.mark.kata("chapter5.gradient_check")
def test_check_uses_centered_differences(impl):
    p, X, Y = column_major_network(np.random.default_rng(3), [2, 3, 1], 4, "sigmoid")
    grads = trusted_gradients(X, Y, p, "sigmoid")
    difference = impl.chapter5.gradient_check(p, grads, X, Y, "sigmoid", 1e-3)
    assert difference < 1e-6, (
        f"with epsilon = 1e-3, centered differences (J(theta + eps) - J(theta - eps)) / (2 eps) are accurate to "
        f"about eps**2; one-sided ones only to eps. Got a difference of {difference:.3g} for exact gradients."
    )


@pytest.mark.kata("chapter5.gradient_check")
def test_check_works_in_float64_for_float32_networks(impl):
    p, X, Y = column_major_network(np.random.default_rng(4), [3, 3, 1], 5, "sigmoid")
    p32, X32, Y32 = (
        {name: value.astype(np.float32) for name, value in p.items()},
        X.astype(np.float32),
        Y.astype(np.float32),
    )
    exact = {name: value.astype(np.float64) for name, value in p32.items()}
    grads = trusted_gradients(X32.astype(np.float64), Y, exact, "sigmoid")
    difference = impl.chapter5.gradient_check(p32, grads, X32, Y32, "sigmoid")
    assert difference < 1e-7, (
        "float32 parameters must be checked in float64 (convert theta, X and Y: a nudge of 1e-7 is below float32's "
        f"resolution); got a difference of {difference:.3g}"
    )


@pytest.mark.kata("chapter5.gradient_check")
def test_check_is_zero_when_both_gradients_are(impl):
    p, X, _ = column_major_network(np.random.default_rng(6), [3, 2, 2], 4, "softmax")
    zeros = {f"d{name}": np.zeros_like(value) for name, value in p.items()}
    with no_warnings():  # all-zero labels: the softmax cost is 0 for every theta, so gradapprox is 0 too
        difference = impl.chapter5.gradient_check(p, zeros, X, np.zeros((2, 4)), "softmax")
    assert difference == 0.0 and isinstance(difference, float), (
        f"when grad and gradapprox are both 0 the difference is defined as 0.0 (not 0 / 0); got {difference!r}"
    )


@pytest.mark.kata("chapter5.gradient_check")
@pytest.mark.parametrize("mistake", ["no dW2, db2", "rank-1 db1", "X of 3 rows", "epsilon 0"])
def test_check_rejects_mismatched_arguments(impl, mistake):
    p, X, Y = column_major_network(np.random.default_rng(5), [2, 2, 1], 3, "sigmoid")
    grads = {f"d{name}": np.ones_like(value) for name, value in p.items()}
    epsilon, culprit = 1e-7, "grads"
    if mistake == "no dW2, db2":
        del grads["dW2"], grads["db2"]
    elif mistake == "rank-1 db1":
        grads["db1"] = grads["db1"].reshape(-1)
    elif mistake == "X of 3 rows":
        X, culprit = np.ones((3, 3)), "X"
    else:
        epsilon, culprit = 0.0, "epsilon"
    with rejects(culprit):
        impl.chapter5.gradient_check(p, grads, X, Y, "sigmoid", epsilon)
