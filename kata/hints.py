"""Progressive hints: ``exercises/<chapter>/HINTS.md``, one more per request.

The file's format::

    # Chapter 1 hints

    ## chapter1.normalize
    1. A first hint: the math step.
    2. A second hint: the NumPy idiom.

A hint may continue on the following lines; a blank line or the next number
ends it. How many hints of each kata were shown is kept in the state folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import state
from .status import relative
from .trees import PROJECT_ROOT, Kata

_HEADING = re.compile(r"^##\s+(\S+)\s*$")
_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")


@dataclass(frozen=True)
class HintsShown:
    """The hints shown so far (``hints[:shown]``) out of all the kata's hints."""

    hints: tuple[str, ...]
    shown: int

    @property
    def last(self) -> bool:
        return self.shown >= len(self.hints)


def hints_path(chapter: str) -> Path:
    return PROJECT_ROOT / "exercises" / chapter / "HINTS.md"


def parse_hints(text: str) -> dict[str, list[str]]:
    """``{kata: [hint, ...]}`` from a HINTS.md text, hints in their file order."""
    parsed: dict[str, list[str]] = {}
    current: list[str] | None = None
    continuing = False
    for line in text.splitlines():
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if heading:
            current = parsed.setdefault(heading.group(1), [])
            continuing = False
        elif current is not None and item:
            current.append(item.group(2).strip())
            continuing = True
        elif current is not None and continuing and line.strip() and not line.startswith("#"):
            current[-1] += " " + line.strip()
        else:
            continuing = False
    return parsed


def hints_for(kata: Kata) -> list[str]:
    """The kata's hints from its chapter's HINTS.md; empty if it has none."""
    path = hints_path(kata.chapter)
    if not path.is_file():
        return []
    return parse_hints(path.read_text()).get(kata.qualname, [])


def next_hint(kata: Kata) -> HintsShown:
    """Show one more hint of ``kata`` than last time (all of them once every one was shown)."""
    hints = hints_for(kata)
    if not hints:
        raise LookupError(f"{kata.qualname} has no hints in {relative(hints_path(kata.chapter))}")
    saved = state.load("hints")
    shown = min(int(saved.get(kata.qualname, 0)) + 1, len(hints))
    saved[kata.qualname] = shown
    state.save("hints", saved)
    return HintsShown(tuple(hints), shown)


def reset_hints(kata: Kata | None = None) -> None:
    """Start over: the next request shows the first hint again (for one kata, or every kata)."""
    saved = state.load("hints")
    if kata is None:
        saved.clear()
    else:
        saved.pop(kata.qualname, None)
    state.save("hints", saved)
