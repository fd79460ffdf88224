"""The one authored record of each kata: ``reference/<chapter>/katas.toml``.

Per kata, in course order: its ``section`` of the course, the one-line
``summary`` the chapter README's table shows, and the progressive ``hints``
(the method: the math step, then the NumPy idiom) that ``kata hint`` gives one
at a time. The chapter's ``__all__`` must list the same katas in the same
order, and the README's table is generated from the records
(``python -m kata.stubs`` writes it; the authoring checks compare).
"""

from __future__ import annotations

import functools
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

from .trees import PROJECT_ROOT, Kata, katas

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLE_START = "<!-- the katas, generated from reference/{chapter}/katas.toml by python -m kata.stubs -->"
TABLE_END = "<!-- end of the generated table -->"


@dataclass(frozen=True)
class Record:
    section: str
    summary: str
    hints: tuple[str, ...]


def records_path(chapter: str) -> Path:
    return PROJECT_ROOT / "reference" / chapter / "katas.toml"


@functools.cache
def records(chapter: str) -> dict[str, Record]:
    """``{kata name: Record}`` of one chapter, in the file's order."""
    path = records_path(chapter)
    if not path.is_file():
        return {}
    parsed = tomllib.loads(path.read_text())
    return {
        name: Record(str(entry["section"]), str(entry["summary"]), tuple(entry.get("hints", ())))
        for name, entry in parsed.items()
    }


def record(kata: Kata) -> Record | None:
    """The kata's record; None if its chapter's katas.toml does not list it."""
    return records(kata.chapter).get(kata.name)


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


def _call(kata: Kata) -> str:
    """``name(a, b, ...)``: the required parameters, and ``...`` when there are optional ones."""
    parameters = inspect.signature(kata.function("reference")).parameters.values()
    required = [p.name for p in parameters if p.default is p.empty]
    optional = any(p.default is not p.empty for p in parameters)
    return f"{kata.name}({', '.join(required + (['...'] if optional else []))})"
