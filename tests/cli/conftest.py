"""Fixtures for the ``kata`` command's tests: a throwaway copy of the project to run it in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kata.stubs import expected_exercises
from kata.trees import PROJECT_ROOT

Run = Callable[..., subprocess.CompletedProcess[str]]


def copy_project(root: Path) -> Path:
    """The harness, chapter 1 of both trees and its tests: enough for ``kata`` to run, and
    independent of the chapters being written or solved in the real project."""
    ignore = shutil.ignore_patterns("__pycache__", ".kata")
    shutil.copytree(PROJECT_ROOT / "kata", root / "kata", ignore=ignore)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root)
    for tree in ("reference", "exercises"):
        (root / tree).mkdir()
        shutil.copy(PROJECT_ROOT / tree / "__init__.py", root / tree)
        shutil.copytree(PROJECT_ROOT / "reference" / "chapter1", root / tree / "chapter1", ignore=ignore)
    for path in (PROJECT_ROOT / "exercises" / "chapter1").glob("*.md"):
        shutil.copy(path, root / "exercises" / "chapter1")
    for relative, text in expected_exercises().items():  # the stubs, even where the real exercises are solved
        if relative.parts[0] == "chapter1":
            (root / "exercises" / relative).write_text(text)
    (root / "tests").mkdir()
    shutil.copy(PROJECT_ROOT / "tests" / "conftest.py", root / "tests")
    shutil.copytree(PROJECT_ROOT / "tests" / "chapter1", root / "tests" / "chapter1", ignore=ignore)
    return root


def replace_function(path: Path, name: str, code: str) -> None:
    """Replace the top-level function ``name`` of the module at ``path`` by ``code``."""
    source = path.read_text()
    start = source.index(f"\ndef {name}(") + 1
    end = min((i for i in (source.find("\ndef ", start), source.find("\n@", start)) if i != -1), default=-1)
    rest = source[end:] if end != -1 else "\n"
    path.write_text(source[:start] + code.strip() + "\n\n" + rest)


@pytest.fixture
def replace() -> Callable[[Path, str, str], None]:
    """``replace(path, name, code)``: write the learner's own version of a function."""
    return replace_function


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh learner's copy of the project: every chapter 1 kata is the stub."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def run_kata() -> Run:
    """Run ``kata ARGS...`` in a project copy, as its own process, with its own state folder."""

    def run(
        root: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "PYTHONPATH": str(root), "KATA_STATE_DIR": str(root / ".kata"), "NO_COLOR": "1"}
        environment.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "kata", *args],
            cwd=root,
            env=environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


@pytest.fixture
def solve() -> Callable[[Path, str], None]:
    """Copy a reference chapter over the learner's exercises in a project copy."""

    def copy_reference(root: Path, chapter: str) -> None:
        for path in (root / "reference" / chapter).glob("*.py"):
            shutil.copy(path, root / "exercises" / chapter / path.name)

    return copy_reference


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private state folder for in-process tests (hints shown, cached results, backups)."""
    folder = tmp_path / "state"
    monkeypatch.setenv("KATA_STATE_DIR", str(folder))
    monkeypatch.setenv("NO_COLOR", "1")
    return folder
