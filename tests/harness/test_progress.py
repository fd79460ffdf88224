"""The done / todo / wrong bookkeeping."""

import pytest

from kata.progress import Progress


def test_most_severe_outcome_wins_and_next_kata_follows_course_order():
    progress = Progress()
    progress.record("chapter1.b", "done")
    progress.record("chapter1.b", "todo", "exercises.chapter1.m.a")
    progress.record("chapter1.b", "done")
    progress.record("chapter1.a", "done")
    progress.record("chapter2.c", "wrong", "tests/chapter2/test_c.py::test_x[exercises]")
    assert progress.status("chapter1.b") == ("todo", "exercises.chapter1.m.a")
    table = progress.table(["chapter1.a", "chapter1.b", "chapter2.c", "chapter2.d"])
    assert table.splitlines()[1].split() == ["chapter1", "1", "1", "0", "0"]
    assert table.splitlines()[2].split() == ["chapter2", "0", "0", "1", "0"]
    assert table.splitlines()[-1] == "next: chapter1.b (todo: exercises.chapter1.m.a)"
    assert progress.as_dict(["chapter2.c", "chapter1.a"]) == {
        "chapter2.c": {"status": "wrong", "detail": "tests/chapter2/test_c.py::test_x[exercises]"},
        "chapter1.a": {"status": "done", "detail": ""},
    }
    assert progress.status("chapter2.d") is None


def test_all_done_and_unknown_status():
    progress = Progress()
    assert progress.table(["chapter1.a"]) == ""
    progress.record("chapter1.a", "done")
    assert progress.table(["chapter1.a"]).endswith("every kata that ran is done")
    with pytest.raises(ValueError, match="status"):
        progress.record("chapter1.a", "finished")
