"""Input contracts: each kata's argument rules, declared once above its signature.

    @contract(X=Array("(n, d)"), W=Array("(d, k)"), b=Array("(1, k)"))
    def forward(X, W, b): ...

The decorator checks every call before the body runs, in both trees, and
raises a :class:`ContractError` (a ``ValueError``) that names the argument,
the shape it must have and the shape it has. The body receives the checked
values: ``Array("...")`` turns lists and integer arrays into float arrays, so
the body holds only the lesson.

Shapes are written as tuples of dimension names. A name binds the size it
first meets, and every later use of that name must agree, across arguments:
``X`` of shape ``(64, 784)`` binds ``d = 784``, so ``W`` must have 784 rows.
``1`` is a literal size, ``_`` any one size, ``...`` any number of sizes, and
``*s`` binds a whole run of sizes (``y_pred=Array("(*s)"), y=Array("(*s)")``:
the same shape, of any length). A :class:`Rule` states what names alone cannot
(``Rule("kh <= H and kw <= W", "the kernel must fit in the image")``).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])
_DTYPE_KINDS = {"float": "fiub", "int": "iu", "real": "fiub", "bool": "b", "any": None}
_DTYPE_WORDS = {
    "float": "real numbers",
    "int": "integers",
    "real": "real numbers",
    "bool": "booleans",
    "any": "values",
}


class ContractError(ValueError):
    """A call broke its kata's input contract; ``arguments`` names the arguments at fault."""

    def __init__(self, message: str, *arguments: str) -> None:
        super().__init__(message)
        self.arguments = tuple(dict.fromkeys(argument.split("[")[0] for argument in arguments))


@dataclass
class _Call:
    """What one call has bound so far: argument values and dimension sizes (with where each came from)."""

    values: dict[str, Any]
    dims: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, tuple[str, tuple[int, ...]]] = field(default_factory=dict)  # (argument, its shape)

    def namespace(self) -> dict[str, Any]:
        """Every argument and dimension by name, and the few builtins a :class:`Rule` may use."""
        return {**self.values, **self.dims, "__builtins__": _RULE_BUILTINS}


def _origin(call: _Call, dimension: str) -> str:
    """Where a dimension's size came from: ``X of shape (64, 784)``."""
    argument, shape = call.origin[dimension]
    return f"{argument} of shape {shape}"


def _describe_bounds(name: str, ge: Any, gt: Any, le: Any, lt: Any) -> str:
    """``0 < x <= 1``, ``n >= 1`` or ``x < 5``: the bounds as a beginner reads them."""
    low = (f"{gt} <", f"{ge} <=") if gt is not None or ge is not None else None
    high = f"< {lt}" if lt is not None else f"<= {le}" if le is not None else ""
    if low is None:
        return f"{name} {high}".strip()
    if not high:
        return f"{name} > {gt}" if gt is not None else f"{name} >= {ge}"
    return f"{low[0] if gt is not None else low[1]} {name} {high}"


def _resolve(bound: Any, call: _Call) -> Any:
    """A bound given as another argument's or dimension's name is that value."""
    if isinstance(bound, str):
        namespace = call.namespace()
        return namespace[bound]
    return bound


def _outside(value: Any, ge: Any, gt: Any, le: Any, lt: Any) -> bool:
    arrays = (
        isinstance(value, np.ndarray)
        or isinstance(ge, np.ndarray)
        or isinstance(gt, np.ndarray)
        or isinstance(le, np.ndarray)
        or isinstance(lt, np.ndarray)
    )
    if not arrays:  # numbers: no round trip through NumPy
        return bool(
            (ge is not None and value < ge)
            or (gt is not None and value <= gt)
            or (le is not None and value > le)
            or (lt is not None and value >= lt)
        )
    return bool(
        (ge is not None and np.any(value < ge))
        or (gt is not None and np.any(value <= gt))
        or (le is not None and np.any(value > le))
        or (lt is not None and np.any(value >= lt))
    )


class Spec:
    """One argument's rule. ``optional=True`` also accepts ``None``."""

    optional: bool = False
    ge: Any = None
    gt: Any = None
    le: Any = None
    lt: Any = None
    names_others = False  # a bound is the name of another argument or dimension ("lt='num_classes'")

    def set_bounds(self, ge: Any, gt: Any, le: Any, lt: Any) -> None:
        """Keep the bounds, and whether one names another argument or dimension (read once, not per call)."""
        self.ge, self.gt, self.le, self.lt = ge, gt, le, lt
        self.names_others = any(isinstance(bound, str) for bound in (ge, gt, le, lt))

    def resolved_bounds(self, call: _Call) -> tuple[Any, ...]:
        """``(ge, gt, le, lt)``, each bound that names an argument or dimension replaced by its value."""
        bounds = (self.ge, self.gt, self.le, self.lt)
        return tuple(_resolve(bound, call) for bound in bounds) if self.names_others else bounds

    def describe(self) -> str:
        raise NotImplementedError

    def check(self, name: str, value: Any, call: _Call) -> Any:
        """Return the value the body receives, or raise :class:`ContractError`."""
        raise NotImplementedError


_DIM = re.compile(r"\*?[A-Za-z_][A-Za-z0-9_\[\]]*|\d+|\.\.\.")


def _parse_shape(shape: str) -> tuple[str, ...]:
    inner = shape.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    items = tuple(item.strip() for item in inner.split(",") if item.strip())
    bad = [item for item in items if not _DIM.fullmatch(item)]
    variadic = [item for item in items if item == "..." or item.startswith("*")]
    if bad or len(variadic) > 1:
        raise ValueError(f"bad shape {shape!r}: use names, sizes, '_', and at most one '...' or '*name'")
    return items


def _show_shape(sizes: Sequence[str]) -> str:
    return "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"


class Array(Spec):
    """An array of a given shape (see the module docstring) and kind of dtype.

    ``dtype``: ``"float"`` (float32 and float64 kept as they are; integers and
    booleans become float64), ``"real"`` (any real dtype, kept), ``"int"``,
    ``"bool"`` or ``"any"``. ``ge``, ``gt``, ``le``, ``lt`` bound every element
    (a number, or the name of another argument or dimension); ``one_hot`` wants
    rows of 0s with a single 1; ``empty`` allows a size of 0.
    """

    def __init__(
        self,
        shape: str | None = None,
        dtype: str = "float",
        *,
        ge: Any = None,
        gt: Any = None,
        le: Any = None,
        lt: Any = None,
        one_hot: bool = False,
        empty: bool = False,
        optional: bool = False,
    ) -> None:
        if dtype not in _DTYPE_KINDS:
            raise ValueError(f"dtype must be one of {', '.join(_DTYPE_KINDS)}; got {dtype!r}")
        self.shape = shape
        self.items = _parse_shape(shape) if shape is not None else None
        # The shape's items, read once: (position, dimension name, literal size or None) of each item
        # that is checked (not "_" or "..."), and where a run of sizes (*s or ...) stands. Checking a
        # call then only compares sizes.
        items = self.items or ()
        self._plan = tuple(
            (position, item.lstrip("*"), int(item) if item.isdigit() else None)
            for position, item in enumerate(items)
            if item not in ("_", "...")
        )
        self._star = next((i for i, item in enumerate(items) if item == "..." or item.startswith("*")), None)
        self._fixed = len(items) - (self._star is not None)
        self.dtype = dtype
        self.set_bounds(ge, gt, le, lt)
        self.one_hot, self.empty, self.optional = one_hot, empty, optional
        self.bounded = any(bound is not None for bound in (ge, gt, le, lt))
        # The dtype kinds a NumPy array is passed through with, unconverted (None: every kind).
        self._kept_kinds = "f" if dtype == "float" else _DTYPE_KINDS[dtype]

    def describe(self) -> str:
        words = f"an array of {_DTYPE_WORDS[self.dtype]}"
        return f"{words} of shape {self.shape}" if self.shape else words

    def check(self, name: str, value: Any, call: _Call) -> Any:
        array = self.as_array(name, value)
        if self.items is not None:
            self._match_shape(name, array, call)
        if not self.empty and array.size == 0:
            raise ContractError(f"{name} must not be empty; got shape {array.shape}", name)
        if self.bounded and array.size:
            bounds = self.resolved_bounds(call)
            if np.isnan(array).any() if array.dtype.kind == "f" else False:
                raise ContractError(f"{name} must not hold NaN", name)
            if _outside(array, *bounds):
                allowed = _describe_bounds("x", *self._named_bounds(bounds))
                raise ContractError(
                    f"{name} must hold values x with {allowed}; got values from {array.min()} to {array.max()}", name
                )
        if self.one_hot and not _is_one_hot(array):
            raise ContractError(
                f"{name} must be one-hot: each row all 0 except a single 1 (see chapter 1's one_hot); "
                f"got shape {array.shape}",
                name,
            )
        return array

    def _named_bounds(self, bounds: tuple[Any, ...]) -> list[Any]:
        given = (self.ge, self.gt, self.le, self.lt)
        return [f"{g} = {b}" if isinstance(g, str) else b for g, b in zip(given, bounds, strict=True)]

    def as_array(self, name: str, value: Any) -> np.ndarray[Any, Any]:
        kept = self._kept_kinds
        if type(value) is np.ndarray and (kept is None or value.dtype.kind in kept):
            return value
        if isinstance(value, (str, bytes, Mapping)) or value is None:
            raise ContractError(f"{name} must be {self.describe()}; got {type(value).__name__} {value!r:.60}", name)
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as error:  # ragged lists
            raise ContractError(f"{name} must be {self.describe()}; {error}", name) from None
        kinds = _DTYPE_KINDS[self.dtype]
        if kinds is not None and array.dtype.kind not in kinds:
            raise ContractError(f"{name} must hold {_DTYPE_WORDS[self.dtype]}; got dtype {array.dtype}", name)
        if self.dtype == "float" and array.dtype.kind != "f":
            array = array.astype(np.float64)
        return array

    def _match_shape(self, name: str, array: np.ndarray[Any, Any], call: _Call) -> None:
        shape, star, fixed = array.shape, self._star, self._fixed
        if (star is None and len(shape) != fixed) or (star is not None and len(shape) < fixed):
            rank = f"{fixed}-D" if star is None else f"at least {fixed}-D"
            raise ContractError(f"{name} must be a {rank} array of shape {self.shape}; got shape {shape}", name)
        if star is None:
            sizes: Sequence[Any] = shape
        else:
            tail = fixed - star  # the items after the run of sizes
            sizes = [*shape[:star], shape[star : len(shape) - tail], *shape[len(shape) - tail :]]
        dims = call.dims
        for position, key, literal in self._plan:
            size = sizes[position]
            expected = literal if literal is not None else dims.get(key)
            if expected is None:
                dims[key] = size
                call.origin[key] = (name, shape)
            elif expected != size:
                raise ContractError(self._mismatch(name, shape, call), name, *self._sources(call))

    def _mismatch(self, name: str, shape: tuple[int, ...], call: _Call) -> str:
        assert self.items is not None
        known = [item for item in self.items if item.lstrip("*") in call.dims]
        resolved = [size for item in self.items for size in self._resolved(item, call)]
        wanted = f"{self.shape} = {_show_shape(resolved)}" if known else self.shape
        where = "; ".join(f"{item.lstrip('*')} from {_origin(call, item.lstrip('*'))}" for item in known)
        return f"{name} must have shape {wanted}{f' ({where})' if where else ''}; got shape {shape}"

    def _resolved(self, item: str, call: _Call) -> list[str]:
        key = item.lstrip("*")
        if key in call.dims:
            value = call.dims[key]
            return [str(size) for size in value] if item.startswith("*") else [str(value)]
        return [item]

    def _sources(self, call: _Call) -> list[str]:
        assert self.items is not None
        return [call.origin[i.lstrip("*")][0] for i in self.items if i.lstrip("*") in call.origin]


def _is_one_hot(array: np.ndarray[Any, Any]) -> bool:
    if array.ndim != 2:
        return False
    binary = (array == 0) | (array == 1)
    return bool(binary.all() and (array.sum(axis=1) == 1).all())


class Int(Spec):
    """A Python or NumPy integer (not a bool, not a float such as 2.0), optionally bounded."""

    def __init__(
        self, *, ge: Any = None, gt: Any = None, le: Any = None, lt: Any = None, optional: bool = False
    ) -> None:
        self.set_bounds(ge, gt, le, lt)
        self.optional = optional

    def describe(self) -> str:
        bounds = _describe_bounds("n", self.ge, self.gt, self.le, self.lt)
        return "an int" + (f" {bounds}" if bounds != "n" else "")

    def check(self, name: str, value: Any, call: _Call) -> Any:
        # A plain int (bool is a subclass, not this type) needs no check against the numbers ABCs.
        if type(value) is not int and (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral)):
            raise ContractError(f"{name} must be {self.describe()}; got {type(value).__name__} {value!r:.60}", name)
        if _outside(int(value), *self.resolved_bounds(call)):
            raise ContractError(f"{name} must be {self.describe()}; got {value}", name)
        return int(value)


class Real(Spec):
    """A finite real number (an int or a float, not a bool), optionally bounded; the body gets a float."""

    def __init__(
        self, *, ge: Any = None, gt: Any = None, le: Any = None, lt: Any = None, optional: bool = False
    ) -> None:
        self.set_bounds(ge, gt, le, lt)
        self.optional = optional

    def describe(self) -> str:
        bounds = _describe_bounds("x", self.ge, self.gt, self.le, self.lt)
        return "a finite number" + (f" {bounds}" if bounds != "x" else "")

    def check(self, name: str, value: Any, call: _Call) -> Any:
        # A plain float or int needs no check against the numbers ABCs (bool is not of either type).
        plain = type(value) is float or type(value) is int
        real = plain or (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)))
        if not real or not math.isfinite(value):
            raise ContractError(f"{name} must be {self.describe()}; got {type(value).__name__} {value!r:.60}", name)
        if _outside(value, *self.resolved_bounds(call)):
            raise ContractError(f"{name} must be {self.describe()}; got {value}", name)
        return float(value)


class OneOf(Spec):
    """One of a few given values, e.g. ``OneOf("relu", "sigmoid")``."""

    def __init__(self, *choices: Any, optional: bool = False) -> None:
        self.choices, self.optional = choices, optional

    def describe(self) -> str:
        return "one of " + ", ".join(map(repr, self.choices))

    def check(self, name: str, value: Any, call: _Call) -> Any:
        if not any(value == choice and type(value) is type(choice) for choice in self.choices):
            raise ContractError(f"{name} must be {self.describe()}; got {value!r:.60}", name)
        return value


class Ints(Spec):
    """A list or tuple of ints, each bounded like :class:`Int`, at least ``min_len`` long (kept a list or a tuple)."""

    def __init__(self, *, min_len: int = 1, ge: Any = None, gt: Any = None, optional: bool = False) -> None:
        self.min_len, self.each, self.optional = min_len, Int(ge=ge, gt=gt), optional

    def describe(self) -> str:
        bounds = self.each.describe().removeprefix("an int")
        return f"a list of at least {self.min_len} ints" + (bounds[2:] if bounds.startswith(" n ") else bounds)

    def check(self, name: str, value: Any, call: _Call) -> Any:
        if not isinstance(value, (list, tuple)) or len(value) < self.min_len:
            raise ContractError(f"{name} must be {self.describe()}; got {value!r:.80}", name)
        try:
            return type(value)(self.each.check(f"{name}[{i}]", item, call) for i, item in enumerate(value))
        except ContractError:
            raise ContractError(f"{name} must be {self.describe()}; got {value!r:.80}", name) from None


class Instance(Spec):
    """An instance of ``kind``, e.g. ``Instance(np.random.Generator)`` or ``Instance(Callable)``."""

    def __init__(self, kind: Any, *, optional: bool = False) -> None:
        self.kind, self.optional = kind, optional

    def describe(self) -> str:
        return f"a {getattr(self.kind, '__name__', self.kind)}"

    def check(self, name: str, value: Any, call: _Call) -> Any:
        if not isinstance(value, self.kind):
            raise ContractError(f"{name} must be {self.describe()}; got {type(value).__name__}", name)
        return value


class Params(Spec):
    """A dict of named float arrays, each with its shape: ``Params(W1="(d, h)", b1="(1, h)")``.

    Dimension names are shared with the other arguments. Extra keys are allowed.
    The body gets the caller's dict (a new one only where a value had to be turned into floats).
    """

    def __init__(self, *, optional: bool = False, **shapes: str) -> None:
        self.arrays = {key: Array(shape) for key, shape in shapes.items()}
        self.optional = optional

    def describe(self) -> str:
        return "a dict with the keys " + ", ".join(self.arrays)

    def check(self, name: str, value: Any, call: _Call) -> Any:
        if not isinstance(value, Mapping):
            raise ContractError(f"{name} must be {self.describe()}; got {type(value).__name__}", name)
        missing = [key for key in self.arrays if key not in value]
        if missing:
            raise ContractError(f"{name} lacks {', '.join(missing)}; it must be {self.describe()}", name)
        checked = {key: spec.check(f"{name}[{key!r}]", value[key], call) for key, spec in self.arrays.items()}
        if all(checked[key] is value[key] for key in checked):
            return value
        return {**value, **checked}


class Layers(Spec):
    """Chapter 5's parameter dict ``W1, b1, ..., WL, bL`` (column-major): ``W[l]`` of shape
    ``(n[l], n[l-1])`` and ``b[l]`` of shape ``(n[l], 1)``, layer after layer.

    Binds the dimension ``n_x`` (``W1``'s columns) and ``n_y`` (``WL``'s rows). ``prefix``
    checks a gradient dict instead: ``Layers(prefix="d")`` wants ``dW1, db1, ...``.
    """

    def __init__(self, *, prefix: str = "", optional: bool = False) -> None:
        self.prefix, self.optional = prefix, optional

    def describe(self) -> str:
        p = self.prefix
        return f"a dict {p}W1, {p}b1, ..., {p}WL, {p}bL with {p}W[l] of shape (n[l], n[l-1]) and {p}b[l] of (n[l], 1)"

    def check(self, name: str, value: Any, call: _Call) -> Any:
        p = self.prefix
        if not isinstance(value, Mapping):
            raise ContractError(f"{name} must be {self.describe()}; got {type(value).__name__}", name)
        L = len(value) // 2
        expected = [f"{p}{kind}{layer}" for layer in range(1, L + 1) for kind in "Wb"]
        if L < 1 or sorted(value) != sorted(expected):
            raise ContractError(f"{name} must be {self.describe()}; got the keys {list(value)}", name)
        checked = dict(value)
        for key, spec in self._arrays(L):
            checked[key] = spec.check(f"{name}[{key!r}]", value[key], call)
        return value if all(checked[key] is value[key] for key in value) else checked

    @functools.lru_cache(maxsize=16)  # noqa: B019 - a handful of depths per spec, kept for the program's life
    def _arrays(self, L: int) -> tuple[tuple[str, Array], ...]:
        """``(key, Array spec)`` of every parameter of an ``L``-layer network, built once per depth."""
        p, arrays = self.prefix, []
        for layer in range(1, L + 1):
            rows, columns = "n_y" if layer == L else f"n{layer}", "n_x" if layer == 1 else f"n{layer - 1}"
            arrays.append((f"{p}W{layer}", Array(f"({rows}, {columns})")))
            arrays.append((f"{p}b{layer}", Array(f"({rows}, 1)")))
        return tuple(arrays)


class Rule:
    """A condition on several arguments, written as a Python expression over the
    argument names and the shapes' dimension names, with what it means.

    ``Rule("kh <= H and kw <= W", "the kernel must fit in the image")``
    """

    def __init__(self, expression: str, meaning: str) -> None:
        self.expression, self.meaning = expression, meaning
        self.code = compile(expression, f"<rule {expression}>", "eval")
        self.names = [name for name in self.code.co_names if name not in _RULE_BUILTINS]

    def check(self, call: _Call, namespace: dict[str, Any]) -> None:
        """Raise unless the rule holds in ``namespace``, the call's :meth:`_Call.namespace`."""
        # One dict as the globals, so generator expressions inside the rule see the names too.
        if not eval(self.code, namespace):
            values = ", ".join(
                f"{n} = {namespace[n]}" if n in call.dims else f"{n} = {_summary(namespace[n])}"
                for n in self.names
                if n in namespace
            )
            arguments = list(dict.fromkeys(self._argument(n, call) for n in self.names if n in namespace))
            raise ContractError(f"{self.meaning} ({self.expression} is false: {values})", *arguments)

    def _argument(self, name: str, call: _Call) -> str:
        return name if name in call.values else call.origin[name][0].split("[")[0]


_RULE_BUILTINS: dict[str, Any] = {
    "len": len, "all": all, "any": any, "isinstance": isinstance, "set": set, "sorted": sorted, "min": min,
    "max": max, "abs": abs, "int": int, "float": float, "tuple": tuple, "list": list, "dict": dict, "str": str,
    "callable": callable, "range": range, "zip": zip, "np": np, "None": None, "True": True, "False": False,
    "__import__": __import__,  # NumPy's array methods import lazily
}  # fmt: skip


def _summary(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return f"{value!r:.60}"


@dataclass(frozen=True)
class Contract:
    """The rules of one kata's arguments; :meth:`wrap` makes a function obey them."""

    specs: dict[str, Spec]
    rules: tuple[Rule, ...]

    def wrap(self, function: F) -> F:
        """``function`` checked by this contract before its body runs."""
        signature = inspect.signature(function)
        names = list(signature.parameters)
        unknown = [name for name in self.specs if name not in names]
        if unknown:
            raise ValueError(f"contract of {function.__name__} names no parameter {', '.join(unknown)}")
        positional = [
            name
            for name, parameter in signature.parameters.items()
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        ]
        defaults = {
            name: parameter.default
            for name, parameter in signature.parameters.items()
            if parameter.default is not parameter.empty
        }
        # A bound that names another argument or dimension is checked after the rest.
        specs = sorted(self.specs.items(), key=lambda item: item[1].names_others)
        rules = self.rules

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            if len(args) > len(positional):
                return function(*args, **kwargs)  # let Python say how many arguments it takes
            values = {**defaults, **dict(zip(positional, args, strict=False)), **kwargs}
            call = _Call(values)
            for name, spec in specs:
                if name in values and not (spec.optional and values[name] is None):
                    values[name] = spec.check(name, values[name], call)
            if rules:
                namespace = call.namespace()  # once for all the rules: they run after every argument is checked
                for rule in rules:
                    rule.check(call, namespace)
            return function(**values)

        checked.__kata_contract__ = self  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]


def contract(*rules: Rule, **specs: Spec) -> Callable[[F], F]:
    """Declare a kata's input contract: a :class:`Spec` per checked argument and any :class:`Rule`."""

    def decorate(function: F) -> F:
        return Contract(specs, rules).wrap(function)

    return decorate


def contract_of(function: Callable[..., Any]) -> Contract | None:
    """The contract a kata function was declared with, if any."""
    found: Contract | None = getattr(function, "__kata_contract__", None)
    return found
