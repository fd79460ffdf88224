"""The benchmark's results: ratios to the reference, targets, a markdown table and a bar chart.

Everything here works on the plain ``results`` dict that ``results.json``
holds, so a saved run can be rendered again.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from .machine import GFLOP, mlp_nominal_flops, mlp_training_flops
from .workloads import FRAMEWORKS, MLP_SIZES, NETWORKS, REFERENCE_FRAMEWORK, Row, Trained

Results = dict[str, Any]
BUSY_LOAD = 0.5  # load average per core above which the report warns that the machine was busy


@dataclass(frozen=True)
class Target:
    """A ratio the reference should reach: ``measure(results) <= limit`` (or ``>=`` when ``at_least``)."""

    name: str
    description: str
    measure: Callable[[Results], float | None]
    limit: float
    at_least: bool = False

    def evaluate(self, results: Results) -> dict[str, Any]:
        value = self.measure(results)
        met = None if value is None else (value >= self.limit if self.at_least else value <= self.limit)
        return {"name": self.name, "description": self.description, "value": value, "limit": self.limit, "met": met}


def row_header(row: Row, impl: str = "reference") -> dict[str, Any]:
    """What names a row in the results: its id, network, framework and implementation.

    The NumPy rows run the katas of the ``impl`` tree: the reference, or the learner's exercises.
    """
    implementation = FRAMEWORKS[row.framework]
    if row.framework == REFERENCE_FRAMEWORK and impl != "reference":
        implementation = f"{impl} (NumPy)"
    return {"row": row.name, "network": row.network, "framework": row.framework, "implementation": implementation}


def summarize_row(row: Row, trained: Trained, impl: str = "reference") -> dict[str, Any]:
    """A row's figures: every epoch's time, the best and the median, the test accuracy."""
    return {
        **row_header(row, impl),
        "epoch_seconds": trained.epoch_seconds,
        "best_epoch_seconds": min(trained.epoch_seconds),
        "median_epoch_seconds": statistics.median(trained.epoch_seconds),
        "test_accuracy": trained.test_accuracy,
    }


def find_row(results: Results, network: str, framework: str) -> dict[str, Any] | None:
    """The successful row of ``network`` trained by ``framework``, or None."""
    for row in results["rows"]:
        if row["network"] == network and row["framework"] == framework and not row.get("error"):
            return row
    return None


def time_ratio(results: Results, network: str, framework: str, over: str = REFERENCE_FRAMEWORK) -> float | None:
    """Best epoch time of ``framework`` divided by that of ``over``, on ``network``; None if either is missing."""
    row, other = find_row(results, network, framework), find_row(results, network, over)
    if row is None or other is None:
        return None
    return float(row["best_epoch_seconds"] / other["best_epoch_seconds"])


def mlp_efficiency(results: Results) -> dict[str, float] | None:
    """The reference MLP epoch's matrix-product rate, as a fraction of the measured GEMM rates.

    Two counts of the epoch's FLOPs: the nominal one (backward = twice the
    forward pass, the convention the target is stated in) and the products
    the MLP really computes (no gradient for the input images).
    """
    row = find_row(results, "mlp", REFERENCE_FRAMEWORK)
    if row is None or "gemm" not in results:
        return None
    n_train, seconds = results["data"]["n_train"], row["best_epoch_seconds"]
    network, square = results["gemm"]["network"]["gflops"], results["gemm"]["square"]["gflops"]
    nominal = mlp_nominal_flops(n_train, MLP_SIZES) / seconds / GFLOP
    computed = mlp_training_flops(n_train, MLP_SIZES) / seconds / GFLOP
    return {
        "nominal_gflops": nominal,
        "computed_gflops": computed,
        "nominal_fraction_of_network_gemm": nominal / network,
        "computed_fraction_of_network_gemm": computed / network,
        "nominal_fraction_of_square_gemm": nominal / square,
    }


def cnn_bandwidth(results: Results) -> dict[str, Any] | None:
    """How close the reference CNN's best epoch comes to the memory-bandwidth limit.

    ``bound_seconds`` is the time the epoch's counted bytes (``traffic.py``)
    take at the machine's main-memory copy rate; ``fraction`` is that time
    over the measured best epoch (1 would be an epoch doing nothing but
    streaming its bytes at that rate). The same at the copy rate of an array
    the size of the step's largest one, which mostly stays in the caches.
    """
    row, counted, bandwidth = (
        find_row(results, "cnn", REFERENCE_FRAMEWORK),
        results.get("cnn_traffic"),
        results.get("bandwidth"),
    )
    if row is None or not counted or counted.get("error") or not bandwidth:
        return None
    n_bytes, seconds = counted["bytes_per_epoch"], row["best_epoch_seconds"]
    memory = n_bytes / (bandwidth["memory"]["gb_per_second"] * 1e9)
    summary = {
        "bytes_per_epoch": n_bytes,
        "best_epoch_seconds": seconds,
        "achieved_gb_per_second": n_bytes / seconds / 1e9,
        "memory_gb_per_second": bandwidth["memory"]["gb_per_second"],
        "bound_seconds": memory,
        "fraction": memory / seconds,
    }
    if bandwidth.get("step_sized"):
        cached = n_bytes / (bandwidth["step_sized"]["gb_per_second"] * 1e9)
        summary |= {
            "step_sized_gb_per_second": bandwidth["step_sized"]["gb_per_second"],
            "step_sized_bound_seconds": cached,
            "step_sized_fraction": cached / seconds,
        }
    return summary


def _inverse(value: float | None) -> float | None:
    return None if value is None else 1 / value


def _accuracy_gap(results: Results) -> float | None:
    numpy_row, torch_row = find_row(results, "cnn", REFERENCE_FRAMEWORK), find_row(results, "cnn", "torch")
    if numpy_row is None or torch_row is None:
        return None
    return float(abs(numpy_row["test_accuracy"] - torch_row["test_accuracy"]) * 100)


def _matmul_fraction(results: Results) -> float | None:
    efficiency = mlp_efficiency(results)
    return None if efficiency is None else efficiency["nominal_fraction_of_network_gemm"]


TARGETS = (
    Target(
        "mlp-vs-torch",
        "reference MLP epoch / PyTorch MLP epoch",
        lambda results: _inverse(time_ratio(results, "mlp", "torch")),
        0.8,
    ),
    Target(
        "mlp-vs-sklearn",
        "reference MLP epoch / scikit-learn MLP epoch",
        lambda results: _inverse(time_ratio(results, "mlp", "sklearn")),
        0.7,
    ),
    Target(
        "mlp-matmul-fraction",
        "reference MLP epoch's share of the MLP-shaped matmul throughput (nominal FLOPs)",
        _matmul_fraction,
        0.5,
        at_least=True,
    ),
    Target(
        "cnn-vs-torch",
        "reference CNN epoch / PyTorch CNN epoch",
        lambda results: _inverse(time_ratio(results, "cnn", "torch")),
        1.0,
    ),
    Target(
        "cnn-accuracy",
        "CNN test accuracy, reference vs PyTorch (points apart)",
        _accuracy_gap,
        0.5,
    ),
)


def complete(results: Results) -> Results:
    """Add the ratios to the reference, the MLP's matmul efficiency and the targets to ``results``."""
    results["ratios"] = {
        row["row"]: time_ratio(results, row["network"], row["framework"])
        for row in results["rows"]
        if not row.get("error")
    }
    results["mlp_efficiency"] = mlp_efficiency(results)
    results["cnn_bandwidth"] = cnn_bandwidth(results)
    results["targets"] = [target.evaluate(results) for target in TARGETS]
    return results


def _number(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{suffix}"


def machine_line(results: Results) -> str:
    """The machine and libraries in one sentence."""
    machine = results["machine"]
    blas = ", ".join(
        f"{library['internal_api']} {library['version']} ({library['architecture']} kernels)"
        for library in machine["blas"]
    )
    torch = f"PyTorch {machine['torch']}" if machine["torch"] else "PyTorch not installed"
    load = machine.get("load_average")
    return (
        f"{machine['cpu']}, {machine['usable_cores']} cores usable of {machine['logical_cores']}"
        f"{'' if load is None else f' (load average {load:.2f} as the run began)'}; "
        f"{machine['platform']}; Python {machine['python']}, "
        f"NumPy {machine['numpy']} with {blas or 'an unknown BLAS'}, "
        f"scikit-learn {machine['scikit-learn']}, {torch}. "
        f"Threads: {results['threads']['blas']} for NumPy's BLAS and scikit-learn, the same for PyTorch."
    )


def busy_warning(results: Results) -> str | None:
    """A warning when the machine was busy as the run began: other processes competing for the cores
    slow multi-threaded code the most, so the timings and ratios would not be the machine's."""
    machine = results["machine"]
    load = machine.get("load_average")
    if load is None or load < BUSY_LOAD * machine["usable_cores"]:
        return None
    return (
        f"**The machine was busy when the run began (load average {load:.1f} on {machine['usable_cores']} cores): "
        f"these timings are not reliable; run again when it is idle.**"
    )


def render_markdown(results: Results) -> str:
    """The run as markdown: settings, the table with ratios, matmul throughput, targets, the CNN profile."""
    settings, data = results["settings"], results["data"]
    lines = [
        "## Benchmark: one epoch of MNIST training",
        "",
        f"`{results['command']}`, {results['date']}.",
        "",
        f"Machine: {machine_line(results)}",
        "",
        *([warning, ""] if (warning := busy_warning(results)) else []),
        f"{data['n_train']:,} training and {data['n_test']:,} test images; batch {settings['batch_size']}, float32, "
        f"SGD with momentum {settings['momentum']} "
        f"(lr {settings['mlp_lr']} for the MLPs, {settings['cnn_lr']} for the CNNs); "
        f"the best of {settings['epochs']} timed epochs after {settings['warmup_batches']} warm-up steps; "
        f"accuracy after the last epoch. Every row ran in a process of its own, the rows taking turns epoch by "
        f"epoch; memory is the peak resident size during training above that process's size before it.",
        "",
        *table_lines(results),
    ]
    lines += [f"\n{note}" for note in results.get("notes", [])]
    lines += ["", *throughput_sentences(results)] if results.get("gemm") else []
    lines += ["", *bandwidth_sentences(results)] if results.get("bandwidth") else []
    lines += ["", "### Targets", "", "| target | measured | limit | met |", "|---|---:|---:|---|"]
    for target in results["targets"]:
        relation = ">=" if target["name"] == "mlp-matmul-fraction" else "<="
        met = {True: "yes", False: "**no**", None: "not measured"}[target["met"]]
        lines.append(f"| {target['description']} | {_number(target['value'])} | {relation} {target['limit']} | {met} |")
    if results.get("profile"):
        lines += ["", *render_profile(results["profile"])]
    if results.get("cnn_traffic") and not results["cnn_traffic"].get("error"):
        lines += ["", *render_traffic(results["cnn_traffic"])]
    return "\n".join(lines) + "\n"


def bandwidth_sentences(results: Results) -> list[str]:
    """The copy bandwidth, and how close the reference CNN's epoch comes to it, as sentences."""
    bandwidth = results["bandwidth"]
    memory, sized = bandwidth["memory"], bandwidth.get("step_sized")
    rates = f"{memory['gb_per_second']:.1f} GB/s for {_mib(memory['array_bytes'])} arrays (main memory)"
    if sized:
        rates += (
            f", {sized['gb_per_second']:.1f} GB/s for {_mib(sized['array_bytes'])} ones "
            f"(the size of the CNN step's largest array, mostly in the caches)"
        )
    lines = [f"Copy bandwidth (`np.copyto`, one thread, bytes read plus bytes written, best of several): {rates}."]
    counted, bound = results.get("cnn_traffic"), results.get("cnn_bandwidth")
    if counted and counted.get("error"):
        lines.append(f"The bytes of the reference CNN's epoch could not be counted: {counted['error']}")
    if bound and counted:
        relation = (
            "more than main memory could deliver in that time: the batch's arrays mostly stay in the caches"
            if bound["fraction"] > 1
            else "the rest of the epoch is time spent other than streaming its bytes from main memory"
        )
        sentence = (
            f"One epoch of the reference CNN moves {bound['bytes_per_epoch'] / 1e9:.1f} GB "
            f"({counted['bytes_per_step'] / 1e6:.1f} MB per step of {counted['batch_size']} images: every byte "
            f"its NumPy operations read and write, counted in an untimed pass), "
            f"an average of {bound['achieved_gb_per_second']:.1f} GB/s over its best epoch of "
            f"{bound['best_epoch_seconds']:.2f} s. "
            f"At the main-memory rate those bytes take {bound['bound_seconds']:.2f} s, "
            f"{bound['fraction']:.0%} of the best epoch ({relation})"
        )
        if "step_sized_fraction" in bound:
            sentence += (
                f"; at the cache-sized rate {bound['step_sized_bound_seconds']:.2f} s, "
                f"{bound['step_sized_fraction']:.0%} of it"
            )
        lines.append(sentence + ".")
    return [" ".join(lines)]


def _mib(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.3g} MiB"


def render_traffic(counted: dict[str, Any]) -> list[str]:
    """The operations that move the most bytes in one step of the reference CNN, as a markdown table."""
    lines = [
        f"### Where the reference CNN's bytes go (one step of {counted['batch_size']} images, "
        f"{counted['bytes_per_step'] / 1e6:.1f} MB)",
        "",
        "| NumPy operation | calls | MB | share |",
        "|---|---:|---:|---:|",
    ]
    for operation in counted["top_operations"]:
        lines.append(
            f"| {operation['operation']} | {operation['calls']} | {operation['bytes'] / 1e6:.2f} | "
            f"{operation['share']:.1%} |"
        )
    return lines


def table_lines(results: Results) -> list[str]:
    """The table of rows: every row's best and median epoch, ratio to the reference, accuracy and memory."""
    lines = [
        f"| network | implementation | best epoch (s) | median (s) | time / {results['settings']['impl']} "
        "| test accuracy | training memory (MiB) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        network = NETWORKS[row["network"]]
        if row.get("error"):
            lines.append(f"| {network} | {row['implementation']} | failed: {row['error']} | | | | |")
            continue
        memory = row.get("memory", {}).get("training_mib")
        lines.append(
            f"| {network} | {row['implementation']} | {row['best_epoch_seconds']:.2f} | "
            f"{row['median_epoch_seconds']:.2f} | "
            f"{_number(results['ratios'].get(row['row']))} | {row['test_accuracy'] * 100:.2f} % | "
            f"{_number(memory, 0)} |"
        )
    return lines


def throughput_sentences(results: Results) -> list[str]:
    """The matrix-multiply throughput, and the share of it the reference MLP's epoch reaches, as sentences."""
    gemm, efficiency = results["gemm"], results.get("mlp_efficiency")
    lines = [
        f"Float32 matrix-multiply throughput (best of several rounds): the products of one MLP training step "
        f"({gemm['network']['name']}) {gemm['network']['gflops']:.1f} GFLOP/s; "
        f"{gemm['square']['name']} {gemm['square']['gflops']:.1f} GFLOP/s."
    ]
    if efficiency:
        lines.append(
            f"The reference MLP epoch runs at {efficiency['nominal_gflops']:.1f} nominal GFLOP/s (backward counted "
            f"as twice the forward pass): {efficiency['nominal_fraction_of_network_gemm']:.0%} of the MLP-shaped rate, "
            f"{efficiency['nominal_fraction_of_square_gemm']:.0%} of the square one. Counting only the products it "
            f"computes (no gradient for the images): {efficiency['computed_gflops']:.1f} GFLOP/s, "
            f"{efficiency['computed_fraction_of_network_gemm']:.0%} of the MLP-shaped rate."
        )
    return [" ".join(lines)]


def render_profile(nodes: list[dict[str, Any]]) -> list[str]:
    """The CNN profile as an indented markdown table."""
    lines = [
        "### Where the reference CNN's epoch goes (cProfile, one epoch)",
        "",
        "| function | calls | seconds | share |",
        "|---|---:|---:|---:|",
    ]
    for node in nodes:
        indent = "&nbsp;&nbsp;" * node["depth"]
        lines.append(f"| {indent}{node['name']} | {node['calls']} | {node['seconds']:.2f} | {node['share']:.1%} |")
    return lines


def bar_chart(results: Results) -> Figure:
    """One panel per network: every implementation's best epoch time, labelled with its ratio to the reference."""
    networks = [network for network in NETWORKS if any(row["network"] == network for row in results["rows"])]
    figure = Figure(figsize=(8, 1.0 + 0.9 * len(results["rows"])), layout="constrained")
    axes = figure.subplots(len(networks), 1, squeeze=False)[:, 0]
    for ax, network in zip(axes, networks, strict=True):
        rows = [row for row in results["rows"] if row["network"] == network and not row.get("error")]
        seconds = [row["best_epoch_seconds"] for row in rows]
        colors = ["tab:blue" if row["framework"] == REFERENCE_FRAMEWORK else "tab:gray" for row in rows]
        bars = ax.barh([row["implementation"] for row in rows], seconds, color=colors)
        ax.bar_label(
            bars,
            [f"{row['best_epoch_seconds']:.2f} s  ({_number(results['ratios'].get(row['row']))}x)" for row in rows],
            padding=3,
        )
        ax.invert_yaxis()
        ax.set_xlim(0, max(seconds, default=1) * 1.45)
        ax.set_xlabel("seconds per epoch (lower is faster)")
        ax.set_title(f"{NETWORKS[network]}: one MNIST epoch, batch {results['settings']['batch_size']}, float32")
    threads = results["threads"]["blas"]
    figure.suptitle(f"{results['machine']['cpu']}, {threads} thread{'s' if threads > 1 else ''}", fontsize=9)
    return figure
