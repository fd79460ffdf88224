"""``kata status``: done / wrong / todo per kata, fast, cached, with the next kata to do."""

import ast
import json
import re
import time

import pytest

from kata import runner, status
from kata.trees import Kata, find_kata, katas

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


NO_PYTEST = {"PYTEST_PLUGINS": "no_such_plugin"}  # pytest would not start: proves it was not run
ENDLESS_SIGMOID = """
def sigmoid(Z):
    while True:
        Z = Z + 0
"""


def kata_lines(output):
    """``{kata name: (status, rest of the line)}`` from the status listing."""
    found = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] in ("done", "wrong", "todo", "skipped"):
            found[words[2]] = (words[0], " ".join(words[3:]))
    return found


def function_node(source, name="f"):
    return next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef) and node.name == name)


@pytest.mark.parametrize(
    ("source", "stub"),
    [
        ('def f(x):\n    """Doc."""\n    raise NotImplementedError("todo: f")', True),
        ("def f(x):\n    raise NotImplementedError", True),
        ('def f(x):\n    """Doc."""\n    return x', False),
        ('def f(x):\n    """Doc."""\n    y = x\n    raise NotImplementedError("todo: f")', False),
        ('def f(x):\n    """Doc."""\n    raise ValueError("x")', False),
    ],
)
def test_a_stub_is_recognized_by_its_body(source, stub):
    assert status.is_stub_body(function_node(source)) is stub


def test_written_state_reads_the_file_without_importing_it(tmp_path, monkeypatch):
    module = tmp_path / "arrays.py"
    monkeypatch.setattr(Kata, "module_path", lambda self, tree: module if tree == "exercises" else tmp_path)
    monkeypatch.setattr(status, "PROJECT_ROOT", tmp_path)
    kata = Kata("chapter1", "arrays", "normalize")
    module.write_text(
        'import nothing_that_exists\n\ndef normalize(X):\n    """Doc."""\n    raise NotImplementedError\n'
    )
    assert status.written_state(kata) == "stub"
    module.write_text("def normalize(X):\n    return X\n")
    assert status.written_state(kata) == "written"
    module.write_text("def normalize(X):\n    return X +\n")
    assert status.written_state(kata).startswith("syntax error in arrays.py, line 2")
    module.write_text("def something_else():\n    pass\n")
    assert "has no function normalize" in status.written_state(kata)


def test_a_chapter_depends_on_the_chapters_it_imports(tmp_path, monkeypatch):
    for chapter, source in (("chapter1", ""), ("chapter2", "from ..chapter1 import sigmoid\n"),
                            ("chapter3", "from ..chapter2 import loss\nfrom .mlp import forward\n")):  # fmt: skip
        (tmp_path / chapter).mkdir()
        (tmp_path / chapter / "module.py").write_text(source)
    monkeypatch.setattr(status, "EXERCISES", tmp_path)
    assert status.imported_chapters("chapter3") == {"chapter1", "chapter2", "chapter3"}
    assert status.imported_chapters("chapter1") == {"chapter1"}


def test_kata_named_by_the_stub_it_reached():
    assert status.kata_for_function("exercises.chapter1.toolkit.shuffle_together") == find_kata("shuffle_together")
    assert status.kata_for_function("exercises.chapter1.toolkit._helper") is None


def test_fresh_copy_is_all_todo_without_running_tests(project, run_kata):
    # pytest would refuse to start with NO_PYTEST: the stubs are recognized without it.
    result = run_kata(project, "status", env=NO_PYTEST)
    assert result.returncode == 0, result.stderr
    lines = kata_lines(result.stdout)
    assert len(lines) == 11 and {entry[0] for entry in lines.values()} == {"todo"}, result.stdout
    assert "0 done  0 wrong  11 todo" in result.stdout
    assert "0 of 11 katas done." in result.stdout
    assert "Next: chapter1.normalize (todo) in exercises/chapter1/arrays.py" in result.stdout
    names = list(lines)
    assert names[:4] == ["normalize", "matrix_multiply", "matrix_multiply_loops", "sigmoid"], "course order"


def test_solved_chapter_is_done_and_cached(project, run_kata, solve):
    solve(project, "chapter1")
    result = run_kata(project, "status")
    assert result.returncode == 0, result.stderr
    assert {entry[0] for entry in kata_lines(result.stdout).values()} == {"done"}, result.stdout
    assert "11 of 11 katas done." in result.stdout and "Every kata is done" in result.stdout
    cached = json.loads((project / ".kata" / "status.json").read_text())["chapters"]["chapter1"]
    assert len(cached["results"]) == 11
    again = run_kata(project, "status", env=NO_PYTEST)
    assert again.returncode == 0, again.stderr
    assert again.stdout == result.stdout, "a second run with nothing changed reads the cache"


def test_wrong_and_blocked_katas(project, run_kata, replace):
    exercises = project / "exercises" / "chapter1"
    replace(exercises / "arrays.py", "normalize", WRONG_NORMALIZE)
    replace(exercises / "toolkit.py", "train_test_split", BLOCKED_SPLIT)
    result = run_kata(project, "status", "1")
    assert result.returncode == 0, result.stderr
    lines = kata_lines(result.stdout)
    assert lines["normalize"][0] == "wrong" and lines["normalize"][1].startswith("fails test_"), result.stdout
    assert lines["train_test_split"] == ("todo", "needs chapter1.shuffle_together (still a stub)")
    assert lines["sigmoid"] == ("todo", "")
    assert "Next: chapter1.normalize (wrong)" in result.stdout
    assert "kata check chapter1.normalize" in result.stdout


def test_syntax_error_is_wrong_without_running_tests(project, run_kata):
    matrices = project / "exercises" / "chapter1" / "matrices.py"
    stub = 'raise NotImplementedError("todo: matrix_multiply")'
    source = matrices.read_text()
    line = source[: source.index(stub)].count("\n") + 1
    matrices.write_text(source.replace(stub, "return X @"))
    result = run_kata(project, "status", env=NO_PYTEST)
    assert result.returncode == 0, result.stderr
    lines = kata_lines(result.stdout)
    assert lines["matrix_multiply"][0] == "wrong"
    assert lines["matrix_multiply"][1].startswith(f"syntax error in exercises/chapter1/matrices.py, line {line}")
    assert lines["matrix_multiply_loops"][0] == "wrong", "the whole module is unreadable"


def test_unknown_chapter(project, run_kata):
    result = run_kata(project, "status", "chapter7")
    assert result.returncode == 2
    assert result.stderr.strip() == "kata: no chapter named 'chapter7'; did you mean chapter1?"
    assert "Traceback" not in result.stderr


def test_a_chapter_done_points_to_the_next_not_to_training():
    entries = [status.KataStatus(kata, "done") for kata in katas("chapter2")]
    assert status.all_done_advice(entries) == ["Every kata of chapter2 is done. Next: kata status chapter3"]
    entries = [status.KataStatus(kata, "done") for kata in katas("chapter3")]
    advice = status.all_done_advice(entries)
    assert advice[0] == "Every kata of chapter3 is done. Next: kata status chapter4"
    assert advice[1] == "Your chapter 3 can already train an MLP on MNIST: kata train mlp"
    every = [status.KataStatus(kata, "done") for kata in katas()]
    assert status.all_done_advice(every) == ["Every kata is done. Train your own network: kata train cnn"]
    every[-1] = status.KataStatus(every[-1].kata, "skipped", "needs MNIST, not on this machine (kata data download)")
    advice = status.all_done_advice(every)
    assert (
        advice[0]
        == f"Not checked here: {every[-1].kata.qualname} (needs MNIST, not on this machine (kata data download))."
    )
    assert advice[1] == "Every other kata that could run is done. Train your own network: kata train cnn"


def test_only_verdicts_of_tests_that_ran_are_cached(state_dir, monkeypatch):
    chapter = katas("chapter1")
    ran = []

    def run_tests(selected, **options):
        ran.append([kata.qualname for kata in selected])
        verdicts = {"chapter1.normalize": ("done", ""), "chapter1.sigmoid": ("skipped", "needs MNIST, not here")}
        return runner.TestRun(
            statuses={kata.qualname: verdicts[kata.qualname] for kata in selected if kata.qualname in verdicts}
        )

    written = {"chapter1.normalize", "chapter1.sigmoid", "chapter1.one_hot"}  # one_hot: its tests do not run
    monkeypatch.setattr(status, "run_tests", run_tests)
    monkeypatch.setattr(status, "written_state", lambda kata: "written" if kata.qualname in written else "stub")
    first = {entry.kata.qualname: entry for entry in status.course_status(["chapter1"])}
    assert (first["chapter1.normalize"].status, first["chapter1.sigmoid"].status) == ("done", "skipped")
    assert (first["chapter1.one_hot"].status, first["chapter1.one_hot"].detail) == ("skipped", "none of its tests ran")
    cached = json.loads((state_dir / "status.json").read_text())["chapters"]["chapter1"]["results"]
    assert cached == {"chapter1.normalize": ["done", ""]}, "a skip or a kata that did not run is never cached"
    status.course_status(["chapter1"])
    assert ran[1] == ["chapter1.sigmoid", "chapter1.one_hot"], "run again; the cached verdict is reused"
    assert len(chapter) == 11


def test_a_run_that_did_not_report_caches_nothing(state_dir, monkeypatch):
    monkeypatch.setattr(status, "run_tests", lambda selected, **options: runner.TestRun(reported=False, returncode=1))
    monkeypatch.setattr(status, "written_state", lambda kata: "written")
    with pytest.raises(runner.PytestError, match="could not run the tests of chapter1: pytest ended without"):
        status.course_status(["chapter1"])
    assert not (state_dir / "status.json").exists()


def test_an_endless_loop_is_wrong_not_a_hang(project, run_kata, replace):
    replace(project / "exercises" / "chapter1" / "math_functions.py", "sigmoid", ENDLESS_SIGMOID)
    started = time.perf_counter()
    result = run_kata(project, "status", env={"KATA_TIMEOUT": "2"})
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    verdict, detail = kata_lines(result.stdout)["sigmoid"]
    assert verdict == "wrong" and re.fullmatch(r"took longer than 2 s in test_\w+\[exercises\]", detail), detail
    assert seconds < 30, f"{seconds:.1f} s"
