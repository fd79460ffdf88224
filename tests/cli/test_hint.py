"""``kata hint``: progressive hints from the kata's record, one more per call."""

import json

import pytest

from kata import cli, hints, records
from kata.trees import find_kata, katas

RECORDS = {
    "normalize": records.Record("1.1", "z-scores", ("First, the math: the mean of each column.", "Then the idiom.")),
    "sigmoid": records.Record("1.3", "the logistic function", ("Only one.",)),
}


@pytest.fixture
def hints_file(monkeypatch, state_dir):
    """Chapter 1's records replaced by two katas' (one_hot has none)."""
    monkeypatch.setattr(records, "records", lambda chapter: RECORDS)
    return records.records_path("chapter1").relative_to(records.PROJECT_ROOT)


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
    found = records.records("chapter1")
    assert list(found) == [kata.name for kata in katas("chapter1")]
    assert all(len(entry.hints) >= 2 for entry in found.values())
