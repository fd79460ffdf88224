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
        "assert package.shuffle_together is module.shuffle_together\n"
        "assert package.shuffle_together.__wrapped__ is m.function, 'wrapped in the kata contract'\n"
        "import exercises.chapter1 as learner\n"
        "assert learner.shuffle_together.__wrapped__ is not m.function\n"
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


def test_a_mutant_runs_inside_the_kata_contract():
    result = run_python(
        "from kata import mutants, contracts\n"
        "import numpy as np\n"
        "mutants.apply('chapter1.normalize:global_statistics')\n"
        "import reference.chapter1 as package\n"
        "try:\n"
        "    package.normalize(np.ones(3))\n"
        "except contracts.ContractError as error:\n"
        "    print(error.arguments)\n"
    )
    assert result.stdout.strip() == "('X',)", result.stderr


def test_alternatives_are_declared_apart_from_mutants():
    (declared,) = [a for a in mutants.load("chapter1", "alternative") if a.id == "chapter1.sigmoid:tanh_form"]
    assert declared.kind == "alternative" and declared.expected == "accepted"
    assert all(m.kind == "mutant" for m in mutants.load("chapter1"))
    with pytest.raises(LookupError, match=r"no alternative 'chapter1\.sigmoid:wrong_sign'"):
        mutants.apply("chapter1.sigmoid:wrong_sign", "alternative")


def test_run_one_accepts_a_correct_alternative():
    (declared,) = [a for a in mutants.load("chapter1", "alternative") if a.id == "chapter1.sigmoid:tanh_form"]
    outcome = mutants.run_one(declared)
    assert outcome.status == "accepted", outcome.detail


def test_a_rejected_alternative_names_the_test():
    chosen = mutants.Mutant("alternative", "chapter1.sigmoid", "wrong", "a wrong one", lambda Z: Z)
    outcome = mutants.outcome(chosen, 1, "FAILED tests/chapter1/test_math_functions.py::test_x[reference] - boom")
    assert outcome.status == "rejected" and "test_math_functions.py::test_x" in outcome.detail


def test_an_edit_changes_the_reference_source_and_fails_loudly_once_the_text_is_gone():
    import numpy as np

    edited = mutants.edited("chapter1.sigmoid", ("Z >= 0", "Z <= 0"))
    assert edited(np.array([2.0]))[0] < 0.5, "the edited body computes sigma(-z)"
    with pytest.raises(LookupError, match=r"'no such text' appears 0 times in math_functions\.py's sigmoid"):
        mutants.edited("chapter1.sigmoid", ("no such text", ""))
