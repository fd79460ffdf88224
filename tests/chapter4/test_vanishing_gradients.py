"""4.1 layer_gradient_norms: vanishing gradients made visible."""

import itertools

import numpy as np
import pytest
import scipy.special

from kata.gradcheck import away_from_kinks, numerical_gradient
from kata.testing import assert_scalar, rejects

pytestmark = pytest.mark.kata("chapter4.layer_gradient_norms")


def deep_network(depth, activation, rng, width=32, n_in=64, n_out=10):
    """``depth`` hidden layers: Xavier-scaled for the sigmoid, He-scaled for ReLU."""
    sizes = [n_in] + [width] * depth + [n_out]
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
        weights.append(rng.standard_normal((fan_in, fan_out)) * np.sqrt(variance))
        biases.append(np.zeros((1, fan_out)))
    return weights, biases


def oracle_loss(X, y, weights, biases, activation):
    g = scipy.special.expit if activation == "sigmoid" else (lambda Z: np.maximum(Z, 0))
    A = X
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        A = g(A @ W + b)
    return float(-np.mean(np.sum(y * scipy.special.log_softmax(A @ weights[-1] + biases[-1], axis=1), axis=1)))


@pytest.fixture(scope="module")
def batch(digits):
    return digits.X_train[:256].astype(np.float64), np.eye(10)[digits.y_train[:256]]


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_norms_of_the_numerical_gradients(impl, activation):
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((6, 5)), np.eye(3)[rng.integers(0, 3, 6)]
    weights = [rng.standard_normal(shape) for shape in ((5, 4), (4, 4), (4, 3))]
    biases = [rng.standard_normal((1, width)) * 0.5 for width in (4, 4, 3)]
    Z1 = X @ weights[0] + biases[0]
    assert away_from_kinks(Z1) and away_from_kinks(np.maximum(Z1, 0) @ weights[1] + biases[1]), "ReLU kink too close"
    got = impl.chapter4.layer_gradient_norms(X, y, weights, biases, activation)
    assert isinstance(got, list) and len(got) == 3, f"expected a list of 3 norms, first layer first; got {got!r}"
    for layer, (norm, W) in enumerate(zip(got, weights, strict=True)):
        expected = float(np.linalg.norm(numerical_gradient(lambda: oracle_loss(X, y, weights, biases, activation), W)))
        # float64 centered differences err by ~1e-9 relative here; any exact formula is far closer.
        assert_scalar(norm, expected, what=f"||dL/dW{layer + 1}|| ({activation})", rtol=1e-6)


def test_deep_sigmoid_network_first_layer_gradient_vanishes(impl, batch):
    X, y = batch
    weights, biases = deep_network(10, "sigmoid", np.random.default_rng(1))
    norms = impl.chapter4.layer_gradient_norms(X, y, weights, biases, "sigmoid")
    ratio = norms[0] / norms[-1]
    print("deep sigmoid:", ", ".join(f"{norm:.2e}" for norm in norms))
    assert ratio < 1e-4, (
        f"in a sigmoid network with 10 hidden layers the first layer's gradient norm should be orders of "
        f"magnitude below the last one's (sigma' <= 1/4 per layer); got the ratio {ratio:.2e} from {norms}"
    )


def test_deep_relu_network_with_he_init_keeps_its_gradients(impl, batch):
    X, y = batch
    weights, biases = deep_network(10, "relu", np.random.default_rng(1))
    norms = impl.chapter4.layer_gradient_norms(X, y, weights, biases, "relu")
    ratio = norms[0] / norms[-1]
    print("deep ReLU, He:", ", ".join(f"{norm:.2e}" for norm in norms))
    assert 0.1 < ratio < 10, f"ReLU with He initialization: first/last gradient norm {ratio:.2e} from {norms}"


def test_shallow_sigmoid_network_does_not_vanish(impl, batch):
    X, y = batch
    weights, biases = deep_network(1, "sigmoid", np.random.default_rng(1))
    norms = impl.chapter4.layer_gradient_norms(X, y, weights, biases, "sigmoid")
    assert norms[0] / norms[-1] > 0.1, f"one hidden sigmoid layer: first/last gradient norm from {norms}"


def test_rejects_bad_arguments(impl):
    X, y = np.ones((2, 3)), np.eye(2)
    weights, biases = [np.ones((3, 4)), np.ones((4, 2))], [np.ones((1, 4)), np.ones((1, 2))]
    with rejects("activation"):
        impl.chapter4.layer_gradient_norms(X, y, weights, biases, "tanh")
    with rejects("weights"):
        impl.chapter4.layer_gradient_norms(X, y, [np.ones((3, 4)), np.ones((5, 2))], biases, "relu")
    with rejects("weights", "biases"):
        impl.chapter4.layer_gradient_norms(X, y, weights, biases[:1], "relu")
    with rejects("biases"):
        impl.chapter4.layer_gradient_norms(X, y, weights, [np.ones((1, 4)), np.ones((1, 3))], "relu")
    with rejects("y"):
        impl.chapter4.layer_gradient_norms(X, np.eye(3)[:2], weights, biases, "relu")
