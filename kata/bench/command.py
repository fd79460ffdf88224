"""``python -m kata.bench`` (``nox -s bench``): time the reference against scikit-learn and PyTorch.

One command, one machine. Every row (a network trained by a framework) gets
a Python process of its own, so that its peak memory is its own and no
framework's threads compete with another's. The rows take turns, epoch by
epoch: round 1 trains the first epoch of every row, one row at a time, then
round 2 the second (starting one row later), and so on, while the
matrix-multiply throughput is measured again between rounds. A burst of
load from elsewhere on the machine then slows one epoch of some rows instead
of every epoch of one row, and the best epoch of each row is compared. The
machine's copy bandwidth is measured before and after the rows (the better
one is kept), and, untimed, the bytes one epoch of the NumPy CNN moves are
counted (``traffic.py``), to say how close its best epoch comes to the
bandwidth limit. Last, one epoch of the NumPy CNN is profiled. The run folder
``runs/bench-<timestamp>/`` receives:

    results.json   every figure: settings, machine, per-epoch times, accuracies, memory, ratios, targets,
                   copy bandwidth, the CNN epoch's bytes, profile
    results.md     the same as a markdown table, with the machine it ran on
    bench.png      a bar chart of the epoch times

PyTorch is optional: without it its rows are left out, and the report says so.

``python -m kata.bench --readme runs/bench-<timestamp>/results.json`` runs no
benchmark: it rewrites the benchmark block of README.md from that run
(``readme.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

from .. import data as datasets
from ..plots import save
from ..runs import RUNS, unused_run_folder
from . import machine, memory, readme, report, traffic
from .workloads import MLP_SIZES, NETWORKS, ROWS, Data, Row, Settings, Trained, prepare

QUICK_SIZES = (2000, 500)  # training and test images of a --quick run
COPY_MIB, QUICK_COPY_MIB = 256, 64  # the array copied to measure the main-memory bandwidth
TORCH_CPU_INSTALL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"  # the CPU build only
PAUSE = 0.2  # seconds between two rows' epochs, for the last one's idle threads to go to sleep


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kata.bench",
        description="Time MNIST epochs of the reference MLP and CNN against scikit-learn and PyTorch (if installed), "
        "measure the machine's matrix-multiply throughput and copy bandwidth, and count the bytes the NumPy CNN's "
        "epoch moves. Writes runs/bench-<date>-<time>/results.json, results.md and bench.png.",
        epilog="Maintainers: `python -m kata.bench --readme runs/bench-<date>-<time>/results.json` rewrites the "
        "benchmark block of README.md (between its bench markers) from that run, without running anything.",
    )
    parser.add_argument("--epochs", type=int, default=Settings.epochs, help="timed epochs per row (default 5)")
    parser.add_argument("--only", metavar="NAMES", help="comma-separated networks (mlp, cnn) or rows (e.g. mlp-torch)")
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch rows")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile of the NumPy CNN epoch")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 images, 1 epoch")
    parser.add_argument("--impl", choices=("reference", "exercises"), default="reference", help="the NumPy rows' tree")
    parser.add_argument("--threads", type=int, help="threads for every framework (default: NumPy's BLAS default)")
    parser.add_argument("--seed", type=int, default=Settings.seed, help="seed of the batch order and the weights")
    parser.add_argument("--runs", type=Path, default=RUNS, help="folder for the run folder (default runs/)")
    parser.add_argument(
        "--readme",
        type=Path,
        metavar="RESULTS_JSON",
        help="run nothing: rewrite README.md's benchmark block (table, machine, bandwidth) from this results.json",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # a job file: be one row's process
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def select_rows(only: str | None, no_torch: bool, torch_installed: bool) -> tuple[list[Row], list[str]]:
    """The rows to run, and a note for every row left out and why."""
    wanted = {name.strip() for name in only.split(",")} if only else None
    known = set(NETWORKS) | {row.name for row in ROWS}
    if wanted and not wanted <= known:
        raise ValueError(f"--only: unknown {', '.join(sorted(wanted - known))}; choose from {', '.join(sorted(known))}")
    rows = [row for row in ROWS if wanted is None or row.network in wanted or row.name in wanted]
    notes = []
    if any(row.framework == "torch" for row in rows) and (no_torch or not torch_installed):
        why = "--no-torch" if no_torch else f"PyTorch is not installed ({TORCH_CPU_INSTALL})"
        notes.append(f"PyTorch rows omitted: {why}.")
        rows = [row for row in rows if row.framework != "torch"]
    return rows, notes


def load_data(quick: bool, progress: bool = True) -> Data:
    """MNIST, flat float32 images and int64 labels (the first few thousand images for a quick run).

    Every worker loads it this way, as a learner's training script does. That
    matters for NumPy: the loader's large temporary buffers, once freed, make
    the C library's ``malloc`` keep later large arrays in its heap instead of
    asking the OS for fresh, zeroed pages for each one (glibc's dynamic mmap
    threshold). A process that never freed a large buffer pays page faults
    for every large temporary: the NumPy CNN's epoch is then about a third slower.
    """
    n_train, n_test = QUICK_SIZES if quick else (None, None)
    X_train, y_train, X_test, y_test = datasets.load_mnist(n_train=n_train, n_test=n_test, progress=progress)
    return Data(X_train, y_train, X_test, y_test)  # type: ignore[arg-type]


class WorkerError(RuntimeError):
    """A worker process failed; the message is the last line it wrote to its log."""


class Worker:
    """One row's (or the profile's) process, driven one JSON line at a time.

    The worker answers each command on its standard output with one JSON line;
    everything else it prints goes to a log file, shown when it fails.
    """

    def __init__(self, job: dict[str, Any], folder: Path, name: str) -> None:
        job_file, self.log = folder / f"{name}.json", folder / f"{name}.log"
        job_file.write_text(json.dumps(job))
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kata.bench", "--worker", str(job_file)],
                cwd=datasets.PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            lines = self.log.read_text().strip().splitlines()
            sys.stderr.write("\n".join(lines[-20:]) + "\n")
            raise WorkerError(lines[-1] if lines else f"exit status {self.process.returncode}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it has died: receive() reports why
        return self.receive()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def work(job_file: Path) -> int:
    """A worker process: load the data, build one row (or profile the CNN), then obey the commands.

    ``epoch N`` trains epoch N and answers its seconds; ``done`` answers the
    row's results (test accuracy, every epoch, peak memory) and ends.
    """
    replies = _replies_channel()
    job = json.loads(job_file.read_text())
    data = load_data(job["quick"], progress=False)
    settings = Settings(**job["settings"])
    with threadpool_limits(limits=settings.threads, user_api="blas"):
        if job["kind"] == "profile":
            from .profiling import profile_cnn_epoch

            _reply(replies, {"profile": [node.as_dict() for node in profile_cnn_epoch(data, settings)]})
            return 0
        row = next(row for row in ROWS if row.name == job["row"])
        run = prepare(row, data, settings)
        gc.collect()
        _reply(replies, {"ready": True})
        seconds = []
        with memory.PeakMemory() as peak:
            run.warm_up()
            for command in sys.stdin:
                if command.strip() == "done":
                    break
                seconds.append(run.epoch(int(command.split()[1])))
                _reply(replies, {"seconds": seconds[-1]})
        summary = report.summarize_row(row, Trained(seconds, run.evaluate()), settings.impl)
        _reply(replies, {**summary, "memory": peak.as_dict()})
    return 0


def _replies_channel() -> IO[str]:
    """The worker's answers go to the original standard output; anything a library prints goes to the log."""
    sys.stdout.flush()
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return replies


def _reply(replies: IO[str], answer: dict[str, Any]) -> None:
    replies.write(json.dumps(answer) + "\n")
    replies.flush()


def measure_gemm(batch_size: int, quick: bool, threads: int) -> dict[str, dict[str, Any]]:
    """The MLP-shaped and the square float32 matrix-multiply throughput, with ``threads`` BLAS threads."""
    with threadpool_limits(limits=threads, user_api="blas"):
        network = machine.network_gemm_rate(batch_size, MLP_SIZES, repeats=2 if quick else 200)
        square = machine.square_gemm_rate(256 if quick else 2048)
    return {"network": network.as_dict(), "square": square.as_dict()}


def best_gemm(first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Of two throughput measurements, the better one of each kind."""
    return {kind: max(first[kind], second[kind], key=lambda rate: rate["gflops"]) for kind in first}


def run_rows(
    rows: list[Row], settings: Settings, folder: Path, quick: bool
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Train every row in its own process, epoch by epoch in rounds; the rows' results and the best GEMM rates."""
    job = {"quick": quick, "settings": dataclasses.asdict(settings), "kind": "row"}
    workers: dict[Row, Worker] = {}
    results: dict[Row, dict[str, Any]] = {}
    gemm = measure_gemm(settings.batch_size, quick, settings.threads)
    try:
        for row in rows:  # one at a time: loading the data and importing a framework compete for the CPU too
            workers[row] = Worker({**job, "row": row.name}, folder, row.name)
            _obey(workers, results, row, "ready", settings.impl)
            time.sleep(PAUSE)
        for epoch in range(settings.epochs):
            for row in rotated(list(workers), epoch):
                answer = _obey(workers, results, row, f"epoch {epoch}", settings.impl)
                if answer:
                    print(f"  epoch {epoch + 1}: {row.name} {answer['seconds']:.2f} s", flush=True)
                time.sleep(PAUSE)
            gemm = best_gemm(gemm, measure_gemm(settings.batch_size, quick, settings.threads))
            time.sleep(PAUSE)
        for row in list(workers):
            answer = _obey(workers, results, row, "done", settings.impl)
            if answer:
                results[row] = answer
                print(
                    f"{row.name}: best epoch {answer['best_epoch_seconds']:.2f} s, "
                    f"test accuracy {answer['test_accuracy']:.2%}",
                    flush=True,
                )
    finally:
        for worker in workers.values():
            worker.close()
    return [results[row] for row in rows], gemm


def rotated(rows: list[Row], turn: int) -> list[Row]:
    """The rows in turn ``turn``'s order: each round starts one row later, so no row always follows the same one."""
    if not rows:
        return rows
    start = turn % len(rows)
    return rows[start:] + rows[:start]


def _obey(
    workers: dict[Row, Worker], results: dict[Row, dict[str, Any]], row: Row, command: str, impl: str
) -> dict[str, Any]:
    """Send ``command`` to the row's worker (or wait for it to be ready); on failure record it and drop the worker."""
    worker = workers[row]
    try:
        return worker.receive() if command == "ready" else worker.ask(command)
    except WorkerError as error:
        print(f"{row.name}: failed: {error}", flush=True)
        results[row] = {**report.row_header(row, impl), "error": str(error)}
        worker.close()
        del workers[row]
        return {}


def measure_bandwidth(quick: bool, step_bytes: int | None = None) -> dict[str, Any]:
    """The main-memory copy rate, and the copy rate of an array the size of the CNN step's largest (if known)."""
    measured = {"memory": machine.copy_bandwidth((QUICK_COPY_MIB if quick else COPY_MIB) * machine.MIB).as_dict()}
    if step_bytes:
        repeats = max(1, (64 * machine.MIB) // step_bytes)  # about 64 MiB copied per round
        measured["step_sized"] = machine.copy_bandwidth(step_bytes, repeats=repeats, rounds=7).as_dict()
    return measured


def best_bandwidth(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Of two bandwidth measurements, the better one of each kind."""
    return {kind: max(first[kind], second[kind], key=lambda rate: rate["gb_per_second"]) for kind in second}


def count_cnn_traffic(data: Data, settings: Settings) -> dict[str, Any]:
    """The bytes of one NumPy CNN epoch (untimed, in this process), or the error that stopped the count."""
    try:
        with threadpool_limits(limits=settings.threads, user_api="blas"):
            return traffic.count_cnn_epoch(data, settings)
    except Exception as error:  # the katas of --impl exercises may not be written yet
        return {"error": f"{type(error).__name__}: {error}"}


def profile_cnn(settings: Settings, folder: Path, quick: bool) -> list[dict[str, Any]] | None:
    """The call tree of one profiled epoch of the NumPy CNN, from a process of its own."""
    job = {"quick": quick, "settings": dataclasses.asdict(settings), "kind": "profile"}
    worker = Worker(job, folder, "profile")
    try:
        profile: list[dict[str, Any]] = worker.receive()["profile"]
    except WorkerError as error:
        print(f"profile: failed: {error}", flush=True)
        return None
    finally:
        worker.close()
    return profile


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return work(args.worker)
    if args.readme:
        return readme.main(args.readme)
    try:
        rows, notes = select_rows(args.only, args.no_torch, importlib.util.find_spec("torch") is not None)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    threads = args.threads or machine.blas_threads()
    settings = Settings(
        epochs=1 if args.quick else args.epochs,
        warmup_batches=2 if args.quick else Settings.warmup_batches,
        seed=args.seed,
        impl=args.impl,
        threads=threads,
    )
    command = " ".join(["python -m kata.bench", *(argv if argv is not None else sys.argv[1:])])
    described = machine.describe_machine()  # before loading the data: its load average is the others' work
    data = load_data(args.quick)  # here first: a missing data set is downloaded once, with a progress bar
    print(f"{described['cpu']}, {threads} threads; rows: {', '.join(row.name for row in rows)}", flush=True)
    results: dict[str, Any] = {
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": described,
        "settings": settings.as_dict(),
        "data": {"n_train": len(data.X_train), "n_test": len(data.X_test)},  # each worker loads its own copy
        "threads": {"blas": threads, "torch": threads if any(row.framework == "torch" for row in rows) else None},
        "notes": notes,
    }
    profiled = not args.no_profile and any(row.name == "cnn-numpy" for row in rows)
    counted = any(row.name == "cnn-numpy" for row in rows)
    if counted:
        print("Counting the bytes of the NumPy CNN's step (untimed) and measuring the copy bandwidth", flush=True)
        results["cnn_traffic"] = count_cnn_traffic(data, settings)
    step_bytes = results.get("cnn_traffic", {}).get("largest_array_bytes")
    bandwidth = measure_bandwidth(args.quick, step_bytes)
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as scratch:
        results["rows"], results["gemm"] = run_rows(rows, settings, Path(scratch), args.quick)
        results["bandwidth"] = best_bandwidth(bandwidth, measure_bandwidth(args.quick, step_bytes))
        if profiled:
            results["profile"] = profile_cnn(settings, Path(scratch), args.quick)
    report.complete(results)
    run_folder = unused_run_folder(args.runs, "bench")
    run_folder.mkdir(parents=True)
    (run_folder / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = report.render_markdown(results)
    (run_folder / "results.md").write_text(markdown)
    save(report.bar_chart(results), run_folder / "bench.png")
    print(f"\n{markdown}\nWritten to {run_folder}", flush=True)
    if results["cnn_bandwidth"]:
        bound = results["cnn_bandwidth"]
        print(
            f"cnn-numpy: {bound['bytes_per_epoch'] / 1e9:.1f} GB per epoch, {bound['bound_seconds']:.2f} s at "
            f"{bound['memory_gb_per_second']:.1f} GB/s: {bound['fraction']:.0%} of its best epoch",
            flush=True,
        )
    failed = any(row.get("error") for row in results["rows"]) or (profiled and results["profile"] is None)
    failed = failed or bool(results.get("cnn_traffic", {}).get("error"))
    return 1 if failed else 0
