"""The generated notebooks, executed headless in a real Jupyter kernel: a maintainers' check.

Each run takes minutes, so a plain ``pytest`` leaves these tests out (deselected);
``pytest tests/notebooks`` or ``nox -s notebooks`` runs them, and so does
``KATA_NOTEBOOKS=1 pytest``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _asked_for(config: pytest.Config) -> bool:
    if os.environ.get("KATA_NOTEBOOKS") == "1":
        return True
    for argument in config.args:
        path = Path(config.invocation_params.dir, argument.split("::")[0]).resolve()
        if path == HERE or path.is_relative_to(HERE):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _asked_for(config):
        return
    drop = [item for item in items if item.path.resolve().is_relative_to(HERE)]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [item for item in items if item not in drop]
