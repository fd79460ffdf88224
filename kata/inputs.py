"""Builders of seeded inputs, shared by the katas' examples, the tests and the benchmark.

Each kata's ``kata compare`` example (its record in
``reference/<chapter>/katas.toml``, see ``kata.records``) is written with
these builders. They are the harness's own trusted code, independent of the
reference: row-major (one sample a row) unless named ``column_*`` (chapter 5:
one sample a column).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = [
    "labels",
    "one_hot",
    "one_hot_rows",
    "images",
    "as_images",
    "assigned",
    "linear_data",
    "mse",
    "linear",
    "he_weights",
    "biases",
    "he_layers",
    "he_parameters",
    "relu",
    "softmax",
    "forward",
    "cnn_parameters",
    "cnn_cache",
    "column_labels",
    "column_circles",
    "column_parameters",
    "column_gradients",
    "logistic",
    "column_caches",
    "shallow_cache",
    "one_blas_thread",
]

MNIST_SHAPE = (28, 28, 1)  # one MNIST image as the CNN takes it: height, width, channels


# --- labels and images ------------------------------------------------------------------


def labels(rng: np.random.Generator, n: int, k: int = 10) -> NDArray[np.int64]:
    """``n`` integer labels drawn uniformly from ``0 .. k-1``."""
    return rng.integers(0, k, size=n)


def one_hot(y: NDArray[np.integer], k: int = 10, dtype: DTypeLike = np.float32) -> NDArray[Any]:
    """Integer labels ``(n,)`` as one-hot rows ``(n, k)``."""
    return np.eye(k, dtype=dtype)[y]


def one_hot_rows(rng: np.random.Generator, n: int, k: int) -> NDArray[np.float32]:
    """``n`` random one-hot rows ``(n, k)``, float32."""
    return one_hot(labels(rng, n, k), k)


def images(rng: np.random.Generator, n: int, side: int = 10, channels: int = 1) -> NDArray[np.float32]:
    """``n`` random images ``(n, side, side, channels)`` in [0, 1), float32."""
    return rng.random((n, side, side, channels), dtype=np.float32)


def as_images(X: NDArray[Any], shape: tuple[int, int, int] = MNIST_SHAPE) -> NDArray[Any]:
    """Flat images ``(n, h * w * c)`` as ``(n, h, w, c)`` (a view): MNIST's 784 pixels as ``(n, 28, 28, 1)``."""
    return X.reshape(-1, *shape)


def assigned(array: NDArray[Any], index: Any, values: Any) -> NDArray[Any]:
    """A copy of ``array`` with ``array[index] = values``: an example's special entries."""
    changed = array.copy()
    changed[index] = values
    return changed


# --- row-major networks (chapters 1-4) ----------------------------------------------------


def linear_data(rng: np.random.Generator, n: int, d: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inputs ``(n, d)`` and targets ``(n, 1)`` of a noisy linear function."""
    X = rng.normal(size=(n, d))
    y = X @ np.linspace(2.0, -1.0, d).reshape(d, 1) + 0.5 + 0.1 * rng.normal(size=(n, 1))
    return X, y


def mse(predictions: NDArray[np.floating], y: NDArray[np.floating]) -> float:
    """The mean squared error: a trusted loss function for the katas that take one."""
    return float(np.mean((predictions - y) ** 2))


def linear(X: NDArray[np.floating], params: dict[str, NDArray[np.floating]]) -> NDArray[np.floating]:
    """``X @ W + b``: a trusted forward function for the katas that take one."""
    return X @ params["W"] + params["b"]


def he_weights(rng: np.random.Generator, n_in: int, n_out: int, dtype: DTypeLike = np.float32) -> NDArray[Any]:
    """Weights ``(n_in, n_out)`` drawn from a normal distribution of variance ``2 / n_in`` (He)."""
    return (rng.normal(size=(n_in, n_out)) * math.sqrt(2 / n_in)).astype(dtype)


def biases(rng: np.random.Generator, n_out: int, dtype: DTypeLike = np.float32, scale: float = 0.1) -> NDArray[Any]:
    """Biases ``(1, n_out)``: normal times ``scale`` (0: zeros, nothing drawn)."""
    return (scale * rng.normal(size=(1, n_out)) if scale else np.zeros((1, n_out))).astype(dtype)


def he_layers(
    rng: np.random.Generator, sizes: Sequence[int], dtype: DTypeLike = np.float32, bias_scale: float = 0.1
) -> list[NDArray[Any]]:
    """``[W1, b1, W2, b2, ...]`` for the layer sizes: He-scaled weights, normal biases times ``bias_scale``
    (0: zeros, not drawn)."""
    layers: list[NDArray[Any]] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [he_weights(rng, n_in, n_out, dtype), biases(rng, n_out, dtype, bias_scale)]
    return layers


def he_parameters(
    rng: np.random.Generator, sizes: Sequence[int], dtype: DTypeLike = np.float32, bias_scale: float = 0.1
) -> dict[str, NDArray[Any]]:
    """``he_layers`` as the dict ``{"W1": ..., "b1": ..., ...}`` the training loops take."""
    layers = he_layers(rng, sizes, dtype, bias_scale)
    return {f"{'Wb'[index % 2]}{index // 2 + 1}": layer for index, layer in enumerate(layers)}


def relu(Z: NDArray[Any]) -> NDArray[Any]:
    """``max(Z, 0)``."""
    return np.maximum(Z, 0)


def softmax(Z: NDArray[Any]) -> NDArray[Any]:
    """The softmax of each row, stable (the row maximum subtracted)."""
    exp = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def forward(X: NDArray[Any], layers: Sequence[NDArray[Any]]) -> list[NDArray[Any]]:
    """The activations ``[A1, ..., A_L]`` of a ReLU MLP with a softmax output, layers ``[W1, b1, ...]``."""
    activations = []
    A = X
    for index in range(0, len(layers), 2):
        Z = A @ layers[index] + layers[index + 1]
        A = softmax(Z) if index == len(layers) - 2 else relu(Z)
        activations.append(A)
    return activations


def cnn_parameters(rng: np.random.Generator, side: int = 10, n_filters: int = 4) -> dict[str, NDArray[np.float32]]:
    """``{"K", "bK", "W", "b"}`` of the small CNN on ``(side, side, 1)`` images: 3x3 filters, 2x2 pool, 10 classes."""
    pooled = (side - 2) // 2
    return {
        "K": (rng.normal(size=(3, 3, 1, n_filters)) * math.sqrt(2 / 9)).astype(np.float32),
        "bK": (0.1 * rng.normal(size=n_filters)).astype(np.float32),
        "W": (rng.normal(size=(pooled * pooled * n_filters, 10)) * 0.1).astype(np.float32),
        "b": np.zeros((1, 10), dtype=np.float32),
    }


def cnn_cache(X: NDArray[np.float32], params: dict[str, NDArray[np.float32]]) -> dict[str, NDArray[np.float32]]:
    """The small CNN's forward cache ``{"X", "A", "P", "probs"}``: valid convolution, ReLU, 2x2 max pool, softmax."""
    K = params["K"]
    windows = np.lib.stride_tricks.sliding_window_view(X[..., 0], K.shape[:2], axis=(1, 2))  # (n, h, w, kh, kw)
    A = relu(np.einsum("nijab,abf->nijf", windows, K[:, :, 0, :]) + params["bK"])
    n, h, w, f = A.shape
    P = A.reshape(n, h // 2, 2, w // 2, 2, f).max(axis=(2, 4))
    probs = softmax(P.reshape(n, -1) @ params["W"] + params["b"])
    return {"X": X, "A": A, "P": P, "probs": probs}


# --- column-major networks (chapter 5) ----------------------------------------------------


def column_labels(rng: np.random.Generator, m: int) -> NDArray[np.float64]:
    """``m`` random binary labels as one row ``(1, m)``, float64."""
    return rng.integers(0, 2, (1, m)).astype(np.float64)


def column_circles(
    rng: np.random.Generator, m: int, noise: float = 0.1
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Two noisy concentric circles ``X (2, m)``, ``Y (1, m)``: radius 1 label 0, radius 0.5 label 1, float64."""
    Y = (np.arange(m) >= m - m // 2).astype(np.float64).reshape(1, m)
    angle = rng.uniform(0, 2 * np.pi, m)
    X = np.where(Y == 1, 0.5, 1.0) * np.stack([np.cos(angle), np.sin(angle)]) + rng.normal(0, noise, (2, m))
    return X, Y


def column_parameters(rng: np.random.Generator, dims: Sequence[int]) -> dict[str, NDArray[np.float64]]:
    """``{"W1": (n1, n0), "b1": (n1, 1), ...}``: He-scaled weights, biases 0.1 * normal, float64."""
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = rng.normal(size=(dims[layer], dims[layer - 1])) * math.sqrt(2 / dims[layer - 1])
        params[f"b{layer}"] = 0.1 * rng.normal(size=(dims[layer], 1))
    return params


def column_gradients(
    rng: np.random.Generator, params: dict[str, NDArray[np.float64]]
) -> dict[str, NDArray[np.float64]]:
    """Random gradients ``{"dW1": ..., "db1": ...}`` of the shapes of ``params``."""
    return {f"d{name}": rng.normal(size=value.shape) for name, value in params.items()}


def logistic(Z: NDArray[Any]) -> NDArray[Any]:
    """The sigmoid ``1 / (1 + exp(-Z))``."""
    return 1 / (1 + np.exp(-Z))


def column_caches(
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
        A = logistic(Z) if layer == layers else relu(Z)
    return A, caches


def shallow_cache(X: NDArray[np.float64], params: dict[str, NDArray[np.float64]]) -> dict[str, NDArray[np.float64]]:
    """The forward cache ``{"Z1", "A1", "Z2", "A2"}`` of the tanh / sigmoid network of 5.2."""
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": logistic(Z2)}


# --- timing ---------------------------------------------------------------------------------


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """NumPy's BLAS on one thread meanwhile: on a busy machine its threads make a call's time swing a thousandfold."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

    with threadpool_limits(limits=1, user_api="blas"):
        yield
