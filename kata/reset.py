"""Put one kata of ``exercises/`` back to its stub, keeping the rest of the learner's file."""

from __future__ import annotations

import ast
import time
from pathlib import Path

from . import state
from .status import relative
from .stubs import stub_function, stub_source
from .trees import Kata


def reset(kata: Kata) -> Path | None:
    """Replace the learner's function of ``kata`` by the stub; return where the old code was saved.

    Returns None when there was nothing to save (the module or function was
    missing, or already the stub). A missing module is written as the whole stub module.
    """
    reference_source = kata.module_path("reference").read_text()
    stub = stub_function(reference_source, kata.name)
    path = kata.module_path("exercises")
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stub_source(reference_source))
        return None
    source = path.read_text()
    span = _span(source, kata, path)
    lines = source.splitlines()
    if span is None:
        path.write_text(source.rstrip("\n") + f"\n\n\n{stub}\n")
        return None
    first, last = span
    old = "\n".join(lines[first - 1 : last])
    if old == stub:
        return None
    backup = state.state_dir() / "backups" / f"{kata.qualname}-{time.strftime('%Y%m%d-%H%M%S')}.py"
    backup.parent.mkdir(parents=True, exist_ok=True)
    backup.write_text(old + "\n")
    path.write_text("\n".join([*lines[: first - 1], stub, *lines[last:]]) + "\n")
    return backup


def _span(source: str, kata: Kata, path: Path) -> tuple[int, int] | None:
    """First and last line (1-based) of the top-level function ``kata.name``, decorators included."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ValueError(
            f"{relative(path)} has a syntax error on line {error.lineno} ({error.msg}); "
            "fix it first, so that the rest of the file can be kept"
        ) from None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == kata.name:
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            return first, node.end_lineno or node.lineno
    return None
