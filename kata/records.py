"""The one authored record of each kata: ``reference/<chapter>/katas.toml``.

Per kata, in course order: its ``section`` of the course, the one-line
``summary`` the chapter README's table shows, the progressive ``hints``
(the method: the math step, then the NumPy idiom) that ``kata hint`` gives one
at a time, and the ``example`` inputs ``kata compare`` (and the bad-input
tests) call it with. The chapter's ``__all__`` must list the same katas in the
same order, and the README's table is generated from the records
(``python -m kata.stubs`` writes it; the authoring checks compare).

The example is the table ``[name.example]``: one key per parameter, in the
signature's order (every required parameter, and the optional ones the
example sets), each a short Python expression. They are evaluated in that
order in a namespace of ``rng`` (``np.random.default_rng(seed)``), ``np``,
``math``, the builders of ``kata.inputs``, ``output_folder()`` (a folder of
the state directory for a kata that writes files) and the arguments already
evaluated, by name (an argument named ``rng`` excepted: ``rng`` is always the
example's generator)::

    [backward_mlp.example.let]
    layers = "he_layers(rng, (20, 8, 4))"

    [backward_mlp.example]
    X = "rng.random((16, 20), dtype=np.float32)"
    A1 = "forward(X, layers)[0]"

Values an example needs that are not arguments go in the optional table
``[name.example.let]`` (so no kata may have a parameter named ``let``),
evaluated first, in order, and visible to every argument; a ``let`` name may
not be a parameter's. ``example_for`` returns ``(args, kwargs)``: the required
parameters positionally, the optional and keyword-only ones by name. A
generator argument (``np.random.default_rng(1)``) is new at every evaluation
and ``kata compare`` gives each call its own copy, so a correct kata that
draws the reference's way gives the same values.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import inputs, state
from .trees import PROJECT_ROOT, Kata, find_kata, katas

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLE_START = "<!-- the katas, generated from reference/{chapter}/katas.toml by python -m kata.stubs -->"
TABLE_END = "<!-- end of the generated table -->"
Arguments = tuple[tuple[Any, ...], dict[str, Any]]
Expressions = tuple[tuple[str, str], ...]  # (name, Python expression), in order


@dataclass(frozen=True)
class Record:
    section: str
    summary: str
    hints: tuple[str, ...]
    example: Expressions = ()  # one expression per argument
    let: Expressions = ()  # the example's other values, evaluated first


def records_path(chapter: str) -> Path:
    return PROJECT_ROOT / "reference" / chapter / "katas.toml"


@functools.cache
def records(chapter: str) -> dict[str, Record]:
    """``{kata name: Record}`` of one chapter, in the file's order."""
    path = records_path(chapter)
    if not path.is_file():
        return {}
    parsed = tomllib.loads(path.read_text())
    return {name: _record(entry) for name, entry in parsed.items()}


def _record(entry: dict[str, Any]) -> Record:
    example = dict(entry.get("example", {}))
    let = example.pop("let", {})
    return Record(
        section=str(entry["section"]),
        summary=str(entry["summary"]),
        hints=tuple(entry.get("hints", ())),
        example=tuple((str(name), str(value)) for name, value in example.items()),
        let=tuple((str(name), str(value)) for name, value in let.items()),
    )


def record(kata: Kata) -> Record | None:
    """The kata's record; None if its chapter's katas.toml does not list it."""
    return records(kata.chapter).get(kata.name)


def example_for(name: str, seed: int = 0) -> Arguments:
    """The example inputs ``(args, kwargs)`` of the kata ``name`` (``chapterN.function``) for ``seed``."""
    kata = find_kata(name)
    problems = example_problems(kata)
    if problems:
        raise LookupError("\n".join(problems))
    found = record(kata)
    assert found is not None
    rng = np.random.default_rng(seed)
    folder = state.state_dir() / "compare" / kata.qualname

    def output_folder() -> str:
        """Where an example that writes files writes them: the state folder, overwritten each time."""
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)

    namespace: dict[str, Any] = {"rng": rng, "np": np, "math": math, "output_folder": output_folder}
    namespace.update((builder, getattr(inputs, builder)) for builder in inputs.__all__)
    values: dict[str, Any] = {}
    for table, expressions in (("example.let", found.let), ("example", found.example)):
        for key, expression in expressions:
            try:
                values[key] = eval(expression, namespace)  # the course's own records: trusted code
            except Exception as error:
                raise ValueError(f"{_where(kata)} [{kata.name}.{table}] {key} = {expression!r}: {error!r}") from error
            if key != "rng":  # an argument named rng is the kata's; rng stays the example's generator
                namespace[key] = values[key]
    parameters = inspect.signature(kata.function("reference")).parameters
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for key, _ in found.example:
        parameter = parameters[key]
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD and parameter.default is parameter.empty:
            args.append(values[key])
        else:
            kwargs[key] = values[key]
    return tuple(args), kwargs


def example_problems(kata: Kata) -> list[str]:
    """How the kata's example disagrees with its signature (an unknown key, a required parameter
    missing, the keys out of the signature's order, a ``let`` name that is a parameter's, a parameter named ``let``)."""
    found = record(kata)
    where = f"{_where(kata)} [{kata.name}.example]"
    if found is None or not found.example:
        return [f"{where} is missing: kata compare and the bad-input tests need it"]
    parameters = inspect.signature(kata.function("reference")).parameters
    keys = [key for key, _ in found.example]
    problems = [f"{where} {key}: not a parameter of {kata.name} ({', '.join(parameters)})"
                for key in keys if key not in parameters]  # fmt: skip
    required = [name for name, p in parameters.items() if p.default is p.empty]
    problems += [f"{where} has no {name} (a required parameter)" for name in required if name not in keys]
    if [name for name in parameters if name in keys] != [key for key in keys if key in parameters]:
        problems.append(f"{where} lists {keys}: write them in the signature's order")
    problems += [f"{where}.let {name}: a parameter's name" for name, _ in found.let if name in parameters]
    if "let" in parameters:
        problems.append(f"{kata.name} has a parameter named let, the name of the example's table of other values")
    return problems


def readme_table(chapter: str) -> str:
    """The markdown table of the chapter's katas, from their records and signatures."""
    rows = [
        TABLE_START.format(chapter=chapter),
        "| section | function | what it does |",
        "|---|---|---|",
    ]
    for kata in katas(chapter):
        found = record(kata)
        if found is not None:
            rows.append(f"| {found.section} | `{_call(kata)}` | {found.summary} |")
    rows.append(TABLE_END)
    return "\n".join(rows)


def readme_with_table(chapter: str, text: str) -> str:
    """The chapter README ``text`` with its generated table replaced by the current one."""
    start = TABLE_START.format(chapter=chapter)
    if start not in text or TABLE_END not in text:
        raise LookupError(f"exercises/{chapter}/README.md has no generated table (the markers {start} ... {TABLE_END})")
    before, rest = text.split(start, 1)
    after = rest.split(TABLE_END, 1)[1]
    return before + readme_table(chapter) + after


def problems(chapter: str) -> list[str]:
    """How the chapter's records disagree with its ``__all__`` (names and order)."""
    listed = [kata.name for kata in katas(chapter)]
    recorded = list(records(chapter))
    if listed == recorded:
        return []
    return [f"reference/{chapter}/katas.toml lists {recorded}, but the chapter's __all__ is {listed}"]


def _where(kata: Kata) -> str:
    return f"reference/{kata.chapter}/katas.toml"


def _call(kata: Kata) -> str:
    """``name(a, b, ...)``: the required parameters, and ``...`` when there are optional ones."""
    parameters = inspect.signature(kata.function("reference")).parameters.values()
    required = [p.name for p in parameters if p.default is p.empty]
    optional = any(p.default is not p.empty for p in parameters)
    return f"{kata.name}({', '.join(required + (['...'] if optional else []))})"
