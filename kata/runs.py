"""Run folders: every training run and benchmark writes its files into a folder of its own under ``runs/``."""

from __future__ import annotations

import time
from pathlib import Path

from .trees import PROJECT_ROOT

RUNS = PROJECT_ROOT / "runs"


def unused_run_folder(runs: Path, prefix: str) -> Path:
    """``runs/<prefix>-<date>-<time>``, with ``-2``, ``-3``... appended while that name is taken. Not created."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = runs / f"{prefix}-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = runs / f"{prefix}-{stamp}-{suffix}"
    return folder
