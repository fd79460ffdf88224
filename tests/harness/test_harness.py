"""The pytest harness end to end: a learner's copy with stubs, a wrong answer and a blocked kata."""

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


def test_todo_wrong_and_blocked_katas(learner_copy):
    result = run_pytest(learner_copy, "-rs", "--kata", "normalize", "--kata", "train_test_split", "--kata", "sigmoid")
    output = result.stdout
    assert result.returncode == 1, output
    assert "todo: exercises.chapter1.math_functions.sigmoid" in output
    assert "todo: exercises.chapter1.toolkit.shuffle_together" in output, "a blocked kata names the stub it reached"
    assert "normalize(X): values differ" in output and "expected:" in output and "got:" in output
    lines = output.split("kata progress: exercises/")[1].splitlines()
    assert lines[2].split() == ["chapter1", "0", "2", "1", "0"], output
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
