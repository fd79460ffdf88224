"""Run the kata tests of ``exercises/`` in a fresh pytest process and read back what happened.

The process runs with the project's own pytest settings only: the user's
``PYTEST_ADDOPTS`` (``-n 2``, ``-x``, ``--lf``...) would change what runs and
what the report says, so it is left out; options for one check go after
``kata check NAME --``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .trees import PROJECT_ROOT, Kata

TESTS = PROJECT_ROOT / "tests"
# pytest's exit codes: 0 all passed, 1 some failed, 5 none collected; the others mean it could not run.
_RAN = (0, 1, 5)


class PytestError(Exception):
    """pytest could not run the tests (a collection error, a bad option)."""


@dataclass
class TestRun:
    """The outcome of one pytest run: each kata's status, every failed exercises test, the counts."""

    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    tests: dict[str, int] = field(default_factory=dict)  # exercises tests: passed, failed, todo, skipped
    skipped_for_data: dict[str, int] = field(default_factory=dict)  # data set title -> tests skipped without it
    returncode: int = 0
    output: str = ""
    reported: bool = True  # pytest wrote its kata report

    @property
    def problem(self) -> str:
        """Why pytest could not run the tests (the end of its output), or "" when it ran."""
        if self.returncode in _RAN and self.reported:
            return ""
        tail = "\n".join(self.output.strip().splitlines()[-20:])
        ended = "ended without writing its report" if self.returncode in _RAN else "exited"
        return f"pytest {ended} (exit code {self.returncode}):\n{tail}".rstrip()

    def counts(self) -> str:
        """``"14 of 17 tests passed (2 failed, 1 todo)"`` for the exercises tests; "" if none ran."""
        total = sum(self.tests.values())
        if not total:
            return ""
        others = [f"{self.tests[name]} {name}" for name in ("failed", "todo", "skipped") if self.tests.get(name)]
        passed = f"{self.tests.get('passed', 0)} of {total} test{'s' if total != 1 else ''} passed"
        return passed + (f" ({', '.join(others)})" if others else "")


def test_files(selected: Sequence[Kata]) -> list[Path]:
    """The test files that hold a test of ``selected``: those whose source names one of their kata
    markers (a string literal, as the authoring checks require), so pytest imports only those; a
    chapter folder where no file does (pytest then says what it found)."""
    files = []
    for chapter in sorted({kata.chapter for kata in selected}):
        markers = [f'kata("{kata.qualname}")' for kata in selected if kata.chapter == chapter]
        found = [
            path for path in sorted((TESTS / chapter).glob("test_*.py")) if any(m in path.read_text() for m in markers)
        ]
        files += found or [TESTS / chapter]
    return files


def pytest_command(selected: Sequence[Kata], *, slow: bool, shrink: bool, report: Path) -> list[str]:
    """The pytest command line that runs the exercises tests of ``selected``."""
    command = [sys.executable, "-m", "pytest", *(str(path) for path in test_files(selected))]
    command += ["--impl", "exercises", "-q", "--no-header", "-p", "no:cacheprovider", "--kata-report", str(report)]
    for kata in selected:
        command += ["--kata", kata.qualname]
    if not slow:
        command += ["-m", "not slow", "--benchmark-disable"]
    if not shrink:
        command += ["--kata-no-shrink"]
    return command


def run_tests(
    selected: Sequence[Kata],
    *,
    slow: bool,
    shrink: bool = True,
    bar: bool = False,
    show_output: bool = False,
    extra: Sequence[str] = (),
) -> TestRun:
    """Run the exercises tests of ``selected`` (``slow`` ones too when asked).

    ``shrink`` lets hypothesis look for the smallest failing example (worth
    it to show a failure, not to count one); ``bar`` shows a progress bar on
    stderr; ``show_output`` lets pytest print to the terminal instead of
    capturing its output; ``extra`` goes to pytest.
    """
    if not selected:
        return TestRun()
    environment = {name: value for name, value in os.environ.items() if name != "PYTEST_ADDOPTS"}
    with tempfile.TemporaryDirectory(prefix="kata-") as folder:
        report = Path(folder) / "report.json"
        command = pytest_command(selected, slow=slow, shrink=shrink, report=report)
        command += (["--kata-bar"] if bar and not show_output else []) + list(extra)
        completed = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=None if show_output else subprocess.PIPE,
            text=True,
            check=False,
        )
        run = TestRun(returncode=completed.returncode, output=completed.stdout or "", reported=report.is_file())
        if run.reported:
            written = json.loads(report.read_text())
            run.statuses = {kata: (entry["status"], entry["detail"]) for kata, entry in written["katas"].items()}
            run.failures = written["failures"]
            run.tests = written["tests"]
            run.skipped_for_data = written["skipped_for_data"]
    return run
