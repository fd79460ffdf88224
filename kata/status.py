"""Where the learner stands: each kata of ``exercises/`` is done, wrong or todo.

A kata whose function is still the untouched stub is *todo* without running
anything. The others run their fast tests (``-m "not slow"``) in one pytest
process. Results are cached per chapter, keyed on the content of every file
that can change them: the chapter's tests, the harness, and the exercises
chapters it imports; an edit elsewhere does not re-run a chapter. Only a
verdict the tests gave is cached (done, wrong, or todo behind another stub):
a kata whose tests did not run, or were skipped (no MNIST offline), is run
again next time, and nothing is cached from a pytest run that failed to report.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import records, state
from .runner import TESTS, PytestError, run_tests
from .trees import PROJECT_ROOT, Kata, chapters, katas

EXERCISES = PROJECT_ROOT / "exercises"
CACHE_VERSION = 2
CACHED_STATUSES = ("done", "wrong", "todo")  # verdicts of the tests; "skipped" depends on the machine


@dataclass(frozen=True)
class KataStatus:
    kata: Kata
    status: str  # done, wrong, todo or skipped
    detail: str = ""


def relative(path: Path) -> str:
    """``path`` relative to the project when it lies inside it, else as it is."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def section(kata: Kata) -> str:
    """The kata's section of the course from its record, e.g. ``1.1``; "" if it has none."""
    found = records.record(kata)
    return found.section if found else ""


def chapter_title(chapter: str) -> str:
    """The first line of the chapter package's docstring, e.g. ``Chapter 1: NumPy fundamentals ...``."""
    source = (PROJECT_ROOT / "reference" / chapter / "__init__.py").read_text()
    docstring = ast.get_docstring(ast.parse(source)) or chapter
    return docstring.splitlines()[0].rstrip(".")


def written_state(kata: Kata) -> str:
    """``"stub"`` if the learner's function is still the stub, ``"written"`` if its body was
    changed, else why it cannot be read (a syntax error, a missing function)."""
    path = kata.module_path("exercises")
    shown = relative(path)
    try:
        tree = ast.parse(path.read_text(), filename=shown)
    except FileNotFoundError:
        return f"{shown} is missing (kata reset {kata.qualname} writes the stub)"
    except SyntaxError as error:
        return f"syntax error in {shown}, line {error.lineno}: {error.msg}"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == kata.name:
            return "stub" if is_stub_body(node) else "written"
    return f"{shown} has no function {kata.name} (kata reset {kata.qualname} writes the stub)"


def is_stub_body(node: ast.FunctionDef) -> bool:
    """True if the function's body is an optional docstring then ``raise NotImplementedError(...)``."""
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def kata_for_function(dotted: str) -> Kata | None:
    """The kata of a dotted exercises function name such as ``exercises.chapter1.arrays.normalize``."""
    parts = dotted.split(".")
    if len(parts) != 4:
        return None
    _, chapter, module, name = parts
    return next((k for k in katas(chapter) if (k.module, k.name) == (module, name)), None)


def imported_chapters(chapter: str) -> set[str]:
    """The exercises chapters that ``chapter`` imports, itself included, followed transitively."""
    found: set[str] = set()
    pending = [chapter]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        for path in sorted((EXERCISES / current).glob("*.py")):
            try:
                tree = ast.parse(path.read_text())
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    target = node.module.removeprefix("exercises.") if node.level == 0 else node.module
                    if (node.level == 2 or node.module.startswith("exercises.")) and target.startswith("chapter"):
                        pending.append(target.split(".")[0])
    return found


def cache_key(chapter: str) -> str:
    """A hash of every file the fast test results of ``chapter`` depend on."""
    files = [PROJECT_ROOT / "pyproject.toml", TESTS / "conftest.py", *sorted((PROJECT_ROOT / "kata").glob("*.py"))]
    files += sorted((TESTS / chapter).rglob("*.py"))
    files += sorted(EXERCISES.glob("*.py"))
    for name in sorted(imported_chapters(chapter)):
        files += sorted((EXERCISES / name).glob("*.py"))
    digest = hashlib.sha256(f"v{CACHE_VERSION}".encode())
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def course_status(
    selected_chapters: Sequence[str] | None = None, *, refresh: bool = False, bar: bool = False
) -> list[KataStatus]:
    """The status of every kata of ``selected_chapters`` (default: all), in course order."""
    names = list(selected_chapters) if selected_chapters else chapters()
    every = [kata for name in names for kata in katas(name)]
    written_states = {kata: written_state(kata) for kata in every}
    cache = {} if refresh else state.load("status").get("chapters", {})
    keys = {name: cache_key(name) for name in names}
    results: dict[str, tuple[str, str]] = {}
    stale: list[Kata] = []
    for name in names:
        cached = cache.get(name, {})
        chapter_results = cached.get("results", {}) if cached.get("key") == keys[name] else {}
        for kata in katas(name):
            if kata.qualname in chapter_results:
                verdict, detail = chapter_results[kata.qualname]
                results[kata.qualname] = (verdict, detail)
            elif written_states[kata] == "written":
                stale.append(kata)
    if stale:
        run = run_tests(stale, slow=False, shrink=False, bar=bar)
        if run.problem:
            chapter_names = ", ".join(sorted({kata.chapter for kata in stale}))
            raise PytestError(f"could not run the tests of {chapter_names}: {run.problem}")
        results.update(run.statuses)
        _save_cache({kata.chapter for kata in stale}, keys, run.statuses)
    return [combine(kata, written_states[kata], results.get(kata.qualname)) for kata in every]


def combine(kata: Kata, written: str, result: tuple[str, str] | None) -> KataStatus:
    """A kata's status from its ``written_state`` and its test result (None if no test ran)."""
    if written == "stub":
        return KataStatus(kata, "todo")
    if written != "written":
        return KataStatus(kata, "wrong", written)
    if result is None:
        return KataStatus(kata, "skipped", "none of its tests ran")
    return KataStatus(kata, *result)


def _save_cache(ran: Iterable[str], keys: dict[str, str], statuses: dict[str, tuple[str, str]]) -> None:
    """Add the verdicts of this run to the cache; a chapter whose key changed starts afresh."""
    saved = state.load("status")
    cached = saved.setdefault("chapters", {})
    for name in ran:
        previous = cached.get(name, {})
        results = previous.get("results", {}) if previous.get("key") == keys[name] else {}
        for kata, (status, detail) in statuses.items():
            if kata.split(".")[0] == name and status in CACHED_STATUSES:
                results[kata] = [status, detail]
        cached[name] = {"key": keys[name], "results": results}
    state.save("status", saved)


def all_done_advice(entries: Sequence[KataStatus]) -> list[str]:
    """What to say when none of ``entries`` is wrong or todo: the next chapter when only some
    chapters were shown, what could not be checked here, and training only at the course's end."""
    shown = list(dict.fromkeys(entry.kata.chapter for entry in entries))
    course = chapters()
    later = [name for name in course if name not in shown and course.index(name) > course.index(shown[-1])]
    skipped = [entry for entry in entries if entry.status == "skipped"]
    lines = []
    if skipped:
        names = ", ".join(entry.kata.qualname for entry in skipped)
        lines.append(f"Not checked here: {names} ({skipped[0].detail or 'its tests did not run'}).")
    every = "Every other kata" if skipped else "Every kata"
    if later:
        lines.append(f"{every} of {' and '.join(shown)} is done. Next: kata status {later[0]}")
        if "chapter3" in shown:
            lines.append("Your chapter 3 can already train an MLP on MNIST: kata train mlp")
    elif len(shown) < len(course):
        lines.append(f"{every} of {' and '.join(shown)} is done; kata status shows the whole course.")
    else:
        lines.append(f"{every} {'that could run ' if skipped else ''}is done. Train your own network: kata train cnn")
    return lines
