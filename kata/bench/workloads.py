"""What is timed: one training loop, run by each framework on the same batches.

Every row trains one network on MNIST for ``epochs`` epochs with mini-batch
SGD with momentum, float32 throughout, and reports each epoch's wall time and
the test accuracy at the end. The loop is the same for every framework:

* the batch order comes from one seeded generator, so the NumPy and PyTorch
  rows see the same batches in the same order (scikit-learn shuffles with its
  own generator: the same work in another order);
* a few training steps on the first batches warm the code up (first calls
  allocate buffers and pick kernels), untimed;
* each epoch is timed from its first batch to its last, the batch gathers
  (``X[indices]``) included; evaluating the test set is not timed;
* the NumPy and PyTorch rows start from the same weights, the reference's
  ``init_mlp`` and ``init_cnn``; scikit-learn draws its own (Glorot-uniform).

A step is forward, loss, backward, and the momentum update
``v <- mu v - lr grad; W <- W + v`` of every parameter (PyTorch's
``SGD(momentum=mu)`` is the same update written ``b <- mu b + grad;
W <- W - lr b``).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from .. import inputs

Params = dict[str, NDArray[np.floating]]
Batch = TypeVar("Batch")

NETWORKS = {
    "mlp": "784-256-10 MLP",
    "cnn": "CNN conv 8x3x3, pool 2x2, dense",
}
FRAMEWORKS = {
    "numpy": "reference (NumPy)",
    "sklearn": "scikit-learn MLPClassifier",
    "torch": "PyTorch (CPU)",
}
MLP_SIZES = (784, 256, 10)
IMAGE_SHAPE = inputs.MNIST_SHAPE
EVALUATION_CHUNK = 1000
BATCH_STREAM, WEIGHT_STREAM = 0, 1  # one seed, two independent streams of random numbers


class Row(NamedTuple):
    """One line of the table: a network trained by a framework."""

    network: str
    framework: str

    @property
    def name(self) -> str:
        return f"{self.network}-{self.framework}"


ROWS = (Row("mlp", "numpy"), Row("mlp", "sklearn"), Row("mlp", "torch"), Row("cnn", "numpy"), Row("cnn", "torch"))
REFERENCE_FRAMEWORK = "numpy"


@dataclass(frozen=True)
class Settings:
    """The training settings every row shares."""

    epochs: int = 5
    batch_size: int = 64
    warmup_batches: int = 5
    momentum: float = 0.9
    mlp_lr: float = 0.05
    cnn_lr: float = 0.02
    seed: int = 0
    impl: str = "reference"  # the tree whose katas the NumPy rows run
    threads: int = 1  # BLAS threads for NumPy and scikit-learn, and torch.set_num_threads

    def lr(self, network: str) -> float:
        return self.mlp_lr if network == "mlp" else self.cnn_lr

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Data(NamedTuple):
    """MNIST as the rows use it: flat float32 images in [0, 1] and int64 labels."""

    X_train: NDArray[np.float32]
    y_train: NDArray[np.int64]
    X_test: NDArray[np.float32]
    y_test: NDArray[np.int64]


@dataclass(frozen=True)
class Run:
    """A row ready to go, everything built: ``warm_up()`` runs the untimed warm-up steps,
    ``epoch(e)`` trains epoch ``e`` of the batch plan and returns its seconds, and
    ``evaluate()`` gives the test accuracy of the network trained so far."""

    warm_up: Callable[[], None]
    epoch: Callable[[int], float]
    evaluate: Callable[[], float]


@dataclass(frozen=True)
class Trained:
    """What a row measured: each timed epoch's seconds and the final test accuracy."""

    epoch_seconds: list[float]
    test_accuracy: float


def batch_plan(n_samples: int, settings: Settings) -> list[list[NDArray[np.int64]]]:
    """Every epoch's batches of sample indices, from a generator seeded with ``settings.seed``.

    Epoch ``e`` is a fresh permutation cut into batches of ``batch_size``; the
    last batch of an epoch may be smaller.
    """
    rng = np.random.default_rng([settings.seed, BATCH_STREAM])
    plan = []
    for _ in range(settings.epochs):
        order = rng.permutation(n_samples)
        plan.append([order[start : start + settings.batch_size] for start in range(0, n_samples, settings.batch_size)])
    return plan


def stepwise_run(
    step: Callable[[Batch], None], plan: Sequence[Sequence[Batch]], warmup_batches: int, evaluate: Callable[[], float]
) -> Run:
    """A ``Run`` that calls ``step`` on each batch: first on the first ``warmup_batches``
    batches, untimed, then on every batch of an epoch, timed together."""

    def warm_up() -> None:
        for batch in plan[0][:warmup_batches]:
            step(batch)

    def epoch(number: int) -> float:
        start = time.perf_counter()
        for batch in plan[number]:
            step(batch)
        return time.perf_counter() - start

    return Run(warm_up, epoch, evaluate)


def accuracy_of(scores: NDArray[np.floating], labels: NDArray[np.integer]) -> float:
    """The fraction of rows whose highest score is at the true label."""
    return float(np.mean(scores.argmax(axis=1) == labels))


def require_float32(*arrays: Params) -> None:
    """Fail if training turned a parameter or a velocity into another dtype (float32 end to end)."""
    for named in arrays:
        for name, array in named.items():
            if array.dtype != np.float32:
                raise RuntimeError(f"{name} became {array.dtype} during training; it should stay float32")


def initial_parameters(network: str, seed: int) -> Params:
    """The starting weights of the NumPy and PyTorch rows: the reference's own initialization."""
    rng = np.random.default_rng([seed, WEIGHT_STREAM])
    if network == "mlp":
        from reference.chapter3 import init_mlp

        return init_mlp(*MLP_SIZES, rng, dtype=np.float32)
    from reference.chapter4 import init_cnn

    return init_cnn(rng, dtype=np.float32, image_shape=IMAGE_SHAPE)


def prepare_numpy_mlp(data: Data, settings: Settings) -> Run:
    """The 784-256-10 MLP built from the katas of ``settings.impl`` (chapter 3, and chapter 4's momentum)."""
    chapter3 = importlib.import_module(f"{settings.impl}.chapter3")
    chapter4 = importlib.import_module(f"{settings.impl}.chapter4")
    forward_mlp, backward_mlp, cross_entropy = chapter3.forward_mlp, chapter3.backward_mlp, chapter3.cross_entropy
    momentum_update = chapter4.momentum_update
    params = initial_parameters("mlp", settings.seed)
    names = ("W1", "b1", "W2", "b2")
    velocity = {name: np.zeros_like(params[name]) for name in names}
    one_hot = inputs.one_hot(data.y_train, MLP_SIZES[-1])
    lr, mu = settings.mlp_lr, settings.momentum

    def step(batch: NDArray[np.int64]) -> None:
        X, y = data.X_train[batch], one_hot[batch]
        A1, A2 = forward_mlp(X, params["W1"], params["b1"], params["W2"], params["b2"])
        cross_entropy(A2, y)
        grads = backward_mlp(X, A1, A2, y, params["W1"], params["W2"])
        for name, grad in zip(names, grads, strict=True):
            velocity[name] = momentum_update(velocity[name], grad, mu, lr)
            params[name] += velocity[name]

    def evaluate() -> float:
        require_float32(params, velocity)
        _, scores = forward_mlp(data.X_test, params["W1"], params["b1"], params["W2"], params["b2"])
        return accuracy_of(scores, data.y_test)

    return stepwise_run(step, batch_plan(len(data.X_train), settings), settings.warmup_batches, evaluate)


def prepare_numpy_cnn(data: Data, settings: Settings) -> Run:
    """The chapter 4 CNN built from the katas of ``settings.impl``."""
    step, evaluate = numpy_cnn_step(data, settings)
    return stepwise_run(step, batch_plan(len(data.X_train), settings), settings.warmup_batches, evaluate)


def numpy_cnn_step(data: Data, settings: Settings) -> tuple[Callable[[NDArray[np.int64]], None], Callable[[], float]]:
    """The NumPy CNN's training step on a batch of indices, and its test-set accuracy."""
    chapter3 = importlib.import_module(f"{settings.impl}.chapter3")
    chapter4 = importlib.import_module(f"{settings.impl}.chapter4")
    forward_cnn, backward_cnn = chapter4.forward_cnn, chapter4.backward_cnn
    cross_entropy, momentum_update = chapter3.cross_entropy, chapter4.momentum_update
    params = initial_parameters("cnn", settings.seed)
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    images, test_images = inputs.as_images(data.X_train), inputs.as_images(data.X_test)
    one_hot = inputs.one_hot(data.y_train)
    lr, mu = settings.cnn_lr, settings.momentum

    def step(batch: NDArray[np.int64]) -> None:
        X, y = images[batch], one_hot[batch]
        probs, cache = forward_cnn(X, params)
        cross_entropy(probs, y)
        grads = backward_cnn(y, params, cache)
        for name in params:
            velocity[name] = momentum_update(velocity[name], grads[name], mu, lr)
            params[name] += velocity[name]

    def evaluate() -> float:
        require_float32(params, velocity)
        chunks = range(0, len(test_images), EVALUATION_CHUNK)
        scores = [forward_cnn(test_images[start : start + EVALUATION_CHUNK], params)[0] for start in chunks]
        return accuracy_of(np.concatenate(scores), data.y_test)

    return step, evaluate


def prepare_sklearn_mlp(data: Data, settings: Settings) -> Run:
    """scikit-learn's ``MLPClassifier`` with the same architecture, batch size and optimizer.

    ``partial_fit`` makes one pass over the training set in batches of
    ``batch_size``, shuffled with its own generator (seeded with
    ``settings.seed``): the same work as the other rows, in another order.
    ``alpha=0`` turns its L2 penalty off. It keeps float32 input in float32.
    The warm-up is a first ``partial_fit`` on the first warm-up batches'
    samples, which also draws its initial weights (its own Glorot-uniform).
    """
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=MLP_SIZES[1:-1],
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=settings.batch_size,
        learning_rate="constant",
        learning_rate_init=settings.mlp_lr,
        momentum=settings.momentum,
        nesterovs_momentum=False,
        shuffle=True,
        random_state=settings.seed,
    )

    def warm_up() -> None:
        first = np.concatenate(batch_plan(len(data.X_train), settings)[0][: settings.warmup_batches])
        model.partial_fit(data.X_train[first], data.y_train[first], classes=np.arange(MLP_SIZES[-1]))
        if model.coefs_[0].dtype != np.float32:
            raise RuntimeError(f"scikit-learn trains in {model.coefs_[0].dtype}, not float32")

    def epoch(number: int) -> float:
        start = time.perf_counter()
        model.partial_fit(data.X_train, data.y_train)
        return time.perf_counter() - start

    return Run(warm_up, epoch, lambda: accuracy_of(model.predict_proba(data.X_test), data.y_test))


def prepare(row: Row, data: Data, settings: Settings) -> Run:
    """Build ``row``'s network with ``row``'s framework, ready to train (PyTorch is imported only for its rows)."""
    if row.framework == "torch":
        from . import torch_workloads

        return torch_workloads.prepare_torch(row.network, data, settings)
    preparers = {
        ("mlp", "numpy"): prepare_numpy_mlp,
        ("mlp", "sklearn"): prepare_sklearn_mlp,
        ("cnn", "numpy"): prepare_numpy_cnn,
    }
    return preparers[row.network, row.framework](data, settings)
