"""``kata reset``: one function back to its stub; the rest of the learner's file is kept."""

import pytest

from kata import cli
from kata.stubs import stub_function, stub_source
from kata.trees import PROJECT_ROOT, Kata

LEARNERS_TOOLKIT_FUNCTIONS = '''

def _my_helper(n):
    return n * 2


def one_hot(labels, num_classes, dtype=None):
    """My own docstring."""
    return _my_helper(labels)
'''


@pytest.fixture
def toolkit(tmp_path, monkeypatch, state_dir):
    """The learner's toolkit module, in a temporary folder: a stub file with one_hot written."""
    path = tmp_path / "toolkit.py"
    path.write_text(stub_source((PROJECT_ROOT / "reference" / "chapter1" / "toolkit.py").read_text()))
    original = Kata.module_path
    monkeypatch.setattr(Kata, "module_path", lambda self, tree: path if tree == "exercises" else original(self, tree))
    source = path.read_text()
    start = source.index("\ndef one_hot(")
    end = source.index("\ndef ", start + 1)
    path.write_text(source[:start] + LEARNERS_TOOLKIT_FUNCTIONS + "\n" + source[end:])
    return path


def reference_stub(name):
    return stub_function((PROJECT_ROOT / "reference" / "chapter1" / "toolkit.py").read_text(), name)


def test_reset_puts_the_stub_back_and_keeps_the_rest(toolkit, state_dir, capsys):
    before = toolkit.read_text()
    assert cli.main(["reset", "one_hot", "--yes"]) == 0
    after = toolkit.read_text()
    assert reference_stub("one_hot") in after
    assert "My own docstring" not in after
    assert "def _my_helper(n):" in after, "the learner's helper stays"
    assert after.replace(reference_stub("one_hot"), "") == before.replace(
        LEARNERS_TOOLKIT_FUNCTIONS.split("\n\n\n")[1].strip(), ""
    )
    (backup,) = (state_dir / "backups").iterdir()
    assert backup.name.startswith("chapter1.one_hot-") and "My own docstring" in backup.read_text()
    assert f"Your code: {backup}" in capsys.readouterr().out
    assert cli.main(["reset", "one_hot", "--yes"]) == 0
    assert "already the stub" in capsys.readouterr().out


def test_reset_asks_first(toolkit, monkeypatch, capsys):
    before = toolkit.read_text()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert cli.main(["reset", "one_hot"]) == 1
    assert toolkit.read_text() == before and "Nothing changed." in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert cli.main(["reset", "one_hot"]) == 0
    assert reference_stub("one_hot") in toolkit.read_text()


def test_a_deleted_function_is_written_again(toolkit):
    source = toolkit.read_text()
    start = source.index("\ndef one_hot(")
    toolkit.write_text(source[:start] + "\n" + source[source.index("\ndef ", start + 1) :])
    assert cli.main(["reset", "one_hot", "-y"]) == 0
    assert toolkit.read_text().rstrip().endswith(reference_stub("one_hot"))


def test_a_syntax_error_is_reported_not_overwritten(toolkit, capsys):
    toolkit.write_text(toolkit.read_text() + "\ndef broken(:\n")
    before = toolkit.read_text()
    assert cli.main(["reset", "one_hot", "-y"]) == 2
    error = capsys.readouterr().err
    assert "has a syntax error on line" in error and "fix it first" in error and "Traceback" not in error
    assert toolkit.read_text() == before


def test_unknown_kata(capsys):
    assert cli.main(["reset", "one_hott", "-y"]) == 2
    assert "did you mean one_hot?" in capsys.readouterr().err
