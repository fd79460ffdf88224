"""The PyTorch rows: the same two networks, batches, starting weights and optimizer, on the CPU.

Imported only when PyTorch is installed and a PyTorch row runs. The networks
are the reference's, layer for layer:

    MLP  Linear(784, 256) - ReLU - Linear(256, 10)
    CNN  Conv2d(1, 8, 3) - ReLU - MaxPool2d(2) - Flatten - Linear(1352, 10)

with ``CrossEntropyLoss`` (softmax and cross-entropy in one) and
``SGD(lr, momentum)``. Batches are gathered from tensors that share the NumPy
arrays' memory (no ``DataLoader``); PyTorch runs ``settings.threads`` threads.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .workloads import (
    EVALUATION_CHUNK,
    IMAGE_SHAPE,
    Data,
    Params,
    Run,
    Settings,
    accuracy_of,
    batch_plan,
    initial_parameters,
    stepwise_run,
)

# Imported by name, so that the type checker neither needs PyTorch installed nor reads all of it.
torch: Any = importlib.import_module("torch")
nn: Any = torch.nn


def mlp_module(params: Params) -> Any:
    """``Linear - ReLU - Linear`` holding the reference MLP's weights (``nn.Linear`` keeps ``W.T``)."""
    W1, b1, W2, b2 = (params[name] for name in ("W1", "b1", "W2", "b2"))
    hidden, output = nn.Linear(*W1.shape), nn.Linear(*W2.shape)
    _assign(hidden, W1.T, b1.ravel())
    _assign(output, W2.T, b2.ravel())
    return nn.Sequential(hidden, nn.ReLU(), output)


def cnn_module(params: Params) -> Any:
    """``Conv2d - ReLU - MaxPool2d - Flatten - Linear`` holding the reference CNN's weights.

    The reference is channels last: its kernels are ``(kh, kw, C_in, C_out)``
    and it flattens the pooled maps in ``(row, column, channel)`` order.
    PyTorch is channels first: ``(C_out, C_in, kh, kw)`` kernels, flattened in
    ``(channel, row, column)`` order, so the dense weights' rows are permuted to match.
    """
    K, bK, W, b = (params[name] for name in ("K", "bK", "W", "b"))
    kh, kw, c_in, c_out = K.shape
    n_features, n_classes = W.shape
    side = round((n_features // c_out) ** 0.5)  # the pooled maps are square: 13 x 13 for MNIST
    conv, dense = nn.Conv2d(c_in, c_out, (kh, kw)), nn.Linear(n_features, n_classes)
    _assign(conv, K.transpose(3, 2, 0, 1), bK)
    dense_weight = W.reshape(side, side, c_out, n_classes).transpose(3, 2, 0, 1).reshape(n_classes, n_features)
    _assign(dense, dense_weight, b.ravel())
    return nn.Sequential(conv, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), dense)


def prepare_torch(network: str, data: Data, settings: Settings) -> Run:
    """``network`` ("mlp" or "cnn") in PyTorch, ready to train step by step as the NumPy rows."""
    torch.set_num_threads(settings.threads)
    params = initial_parameters(network, settings.seed)
    model = mlp_module(params) if network == "mlp" else cnn_module(params)
    images = torch.from_numpy(data.X_train)
    test_images = torch.from_numpy(data.X_test)
    if network == "cnn":
        channels_first = (-1, IMAGE_SHAPE[2], *IMAGE_SHAPE[:2])
        images, test_images = images.reshape(channels_first), test_images.reshape(channels_first)
    labels = torch.from_numpy(data.y_train)
    optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr(network), momentum=settings.momentum)
    loss_function = nn.CrossEntropyLoss()

    def step(batch: Any) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(model(images[batch]), labels[batch])
        loss.backward()
        optimizer.step()

    def evaluate() -> float:
        with torch.inference_mode():
            scores = torch.cat([model(chunk) for chunk in torch.split(test_images, EVALUATION_CHUNK)])
        return accuracy_of(scores.numpy(), data.y_test)

    plan = [[torch.from_numpy(batch) for batch in batches] for batches in batch_plan(len(data.X_train), settings)]
    return stepwise_run(step, plan, settings.warmup_batches, evaluate)


def _assign(layer: Any, weight: NDArray[np.floating], bias: NDArray[np.floating]) -> None:
    """Copy float32 weights and biases into a layer, replacing its random initialization."""
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight, dtype=np.float32)))
        layer.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias, dtype=np.float32)))
