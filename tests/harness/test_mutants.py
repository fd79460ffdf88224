"""Mutant declaration, patching and running."""

import subprocess
import sys

import pytest

from kata import mutants
from kata.trees import PROJECT_ROOT


def run_python(code: str) -> subprocess.CompletedProcess:
    # Patching the reference tree must not leak into this test session: use a fresh interpreter.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT)


def test_apply_replaces_every_reference_to_the_kata():
    result = run_python(
        "from kata import mutants\n"
        "m = mutants.apply('chapter1.shuffle_together:separate_permutations')\n"
        "import reference.chapter1 as package, reference.chapter1.toolkit as module\n"
        "assert package.shuffle_together is m.function and module.shuffle_together is m.function\n"
        "import exercises.chapter1 as learner\n"
        "assert learner.shuffle_together is not m.function\n"
        "print('patched')"
    )
    assert result.stdout.strip() == "patched", result.stderr


def test_unknown_mutant():
    with pytest.raises(LookupError, match=r"no mutant 'chapter1\.normalize:nope'"):
        mutants.apply("chapter1.normalize:nope")


def test_declarations_need_a_docstring_and_a_unique_name():
    with pytest.raises(ValueError, match="needs a docstring"):
        mutants.mutant("chapter1.normalize")(lambda X: X)

    def global_statistics(X):
        """A duplicate of a chapter-1 mutant's name."""

    mutants.load()
    with pytest.raises(ValueError, match="declared twice"):
        mutants.mutant("chapter1.normalize")(global_statistics)


def test_run_one_reports_the_killing_test():
    (declared,) = [m for m in mutants.load("chapter1") if m.id == "chapter1.sigmoid:wrong_sign"]
    outcome = mutants.run_one(declared)
    assert outcome.status == "killed", outcome.detail
    assert "tests/chapter1/test_math_functions.py::" in outcome.detail
