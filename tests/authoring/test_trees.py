"""Maintainers' checks of the two trees (run with ``pytest --authoring`` or ``nox -s authoring``).

They fail on a learner's clone once stubs are solved: that is expected, which
is why a plain ``pytest`` leaves them out.
"""

import ast
import copy
import inspect
import re

import pytest

from kata import compare, mutants, records, stubs
from kata.contracts import contract_of
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


MAX_DOCSTRING_LINES = 40  # the spec; the method belongs in the kata's hints (katas.toml)


@pytest.mark.parametrize("kata", katas(), ids=lambda kata: kata.qualname)
def test_docstrings_are_specs_not_tutorials(kata):
    lines = len((inspect.getdoc(kata.function("reference")) or "").splitlines())
    assert lines <= MAX_DOCSTRING_LINES, (
        f"{kata.qualname}'s docstring has {lines} lines (at most {MAX_DOCSTRING_LINES}): keep the goal, formula, "
        "shapes, dtypes and tested contract; move the how into its hints in katas.toml"
    )


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


def _needs_two_alternatives(name: str) -> bool:
    """Backward passes and training loops: the katas with the most ways to be right."""
    parameters = inspect.signature(find_function(name)).parameters
    return "backward" in name or bool({"lr", "learning_rate", "num_epochs", "num_iterations"} & set(parameters))


def find_function(name: str):
    (kata,) = [kata for kata in katas() if kata.qualname == name]
    return kata.function("reference")


def test_every_kata_has_alternatives():
    counts = {name: 0 for name in _all()}
    for declared in mutants.load(kind="alternative"):
        assert declared.kata in counts, f"alternative {declared.id} names an unknown kata"
        counts[declared.kata] += 1
    missing = sorted(name for name, count in counts.items() if count == 0)
    assert not missing, f"katas without an alternative in tests/<chapter>/alternatives.py: {missing}"
    thin = sorted(name for name, count in counts.items() if count < 2 and _needs_two_alternatives(name))
    assert not thin, f"backward passes and training loops declare at least two alternatives; these have one: {thin}"


@pytest.mark.parametrize("kata", katas(), ids=lambda kata: kata.qualname)
def test_every_kata_declares_its_input_contract(kata):
    function = kata.function("reference")
    if inspect.signature(function).parameters:
        assert contract_of(function) is not None, f"{kata.qualname}: declare its input rules with @contract(...)"


@pytest.mark.parametrize("tree", ["reference", "exercises"])
def test_no_hand_written_argument_checks_module(tree):
    leftovers = sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / tree).rglob("*.py")
        if path.name == "_checks.py" or "_checks import" in path.read_text()
    )
    assert not leftovers, f"argument checks belong in each kata's @contract, not in _checks: {leftovers}"


def _katas_of(function: ast.FunctionDef, assignments: dict[str, ast.expr]) -> set[str]:
    """The kata names in a test function's decorators (following names bound at module level)."""
    found = set()
    for decorator in function.decorator_list:
        expressions = [decorator]
        if isinstance(decorator, ast.Name) and decorator.id in assignments:
            expressions.append(assignments[decorator.id])
        for expression in expressions:
            for node in ast.walk(expression):
                if isinstance(node, ast.Constant) and re.fullmatch(r"chapter\d+\.\w+", str(node.value)):
                    found.add(node.value)
    return found


def test_no_kata_test_matches_text_the_learner_writes():
    """A kata test may check an error's wording only where the docstring states it:
    ``rejects(...)`` checks the contract's own message, ``raises_containing(...)`` the
    text a docstring says "the message must contain"; ``pytest.raises(match=...)`` never."""
    docstrings = {
        kata.qualname: " ".join((inspect.getdoc(kata.function("reference")) or "").split()) for kata in katas()
    }
    problems = []
    for path in sorted(TESTS.glob("chapter*/test_*.py")):
        tree = ast.parse(path.read_text())
        assignments = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for function in (node for node in tree.body if isinstance(node, ast.FunctionDef)):
            for call in (node for node in ast.walk(function) if isinstance(node, ast.Call)):
                name = getattr(call.func, "attr", getattr(call.func, "id", None))
                where = f"{path.relative_to(PROJECT_ROOT)}:{call.lineno}"
                if name == "raises" and any(keyword.arg == "match" for keyword in call.keywords):
                    problems.append(f"{where}: pytest.raises(match=...) matches text the learner writes")
                if name == "raises_containing":
                    silent = [
                        k for k in _katas_of(function, assignments) if "message must contain" not in docstrings[k]
                    ]
                    if silent:
                        problems.append(f"{where}: the docstring of {', '.join(silent)} states no message text")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kata", katas(), ids=lambda kata: kata.qualname)
def test_the_record_agrees_with_the_module(kata):
    """A module docstring that opens with a section number (``1.4 The NumPy toolkit``)
    names the section of each of its katas' records."""
    found = records.record(kata)
    assert found is not None, f"reference/{kata.chapter}/katas.toml has no [{kata.name}] record"
    opening = (ast.get_docstring(ast.parse(kata.module_path("reference").read_text())) or "").split()[:1]
    if opening and re.fullmatch(r"\d+\.\d+", opening[0]):
        assert found.section == opening[0], f"{kata.qualname}: record says {found.section}, module {opening[0]}"


@pytest.mark.parametrize("kata", katas(), ids=lambda kata: kata.qualname)
def test_every_kata_has_an_example_the_reference_accepts(kata, tmp_path, monkeypatch):
    """The record's ``[name.example]``: its keys are the signature's (in order, every required one),
    it evaluates, and the reference returns a result on it (``kata compare`` and the bad-input tests use it)."""
    monkeypatch.setenv("KATA_STATE_DIR", str(tmp_path))  # where an example that writes files writes them
    problems = records.example_problems(kata)
    assert not problems, "\n".join(problems)
    args, kwargs = records.example_for(kata.qualname, seed=0)
    result = compare._materialize(kata.function("reference")(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    assert result is not None, f"{kata.qualname}: the reference returned None on its example"
