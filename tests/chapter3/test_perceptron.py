"""3.1 forward_perceptron, trained with chapter 2's mini-batch gradient descent."""

import math

import numpy as np
import pytest
import scipy.special

from kata.testing import assert_close, call_unchanged, no_warnings, rejects

pytestmark = pytest.mark.kata("chapter3.forward_perceptron")

GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}


def train_gate(impl, gate, W, b, batch_size, seed=0):
    """Train a perceptron on a logic gate with chapter 2's mini-batch gradient descent; return
    its accuracy (forward_perceptron >= 0.5 read as 1) and the loss history."""
    y = np.array(GATES[gate], dtype=np.float64)[:, None]
    W, b, losses = impl.chapter2.minibatch_gradient_descent(
        GATE_INPUTS, y, W, b, 1.0, 500, batch_size, np.random.default_rng(seed), model="logistic"
    )
    A = impl.chapter3.forward_perceptron(GATE_INPUTS, W, b)
    return float(np.mean((A >= 0.5) == y)), losses


def test_hand_computed_outputs(impl):
    X = np.array([[1.0, 2.0], [0.0, 0.0], [-2.0, 1.0]])
    W = np.array([[0.5], [-0.25]])
    b = np.array([[np.log(3.0)]])
    # Z = X W + b = [[0 + ln 3], [ln 3], [-1.25 + ln 3]]; sigma(ln 3) = 3/4.
    expected = np.array([[0.75], [0.75], [scipy.special.expit(np.log(3.0) - 1.25)]])
    assert_close(
        impl.chapter3.forward_perceptron(X, W, b), expected, what="forward_perceptron = sigmoid(X W + b)", rtol=1e-12
    )


def test_bias_shifts_the_boundary(impl):
    X = np.zeros((3, 2))  # X W = 0: the output is sigmoid(b) alone
    got = impl.chapter3.forward_perceptron(X, np.ones((2, 1)), np.array([[-math.log(4.0)]]))
    assert_close(got, np.full((3, 1), 0.2), what="forward_perceptron for X = 0 and b = -ln 4 (sigmoid(b) = 1/5): "
                 "is the bias added before the sigmoid?", rtol=1e-12)  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_dtype_shape_and_inputs(impl, dtype):
    rng = np.random.default_rng(0)
    X, W, b = (rng.normal(size=shape).astype(dtype) for shape in [(6, 3), (3, 1), (1, 1)])
    A = call_unchanged(impl.chapter3.forward_perceptron, X, W, b)
    expected = scipy.special.expit(X.astype(np.float64) @ W + b)
    # Here |Z| < 3 and A lies in (0.5, 0.96): Z sums 3 products, so rounding in float32 moves it by about
    # 4 * 3 * 6e-8 < 1e-6, and any correct sigmoid (exp, tanh or expit form) adds a few eps32 relative.
    # rtol 1e-5 is ten times that; float64 is far inside it.
    assert_close(A, expected, what="forward_perceptron", dtype=dtype, rtol=1e-5)


def test_stable_for_large_scores(impl):
    X = np.array([[1.0], [-1.0]])
    with no_warnings():
        A = impl.chapter3.forward_perceptron(X, np.array([[1000.0]]), np.zeros((1, 1)))
    assert_close(A, np.array([[1.0], [0.0]]), what="forward_perceptron at Z = +-1000 (use your stable sigmoid)")


@pytest.mark.parametrize(
    ("X_shape", "W_shape", "b_shape", "culprit"),
    [
        ((4, 2), (3, 1), (1, 1), "W"),
        ((4, 2), (2,), (1, 1), "W"),
        ((4, 2), (2, 1), (1,), "b"),
        ((4, 2), (2, 1), (1, 2), "b"),
        ((2,), (2, 1), (1, 1), "X"),
    ],
)
def test_rejects_misfit_shapes(impl, X_shape, W_shape, b_shape, culprit):
    with rejects(culprit):
        impl.chapter3.forward_perceptron(np.ones(X_shape), np.ones(W_shape), np.ones(b_shape))


@pytest.mark.parametrize("gate", ["AND", "OR"])
@pytest.mark.parametrize("batch_size", [4, 1])
def test_learns_linearly_separable_gates(impl, gate, batch_size):
    accuracy, losses = train_gate(impl, gate, np.zeros((2, 1)), np.zeros((1, 1)), batch_size)
    assert accuracy == 1.0, (
        f"a perceptron trained on {gate} (lr 1.0, 500 epochs, batch size {batch_size}) classifies only "
        f"{accuracy:.0%} of the 4 inputs right; a line separates {gate}'s classes, so it should reach 100 %. "
        f"Final loss {losses[-1]:.4f}"
    )


@pytest.mark.parametrize("start", ["zeros", "random"])
@pytest.mark.parametrize("batch_size", [4, 1])
def test_cannot_learn_xor(impl, start, batch_size):
    rng = np.random.default_rng(1)
    W, b = (
        (np.zeros((2, 1)), np.zeros((1, 1))) if start == "zeros" else (rng.normal(size=(2, 1)), rng.normal(size=(1, 1)))
    )
    accuracy, losses = train_gate(impl, "XOR", W, b, batch_size)
    assert accuracy <= 0.75, (
        f"a single perceptron classified {accuracy:.0%} of XOR right, which no perceptron can: its decision "
        "boundary x . w + b = 0 is a straight line, and no line puts (0, 1) and (1, 0) on one side and (0, 0) "
        "and (1, 1) on the other, so at most 3 of the 4 points can be right. Is forward_perceptron linear "
        "in X before the sigmoid?"
    )
    assert min(losses) >= math.log(2) - 1e-6, (
        f"the loss fell to {min(losses):.4f}, below ln 2 = 0.6931: for XOR the best a perceptron can do is "
        "answer 0.5 everywhere (w = 0, b = 0), whose loss is ln 2"
    )
