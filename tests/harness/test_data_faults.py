"""Faults of the machine, not of the data: concurrent repairs, an unwritable or full cache, a bad mirror."""

import errno
import gzip
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from kata import data
from kata.data import DatasetSpec, DataUnavailableError
from kata.trees import PROJECT_ROOT

# A process that waits for the starting signal, then loads the dataset "tiny" through the cache.
LOADER = """
import json, os, sys, time
from pathlib import Path
from kata import data
spec = json.loads(os.environ["TINY_SPEC"])
data.DATASETS["tiny"] = data.DatasetSpec(name="tiny", title="Tiny", mirrors=(), sha256=spec, class_names=("0",) * 10)
start = Path(os.environ["TINY_START"])
(start.parent / f"{start.name}-ready-{os.getpid()}").touch()
while not start.exists():
    time.sleep(0.002)
dataset = data.load_idx_dataset("tiny", progress=False)
assert dataset.X_train.shape == (20000, 784), dataset.X_train.shape
print("ok")
"""


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(size.to_bytes(4, "big") for size in array.shape)
    return header + array.astype(np.uint8).tobytes()


def tiny_payloads(n_train: int = 20000) -> dict[str, bytes]:
    """A dataset of MNIST's layout, large enough (16 MB) that hashing and writing it take a while."""
    rng = np.random.default_rng(0)
    return {
        "train-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (n_train, 28, 28))),
        "train-labels-idx1-ubyte": idx_bytes(rng.integers(0, 10, n_train)),
        "t10k-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (50, 28, 28))),
        "t10k-labels-idx1-ubyte": idx_bytes(rng.integers(0, 10, 50)),
    }


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """The dataset "tiny" registered in this process, in a mirror folder; the cache is empty."""
    payloads = tiny_payloads(n_train=30)
    mirror = tmp_path / "mirror"
    (mirror / "tiny").mkdir(parents=True)
    for name, payload in payloads.items():
        (mirror / "tiny" / f"{name}.gz").write_bytes(gzip.compress(payload, compresslevel=1))
    spec = DatasetSpec("tiny", "Tiny", (), {name: data.sha256_hex(p) for name, p in payloads.items()}, ("0",) * 10)
    monkeypatch.setitem(data.DATASETS, "tiny", spec)
    monkeypatch.setenv("KATA_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KATA_DATA_MIRROR", str(mirror))
    return payloads


def concurrent_repair_trials(root: Path, *, processes: int, trials: int) -> list[list[str]]:
    """Run ``trials`` rounds of ``processes`` loaders started at once on a cache whose every file is corrupt.

    Returns, per trial, the failures (stderr of each process that did not print ok).
    """
    payloads = tiny_payloads()
    mirror, cache = root / "mirror", root / "cache"
    (mirror / "tiny").mkdir(parents=True, exist_ok=True)
    for name, payload in payloads.items():
        (mirror / "tiny" / f"{name}.gz").write_bytes(gzip.compress(payload, compresslevel=1))
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "KATA_DATA_DIR": str(cache),
        "KATA_DATA_MIRROR": str(mirror),
        "TINY_SPEC": json.dumps({name: data.sha256_hex(payload) for name, payload in payloads.items()}),
    }
    outcomes = []
    for trial in range(trials):
        (cache / "tiny").mkdir(parents=True, exist_ok=True)
        for name, payload in payloads.items():
            (cache / "tiny" / name).write_bytes(payload[: len(payload) // 2])  # truncated: fails its hash
        start = root / f"start-{trial}"
        env["TINY_START"] = str(start)
        running = [
            subprocess.Popen(
                [sys.executable, "-c", LOADER], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(processes)
        ]
        while len(list(root.glob(f"{start.name}-ready-*"))) < processes:  # until every process waits
            time.sleep(0.01)
        start.touch()
        failures = []
        for process in running:
            out, err = process.communicate(timeout=120)
            if process.returncode != 0 or out.decode().strip() != "ok":
                failures.append(err.decode()[-500:])
        outcomes.append(failures)
    return outcomes


def test_several_processes_repair_a_corrupt_cache_at_once(tmp_path):
    outcomes = concurrent_repair_trials(tmp_path, processes=3, trials=3)
    survived = sum(not failures for failures in outcomes)
    assert survived == len(outcomes), f"{survived} of {len(outcomes)} trials survived: {outcomes}"
    cache = tmp_path / "cache" / "tiny"
    assert all((cache / name).read_bytes() == payload for name, payload in tiny_payloads().items())
    assert not [path.name for path in cache.iterdir() if path.name.startswith(".")], "no temporary file left"


def test_a_cache_folder_that_cannot_be_written_is_one_paragraph(tiny, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("KATA_DATA_DIR", str(not_a_folder))
    with pytest.raises(DataUnavailableError) as error:
        data.load_idx_dataset("tiny", progress=False)
    message = str(error.value)
    assert message.startswith(f"Cannot save Tiny in the data cache {not_a_folder / 'tiny'} (")
    assert "KATA_DATA_DIR" in message and "\n" not in message

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setenv("KATA_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(data.tempfile, "mkstemp", refused)
    with pytest.raises(DataUnavailableError, match=r"\(Permission denied\)\. Set KATA_DATA_DIR to a folder"):
        data.fetch("tiny", progress=False)


def test_a_full_disk_is_found_before_the_download_and_while_writing(tiny, monkeypatch):
    usage = data.shutil.disk_usage

    def nearly_full(path):
        return usage(path)._replace(free=10 * 2**20)

    monkeypatch.setattr(data.shutil, "disk_usage", nearly_full)
    with pytest.raises(DataUnavailableError, match=r"has 10 MiB free; Tiny needs about 64 MiB\. Free some space"):
        data.fetch("tiny", progress=False)
    monkeypatch.setattr(data.shutil, "disk_usage", usage)

    def full(path, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(data, "write_atomically", full)
    with pytest.raises(DataUnavailableError, match=r"is full \(No space left on device\) while saving Tiny"):
        data.fetch("tiny", progress=False)


def test_a_mirror_folder_that_does_not_exist_is_named_before_any_download(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_DATA_MIRROR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(data, "_fetch_payload", lambda *args: pytest.fail("nothing may be fetched"))
    with pytest.raises(DataUnavailableError) as error:
        data.fetch("tiny", progress=False)
    assert str(error.value).startswith(f"KATA_DATA_MIRROR is set to {tmp_path / 'nowhere'}, which is not a folder")


def test_a_mirror_that_never_answers_costs_seconds_once(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "READ_TIMEOUT", 0.5)
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        started = time.perf_counter()
        with pytest.raises(DataUnavailableError) as error:
            data.fetch("tiny", folder=tmp_path / "empty", sources=[url], progress=False)
        seconds = time.perf_counter() - started
    message = str(error.value)
    assert message.count("connected, but did not answer within 0.5 s") == 1, message
    assert "could not connect" not in message
    assert seconds < 5, f"{seconds:.1f} s for a silent mirror"


def test_the_data_fixtures_skip_with_the_message_when_the_cache_cannot_be_written(tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    env = {**os.environ, "KATA_DATA_DIR": str(not_a_folder), "CI": "", "KATA_REQUIRE_DATA": ""}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-m", "slow",
         "tests/harness/test_data.py::test_mnist_as_published"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout and "Cannot save MNIST in the data cache" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout and "PermissionError" not in result.stdout
    assert "1 test was skipped because MNIST is not available here. To run it:" in result.stdout
