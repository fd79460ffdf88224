"""Maintainers' checks of the two trees (run with ``pytest --authoring`` or ``nox -s authoring``).

They fail on a learner's clone once stubs are solved: that is expected, which
is why a plain ``pytest`` leaves them out.
"""

import ast
import inspect

import pytest

from kata import mutants, stubs
from kata.trees import PROJECT_ROOT, Implementation, chapters, katas

pytestmark = pytest.mark.authoring
TESTS = PROJECT_ROOT / "tests"


def test_exercises_are_the_stubs_of_reference():
    problems = stubs.differences()
    assert not problems, "exercises/ differs from the stubs of reference/ (run `python -m kata.stubs`):\n\n" + (
        "\n\n".join(problems)
    )


@pytest.mark.parametrize("chapter", chapters())
def test_both_trees_export_the_same_katas_with_the_same_signatures(chapter):
    exercises, reference = Implementation("exercises"), Implementation("reference")
    exercise_package, reference_package = getattr(exercises, chapter), getattr(reference, chapter)
    assert exercise_package.__all__ == reference_package.__all__
    for name in reference_package.__all__:
        solution, stub = getattr(reference_package, name), getattr(exercise_package, name)
        assert inspect.signature(stub) == inspect.signature(solution), f"{chapter}.{name}: signatures differ"
        assert inspect.getdoc(stub) == inspect.getdoc(solution), f"{chapter}.{name}: docstrings differ"
        assert stub.__module__.split(".")[1:] == solution.__module__.split(".")[1:], f"{chapter}.{name}: modules differ"


@pytest.mark.parametrize("kata", katas(), ids=lambda kata: kata.qualname)
def test_every_stub_is_unsolved(kata):
    tree = ast.parse(kata.module_path("exercises").read_text())
    (function,) = (node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == kata.name)
    docstring, statement = function.body
    assert isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
    assert isinstance(statement, ast.Raise) and isinstance(statement.exc, ast.Call)
    assert getattr(statement.exc.func, "id", None) == "NotImplementedError"


@pytest.mark.parametrize("kata", katas(), ids=lambda kata: kata.qualname)
def test_every_reference_kata_has_a_spec(kata):
    doc = inspect.getdoc(kata.function("reference"))
    assert doc and len(doc.splitlines()) >= 3, f"{kata.qualname} needs a docstring that specifies the kata"
    hints = inspect.get_annotations(kata.function("reference"))
    assert "return" in hints, f"{kata.qualname} needs a return annotation"
    parameters = inspect.signature(kata.function("reference")).parameters
    assert all(name in hints for name in parameters), f"{kata.qualname}: every parameter needs a type hint"


def _marked_katas() -> set[str]:
    """Kata names of every ``kata("...")`` marker in the test files (string literals, by convention)."""
    marked = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "kata" and node.args:
                argument = node.args[0]
                assert isinstance(argument, ast.Constant), f"{path}:{node.lineno}: write the kata name as a literal"
                marked.add(argument.value)
    return marked


def _all() -> set[str]:
    return {kata.qualname for kata in katas()}


def test_every_kata_is_tested():
    untested = sorted(_all() - _marked_katas())
    assert not untested, f"katas without any test marked @pytest.mark.kata(...): {untested}"


def test_every_kata_has_mutants():
    counts = {name: 0 for name in _all()}
    for declared in mutants.load():
        assert declared.kata in counts, f"mutant {declared.id} names an unknown kata"
        counts[declared.kata] += 1
    lonely = sorted(name for name, count in counts.items() if count == 0)
    assert not lonely, f"katas without a mutant in tests/<chapter>/mutants.py: {lonely}"
    thin = sorted(name for name, count in counts.items() if name.startswith("chapter1.") and count < 2)
    assert not thin, f"chapter 1 ships at least two mutants per kata; these have fewer: {thin}"
