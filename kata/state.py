"""The learner's local state: hints shown, cached test results, reset backups.

It lives in ``.kata/`` in the project (git-ignored); ``KATA_STATE_DIR``
overrides the folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .data import write_atomically
from .trees import PROJECT_ROOT


def state_dir() -> Path:
    """The state folder: ``$KATA_STATE_DIR`` if set, else ``.kata/`` in the project."""
    return Path(os.environ.get("KATA_STATE_DIR") or PROJECT_ROOT / ".kata")


def load(name: str) -> dict[str, Any]:
    """The JSON object stored as ``<state dir>/<name>.json``; empty if missing or unreadable."""
    path = state_dir() / f"{name}.json"
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def save(name: str, value: dict[str, Any]) -> None:
    """Store ``value`` as ``<state dir>/<name>.json`` (atomically)."""
    write_atomically(state_dir() / f"{name}.json", json.dumps(value, indent=2).encode())
