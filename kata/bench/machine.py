"""The machine a benchmark runs on, and its float32 matrix-multiply throughput.

A training step of the MLP is a handful of matrix products plus cheap
element-wise work, so the fastest the MLP can possibly train on a machine is
the rate at which its BLAS multiplies float32 matrices *of the network's
shapes*. ``network_gemm_rate`` measures exactly that: the five products of
one training step, back to back, on random arrays laid out as the reference
lays out its own.

NumPy's element-wise work, copies and indexing are bound by memory instead:
``copy_bandwidth`` measures how fast this machine copies one large float32
array into another (``np.copyto``, one thread, as NumPy's element-wise
operations run), counting every byte read and every byte written.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import os
import platform
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_info  # type: ignore[import-untyped,unused-ignore]

GFLOP = 1e9
GB = 1e9
MIB = 2**20


@dataclass(frozen=True)
class GemmRate:
    """One throughput measurement: ``flops`` floating-point operations took ``seconds`` (best round)."""

    name: str
    flops: float
    seconds: float

    @property
    def gflops(self) -> float:
        return self.flops / self.seconds / GFLOP

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "gflops": self.gflops}


@dataclass(frozen=True)
class CopyRate:
    """One bandwidth measurement: copying an array of ``array_bytes`` took ``seconds`` (best round).

    ``bytes_moved`` counts the bytes read and the bytes written: twice the array.
    """

    name: str
    array_bytes: int
    seconds: float

    @property
    def bytes_moved(self) -> int:
        return 2 * self.array_bytes

    @property
    def gb_per_second(self) -> float:
        return self.bytes_moved / self.seconds / GB

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "bytes_moved": self.bytes_moved, "gb_per_second": self.gb_per_second}


def copy_bandwidth(array_bytes: int = 256 * MIB, *, repeats: int = 1, rounds: int = 5) -> CopyRate:
    """The rate at which ``np.copyto`` copies a float32 array of ``array_bytes`` into another: the best of
    ``rounds`` rounds of ``repeats`` copies each, in GB/s of bytes read plus bytes written.

    A few hundred MB are far larger than any CPU cache, so the copy streams
    from and to main memory; a copy of an array a few MB large mostly stays in
    the caches instead. Both arrays are written once before the rounds, so
    that the timed copies do not pay for the first touch of fresh pages.
    """
    source = np.ones(max(array_bytes // 4, 1), dtype=np.float32)
    target = np.zeros_like(source)
    np.copyto(target, source)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            np.copyto(target, source)
        best = min(best, (time.perf_counter() - start) / repeats)
    name = f"np.copyto of {source.nbytes / MIB:.3g} MiB float32"
    return CopyRate(name, int(source.nbytes), best)


def cpu_model() -> str:
    """The CPU's marketing name, from ``/proc/cpuinfo`` on Linux, else what ``platform`` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def blas_libraries() -> list[dict[str, Any]]:
    """NumPy's BLAS as threadpoolctl sees it: library, version, threads, CPU kernel."""
    return [
        {key: pool.get(key) for key in ("internal_api", "version", "num_threads", "architecture", "threading_layer")}
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
    ]


def blas_threads() -> int:
    """The number of threads NumPy's BLAS uses (1 if threadpoolctl finds none)."""
    return max((int(library["num_threads"]) for library in blas_libraries()), default=1)


def package_version(name: str) -> str | None:
    """An installed distribution's version, without importing it; None if it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def load_average() -> float | None:
    """The 1-minute load average (processes running or waiting for a core); None where unknown."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def describe_machine() -> dict[str, Any]:
    """CPU, cores, OS, how busy the machine is, and the versions of Python and of every library compared."""
    return {
        "load_average": load_average(),
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_libraries(),
        "scikit-learn": package_version("scikit-learn"),
        "torch": package_version("torch"),
    }


def mlp_step_products(
    batch: int, sizes: Sequence[int], rng: np.random.Generator
) -> list[tuple[NDArray[np.float32], NDArray[np.float32]]]:
    """The operand pairs of every matrix product in one training step of an MLP with layer ``sizes``.

    Forward, one per layer: ``A_prev @ W`` with ``A_prev (batch, n_in)``, ``W (n_in, n_out)``.
    Backward, per layer: the weight gradient ``A_prev.T @ dZ``, and, for every
    layer but the first, the gradient sent back, ``dZ @ W.T`` (no one needs the
    gradient with respect to the input images). Transposes are views, as in
    the reference: BLAS reads them in place.
    """
    products = []
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        A_prev = rng.standard_normal((batch, n_in), dtype=np.float32)
        W = rng.standard_normal((n_in, n_out), dtype=np.float32)
        dZ = rng.standard_normal((batch, n_out), dtype=np.float32)
        products += [(A_prev, W), (A_prev.T, dZ)]
        if layer > 0:
            products.append((dZ, W.T))
    return products


def mlp_training_flops(n_samples: int, sizes: Sequence[int]) -> float:
    """Floating-point operations of the matrix products of one epoch of MLP training.

    An ``(m, k) @ (k, n)`` product costs ``2 m k n`` (a multiply and an add per
    term). Per sample and per layer ``n_in -> n_out``: ``2 n_in n_out`` forward,
    ``2 n_in n_out`` for the weight gradient, and ``2 n_in n_out`` more for the
    gradient sent back to the layer below, except for the first layer. For
    784-256-10 that is ``2 (2 * 784 * 256 + 3 * 256 * 10)`` = 818,176 per sample.
    Element-wise work (biases, ReLU, softmax, updates) is not counted.
    """
    per_sample = 0
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        per_sample += 2 * n_in * n_out * (3 if layer > 0 else 2)
    return float(n_samples * per_sample)


def mlp_nominal_flops(n_samples: int, sizes: Sequence[int]) -> float:
    """The usual nominal count of training FLOPs: three times the forward pass's products.

    Forward ``2 n_in n_out`` per sample and layer, backward counted as twice
    that (a weight gradient and an input gradient per layer). It counts the
    input gradient of the first layer too, which no framework computes, so it
    exceeds ``mlp_training_flops``: 1,219,584 against 818,176 per sample for 784-256-10.
    """
    forward = sum(2 * n_in * n_out for n_in, n_out in itertools.pairwise(sizes))
    return float(n_samples * 3 * forward)


def time_products(
    products: Sequence[tuple[NDArray[np.float32], NDArray[np.float32]]], *, repeats: int, rounds: int
) -> float:
    """The best, over ``rounds``, of the mean seconds to compute every product once.

    Each product writes into a preallocated output (``np.matmul(..., out=...)``),
    so only the multiplications are timed.
    """
    outputs = [np.empty((a.shape[0], b.shape[1]), dtype=np.float32) for a, b in products]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            for (a, b), out in zip(products, outputs, strict=True):
                np.matmul(a, b, out=out)
        best = min(best, (time.perf_counter() - start) / repeats)
    return best


def network_gemm_rate(batch: int, sizes: Sequence[int], *, repeats: int = 200, rounds: int = 7) -> GemmRate:
    """The throughput of the MLP's own matrix products: the physical limit for its training step."""
    products = mlp_step_products(batch, sizes, np.random.default_rng(0))
    flops = float(sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in products))
    seconds = time_products(products, repeats=repeats, rounds=rounds)
    shape = "-".join(str(size) for size in sizes)
    return GemmRate(f"{shape} MLP step, batch {batch}", flops, seconds)


def square_gemm_rate(size: int, *, repeats: int = 3, rounds: int = 5) -> GemmRate:
    """The throughput of one large square float32 product, ``(size, size) @ (size, size)``."""
    rng = np.random.default_rng(0)
    products = [
        (rng.standard_normal((size, size), dtype=np.float32), rng.standard_normal((size, size), dtype=np.float32))
    ]
    seconds = time_products(products, repeats=repeats, rounds=rounds)
    return GemmRate(f"square {size}x{size}", 2.0 * size**3, seconds)
