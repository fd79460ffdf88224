"""Seeded example inputs for every kata, used by ``kata compare``.

An example is a function of a ``np.random.Generator`` that returns the
kata's ``(args, kwargs)``. An argument that is itself a generator gets the
same state in both calls (each call receives its own copy), so a correct
kata that draws random numbers the reference's way gives the same values.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import state

Arguments = tuple[tuple[Any, ...], dict[str, Any]]
Example = Callable[[np.random.Generator], Arguments]
EXAMPLES: dict[str, Example] = {}


def example(kata: str) -> Callable[[Example], Example]:
    """Register the decorated function as the example inputs of ``kata`` (``chapterN.function``)."""

    def register(function: Example) -> Example:
        if kata in EXAMPLES:
            raise ValueError(f"{kata} has two examples")
        EXAMPLES[kata] = function
        return function

    return register


def example_for(kata: str, seed: int = 0) -> Arguments:
    """The example inputs of ``kata`` drawn with ``np.random.default_rng(seed)``."""
    if kata not in EXAMPLES:
        raise LookupError(f"{kata} has no example inputs yet (kata/examples.py)")
    return EXAMPLES[kata](np.random.default_rng(seed))


def _labels(rng: np.random.Generator, n: int, k: int = 10) -> NDArray[np.int64]:
    return rng.integers(0, k, size=n)


def _linear_data(rng: np.random.Generator, n: int, d: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inputs ``(n, d)`` and targets ``(n, 1)`` of a noisy linear function."""
    X = rng.normal(size=(n, d))
    y = X @ np.linspace(2.0, -1.0, d).reshape(d, 1) + 0.5 + 0.1 * rng.normal(size=(n, 1))
    return X, y


def _relu(Z: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.maximum(Z, 0)


def _softmax(Z: NDArray[np.float32]) -> NDArray[np.float32]:
    exp = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _one_hot_rows(rng: np.random.Generator, n: int, k: int) -> NDArray[np.float32]:
    return np.eye(k, dtype=np.float32)[_labels(rng, n, k)]


def _layers(rng: np.random.Generator, sizes: tuple[int, ...]) -> list[NDArray[np.float32]]:
    """``[W1, b1, W2, b2, ...]`` for the layer sizes, He-scaled float32, small random biases."""
    params: list[NDArray[np.float32]] = []
    for n_in, n_out in itertools.pairwise(sizes):
        params.append((rng.normal(size=(n_in, n_out)) * math.sqrt(2 / n_in)).astype(np.float32))
        params.append((0.1 * rng.normal(size=(1, n_out))).astype(np.float32))
    return params


def _forward(X: NDArray[np.float32], layers: list[NDArray[np.float32]]) -> list[NDArray[np.float32]]:
    """The activations of a ReLU MLP with a softmax output: ``[A1, ..., A_L]``."""
    activations = []
    A = X
    for index in range(0, len(layers), 2):
        Z = A @ layers[index] + layers[index + 1]
        A = _softmax(Z) if index == len(layers) - 2 else _relu(Z)
        activations.append(A)
    return activations


def _images(rng: np.random.Generator, n: int, side: int = 10, channels: int = 1) -> NDArray[np.float32]:
    return rng.random((n, side, side, channels), dtype=np.float32)


def _output_folder(kata: str) -> str:
    """Where an example that writes files writes them: the state folder, overwritten each time."""
    folder = state.state_dir() / "compare" / kata
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _mse(predictions: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """A trusted loss for the examples that take a loss function."""
    return float(np.mean((predictions - y) ** 2))


def _linear(X: NDArray[np.floating], params: dict[str, NDArray[np.floating]]) -> NDArray[np.floating]:
    """A trusted forward function ``X @ W + b`` for the examples that take one."""
    return X @ params["W"] + params["b"]


# --- Chapter 1 ---------------------------------------------------------------------------


@example("chapter1.normalize")
def _normalize(rng: np.random.Generator) -> Arguments:
    X = rng.normal(5.0, 3.0, size=(64, 5)) * np.array([1.0, 10.0, 0.1, 100.0, 1.0])
    X[:, 4] = 2.5  # a constant column
    return (X,), {}


@example("chapter1.matrix_multiply")
def _matrix_multiply(rng: np.random.Generator) -> Arguments:
    X = rng.normal(size=(64, 32)).astype(np.float32)
    W = rng.normal(size=(32, 16)).astype(np.float32)
    return (X, W), {}


@example("chapter1.matrix_multiply_loops")
def _matrix_multiply_loops(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(8, 6)), rng.normal(size=(6, 4))), {}


@example("chapter1.sigmoid")
def _sigmoid(rng: np.random.Generator) -> Arguments:
    Z = rng.normal(0.0, 5.0, size=(32, 10))
    Z[0, :4] = [-1000.0, 1000.0, 0.0, -40.0]
    return (Z,), {}


@example("chapter1.broadcast_shape")
def _broadcast_shape(rng: np.random.Generator) -> Arguments:
    return ((8, 1, 6), (7, 1)), {}


@example("chapter1.one_hot")
def _one_hot(rng: np.random.Generator) -> Arguments:
    return (_labels(rng, 32), 10), {}


@example("chapter1.select_classes")
def _select_classes(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(50, 4)), _labels(rng, 50), [0, 1]), {}


@example("chapter1.shuffle_together")
def _shuffle_together(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(20, 3)), _labels(rng, 20), np.random.default_rng(1)), {}


@example("chapter1.train_test_split")
def _train_test_split(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(50, 3)), _labels(rng, 50), 0.2, np.random.default_rng(1)), {}


@example("chapter1.scale_train_test")
def _scale_train_test(rng: np.random.Generator) -> Arguments:
    return (rng.normal(3.0, 2.0, size=(40, 3)), rng.normal(3.0, 2.0, size=(10, 3))), {}


@example("chapter1.iterate_minibatches")
def _iterate_minibatches(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(10, 2)), _labels(rng, 10), 4, np.random.default_rng(1)), {}


# --- Chapter 2 ---------------------------------------------------------------------------


@example("chapter2.mse_loss")
def _mse_loss(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(32, 1)), rng.normal(size=(32, 1))), {}


@example("chapter2.binary_cross_entropy")
def _binary_cross_entropy(rng: np.random.Generator) -> Arguments:
    A = rng.random((32, 1))
    A[:2, 0] = [0.0, 1.0]  # certain predictions: the clipping matters
    return (A, rng.integers(0, 2, (32, 1)).astype(np.float64)), {}


@example("chapter2.gradient_descent")
def _gradient_descent(rng: np.random.Generator) -> Arguments:
    X, y = _linear_data(rng, 50, 2)
    return (X, y, np.zeros((2, 1)), np.zeros((1, 1)), 0.1, 50), {}


@example("chapter2.minibatch_gradient_descent")
def _minibatch_gradient_descent(rng: np.random.Generator) -> Arguments:
    X, y = _linear_data(rng, 64, 2)
    return (X, y, np.zeros((2, 1)), np.zeros((1, 1)), 0.05, 5, 10, np.random.default_rng(1)), {}


@example("chapter2.numerical_gradient")
def _numerical_gradient(rng: np.random.Generator) -> Arguments:
    X, y = _linear_data(rng, 8, 3)
    params = {"W": rng.normal(size=(3, 1)), "b": rng.normal(size=(1, 1))}
    return (X, y, params, _mse, _linear), {}


@example("chapter2.relative_error")
def _relative_error(rng: np.random.Generator) -> Arguments:
    analytic = rng.normal(size=(4, 3))
    return (analytic, analytic + 1e-6 * rng.normal(size=(4, 3))), {}


@example("chapter2.one_sided_derivative")
def _one_sided_derivative(rng: np.random.Generator) -> Arguments:
    return (math.exp, 1.0, 1e-3), {}


@example("chapter2.centered_derivative")
def _centered_derivative(rng: np.random.Generator) -> Arguments:
    return (math.exp, 1.0, 1e-3), {}


@example("chapter2.derivative_errors")
def _derivative_errors(rng: np.random.Generator) -> Arguments:
    return (math.sin, math.cos(1.0), 1.0, [1e-1, 1e-2, 1e-3, 1e-4]), {}


@example("chapter2.error_order")
def _error_order(rng: np.random.Generator) -> Arguments:
    steps = [1e-1, 1e-2, 1e-3, 1e-4]
    return (steps, [3.0 * h**2 for h in steps]), {}


@example("chapter2.graph_forward")
def _graph_forward(rng: np.random.Generator) -> Arguments:
    return (5.0, 3.0, 2.0), {}


@example("chapter2.graph_backward")
def _graph_backward(rng: np.random.Generator) -> Arguments:
    return (5.0, 3.0, 2.0), {}


@example("chapter2.mse_hessian")
def _mse_hessian(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(20, 3)),), {}


@example("chapter2.divergence_threshold")
def _divergence_threshold(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(20, 3)),), {}


@example("chapter2.learning_rate_sweep")
def _learning_rate_sweep(rng: np.random.Generator) -> Arguments:
    X, y = _linear_data(rng, 30, 2)
    return (X, y, [0.001, 0.1, 2.0], 200), {}


# --- Chapter 3 ---------------------------------------------------------------------------


@example("chapter3.forward_perceptron")
def _forward_perceptron(rng: np.random.Generator) -> Arguments:
    X = rng.normal(size=(16, 2)).astype(np.float32)
    return (X, rng.normal(size=(2, 1)).astype(np.float32), np.full((1, 1), 0.5, dtype=np.float32)), {}


@example("chapter3.relu")
def _relu_example(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(8, 6)).astype(np.float32),), {}


@example("chapter3.relu_derivative")
def _relu_derivative(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(8, 6)).astype(np.float32),), {}


@example("chapter3.softmax")
def _softmax_example(rng: np.random.Generator) -> Arguments:
    Z = (5 * rng.normal(size=(8, 10))).astype(np.float32)
    Z[0] += 1000.0  # large scores: a stable softmax subtracts the row maximum
    return (Z,), {}


@example("chapter3.forward_mlp")
def _forward_mlp(rng: np.random.Generator) -> Arguments:
    return (rng.random((16, 20), dtype=np.float32), *_layers(rng, (20, 8, 4))), {}


@example("chapter3.cross_entropy")
def _cross_entropy(rng: np.random.Generator) -> Arguments:
    return (_softmax(rng.normal(size=(16, 5)).astype(np.float32)), _one_hot_rows(rng, 16, 5)), {}


@example("chapter3.backward_mlp")
def _backward_mlp(rng: np.random.Generator) -> Arguments:
    X = rng.random((16, 20), dtype=np.float32)
    W1, b1, W2, b2 = _layers(rng, (20, 8, 4))
    A1, A2 = _forward(X, [W1, b1, W2, b2])
    return (X, A1, A2, _one_hot_rows(rng, 16, 4), W1, W2), {}


@example("chapter3.init_mlp")
def _init_mlp(rng: np.random.Generator) -> Arguments:
    return (20, 8, 4, np.random.default_rng(1)), {}


@example("chapter3.train_mlp")
def _train_mlp(rng: np.random.Generator) -> Arguments:
    W1, b1, W2, b2 = _layers(rng, (20, 8, 4))
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    X, X_test = rng.random((64, 20), dtype=np.float32), rng.random((16, 20), dtype=np.float32)
    options = {"lr": 0.1, "num_epochs": 2, "batch_size": 16, "X_test": X_test, "y_test": _one_hot_rows(rng, 16, 4)}
    return (params, X, _one_hot_rows(rng, 64, 4), np.random.default_rng(1)), options


# --- Chapter 4 ---------------------------------------------------------------------------


@example("chapter4.forward_mlp_3layer")
def _forward_mlp_3layer(rng: np.random.Generator) -> Arguments:
    return (rng.random((16, 12), dtype=np.float32), *_layers(rng, (12, 8, 6, 4))), {}


@example("chapter4.backward_mlp_3layer")
def _backward_mlp_3layer(rng: np.random.Generator) -> Arguments:
    X = rng.random((16, 12), dtype=np.float32)
    W1, b1, W2, b2, W3, b3 = _layers(rng, (12, 8, 6, 4))
    A1, A2, A3 = _forward(X, [W1, b1, W2, b2, W3, b3])
    return (X, A1, A2, A3, _one_hot_rows(rng, 16, 4), W1, W2, W3), {}


@example("chapter4.layer_gradient_norms")
def _layer_gradient_norms(rng: np.random.Generator) -> Arguments:
    layers = _layers(rng, (12, 10, 10, 10, 4))
    X = rng.normal(size=(32, 12)).astype(np.float32)
    return (X, _one_hot_rows(rng, 32, 4), layers[0::2], layers[1::2], "sigmoid"), {}


@example("chapter4.he_init")
def _he_init(rng: np.random.Generator) -> Arguments:
    return (64, 32, np.random.default_rng(1)), {}


@example("chapter4.xavier_init")
def _xavier_init(rng: np.random.Generator) -> Arguments:
    return (64, 32, np.random.default_rng(1)), {}


@example("chapter4.init_mlp_3layer")
def _init_mlp_3layer(rng: np.random.Generator) -> Arguments:
    return (12, 8, 6, 4, np.random.default_rng(1)), {}


@example("chapter4.train_mlp_3layer")
def _train_mlp_3layer(rng: np.random.Generator) -> Arguments:
    names = ("W1", "b1", "W2", "b2", "W3", "b3")
    params = dict(zip(names, _layers(rng, (12, 8, 6, 4)), strict=True))
    options = {"lr": 0.1, "num_epochs": 2, "batch_size": 16}
    return (
        params,
        rng.random((64, 12), dtype=np.float32),
        _one_hot_rows(rng, 64, 4),
        np.random.default_rng(1),
    ), options


@example("chapter4.conv2d")
def _conv2d(rng: np.random.Generator) -> Arguments:
    return (rng.random((8, 9)), rng.normal(size=(3, 2))), {"stride": 1}


@example("chapter4.conv_forward")
def _conv_forward(rng: np.random.Generator) -> Arguments:
    K = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)
    return (_images(rng, 4, 8, 2), K, rng.normal(size=4).astype(np.float32)), {}


@example("chapter4.conv_backward")
def _conv_backward(rng: np.random.Generator) -> Arguments:
    K = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)
    return (rng.normal(size=(4, 6, 6, 4)).astype(np.float32), _images(rng, 4, 8, 2), K), {}


@example("chapter4.max_pool")
def _max_pool(rng: np.random.Generator) -> Arguments:
    return (_images(rng, 4, 8, 3),), {}


@example("chapter4.max_pool_backward")
def _max_pool_backward(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(4, 4, 4, 3)).astype(np.float32), _images(rng, 4, 8, 3)), {}


def _cnn_parameters(rng: np.random.Generator, side: int = 10, n_filters: int = 4) -> dict[str, NDArray[np.float32]]:
    pooled = (side - 2) // 2
    return {
        "K": (rng.normal(size=(3, 3, 1, n_filters)) * math.sqrt(2 / 9)).astype(np.float32),
        "bK": (0.1 * rng.normal(size=n_filters)).astype(np.float32),
        "W": (rng.normal(size=(pooled * pooled * n_filters, 10)) * 0.1).astype(np.float32),
        "b": np.zeros((1, 10), dtype=np.float32),
    }


@example("chapter4.init_cnn")
def _init_cnn(rng: np.random.Generator) -> Arguments:
    return (np.random.default_rng(1),), {}


@example("chapter4.forward_cnn")
def _forward_cnn(rng: np.random.Generator) -> Arguments:
    return (_images(rng, 8), _cnn_parameters(rng)), {}


@example("chapter4.backward_cnn")
def _backward_cnn(rng: np.random.Generator) -> Arguments:
    X, params = _images(rng, 8), _cnn_parameters(rng)
    K, bK, W, b = params["K"], params["bK"], params["W"], params["b"]
    windows = np.lib.stride_tricks.sliding_window_view(X[..., 0], (3, 3), axis=(1, 2))  # (N, 8, 8, 3, 3)
    A = _relu(np.einsum("nijab,abf->nijf", windows, K[:, :, 0, :]) + bK)
    P = A.reshape(8, 4, 2, 4, 2, 4).max(axis=(2, 4))
    probs = _softmax(P.reshape(8, -1) @ W + b)
    cache = {"X": X, "A": A, "P": P, "probs": probs}
    return (_one_hot_rows(rng, 8, 10), params, cache), {}


@example("chapter4.train_cnn")
def _train_cnn(rng: np.random.Generator) -> Arguments:
    options = {"lr": 0.05, "num_epochs": 1, "batch_size": 8, "mu": 0.9}
    return (_cnn_parameters(rng), _images(rng, 32), _one_hot_rows(rng, 32, 10), np.random.default_rng(1)), options


@example("chapter4.l2_regularization")
def _l2_regularization(rng: np.random.Generator) -> Arguments:
    return ([rng.normal(size=(6, 4)), rng.normal(size=(4, 3))], 1e-3), {}


@example("chapter4.dropout")
def _dropout(rng: np.random.Generator) -> Arguments:
    return (rng.random((16, 8), dtype=np.float32), 0.8, np.random.default_rng(1)), {"training": True}


@example("chapter4.dropout_backward")
def _dropout_backward(rng: np.random.Generator) -> Arguments:
    mask = (rng.random((16, 8)) < 0.8).astype(np.float32)
    return (rng.normal(size=(16, 8)).astype(np.float32), mask, 0.8), {}


@example("chapter4.regularized_loss_and_gradients")
def _regularized_loss_and_gradients(rng: np.random.Generator) -> Arguments:
    names = ("W1", "b1", "W2", "b2", "W3", "b3")
    params = dict(zip(names, _layers(rng, (12, 8, 6, 4)), strict=True))
    X = rng.random((16, 12), dtype=np.float32)
    return (params, X, _one_hot_rows(rng, 16, 4), np.random.default_rng(1)), {"lambda_": 1e-3, "keep_prob": 0.8}


@example("chapter4.train_mlp_3layer_regularized")
def _train_mlp_3layer_regularized(rng: np.random.Generator) -> Arguments:
    arguments, options = _train_mlp_3layer(rng)
    return arguments, {**options, "lambda_": 1e-3, "keep_prob": 0.8}


@example("chapter4.momentum_update")
def _momentum_update(rng: np.random.Generator) -> Arguments:
    shape = (6, 4)
    return (rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32), 0.9, 0.05), {}


@example("chapter4.accuracy")
def _accuracy(rng: np.random.Generator) -> Arguments:
    return (_softmax(rng.normal(size=(32, 10)).astype(np.float32)), _labels(rng, 32)), {}


@example("chapter4.plot_training_curves")
def _plot_training_curves(rng: np.random.Generator) -> Arguments:
    history = [
        {"loss": 1.0 / epoch, "train_accuracy": 1 - 0.2 / epoch, "test_accuracy": 1 - 0.25 / epoch}
        for epoch in (1, 2, 3)
    ]
    return (history,), {}


@example("chapter4.plot_filters")
def _plot_filters(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(3, 3, 1, 8)).astype(np.float32),), {}


@example("chapter4.run_capstone")
def _run_capstone(rng: np.random.Generator) -> Arguments:
    X_train, X_test = _images(rng, 32), _images(rng, 8)
    args = (X_train, _one_hot_rows(rng, 32, 10), X_test, _one_hot_rows(rng, 8, 10), np.random.default_rng(1))
    options = {"num_epochs": 1, "batch_size": 8}
    return (*args, _output_folder("chapter4.run_capstone")), options


# --- Chapter 5 (column-major: one example per column) --------------------------------------


def _column_parameters(rng: np.random.Generator, dims: list[int]) -> dict[str, NDArray[np.float64]]:
    """``{"W1": (n1, n0), "b1": (n1, 1), ...}``, He-scaled float64."""
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = rng.normal(size=(dims[layer], dims[layer - 1])) * math.sqrt(2 / dims[layer - 1])
        params[f"b{layer}"] = 0.1 * rng.normal(size=(dims[layer], 1))
    return params


def _column_labels(rng: np.random.Generator, m: int) -> NDArray[np.float64]:
    return rng.integers(0, 2, (1, m)).astype(np.float64)


def _logistic(Z: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1 / (1 + np.exp(-Z))


def _column_caches(
    X: NDArray[np.float64], params: dict[str, NDArray[np.float64]]
) -> tuple[NDArray[np.float64], list[Any]]:
    """``(AL, caches)`` of a ReLU network with a sigmoid output, each cache ``((A_prev, W, b), Z)``."""
    caches = []
    A = X
    layers = len(params) // 2
    for layer in range(1, layers + 1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = _logistic(Z) if layer == layers else np.maximum(Z, 0)
    return A, caches


@example("chapter5.propagate")
def _propagate(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(4, 1)), 0.1, rng.normal(size=(4, 20)), _column_labels(rng, 20)), {}


@example("chapter5.propagate_loop")
def _propagate_loop(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(4, 1)), 0.1, rng.normal(size=(4, 12)), _column_labels(rng, 12)), {}


@example("chapter5.optimize")
def _optimize(rng: np.random.Generator) -> Arguments:
    X = rng.normal(size=(4, 20))
    return (np.zeros((4, 1)), 0.0, X, _column_labels(rng, 20)), {"num_iterations": 50, "learning_rate": 0.1}


@example("chapter5.predict_logistic")
def _predict_logistic(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(4, 1)), 0.1, rng.normal(size=(4, 20))), {}


@example("chapter5.make_circles")
def _make_circles(rng: np.random.Generator) -> Arguments:
    return (40, np.random.default_rng(1)), {"noise": 0.1}


@example("chapter5.initialize_parameters")
def _initialize_parameters(rng: np.random.Generator) -> Arguments:
    return (2, 4, 1, np.random.default_rng(1)), {}


@example("chapter5.forward_propagation")
def _forward_propagation(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(2, 20)), _column_parameters(rng, [2, 4, 1])), {}


@example("chapter5.backward_propagation")
def _backward_propagation(rng: np.random.Generator) -> Arguments:
    X, params = rng.normal(size=(2, 20)), _column_parameters(rng, [2, 4, 1])
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": _logistic(Z2)}
    return (X, _column_labels(rng, 20), params, cache), {}


@example("chapter5.nn_model")
def _nn_model(rng: np.random.Generator) -> Arguments:
    X = rng.normal(size=(2, 40))
    return (X, _column_labels(rng, 40), 4, np.random.default_rng(1)), {"num_iterations": 200, "learning_rate": 1.2}


@example("chapter5.predict_shallow")
def _predict_shallow(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(2, 20)), _column_parameters(rng, [2, 4, 1])), {}


@example("chapter5.initialize_parameters_deep")
def _initialize_parameters_deep(rng: np.random.Generator) -> Arguments:
    return ([5, 4, 3, 1], np.random.default_rng(1)), {}


@example("chapter5.linear_forward")
def _linear_forward(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(5, 10)), rng.normal(size=(4, 5)), rng.normal(size=(4, 1))), {}


@example("chapter5.linear_activation_forward")
def _linear_activation_forward(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(5, 10)), rng.normal(size=(4, 5)), rng.normal(size=(4, 1)), "relu"), {}


@example("chapter5.L_model_forward")
def _L_model_forward(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(5, 10)), _column_parameters(rng, [5, 4, 3, 1])), {"output": "sigmoid"}


@example("chapter5.compute_cost")
def _compute_cost(rng: np.random.Generator) -> Arguments:
    return (rng.uniform(0.05, 0.95, (1, 10)), _column_labels(rng, 10)), {"output": "sigmoid"}


@example("chapter5.linear_backward")
def _linear_backward(rng: np.random.Generator) -> Arguments:
    cache = (rng.normal(size=(5, 10)), rng.normal(size=(4, 5)), rng.normal(size=(4, 1)))
    return (rng.normal(size=(4, 10)), cache), {}


@example("chapter5.linear_activation_backward")
def _linear_activation_backward(rng: np.random.Generator) -> Arguments:
    A_prev, W, b = rng.normal(size=(5, 10)), rng.normal(size=(4, 5)), rng.normal(size=(4, 1))
    return (rng.normal(size=(4, 10)), ((A_prev, W, b), W @ A_prev + b), "relu"), {}


@example("chapter5.L_model_backward")
def _L_model_backward(rng: np.random.Generator) -> Arguments:
    AL, caches = _column_caches(rng.normal(size=(5, 10)), _column_parameters(rng, [5, 4, 3, 1]))
    return (AL, _column_labels(rng, 10), caches), {"output": "sigmoid"}


@example("chapter5.update_parameters")
def _update_parameters(rng: np.random.Generator) -> Arguments:
    params = _column_parameters(rng, [5, 4, 1])
    grads = {f"d{name}": rng.normal(size=value.shape) for name, value in params.items()}
    return (params, grads, 0.1), {}


@example("chapter5.predict")
def _predict(rng: np.random.Generator) -> Arguments:
    return (rng.normal(size=(5, 10)), _column_parameters(rng, [5, 4, 3, 1])), {"output": "sigmoid"}


@example("chapter5.L_layer_model")
def _L_layer_model(rng: np.random.Generator) -> Arguments:
    X, Y = rng.normal(size=(5, 32)), _column_labels(rng, 32)
    options = {"learning_rate": 0.1, "num_epochs": 20, "batch_size": 8, "output": "sigmoid"}
    return (X, Y, [5, 4, 1], np.random.default_rng(1)), options


@example("chapter5.dictionary_to_vector")
def _dictionary_to_vector(rng: np.random.Generator) -> Arguments:
    return (_column_parameters(rng, [5, 4, 3, 1]),), {}


@example("chapter5.vector_to_dictionary")
def _vector_to_dictionary(rng: np.random.Generator) -> Arguments:
    dims = [5, 4, 3, 1]
    size = sum(dims[layer] * (dims[layer - 1] + 1) for layer in range(1, len(dims)))
    return (rng.normal(size=(size, 1)), dims), {}


@example("chapter5.gradient_check")
def _gradient_check(rng: np.random.Generator) -> Arguments:
    params = _column_parameters(rng, [5, 4, 1])
    grads = {f"d{name}": rng.normal(size=value.shape) for name, value in params.items()}
    return (params, grads, rng.normal(size=(5, 10)), _column_labels(rng, 10)), {"output": "sigmoid"}


@example("chapter5.parameters_to_row_major")
def _parameters_to_row_major(rng: np.random.Generator) -> Arguments:
    return (_column_parameters(rng, [5, 4, 3, 1]),), {}


@example("chapter5.parameters_to_column_major")
def _parameters_to_column_major(rng: np.random.Generator) -> Arguments:
    return ([rng.normal(size=(5, 4)), rng.normal(size=(1, 4)), rng.normal(size=(4, 1)), rng.normal(size=(1, 1))],), {}
