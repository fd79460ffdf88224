"""The seeded example inputs of ``kata compare`` (in each kata's record), and the maintainers' checks
of the learner's aids."""

import numpy as np
import pytest

from kata import records, status
from kata.trees import PROJECT_ROOT, chapters, katas


def same_inputs(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, np.random.Generator):
        return a is not b and a.bit_generator.state == b.bit_generator.state  # a fresh generator each time
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_inputs, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_inputs(a[key], b[key]) for key in a)
    return a == b


@pytest.mark.parametrize("name", [kata.qualname for kata in katas()])
def test_example_is_seeded(name, state_dir):
    """The same seed gives the same inputs (the authoring checks call the reference on them)."""
    assert same_inputs(records.example_for(name, seed=0), records.example_for(name, seed=0))


def test_another_seed_draws_other_inputs(state_dir):
    (first,), _ = records.example_for("chapter1.normalize", seed=1)
    (second,), _ = records.example_for("chapter1.normalize", seed=2)
    assert first.shape == second.shape and not np.array_equal(first, second)


@pytest.mark.authoring
@pytest.mark.parametrize("chapter", chapters())
def test_every_chapter_has_a_readme_and_a_record_with_hints_for_every_kata(chapter):
    readme = PROJECT_ROOT / "exercises" / chapter / "README.md"
    assert readme.is_file(), f"exercises/{chapter}/README.md is missing"
    assert not records.problems(chapter), records.problems(chapter)
    text = readme.read_text()
    assert records.readme_with_table(chapter, text) == text, f"{readme}: run python -m kata.stubs (table out of date)"
    thin = [name for name, entry in records.records(chapter).items() if len(entry.hints) < 2]
    assert not thin, f"katas with fewer than two hints in reference/{chapter}/katas.toml: {thin}"


@pytest.mark.authoring
def test_a_fresh_clone_is_all_todo_at_once(monkeypatch, state_dir):
    def no_tests(*args, **kwargs):
        raise AssertionError("kata status ran tests although every kata is a stub")

    monkeypatch.setattr(status, "run_tests", no_tests)
    entries = status.course_status()
    assert [entry.kata.qualname for entry in entries] == [kata.qualname for kata in katas()]
    assert {entry.status for entry in entries} == {"todo"}
