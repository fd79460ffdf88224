"""``kata doctor``: is this machine ready for the katas, and is it as fast as the timing tests assume?

It reports Python and NumPy, NumPy's BLAS and its threads (threadpoolctl),
whether those threads fit the cores, the datasets, whether ``exercises/``
imports, and a short calibration (a fixed float32 matrix product and one
training step of the reference CNN, on one BLAS thread as the timing tests
run) against the figures of the course's test machine. Every problem comes
with the command that fixes it.

The timing tests and ``kata train`` call :func:`slow_machine_note` with what
they measured; it names ``kata doctor`` when the machine is far slower than expected.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .trees import PROJECT_ROOT, chapters

# Measured on the course's test machine (a 2-core Intel Xeon VM, OpenBLAS 0.3.31 with SkylakeX kernels,
# NumPy 2.4, Python 3.11), one BLAS thread, best of several rounds, the machine otherwise idle:
TEST_MACHINE = "the course's 2-core test machine"
EXPECTED_GEMM_GFLOPS = 160.0  # float32 (512, 512) @ (512, 512)
EXPECTED_CNN_STEP_S = 0.0047  # one reference CNN training step, batch 64 of 28x28x1
EXPECTED_MLP_EPOCH_S = 0.8  # one reference 784-256-10 MLP epoch of 60,000 images, batch 64
EXPECTED_CNN_EPOCH_S = EXPECTED_CNN_STEP_S * 938  # 60,000 images in batches of 64
FAR_SLOWER = 4.0  # slower than the test machine by more than this: say so, and name kata doctor
# What the timing tests allow (tests/chapter3/test_training.py, tests/chapter4/test_cnn.py): an epoch within the
# posts' budget (MLP 5 min, CNN 15 min) and within 10x the reference's epoch measured in the same run.
EPOCH_BUDGETS_S = {"mlp": 300.0, "cnn": 900.0}
SPEED_FACTOR = 10.0
GEMM_SIZE = 512
MINIMUM_PYTHON = (3, 10)
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


@dataclass(frozen=True)
class Finding:
    """One line of the report: ``ok``, ``warn`` (works, but slower or incomplete) or ``fail``."""

    verdict: str
    topic: str
    text: str
    fix: str = ""


def slow_machine_note(what: str, seconds: float) -> str:
    """A sentence naming ``kata doctor``, with a leading space to append to a message, when
    ``seconds`` for ``what`` is far over the test machine's; else "". ``what``: ``"mlp_epoch"`` or
    ``"cnn_epoch"`` (a vectorized or reference epoch of 60,000 MNIST images, one BLAS thread), or
    ``"cnn_step"`` (one reference CNN step of 64 images)."""
    expected = {"mlp_epoch": EXPECTED_MLP_EPOCH_S, "cnn_epoch": EXPECTED_CNN_EPOCH_S, "cnn_step": EXPECTED_CNN_STEP_S}
    ratio = seconds / expected[what]
    if ratio <= FAR_SLOWER:
        return ""
    return (
        f" This machine is slow: the reference's own work took {ratio:.0f}x as long as on {TEST_MACHINE};"
        " `kata doctor` shows why (BLAS threads, a busy CPU) and how to fix it."
    )


def machine_note() -> str:
    """``slow_machine_note`` for a quick measurement (about 0.1 s): three reference CNN steps,
    one BLAS thread. For ``kata train`` to print before it starts; "" on a machine as expected."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

        with threadpool_limits(limits=1, user_api="blas"):
            step = measure_cnn_step(rounds=3)
    except Exception:  # no reference CNN in this copy, no threadpoolctl: no note
        return ""
    return slow_machine_note("cnn_step", step).strip()


# --- The checks -------------------------------------------------------------------------------


def check_python() -> list[Finding]:
    version = platform.python_version()
    where = sys.executable
    if sys.version_info < MINIMUM_PYTHON:
        return [Finding("fail", "Python", f"{version} ({where}): the katas need 3.10 or newer",
                        "python3.12 -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]'")]  # fmt: skip
    in_venv = sys.prefix != sys.base_prefix
    findings = [Finding("ok", "Python", f"{version} ({where})")]
    if not in_venv:
        findings.append(
            Finding(
                "warn",
                "Python",
                "not in a virtual environment: packages go into the system's Python",
                "python -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]'",
            )
        )
    return findings


def check_packages() -> list[Finding]:
    from importlib.metadata import PackageNotFoundError, version

    findings = []
    numpy_version = tuple(int(part) for part in np.__version__.split(".")[:2] if part.isdigit())
    verdict = "ok" if numpy_version >= (1, 26) else "fail"
    findings.append(Finding(verdict, "NumPy", np.__version__ + ("" if verdict == "ok" else ": 1.26 or newer needed"),
                            "" if verdict == "ok" else "pip install -e '.[dev]'"))  # fmt: skip
    missing = []
    for name in ("scipy", "scikit-learn", "matplotlib", "pooch", "tqdm", "pytest", "hypothesis", "threadpoolctl"):
        try:
            version(name)
        except PackageNotFoundError:
            missing.append(name)
    if missing:
        findings.append(Finding("fail", "packages", f"not installed: {', '.join(missing)}", "pip install -e '.[dev]'"))
    else:
        scipy = version("scipy")
        findings.append(Finding("ok", "packages", f"SciPy {scipy}, pytest {version('pytest')}, and the rest of .[dev]"))
    return findings


def blas_pools() -> list[dict[str, Any]]:
    """NumPy's BLAS libraries as threadpoolctl sees them (empty without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return []
    pools: list[dict[str, Any]] = threadpool_info()
    return [pool for pool in pools if pool.get("user_api") == "blas"]


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_threads(pools: list[dict[str, Any]], cores: int, load: float | None) -> list[Finding]:
    findings = []
    if not pools:
        return [Finding("warn", "BLAS", "threadpoolctl finds no BLAS library behind NumPy", "pip install -e '.[dev]'")]
    for pool in pools:
        name = f"{pool.get('internal_api', '?')} {pool.get('version') or ''}".strip()
        architecture = f", {pool['architecture']} kernels" if pool.get("architecture") else ""
        findings.append(Finding("ok", "BLAS", f"{name}{architecture}, {pool.get('num_threads')} threads"))
    threads = max(int(pool.get("num_threads") or 1) for pool in pools)
    settings = ", ".join(f"{name}={os.environ[name]}" for name in BLAS_VARIABLES if os.environ.get(name))
    told = f" (set by {settings})" if settings else ""
    if threads > cores:
        findings.append(
            Finding(
                "warn",
                "threads",
                f"BLAS uses {threads} threads{told} on {cores} usable cores: they fight for the cores",
                f"export OPENBLAS_NUM_THREADS={cores} OMP_NUM_THREADS={cores}",
            )
        )
    else:
        findings.append(Finding("ok", "threads", f"BLAS uses {threads} threads{told} on {cores} usable cores"))
    if load is not None and load > cores:
        findings.append(
            Finding(
                "warn",
                "load",
                f"{load:.1f} processes were running or waiting on {cores} cores over the last minute: "
                "timings will be slower and noisier",
                f"close other programs, or give BLAS one thread: export OPENBLAS_NUM_THREADS=1 (load now {load:.1f})",
            )
        )
    return findings


def check_data() -> list[Finding]:
    from . import data

    findings = []
    mirror = data.user_mirror()
    for name, spec in data.DATASETS.items():
        verdicts = data.verify(name)
        folder = data.cache_dir() / name
        bad = {file: verdict for file, verdict in verdicts.items() if verdict != "ok"}
        if not bad:
            findings.append(Finding("ok", spec.title, f"{len(verdicts)} files verified in {folder}"))
            continue
        kinds = sorted(set(bad.values()))
        if len(bad) == len(verdicts) and kinds == ["missing"]:
            problems = f"not downloaded (all {len(verdicts)} files missing)"
        else:
            problems = ", ".join(f"{file} {verdict}" for file, verdict in bad.items())
        used = (
            "the tests that need it are skipped" if name == "mnist" else "only kata train --dataset and one test use it"
        )
        fix = f"kata data download --dataset {name}" + (f" (from KATA_DATA_MIRROR={mirror})" if mirror else "")
        findings.append(Finding("warn", spec.title, f"{problems} in {folder}: {used}", fix))
    return findings


def check_exercises() -> list[Finding]:
    from .status import relative

    broken = []
    for chapter in chapters():
        try:
            importlib.import_module(f"exercises.{chapter}")
        except Exception as error:  # the learner's code: any exception means it does not import
            where = ""
            trace = error.__traceback__
            while trace is not None:
                filename = trace.tb_frame.f_code.co_filename
                if filename.startswith(str(PROJECT_ROOT / "exercises")):
                    where = f" at {relative(Path(filename))}:{trace.tb_lineno}"
                trace = trace.tb_next
            if isinstance(error, SyntaxError) and error.filename:
                where = f" at {error.filename}:{error.lineno}"
            broken.append((chapter, f"{type(error).__name__}: {error}{where}"))
    if not broken:
        return [Finding("ok", "exercises/", f"{', '.join(chapters())} import")]
    fix = "fix that line (kata reset <kata> puts a stub back); kata check {} then runs its tests"
    return [
        Finding("fail", "exercises/", f"{chapter} does not import: {problem}", fix.format(chapter))
        for chapter, problem in broken
    ]


def best_of(function: Callable[[], object], rounds: int) -> float:
    """The fastest of ``rounds`` timed calls, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def measure_gemm(rounds: int = 5) -> float:
    """float32 GFLOP/s of a fixed (512, 512) @ (512, 512) product."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((GEMM_SIZE, GEMM_SIZE), dtype=np.float32)
    b = rng.standard_normal((GEMM_SIZE, GEMM_SIZE), dtype=np.float32)
    np.matmul(a, b, out=np.empty_like(a))  # warm up
    seconds = best_of(lambda: a @ b, rounds * 4)
    return 2 * GEMM_SIZE**3 / seconds / 1e9


def measure_cnn_step(rounds: int = 5) -> float:
    """Seconds of one reference CNN training step: forward, backward and the update, batch 64."""
    from reference.chapter4 import backward_cnn, forward_cnn, init_cnn

    rng = np.random.default_rng(0)
    params = init_cnn(rng)
    X = rng.random((64, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]

    def step() -> None:
        _, cache = forward_cnn(X, params)
        grads = backward_cnn(y, params, cache)
        for name, gradient in grads.items():
            params[name] -= np.float32(0.01) * gradient

    step()  # warm up
    return best_of(step, rounds)


def check_speed(rounds: int = 5) -> list[Finding]:
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return [Finding("warn", "calibration", "skipped: threadpoolctl is not installed", "pip install -e '.[dev]'")]
    findings = []
    with threadpool_limits(limits=1, user_api="blas"):
        gflops = measure_gemm(rounds)
        try:
            step = measure_cnn_step(rounds)
        except ModuleNotFoundError as error:  # a partial copy of the project
            step = None
            findings.append(Finding("ok", "calibration", f"no CNN step: {error}"))
        except Exception as error:  # the reference should run; say so rather than crash the report
            step = None
            findings.append(Finding("fail", "calibration", f"the reference CNN step failed: {error!r}",
                                    "git status reference/ (the reference is not yours to edit)"))  # fmt: skip
    ratio = EXPECTED_GEMM_GFLOPS / gflops
    verdict = "warn" if ratio > FAR_SLOWER else "ok"
    findings.insert(0, Finding(
        verdict, "calibration",
        f"float32 ({GEMM_SIZE}, {GEMM_SIZE}) @ ({GEMM_SIZE}, {GEMM_SIZE}), one BLAS thread: {gflops:.0f} GFLOP/s "
        f"({_compared(ratio)}; {TEST_MACHINE}: {EXPECTED_GEMM_GFLOPS:.0f})",
        _speed_fix() if verdict == "warn" else "",
    ))  # fmt: skip
    if step is not None:
        epoch = step * 938
        ratio = step / EXPECTED_CNN_STEP_S
        too_slow = epoch * SPEED_FACTOR > EPOCH_BUDGETS_S["cnn"]
        verdict = "warn" if ratio > FAR_SLOWER or too_slow else "ok"
        text = (
            f"one reference CNN step (batch 64), one BLAS thread: {step * 1000:.1f} ms, so an epoch takes about "
            f"{epoch:.1f} s ({_compared(ratio)}; {TEST_MACHINE}: {EXPECTED_CNN_EPOCH_S:.1f} s)"
        )
        if too_slow:
            text += (
                f"; the timing tests allow your epoch {SPEED_FACTOR:.0f}x the reference's but at most "
                f"{EPOCH_BUDGETS_S['cnn'] / 60:.0f} min, which this machine cannot give a {SPEED_FACTOR:.0f}x epoch"
            )
        findings.insert(1, Finding(verdict, "calibration", text, _speed_fix() if verdict == "warn" else ""))
    return findings


def _compared(ratio: float) -> str:
    """How this machine compares, from ``ratio`` = its time / the test machine's time."""
    if ratio >= 1.25:
        return f"{ratio:.1f}x slower"
    if ratio <= 0.8:
        return f"{1 / ratio:.1f}x faster"
    return "as fast"


def _speed_fix() -> str:
    return (
        "close other programs and run kata doctor again; on a laptop, plug it in (power saving slows the CPU); "
        "kata check --fast and pytest -m 'not slow' skip the timing tests"
    )


# --- The report -------------------------------------------------------------------------------


def diagnose(*, calibrate: bool = True, rounds: int = 5) -> list[Finding]:
    """Every finding, in the order the report shows them."""
    from .bench.machine import load_average

    pools = blas_pools()
    findings = [*check_python(), *check_packages(), *check_threads(pools, usable_cores(), load_average())]
    findings += check_data()
    findings += check_exercises()
    if calibrate:
        findings += check_speed(rounds)
    return findings


def report(findings: list[Finding]) -> str:
    """The findings as text: one line each, then every problem with the command that fixes it."""
    from .bench.machine import cpu_model

    lines = [f"kata doctor: {cpu_model()}, {usable_cores()} usable cores, {platform.system()} {platform.release()}"]
    width = max(len(finding.topic) for finding in findings)
    lines += [f"  {finding.verdict:<5} {finding.topic:<{width}}  {finding.text}" for finding in findings]
    problems = [finding for finding in findings if finding.verdict != "ok"]
    if not problems:
        lines.append("No problems found.")
        return "\n".join(lines)
    many = len(problems) > 1
    lines.append(f"\n{len(problems)} problem{'s' if many else ''}, and what fixes {'them' if many else 'it'}:")
    for finding in problems:
        lines.append(f"  {finding.topic}: {finding.fix or 'see above'}")
    return "\n".join(lines)


def main(*, calibrate: bool = True) -> int:
    """Print the report; 1 if anything fails (a warning alone still exits 0)."""
    findings = diagnose(calibrate=calibrate)
    print(report(findings))
    return 1 if any(finding.verdict == "fail" for finding in findings) else 0
