"""``kata hint``: progressive hints from the chapter's HINTS.md, one more per call."""

import json

import pytest

from kata import cli, hints
from kata.trees import find_kata, katas

HINTS = """# Chapter 1 hints

Some words before the first kata are ignored.

## chapter1.normalize
1. First, the math:
   the mean of each column.
2. Then the idiom.

## chapter1.sigmoid
1. Only one.
"""


@pytest.fixture
def hints_file(tmp_path, monkeypatch, state_dir):
    path = tmp_path / "HINTS.md"
    path.write_text(HINTS)
    monkeypatch.setattr(hints, "hints_path", lambda chapter: path)
    return path


def test_parse_joins_continued_lines_and_keeps_the_order():
    parsed = hints.parse_hints(HINTS)
    assert parsed == {
        "chapter1.normalize": ["First, the math: the mean of each column.", "Then the idiom."],
        "chapter1.sigmoid": ["Only one."],
    }


def test_one_more_hint_per_call_until_the_last(hints_file, state_dir, capsys):
    assert cli.main(["hint", "normalize"]) == 0
    output = capsys.readouterr().out
    assert output.splitlines()[:2] == [
        "chapter1.normalize: hint 1 of 2",
        "  1. First, the math: the mean of each column.",
    ]
    assert "Then the idiom" not in output and "kata hint chapter1.normalize again shows the next one." in output
    assert json.loads((state_dir / "hints.json").read_text()) == {"chapter1.normalize": 1}
    for _ in range(2):  # the second and any later call show both
        assert cli.main(["hint", "chapter1.normalize"]) == 0
        output = capsys.readouterr().out
        assert "hint 2 of 2" in output and "  2. Then the idiom." in output
        assert "That was the last hint. kata compare chapter1.normalize" in output
        assert "reference/chapter1/arrays.py holds a solution" in output


def test_reset_starts_over(hints_file, capsys):
    for name in ("normalize", "normalize", "sigmoid"):
        cli.main(["hint", name])
    assert cli.main(["hint", "normalize", "--reset"]) == 0
    assert "Hints start over for chapter1.normalize." in capsys.readouterr().out
    assert hints.next_hint(find_kata("normalize")).shown == 1
    assert hints.next_hint(find_kata("sigmoid")).shown == 1, "the other kata's count was kept"
    cli.main(["hint", "--reset"])
    assert hints.next_hint(find_kata("sigmoid")).shown == 1


def test_a_kata_without_hints_and_bad_names(hints_file, capsys):
    assert cli.main(["hint", "one_hot"]) == 2
    assert capsys.readouterr().err.strip() == f"kata: chapter1.one_hot has no hints in {hints_file}"
    assert cli.main(["hint", "sigmiod"]) == 2
    assert "did you mean sigmoid?" in capsys.readouterr().err
    assert cli.main(["hint"]) == 2
    assert "name a kata" in capsys.readouterr().err


def test_chapter_one_hints_follow_the_format():
    parsed = hints.parse_hints(hints.hints_path("chapter1").read_text())
    assert list(parsed) == [kata.qualname for kata in katas("chapter1")]
    assert all(len(items) >= 2 for items in parsed.values())
