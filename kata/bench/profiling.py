"""Where an epoch of the NumPy CNN spends its time, function by function.

One epoch of the CNN's training step runs under ``cProfile``; the result is
read back as a call tree rooted at the step: each node is a function with the
time spent in it *when called from its parent* (``pstats`` keeps per-caller
times), and each function's own line, ``(own code)``, is the time spent in
its body outside any Python-level call: there the matrix products written
with ``@``, the element-wise arithmetic and the indexing run. cProfile adds
a little overhead per Python call (a few dozen calls per step), so the
profiled epoch is slightly slower than the timed one.

Every kata runs inside its input contract's wrapper (``kata/contracts.py``),
one function shared by all katas: ``pstats`` would see a single function
called from everywhere and stop the tree there. For the profiled epoch each
kata's wrapper gets a code object of its own, named after the kata
(``forward_cnn (contract)``), so the tree goes on through it: its line holds
the checks and the kata's body below it.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..contracts import contract_of
from ..data import PROJECT_ROOT
from .workloads import Data, Settings, batch_plan, numpy_cnn_step

# pstats' key for a function, and its per-caller statistics: (primitive calls, calls, own time, total time)
Function = tuple[str, int, str]
CallStats = tuple[int, int, float, float]

PROJECT_TREES = ("reference", "exercises", "kata")
MIN_SHARE = 0.005  # leave out nodes under half a percent of the epoch


@dataclass(frozen=True)
class Node:
    """One line of the profile: a function called ``calls`` times from its parent, ``seconds`` in all."""

    name: str
    depth: int
    calls: int
    seconds: float
    share: float  # of the whole epoch

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def profile_cnn_epoch(data: Data, settings: Settings) -> list[Node]:
    """Profile one epoch of the NumPy CNN (after the usual warm-up) and return its call tree."""
    step, _ = numpy_cnn_step(data, settings)
    name_contract_wrappers(settings.impl)
    batches = batch_plan(len(data.X_train), settings)[0]
    for batch in batches[: settings.warmup_batches]:
        step(batch)
    profiler = cProfile.Profile()
    profiler.enable()
    for batch in batches:
        step(batch)
    profiler.disable()
    code = step.__code__
    return call_tree(pstats.Stats(profiler), (code.co_filename, code.co_firstlineno, code.co_name))


def name_contract_wrappers(tree: str) -> None:
    """Give the contract wrapper of every kata of ``tree`` a code object of its own, named after the kata.

    Only this process's profile sees the names: the wrappers behave as before.
    """
    for module in [module for name, module in sys.modules.items() if name.startswith(f"{tree}.")]:
        for function in vars(module).values():
            wrapped = getattr(function, "__wrapped__", None)
            if contract_of(function) is not None and wrapped is not None and not _named(function):
                function.__code__ = function.__code__.replace(co_name=f"{wrapped.__name__} (contract)")


def _named(function: Any) -> bool:
    return bool(function.__code__.co_name.endswith(" (contract)"))


def call_tree(stats: pstats.Stats, root: Function, max_depth: int = 8) -> list[Node]:
    """The call tree under the function ``root`` (pstats' key), depth first, largest child first.

    A function called from several places (``max_pool`` from the forward pass
    and again from the pooling backward pass) appears under each caller with
    that caller's share. Below such a function the tree stops (``pstats``
    does not split its children's time by the path that led to it), and so
    it does below library functions.
    """
    table: dict[Function, tuple[int, int, float, float, dict[Function, CallStats]]] = stats.stats  # type: ignore[attr-defined]
    total = table[root][3]
    children: dict[Function, list[tuple[Function, CallStats]]] = {}
    for function, (*_, callers) in table.items():
        for caller, call_stats in callers.items():
            children.setdefault(caller, []).append((function, call_stats))
    nodes = [Node(label(root), 0, table[root][1], total, 1.0)]

    def visit(function: Function, depth: int) -> None:
        calls = [
            (label(child), call_stats[1], call_stats[3], child)
            for child, call_stats in children.get(function, [])
            if call_stats[3] >= MIN_SHARE * total
        ]
        if not calls:
            return  # nothing but its own code: the line above says it all
        lines: list[tuple[str, int, float, Function | None]] = [
            *calls,
            ("(own code)", table[function][1], table[function][2], None),
        ]
        for name, n_calls, seconds, child in sorted(lines, key=lambda line: -line[2]):
            if seconds < MIN_SHARE * total:
                continue
            nodes.append(Node(name, depth, n_calls, seconds, seconds / total))
            if (
                child is not None
                and project_path(child) is not None
                and len(table[child][4]) == 1
                and depth < max_depth
            ):
                visit(child, depth + 1)

    visit(root, 1)
    return nodes


def project_path(function: Function) -> Path | None:
    """A function's file relative to the project when it is the project's own code (the trees, the harness)."""
    try:
        relative = Path(function[0]).resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        return None
    return relative if relative.parts and relative.parts[0] in PROJECT_TREES else None


def label(function: Function) -> str:
    """``reference/chapter4/pooling.py:max_pool`` for project code, the bare name for everything else."""
    filename, _, name = function
    relative = project_path(function)
    if relative is not None:
        return f"{relative.as_posix()}:{name}"
    return name if filename == "~" else f"{Path(filename).name}:{name}"
