"""5.5 The bridge: one network in both notations gives the same predictions, costs and gradients.

The cross-chapter tests run this chapter's functions next to chapter 3's ``forward_mlp``,
``cross_entropy`` and ``backward_mlp`` and chapter 4's ``forward_mlp_3layer`` and
``backward_mlp_3layer``, from the same tree: your chapter 5 must agree with your chapters 3 and 4.

Tolerances: float64 values here are O(1), and every correct formula (tanh- or
logsumexp-based activations, scipy.special, einsum or tensordot for @, float64
inside then cast back) rounds them to within a few ulps (2.2e-16 each), so the
float64 rtol of 1e-12 to 1e-9 leaves a margin of thousands; comparisons with the
harness's numerical gradients use its TOLERANCES (see kata/gradcheck.py).
float32 checks derive their bound next to them.
"""

import numpy as np
import pytest
from scipy.special import softmax

from kata.testing import assert_array, assert_close, assert_scalar, column_major_network, rejects


def hand_column_major():
    return {
        "W1": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        "b1": np.array([[0.5], [-0.5]]),
        "W2": np.array([[7.0, 8.0]]),
        "b2": np.array([[9.0]]),
    }


def column_major_forward(X, p):
    """The test's own column-major network: ReLU hidden layers, softmax over each column."""
    L = len(p) // 2
    A = X
    for layer in range(1, L + 1):
        Z = p[f"W{layer}"] @ A + p[f"b{layer}"]
        A = np.maximum(Z, 0) if layer < L else softmax(Z, axis=0)
    return A


def row_major_forward(X_row, weights_and_biases):
    """The test's own row-major network: ReLU hidden layers, softmax over each row."""
    A = X_row
    L = len(weights_and_biases) // 2
    for layer in range(L):
        Z = A @ weights_and_biases[2 * layer] + weights_and_biases[2 * layer + 1]
        A = np.maximum(Z, 0) if layer < L - 1 else softmax(Z, axis=1)
    return A


# --- parameters_to_row_major -------------------------------------------------------------


@pytest.mark.kata("chapter5.parameters_to_row_major")
def test_row_major_hand_case(impl):
    p = hand_column_major()
    got = impl.chapter5.parameters_to_row_major(p)
    assert all(np.array_equal(p[name], value) for name, value in hand_column_major().items()), "p must not change"
    assert isinstance(got, list) and len(got) == 4, "a list [W1, b1, W2, b2] in forward_mlp's argument order"
    expected = [p["W1"].T, p["b1"].T, p["W2"].T, p["b2"].T]
    shapes = [(3, 2), (1, 2), (2, 1), (1, 1)]
    for index, (array, want, shape, name) in enumerate(
        zip(got, expected, shapes, ["W1", "b1", "W2", "b2"], strict=True)
    ):
        assert_array(array, what=f"item {index}: {name} row-major (n_in, n_out) / (1, n_out)", shape=shape)
        assert_close(array, want, what=f"item {index}: {name} transposed", rtol=0, atol=0)


@pytest.mark.kata("chapter5.parameters_to_row_major")
def test_row_major_arrays_are_contiguous_copies(impl):
    p = {name: value.astype(np.float32) for name, value in hand_column_major().items()}
    got = impl.chapter5.parameters_to_row_major(p)
    for array, name in zip(got, ["W1", "b1", "W2", "b2"], strict=True):
        assert array.dtype == np.float32, f"{name}: keep the dtype; got {array.dtype}"
        assert array.flags.c_contiguous, f"{name}: expected a C-contiguous copy (np.ascontiguousarray(W.T))"
        array += 100  # training the row-major copy in place ...
    assert_close(p["W1"], hand_column_major()["W1"], what="... must not change the column-major W1", rtol=0, atol=0)


@pytest.mark.kata("chapter5.parameters_to_row_major")
def test_row_major_network_computes_the_same_function(impl):
    p, X, _ = column_major_network(np.random.default_rng(0), [5, 6, 4, 3], 8, "softmax")
    expected = column_major_forward(X, p)
    got = row_major_forward(X.T, impl.chapter5.parameters_to_row_major(p))
    assert_close(got, expected.T, what="row-major output (m, k) = column-major output (k, m) transposed", rtol=1e-12)


@pytest.mark.kata("chapter5.parameters_to_row_major")
@pytest.mark.parametrize("mistake", ["rank-1 b1", "no W2", "row-major W1"])
def test_row_major_rejects_what_is_not_this_chapters_layout(impl, mistake):
    p = hand_column_major()
    if mistake == "rank-1 b1":
        p["b1"] = p["b1"].reshape(-1)
    elif mistake == "no W2":
        del p["W2"]
    else:
        p["W1"] = p["W1"].T
    with rejects("parameters"):
        impl.chapter5.parameters_to_row_major(p)


@pytest.mark.kata("chapter5.parameters_to_row_major")
def test_chapter3_network_gives_identical_results(impl):
    p, X, Y = column_major_network(np.random.default_rng(1), [6, 5, 4], 9, "softmax")
    AL, caches = impl.chapter5.L_model_forward(X, p, "softmax")
    W1, b1, W2, b2 = impl.chapter5.parameters_to_row_major(p)
    A1, A2 = impl.chapter3.forward_mlp(X.T, W1, b1, W2, b2)
    assert_close(A2, AL.T, what="chapter 3's forward_mlp output = chapter 5's AL transposed", rtol=1e-10)
    assert_close(A1, caches[1][0][0].T, what="chapter 3's hidden A1 = chapter 5's A[1] transposed", rtol=1e-10)
    assert_close(
        np.argmax(A2, axis=1).reshape(1, -1),
        impl.chapter5.predict(X, p, "softmax"),
        what="predicted classes in both notations",
    )
    assert_scalar(
        impl.chapter3.cross_entropy(A2, Y.T),
        impl.chapter5.compute_cost(AL, Y, "softmax"),
        what="chapter 3's cross_entropy = chapter 5's compute_cost",
        rtol=1e-10,
    )
    grads = impl.chapter5.L_model_backward(AL, Y, caches, "softmax")
    row_grads = impl.chapter3.backward_mlp(X.T, A1, A2, Y.T, W1, W2)
    for got, name in zip(row_grads, ["W1", "b1", "W2", "b2"], strict=True):
        assert_close(
            got, grads[f"d{name}"].T, what=f"chapter 3's grad_{name} = chapter 5's d{name} transposed", rtol=1e-9
        )


@pytest.mark.kata("chapter5.parameters_to_row_major")
def test_chapter4_network_gives_identical_results(impl):
    p, X, Y = column_major_network(np.random.default_rng(2), [7, 6, 5, 4], 10, "softmax")
    AL, caches = impl.chapter5.L_model_forward(X, p, "softmax")
    row = impl.chapter5.parameters_to_row_major(p)
    A1, A2, A3 = impl.chapter4.forward_mlp_3layer(X.T, *row)
    assert_close(A3, AL.T, what="chapter 4's forward_mlp_3layer output = chapter 5's AL transposed", rtol=1e-10)
    assert_close(A2, caches[2][0][0].T, what="chapter 4's A2 = chapter 5's A[2] transposed", rtol=1e-10)
    assert_scalar(
        impl.chapter3.cross_entropy(A3, Y.T),
        impl.chapter5.compute_cost(AL, Y, "softmax"),
        what="the cost of the 3-layer network in both notations",
        rtol=1e-10,
    )
    grads = impl.chapter5.L_model_backward(AL, Y, caches, "softmax")
    row_grads = impl.chapter4.backward_mlp_3layer(X.T, A1, A2, A3, Y.T, row[0], row[2], row[4])
    for got, name in zip(row_grads, ["W1", "b1", "W2", "b2", "W3", "b3"], strict=True):
        assert_close(
            got, grads[f"d{name}"].T, what=f"chapter 4's grad_{name} = chapter 5's d{name} transposed", rtol=1e-9
        )


# --- parameters_to_column_major ----------------------------------------------------------


@pytest.mark.kata("chapter5.parameters_to_column_major")
def test_column_major_hand_case(impl):
    column = hand_column_major()
    row = [column["W1"].T.copy(), column["b1"].T.copy(), column["W2"].T.copy(), column["b2"].T.copy()]
    got = impl.chapter5.parameters_to_column_major(row)
    originals = [column["W1"].T, column["b1"].T, column["W2"].T, column["b2"].T]
    assert all(np.array_equal(a, b) for a, b in zip(row, originals, strict=True)), "the list's arrays must not change"
    assert list(got) == ["W1", "b1", "W2", "b2"], f"keys W1, b1, W2, b2 in order; got {list(got)}"
    for name, value in column.items():
        assert_close(got[name], value, what=f"{name}: (n_out, n_in) / (n_out, 1)", rtol=0, atol=0)
        assert got[name].flags.c_contiguous, f"{name}: expected a C-contiguous copy"
    got["W1"] += 100
    assert_close(row[0], column["W1"].T, what="the row-major W1 after changing the converted copy", rtol=0, atol=0)


@pytest.mark.kata("chapter5.parameters_to_column_major")
def test_column_major_round_trip(impl):
    p, _, _ = column_major_network(np.random.default_rng(3), [4, 5, 3, 2], 2, "softmax")
    p32 = {name: value.astype(np.float32) for name, value in p.items()}
    back = impl.chapter5.parameters_to_column_major(impl.chapter5.parameters_to_row_major(p32))
    assert sorted(back) == sorted(p32)
    for name, value in p32.items():
        assert_close(back[name], value, what=f"{name} after a round trip", rtol=0, atol=0, dtype=np.float32)


@pytest.mark.kata("chapter5.parameters_to_column_major")
def test_row_major_network_computes_the_same_function_in_columns(impl):
    rng = np.random.default_rng(4)
    row = [rng.normal(size=(5, 4)), rng.normal(size=(1, 4)), rng.normal(size=(4, 3)), rng.normal(size=(1, 3))]
    X_row = rng.normal(size=(7, 5))
    expected = row_major_forward(X_row, row)
    got = column_major_forward(X_row.T, impl.chapter5.parameters_to_column_major(row))
    assert_close(got, expected.T, what="column-major output (k, m) = row-major output (m, k) transposed", rtol=1e-12)


@pytest.mark.kata("chapter5.parameters_to_column_major")
def test_chapter3_gradients_convert_to_chapter5_gradients(impl):
    p, X, Y = column_major_network(np.random.default_rng(5), [6, 5, 3], 8, "softmax")
    row = impl.chapter5.parameters_to_row_major(p)
    A1, A2 = impl.chapter3.forward_mlp(X.T, *row)
    converted = impl.chapter5.parameters_to_column_major(impl.chapter3.backward_mlp(X.T, A1, A2, Y.T, row[0], row[2]))
    AL, caches = impl.chapter5.L_model_forward(X, p, "softmax")
    grads = impl.chapter5.L_model_backward(AL, Y, caches, "softmax")
    for name in ("W1", "b1", "W2", "b2"):
        assert_close(converted[name], grads[f"d{name}"], what=f"chapter 3's gradient of {name}, converted", rtol=1e-9)


@pytest.mark.kata("chapter5.parameters_to_column_major")
@pytest.mark.parametrize(
    "shapes",
    [[(3, 2), (1, 2), (2, 1)], [], [(3, 2), (2, 1)], [(3, 2), (2,)], [(3, 2), (1, 3)], [(3,), (1, 3)]],
)
def test_column_major_rejects_bad_lists(impl, shapes):
    with rejects("weights_and_biases"):
        impl.chapter5.parameters_to_column_major([np.ones(shape) for shape in shapes])
