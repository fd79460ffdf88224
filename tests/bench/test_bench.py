"""The benchmark's own parts: FLOP counts, batch plans, the rows' loops, ratios, targets, the report.

Nothing here times anything against a limit: the benchmark's targets are
measured by ``nox -s bench``, not asserted by the test suite.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure

from kata.bench import command, machine, memory, profiling, readme, report, traffic
from kata.bench.workloads import (
    IMAGE_SHAPE,
    ROWS,
    Data,
    Row,
    Settings,
    Trained,
    batch_plan,
    initial_parameters,
    prepare,
    require_float32,
    stepwise_run,
)
from kata.contracts import Int, contract

SMALL = Settings(epochs=1, warmup_batches=2, threads=1)


def train_row(row: Row, data: Data, settings: Settings) -> Trained:
    """Prepare ``row``, warm it up, train every epoch of the plan and measure its test accuracy, in this process."""
    run = prepare(row, data, settings)
    run.warm_up()
    seconds = [run.epoch(number) for number in range(settings.epochs)]
    return Trained(seconds, run.evaluate())


@pytest.fixture(scope="module")
def tiny_data() -> Data:
    """300 random 'images' of 10 classes: enough to run every loop, far too few to learn from."""
    rng = np.random.default_rng(0)
    X = rng.random((300, 784), dtype=np.float32)
    y = rng.integers(0, 10, 300)
    return Data(X[:200], y[:200], X[200:], y[200:])


# --- FLOPs and matrix-multiply throughput -------------------------------------------------------


def test_mlp_flops_count_forward_weight_gradients_and_every_input_gradient_but_the_first() -> None:
    per_sample = 2 * 784 * 256 + 2 * 256 * 10  # forward
    per_sample += 2 * 784 * 256 + 2 * 256 * 10  # weight gradients
    per_sample += 2 * 256 * 10  # the gradient sent back to the hidden layer; none to the images
    assert machine.mlp_training_flops(1, (784, 256, 10)) == per_sample == 818_176
    assert machine.mlp_training_flops(60_000, (784, 256, 10)) == 60_000 * per_sample
    nominal = 3 * (2 * 784 * 256 + 2 * 256 * 10)  # forward, plus a backward counted as twice the forward
    assert machine.mlp_nominal_flops(1, (784, 256, 10)) == nominal == 1_219_584


def test_the_step_products_are_the_mlps_and_add_up_to_its_flops() -> None:
    products = machine.mlp_step_products(64, (784, 256, 10), np.random.default_rng(0))
    shapes = [(a.shape, b.shape) for a, b in products]
    assert shapes == [
        ((64, 784), (784, 256)),  # X @ W1
        ((784, 64), (64, 256)),  # X.T @ dZ1
        ((64, 256), (256, 10)),  # A1 @ W2
        ((256, 64), (64, 10)),  # A1.T @ dZ2
        ((64, 10), (10, 256)),  # dZ2 @ W2.T
    ]
    assert all(a.dtype == b.dtype == np.float32 for a, b in products)
    flops = sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in products)
    assert flops == machine.mlp_training_flops(64, (784, 256, 10))


def test_gemm_rates_are_flops_over_seconds() -> None:
    rate = machine.GemmRate("example", flops=3e9, seconds=0.5)
    assert rate.gflops == pytest.approx(6.0)
    assert rate.as_dict() == {"name": "example", "flops": 3e9, "seconds": 0.5, "gflops": pytest.approx(6.0)}
    measured = machine.network_gemm_rate(8, (16, 8, 4), repeats=2, rounds=2)
    assert measured.flops == machine.mlp_training_flops(8, (16, 8, 4))
    assert measured.seconds > 0


def test_the_machine_description_names_the_cpu_libraries_and_threads() -> None:
    described = machine.describe_machine()
    assert described["cpu"] and described["numpy"] == np.__version__
    assert described["usable_cores"] >= 1
    assert machine.blas_threads() >= 1
    assert machine.package_version("no-such-distribution-here") is None


# --- copy bandwidth and the bytes an epoch moves -------------------------------------------------


def test_the_copy_bandwidth_counts_the_bytes_read_and_written() -> None:
    rate = machine.CopyRate("example", array_bytes=10**9, seconds=0.5)
    assert rate.bytes_moved == 2 * 10**9 and rate.gb_per_second == pytest.approx(4.0)
    start = time.perf_counter()
    measured = machine.copy_bandwidth(4 * machine.MIB, rounds=3)
    assert time.perf_counter() - start < 5
    assert measured.array_bytes == 4 * machine.MIB and measured.bytes_moved == 8 * machine.MIB
    assert 0.1 < measured.gb_per_second < 10_000  # a real machine's copy rate, in GB/s
    assert measured.as_dict()["gb_per_second"] == measured.gb_per_second


def test_adding_two_float32_arrays_reads_two_and_writes_one() -> None:
    a, b = np.ones(1000, np.float32), np.ones(1000, np.float32)
    counted = traffic.count_bytes(lambda x, y: x + y, a, b)
    assert counted.total == 12_000 and dict(counted.by_operation) == {"add": 12_000}
    assert counted.largest == 4000


def test_matmul_reductions_and_in_place_updates_count_every_array_they_touch() -> None:
    def work(X: np.ndarray, W: np.ndarray) -> None:
        Z = X @ W  # reads 64 * 784 and 784 * 256 floats, writes 64 * 256
        Z.sum(axis=0)  # reads Z, writes 256
        np.maximum(Z, 0, out=Z)  # reads Z, writes Z
        Z *= 2.0

    X, W = np.ones((64, 784), np.float32), np.ones((784, 256), np.float32)
    counted = traffic.count_bytes(work, X, W)
    z = 64 * 256 * 4
    assert counted.by_operation["matmul"] == 4 * (64 * 784 + 784 * 256) + z
    assert counted.by_operation["add.reduce"] == z + 256 * 4
    assert counted.by_operation["maximum"] == 2 * z and counted.by_operation["multiply"] == 2 * z


def test_views_move_nothing_and_copies_gathers_and_assignments_move_their_bytes() -> None:
    def work(X: np.ndarray) -> None:
        X.reshape(10, 100).T[::2]  # views
        np.lib.stride_tricks.sliding_window_view(X, 3)
        np.lib.stride_tricks.as_strided(X, (10, 3), (8, 8))
        X[::2].copy()  # reads 500 numbers, writes 500
        X[np.array([1, 5, 7])]  # gathers 3 numbers with 3 int64 indices
        out = np.zeros(1000, np.float64)  # writes 1000 numbers
        out[:10] = X[:10]  # reads 10 numbers, writes 10
        out[10:20] += 1  # reads and writes 10 (the write-back of the view is not counted again)
        np.zeros_like(X)  # writes 1000 numbers, reads none
        np.result_type(X, out)  # reads only dtypes
        X[:4].argmax()  # reads 4 numbers, writes one int64

    counted = traffic.count_bytes(work, np.arange(1000.0))
    assert dict(counted.by_operation) == {
        ".copy()": 2 * 500 * 8,
        "gather (fancy indexing)": 2 * 3 * 8 + 3 * 8,
        "np.array": 3 * 8,  # the index array
        "np.zeros": 1000 * 8,
        "assignment A[key] = value": 2 * 10 * 8,
        "add": 2 * 10 * 8,
        "zeros_like": 1000 * 8,
        ".argmax()": 4 * 8 + 8,
    }


def test_traced_arrays_compute_what_plain_ones_do_and_come_back_traced() -> None:
    rng = np.random.default_rng(3)
    X, W = rng.random((5, 4)), rng.random((4, 3))
    counted = traffic.ByteCount()
    with counted.recording():
        got = np.exp(traffic.traced(X) @ W).max(axis=1)
    assert isinstance(got, traffic.Traced)
    np.testing.assert_array_equal(got, np.exp(X @ W).max(axis=1))
    assert counted.total > 0
    assert np.zeros(3).__class__ is np.ndarray  # NumPy is itself again after recording


def test_the_epoch_bytes_are_a_full_steps_times_the_full_batches_plus_the_partial_one(tiny_data: Data) -> None:
    counted = traffic.count_cnn_epoch(tiny_data, SMALL)
    assert counted["full_batches"] == 3 and counted["partial_batch"] == 200 - 3 * 64
    assert counted["bytes_per_epoch"] > 3 * counted["bytes_per_step"]
    assert counted["bytes_per_epoch"] < 4 * counted["bytes_per_step"]
    conv_output = 64 * 26 * 26 * 8 * 4  # the convolution's output for a batch, float32: the ReLU reads it whole
    assert counted["largest_array_bytes"] >= conv_output
    assert counted["bytes_per_step"] > 2 * conv_output + 2 * 64 * 784 * 4  # at least: the ReLU, the batch's gather
    names = [operation["operation"] for operation in counted["top_operations"]]
    assert "matmul" in names and sum(operation["share"] for operation in counted["top_operations"]) <= 1


def test_the_counter_sees_every_operation_of_a_step_written_any_way(tiny_data: Data) -> None:
    """A CNN whose forward pass moves more bytes must count more: the counter follows the code, not a model."""
    import reference.chapter4 as chapter4

    baseline = traffic.count_cnn_epoch(tiny_data, SMALL)["bytes_per_step"]
    original = chapter4.forward_cnn

    def wasteful_forward_cnn(X: np.ndarray, params: dict[str, np.ndarray]) -> Any:
        (X.copy() + 0).copy()  # a pointless round trip: a copy, an addition, another copy
        return original(X, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chapter4, "forward_cnn", wasteful_forward_cnn)
        wasteful = traffic.count_cnn_epoch(tiny_data, SMALL)["bytes_per_step"]
    images = 64 * 28 * 28 * 4  # a batch of float32 images
    assert wasteful - baseline == 6 * images  # copy: 2, addition: 2, copy: 2 (the scalar 0 counts nothing)


def test_the_bandwidth_fraction_is_the_bound_time_over_the_best_epoch() -> None:
    results = _results([_row("cnn", "numpy", [4.0, 2.0], 0.98)])
    results["bandwidth"] = {
        "memory": machine.CopyRate("copy", 2 * 10**8, 0.04).as_dict(),  # 10 GB/s
        "step_sized": machine.CopyRate("copy", 10**6, 0.0001).as_dict(),  # 20 GB/s
    }
    results["cnn_traffic"] = {"bytes_per_epoch": 15 * 10**9, "bytes_per_step": 16 * 10**6, "batch_size": 64}
    bound = report.complete(results)["cnn_bandwidth"]
    assert bound["bound_seconds"] == pytest.approx(1.5) and bound["fraction"] == pytest.approx(0.75)
    assert bound["step_sized_fraction"] == pytest.approx(0.375)
    assert bound["achieved_gb_per_second"] == pytest.approx(7.5)
    sentences = " ".join(report.bandwidth_sentences(results))
    assert "10.0 GB/s for 191 MiB arrays (main memory)" in sentences and "75% of the best epoch" in sentences
    assert "15.0 GB" in sentences and "16.0 MB per step of 64 images" in sentences
    results["cnn_traffic"] = {"error": "NotImplementedError: todo"}
    assert report.complete(results)["cnn_bandwidth"] is None
    assert "could not be counted: NotImplementedError" in report.render_markdown(results)


# --- the loop every row shares ----------------------------------------------------------------


def test_the_batch_plan_is_seeded_and_visits_every_sample_once_per_epoch() -> None:
    settings = Settings(epochs=3, batch_size=64)
    plan = batch_plan(150, settings)
    assert len(plan) == 3
    assert [len(batch) for batch in plan[0]] == [64, 64, 22]  # the last batch is partial
    for batches in plan:
        assert sorted(np.concatenate(batches).tolist()) == list(range(150))
    assert not np.array_equal(np.concatenate(plan[0]), np.concatenate(plan[1]))
    again = batch_plan(150, settings)
    assert all(
        np.array_equal(a, b)
        for epoch, other in zip(plan, again, strict=True)
        for a, b in zip(epoch, other, strict=True)
    )


def test_a_stepwise_run_warms_up_then_trains_one_epoch_of_the_plan_at_a_time() -> None:
    seen: list[int] = []
    run = stepwise_run(seen.append, [[1, 2, 3], [4, 5]], warmup_batches=2, evaluate=lambda: 0.5)
    run.warm_up()
    assert seen == [1, 2]
    assert run.epoch(1) >= 0 and seen == [1, 2, 4, 5]
    assert run.epoch(0) >= 0 and seen == [1, 2, 4, 5, 1, 2, 3]
    assert run.evaluate() == 0.5


@pytest.mark.parametrize("row", [row for row in ROWS if row.framework != "torch"], ids=lambda row: row.name)
def test_every_row_trains_and_reports_its_epochs_and_accuracy(row: Row, tiny_data: Data) -> None:
    trained = train_row(row, tiny_data, SMALL)
    assert len(trained.epoch_seconds) == SMALL.epochs
    assert 0 <= trained.test_accuracy <= 1


def test_a_parameter_that_leaves_float32_is_reported() -> None:
    require_float32({"W": np.zeros(2, np.float32)}, {"W": np.zeros(2, np.float32)})
    with pytest.raises(RuntimeError, match="b became float64"):
        require_float32({"W": np.zeros(2, np.float32), "b": np.zeros(2)})


def test_the_mlp_rows_learn_a_separable_problem() -> None:
    """Two classes that light up different pixels: both MLP loops must get them (nearly) all right."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 600)
    X = rng.random((600, 784), dtype=np.float32) * 0.1
    X[y == 0, :50] += 1
    X[y == 1, 50:100] += 1
    data = Data(X[:500], y[:500], X[500:], y[500:])
    for framework in ("numpy", "sklearn"):
        assert train_row(Row("mlp", framework), data, Settings(epochs=2, threads=1)).test_accuracy > 0.95


# --- PyTorch: the same networks, weights and optimizer --------------------------------------------


def _numpy_steps(network: str, X: np.ndarray, labels: np.ndarray, steps: int, settings: Settings) -> dict[str, Any]:
    """The reference's parameters after ``steps`` momentum steps on the same batch (oracle: reference katas)."""
    from reference.chapter3 import backward_mlp, forward_mlp
    from reference.chapter4 import backward_cnn, forward_cnn, momentum_update

    params = initial_parameters(network, settings.seed)
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    y = np.eye(10, dtype=np.float32)[labels]
    for _ in range(steps):
        if network == "mlp":
            A1, A2 = forward_mlp(X, params["W1"], params["b1"], params["W2"], params["b2"])
            grads = dict(
                zip(("W1", "b1", "W2", "b2"), backward_mlp(X, A1, A2, y, params["W1"], params["W2"]), strict=True)
            )
        else:
            _, cache = forward_cnn(X.reshape(-1, *IMAGE_SHAPE), params)
            grads = backward_cnn(y, params, cache)
        for name in params:
            velocity[name] = momentum_update(velocity[name], grads[name], settings.momentum, settings.lr(network))
            params[name] += velocity[name]
    return params


@pytest.mark.parametrize("network", ["mlp", "cnn"])
def test_torch_networks_hold_the_reference_weights_and_take_the_same_steps(network: str) -> None:
    torch = pytest.importorskip("torch")
    from kata.bench import torch_workloads

    torch.set_num_threads(1)
    settings = Settings(threads=1)
    rng = np.random.default_rng(2)
    X = rng.random((16, 784), dtype=np.float32)
    labels = rng.integers(0, 10, 16)
    params = initial_parameters(network, settings.seed)
    build = torch_workloads.mlp_module if network == "mlp" else torch_workloads.cnn_module
    model = build(params)
    inputs = torch.from_numpy(X if network == "mlp" else X.reshape(-1, 1, 28, 28))

    from reference.chapter3 import forward_mlp
    from reference.chapter4 import forward_cnn

    if network == "mlp":
        _, expected = forward_mlp(X, params["W1"], params["b1"], params["W2"], params["b2"])
    else:
        expected, _ = forward_cnn(X.reshape(-1, *IMAGE_SHAPE), params)
    with torch.no_grad():
        got = torch.softmax(model(inputs), dim=1).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)

    optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr(network), momentum=settings.momentum)
    for _ in range(3):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(inputs), torch.from_numpy(labels)).backward()
        optimizer.step()
    stepped = _numpy_steps(network, X, labels, 3, settings)
    back_in_torch = build(stepped)
    for ours, theirs in zip(back_in_torch.parameters(), model.parameters(), strict=True):
        np.testing.assert_allclose(theirs.detach().numpy(), ours.detach().numpy(), rtol=1e-4, atol=1e-6)


def test_the_torch_rows_train(tiny_data: Data) -> None:
    pytest.importorskip("torch")
    for network in ("mlp", "cnn"):
        trained = train_row(Row(network, "torch"), tiny_data, SMALL)
        assert len(trained.epoch_seconds) == 1 and 0 <= trained.test_accuracy <= 1


# --- rows to run, memory, profile ---------------------------------------------------------------


def test_rows_are_selected_by_network_or_name_and_pytorch_is_optional() -> None:
    rows, notes = command.select_rows(None, no_torch=False, torch_installed=True)
    assert rows == list(ROWS) and notes == []
    rows, notes = command.select_rows("mlp", no_torch=False, torch_installed=False)
    assert [row.name for row in rows] == ["mlp-numpy", "mlp-sklearn"]
    assert notes and "not installed" in notes[0]
    rows, notes = command.select_rows("cnn,mlp-torch", no_torch=True, torch_installed=True)
    assert [row.name for row in rows] == ["cnn-numpy"] and "--no-torch" in notes[0]
    rows, notes = command.select_rows("mlp-numpy", no_torch=False, torch_installed=False)
    assert [row.name for row in rows] == ["mlp-numpy"] and notes == []  # nothing of PyTorch's was asked for
    with pytest.raises(ValueError, match="unknown rnn"):
        command.select_rows("mlp,rnn", no_torch=False, torch_installed=True)


def test_each_round_starts_one_row_later() -> None:
    rows = list(ROWS[:3])
    assert [command.rotated(rows, turn) for turn in range(4)] == [
        rows,
        [rows[1], rows[2], rows[0]],
        [rows[2], rows[0], rows[1]],
        rows,
    ]
    assert command.rotated([], 2) == []


def test_bad_options_are_refused() -> None:
    with pytest.raises(SystemExit):
        command.parse_args(["--epochs", "0"])
    with pytest.raises(SystemExit):
        command.parse_args(["--threads", "0"])
    assert command.parse_args(["--quick", "--only", "mlp"]).only == "mlp"


PEAK_OF_A_40_MIB_BLOCK = """
import json
import numpy as np
from kata.bench import memory
with memory.PeakMemory() as peak:
    block = np.ones(40 * memory.MIB // 8)  # 40 MiB, every page touched
    del block
print(json.dumps(peak.as_dict()))
"""


def test_peak_memory_sees_an_allocation_inside_the_block() -> None:
    if memory.peak_rss_mib() is None:
        pytest.skip("no way to read the peak resident size on this system")
    # A fresh process, as each bench row is: in a test worker that already holds
    # freed memory, the block's pages can come from memory the process gives
    # back to the system during the block, so the peak need not rise.
    run = subprocess.run([sys.executable, "-c", PEAK_OF_A_40_MIB_BLOCK], capture_output=True, text=True, check=True)
    measured = json.loads(run.stdout)
    assert measured["training_mib"] is not None and measured["training_mib"] >= 35, measured
    assert measured["method"] != "unavailable"


def _sleeper(seconds: float) -> None:
    time.sleep(seconds)


def _outer() -> None:
    _sleeper(0.03)
    _sleeper(0.01)
    time.sleep(0.01)


def test_the_call_tree_splits_the_root_time_among_its_callees() -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    _outer()
    profiler.disable()
    code = _outer.__code__
    nodes = profiling.call_tree(pstats.Stats(profiler), (code.co_filename, code.co_firstlineno, code.co_name))
    assert nodes[0].depth == 0 and nodes[0].share == 1.0 and nodes[0].name.endswith(":_outer")
    children = {node.name.rsplit(":", 1)[-1]: node for node in nodes if node.depth == 1}
    assert children["_sleeper"].calls == 2 and children["_sleeper"].share > 0.6
    assert "<built-in method time.sleep>" in children  # the sleep _outer does itself
    assert sum(node.seconds for node in nodes if node.depth == 1) == pytest.approx(nodes[0].seconds, rel=0.05)


def _double(x: int) -> int:
    return 2 * x


def _triple(x: int) -> int:
    return 3 * x


def test_each_katas_contract_wrapper_has_a_line_of_its_own_in_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    double, triple = contract(x=Int(ge=1))(_double), contract(x=Int(ge=1))(_triple)
    assert double.__code__ is triple.__code__  # one wrapper function for every kata
    module = types.ModuleType("sometree.chapter9")
    module.double, module.triple = double, triple  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sometree.chapter9", module)
    profiling.name_contract_wrappers("sometree")
    profiling.name_contract_wrappers("sometree")  # named once
    assert double.__code__.co_name == "_double (contract)" and triple.__code__.co_name == "_triple (contract)"
    assert double(2) == 4 and triple(2) == 6
    with pytest.raises(ValueError, match="x"):
        double(0)

    def both() -> None:
        for _ in range(3):
            double(2)
        triple(2)

    profiler = cProfile.Profile()
    profiler.enable()
    both()
    profiler.disable()
    code = both.__code__
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    names = {key[2]: value[1] for key, value in table.items()}
    assert names["_double (contract)"] == 3 and names["_triple (contract)"] == 1
    assert profiling.call_tree(stats, (code.co_filename, code.co_firstlineno, code.co_name))[0].calls == 1


def test_project_functions_are_labelled_by_their_path() -> None:
    assert profiling.label((str(Path(profiling.__file__)), 1, "call_tree")) == "kata/bench/profiling.py:call_tree"
    assert profiling.label(("~", 0, "<built-in method time.sleep>")) == "<built-in method time.sleep>"
    assert profiling.label(("/somewhere/else/numeric.py", 3, "zeros_like")) == "numeric.py:zeros_like"


# --- ratios, targets and the report -------------------------------------------------------------


def _row(network: str, framework: str, seconds: list[float], accuracy: float) -> dict[str, Any]:
    row = report.summarize_row(Row(network, framework), Trained(seconds, accuracy))
    return {**row, "memory": {"training_mib": 12.5}}


def _results(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "command": "python -m kata.bench",
        "date": "2026-01-01 12:00 UTC",
        "machine": {
            "cpu": "Some CPU",
            "load_average": 0.25,
            "logical_cores": 2,
            "usable_cores": 2,
            "platform": "Linux",
            "python": "3.11.0",
            "numpy": "2.0.0",
            "blas": [{"internal_api": "openblas", "version": "0.3", "num_threads": 2, "architecture": "Haswell"}],
            "scikit-learn": "1.5.0",
            "torch": "2.0.0",
        },
        "settings": Settings().as_dict(),
        "data": {"n_train": 60_000, "n_test": 10_000},
        "threads": {"blas": 2, "torch": 2},
        "gemm": {
            "network": {"name": "MLP step", "flops": 1.0, "seconds": 1.0, "gflops": 100.0},
            "square": {"name": "square 2048x2048", "flops": 1.0, "seconds": 1.0, "gflops": 200.0},
        },
        "notes": [],
        "rows": rows,
    }


def test_ratios_and_targets_compare_every_row_with_the_reference() -> None:
    flops = machine.mlp_training_flops(60_000, (784, 256, 10))
    reference_mlp = flops / 60e9  # an epoch at 60 GFLOP/s: 60 % of the 100 GFLOP/s MLP-shaped rate
    results = report.complete(
        _results(
            [
                _row("mlp", "numpy", [reference_mlp * 1.1, reference_mlp], 0.975),
                _row("mlp", "sklearn", [reference_mlp * 2], 0.97),
                _row("mlp", "torch", [reference_mlp * 1.5], 0.976),
                _row("cnn", "numpy", [3.0, 3.3, 3.1], 0.981),
                _row("cnn", "torch", [1.5], 0.979),
            ]
        )
    )
    assert results["ratios"] == {
        "mlp-numpy": 1.0,
        "mlp-sklearn": pytest.approx(2.0),
        "mlp-torch": pytest.approx(1.5),
        "cnn-numpy": 1.0,
        "cnn-torch": pytest.approx(0.5),
    }
    efficiency = results["mlp_efficiency"]
    assert efficiency["computed_gflops"] == pytest.approx(60.0)
    assert efficiency["computed_fraction_of_network_gemm"] == pytest.approx(0.6)
    nominal = 60.0 * 1_219_584 / 818_176
    assert efficiency["nominal_gflops"] == pytest.approx(nominal)
    assert efficiency["nominal_fraction_of_network_gemm"] == pytest.approx(nominal / 100)
    assert efficiency["nominal_fraction_of_square_gemm"] == pytest.approx(nominal / 200)
    targets = {target["name"]: target for target in results["targets"]}
    assert targets["mlp-vs-torch"]["value"] == pytest.approx(1 / 1.5) and targets["mlp-vs-torch"]["met"]
    assert targets["mlp-vs-sklearn"]["value"] == pytest.approx(0.5) and targets["mlp-vs-sklearn"]["met"]
    assert targets["mlp-matmul-fraction"]["met"]
    assert targets["cnn-vs-torch"]["value"] == pytest.approx(2.0) and targets["cnn-vs-torch"]["met"] is False
    assert targets["cnn-accuracy"]["value"] == pytest.approx(0.2) and targets["cnn-accuracy"]["met"]


def test_without_pytorch_its_targets_are_not_measured_and_the_report_says_why() -> None:
    results = _results([_row("mlp", "numpy", [1.0], 0.97), _row("cnn", "numpy", [3.0], 0.98)])
    results["notes"] = ["PyTorch rows omitted: PyTorch is not installed."]
    results["machine"]["torch"] = None
    report.complete(results)
    targets = {target["name"]: target for target in results["targets"]}
    assert targets["mlp-vs-torch"]["met"] is None and targets["cnn-accuracy"]["met"] is None
    assert targets["mlp-vs-sklearn"]["met"] is None
    markdown = report.render_markdown(results)
    assert "PyTorch rows omitted" in markdown and "PyTorch not installed" in markdown
    assert "| reference MLP epoch / PyTorch MLP epoch | n/a | <= 0.8 | not measured |" in markdown


def test_the_markdown_table_shows_every_row_the_machine_and_failures(tmp_path: Path) -> None:
    failed = {**report.row_header(Row("mlp", "torch")), "error": "RuntimeError: out of memory"}
    results = report.complete(
        _results([_row("mlp", "numpy", [1.0, 3.0, 2.0], 0.9751), _row("mlp", "sklearn", [2.0], 0.97), failed])
    )
    results["profile"] = [
        {"name": "step", "depth": 0, "calls": 3, "seconds": 1.0, "share": 1.0},
        {"name": "conv_forward", "depth": 1, "calls": 3, "seconds": 0.25, "share": 0.25},
    ]
    markdown = report.render_markdown(results)
    assert "| 784-256-10 MLP | reference (NumPy) | 1.00 | 2.00 | 1.00 | 97.51 % | 12 |" in markdown  # best, median
    assert "| 784-256-10 MLP | scikit-learn MLPClassifier | 2.00 | 2.00 | 2.00 | 97.00 % | 12 |" in markdown
    assert "failed: RuntimeError: out of memory" in markdown
    assert "Some CPU, 2 cores usable of 2" in markdown and "openblas 0.3" in markdown
    assert "| &nbsp;&nbsp;conv_forward | 3 | 0.25 | 25.0% |" in markdown
    (tmp_path / "results.json").write_text(json.dumps(results))  # the results are plain JSON
    figure = report.bar_chart(results)
    assert isinstance(figure, Figure) and len(figure.axes) == 1
    bars = figure.axes[0].patches
    assert [bar.get_width() for bar in bars] == [1.0, 2.0]


def test_the_report_warns_when_the_machine_was_busy() -> None:
    results = report.complete(_results([_row("mlp", "numpy", [1.0], 0.97)]))
    assert report.busy_warning(results) is None
    assert "(load average 0.25 as the run began)" in report.render_markdown(results)
    results["machine"]["load_average"] = 3.0
    assert "busy" in report.render_markdown(results) and "3.0 on 2 cores" in str(report.busy_warning(results))
    results["machine"]["load_average"] = None  # not every system tells
    assert report.busy_warning(results) is None


# --- the README's block, generated from a run -----------------------------------------------------


def _full_results() -> dict[str, Any]:
    results = _results(
        [
            _row("mlp", "numpy", [0.7, 0.6], 0.979),
            _row("mlp", "sklearn", [1.0], 0.978),
            _row("mlp", "torch", [0.9], 0.979),
            _row("cnn", "numpy", [3.2, 3.0], 0.976),
            _row("cnn", "torch", [2.4], 0.975),
        ]
    )
    results["bandwidth"] = {"memory": machine.CopyRate("copy", 2**28, 0.04).as_dict()}
    results["cnn_traffic"] = {"bytes_per_epoch": 5 * 10**10, "bytes_per_step": 55 * 10**6, "batch_size": 64}
    return results


README_FIXTURE = f"""# Title

Prose before.

{readme.BEGIN}
<!-- bench-results:end digest=000000000000 -->

Prose after.
"""


def test_the_readme_block_is_generated_from_a_results_json(tmp_path: Path) -> None:
    results_json, readme_file = tmp_path / "results.json", tmp_path / "README.md"
    results_json.write_text(json.dumps(_full_results()))
    readme_file.write_text(README_FIXTURE)
    assert readme.main(results_json, readme_file) == 0
    text = readme_file.read_text()
    assert text.startswith("# Title\n\nProse before.\n\n") and text.endswith("\n\nProse after.\n")
    assert readme.check_block(text) == []
    assert "| 784-256-10 MLP | reference (NumPy) | 0.60 | 0.65 | 1.00 | 97.90 % | 12 |" in text
    assert "| CNN conv 8x3x3, pool 2x2, dense | PyTorch (CPU) | 2.40 | 2.40 | 0.80 | 97.50 % | 12 |" in text
    prose = " ".join(text.split())  # the block's prose is wrapped
    assert "Some CPU, 2 cores usable of 2" in prose and "NumPy 2.0.0 with openblas 0.3" in prose
    assert "scikit-learn 1.5.0, PyTorch 2.0.0" in prose and "Threads: 2 for NumPy's BLAS" in prose
    assert "13.4 GB/s for 256 MiB arrays" in prose and "moves 50.0 GB" in prose
    assert "One run of python -m kata.bench (2026-01-01 12:00 UTC)" in prose
    assert all(len(line) <= readme.WIDTH for line in text.splitlines() if not line.startswith(("|", "<!--")))
    again = readme.rewrite(text, _full_results())
    assert again == text  # generating twice from one run changes nothing


def test_a_hand_edit_or_a_row_the_benchmark_lacks_is_found() -> None:
    text = readme.rewrite(README_FIXTURE, _full_results())
    assert readme.check_block(text.replace("| 0.60 |", "| 0.50 |"))[0].startswith("the block was edited by hand")
    empty = readme.rewrite(README_FIXTURE, {**_full_results(), "rows": []})
    assert readme.check_block(empty) == ["rows the benchmark does not have: none at all"]
    failed = _full_results()
    failed["rows"][2] = {**report.row_header(Row("mlp", "torch")), "error": "RuntimeError: out of memory"}
    assert "not a row of a successful run" in readme.check_block(readme.rewrite(README_FIXTURE, failed))[0]
    swapped = _full_results()
    swapped["rows"].reverse()
    assert readme.check_block(readme.rewrite(README_FIXTURE, swapped)) == [
        "the rows are not in the benchmark's order, or repeat"
    ]
    odd = _full_results()
    odd["rows"][0]["implementation"] = "JAX"
    assert any("does not have" in problem for problem in readme.check_block(readme.rewrite(README_FIXTURE, odd)))
    assert readme.check_block("no markers here") and readme.check_block(README_FIXTURE + readme.BEGIN)


def test_the_readme_refuses_a_run_of_the_exercises_and_a_missing_marker(tmp_path: Path) -> None:
    results = _full_results()
    results["settings"]["impl"] = "exercises"
    with pytest.raises(ValueError, match="exercises"):
        readme.render_block(results)
    results_json, readme_file = tmp_path / "results.json", tmp_path / "README.md"
    results_json.write_text(json.dumps(_full_results()))
    readme_file.write_text("# no markers\n")
    assert readme.main(results_json, readme_file) == 2 and readme_file.read_text() == "# no markers\n"
    assert readme.main(tmp_path / "missing.json", readme_file) == 2


def test_the_readme_shows_a_generated_run_of_the_benchmark() -> None:
    """README.md's benchmark block is the generator's, untouched since, with rows the benchmark has;
    the section's prose around it states no figures of a run (they would not be regenerated)."""
    text = readme.README.read_text()
    assert readme.check_block(text) == []
    assert readme.figures_outside(text) == []


def test_figures_of_a_run_outside_the_block_are_found() -> None:
    block = readme.rewrite(README_FIXTURE, _full_results())
    section = f"{readme.SECTION}\n\nThe MLP reached 78 % of it.\n\n{block}\nIt took 3.30 s.\n\n## Next\n\nAt 9 GB/s.\n"
    assert readme.figures_outside(section) == ["78 %", "3.30 s"]  # the block's own and the next section's are fine
    assert readme.figures_outside(f"{readme.SECTION}\n\nBatch 64, float32, momentum 0.9.\n\n{block}") == []


def test_the_readme_option_rewrites_without_running_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[Path] = []
    monkeypatch.setattr(readme, "main", lambda path: called.append(path) or 0)
    assert command.main(["--readme", str(tmp_path / "results.json")]) == 0
    assert called == [tmp_path / "results.json"]


@pytest.mark.slow
def test_a_quick_run_writes_the_results_table_and_chart(tmp_path: Path, mnist: Any) -> None:
    status = command.main(["--quick", "--no-torch", "--only", "mlp-numpy,cnn-numpy", "--runs", str(tmp_path)])
    assert status == 0
    (folder,) = tmp_path.iterdir()
    results = json.loads((folder / "results.json").read_text())
    assert [row["row"] for row in results["rows"]] == ["mlp-numpy", "cnn-numpy"]
    assert all(0 <= row["test_accuracy"] <= 1 for row in results["rows"])
    assert results["profile"][0]["name"].endswith(":step")
    assert "| target | measured | limit | met |" in (folder / "results.md").read_text()
    assert results["cnn_traffic"]["bytes_per_epoch"] > 0 and results["bandwidth"]["memory"]["gb_per_second"] > 0
    assert results["cnn_bandwidth"]["fraction"] > 0
    assert "One epoch of the reference CNN moves" in (folder / "results.md").read_text()
    assert (folder / "bench.png").stat().st_size > 0
