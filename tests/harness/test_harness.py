"""The pytest harness end to end: a learner's copy with stubs, a wrong answer and a blocked kata."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kata.stubs import expected_exercises
from kata.trees import PROJECT_ROOT

WRONG_NORMALIZE = """
def normalize(X):
    return (X - X.mean()) / X.std()
"""

BLOCKED_SPLIT = """
def train_test_split(X, y, test_fraction, rng):
    X, y = shuffle_together(X, y, rng)
    n_test = -(-len(X) * test_fraction // 1)
    return X[: len(X) - n_test], X[len(X) - n_test :], y[: len(X) - n_test], y[len(X) - n_test :]
"""


@pytest.fixture(scope="module")
def learner_copy(tmp_path_factory) -> Path:
    """A copy of the project where the learner got normalize wrong and wrote a train_test_split
    that calls their own (still a stub) shuffle_together."""
    root = tmp_path_factory.mktemp("learner")
    for name in ("kata", "exercises", "reference", "pyproject.toml"):
        source = PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    for relative, text in expected_exercises().items():  # the stubs, even where the real exercises are solved
        (root / "exercises" / relative).write_text(text)
    (root / "tests").mkdir()
    shutil.copy(PROJECT_ROOT / "tests" / "conftest.py", root / "tests")
    shutil.copytree(PROJECT_ROOT / "tests" / "chapter1", root / "tests" / "chapter1")
    arrays = root / "exercises" / "chapter1" / "arrays.py"
    arrays.write_text(arrays.read_text().split("\n\n@contract")[0] + "\n" + WRONG_NORMALIZE)
    toolkit = root / "exercises" / "chapter1" / "toolkit.py"
    source = toolkit.read_text()
    start = source.index("def train_test_split(")
    end = source.index("\ndef ", start + 1)
    toolkit.write_text(source[:start] + BLOCKED_SPLIT.strip() + "\n\n" + source[end:])
    return root


def run_pytest(root: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/chapter1", "--impl", "exercises"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=root)


def progress_rows(output: str) -> list[list[str]]:
    """The rows of the progress table: the header, then one per chapter."""
    lines = output.split("kata progress: exercises/")[1].splitlines()
    return [line.split() for line in lines if line.startswith("chapter")]


def test_todo_wrong_and_blocked_katas(learner_copy):
    result = run_pytest(learner_copy, "-rs", "--kata", "normalize", "--kata", "train_test_split", "--kata", "sigmoid")
    output = result.stdout
    assert result.returncode == 1, output
    assert "todo: exercises.chapter1.math_functions.sigmoid" in output
    assert "todo: exercises.chapter1.toolkit.shuffle_together" in output, "a blocked kata names the stub it reached"
    assert "normalize(X): values differ" in output and "expected:" in output and "got:" in output
    assert progress_rows(output)[1] == ["chapter1", "0", "2", "1", "0"], output
    assert "next: chapter1.normalize (wrong: tests/chapter1/test_arrays.py::" in output


def test_test_ids_end_with_the_implementation(learner_copy):
    result = run_pytest(learner_copy, "--collect-only", "-q", "--impl", "both", "--kata", "chapter1.sigmoid")
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    assert ids and all(re.search(r"[\[-](exercises|reference)\]$", line) for line in ids), ids
    assert sum(line.endswith("exercises]") for line in ids) == sum(line.endswith("reference]") for line in ids)


def test_unknown_kata_gets_a_suggestion(learner_copy):
    result = run_pytest(learner_copy, "--kata", "normalise")
    assert result.returncode == 4
    assert "did you mean" in result.stderr and "normalize" in result.stderr


NEEDS_DATA = """
import pytest


@pytest.mark.kata("chapter1.normalize")
def test_normalize_on_mnist(impl, mnist):
    assert impl.chapter1.normalize(mnist.X_test[:10]).shape == (10, 784)


@pytest.mark.slow
@pytest.mark.kata("chapter1.sigmoid")
def test_sigmoid_on_mnist(impl, mnist):
    assert impl.chapter1.sigmoid(mnist.X_test[:10]).shape == (10, 784)
"""


@pytest.fixture(scope="module")
def solved_copy(tmp_path_factory) -> Path:
    """A copy of the project whose chapter 1 is solved, with two kata tests that need MNIST."""
    root = tmp_path_factory.mktemp("solved")
    for name in ("kata", "reference", "pyproject.toml"):
        source = PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    shutil.copytree(root / "reference", root / "exercises")
    (root / "tests").mkdir()
    shutil.copy(PROJECT_ROOT / "tests" / "conftest.py", root / "tests")
    shutil.copytree(PROJECT_ROOT / "tests" / "chapter1", root / "tests" / "chapter1")
    (root / "tests" / "offline").mkdir()
    (root / "tests" / "offline" / "test_needs_data.py").write_text(NEEDS_DATA)
    (root / "empty").mkdir()
    return root


def offline_env(root: Path) -> dict[str, str]:
    return {**os.environ, "KATA_DATA_DIR": str(root / "cache"), "KATA_DATA_MIRROR": str(root / "empty"), "CI": "",
            "KATA_REQUIRE_DATA": ""}  # fmt: skip


def test_an_offline_run_says_once_how_many_tests_lacked_data_and_how_to_fix_it(solved_copy):
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "tests/offline",
        "tests/chapter1/test_arrays.py",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=solved_copy, env=offline_env(solved_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    summary = [line for line in result.stdout.splitlines() if "skipped because" in line]
    assert summary == [
        "4 tests were skipped because MNIST is not available here. To run them: kata data download (online), or set "
        "KATA_DATA_MIRROR to a folder or URL that holds <dataset>/<file>.gz, or put the .gz files into "
        "data_cache/<dataset>/ (kata data where shows the folders)."
    ], result.stdout
    assert progress_rows(result.stdout)[1] == ["chapter1", "0", "0", "0", "2"], "not done: some tests did not run"
    assert "no kata is wrong or todo; 2 skipped: some of their tests could not run" in result.stdout


def test_a_kata_whose_deselected_tests_lack_data_is_not_done(solved_copy, tmp_path):
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/offline", "tests/chapter1",
               "--impl", "exercises", "-m", "not slow", "--kata-report", str(report)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=solved_copy, env=offline_env(solved_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    katas = json.loads(report.read_text())["katas"]
    assert katas["chapter1.sigmoid"] == {
        "status": "skipped",
        "detail": "needs MNIST, not on this machine (kata data download)",
    }
    assert katas["chapter1.normalize"]["status"] == "skipped"
    assert katas["chapter1.one_hot"]["status"] == "done"


def test_the_table_and_the_report_are_the_same_under_xdist(learner_copy, tmp_path):
    pytest.importorskip("xdist")
    outcomes = []
    for workers in ((), ("-n", "2")):
        report = tmp_path / f"report{len(workers)}.json"
        result = run_pytest(learner_copy, "--kata-report", str(report), "--kata-no-shrink", *workers)
        assert result.returncode == 1, result.stdout + result.stderr
        table = progress_rows(result.stdout)
        written = json.loads(report.read_text())
        for failure in written["failures"]:
            failure.pop("message")  # hypothesis's example may differ from worker to worker
        written["failures"].sort(key=lambda failure: failure["nodeid"])
        outcomes.append((table, written))
    serial, parallel = outcomes
    assert parallel[0] == serial[0] and serial[0][1] == ["chapter1", "0", "10", "1", "0"], serial[0]
    assert parallel[1] == serial[1]
    assert serial[1]["katas"]["chapter1.normalize"]["status"] == "wrong"
    assert serial[1]["tests"]["failed"] >= 1 and serial[1]["tests"]["todo"] >= 10
