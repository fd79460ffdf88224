"""How many bytes the NumPy CNN's epoch must move, counted operation by operation.

NumPy's element-wise work, its copies and its indexing are limited by how
fast memory delivers the numbers, not by arithmetic. A floor for the CNN's
epoch is therefore the bytes its array operations read and write, divided by
the machine's copy bandwidth (``machine.copy_bandwidth``). ``count_cnn_epoch``
finds those bytes by running training steps of the NumPy CNN, untimed, on
arrays of a traced subclass of ``ndarray`` (``Traced``) that records, for every
NumPy operation:

* a ufunc (``+``, ``*``, ``np.maximum``, comparisons, ``np.exp``, ``@``, which is
  the ufunc ``np.matmul`` in NumPy 2, and reductions such as ``.sum()``): the
  bytes of every array input and every array output (an ``out=`` array
  counts as written, and also as read when it is an input too);
* any other NumPy function (``np.tile``, ``np.einsum``, ``np.concatenate``,
  ...): its array inputs and outputs, except that a function whose outputs
  are all views of its inputs (``np.reshape`` of a contiguous array,
  ``sliding_window_view``, ``np.transpose``) moves nothing, and that
  ``np.zeros_like`` and its kind write their output without reading the
  prototype (``np.empty_like`` writes nothing);
* indexing: a basic slice is a view (nothing); a gather (``X[indices]``, a
  boolean mask) reads and writes the bytes it gathers, plus its index arrays;
  an assignment ``A[key] = value`` writes the selected bytes and reads
  ``value`` (the write-back of an augmented assignment, ``A[key] += B``,
  which NumPy performs on the very view the ``+=`` changed, is not counted
  again);
* a method that copies (``.copy()``, ``.astype()``, a ``.reshape()`` that
  cannot be a view, ``.argmax()``, ...): the bytes it reads and writes;
* the arrays NumPy creates (``np.zeros``, ``np.ones``, ``np.eye``, ...; the
  patched creation and conversion functions of the ``numpy`` module): the
  bytes written (``np.empty`` writes none).

Bytes are logical: an operation reading a strided view counts only the
elements it reads, and a small array broadcast against a large one counts
once. Operations are counted where they are called, not inside NumPy (a
function's own temporaries are not seen). The bytes of an epoch are those of
one full batch's step times the full batches, plus one step of the partial
last batch. The counted steps run the very step function the benchmark times
(``workloads.numpy_cnn_step``), on traced copies of the data and parameters,
so whatever the convolution and pooling katas do, they are counted; nothing
of this runs while an epoch is timed. What the counter cannot see: arrays
made by a function imported by name (``from numpy import zeros``) or by
another library, until they meet a traced array.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import numpy as np

from . import workloads
from .workloads import IMAGE_SHAPE, Data, Settings, batch_plan, numpy_cnn_step

_ACTIVE: list[ByteCount] = []  # the counters recording now, innermost last
_INSIDE = [0]  # how deep in counted operations the code now runs: NumPy's own internals are not counted again

# The numpy module's functions that make arrays without an array argument (so NumPy does not dispatch them to
# ``Traced``), and those that convert without dispatching: patched while counting, so that their arrays are traced.
CREATORS = ("zeros", "ones", "full", "eye", "identity", "arange", "linspace", "tri")
UNWRITTEN = ("empty",)  # they allocate without writing
CONVERTERS = ("array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray")
COPYING_METHODS = (
    *("copy", "astype", "reshape", "ravel", "flatten", "take", "repeat", "fill"),
    *("argmax", "argmin", "argsort", "nonzero", "cumsum", "dot"),
)


@dataclass
class ByteCount:
    """Bytes read and written by NumPy operations, in all and per operation name."""

    total: int = 0
    largest: int = 0  # the bytes of the largest array an operation read or wrote
    by_operation: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)

    def add(self, operation: str, n_bytes: int, largest: int) -> None:
        self.total += n_bytes
        self.largest = max(self.largest, largest)
        self.by_operation[operation] += n_bytes
        self.calls[operation] += 1

    @contextlib.contextmanager
    def recording(self) -> Iterator[ByteCount]:
        """Count the operations on ``Traced`` arrays in this block, with NumPy's creators patched to trace."""
        _ACTIVE.append(self)
        try:
            with _patched_numpy():
                yield self
        finally:
            _ACTIVE.remove(self)


def _record(operation: str, sizes: list[int]) -> None:
    """Count one operation that read or wrote arrays of these sizes in bytes."""
    if _ACTIVE and not _INSIDE[0] and sum(sizes):
        _ACTIVE[-1].add(operation, sum(sizes), max(sizes))


def _inside(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, with whatever it does itself left uncounted."""
    _INSIDE[0] += 1
    try:
        return function(*args, **kwargs)
    finally:
        _INSIDE[0] -= 1


def _nbytes(value: Any) -> int:
    return int(value.nbytes) if isinstance(value, (np.ndarray, np.generic)) else 0


def _arrays(value: Any) -> Iterator[Any]:
    """Every array (and NumPy scalar) in ``value``, looking inside tuples, lists and dicts."""
    if isinstance(value, (np.ndarray, np.generic)):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)


def plain(value: Any) -> Any:
    """``value`` with every traced array (also inside tuples, lists and dicts) seen as a plain ndarray."""
    if isinstance(value, Traced):
        return value.view(np.ndarray)
    if isinstance(value, (tuple, list)):
        return type(value)(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def traced(value: Any) -> Any:
    """``value`` with every plain ndarray (also inside tuples and lists) seen as a ``Traced`` one (no copy)."""
    if type(value) is np.ndarray:
        return value.view(Traced)
    if isinstance(value, (tuple, list)) and not hasattr(value, "_fields"):
        return type(value)(traced(item) for item in value)
    return value


def _shares(a: Any, b: Any) -> bool:
    """Whether two arrays' memory overlaps (by their bounds; the check itself is not counted)."""
    return bool(_inside(np.may_share_memory, a, b))


def _views_only(outputs: list[Any], inputs: list[Any]) -> bool:
    """Whether every output shares memory with an input: a view, which moves nothing."""
    return bool(outputs) and all(any(_shares(out, arg) for arg in inputs) for out in outputs)


def _moved(inputs: list[Any], outputs: list[Any]) -> list[int]:
    """The bytes of a function call: every input and output, or none if the outputs are views of the inputs."""
    if _views_only(outputs, inputs):
        return []
    return _sizes(*inputs, *outputs)


def _sizes(*arrays: Any) -> list[int]:
    return [_nbytes(array) for array in arrays]


class Traced(np.ndarray):
    """An ndarray whose NumPy operations add their bytes to the active ``ByteCount``.

    Every operation runs on plain views of its arrays (so NumPy's own
    internals are not counted again) and its array results come back traced.
    """

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        kwargs = plain(kwargs)
        result = _inside(getattr(ufunc, method), *plain(inputs), **kwargs)
        written = _arrays(plain(out) if out is not None else result)  # a reduction to a scalar writes one
        name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        _record(name, _sizes(*inputs, *_arrays(kwargs.get("where")), *written))
        if out is not None:
            return out[0] if len(out) == 1 else out
        return traced(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        plain_args, plain_kwargs = plain(args), plain(kwargs)
        result = _inside(func, *plain_args, **plain_kwargs)
        inputs = [*_arrays(plain_args), *_arrays(plain_kwargs)]
        if result is None or plain_kwargs.get("out") is not None:  # written in place (np.copyto, out=)
            sizes = _sizes(*inputs)
        elif not list(_arrays(result)):  # it reads only shapes and dtypes (np.result_type, np.shape)
            sizes = []
        elif func.__name__.endswith("_like"):  # only the prototype's shape and dtype are read
            sizes = [] if func.__name__ == "empty_like" else _sizes(result)
        else:
            sizes = _moved(inputs, list(_arrays(result)))
        _record(func.__name__, sizes)
        return traced(result)

    def __getitem__(self, key: Any) -> Any:
        source, index = self.view(np.ndarray), plain(key)
        result = _inside(source.__getitem__, index)
        if isinstance(result, np.ndarray) and not _shares(result, source):
            _record("gather (fancy indexing)", _sizes(result, result, *_arrays(index)))
        return traced(result)

    def __setitem__(self, key: Any, value: Any) -> None:
        target, index, source = self.view(np.ndarray), plain(key), plain(value)
        selected = _inside(target.__getitem__, index)
        if not _same_view(selected, source):
            written = _nbytes(selected) if isinstance(selected, np.ndarray) else target.itemsize
            _record("assignment A[key] = value", [written, *_sizes(source, *_arrays(index))])
        _inside(target.__setitem__, index, source)

    def __array_finalize__(self, obj: Any) -> None:
        """A traced array made by an ndarray method not wrapped below: a copy, unless it is a view."""
        if isinstance(obj, np.ndarray) and _ACTIVE and not _INSIDE[0] and not _shares(self, obj):
            _record("ndarray method (copy)", [self.size * obj.itemsize, self.nbytes])


def _same_view(selected: Any, value: Any) -> bool:
    """Whether ``value`` is the very view ``selected`` (what ``A[key] += B`` assigns back after the ``+=``)."""
    return (
        isinstance(selected, np.ndarray)
        and isinstance(value, np.ndarray)
        and selected.shape == value.shape
        and selected.strides == value.strides
        and selected.dtype == value.dtype
        and selected.__array_interface__["data"][0] == value.__array_interface__["data"][0]
    )


def _copying_method(name: str) -> Callable[..., Any]:
    method = getattr(np.ndarray, name)

    @functools.wraps(method)
    def counted(self: Traced, *args: Any, **kwargs: Any) -> Any:
        source = self.view(np.ndarray)
        plain_args, plain_kwargs = plain(args), plain(kwargs)
        result = _inside(method, source, *plain_args, **plain_kwargs)
        inputs = [source, *_arrays(plain_args), *_arrays(plain_kwargs)]
        _record(f".{name}()", _moved(inputs, list(_arrays(result))) if result is not None else _sizes(source))
        return traced(result)

    return counted


for _name in COPYING_METHODS:
    setattr(Traced, _name, _copying_method(_name))


def _creator(function: Callable[..., Any], writes: bool) -> Callable[..., Any]:
    @functools.wraps(function)
    def created(*args: Any, **kwargs: Any) -> Any:
        if _INSIDE[0]:
            return function(*args, **kwargs)  # NumPy's own use: unchanged
        result = _inside(function, *plain(args), **plain(kwargs))
        if writes:
            _record(f"np.{function.__name__}", _sizes(result))
        return traced(result)

    return created


def _converter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def converted(value: Any, *args: Any, **kwargs: Any) -> Any:
        if _INSIDE[0]:
            return function(value, *args, **kwargs)  # NumPy's own use: unchanged
        source = plain(value)
        result = _inside(function, source, *args, **kwargs)
        if isinstance(result, np.ndarray) and not result.flags.owndata and not list(_arrays(source)):
            return traced(result)  # a view of a buffer that is not an array (``as_strided`` makes one so)
        _record(f"np.{function.__name__}", _moved(list(_arrays(source)), list(_arrays(result))))
        return traced(result)

    return converted


@contextlib.contextmanager
def _patched_numpy() -> Iterator[None]:
    """NumPy's creators and converters (``np.zeros``, ``np.asarray``, ...) return ``Traced`` arrays in this block."""
    patches = {name: _creator(getattr(np, name), writes=True) for name in CREATORS}
    patches |= {name: _creator(getattr(np, name), writes=False) for name in UNWRITTEN}
    patches |= {name: _converter(getattr(np, name)) for name in CONVERTERS}
    with contextlib.ExitStack() as stack:
        for name, replacement in patches.items():
            stack.enter_context(mock.patch.object(np, name, replacement))
        yield


def count_bytes(function: Callable[..., Any], *args: Any, **kwargs: Any) -> ByteCount:
    """The bytes NumPy moves while ``function(*args, **kwargs)`` runs on traced views of its array arguments
    (views, not copies: what it changes in them, it changes in the caller's arrays)."""
    count = ByteCount()
    with count.recording():
        function(*traced(args), **{key: traced(value) for key, value in kwargs.items()})
    return count


def _tracing(initial_parameters: Callable[[str, int], dict[str, Any]]) -> Callable[[str, int], dict[str, Any]]:
    """``initial_parameters`` giving traced arrays."""

    def traced_parameters(network: str, seed: int) -> dict[str, Any]:
        return {name: traced(value) for name, value in initial_parameters(network, seed).items()}

    return traced_parameters


def count_cnn_epoch(data: Data, settings: Settings, top: int = 8) -> dict[str, Any]:
    """The bytes one epoch of the NumPy CNN's training steps moves: a full batch's step times the full batches,
    plus the partial last batch's step; and the operations that move the most, per step of a full batch."""
    traced_data = Data(*(traced(array) for array in data))
    setup, full, partial = ByteCount(), ByteCount(), ByteCount()
    with mock.patch.object(workloads, "initial_parameters", _tracing(workloads.initial_parameters)):
        with setup.recording():  # built while NumPy's creators are patched: its own arrays are traced too
            step, _ = numpy_cnn_step(traced_data, settings)
        batches = batch_plan(len(data.X_train), dataclasses.replace(settings, epochs=1))[0]
        with full.recording():
            step(batches[0])
        n_full = sum(len(batch) == settings.batch_size for batch in batches)
        if len(batches[-1]) != settings.batch_size:
            with partial.recording():
                step(batches[-1])
    per_epoch = full.total * n_full + partial.total
    return {
        "image_shape": list(IMAGE_SHAPE),
        "batch_size": settings.batch_size,
        "full_batches": n_full,
        "partial_batch": len(batches[-1]) if partial.total else 0,
        "bytes_per_step": full.total,
        "largest_array_bytes": full.largest,
        "bytes_per_epoch": per_epoch,
        "top_operations": [
            {"operation": name, "calls": full.calls[name], "bytes": n_bytes, "share": n_bytes / full.total}
            for name, n_bytes in full.by_operation.most_common(top)
        ],
    }
