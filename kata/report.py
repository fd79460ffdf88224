"""A pytest plugin for ``kata check`` and ``kata status`` (``-p kata.report``).

``--kata-failures PATH`` writes every failed exercises test as JSON: its id,
kata, the failure message (with hypothesis's failing example) and the line
to look at: the learner's own line when the traceback passes through
``exercises/``, else the test's.
``--kata-bar`` shows a progress bar on stderr. ``--kata-no-shrink`` stops
hypothesis from shrinking a failing example to the smallest one: ``kata
status`` only needs to know that a test failed, and shrinking takes seconds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from tqdm import tqdm

from .trees import PROJECT_ROOT

EXERCISES = PROJECT_ROOT / "exercises"

TESTS = PROJECT_ROOT / "tests"
# hypothesis's note on which lines only failing examples ran: noise to a learner.
_EXPLANATION = re.compile(r"\n\s*Explanation:\n.*", re.DOTALL)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kata")
    group.addoption("--kata-failures", metavar="PATH", help="write each failed exercises test as JSON to PATH")
    group.addoption("--kata-bar", action="store_true", help="show a progress bar on stderr")
    group.addoption("--kata-no-shrink", action="store_true", help="report hypothesis failures without shrinking")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--kata-no-shrink"):
        current = hypothesis.settings()  # the profile loaded so far
        phases = [phase for phase in current.phases if phase is not hypothesis.Phase.shrink]
        hypothesis.settings.register_profile("kata-no-shrink", current, phases=phases)
        hypothesis.settings.load_profile("kata-no-shrink")
    config.pluginmanager.register(Recorder(config), "kata-recorder")


class Recorder:
    """Collects the failures of exercises tests and moves the progress bar."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.items: dict[str, pytest.Item] = {}
        self.failures: list[dict[str, Any]] = []
        self.bar: tqdm[Any] | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = {item.nodeid: item for item in session.items}
        if self.config.getoption("--kata-bar"):
            self.bar = tqdm(total=len(session.items), unit="test", leave=False, dynamic_ncols=True)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        item = self.items.get(report.nodeid)
        if item is None:
            return
        if self.bar is not None and report.when == "teardown":
            self.bar.set_description_str(item.name[:40], refresh=False)
            self.bar.update()
        marker = item.get_closest_marker("kata")
        callspec = getattr(item, "callspec", None)
        tree = getattr(callspec.params.get("impl"), "tree", None) if callspec else None
        if marker is not None and tree == "exercises" and report.failed:
            self.failures.append(_failure(item, report, marker.args[0]))

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.bar is not None:
            self.bar.close()
        path = config.getoption("--kata-failures")
        if path:
            Path(path).write_text(json.dumps(self.failures, indent=2))


def _failure(item: pytest.Item, report: pytest.TestReport, kata: str) -> dict[str, Any]:
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(longrepr)
    locations = [(crash.path, crash.lineno)] if crash is not None else []
    for entry in getattr(getattr(longrepr, "reprtraceback", None), "reprentries", []):
        location = getattr(entry, "reprfileloc", None)
        if location is not None:
            locations.append((location.path, location.lineno))
    resolved = [(Path(path).resolve(), line) for path, line in locations]
    learners = [(path, line) for path, line in resolved if path.is_relative_to(EXERCISES)]
    tests = [(path, line) for path, line in resolved if path.is_relative_to(TESTS)]
    where = "".join(f"{path.relative_to(PROJECT_ROOT)}:{line}" for path, line in (learners or tests)[-1:])
    return {
        "nodeid": item.nodeid,
        "kata": kata,
        "when": report.when,
        "message": _EXPLANATION.sub("", message),
        "where": where,
    }
