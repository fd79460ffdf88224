"""The two implementation trees and the katas they hold.

``exercises/`` (the learner's stubs) and ``reference/`` (the solutions) have
the same chapter packages and modules. A kata is a public function of a
chapter; a chapter's ``__all__`` lists its katas in course order.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TREES = ("exercises", "reference")
_CHAPTER = re.compile(r"chapter(\d+)")


@dataclass(frozen=True)
class Kata:
    """One public function: ``chapter1.normalize`` lives in ``<tree>.chapter1.arrays``."""

    chapter: str
    module: str
    name: str

    @property
    def qualname(self) -> str:
        return f"{self.chapter}.{self.name}"

    def module_path(self, tree: str) -> Path:
        return PROJECT_ROOT / tree / self.chapter / f"{self.module}.py"

    def function(self, tree: str) -> Callable[..., Any]:
        module = importlib.import_module(f"{tree}.{self.chapter}.{self.module}")
        function: Callable[..., Any] = getattr(module, self.name)
        return function


class Implementation:
    """What a test's ``impl`` fixture is: ``impl.chapter1.normalize`` is that tree's function."""

    def __init__(self, tree: str) -> None:
        if tree not in TREES:
            raise ValueError(f"tree must be one of {TREES}; got {tree!r}")
        self.tree = tree

    def __getattr__(self, chapter: str) -> ModuleType:
        if not _CHAPTER.fullmatch(chapter):
            raise AttributeError(chapter)
        return importlib.import_module(f"{self.tree}.{chapter}")

    def __repr__(self) -> str:
        return f"Implementation({self.tree!r})"


def chapters() -> list[str]:
    """Chapter package names of the reference tree, in course order."""
    found = [path.parent.name for path in (PROJECT_ROOT / "reference").glob("chapter*/__init__.py")]
    return sorted((name for name in found if _CHAPTER.fullmatch(name)), key=lambda name: int(name[7:]))


def katas(chapter: str | None = None) -> list[Kata]:
    """Every kata (or one chapter's), in course order."""
    return [kata for kata in _all_katas() if chapter in (None, kata.chapter)]


@functools.cache
def _all_katas() -> tuple[Kata, ...]:
    # Read from each chapter's __init__.py (its __all__ and its "from .module import name" lines)
    # without importing the chapter: importing every reference chapter (matplotlib for chapter 4's
    # plots) was most of the start-up of a one-kata `kata check`. A name imported otherwise is looked
    # up by importing its chapter. Cached on first use.
    result = []
    for name in chapters():
        tree = ast.parse((PROJECT_ROOT / "reference" / name / "__init__.py").read_text())
        modules = {
            alias.asname or alias.name: node.module
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module and "." not in node.module
            for alias in node.names
        }
        exported = [
            ast.literal_eval(node.value)
            for node in tree.body
            if isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "__all__" for target in node.targets)
        ]
        if not exported:
            raise LookupError(f"reference/{name}/__init__.py must list its katas, in course order, in __all__")
        for function_name in exported[-1]:
            module = modules.get(function_name)
            if module is None:
                imported = getattr(importlib.import_module(f"reference.{name}"), function_name)
                module = imported.__module__.rsplit(".", 1)[1]
            result.append(Kata(name, module, function_name))
    return tuple(result)


def find_kata(name: str) -> Kata:
    """The kata called ``chapterN.function`` or, when unambiguous, ``function``."""
    every = katas()
    matches = [kata for kata in every if name in (kata.qualname, kata.name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LookupError(f"{name!r} is ambiguous: {', '.join(kata.qualname for kata in matches)}")
    names = [kata.qualname for kata in every] + [kata.name for kata in every]
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise LookupError(f"no kata named {name!r}{hint}")


def stub_reached(tb: TracebackType | None) -> str | None:
    """The dotted name of the exercises function that raised, e.g.
    ``exercises.chapter1.arrays.normalize``, found as the innermost frame of the
    traceback that belongs to the exercises tree; None if no frame does."""
    reached = None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith("exercises."):
            reached = f"{module}.{tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return reached
