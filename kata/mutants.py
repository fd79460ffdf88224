"""Mutants and alternatives: other implementations of a kata, wrong and right.

A **mutant** is a plausible wrong implementation that the kata's tests must
reject; an **alternative** is a correct one, written differently from the
reference, that they must accept. Each chapter declares them in
``tests/<chapter>/mutants.py`` and ``tests/<chapter>/alternatives.py``::

    from kata.mutants import alternative, mutant

    @mutant("chapter1.normalize")
    def global_statistics(X):
        \"\"\"One mean and std for the whole array instead of one per column.\"\"\"
        return (X - X.mean()) / X.std()

    @alternative("chapter1.normalize")
    def scipy_zscore(X):
        \"\"\"scipy.stats.zscore, with the constant columns set to 0 afterwards.\"\"\"
        ...

Either has the kata's signature and no argument checks: the kata's input
contract is wrapped around it, as around the learner's body. Where the mistake
is a small change of the reference, declare it as an edit of the reference's
source, which fails loudly once the text no longer appears there::

    mutant_edit("chapter1.normalize", "sample_std", "ddof=1 instead of the population std.",
                ("X.std(axis=0)", "X.std(axis=0, ddof=1)")) To run one,
pytest is started on the kata's tests with ``--impl reference --mutant
<kata>:<name>`` (or ``--alternative``): the reference function is replaced,
everywhere the reference tree refers to it. A mutant is killed when some test
fails; an alternative is accepted when every test passes.

    python -m kata.mutants [--chapter chapter1] [--kata chapter1.normalize] [-j 2]
    python -m kata.alternatives [the same options]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any, NoReturn, TypeVar

from .contracts import contract_of
from .trees import PROJECT_ROOT, chapters, find_kata

TESTS = PROJECT_ROOT / "tests"
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# What every kata test run imports anyway; a forked mutant run inherits it instead of importing it.
PRELOAD = (
    "numpy", "scipy.special", "scipy.stats", "scipy.signal", "sklearn.datasets", "matplotlib.pyplot",
    "hypothesis", "pytest", "pytest_benchmark.plugin", "threadpoolctl", "kata.data", "kata.gradcheck", "kata.testing",
)  # fmt: skip
KINDS = ("mutant", "alternative")
_REGISTRY: dict[tuple[str, str], Mutant] = {}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Mutant:
    """A declared mutant or alternative (``kind``) of a kata."""

    kind: str
    kata: str
    name: str
    description: str
    function: Callable[..., Any]

    @property
    def id(self) -> str:
        return f"{self.kata}:{self.name}"

    @property
    def expected(self) -> str:
        """The verdict that is a success: a mutant killed, an alternative accepted."""
        return "killed" if self.kind == "mutant" else "accepted"


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # "killed", "survived", "accepted", "rejected" or "error"
    detail: str


def _declarer(kind: str, what: str) -> Callable[[str], Callable[[F], F]]:
    def declare(kata: str) -> Callable[[F], F]:
        def register(function: F) -> F:
            if not function.__doc__:
                raise ValueError(f"{kind} {function.__name__} of {kata} needs a docstring saying {what}")
            declared = Mutant(kind, kata, function.__name__, " ".join(function.__doc__.split()), function)
            if (kind, declared.id) in _REGISTRY:
                raise ValueError(f"{kind} {declared.id} is declared twice")
            _REGISTRY[kind, declared.id] = declared
            return function

        return register

    declare.__doc__ = (
        f"Declare the decorated function a {kind} of ``kata`` (``chapterN.function``); its docstring says {what}."
    )
    return declare


mutant = _declarer("mutant", "what is wrong with it")
alternative = _declarer("alternative", "how it differs from the reference")


def edited(kata: str, *edits: tuple[str, str]) -> Callable[..., Any]:
    """The reference function of ``kata`` (its body, without its contract) with each
    ``(text, replacement)`` of ``edits`` applied to its source, compiled in its module.

    Each text must appear exactly once in the function's source; an edit whose text
    is gone (the reference changed) is an error, never a silent no-op."""
    found = find_kata(kata)
    path = found.module_path("reference")
    source = path.read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == found.name)
    text = "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])  # from "def", without decorators
    for old, new in edits:
        count = text.count(old)
        if count != 1:
            raise LookupError(f"edit of {kata}: {old!r} appears {count} times in {path.name}'s {found.name}, not once")
        text = text.replace(old, new)
    module = sys.modules[getattr(found.function("reference"), "__module__", "")]
    namespace = dict(vars(module))  # a copy: the module itself keeps its reference function
    exec(compile(text, f"<edited {kata}>", "exec"), namespace)
    function: Callable[..., Any] = namespace[found.name]
    return function


def mutant_edit(kata: str, name: str, description: str, *edits: tuple[str, str]) -> None:
    """Declare a mutant of ``kata`` as edits of the reference's source: each ``(text, replacement)``."""
    mutant(kata)(_named(edited(kata, *edits), name, description))


def alternative_edit(kata: str, name: str, description: str, *edits: tuple[str, str]) -> None:
    """Declare an alternative of ``kata`` as edits of the reference's source."""
    alternative(kata)(_named(edited(kata, *edits), name, description))


def _named(function: Callable[..., Any], name: str, description: str) -> Callable[..., Any]:
    function.__name__, function.__doc__ = name, description
    return function


def load(chapter: str | None = None, kind: str = "mutant") -> list[Mutant]:
    """Every declared mutant or alternative (or one chapter's), in declaration order."""
    for name in chapters():
        for file_kind in KINDS:
            path = TESTS / name / f"{file_kind}s.py"
            module_name = f"_kata_{file_kind}s_{name}"
            if path.exists() and module_name not in sys.modules:
                spec = importlib.util.spec_from_file_location(module_name, path)
                assert spec is not None and spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module
                spec.loader.exec_module(module)
    return [m for (k, _), m in _REGISTRY.items() if k == kind and chapter in (None, m.kata.split(".")[0])]


def apply(mutant_id: str, kind: str = "mutant") -> Mutant:
    """Replace the reference function of the declared kata by the mutant (or alternative),
    wrapped in the kata's input contract, in every module of the reference tree that
    holds it (re-exports and imports included)."""
    declared = {m.id: m for m in load(kind=kind)}
    if mutant_id not in declared:
        raise LookupError(f"no {kind} {mutant_id!r}; known: {', '.join(declared) or 'none'}")
    chosen = declared[mutant_id]
    original = find_kata(chosen.kata).function("reference")  # also imports every reference chapter
    declared_contract = contract_of(original)
    replacement = declared_contract.wrap(chosen.function) if declared_contract else chosen.function
    replaced = 0
    for module_name, module in list(sys.modules.items()):
        if module_name == "reference" or module_name.startswith("reference."):
            for attribute, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attribute, replacement)
                    replaced += 1
    if not replaced:  # pragma: no cover - find_kata found it, so some module holds it
        raise LookupError(f"reference function of {chosen.kata} not found in any module")
    return chosen


def pytest_args(chosen: Mutant) -> list[str]:
    """The pytest command line that runs the kata's tests against the mutant or alternative."""
    chapter = chosen.kata.split(".")[0]
    return [
        str(TESTS / chapter), "-x", "-q", "--no-header", "-p", "no:cacheprovider", "--benchmark-disable",
        "--impl", "reference", "--kata", chosen.kata, f"--{chosen.kind}", chosen.id,
    ]  # fmt: skip


def outcome(chosen: Mutant, returncode: int, output: str) -> Outcome:
    """Read pytest's exit code: 1 means a test failed (a mutant killed, an alternative rejected)."""
    if returncode in (0, 1):
        failed = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
        if chosen.kind == "mutant":
            if returncode == 1:
                return Outcome(chosen, "killed", f"by {failed.group(1)}" if failed else "")
            return Outcome(chosen, "survived", "every test of the kata passed")
        if returncode == 0:
            return Outcome(chosen, "accepted", "")
        tail = "\n".join(output.strip().splitlines()[-25:])
        return Outcome(chosen, "rejected", f"by {failed.group(1) if failed else 'a test'}:\n{tail}")
    reason = "no test is marked with this kata" if returncode == 5 else f"pytest exited {returncode}"
    tail = "\n".join(output.strip().splitlines()[-15:])
    return Outcome(chosen, "error", f"{reason}:\n{tail}")


def run_one(chosen: Mutant) -> Outcome:
    """Run the kata's tests against the mutant or alternative in a fresh pytest process."""
    command = [sys.executable, "-m", "pytest", *pytest_args(chosen)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, **ONE_THREAD})
    return outcome(chosen, result.returncode, result.stdout + result.stderr)


def run(selected: Iterable[Mutant], jobs: int) -> Iterator[Outcome]:
    """Yield each mutant's outcome as it finishes, running ``jobs`` at a time."""
    if sys.platform == "linux":
        yield from _run_forked(list(selected), jobs)
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(run_one, selected)


def _run_forked(selected: list[Mutant], jobs: int) -> Iterator[Outcome]:
    """Fork each mutant's pytest run from this process once it has imported the heavy
    libraries: a fresh interpreter spends most of a mutant's seconds importing them.
    (Linux only: macOS's system libraries are not safe to use after a fork.)"""
    os.environ.update(ONE_THREAD)  # before NumPy loads BLAS: a forked BLAS thread pool can hang
    for name in PRELOAD:
        importlib.import_module(name)
    running: dict[int, tuple[Mutant, IO[bytes]]] = {}
    while selected or running:
        while selected and len(running) < jobs:
            chosen = selected.pop(0)
            log = tempfile.TemporaryFile()  # noqa: SIM115 - closed once its child has finished
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _run_in_child(chosen, log)
            running[pid] = (chosen, log)
        pid, status = os.wait()
        finished, output = running.pop(pid)
        with output:
            output.seek(0)
            yield outcome(finished, os.waitstatus_to_exitcode(status), output.read().decode(errors="replace"))


def _run_in_child(chosen: Mutant, log: IO[bytes]) -> NoReturn:
    code = 3
    try:
        os.chdir(PROJECT_ROOT)
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        import pytest

        code = int(pytest.main(pytest_args(chosen)))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(argv: list[str] | None = None, kind: str = "mutant") -> int:
    verdict = "fail if one survives" if kind == "mutant" else "fail if the tests reject one"
    parser = argparse.ArgumentParser(prog=f"python -m kata.{kind}s", description=f"Run every {kind}; {verdict}.")
    parser.add_argument("--chapter", help=f"only this chapter's {kind}s, e.g. chapter1")
    parser.add_argument("--kata", help=f"only this kata's {kind}s, e.g. chapter1.normalize")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help=f"{kind}s run in parallel")
    args = parser.parse_args(argv)
    selected = [m for m in load(args.chapter, kind) if args.kata in (None, m.kata)]
    if not selected:
        print(f"no {kind}s selected", file=sys.stderr)
        return 1
    width = max(len(chosen.id) for chosen in selected)
    outcomes = []
    for done in run(selected, args.jobs):
        outcomes.append(done)
        print(f"{done.status:8}  {done.mutant.id:{width}}  {done.mutant.description}")
        if done.status != done.mutant.expected or done.detail:
            print(f"{'':8}  {'':{width}}  {done.detail}", flush=True)
    bad = [done for done in outcomes if done.status != done.mutant.expected]
    expected = selected[0].expected
    print(f"\n{len(outcomes) - len(bad)} of {len(outcomes)} {kind}s {expected}")
    if bad:
        print(f"not {expected}: " + ", ".join(done.mutant.id for done in bad))
    return 1 if bad else 0


if __name__ == "__main__":
    # Run the imported module's main: mutant files register into kata.mutants, not __main__.
    from kata.mutants import main as imported_main

    raise SystemExit(imported_main())
