"""Run folders: every training run and benchmark writes its files into a folder of its own under ``runs/``."""

from __future__ import annotations

import os
import tempfile
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


def check_runs_folder(runs: Path) -> None:
    """Make sure files can be written in the folder ``runs`` (created if missing), before any work starts;
    else raise ``ValueError`` with one paragraph that says why and what to give instead."""
    if runs.exists() and not runs.is_dir():
        raise ValueError(
            f"--runs {runs} is a file, not a folder: each run saves its pictures, metrics and parameters into a "
            "folder of its own inside it. Give a folder (created if missing), e.g. --runs runs/"
        )
    try:
        runs.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(dir=runs, prefix=".write-test-")
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise ValueError(
            f"cannot write in {runs} ({error.strerror or type(error).__name__}), where this run would be saved: "
            "give a folder you can write to with --runs FOLDER"
        ) from None
