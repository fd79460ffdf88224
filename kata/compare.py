"""Run the learner's function and the reference on the same seeded inputs and compare.

Results are compared leaf by leaf: tuples, lists and dicts are opened up,
generators are consumed into lists, and each array or number is compared by
shape, dtype and maximum absolute and relative difference, counting NaN and
infinite entries apart (a NaN is never "0 away"), and relative only where the
reference is not 0.

The time ratio (yours / reference, the best of repeated calls on fresh copies
of the inputs) is measured on inputs large enough for it to mean something:
when the reference takes under ``TIMING_SECONDS`` a call on the example, the
example's arrays are repeated along their shared sample axis (rows, or
columns in chapter 5) until it takes that long, up to ``MAX_SCALE`` times;
the output says which inputs were timed. Each call of the learner's function
has a time limit (``CALL_LIMIT``): an endless loop is a verdict, not a hang.
"""

from __future__ import annotations

import copy
import inspect
import math
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .inputs import one_blas_thread
from .limits import CALL_LIMIT, TimeLimitExceeded, time_limit
from .records import example_for
from .trees import Kata, stub_reached


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


MISSING = _Missing()  # a part of one result that the other result lacks
MIN_SECONDS = 0.2  # time each function for about this long
MAX_CALLS = 200
TIMING_SECONDS = 1e-3  # a reference call this long is mostly work, not call overhead
MAX_SCALE = 65536  # at most this many copies of the example's samples, when timing
MAX_ELEMENTS = 2_000_000  # and no timed array larger than this
TIMED = "a wall time, not compared"
OVERHEAD_SECONDS = 1e-4  # a reference call shorter than this is mostly the cost of calling it


class StubReachedError(Exception):
    """The learner's function (or one it calls) is still a stub."""

    def __init__(self, stub: str) -> None:
        super().__init__(stub)
        self.stub = stub


class LearnerError(Exception):
    """The learner's function raised ``error`` (``TimeLimitExceeded`` when it ran past ``CALL_LIMIT``)."""

    def __init__(self, error: BaseException) -> None:
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

    def differences(self) -> Differences | None:
        """How the values differ, or None when they are not numbers of one shape."""
        if not self.numeric:
            return None
        yours, reference = np.asarray(self.yours, dtype=np.float64), np.asarray(self.reference, dtype=np.float64)
        if yours.shape != reference.shape:
            return None
        return Differences.between(yours, reference)

    def measured(self) -> str:
        """The differences in words, ending ``": "`` (before the verdict); "" when not comparable."""
        differences = self.differences()
        return f"{differences.describe()}: " if differences is not None else ""

    def verdict(self) -> str:
        """``"same"``, or what differs: presence, type, shape, dtype or values."""
        if self.yours is MISSING or self.reference is MISSING:
            return "missing in yours" if self.yours is MISSING else "not in the reference"
        if self.path.endswith("['seconds']"):  # a training loop's wall time differs from run to run
            return TIMED
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


@dataclass(frozen=True)
class Differences:
    """Elementwise differences between two arrays of one shape, with NaN and infinities counted apart."""

    size: int
    max_abs: float | None  # over the elements finite in both; None if there is none
    max_rel: float | None  # the same divided by |reference|, over those where the reference is not 0
    zero_reference: int  # elements where the reference is 0 (no relative difference there)
    nan_yours: int  # NaN in yours where the reference holds a number
    nan_reference: int  # NaN in the reference where yours holds a number
    infinite: int  # elements infinite in one and not the same infinity in the other

    @classmethod
    def between(cls, yours: np.ndarray[Any, Any], reference: np.ndarray[Any, Any]) -> Differences:
        with np.errstate(all="ignore"):
            finite = np.isfinite(yours) & np.isfinite(reference)
            absolute = np.abs(yours - reference)[finite]
            nonzero = reference[finite] != 0
            relative = absolute[nonzero] / np.abs(reference[finite][nonzero])
        one_infinite = (np.isinf(yours) | np.isinf(reference)) & ~np.isnan(yours) & ~np.isnan(reference)
        return cls(
            size=int(yours.size),
            max_abs=float(absolute.max()) if absolute.size else None,
            max_rel=float(relative.max()) if relative.size else None,
            zero_reference=int(np.count_nonzero(finite & (reference == 0))),
            nan_yours=int(np.count_nonzero(np.isnan(yours) & ~np.isnan(reference))),
            nan_reference=int(np.count_nonzero(np.isnan(reference) & ~np.isnan(yours))),
            infinite=int(np.count_nonzero(one_infinite & (yours != reference))),
        )

    def describe(self) -> str:
        """E.g. ``max abs diff 0.5, max rel diff 0.1 (where the reference is not 0); NaN in yours at 3 of 64``."""
        parts = []
        if self.max_abs is not None:
            text = f"max abs diff {self.max_abs:.3g}"
            if self.max_rel is not None:
                text += f", max rel diff {self.max_rel:.3g}"
                text += " (where the reference is not 0)" if self.zero_reference else ""
            parts.append(text)
        if self.nan_yours:
            parts.append(f"NaN in yours at {self.nan_yours} of {self.size}")
        if self.nan_reference:
            parts.append(f"NaN in the reference at {self.nan_reference} of {self.size}")
        if self.infinite:
            parts.append(f"infinite in one but not the other at {self.infinite} of {self.size}")
        return "; ".join(parts) or "no numbers to compare"


@dataclass
class Comparison:
    kata: Kata
    seed: int
    inputs: list[tuple[str, Any]]
    yours: Call
    reference: Call
    leaves: list[Leaf]
    draws_random_numbers: bool
    timing: Timing | None = None

    @property
    def same(self) -> bool:
        return bool(self.leaves) and all(leaf.verdict() in ("same", TIMED) for leaf in self.leaves)

    @property
    def time_ratio(self) -> float:
        if self.timing is not None:
            return self.timing.ratio
        return self.yours.seconds / max(self.reference.seconds, 1e-12)

    def time_line(self) -> str:
        """How long each took a call, on which inputs, and the ratio."""
        if self.timing is None:
            yours, reference, inputs = self.yours.seconds, self.reference.seconds, "on the example inputs"
        else:
            yours, reference, inputs = self.timing.yours, self.timing.reference, self.timing.inputs
        ratio = "more than" if math.isinf(yours) else f"{self.time_ratio:.2f}x"
        line = (
            f"time {inputs}: yours {format_seconds(yours)}, reference {format_seconds(reference)} a call "
            f"(yours takes {ratio} the reference's time)"
        )
        if reference < OVERHEAD_SECONDS:
            line += (
                f"\n  (a reference call takes under {format_seconds(OVERHEAD_SECONDS)} even so: the ratio is "
                "mostly the cost of calling Python functions, not of the work)"
            )
        return line


@dataclass(frozen=True)
class Timing:
    """Both functions timed on inputs large enough to measure: seconds per call, and which inputs."""

    yours: float
    reference: float
    inputs: str  # e.g. "on inputs 16x the example's (X float64 (1024, 5))"

    @property
    def ratio(self) -> float:
        return self.yours / max(self.reference, 1e-12)


def format_seconds(seconds: float) -> str:
    if math.isinf(seconds):
        return f"> {CALL_LIMIT:g} s"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def compare(kata: Kata, seed: int = 0) -> Comparison:
    """Call both implementations of ``kata`` on its example inputs for ``seed`` (its record's ``example``).

    Raises ``StubReachedError`` when the learner's code reaches a stub, and
    ``LearnerError`` wrapping any other exception of the learner's function.
    NumPy's BLAS runs on one thread meanwhile, as in the timing tests: on a
    busy machine its threads make a call's time swing a thousandfold.
    """
    with one_blas_thread():
        return _compare(kata, seed)


def _compare(kata: Kata, seed: int) -> Comparison:
    args, kwargs = example_for(kata.qualname, seed)
    reference_function, learner_function = kata.function("reference"), kata.function("exercises")
    reference = _timed(reference_function, args, kwargs)
    try:
        yours = _timed(learner_function, args, kwargs, limit=CALL_LIMIT)
    except NotImplementedError as error:
        stub = stub_reached(error.__traceback__)
        if stub is None:
            raise LearnerError(error) from error
        raise StubReachedError(stub) from None
    except (Exception, TimeLimitExceeded) as error:
        raise LearnerError(error) from error
    leaves = [Leaf(path, a, b) for path, a, b in _pair(_leaves(yours.value), _leaves(reference.value))]
    names = list(_parameter_names(reference_function, len(args))) + list(kwargs)
    inputs = list(zip(names, [*args, *kwargs.values()], strict=True))
    draws = any(isinstance(value, np.random.Generator) for _, value in inputs)
    timing = _timing(learner_function, reference_function, names, args, kwargs, reference.seconds, yours.seconds)
    return Comparison(kata, seed, inputs, yours, reference, leaves, draws, timing)


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


def _timed(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], limit: float = 0.0) -> Call:
    """Call ``function`` on copies of the inputs until about ``MIN_SECONDS`` passed; keep the fastest.
    Each call may take ``limit`` seconds (0: no limit) before ``TimeLimitExceeded`` stops it."""
    best = float("inf")
    total = 0.0
    calls = 0
    first: Call | None = None
    while first is None or (total < MIN_SECONDS and calls < MAX_CALLS):
        call_args, call_kwargs = copy.deepcopy((args, kwargs))
        with warnings.catch_warnings(record=True) as caught, time_limit(limit):
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


def _timing(
    yours: Callable[..., Any],
    reference: Callable[..., Any],
    names: list[str],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    reference_seconds: float,
    yours_example: float,
) -> Timing | None:
    """Both functions timed on the example scaled up until a reference call takes ``TIMING_SECONDS``;
    None when the example is already that large, or cannot be scaled (then the example's times stand)."""
    if reference_seconds >= TIMING_SECONDS:
        return None
    for axis in (0, -1):
        factor, scaled, seconds = 1, None, reference_seconds
        while seconds < TIMING_SECONDS and factor < MAX_SCALE:  # grow until the reference has work to do
            wanted = min(MAX_SCALE, factor * 2 ** max(1, math.ceil(math.log2(TIMING_SECONDS / max(seconds, 1e-9)))))
            grown = _scaled(args, kwargs, axis, wanted)
            if grown is None or grown[0] <= factor:
                break
            try:
                seconds = min(_once(reference, grown[1], grown[2]) for _ in range(3))
            except Exception:  # not a shape the reference accepts
                break
            factor, scaled = grown[0], grown
        if scaled is None:
            continue
        _, big_args, big_kwargs = scaled
        reference_call = _timed(reference, big_args, big_kwargs)
        largest = max(
            ((name, value) for name, value in zip(names, [*big_args, *big_kwargs.values()], strict=True)
             if isinstance(value, np.ndarray)),
            key=lambda pair: pair[1].size,
        )  # fmt: skip
        inputs = f"on inputs {factor}x the example's ({largest[0]} {describe(largest[1])})"
        try:
            yours_seconds = _timed(yours, big_args, big_kwargs, limit=CALL_LIMIT).seconds
        except TimeLimitExceeded:
            yours_seconds = math.inf
        except Exception as error:  # a shape the learner's code did not expect: the example's times stand
            return Timing(
                yours_example, reference_seconds,
                f"on the example inputs (yours raised {type(error).__name__} on larger ones: {error})",
            )  # fmt: skip
        return Timing(yours_seconds, reference_call.seconds, inputs)
    return None


def _once(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> float:
    """The seconds of one call of ``function`` on copies of the inputs."""
    call_args, call_kwargs = copy.deepcopy((args, kwargs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        _materialize(function(*call_args, **call_kwargs))
        return time.perf_counter() - start


def _scaled(
    args: tuple[Any, ...], kwargs: dict[str, Any], axis: int, wanted: int
) -> tuple[int, tuple[Any, ...], dict[str, Any]] | None:
    """The arguments with every array that has the example's sample count on ``axis`` repeated
    ``factor`` times along it (``factor <= wanted``, arrays under ``MAX_ELEMENTS``); None if none has."""
    arrays = [value for value in [*args, *kwargs.values()] if isinstance(value, np.ndarray) and value.ndim]
    if not arrays:
        return None
    samples = arrays[0].shape[axis]
    chosen = [value for value in arrays if value.shape[axis] == samples]
    largest = max(value.size for value in chosen)
    factor = max(1, min(wanted, MAX_ELEMENTS // max(largest, 1)))
    if factor < 2 or samples < 2:
        return None

    def grow(value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.ndim and value.shape[axis] == samples:
            return np.concatenate([value] * factor, axis=axis)
        return value

    return factor, tuple(grow(value) for value in args), {name: grow(value) for name, value in kwargs.items()}


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
    fields = getattr(value, "_fields", None) if isinstance(value, tuple) else None
    if fields:  # a named tuple: name its fields
        return [leaf for key in fields for leaf in _leaves(getattr(value, key), f"{path}.{key}")]
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
