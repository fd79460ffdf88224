"""The seeded example inputs of ``kata compare``, and the maintainers' checks of the learner's aids."""

import copy

import numpy as np
import pytest

from kata import compare, records, status
from kata.examples import EXAMPLES, example_for
from kata.trees import PROJECT_ROOT, chapters, find_kata, katas

KNOWN = {kata.qualname for kata in katas()}


def same_inputs(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, np.random.Generator):
        return a.bit_generator.state == b.bit_generator.state
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_inputs, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_inputs(a[key], b[key]) for key in a)
    return a == b


def test_every_example_is_for_a_kata():
    assert not set(EXAMPLES) - KNOWN, f"examples of unknown katas: {sorted(set(EXAMPLES) - KNOWN)}"


@pytest.mark.parametrize("name", sorted(set(EXAMPLES) & KNOWN))
def test_example_is_seeded_and_the_reference_accepts_it(name, state_dir):
    args, kwargs = example_for(name, seed=0)
    assert same_inputs((args, kwargs), example_for(name, seed=0)), "the same seed gives the same inputs"
    result = compare._materialize(find_kata(name).function("reference")(*copy.deepcopy(args), **kwargs))
    assert result is not None


@pytest.mark.authoring
def test_every_kata_has_an_example():
    missing = sorted(KNOWN - set(EXAMPLES))
    assert not missing, f"katas without example inputs in kata/examples.py (kata compare needs them): {missing}"


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
