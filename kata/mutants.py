"""Mutants: plausible wrong implementations that a kata's tests must reject.

Each chapter declares its mutants in ``tests/<chapter>/mutants.py``::

    from kata.mutants import mutant

    @mutant("chapter1.normalize")
    def global_statistics(X):
        \"\"\"One mean and std for the whole array instead of one per column.\"\"\"
        return (X - X.mean()) / X.std()

A mutant has the kata's signature. To run one, pytest is started on the
kata's tests with ``--impl reference --mutant <kata>:<name>``: the reference
function is replaced, everywhere the reference tree refers to it, by the
mutant. The mutant is killed when some test fails; it survives when all pass.

    python -m kata.mutants [--chapter chapter1] [--kata chapter1.normalize] [-j 2]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from .trees import PROJECT_ROOT, chapters, find_kata

TESTS = PROJECT_ROOT / "tests"
_REGISTRY: dict[str, Mutant] = {}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Mutant:
    kata: str
    name: str
    description: str
    function: Callable[..., Any]

    @property
    def id(self) -> str:
        return f"{self.kata}:{self.name}"


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # "killed", "survived" or "error"
    detail: str


def mutant(kata: str) -> Callable[[F], F]:
    """Declare the decorated function a mutant of ``kata`` (``chapterN.function``);
    its docstring says what is wrong with it."""

    def register(function: F) -> F:
        if not function.__doc__:
            raise ValueError(f"mutant {function.__name__} of {kata} needs a docstring saying what is wrong")
        declared = Mutant(kata, function.__name__, " ".join(function.__doc__.split()), function)
        if declared.id in _REGISTRY:
            raise ValueError(f"mutant {declared.id} is declared twice")
        _REGISTRY[declared.id] = declared
        return function

    return register


def load(chapter: str | None = None) -> list[Mutant]:
    """Every declared mutant (or one chapter's), in declaration order."""
    for name in chapters():
        path = TESTS / name / "mutants.py"
        module_name = f"_kata_mutants_{name}"
        if path.exists() and module_name not in sys.modules:
            spec = importlib.util.spec_from_file_location(module_name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
    return [m for m in _REGISTRY.values() if chapter is None or m.kata.split(".")[0] == chapter]


def apply(mutant_id: str) -> Mutant:
    """Replace the reference function of the mutant's kata by the mutant, in every
    module of the reference tree that holds it (re-exports and imports included)."""
    declared = {m.id: m for m in load()}
    if mutant_id not in declared:
        raise LookupError(f"no mutant {mutant_id!r}; known: {', '.join(declared) or 'none'}")
    chosen = declared[mutant_id]
    original = find_kata(chosen.kata).function("reference")  # also imports every reference chapter
    replaced = 0
    for module_name, module in list(sys.modules.items()):
        if module_name == "reference" or module_name.startswith("reference."):
            for attribute, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attribute, chosen.function)
                    replaced += 1
    if not replaced:  # pragma: no cover - find_kata found it, so some module holds it
        raise LookupError(f"reference function of {chosen.kata} not found in any module")
    return chosen


def run_one(chosen: Mutant) -> Outcome:
    """Run the mutant's kata tests against it in a fresh pytest process."""
    chapter = chosen.kata.split(".")[0]
    command = [
        sys.executable, "-m", "pytest", str(TESTS / chapter),
        "-x", "-q", "--no-header", "-p", "no:cacheprovider", "--benchmark-disable",
        "--impl", "reference", "--kata", chosen.kata, "--mutant", chosen.id,
    ]  # fmt: skip
    # Mutants run side by side: one BLAS thread each, or the threads oversubscribe the cores.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env)
    if result.returncode == 1:
        failed = re.search(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.MULTILINE)
        return Outcome(chosen, "killed", f"by {failed.group(1)}" if failed else "")
    if result.returncode == 0:
        return Outcome(chosen, "survived", "every test of the kata passed")
    reason = "no test is marked with this kata" if result.returncode == 5 else f"pytest exited {result.returncode}"
    tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
    return Outcome(chosen, "error", f"{reason}:\n{tail}")


def run(selected: Iterable[Mutant], jobs: int) -> list[Outcome]:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_one, selected))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kata.mutants", description="Run every mutant; fail if one survives."
    )
    parser.add_argument("--chapter", help="only this chapter's mutants, e.g. chapter1")
    parser.add_argument("--kata", help="only this kata's mutants, e.g. chapter1.normalize")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="mutants run in parallel")
    args = parser.parse_args(argv)
    selected = [m for m in load(args.chapter) if args.kata in (None, m.kata)]
    if not selected:
        print("no mutants selected", file=sys.stderr)
        return 1
    outcomes = run(selected, args.jobs)
    width = max(len(outcome.mutant.id) for outcome in outcomes)
    for outcome in outcomes:
        print(f"{outcome.status:8}  {outcome.mutant.id:{width}}  {outcome.mutant.description}")
        if outcome.status != "killed" or outcome.detail:
            print(f"{'':8}  {'':{width}}  {outcome.detail}")
    bad = [outcome for outcome in outcomes if outcome.status != "killed"]
    print(f"\n{len(outcomes) - len(bad)} of {len(outcomes)} mutants killed")
    return 1 if bad else 0


if __name__ == "__main__":
    # Run the imported module's main: mutant files register into kata.mutants, not __main__.
    from kata.mutants import main as imported_main

    raise SystemExit(imported_main())
