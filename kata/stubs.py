"""Make the learner's stubs from the reference modules.

A stub module keeps the reference module's docstring, imports, public
constants and classes, and every public function's exact signature and
docstring; the body becomes ``raise NotImplementedError("todo: <name>")``.
Private helpers (a leading underscore) are left out: the learner writes their
own. Chapter ``__init__.py`` files and private modules are copied unchanged, and
each chapter README's table of katas is written from ``katas.toml``.

    python -m kata.stubs            rewrite exercises/ from reference/
    python -m kata.stubs --check    list the files that differ, exit 1 if any
"""

from __future__ import annotations

import argparse
import ast
import difflib
from pathlib import Path

from . import records
from .trees import PROJECT_ROOT, chapters

REFERENCE = PROJECT_ROOT / "reference"
EXERCISES = PROJECT_ROOT / "exercises"
_KEPT_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.ClassDef, ast.If)


def stub_function(source: str, name: str) -> str:
    """The stub text of the top-level function ``name`` in a reference module's source."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return _stub(lines, node)
    raise LookupError(f"no top-level function {name!r}")


def stub_source(source: str) -> str:
    """The stub module for a reference module's source (see the module docstring)."""
    lines = source.splitlines()
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree, clean=False) is not None
    head: list[str] = ["\n".join(lines[: tree.body[0].end_lineno])] if docstring else []
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    import_end = (imports[-1].end_lineno or 0) if imports else 0
    if imports:  # the import block verbatim, blank lines between groups included
        head.append("\n".join(lines[imports[0].lineno - 1 : import_end]))
    blocks: list[str] = []
    for node in tree.body[1:] if docstring else tree.body:
        if node.lineno <= import_end:
            continue
        if isinstance(node, ast.FunctionDef):
            if not node.name.startswith("_"):
                blocks.append(_stub(lines, node))
        elif isinstance(node, _KEPT_STATEMENTS) and _is_public(node):
            blocks.append("\n".join(lines[_first_line(node) - 1 : node.end_lineno]))
    text = "\n\n".join(head)
    for index, block in enumerate(blocks):
        # isort's rule: one blank line between the imports and a constant, two before a def or class.
        after_imports = index == 0 and bool(imports) and not block.startswith(("def ", "class ", "@"))
        text += ("\n\n" if after_imports else "\n\n\n") + block
    return text.lstrip("\n") + "\n"


def expected_exercises() -> dict[Path, str]:
    """Every file of the exercises tree that mirrors reference, with its expected text,
    keyed by path relative to the tree."""
    expected: dict[Path, str] = {}
    for path in sorted(REFERENCE.rglob("*.py")):
        relative = path.relative_to(REFERENCE)
        if relative == Path("__init__.py"):
            continue
        source = path.read_text()
        copied = path.name == "__init__.py" or path.name.startswith("_")
        expected[relative] = source if copied else stub_source(source)
    return expected


def differences() -> list[str]:
    """A unified diff for every exercises file that is missing, extra or not the stub of its twin."""
    expected = expected_exercises()
    actual = {
        path.relative_to(EXERCISES): path.read_text()
        for path in EXERCISES.rglob("*.py")
        if path.relative_to(EXERCISES) != Path("__init__.py")
    }
    problems = []
    for relative in sorted(expected.keys() | actual.keys()):
        if relative not in actual:
            problems.append(f"exercises/{relative}: missing (reference/{relative} exists)")
        elif relative not in expected:
            problems.append(f"exercises/{relative}: has no twin in reference/")
        elif actual[relative] != expected[relative]:
            diff = difflib.unified_diff(
                expected[relative].splitlines(),
                actual[relative].splitlines(),
                f"expected exercises/{relative}",
                f"exercises/{relative}",
                lineterm="",
            )
            problems.append("\n".join(diff))
    return problems


def write_exercises() -> list[Path]:
    """Rewrite every exercises file that differs from its expected text, and every chapter
    README's table of katas (from ``katas.toml``); return those paths."""
    written = []
    expected = expected_exercises()
    for chapter in chapters():
        readme = Path(chapter) / "README.md"
        if (EXERCISES / readme).is_file():
            expected[readme] = records.readme_with_table(chapter, (EXERCISES / readme).read_text())
    for relative, text in expected.items():
        path = EXERCISES / relative
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    return written


def _stub(lines: list[str], node: ast.FunctionDef) -> str:
    docstring = node.body[0] if node.body else None
    if not (
        isinstance(docstring, ast.Expr)
        and isinstance(docstring.value, ast.Constant)
        and isinstance(docstring.value.value, str)
    ):
        raise ValueError(f"reference function {node.name} (line {node.lineno}) needs a docstring: it is the spec")
    header = lines[_first_line(node) - 1 : docstring.lineno - 1]
    body = lines[docstring.lineno - 1 : docstring.end_lineno]
    indent = body[0][: len(body[0]) - len(body[0].lstrip())]
    return "\n".join([*header, *body, f'{indent}raise NotImplementedError("todo: {node.name}")'])


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


def _is_public(node: ast.stmt) -> bool:
    if isinstance(node, ast.ClassDef):
        return not node.name.startswith("_")
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) and (t.id == "__all__" or not t.id.startswith("_")) for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and not node.target.id.startswith("_")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kata.stubs", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report the files that differ")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences()
        print("\n\n".join(problems) if problems else "exercises/ matches the stubs of reference/")
        return 1 if problems else 0
    for path in write_exercises():
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
