"""The kata test harness, a pytest plugin (loaded by ``-p kata.plugin`` in the
project's pytest ``addopts``, so its options work wherever they stand on the command line).

* Every test that takes the ``impl`` fixture runs once per implementation
  (``--impl exercises|reference|both``); its id ends ``[exercises]`` or
  ``[reference]``, and ``impl.chapter1.normalize`` is that tree's function.
* Such a test names its kata with ``@pytest.mark.kata("chapter1.normalize")``
  (a string literal, so the authoring checks can find every kata's tests).
* When an exercises test reaches a stub, it is reported as skipped with the
  reason ``todo: exercises.chapter1.arrays.normalize`` (the stub actually
  reached); the run ends with a done / todo / wrong table per chapter.
* ``--kata NAME`` selects one kata's tests, ``--mutant ID`` (``--alternative ID``)
  runs them against a mutant (an alternative) of the reference, ``--authoring``
  adds the maintainers' checks.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path

import hypothesis
import pytest

from . import mutants
from .progress import Progress
from .trees import TREES, Implementation, find_kata, katas, stub_reached

PROGRESS = pytest.StashKey[Progress]()

hypothesis.settings.register_profile(
    "kata", deadline=None, derandomize=True, database=None, max_examples=60, report_multiple_bugs=False
)
hypothesis.settings.load_profile("kata")


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
    group.addoption("--kata-report", metavar="PATH", help="write each exercises kata's status as JSON to PATH")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kata(name): the kata (chapterN.function) the test checks")
    config.addinivalue_line("markers", "authoring: a maintainers' check of the trees (run with --authoring)")
    config.addinivalue_line("markers", "slow: trains on MNIST or times an epoch (deselect with -m 'not slow')")
    config.stash[PROGRESS] = Progress()
    for kind in mutants.KINDS:
        declared_id = config.getoption(f"--{kind}")
        if declared_id:
            config.option.impl = "reference"
            try:
                mutants.apply(declared_id, kind)
            except LookupError as error:
                raise pytest.UsageError(str(error)) from None


def selected_trees(config: pytest.Config) -> tuple[str, ...]:
    impl: str = config.getoption("--impl")
    return TREES if impl == "both" else (impl,)


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "impl" in metafunc.fixturenames:
        trees = selected_trees(metafunc.config)
        metafunc.parametrize("impl", [Implementation(tree) for tree in trees], ids=trees, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    known = {kata.qualname for kata in katas()}
    wanted = set()
    for name in config.getoption("--kata"):
        try:
            wanted.add(find_kata(name).qualname)
        except LookupError as error:
            raise pytest.UsageError(f"--kata {name}: {error}") from None
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
        (drop if authoring_only or (wanted and kata not in wanted) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    marker = item.get_closest_marker("kata")
    callspec = getattr(item, "callspec", None)
    impl = callspec.params.get("impl") if callspec else None
    if marker is None or not isinstance(impl, Implementation) or impl.tree != "exercises":
        return report
    progress = item.config.stash[PROGRESS]
    kata = marker.args[0]
    stub = stub_reached(call.excinfo.tb) if call.excinfo and call.excinfo.errisinstance(NotImplementedError) else None
    if stub:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"todo: {stub}")
        progress.record(kata, "todo", stub)
    elif report.failed:
        progress.record(kata, "wrong", item.nodeid)
    elif report.skipped:
        progress.record(kata, "skipped", str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "")
    elif report.when == "call":
        progress.record(kata, "done")
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    progress = config.stash[PROGRESS]
    course_order = [kata.qualname for kata in katas()]
    table = progress.table(course_order)
    if table:
        terminalreporter.section("kata progress: exercises/")
        terminalreporter.write_line(table)
    report_path = config.getoption("--kata-report")
    if report_path:
        Path(report_path).write_text(json.dumps(progress.as_dict(course_order), indent=2))
