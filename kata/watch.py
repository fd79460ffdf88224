"""Re-run something each time a file under a folder changes.

Polling (every ``interval`` seconds) rather than file-system events: the
exercises tree is a few dozen files, polling it costs nothing, needs no extra
package and works the same on every platform, editor and file system.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

Snapshot = dict[Path, tuple[int, int]]


def snapshot(folder: Path, patterns: tuple[str, ...] = ("*.py",)) -> Snapshot:
    """``{path: (modification time in ns, size)}`` of every file under ``folder`` matching ``patterns``."""
    found: Snapshot = {}
    for pattern in patterns:
        for path in folder.rglob(pattern):
            if "__pycache__" in path.parts:
                continue
            try:
                info = path.stat()
            except FileNotFoundError:  # deleted between listing and stat
                continue
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """The paths added, removed or modified between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def watch(
    folder: Path,
    action: Callable[[list[Path]], None],
    *,
    interval: float = 0.5,
    max_runs: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run ``action([])`` once, then ``action(changed_paths)`` after every change under ``folder``.

    A change is acted on once the files have stopped changing for one
    ``interval`` (an editor may write a file in several steps). Stops after
    ``max_runs`` runs (never when None); returns the number of runs.
    """
    runs = 0
    before = snapshot(folder)
    action([])
    runs += 1
    while max_runs is None or runs < max_runs:
        sleep(interval)
        now = snapshot(folder)
        if not changed(before, now):
            continue
        settled = now
        while True:  # wait until a poll sees no further change
            sleep(interval)
            latest = snapshot(folder)
            if not changed(settled, latest):
                break
            settled = latest
        action(changed(before, settled))
        runs += 1
        before = settled
    return runs
