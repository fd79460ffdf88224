"""Check katas from Jupyter or IPython: ``kata.check(...)``, ``kata.status()``, ``kata.save(fn)``.

``kata.check("chapter1.normalize")`` (or a chapter, ``"chapter1"``) runs the
kata's fast tests against the learner's saved ``exercises/`` file in a fresh
pytest process, as ``kata check --fast`` does. ``kata.check(normalize)``, with
a function defined in a notebook cell, runs them against that function: its
source, with the other katas of its chapter defined in the same notebook and
the helper functions they call, is written into a temporary copy of the
project, whose tests then run in a fresh process. The saved files are not
touched; ``kata.save(normalize)`` writes the function into them.

Each call returns a report that a notebook shows as a small HTML table (done /
todo / wrong, and the first failure's expected vs got) and a terminal as text.
"""

from __future__ import annotations

import ast
import contextlib
import html
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .trees import PROJECT_ROOT, Kata, chapters, find_kata, katas

COLORS = {"done": "#1a7f37", "wrong": "#cf222e", "todo": "#9a6700", "skipped": "#0969da"}
# What a project copy needs to run the kata tests: the harness, both trees, the tests and the settings.
_COPIED = ("kata", "reference", "exercises", "tests")
_IGNORED = shutil.ignore_patterns("__pycache__", ".kata", ".ipynb_checkpoints", "*.ipynb")
_EXPECTED_GOT = re.compile(r"^(?P<what>.*?)\bexpected:?\n(?P<expected>.*?)\ngot:?\n(?P<got>.*)$", re.DOTALL)
_EXPECTED_GOT_LINE = re.compile(
    r"^(?P<what>.*?)\bexpected (?P<expected>.+?),\s+got (?P<got>.+?)(?P<rest> \(\w+=.*\))?$"
)


# --- Reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One kata's outcome."""

    kata: str
    status: str  # done, wrong, todo or skipped
    detail: str = ""


@dataclass(frozen=True)
class Failure:
    """The first failed test of a check, split into what a learner reads."""

    kata: str
    test: str
    message: str
    where: str
    spec: tuple[str, ...]

    @property
    def expected_got(self) -> tuple[str, str, str] | None:
        """``(what, expected, got)`` when the message has an expected and a got part, else None."""
        message = self.message.strip().removeprefix("AssertionError: ")
        found = _EXPECTED_GOT.match(message)
        if found:
            return found["what"].strip(), found["expected"].rstrip(), found["got"].rstrip()
        first, _, _ = message.partition("\n")
        found = _EXPECTED_GOT_LINE.match(first)
        if found:
            what = (found["what"].strip() + (found["rest"] or "")).strip()
            return what, found["expected"], found["got"]
        return None


@dataclass
class CheckReport:
    """What ``kata.check`` found: a row per kata and the first failure, shown as HTML or text."""

    rows: list[Row]
    source: str
    slow: bool
    failure: Failure | None = None
    problem: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    tests: dict[str, int] = field(default_factory=dict)  # exercises tests run: passed, failed, todo, skipped

    def counts(self) -> str:
        """``"14 of 17 tests passed (2 failed, 1 todo)"``; "" if no test ran."""
        total = sum(self.tests.values())
        if not total:
            return ""
        others = [f"{self.tests[name]} {name}" for name in ("failed", "todo", "skipped") if self.tests.get(name)]
        passed = f"{self.tests.get('passed', 0)} of {total} test{'s' if total != 1 else ''} passed"
        return passed + (f" ({', '.join(others)})" if others else "")

    @property
    def done(self) -> bool:
        """True if every kata checked is done."""
        return bool(self.rows) and all(row.status == "done" for row in self.rows) and not self.problem

    @property
    def statuses(self) -> dict[str, str]:
        """Each kata's status, e.g. ``{"chapter1.normalize": "done"}``."""
        return {row.kata: row.status for row in self.rows}

    def __str__(self) -> str:
        tests = "fast and slow tests" if self.slow else "fast tests"
        lines = [f"{self.source}, {tests} ({self.seconds:.1f} s):"]
        if self.problem:
            lines.append(self.problem)
        width = max((len(row.kata) for row in self.rows), default=0)
        lines += [f"  {row.status:<7} {row.kata:<{width}}  {row.detail}".rstrip() for row in self.rows]
        done = sum(row.status == "done" for row in self.rows)
        lines.append(f"{done} of {len(self.rows)} done" + (f"; {self.counts()}" if self.counts() else ""))
        if self.failure is not None:
            lines += ["", *_failure_text(self.failure)]
        lines += self.notes
        return "\n".join(lines)

    def __repr__(self) -> str:  # IPython's text display and the plain Python prompt
        return str(self)

    def _repr_html_(self) -> str:
        tests = "fast and slow tests" if self.slow else "fast tests"
        parts = [
            '<div class="kata-check">',
            f"<p><b>{html.escape(self.source)}</b>, {tests} ({self.seconds:.1f} s)</p>",
        ]
        if self.problem:
            parts.append(f"<pre>{html.escape(self.problem)}</pre>")
        parts.append(_rows_table(self.rows))
        if self.counts():
            parts.append(f"<p>{html.escape(self.counts())}</p>")
        if self.failure is not None:
            parts.append(_failure_html(self.failure))
        parts += [f"<p>{html.escape(note)}</p>" for note in self.notes]
        parts.append("</div>")
        return "\n".join(parts)


@dataclass
class StatusReport:
    """What ``kata.status`` found: every kata's status, per chapter, and the next kata."""

    rows: list[Row]

    @property
    def statuses(self) -> dict[str, str]:
        return {row.kata: row.status for row in self.rows}

    @property
    def next(self) -> str | None:
        """The first kata in course order that is not done, or None."""
        return next((row.kata for row in self.rows if row.status in ("wrong", "todo")), None)

    def _counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for row in self.rows:
            chapter = counts.setdefault(row.kata.split(".")[0], dict.fromkeys(COLORS, 0))
            chapter[row.status] = chapter.get(row.status, 0) + 1
        return counts

    def __str__(self) -> str:
        lines = [f"{'chapter':<10} {'done':>5} {'todo':>5} {'wrong':>6} {'skipped':>8}"]
        for chapter, count in self._counts().items():
            lines.append(
                f"{chapter:<10} {count['done']:>5} {count['todo']:>5} {count['wrong']:>6} {count['skipped']:>8}"
            )
        done = sum(row.status == "done" for row in self.rows)
        lines.append(f"{done} of {len(self.rows)} katas done.")
        if self.next:
            lines.append(f"Next: {self.next}  (kata.check({self.next!r}) runs its tests)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        parts = ['<div class="kata-status">']
        for chapter, count in self._counts().items():
            summary = ", ".join(f"{number} {name}" for name, number in count.items() if number or name != "skipped")
            rows = [row for row in self.rows if row.kata.split(".")[0] == chapter]
            parts.append(f"<details><summary><b>{html.escape(chapter)}</b>: {html.escape(summary)}</summary>")
            parts.append(_rows_table(rows))
            parts.append("</details>")
        done = sum(row.status == "done" for row in self.rows)
        parts.append(f"<p>{done} of {len(self.rows)} katas done.")
        if self.next:
            parts.append(f" Next: <code>{html.escape(self.next)}</code>")
        parts.append("</p></div>")
        return "\n".join(parts)


def _badge(status: str) -> str:
    color = COLORS.get(status, "#57606a")
    return f'<span style="color:{color};font-weight:bold">{html.escape(status)}</span>'


def _rows_table(rows: Sequence[Row]) -> str:
    body = "".join(
        f"<tr><td>{_badge(row.status)}</td><td><code>{html.escape(row.kata)}</code></td>"
        f'<td style="text-align:left">{html.escape(row.detail)}</td></tr>'
        for row in rows
    )
    return f"<table><tr><th>status</th><th>kata</th><th>detail</th></tr>{body}</table>"


def _failure_text(failure: Failure) -> list[str]:
    lines = [f"FAILED {failure.kata}  {failure.test}"]
    split = failure.expected_got
    if split is not None:
        what, expected, got = split
        if what:
            lines.append(f"  {what}")
        lines.append("  expected: " + expected.replace("\n", "\n            "))
        lines.append("  got:      " + got.replace("\n", "\n            "))
    else:
        lines += [f"  {line}" for line in failure.message.strip().splitlines()]
    if failure.where:
        lines.append(f"  at {failure.where}")
    if failure.spec:
        lines.append("  spec: " + "\n        ".join(failure.spec))
    return lines


def _failure_html(failure: Failure) -> str:
    cells = [("test", f"<code>{html.escape(failure.test)}</code>")]
    split = failure.expected_got
    if split is not None:
        what, expected, got = split
        if what:
            cells.append(("what", html.escape(what)))
        cells += [("expected", f"<pre>{html.escape(expected)}</pre>"), ("got", f"<pre>{html.escape(got)}</pre>")]
    else:
        cells.append(("message", f"<pre>{html.escape(failure.message.strip())}</pre>"))
    if failure.where:
        cells.append(("at", f"<code>{html.escape(failure.where)}</code>"))
    if failure.spec:
        cells.append(("spec", "<br>".join(f"<code>{html.escape(line)}</code>" for line in failure.spec)))
    body = "".join(f'<tr><th>{name}</th><td style="text-align:left">{value}</td></tr>' for name, value in cells)
    return f"<p>First failure, {_badge('wrong')} <code>{html.escape(failure.kata)}</code>:</p><table>{body}</table>"


# --- kata.check and kata.status ---------------------------------------------------------------


def resolve(name: str) -> list[Kata]:
    """The katas a name stands for: a chapter (``chapter1`` or ``1``) or one kata."""
    chapter = f"chapter{name}" if name.isdigit() else name
    if chapter in chapters():
        return katas(chapter)
    return [find_kata(name)]


def check(target: str | Callable[..., Any], *, name: str | None = None, slow: bool = False) -> CheckReport:
    """Run the tests of a kata (or chapter) on the saved ``exercises/`` code, or of a function of yours.

    ``target`` is a name (``"chapter1.normalize"``, ``"normalize"``, ``"chapter1"``)
    or a function defined in the notebook (or any module): then its source and
    that of the other katas of its chapter defined beside it run instead of the
    saved ones. ``name`` says which kata a function is when its ``__name__`` is
    not the kata's. ``slow=True`` also runs the MNIST training and timing tests.
    """
    started = time.perf_counter()
    _quiet_imports()
    if isinstance(target, str):
        report = _check_saved(resolve(target), slow=slow)
    elif callable(target):
        report = _check_function(target, name, slow=slow)
    else:
        raise TypeError(f"kata.check takes a kata or chapter name or a function; got {type(target).__name__}")
    report.seconds = time.perf_counter() - started
    if not slow and not report.problem and any(row.status == "done" for row in report.rows):
        report.notes.append("Slow tests (MNIST training, epoch times) were not run: slow=True runs them too.")
    return report


def status(chapter: str | int | None = None, *, refresh: bool = False) -> StatusReport:
    """Every kata's status (or one chapter's: ``"chapter3"`` or ``3``), as ``kata status`` shows it."""
    _quiet_imports()
    from . import status as course

    selected = None
    if chapter is not None:
        name = f"chapter{chapter}" if str(chapter).isdigit() else str(chapter)
        if name not in chapters():
            raise LookupError(f"no chapter named {chapter!r}; chapters: {', '.join(chapters())}")
        selected = [name]
    entries = course.course_status(selected, refresh=refresh)
    return StatusReport(
        [Row(entry.kata.qualname, entry.status, _detail(entry.status, entry.detail)) for entry in entries]
    )


def _quiet_imports() -> None:
    """Import what warns in a notebook, without the warning: tqdm.auto (imported by pooch) says
    "IProgress not found" in a notebook without ipywidgets, a progress bar no check draws."""
    if "tqdm.auto" not in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module("tqdm.auto")


def _detail(status_name: str, detail: str) -> str:
    """What a status's detail means, in a few words (as ``kata status`` says it)."""
    from .status import kata_for_function

    if status_name == "todo" and detail:
        needed = kata_for_function(detail)
        return f"needs {needed.qualname if needed else detail} (still a stub)"
    if status_name == "wrong" and "::" in detail:
        return f"fails {detail.split('::', 1)[1]}"
    return detail


def _check_saved(selected: list[Kata], *, slow: bool) -> CheckReport:
    from . import runner
    from . import status as course

    states = {kata: course.written_state(kata) for kata in selected}
    to_run = [kata for kata in selected if states[kata] != "stub"]
    run = runner.run_tests(to_run, slow=slow)
    where = selected[0].chapter if len(selected) > 1 else course.relative(selected[0].module_path("exercises"))
    tests = getattr(run, "tests", {})
    return _report(selected, states, run.statuses, run.failures, run.problem, source=where, slow=slow, tests=tests)


def _report(
    selected: Sequence[Kata],
    states: dict[Kata, str],
    statuses: dict[str, tuple[str, str]],
    failures: list[dict[str, Any]],
    problem: str,
    *,
    source: str,
    slow: bool,
    tests: dict[str, int] | None = None,
) -> CheckReport:
    from . import spec
    from . import status as course

    rows = []
    for kata in selected:
        entry = course.combine(kata, states[kata], statuses.get(kata.qualname))
        detail = _detail(entry.status, entry.detail)
        if entry.status == "todo" and not entry.detail:
            detail = "still the stub: write its body"
        elif entry.status == "todo" and entry.detail and course.kata_for_function(entry.detail) == kata:
            detail = "reached its own stub"
        rows.append(Row(kata.qualname, entry.status, detail))
    first = next((failure for failure in failures if failure["kata"] in {kata.qualname for kata in selected}), None)
    failure = None
    if first is not None:
        kata = find_kata(first["kata"])
        test = first["nodeid"].split("::", 1)[-1] + (f" ({first['when']})" if first["when"] != "call" else "")
        lines = tuple(spec.relevant_lines(kata, first["message"], first.get("test", ""), first.get("doc", "")))
        failure = Failure(first["kata"], test, first["message"], first["where"], lines)
    return CheckReport(rows, source, slow, failure, problem, tests=dict(tests or {}))


# --- Checking a function from the notebook ----------------------------------------------------


@dataclass(frozen=True)
class Moved:
    """The code that moves into the project copy: each kata's function, the helper functions
    and the imported names they use, each as the notebook defines it."""

    katas: dict[Kata, str]  # kata -> its function's source
    helpers: dict[str, str]  # helper name -> its source
    missing: list[str] = field(default_factory=list)  # functions whose source could not be found
    imports: dict[str, str] = field(default_factory=dict)  # name -> the import that binds it in the notebook
    uses: dict[str, set[str]] = field(default_factory=dict)  # function (kata or helper) -> the names it uses

    def reached(self, names: Iterable[str]) -> set[str]:
        """``names`` and every helper they call, directly or through other helpers."""
        found: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name not in found:
                found.add(name)
                pending += [used for used in self.uses.get(name, ()) if used in self.helpers]
        return found


def function_source(function: Callable[..., Any]) -> str:
    """The source of ``function``, decorators included, dedented."""
    problem = ValueError(
        f"the source of {getattr(function, '__name__', function)!r} cannot be found: "
        "define it with def in a notebook cell or a file"
    )
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(function)))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        raise problem from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise problem  # a lambda, or a def inside something else
    return source


def _own_functions(namespace: dict[str, Any]) -> dict[str, types.FunctionType]:
    """The functions defined in ``namespace`` itself (not imported from elsewhere)."""
    found = {}
    for key, value in namespace.items():
        if callable(value):
            inner = inspect.unwrap(value)
            if isinstance(inner, types.FunctionType) and inner.__globals__ is namespace and inner.__name__ == key:
                found[key] = value
    return found


def _names_used(function: Callable[..., Any]) -> set[str]:
    """Every global name the function's code (and the code nested in it) refers to."""
    pending = [inspect.unwrap(function).__code__]
    names: set[str] = set()
    while pending:
        code = pending.pop()
        names.update(code.co_names)
        pending += [constant for constant in code.co_consts if isinstance(constant, types.CodeType)]
    return names


def collect(function: Callable[..., Any], kata: Kata) -> Moved:
    """What moves with ``function`` (the kata ``kata``): it, every kata of the same chapter
    defined beside it, the helper functions defined beside them that they call, and the
    imports of the names they use."""
    inner = inspect.unwrap(function)
    if not isinstance(inner, types.FunctionType):
        raise TypeError(f"kata.check needs a function defined with def; got {type(function).__name__}")
    namespace = inner.__globals__
    own = _own_functions(namespace)
    chapter = {other.name: other for other in katas(kata.chapter)}
    moved = {kata: function_source(function)}
    functions: dict[str, Callable[..., Any]] = {kata.name: function}
    for key, value in own.items():
        if key in chapter and chapter[key] != kata:
            with contextlib.suppress(ValueError):  # no source: the saved version stays
                moved[chapter[key]] = function_source(value)
                functions[key] = value
    helpers: dict[str, str] = {}
    missing: list[str] = []
    uses: dict[str, set[str]] = {}
    pending = list(functions)
    while pending:
        name = pending.pop()
        uses[name] = _names_used(functions[name])
        for used in sorted(uses[name]):
            if used in functions or used in missing or used not in own or used in chapter:
                continue
            try:
                helpers[used] = function_source(own[used])
            except ValueError:
                missing.append(used)
                continue
            functions[used] = own[used]
            pending.append(used)
    every = set().union(*uses.values())
    imports = {name: line for name in sorted(every) if (line := _import_of(name, namespace.get(name)))}
    return Moved(moved, helpers, missing, imports, uses)


def _import_of(name: str, value: object) -> str:
    """The import statement that binds ``name`` to ``value`` (a module, or a function, class or
    ufunc importable from a module), or "" for anything else (a number, an array, a lambda)."""
    if isinstance(value, types.ModuleType):
        return f"import {value.__name__}" + (f" as {name}" if value.__name__ != name else "")
    if not callable(value):
        return ""
    home, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if home in ("__main__", "builtins"):
        return ""
    if isinstance(home, str) and isinstance(qualname, str) and getattr(sys.modules.get(home), qualname, None) is value:
        return f"from {home} import {qualname}" + (f" as {name}" if qualname != name else "")
    # A ufunc such as scipy.special.expit names no module: find a public one that has it.
    homes = sorted(
        (module_name for module_name, module in list(sys.modules.items())
         if module is not None and not any(part.startswith("_") for part in module_name.split("."))
         and module_name != "__main__" and getattr(module, name, None) is value),
        key=lambda module_name: (module_name.count("."), len(module_name)),
    )  # fmt: skip
    return f"from {homes[0]} import {name}" if homes else ""


def replace_functions(source: str, replacements: dict[str, str], appended: Iterable[str] = ()) -> str:
    """``source`` with each top-level function named in ``replacements`` (decorators included)
    replaced by the new code, a missing one added at the end, then ``appended`` added at the end."""
    lines = source.splitlines()
    spans = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in replacements:
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            spans[node.name] = (first, node.end_lineno or node.lineno)
    for key, (first, last) in sorted(spans.items(), key=lambda item: -item[1][0]):
        lines[first - 1 : last] = replacements[key].rstrip("\n").splitlines()
    extra = [replacements[key] for key in replacements if key not in spans] + list(appended)
    text = "\n".join(lines).rstrip("\n") + "\n"
    for code in extra:
        text += "\n\n" + code.rstrip("\n") + "\n"
    return text


def copy_project(root: Path) -> Path:
    """A copy of the project that kata tests can run in: the harness, both trees, the tests."""
    for name in _COPIED:
        shutil.copytree(PROJECT_ROOT / name, root / name, ignore=_IGNORED)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root)
    return root


def write_moved(root: Path, moved: Moved) -> None:
    """Write the moved katas into the exercises modules of the copy at ``root``: into each
    module, its katas, the helpers they reach and the imports those use that it lacks."""
    by_module: dict[Path, dict[str, str]] = {}
    for kata, code in moved.katas.items():
        by_module.setdefault(root / "exercises" / kata.chapter / f"{kata.module}.py", {})[kata.name] = code
    for path, replacements in by_module.items():
        source = path.read_text() if path.is_file() else ""
        defined = _top_level_functions(source)
        reached = moved.reached(replacements)
        helpers = {key: code for key, code in moved.helpers.items() if key in reached}
        bound = _top_level_names(source) | set(helpers)
        package = f"exercises.{path.parent.name}"
        imports = [
            moved.imports[name]
            for name in sorted(set().union(*(moved.uses.get(key, set()) for key in reached)))
            if name in moved.imports
            and name not in bound
            # a name from this chapter's own modules is left out: importing it could be circular
            and not moved.imports[name].startswith((f"from {package}.", f"from {package} ", f"import {package}"))
        ]
        new = {key: code for key, code in helpers.items() if key not in defined}
        replaced = {**replacements, **{key: code for key, code in helpers.items() if key in defined}}
        appended = (["\n".join(imports)] if imports else []) + list(new.values())
        path.write_text(replace_functions(source, replaced, appended))


def _top_level_names(source: str) -> set[str]:
    """Every name a module binds at its top level: imports, functions, classes, assignments."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(child.id for target in targets for child in ast.walk(target) if isinstance(child, ast.Name))
    return names


def _top_level_functions(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _check_function(function: Callable[..., Any], name: str | None, *, slow: bool) -> CheckReport:
    from . import data
    from . import status as course

    kata = find_kata(name or str(getattr(function, "__name__", "")))
    moved = collect(function, kata)
    source = f"your {kata.name} from {'this notebook' if _in_notebook(function) else _where(function)}"
    node = ast.parse(moved.katas[kata]).body[0]
    if isinstance(node, ast.FunctionDef) and course.is_stub_body(node):
        return _report([kata], {kata: "stub"}, {}, [], "", source=source, slow=slow)
    with tempfile.TemporaryDirectory(prefix="kata-notebook-") as folder:
        root = copy_project(Path(folder) / "project")
        write_moved(root, moved)
        result = Path(folder) / "result.json"
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "KATA_DATA_DIR": str(data.cache_dir()),
            "NO_COLOR": "1",
        }
        request = json.dumps({"katas": [kata.qualname], "slow": slow, "result": str(result)})
        completed = subprocess.run(
            [sys.executable, "-m", "kata.notebook", request],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if not result.is_file():
            problem = f"the test run did not finish:\n{completed.stdout}{completed.stderr}".strip()
            return _report([kata], {kata: "written"}, {}, [], problem, source=source, slow=slow)
        outcome = json.loads(result.read_text())
    statuses = {key: (value[0], value[1]) for key, value in outcome["statuses"].items()}
    failures = [_outside_copy(failure, root) for failure in outcome["failures"]]
    report = _report(
        [kata], {kata: "written"}, statuses, failures, outcome["problem"], source=source, slow=slow,
        tests=outcome.get("tests", {}),
    )  # fmt: skip
    others = sorted(other.name for other in moved.katas if other != kata)
    if others or moved.helpers:
        report.notes.append("Also from here: " + ", ".join(others + sorted(moved.helpers)) + ".")
    if moved.missing:
        report.notes.append(f"No source for {', '.join(moved.missing)}: the saved exercises/ versions were used.")
    return report


def _outside_copy(failure: dict[str, Any], root: Path) -> dict[str, Any]:
    """A failure as the learner should read it: paths in the copy's exercises/ name the notebook."""
    where = str(failure.get("where", ""))
    if where.startswith("exercises/"):
        failure = {**failure, "where": f"{where} (in the copy of your notebook's code)"}
    return {**failure, "message": str(failure.get("message", "")).replace(str(root) + os.sep, "")}


def _in_notebook(function: Callable[..., Any]) -> bool:
    return getattr(inspect.unwrap(function), "__module__", "") == "__main__"


def _where(function: Callable[..., Any]) -> str:
    try:
        path = Path(inspect.getfile(inspect.unwrap(function))).resolve()
    except TypeError:
        return "your code"
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


# --- kata.save --------------------------------------------------------------------------------


def save(function: Callable[..., Any], *, name: str | None = None) -> Path:
    """Write ``function`` (a kata defined in the notebook) and the helpers it calls into its
    ``exercises/`` module, so ``kata status`` and ``kata train`` see it. The replaced code is
    kept in ``.kata/backups/``. Returns the module's path."""
    from . import state

    kata = find_kata(name or str(getattr(function, "__name__", "")))
    moved = collect(function, kata)
    path = kata.module_path("exercises")
    source = path.read_text()
    backup = state.state_dir() / "backups" / f"{kata.qualname}-{time.strftime('%Y%m%d-%H%M%S')}.py"
    backup.parent.mkdir(parents=True, exist_ok=True)
    backup.write_text(source)
    only = Moved({kata: moved.katas[kata]}, moved.helpers, moved.missing, moved.imports, moved.uses)
    root = PROJECT_ROOT
    write_moved(root, only)
    return path


# --- The child process: run the tests in the project copy -------------------------------------


def _child(request: dict[str, Any]) -> None:
    from . import runner

    selected = [find_kata(name) for name in request["katas"]]
    run = runner.run_tests(selected, slow=bool(request["slow"]))
    outcome = {"statuses": run.statuses, "failures": run.failures, "problem": run.problem}
    outcome["tests"] = getattr(run, "tests", {})
    Path(request["result"]).write_text(json.dumps(outcome))


if __name__ == "__main__":
    _child(json.loads(sys.argv[1]))
