"""Progressive hints, one more per request, from the kata's record
(``reference/<chapter>/katas.toml``, see :mod:`kata.records`). How many hints
of each kata were shown is kept in the state folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import records, state
from .status import relative
from .trees import Kata


@dataclass(frozen=True)
class HintsShown:
    """The hints shown so far (``hints[:shown]``) out of all the kata's hints."""

    hints: tuple[str, ...]
    shown: int

    @property
    def last(self) -> bool:
        return self.shown >= len(self.hints)


def hints_for(kata: Kata) -> list[str]:
    """The kata's hints from its record; empty if it has none."""
    found = records.record(kata)
    return list(found.hints) if found else []


def next_hint(kata: Kata) -> HintsShown:
    """Show one more hint of ``kata`` than last time (all of them once every one was shown)."""
    hints = hints_for(kata)
    if not hints:
        raise LookupError(f"{kata.qualname} has no hints in {relative(records.records_path(kata.chapter))}")
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
