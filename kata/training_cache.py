"""The reference's MNIST trainings, run once per content of the files they depend on.

A slow test of the reference tree trains the same network on the same data in every run, and
gets the same numbers: they depend only on the reference's code, the harness it calls, the
test file that chose the settings, and the versions of Python and NumPy. ``reference_result``
stores what such a training returned in ``<state dir>/trained/`` (``kata/state.py``), under a
key hashed from all of those, and reads it back in the next run; the test's assertions run on
it again every time. An edit to any of those files trains again.

Never served from the cache: the exercises tree (a learner's training always runs), a run
with a mutant or an alternative (they replace a reference function in memory, not in its
file), and every timing (an epoch is compared with a reference epoch timed in the same run).
``KATA_TRAINING_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from . import mutants, state
from .data import write_atomically
from .trees import PROJECT_ROOT, Implementation

CACHE_VERSION = 1
# Besides the calling test file: every file whose content can change what a reference training returns.
_DEPENDENCIES = ("reference/**/*.py", "kata/*.py", "tests/conftest.py", "pyproject.toml")


def enabled(request: pytest.FixtureRequest, impl: Implementation) -> bool:
    """True when ``impl``'s training may come from the cache: the reference tree, as on disk."""
    if impl.tree != "reference" or os.environ.get("KATA_TRAINING_CACHE") == "0":
        return False
    return not any(request.config.getoption(f"--{kind}") for kind in mutants.KINDS)


def key(name: str, test_file: Path) -> str:
    """A hash of ``name``, the test file, every file of ``_DEPENDENCIES``, Python's and NumPy's versions."""
    files = sorted({path for pattern in _DEPENDENCIES for path in PROJECT_ROOT.glob(pattern)} | {test_file})
    digest = hashlib.sha256(f"v{CACHE_VERSION} {name} {platform.python_version()} {np.__version__}".encode())
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _plain(value: Any) -> Any:
    """A NumPy scalar or array as the Python number or list JSON can hold."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot store a {type(value).__name__} in the training cache")


def reference_result(
    request: pytest.FixtureRequest, impl: Implementation, name: str, train: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """``train()``, or what it returned in an earlier run of the same files (see the module docstring).

    ``train`` returns a dict of NumPy arrays and JSON values (histories, numbers), stored as one
    ``.npz`` file (no pickle), written atomically.
    """
    if not enabled(request, impl):
        return train()
    path = state.state_dir() / "trained" / f"{name}-{key(name, Path(str(request.path)))}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            values: dict[str, Any] = json.loads(str(stored["json"]))
            values.update({entry[6:]: stored[entry] for entry in stored.files if entry.startswith("array:")})
            return values
    except (OSError, ValueError, KeyError):
        pass  # not trained yet with these files, or unreadable: train again
    result = train()
    arrays: dict[str, Any] = {
        f"array:{entry}": value for entry, value in result.items() if isinstance(value, np.ndarray)
    }
    others = {entry: value for entry, value in result.items() if not isinstance(value, np.ndarray)}
    buffer = io.BytesIO()
    arrays["json"] = np.array(json.dumps(others, default=_plain))
    np.savez(buffer, **arrays)
    with contextlib.suppress(OSError):  # a read-only project: the result is still right, only not kept
        write_atomically(path, buffer.getvalue())
    return result
