"""Run the learner's function and the reference on the same seeded inputs and compare.

Results are compared leaf by leaf: tuples, lists and dicts are opened up,
generators are consumed into lists, and each array or number is compared by
shape, dtype and maximum absolute and relative difference. Each function is
timed on fresh copies of the inputs; the time ratio is yours / reference.
"""

from __future__ import annotations

import copy
import inspect
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .examples import example_for
from .trees import Kata, stub_reached


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


MISSING = _Missing()  # a part of one result that the other result lacks
MIN_SECONDS = 0.2  # time each function for about this long
MAX_CALLS = 200


class StubReachedError(Exception):
    """The learner's function (or one it calls) is still a stub."""

    def __init__(self, stub: str) -> None:
        super().__init__(stub)
        self.stub = stub


class LearnerError(Exception):
    """The learner's function raised ``error``."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class Call:
    """One implementation's result on the example, with what else it did."""

    value: Any
    seconds: float
    warnings: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Leaf:
    """One array or value of the result, e.g. ``result[0]``, in both implementations."""

    path: str
    yours: Any
    reference: Any

    @property
    def numeric(self) -> bool:
        return _is_numeric(self.yours) and _is_numeric(self.reference)

    def differences(self) -> tuple[float, float] | None:
        """Max absolute and relative differences, or None when the shapes differ."""
        yours, reference = np.asarray(self.yours, dtype=np.float64), np.asarray(self.reference, dtype=np.float64)
        if yours.shape != reference.shape:
            return None
        if yours.size == 0:
            return 0.0, 0.0
        with np.errstate(all="ignore"):
            absolute = np.abs(yours - reference)
            absolute = np.where(yours == reference, 0.0, absolute)  # equal infinities differ by 0
            relative = absolute / np.maximum(np.abs(reference), np.finfo(np.float64).tiny)
        return float(np.max(absolute)), float(np.max(relative))

    def verdict(self) -> str:
        """``"same"``, or what differs: presence, type, shape, dtype or values."""
        if self.yours is MISSING or self.reference is MISSING:
            return "missing in yours" if self.yours is MISSING else "not in the reference"
        if type(self.yours) is not type(self.reference):  # e.g. np.float64 where a float is due
            return "different types"
        if not self.numeric:
            return "same" if bool(self.yours == self.reference) else "different values"
        if np.shape(self.yours) != np.shape(self.reference):
            return "different shapes"
        if _dtype(self.yours) != _dtype(self.reference):
            return "different dtypes"
        single = np.float32 in (_dtype(self.yours), _dtype(self.reference))
        rtol, atol = (1e-4, 1e-6) if single else (1e-7, 1e-12)
        yours, reference = np.asarray(self.yours, dtype=np.float64), np.asarray(self.reference, dtype=np.float64)
        close = np.allclose(yours, reference, rtol=rtol, atol=atol, equal_nan=True)
        return "same" if close else "different values"


@dataclass
class Comparison:
    kata: Kata
    seed: int
    inputs: list[tuple[str, Any]]
    yours: Call
    reference: Call
    leaves: list[Leaf]
    draws_random_numbers: bool

    @property
    def same(self) -> bool:
        return bool(self.leaves) and all(leaf.verdict() == "same" for leaf in self.leaves)

    @property
    def time_ratio(self) -> float:
        return self.yours.seconds / max(self.reference.seconds, 1e-12)


def compare(kata: Kata, seed: int = 0) -> Comparison:
    """Call both implementations of ``kata`` on its example inputs for ``seed``.

    Raises ``StubReachedError`` when the learner's code reaches a stub, and
    ``LearnerError`` wrapping any other exception of the learner's function.
    """
    args, kwargs = example_for(kata.qualname, seed)
    reference = _timed(kata.function("reference"), args, kwargs)
    try:
        yours = _timed(kata.function("exercises"), args, kwargs)
    except NotImplementedError as error:
        stub = stub_reached(error.__traceback__)
        if stub is None:
            raise LearnerError(error) from error
        raise StubReachedError(stub) from None
    except Exception as error:
        raise LearnerError(error) from error
    leaves = [Leaf(path, a, b) for path, a, b in _pair(_leaves(yours.value), _leaves(reference.value))]
    names = list(_parameter_names(kata.function("reference"), len(args))) + list(kwargs)
    inputs = list(zip(names, [*args, *kwargs.values()], strict=True))
    draws = any(isinstance(value, np.random.Generator) for _, value in inputs)
    return Comparison(kata, seed, inputs, yours, reference, leaves, draws)


def describe(value: Any) -> str:
    """A short description of a value: ``float32 (64, 10)`` for an array, else its type and value."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} {value.shape}"
    if isinstance(value, _Missing):
        return "nothing"
    if isinstance(value, np.random.Generator):
        return "np.random.Generator (seeded, same state for both)"
    if isinstance(value, dict):
        return "dict " + ", ".join(f"{key!r}: {describe(item)}" for key, item in value.items())
    if callable(value):
        return f"function {getattr(value, '__name__', repr(value))}"
    if isinstance(value, (list, tuple)) and not all(isinstance(item, (int, float)) for item in value):
        return f"{type(value).__name__} of {len(value)}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _timed(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Call:
    """Call ``function`` on copies of the inputs until about ``MIN_SECONDS`` passed; keep the fastest."""
    best = float("inf")
    total = 0.0
    calls = 0
    first: Call | None = None
    while first is None or (total < MIN_SECONDS and calls < MAX_CALLS):
        call_args, call_kwargs = copy.deepcopy((args, kwargs))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            value = _materialize(function(*call_args, **call_kwargs))
            seconds = time.perf_counter() - start
        best, total, calls = min(best, seconds), total + seconds, calls + 1
        if first is None:
            seen = {f"{w.category.__name__}: {w.message}" for w in caught}
            first = Call(value, seconds, sorted(seen), _modified(args, call_args, kwargs, call_kwargs))
    first.seconds = best
    return first


def _materialize(value: Any) -> Any:
    """Consume generators and iterators into lists so they can be compared (and timed)."""
    if isinstance(value, Iterator):
        return [_materialize(item) for item in value]
    return value


def _modified(
    args: tuple[Any, ...], call_args: tuple[Any, ...], kwargs: dict[str, Any], call_kwargs: dict[str, Any]
) -> list[str]:
    changed = [
        f"argument {index + 1}"
        for index, (before, after) in enumerate(zip(args, call_args, strict=True))
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True)
    ]
    changed += [
        name
        for name, before in kwargs.items()
        if isinstance(before, np.ndarray) and not np.array_equal(before, call_kwargs[name], equal_nan=True)
    ]
    return changed


def _leaves(value: Any, path: str = "result") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for key in value for leaf in _leaves(value[key], f"{path}[{key!r}]")]
    if isinstance(value, Figure):  # what was drawn: every line's data and every image
        return [leaf for index, axes in enumerate(value.axes) for leaf in _drawn(axes, f"{path}.axes[{index}]")]
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple: name its fields
        return [leaf for key in value._fields for leaf in _leaves(getattr(value, key), f"{path}.{key}")]
    if isinstance(value, (list, tuple)) and not _is_shape(value):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, f"{path}[{index}]")]
    return [(path, value)]


def _drawn(axes: Axes, path: str) -> list[tuple[str, Any]]:
    drawn: list[tuple[str, Any]] = []
    for index, line in enumerate(axes.get_lines()):
        drawn.append((f"{path}.lines[{index}].x", np.asarray(line.get_xdata(), dtype=np.float64)))
        drawn.append((f"{path}.lines[{index}].y", np.asarray(line.get_ydata(), dtype=np.float64)))
    for index, image in enumerate(axes.get_images()):
        drawn.append((f"{path}.images[{index}]", np.asarray(image.get_array())))
    return drawn


def _pair(yours: list[tuple[str, Any]], reference: list[tuple[str, Any]]) -> Iterator[tuple[str, Any, Any]]:
    yours_by_path = dict(yours)
    reference_by_path = dict(reference)
    for path in dict.fromkeys([*reference_by_path, *yours_by_path]):
        yield path, yours_by_path.get(path, MISSING), reference_by_path.get(path, MISSING)


def _is_shape(value: Any) -> bool:
    """A tuple of ints (a shape) is one value, not a container."""
    return isinstance(value, tuple) and all(isinstance(item, (int, np.integer)) for item in value)


def _is_numeric(value: Any) -> bool:
    return isinstance(value, (np.ndarray, np.generic, int, float)) and not isinstance(value, bool)


def _dtype(value: Any) -> Any:
    return value.dtype if isinstance(value, (np.ndarray, np.generic)) else type(value)


def _parameter_names(function: Callable[..., Any], count: int) -> list[str]:
    return list(inspect.signature(function).parameters)[:count]
