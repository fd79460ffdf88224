"""The kata test harness: one pytest plugin, loaded by ``-p kata.plugin`` in the project's pytest
``addopts``, so its options work wherever they stand on the command line.

* Every test that takes the ``impl`` fixture runs once per implementation
  (``--impl exercises|reference|both``); its id ends ``[exercises]`` or
  ``[reference]``, and ``impl.chapter1.normalize`` is that tree's function.
* Such a test names its kata with ``@pytest.mark.kata("chapter1.normalize")``
  (a string literal, so the authoring checks can find every kata's tests).
* When an exercises test reaches a stub, it is reported as skipped with the
  reason ``todo: exercises.chapter1.arrays.normalize`` (the stub actually
  reached); the run ends with a done / todo / wrong table per chapter.
* Every exercises test runs under a time limit (``--kata-timeout`` or
  ``KATA_TIMEOUT``, 10 s; 30 min for the slow ones): past it, the test fails "took longer than 10 s" at
  the line the learner's code had reached, and the kata's other tests are
  skipped, so an endless loop costs one limit, not a hang.
* A kata is done only when its tests could run: a kata whose tests need a data
  set this machine does not have (offline, before ``kata data download``) is
  *skipped*, even when those tests were deselected (``-m "not slow"``). The
  run ends with one line saying how many tests were skipped for missing data
  and how to fix it.
* ``--kata NAME`` selects one kata's tests, ``--mutant ID`` (``--alternative ID``)
  runs them against a mutant (an alternative) of the reference, ``--authoring``
  adds the maintainers' checks.
* ``--kata-report PATH`` writes one JSON file for ``kata check`` and ``kata
  status``: each exercises kata's status, every failed exercises test (its
  message, the line to look at, the test's docstring) and the test counts.
  ``--kata-bar`` shows a progress bar on stderr; ``--kata-no-shrink`` stops
  Hypothesis from shrinking a failing example (``kata status`` only needs to
  know that a test failed, and shrinking takes seconds).

Everything the table and the report need travels on the test reports
themselves, so they are right under pytest-xdist (``-n 2``) too, where the
tests run in worker processes and only the reports reach this one. The
project's ``-n auto`` asks this plugin how many workers to start: two for the
whole suite, none for a narrowed run (``pytest_xdist_auto_num_workers``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from tqdm import tqdm

from . import data, hypothesis_profile, mutants
from .limits import FAST_TEST_LIMIT, SLOW_TEST_LIMIT, TimeLimitExceeded, time_limit
from .progress import Progress
from .trees import PROJECT_ROOT, TREES, Implementation, find_kata, katas, stub_reached

EXERCISES = PROJECT_ROOT / "exercises"
TESTS = PROJECT_ROOT / "tests"
RECORDER = pytest.StashKey["Recorder"]()
# The fixtures of tests/conftest.py that load a downloaded data set, and that data set.
DATA_FIXTURES = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}
# Hypothesis's note on which lines only failing examples ran: noise to a learner.
_EXPLANATION = re.compile(r"\n\s*Explanation:\n.*", re.DOTALL)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kata")
    group.addoption(
        "--impl",
        choices=("exercises", "reference", "both"),
        default="both",
        help="which implementation the kata tests run against (default: both)",
    )
    group.addoption(
        "--kata",
        action="append",
        default=[],
        metavar="NAME",
        help="only the tests of this kata, e.g. chapter1.normalize (repeatable)",
    )
    group.addoption("--mutant", metavar="ID", help="run the reference with this mutant (kata:name) in its kata's place")
    group.addoption(
        "--alternative", metavar="ID", help="run the reference with this alternative (kata:name) in its kata's place"
    )
    group.addoption("--authoring", action="store_true", help="also run the maintainers' authoring checks")
    group.addoption(
        "--kata-timeout",
        type=float,
        default=float(os.environ.get("KATA_TIMEOUT") or FAST_TEST_LIMIT),
        metavar="SECONDS",
        help=f"time limit of one exercises test (default {FAST_TEST_LIMIT:g}, or $KATA_TIMEOUT; slow tests "
        f"{SLOW_TEST_LIMIT:g}, or this if larger; 0: no limit)",
    )
    group.addoption(
        "--kata-report", metavar="PATH", help="write the exercises katas' statuses, failures and counts as JSON"
    )
    group.addoption("--kata-bar", action="store_true", help="show a progress bar on stderr")
    group.addoption("--kata-no-shrink", action="store_true", help="report hypothesis failures without shrinking")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kata(name): the kata (chapterN.function) the test checks")
    config.addinivalue_line("markers", "authoring: a maintainers' check of the trees (run with --authoring)")
    config.addinivalue_line("markers", "slow: trains on MNIST or times an epoch (deselect with -m 'not slow')")
    for kind in mutants.KINDS:
        declared_id = config.getoption(f"--{kind}")
        if declared_id:
            config.option.impl = "reference"
            try:
                mutants.apply(declared_id, kind)
            except LookupError as error:
                raise pytest.UsageError(str(error)) from None
    hypothesis_profile.shrink = not config.getoption("--kata-no-shrink")
    if "hypothesis" in sys.modules or not hypothesis_profile.loads_on_import():
        hypothesis_profile.load()
    recorder = Recorder(config)
    config.stash[RECORDER] = recorder
    config.pluginmanager.register(recorder, "kata-recorder")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A run that never imported Hypothesis (no property test ran here) drops Hypothesis's pytest
    plugin before the terminal summary, which would import Hypothesis (half a second) only to
    find nothing to report. An xdist controller keeps it: its workers' reports may carry
    Hypothesis's notes."""
    plugins = session.config.pluginmanager
    if "hypothesis" not in sys.modules and not plugins.has_plugin("dsession"):
        plugin = plugins.get_plugin("hypothesispytest")
        if plugin is not None:
            plugins.unregister(plugin)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many xdist workers ``-n auto`` (the project's ``addopts``) starts: two when the run is
    the whole suite (``pytest`` with no paths) on a machine with two cores or more, else none (one
    process). A narrowed run (``--kata``, ``-k``, paths, a mutant, ``-s``, ``--sw``) has too few tests to
    repay two workers' start-up, and ``kata check`` runs one kata. Two, not every core: the few
    MNIST trainings are the longest tests, and each worker holds its own copy of MNIST.
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` and an explicit ``-n N`` still decide."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    narrowed = (
        config.args_source is not pytest.Config.ArgsSource.TESTPATHS
        or config.getoption("--kata")
        or any(config.getoption(f"--{kind}") for kind in mutants.KINDS)
        or config.getoption("keyword")
        or config.getoption("capture") == "no"
        or config.getoption("stepwise", False)
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 0 if narrowed or cores < 2 else 2


def selected_trees(config: pytest.Config) -> tuple[str, ...]:
    impl = str(config.getoption("--impl"))
    return TREES if impl == "both" else (impl,)


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "impl" in metafunc.fixturenames:
        trees = selected_trees(metafunc.config)
        metafunc.parametrize("impl", [Implementation(tree) for tree in trees], ids=trees, scope="session")


@pytest.hookimpl(tryfirst=True)  # before -m deselects: a kata's slow tests tell which data sets it needs
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    known = {kata.qualname for kata in katas()}
    wanted = set()
    for name in config.getoption("--kata") or []:
        try:
            wanted.add(find_kata(name).qualname)
        except LookupError as error:
            raise pytest.UsageError(f"--kata {name}: {error}") from None
    recorder = config.stash[RECORDER]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("kata")
        uses_impl = "impl" in getattr(item, "fixturenames", ())
        kata = marker.args[0] if marker else None
        if marker and kata not in known:
            raise pytest.UsageError(f"{item.nodeid}: unknown kata {kata!r} in its kata marker")
        if uses_impl != bool(marker):
            raise pytest.UsageError(f"{item.nodeid}: a kata test needs both the kata marker and the impl fixture")
        authoring_only = item.get_closest_marker("authoring") and not config.getoption("--authoring")
        selected = not authoring_only and not (wanted and kata not in wanted)
        (keep if selected else drop).append(item)
        if selected and kata is not None and _tree(item) == "exercises":
            recorder.note_data_needs(kata, item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _tree(item: pytest.Item) -> str | None:
    """``"exercises"`` or ``"reference"`` for a kata test, else None."""
    callspec = getattr(item, "callspec", None)
    impl = callspec.params.get("impl") if callspec else None
    return impl.tree if isinstance(impl, Implementation) else None


class Recorder:
    """The harness's state in one pytest process: what each test's report says about its kata
    (set where the test runs), and what those reports add up to (where they arrive)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.progress = Progress()
        self.limit: float = config.getoption("--kata-timeout") or 0.0
        self.data_needs: dict[str, dict[str, set[str]]] = {}  # kata -> test -> data sets its fixtures load
        self.missing_datasets: dict[str, list[str]] = {}  # kata -> titles of those no test run can load
        self.timed_out: dict[str, str] = {}  # kata -> which test took too long, in this process
        self.outcomes: dict[str, str] = {}  # exercises test -> passed, failed, todo or skipped
        self.failures: list[dict[str, Any]] = []
        self.skipped_for_data: Counter[str] = Counter()  # data set title -> tests skipped without it
        self.bar: tqdm[Any] | None = None

    # --- Where the tests run (this process, or an xdist worker) ---------------------------

    def note_data_needs(self, kata: str, item: pytest.Item) -> None:
        fixtures = getattr(item, "fixturenames", ())
        needs = {dataset for fixture, dataset in DATA_FIXTURES.items() if fixture in fixtures}
        if needs:
            self.data_needs.setdefault(kata, {})[item.nodeid] = needs

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Which data sets each kata's deselected tests need and this machine lacks: such a kata
        cannot be done in this run (its tests that do run and lack data are skipped by their fixture)."""
        running = {item.nodeid for item in session.items}
        available: dict[str, bool] = {}
        for kata, tests in self.data_needs.items():
            needed = {dataset for nodeid, datasets in tests.items() if nodeid not in running for dataset in datasets}
            for dataset in sorted(needed):
                if available.setdefault(dataset, data.available_offline(dataset)) is False:
                    self.missing_datasets.setdefault(kata, []).append(data.DATASETS[dataset].title)
        if self.config.getoption("--kata-bar") and not hasattr(self.config, "workerinput"):
            self.bar = tqdm(total=len(session.items), unit="test", leave=False, dynamic_ncols=True)

    def limit_of(self, item: pytest.Item) -> float:
        if self.limit <= 0:
            return 0.0
        return max(self.limit, SLOW_TEST_LIMIT) if item.get_closest_marker("slow") else self.limit

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        marker = item.get_closest_marker("kata")
        if marker is not None and _tree(item) == "exercises" and marker.args[0] in self.timed_out:
            pytest.skip(f"not run: {marker.args[0]} already {self.timed_out[marker.args[0]]}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        if _tree(item) != "exercises":
            return (yield)
        with time_limit(self.limit_of(item)):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        excinfo = call.excinfo
        if report.skipped and excinfo is not None and isinstance(excinfo.value.__context__, data.DataUnavailableError):
            report.kata_missing_data = _dataset_title(excinfo.value.__context__)  # type: ignore[attr-defined]
        marker = item.get_closest_marker("kata")
        if marker is None or _tree(item) != "exercises":
            return report
        kata: str = marker.args[0]
        report.kata = kata  # type: ignore[attr-defined]
        test = item.name
        stub = stub_reached(excinfo.tb) if excinfo and excinfo.errisinstance(NotImplementedError) else None
        if stub:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"todo: {stub}")
            outcome, detail = "todo", stub
        elif excinfo is not None and excinfo.errisinstance(TimeLimitExceeded):
            outcome, detail = "wrong", f"took longer than {self.limit_of(item):g} s in {test}"
            self.timed_out.setdefault(kata, detail)
        elif report.failed:
            outcome, detail = "wrong", item.nodeid
        elif report.skipped:
            missing = getattr(report, "kata_missing_data", "")
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
            outcome, detail = "skipped", _missing_data_detail([missing]) if missing else str(reason)
        elif report.when == "call":
            outcome, detail = "done", ""
            if self.missing_datasets.get(kata):  # its tests that need data were deselected and could not run
                outcome, detail = "skipped", _missing_data_detail(self.missing_datasets[kata])
        else:
            return report
        report.kata_outcome = outcome  # type: ignore[attr-defined]
        report.kata_detail = detail  # type: ignore[attr-defined]
        if report.failed:
            report.kata_failure = _failure(item, report, kata, excinfo)  # type: ignore[attr-defined]
        return report

    # --- Where the reports arrive (this process, or the xdist controller) ------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.bar is not None and report.when == "teardown":
            self.bar.set_description_str(report.nodeid.rsplit("::", 1)[-1][:40], refresh=False)
            self.bar.update()
        missing = getattr(report, "kata_missing_data", "")
        if missing and report.skipped:
            self.skipped_for_data[missing] += 1
        outcome = getattr(report, "kata_outcome", "")
        if not outcome:
            return
        kata: str = getattr(report, "kata", "")
        path, line, _ = report.location
        self.progress.record(kata, outcome, getattr(report, "kata_detail", ""), (path, line or 0, report.nodeid))
        test_outcome = {"done": "passed", "wrong": "failed"}.get(outcome, outcome)
        if _TEST_SEVERITY[test_outcome] >= _TEST_SEVERITY.get(self.outcomes.get(report.nodeid, ""), -1):
            self.outcomes[report.nodeid] = test_outcome
        failure = getattr(report, "kata_failure", None)
        if failure:
            self.failures.append(failure)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if hasattr(self.config, "workerinput"):
            return
        course_order = [kata.qualname for kata in katas()]
        table = self.progress.table(course_order)
        if table:
            terminalreporter.section("kata progress: exercises/")
            terminalreporter.write_line(table)
        if self.skipped_for_data:
            terminalreporter.write_line(missing_data_summary(self.skipped_for_data))

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.bar is not None:
            self.bar.close()
        path = config.getoption("--kata-report")
        if path and not hasattr(config, "workerinput"):
            course_order = [kata.qualname for kata in katas()]
            report = {
                "katas": self.progress.as_dict(course_order),
                "failures": self.failures,
                "tests": dict(Counter(self.outcomes.values())),
                "skipped_for_data": dict(self.skipped_for_data),
            }
            Path(path).write_text(json.dumps(report, indent=2))


_TEST_SEVERITY = {"passed": 0, "skipped": 1, "todo": 2, "failed": 3}


def missing_data_summary(skipped: Counter[str]) -> str:
    """The one line that ends a run in which tests were skipped for want of a data set."""
    count = sum(skipped.values())
    names = " and ".join(sorted(skipped))
    tests, them = ("1 test was", "it") if count == 1 else (f"{count} tests were", "them")
    return (
        f"{tests} skipped because {names} {'is' if len(skipped) == 1 else 'are'} not available here. "
        f"To run {them}: kata data download (online), or set KATA_DATA_MIRROR to a folder or URL that holds "
        "<dataset>/<file>.gz, or put the .gz files into data_cache/<dataset>/ (kata data where shows the folders)."
    )


def _dataset_title(error: BaseException) -> str:
    message = str(error)
    return next((spec.title for spec in data.DATASETS.values() if spec.title in message), "a data set")


def _missing_data_detail(titles: list[str]) -> str:
    return f"needs {' and '.join(titles)}, not on this machine (kata data download)"


def _failure(
    item: pytest.Item, report: pytest.TestReport, kata: str, excinfo: pytest.ExceptionInfo[BaseException] | None
) -> dict[str, Any]:
    """A failed exercises test for ``kata check``: message, the line to look at (the learner's own line
    when the traceback passes through ``exercises/``, else the test's), and the test's docstring."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(longrepr)
    if excinfo is not None and isinstance(excinfo.value, TimeLimitExceeded):
        message = (
            f"{excinfo.value}: an endless loop, or a Python loop over every element? "
            "(the limit of one test: --kata-timeout SECONDS or KATA_TIMEOUT changes it)"
        )
    locations = [(crash.path, crash.lineno)] if crash is not None else []
    for entry in getattr(getattr(longrepr, "reprtraceback", None), "reprentries", []):
        location = getattr(entry, "reprfileloc", None)
        if location is not None:
            locations.append((location.path, location.lineno))
    resolved = [(Path(path).resolve(), line) for path, line in locations]
    learners = [(path, line) for path, line in resolved if path.is_relative_to(EXERCISES)]
    tests = [(path, line) for path, line in resolved if path.is_relative_to(TESTS)]
    where = "".join(f"{path.relative_to(PROJECT_ROOT)}:{line}" for path, line in (learners or tests)[-1:])
    function = getattr(item, "function", None)
    return {
        "nodeid": item.nodeid,
        "kata": kata,
        "when": report.when,
        "message": _EXPLANATION.sub("", message),
        "where": where,
        "test": getattr(item, "originalname", item.name),
        "doc": (getattr(function, "__doc__", None) or "").strip(),
    }
