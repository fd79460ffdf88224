"""Bad input, kata by kata: every refused call is a ValueError that names the argument.

Each kata's ``kata compare`` example is a valid call. From it, every argument
its contract declares is spoiled one at a time, the ways a learner gets it
wrong (an extra axis, an empty array, text or objects instead of numbers,
``None``, a float or a bool for an int, NaN, infinity, an out-of-range
number, an unknown option), and the kata is called with it. The call must be
refused by the contract, naming that argument: never a raw NumPy or Python
error, never a silent result. Lists where arrays are expected are accepted
by design (the contract turns them into arrays); that is checked too.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from kata import records
from kata.contracts import Array, ContractError, Int, OneOf, Real, contract_of
from kata.trees import katas

COUNTS: Counter[str] = Counter()


def spoiled(spec: Any, value: Any) -> Iterator[tuple[str, Any]]:
    """``(what, bad value)`` for each way ``value`` can break ``spec``."""
    if not getattr(spec, "optional", False):
        yield "None", None
    if isinstance(spec, Array):
        array = np.asarray(value)
        yield "text", "not an array"
        if spec.items is not None and not any(i == "..." or i.startswith("*") for i in spec.items):
            yield "an extra axis", array[np.newaxis]
        if not spec.empty and array.ndim:
            yield "empty", array[:0]
        if spec.dtype != "any":
            yield "text elements", np.full(array.shape, "x", dtype=object)
    elif isinstance(spec, Int):
        yield "a float", 2.5
        yield "a bool", True
        yield "text", "3"
        for bound, step in ((spec.ge, -1), (spec.gt, 0), (spec.le, 1), (spec.lt, 0)):
            if isinstance(bound, int):
                yield f"out of range ({bound} {step:+d})", bound + step
    elif isinstance(spec, Real):
        yield "NaN", float("nan")
        yield "infinity", float("inf")
        yield "text", "0.1"
        for bound, step in ((spec.ge, -0.5), (spec.gt, 0.0), (spec.le, 0.5), (spec.lt, 0.0)):
            if isinstance(bound, (int, float)):
                yield f"out of range ({bound} {step:+g})", bound + step
    elif isinstance(spec, OneOf):
        yield "an unknown option", "no-such-option"


def with_contracts() -> list[Any]:
    return [kata for kata in katas() if contract_of(kata.function("reference")) is not None]


@pytest.mark.parametrize("kata", with_contracts(), ids=lambda kata: kata.qualname)
def test_every_spoiled_argument_is_refused_by_name(kata):
    function = kata.function("reference")
    declared = contract_of(function)
    assert declared is not None
    args, kwargs = records.example_for(kata.qualname, seed=0)
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    problems = []
    for name, spec in declared.specs.items():
        for what, bad in spoiled(spec, bound.arguments[name]):
            call = {**bound.arguments, name: bad}
            try:
                result = function(**call)
                if inspect.isgenerator(result):
                    next(result, None)
            except ContractError as error:
                outcome = "refused, naming it" if name in error.arguments else "refused, naming another"
                if name not in error.arguments:
                    problems.append(f"{name} = {what}: refused naming {error.arguments}: {error}")
            except Exception as error:  # a raw error is what this test exists to catch
                outcome = f"raw {type(error).__name__}"
                problems.append(f"{name} = {what}: {type(error).__name__}: {error}")
            else:
                outcome = "accepted"
                problems.append(f"{name} = {what}: accepted without a word")
            COUNTS[outcome] += 1
        if isinstance(spec, Array) and spec.dtype != "any":
            value = bound.arguments[name]
            if isinstance(value, np.ndarray) and value.size and value.dtype.kind in "fiub":
                converted = spec.as_array(name, value.tolist())
                assert converted.shape == value.shape, f"{name} as a list is accepted as an array"
                COUNTS["list accepted as an array"] += 1
    assert not problems, f"{kata.qualname}:\n" + "\n".join(problems)


def test_outcomes_are_counted(capsys):
    """Runs last in this file: prints the tally of every call above (see ``pytest -s``)."""
    with capsys.disabled():
        print("\nbad-input calls by outcome:", dict(COUNTS))
