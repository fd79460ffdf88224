"""The kata harness: data loading, the trusted gradient checker, the tests' plugin, the CLI.

From Jupyter or IPython::

    import kata
    kata.check("chapter1.normalize")   # the tests of your saved exercises/ code
    kata.check(normalize)              # ... or of the function defined in a notebook cell
    kata.save(normalize)               # write that function into exercises/
    kata.status()                      # every kata: done, todo or wrong

Nothing heavy is imported until one of them is called, so ``import kata`` stays fast.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .notebook import CheckReport, StatusReport

__all__ = ["check", "save"]  # and kata.status(), the module kata/status.py made callable (below)


def check(target: str | Callable[..., Any], *, name: str | None = None, slow: bool = False) -> CheckReport:
    """Run a kata's (or a chapter's) fast tests on your saved code, or on a function of yours.

    ``kata.check("chapter1.normalize")`` tests ``exercises/``; ``kata.check(normalize)``
    tests the function you defined in the notebook (with the other katas of its chapter
    defined there). ``slow=True`` adds the MNIST training and timing tests. The result
    shows as a table in a notebook and as text elsewhere.
    """
    from .notebook import check as run_check

    return run_check(target, name=name, slow=slow)


def save(function: Callable[..., Any], *, name: str | None = None) -> Path:
    """Write a kata function defined in the notebook into its ``exercises/`` module."""
    from .notebook import save as run_save

    return run_save(function, name=name)


class _StatusModule(types.ModuleType):
    """``kata.status`` is a module (``kata/status.py``) that can also be called: ``kata.status()``."""

    def __call__(self, chapter: str | int | None = None, *, refresh: bool = False) -> StatusReport:
        """Every kata's status (or one chapter's): done, todo or wrong, and the next kata."""
        from .notebook import status as show_status

        return show_status(chapter, refresh=refresh)


class _StatusLoader(importlib.machinery.SourceFileLoader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _StatusModule(spec.name)


class _StatusFinder:
    """Makes the module ``kata.status`` callable, however it is first imported."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != f"{__name__}.status":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            spec.loader = _StatusLoader(spec.loader.name, spec.loader.path)
        return spec


if f"{__name__}.status" in sys.modules:  # imported before this package was reloaded
    sys.modules[f"{__name__}.status"].__class__ = _StatusModule
elif not any(isinstance(finder, _StatusFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _StatusFinder())


def __getattr__(name: str) -> Any:
    if name == "status":  # kata.status() before anything imported the module
        return importlib.import_module(f"{__name__}.status")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
