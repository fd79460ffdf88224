"""Per-kata progress of the learner's exercises: done, todo or wrong.

A kata is *wrong* if any of its tests failed, else *todo* if any reached a
stub, else *skipped* if any was skipped for another reason (no MNIST offline,
say: a kata is never done while some of its tests could not run), else *done*
if any passed.
"""

from __future__ import annotations

from collections import defaultdict

STATUSES = ("done", "todo", "wrong", "skipped")
_SEVERITY = {"wrong": 3, "todo": 2, "skipped": 1, "done": 0}


class Progress:
    def __init__(self) -> None:
        self._status: dict[str, str] = {}
        self._detail: dict[str, str] = {}
        self._order: dict[str, tuple[str, int, str]] = {}

    def record(self, kata: str, status: str, detail: str = "", order: tuple[str, int, str] = ("", 0, "")) -> None:
        """Add one test outcome of ``kata``; the most severe outcome wins, and among equally severe
        ones the test first in ``order`` (its file, line and id), whatever order they arrive in."""
        if status not in _SEVERITY:
            raise ValueError(f"status must be one of {STATUSES}; got {status!r}")
        known = kata in self._status
        more_severe = known and _SEVERITY[status] > _SEVERITY[self._status[kata]]
        earlier = known and _SEVERITY[status] == _SEVERITY[self._status[kata]] and order < self._order[kata]
        if not known or more_severe or earlier:
            self._status[kata] = status
            self._detail[kata] = detail
            self._order[kata] = order

    def status(self, kata: str) -> tuple[str, str] | None:
        """``(status, detail)`` of ``kata``, or None when none of its tests ran."""
        return (self._status[kata], self._detail[kata]) if kata in self._status else None

    def as_dict(self, course_order: list[str]) -> dict[str, dict[str, str]]:
        """``{kata: {"status": ..., "detail": ...}}`` for the katas whose tests ran, in course order."""
        return {
            kata: {"status": self._status[kata], "detail": self._detail[kata]}
            for kata in course_order
            if kata in self._status
        }

    def table(self, course_order: list[str]) -> str:
        """Counts per chapter and the next kata to work on, in course order."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
        for kata in course_order:
            if kata in self._status:
                counts[kata.split(".")[0]][self._status[kata]] += 1
        if not counts:
            return ""
        rows = [f"{'chapter':<10}" + "".join(f"{name:>9}" for name in STATUSES)]
        for chapter, row in counts.items():
            rows.append(f"{chapter:<10}" + "".join(f"{row[name]:>9}" for name in STATUSES))
        upcoming = [kata for kata in course_order if self._status.get(kata) in ("wrong", "todo")]
        if upcoming:
            status, detail = self._status[upcoming[0]], self._detail[upcoming[0]]
            rows.append(f"next: {upcoming[0]} ({status}{': ' + detail if detail else ''})")
        elif any(status == "skipped" for status in self._status.values()):
            skipped = sum(status == "skipped" for status in self._status.values())
            rows.append(f"no kata is wrong or todo; {skipped} skipped: some of their tests could not run")
        else:
            rows.append("every kata that ran is done")
        return "\n".join(rows)
