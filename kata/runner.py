"""Run the kata tests of ``exercises/`` in a fresh pytest process and read back what happened."""

from __future__ import annotations

import json
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
    """The outcome of one pytest run: each kata's status and every failed exercises test."""

    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    returncode: int = 0
    output: str = ""

    @property
    def problem(self) -> str:
        """Why pytest could not run the tests (the end of its output), or "" when it ran."""
        if self.returncode in _RAN:
            return ""
        tail = "\n".join(self.output.strip().splitlines()[-20:])
        return f"pytest exited with code {self.returncode}:\n{tail}"


def pytest_command(selected: Sequence[Kata], *, slow: bool, shrink: bool, report: Path, failures: Path) -> list[str]:
    """The pytest command line that runs the exercises tests of ``selected``."""
    folders = sorted({kata.chapter for kata in selected})
    command = [sys.executable, "-m", "pytest", *(str(TESTS / chapter) for chapter in folders)]
    command += ["--impl", "exercises", "-q", "--no-header", "-p", "no:cacheprovider", "-p", "kata.report"]
    command += ["--kata-report", str(report), "--kata-failures", str(failures)]
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
    with tempfile.TemporaryDirectory(prefix="kata-") as folder:
        report, failures = Path(folder) / "report.json", Path(folder) / "failures.json"
        command = pytest_command(selected, slow=slow, shrink=shrink, report=report, failures=failures)
        command += (["--kata-bar"] if bar and not show_output else []) + list(extra)
        completed = subprocess.run(
            command, cwd=PROJECT_ROOT, stdout=None if show_output else subprocess.PIPE, text=True, check=False
        )
        run = TestRun(returncode=completed.returncode, output=completed.stdout or "")
        if report.is_file():
            statuses = json.loads(report.read_text())
            run.statuses = {kata: (entry["status"], entry["detail"]) for kata, entry in statuses.items()}
        if failures.is_file():
            run.failures = json.loads(failures.read_text())
    return run
