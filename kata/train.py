"""``kata train``: train a network built from one tree's katas, and draw what it learned.

The loop is the harness's own: float32 mini-batches shuffled with a seeded
``rng``, SGD with momentum 0.9, the learning rate falling linearly from
``--lr`` to a tenth of it over the epochs of one command. Everything it
computes with is a kata of the chosen tree (``exercises`` by default: the
learner's code):

    mlp       784-256-10     chapter 3: init_mlp, forward_mlp, backward_mlp, cross_entropy
    deep-mlp  784-256-128-10 chapter 4: init_mlp_3layer, forward_mlp_3layer, backward_mlp_3layer
    cnn       conv 8x3x3, ReLU, max-pool 2x2, dense   chapter 4: init_cnn, forward_cnn, backward_cnn

plus chapter 3's ``cross_entropy`` for every network, and chapter 4's
``momentum_update`` and ``accuracy`` for the chapter 4 networks: the ``mlp``
needs nothing beyond chapter 3 (its momentum step and accuracy are the
harness's own). Before the first epoch each of them runs once on two images,
so a kata that is still a stub stops the run at once.

Every option is checked before anything is loaded or printed, and a value
the user gave is used as given (``--lr 0`` is refused, not replaced by the
default). NumPy's BLAS runs on one thread, as in the tests (``--threads``):
on a busy machine more threads slow training down many times over.

A run folder ``runs/<net>-<dataset>-<timestamp>/`` receives, after every
epoch: ``metrics.json`` (settings, per-epoch figures, the loss and accuracy
curves, the confusion matrix, the generator's state), ``params.npz`` (the
parameters) and ``momentum.npz`` (the velocities), and the pictures
``loss.png``, ``accuracy.png``, ``confusion.png`` and ``filters.png`` (CNN)
or ``weights.png`` (MLPs). ``--resume`` continues a run from its folder.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray
from tqdm import tqdm

from . import data
from .runs import RUNS, check_runs_folder, unused_run_folder
from .trees import PROJECT_ROOT, Implementation, find_kata, stub_reached

Params = dict[str, NDArray[np.floating]]
CHAPTER4_OPTIMIZER = ("chapter4.momentum_update", "chapter4.accuracy")
EVALUATION_BATCH = 1000
POINTS_PER_EPOCH = 50  # points of the running loss and accuracy curves per epoch
LR_END = 0.1  # the learning rate falls linearly to this fraction of --lr over a command's epochs


class TrainingError(Exception):
    """The learner's code cannot train yet (a stub, an exception, a wrong shape, a diverging loss)."""


@dataclass(frozen=True)
class Network:
    """How a network is made from a tree's katas, and its default training settings."""

    name: str
    title: str
    flat: bool  # rows of 784 pixels, or (28, 28, 1) images
    katas: tuple[str, ...]  # every kata the loop calls, in course order
    init: Callable[[Implementation, np.random.Generator], Params]
    forward: Callable[[Implementation, NDArray[np.float32], Params], NDArray[np.floating]]
    gradients: Callable[[Implementation, NDArray[np.float32], NDArray[np.float32], Params], tuple[Any, Params]]
    lr: float
    batch_size: int
    optimizer: tuple[str, ...] = ()  # the learner's momentum step and accuracy, else the harness's

    @property
    def every_kata(self) -> tuple[str, ...]:
        return (*self.katas, *self.optimizer)

    def kata_for(self, word: str) -> str:
        """The kata of this network whose name contains ``word`` (``"backward"``, ``"init"``)."""
        return next(name for name in self.katas if word in name.split(".")[1])


def _mlp_forward(impl: Implementation, X: NDArray[np.float32], p: Params) -> NDArray[np.floating]:
    return impl.chapter3.forward_mlp(X, p["W1"], p["b1"], p["W2"], p["b2"])[-1]


def _mlp_gradients(
    impl: Implementation, X: NDArray[np.float32], Y: NDArray[np.float32], p: Params
) -> tuple[Any, Params]:
    A1, A2 = impl.chapter3.forward_mlp(X, p["W1"], p["b1"], p["W2"], p["b2"])
    grads = impl.chapter3.backward_mlp(X, A1, A2, Y, p["W1"], p["W2"])
    return A2, dict(zip(("W1", "b1", "W2", "b2"), grads, strict=True))


def _deep_forward(impl: Implementation, X: NDArray[np.float32], p: Params) -> NDArray[np.floating]:
    return impl.chapter4.forward_mlp_3layer(X, p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"])[-1]


def _deep_gradients(
    impl: Implementation, X: NDArray[np.float32], Y: NDArray[np.float32], p: Params
) -> tuple[Any, Params]:
    A1, A2, A3 = impl.chapter4.forward_mlp_3layer(X, p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"])
    grads = impl.chapter4.backward_mlp_3layer(X, A1, A2, A3, Y, p["W1"], p["W2"], p["W3"])
    return A3, dict(zip(("W1", "b1", "W2", "b2", "W3", "b3"), grads, strict=True))


def _cnn_gradients(
    impl: Implementation, X: NDArray[np.float32], Y: NDArray[np.float32], p: Params
) -> tuple[Any, Params]:
    probs, cache = impl.chapter4.forward_cnn(X, p)
    return probs, impl.chapter4.backward_cnn(Y, p, cache)


NETWORKS = {
    network.name: network
    for network in (
        Network(
            "mlp", "2-layer MLP 784-256-10", True,
            ("chapter3.init_mlp", "chapter3.forward_mlp", "chapter3.cross_entropy", "chapter3.backward_mlp"),
            lambda impl, rng: impl.chapter3.init_mlp(784, 256, 10, rng, np.float32),
            _mlp_forward, _mlp_gradients, lr=0.1, batch_size=64,
        ),
        Network(
            "deep-mlp", "3-layer MLP 784-256-128-10", True,
            ("chapter3.cross_entropy", "chapter4.forward_mlp_3layer", "chapter4.backward_mlp_3layer",
             "chapter4.init_mlp_3layer"),
            lambda impl, rng: impl.chapter4.init_mlp_3layer(784, 256, 128, 10, rng, np.float32),
            _deep_forward, _deep_gradients, lr=0.1, batch_size=64, optimizer=CHAPTER4_OPTIMIZER,
        ),
        Network(
            "cnn", "CNN conv 8x3x3 - ReLU - max-pool 2x2 - dense 1352-10", False,
            ("chapter3.cross_entropy", "chapter4.init_cnn", "chapter4.forward_cnn", "chapter4.backward_cnn"),
            lambda impl, rng: impl.chapter4.init_cnn(rng, dtype=np.float32),
            lambda impl, X, p: impl.chapter4.forward_cnn(X, p)[0],
            _cnn_gradients, lr=0.05, batch_size=32, optimizer=CHAPTER4_OPTIMIZER,
        ),
    )
}  # fmt: skip


@dataclass
class Config:
    """The settings of a run (stored in its metrics.json, reused by ``--resume``)."""

    net: str
    impl: str = "exercises"
    dataset: str = "mnist"
    seed: int = 0
    lr: float | None = None  # None: the network's default
    momentum: float = 0.9
    batch_size: int | None = None  # None: the network's default
    limit: int | None = None  # train on the first `limit` images of each split

    def __post_init__(self) -> None:
        if self.net not in NETWORKS:
            raise ValueError(f"no network {self.net!r}; choose one of {', '.join(NETWORKS)}")
        if self.dataset not in data.DATASETS:
            raise ValueError(f"no dataset {self.dataset!r}; choose one of {', '.join(data.DATASETS)}")
        if self.impl not in ("exercises", "reference"):
            raise ValueError(f"--impl must be exercises or reference; got {self.impl!r}")
        network = NETWORKS[self.net]
        self.lr = network.lr if self.lr is None else self.lr
        self.batch_size = network.batch_size if self.batch_size is None else self.batch_size
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"--lr must be a positive number; got {self.lr}")
        if not 0 <= self.momentum < 1:  # also refuses nan
            raise ValueError(f"--momentum must be in [0, 1); got {self.momentum}")
        if self.batch_size < 1:
            raise ValueError(f"--batch-size must be at least 1; got {self.batch_size}")
        if self.seed < 0:
            raise ValueError(f"--seed must be 0 or more; got {self.seed}")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"--limit must be at least 1; got {self.limit}")

    @property
    def learning_rate(self) -> float:
        """``lr``, resolved to the network's default."""
        return NETWORKS[self.net].lr if self.lr is None else self.lr

    @property
    def batch(self) -> int:
        """``batch_size``, resolved to the network's default."""
        return NETWORKS[self.net].batch_size if self.batch_size is None else self.batch_size


@dataclass
class Run:
    """A run folder and everything in it: settings, parameters, velocities, history."""

    folder: Path
    config: Config
    params: Params
    velocities: Params
    rng: np.random.Generator
    epochs: list[dict[str, float]] = field(default_factory=list)
    steps: dict[str, list[float]] = field(default_factory=lambda: {"epoch": [], "loss": [], "accuracy": []})
    confusion: list[list[int]] = field(default_factory=list)

    @property
    def network(self) -> Network:
        return NETWORKS[self.config.net]

    @property
    def impl(self) -> Implementation:
        return Implementation(self.config.impl)


def new_run(config: Config, runs: Path = RUNS) -> Run:
    """A fresh run: parameters from the tree's init kata, zero velocities, an empty history."""
    impl, network = Implementation(config.impl), NETWORKS[config.net]
    rng = np.random.default_rng(config.seed)
    params = _learner_call(network.katas, lambda: network.init(impl, rng))
    folder = unused_run_folder(runs, f"{config.net}-{config.dataset}")
    velocities = {name: np.zeros_like(value) for name, value in params.items()}
    return Run(folder, config, params, velocities, rng)


def load_run(folder: Path) -> Run:
    """A run saved in ``folder``, ready to continue."""
    missing = [name for name in ("metrics.json", "params.npz", "momentum.npz") if not (folder / name).is_file()]
    if missing:
        raise ValueError(f"{folder} is not a run folder to resume: it has no {', '.join(missing)}")
    metrics = json.loads((folder / "metrics.json").read_text())
    rng = np.random.default_rng()
    rng.bit_generator.state = metrics["rng_state"]
    with np.load(folder / "params.npz", allow_pickle=False) as saved:
        params = {name: saved[name] for name in saved.files}
    with np.load(folder / "momentum.npz", allow_pickle=False) as saved:
        velocities = {name: saved[name] for name in saved.files}
    return Run(folder, Config(**metrics["config"]), params, velocities, rng, metrics["epochs"], metrics["steps"],
               metrics["confusion_matrix"])  # fmt: skip


def latest_run(net: str, runs: Path = RUNS) -> Path:
    """The run folder of ``net`` under ``runs`` that was saved last."""
    found = [path for path in runs.glob(f"{net}-*") if (path / "metrics.json").is_file()]
    if not found:
        raise ValueError(f"no run of {net} to resume in {runs}; start one with kata train {net}")
    return max(found, key=lambda path: (path / "metrics.json").stat().st_mtime_ns)


def check_machine_options(folder: Path, threads: int) -> None:
    """The options about this machine, checked before anything is loaded: the run folder (or the
    folder of run folders) can be written, and ``threads`` is a thread count."""
    if threads < 0:
        raise ValueError(f"--threads must be 0 (BLAS's own choice) or more; got {threads}")
    check_runs_folder(folder)


def pin_blas_threads(threads: int) -> None:
    """Limit NumPy's BLAS to ``threads`` threads for the rest of this process (0: leave it as it is)."""
    if threads:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

        threadpool_limits(limits=threads, user_api="blas")


def load_data(config: Config) -> data.Dataset:
    """The dataset as the network wants it: flat rows or (28, 28, 1) images, int64 labels."""
    limit = config.limit
    return data.load_idx_dataset(
        config.dataset, flat=NETWORKS[config.net].flat, n_train=limit and min(limit, 60_000),
        n_test=limit and min(limit, 10_000), progress=True,
    )  # fmt: skip


def check_katas(run: Run, X: NDArray[np.float32], y: NDArray[np.int64]) -> None:
    """One training step on two images with every kata the loop needs; raise ``TrainingError``
    naming the first stub reached or what is wrong with a result."""
    impl, network, config = run.impl, run.network, run.config
    katas = network.every_kata
    X2, y2 = X[:2], y[:2]
    Y2 = np.eye(10, dtype=np.float32)[y2]
    params = _learner_call(katas, lambda: network.init(impl, np.random.default_rng(0)))
    _require(isinstance(params, dict), f"{network.kata_for('init')} must return a dict of parameters")
    probs, grads = _learner_call(katas, lambda: network.gradients(impl, X2, Y2, params))
    _require(
        np.shape(probs) == (2, 10), f"the forward pass must give probabilities of shape (2, 10); got {np.shape(probs)}"
    )
    _require(set(grads) == set(params), f"the gradients have the keys {sorted(grads)}, the parameters {sorted(params)}")
    for name, value in params.items():
        _require(np.shape(grads[name]) == np.shape(value),
                 f"the gradient of {name} has shape {np.shape(grads[name])}, {name} has {np.shape(value)}")  # fmt: skip
    some = next(iter(params))
    _learner_call(katas, lambda: impl.chapter3.cross_entropy(probs, Y2))
    _learner_call(katas, lambda: momentum_step(run, 0 * params[some], grads[some], config.learning_rate))
    _learner_call(katas, lambda: accuracy(run, probs, y2))


def momentum_step(run: Run, velocity: NDArray[np.floating], grad: NDArray[np.floating], lr: float) -> Any:
    """The new velocity ``mu * v - lr * grad``: chapter 4's ``momentum_update`` for a network of
    chapter 4, the harness's own for the chapter 3 MLP."""
    if run.network.optimizer:
        return run.impl.chapter4.momentum_update(velocity, grad, run.config.momentum, lr)
    return run.config.momentum * velocity - lr * grad


def accuracy(run: Run, probs: NDArray[np.floating], y: NDArray[np.int64]) -> float:
    """The fraction of rows of ``probs`` whose largest entry is at the label: chapter 4's
    ``accuracy`` for a network of chapter 4, the harness's own for the chapter 3 MLP."""
    if run.network.optimizer:
        return float(run.impl.chapter4.accuracy(probs, y))
    return float(np.mean(np.argmax(probs, axis=1) == y))


def train(
    run: Run,
    dataset: data.Dataset,
    epochs: int,
    *,
    progress: bool = True,
    report: Callable[[str], None] = print,
) -> Run:
    """Train ``run`` for ``epochs`` more epochs on ``dataset``, saving the folder after each one.

    The learning rate falls linearly from ``config.lr`` to ``LR_END * config.lr``
    over the batches of these epochs: big steps first, then small ones that
    settle into a minimum instead of bouncing around it.
    """
    X = np.asarray(dataset.X_train, dtype=np.float32)
    y, y_test = np.asarray(dataset.y_train, dtype=np.int64), np.asarray(dataset.y_test, dtype=np.int64)
    n_batches = math.ceil(len(X) / run.config.batch)
    rates = run.config.learning_rate * np.linspace(1.0, LR_END, epochs * n_batches)
    first = len(run.epochs) + 1
    for offset, epoch in enumerate(range(first, first + epochs)):
        start_time = time.perf_counter()
        bar = tqdm(total=n_batches, desc=f"epoch {epoch}/{first + epochs - 1}", unit="batch", leave=False,
                   disable=not progress, dynamic_ncols=True)  # fmt: skip
        with bar:
            loss, train_accuracy = _train_epoch(run, X, y, epoch, rates[offset * n_batches :], bar)
        probs_test = predict(run, dataset.X_test)
        from . import plots  # here, not at the top: matplotlib is for the commands that draw

        run.confusion = plots.confusion_matrix(y_test, probs_test.argmax(axis=1), 10).tolist()
        record = {
            "epoch": epoch,
            "loss": loss,
            "train_accuracy": train_accuracy,
            "test_accuracy": accuracy(run, probs_test, y_test),
            "seconds": time.perf_counter() - start_time,
        }
        run.epochs.append(record)
        try:
            save(run, dataset.X_test)
        except OSError as error:
            run.epochs.pop()
            raise TrainingError(
                f"cannot save epoch {epoch} in {run.folder} ({error.strerror or type(error).__name__}); "
                "free some space or start again with --runs FOLDER elsewhere"
            ) from None
        report(
            f"epoch {epoch}  loss {loss:.4f}  train {100 * train_accuracy:.2f} %  "
            f"test {100 * record['test_accuracy']:.2f} %  {record['seconds']:.1f} s"
        )
    return run


def _train_epoch(
    run: Run, X: NDArray[np.float32], y: NDArray[np.int64], epoch: int, rates: NDArray[np.float64], bar: tqdm[Any]
) -> tuple[float, float]:
    """One pass over the shuffled training set, one update per batch; returns the mean loss and
    the running training accuracy, and appends the points of the curves to ``run.steps``."""
    impl, network, config = run.impl, run.network, run.config
    eye = np.eye(10, dtype=np.float32)
    n_batches = math.ceil(len(X) / config.batch)
    every = max(min(10, n_batches), n_batches // POINTS_PER_EPOCH)  # batches per point of the curves
    order = run.rng.permutation(len(X))
    total = np.zeros(2)  # summed loss and number right, over the epoch
    interval = np.zeros(3)  # the same and the number of samples, since the last point
    for batch in range(n_batches):
        index = order[batch * config.batch : (batch + 1) * config.batch]
        probs, grads = network.gradients(impl, X[index], eye[y[index]], run.params)
        loss = impl.chapter3.cross_entropy(probs, eye[y[index]])
        if not math.isfinite(loss):
            raise TrainingError(
                f"the loss became {loss} in epoch {epoch}, batch {batch + 1}: try a smaller --lr "
                f"(now {config.lr}), and check the backward pass (kata check {network.kata_for('backward')})"
            )
        right = accuracy(run, probs, y[index]) * len(index)
        for name, grad in grads.items():
            run.velocities[name] = momentum_step(run, run.velocities[name], grad, float(rates[batch]))
            run.params[name] += run.velocities[name]
        total += (loss * len(index), right)
        interval += (loss * len(index), right, len(index))
        done = batch + 1
        if done == n_batches or (done % every == 0 and n_batches - done >= every):  # the last point takes the rest
            run.steps["epoch"].append(epoch - 1 + done / n_batches)
            run.steps["loss"].append(float(interval[0] / interval[2]))
            run.steps["accuracy"].append(float(interval[1] / interval[2]))
            interval[:] = 0
            bar.set_postfix(loss=f"{run.steps['loss'][-1]:.4f}", refresh=False)
        bar.update()
    return float(total[0] / len(X)), float(total[1] / len(X))


def predict(run: Run, X: NDArray[np.floating]) -> NDArray[np.floating]:
    """Class probabilities of every row of ``X``, computed in batches."""
    parts = []
    for start in range(0, len(X), EVALUATION_BATCH):
        batch = np.asarray(X[start : start + EVALUATION_BATCH], dtype=np.float32)
        parts.append(run.network.forward(run.impl, batch, run.params))
    return np.concatenate(parts)


def save(run: Run, X_test: NDArray[np.floating]) -> list[Path]:
    """Write the run folder: parameters, velocities, metrics and pictures. Returns the files written."""
    from . import plots  # here, not at the top: matplotlib is for the commands that draw

    run.folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, dict[str, Any]] = {"params.npz": dict(run.params), "momentum.npz": dict(run.velocities)}
    for name, named_arrays in arrays.items():
        np.savez(run.folder / name, **named_arrays)
    spec = data.DATASETS[run.config.dataset]
    title = f"{run.config.net} on {spec.title} ({run.config.impl})"
    figures = {
        "loss.png": plots.loss_figure(run.steps, run.epochs, title),
        "accuracy.png": plots.accuracy_figure(run.steps, run.epochs, title),
        "confusion.png": plots.confusion_figure(np.asarray(run.confusion), spec.class_names, title),
    }
    if run.config.net == "cnn":
        filters, maps = filters_and_maps(run.params, np.asarray(X_test[0], dtype=np.float32))
        figures["filters.png"] = plots.filters_figure(
            filters, X_test[0][..., 0], maps, f"{title}: the learned 3x3 filters and their ReLU maps of a test image"
        )
    else:
        figures["weights.png"] = plots.weights_figure(
            first_layer_images(run.params["W1"]), f"{title}: first-layer weights of 32 hidden units"
        )
    written = [plots.save(figure, run.folder / name) for name, figure in figures.items()]
    metrics = {
        "config": asdict(run.config),
        "epochs": run.epochs,
        "steps": run.steps,
        "confusion_matrix": run.confusion,
        "class_names": list(data.DATASETS[run.config.dataset].class_names),
        "rng_state": run.rng.bit_generator.state,
    }
    (run.folder / "metrics.json").write_text(json.dumps(metrics, indent=1))
    return [run.folder / "metrics.json", run.folder / "params.npz", run.folder / "momentum.npz", *written]


def first_layer_images(W1: NDArray[np.floating], count: int = 32) -> NDArray[np.floating]:
    """The incoming weights of the first ``count`` hidden units as 28x28 images."""
    return np.asarray(W1[:, :count]).T.reshape(-1, 28, 28)


def filters_and_maps(params: Params, image: NDArray[np.float32]) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """The filters ``(F, k, k)`` of the first channel, and ``relu(image * filter + bias)``
    (cross-correlation, valid) of one ``(28, 28, 1)`` image for each filter ``(F, 26, 26)``."""
    K = np.asarray(params["K"])[:, :, 0, :]  # (k, k, F)
    windows = sliding_window_view(image[..., 0], K.shape[:2])  # (26, 26, k, k)
    maps = np.einsum("ijab,abf->fij", windows, K) + np.asarray(params["bK"]).reshape(-1, 1, 1)
    return np.moveaxis(K, -1, 0), np.maximum(maps, 0)


def _learner_call(katas: tuple[str, ...], call: Callable[[], Any]) -> Any:
    """``call()``, turning a stub reached or an exception of the learner's code into ``TrainingError``."""
    try:
        return call()
    except NotImplementedError as error:
        stub = stub_reached(error.__traceback__)
        if stub is None:
            raise
        name = _kata_name(stub)
        raise TrainingError(f"todo: {stub} - implement it first (kata check {name})") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
        where = learner_location(error)
        if not where:
            raise
        raise TrainingError(
            f"{type(error).__name__}: {error}\n  at {where} (this run uses {', '.join(katas)}: kata check them)"
        ) from None


def _kata_name(dotted: str) -> str:
    chapter, name = dotted.split(".")[1], dotted.rsplit(".", 1)[1]
    try:
        return find_kata(f"{chapter}.{name}").qualname
    except LookupError:
        return chapter


def learner_location(error: BaseException) -> str:
    """``exercises/chapterN/module.py:line`` of the innermost frame of ``error`` in the learner's code; "" if none."""
    where = ""
    tb = error.__traceback__
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        if path.is_relative_to(PROJECT_ROOT / "exercises"):
            where = f"{path.relative_to(PROJECT_ROOT)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TrainingError(message)
