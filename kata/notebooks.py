"""Write a Jupyter notebook per chapter, generated from the chapter's katas.

Each kata gets its spec (the reference docstring) in markdown, a code cell with
the function to write and a cell that checks it with ``kata.check(...)``.

    python -m kata.notebooks                 every chapter: exercises/chapterN/chapterN.ipynb
    python -m kata.notebooks chapter3        one chapter
    python -m kata.notebooks --force         overwrite notebooks that exist (they hold your work)
    python -m kata.notebooks --bodies stubs  the stubs even where exercises/ is solved

The code cells start as your saved ``exercises/`` code (the stubs on a fresh
clone); ``--bodies reference`` puts the solutions there instead (CI runs both
variants headless). Needs nbformat (installed with ``.[dev]``).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .stubs import stub_function
from .trees import PROJECT_ROOT, Kata, chapters, katas

BODIES = ("exercises", "stubs", "reference")
_SECTION = re.compile(r"^(Args|Arguments|Returns|Yields|Raises|Examples?|Notes?)(?: and \w+)?:\s*(.*)$")
_ITEM = re.compile(r"^(\*{0,2}\w+|[A-Z]\w*Error):\s*(.*)$")


def _nbformat() -> Any:
    """The nbformat package (untyped: its cell builders take and return plain dicts)."""
    importlib.import_module("nbformat.v4")
    return importlib.import_module("nbformat")


def notebook_path(chapter: str) -> Path:
    """Where ``python -m kata.notebooks`` writes a chapter's notebook."""
    return PROJECT_ROOT / "exercises" / chapter / f"{chapter}.ipynb"


def _module_source(kata: Kata, tree: str) -> str:
    path = kata.module_path(tree)
    return path.read_text() if path.is_file() else ""


def _top_level(source: str) -> dict[str, ast.stmt]:
    return {
        node.name: node
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }


def _text(source: str, node: ast.stmt) -> str:
    first = min([node.lineno, *(decorator.lineno for decorator in getattr(node, "decorator_list", []))])
    return "\n".join(source.splitlines()[first - 1 : node.end_lineno])


def _names(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def function_cell(kata: Kata, bodies: str, emitted: set[str]) -> str:
    """The code of ``kata``'s cell: the function (and the module's helper functions it calls
    that no earlier cell defined, placed first), from ``bodies``."""
    if bodies == "stubs":
        return stub_function(_module_source(kata, "reference"), kata.name)
    source = _module_source(kata, "exercises" if bodies == "exercises" else "reference")
    functions = {
        name: node
        for name, node in _top_level(source).items()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    if kata.name not in functions:  # a missing or broken learner's module: start from the stub
        return stub_function(_module_source(kata, "reference"), kata.name)
    course = {other.name for other in katas(kata.chapter)}
    order: list[str] = []
    pending = [kata.name]
    while pending:
        name = pending.pop()
        for used in sorted(_names(functions[name]) - set(order) - emitted - course - {kata.name}):
            if used in functions:
                order.append(used)
                pending.append(used)
    emitted.update(order)
    return "\n\n\n".join(_text(source, functions[name]) for name in [*order, kata.name])


def setup_cell(chapter: str, bodies: str) -> str:
    """The imports every kata of ``chapter`` needs, made absolute (``from ..chapter1 import``
    becomes ``from exercises.chapter1 import``), and ``import kata``; the chapter's own katas
    are left out: the notebook defines them."""
    tree_name = "exercises" if bodies == "exercises" else "reference"
    own = {kata.name for kata in katas(chapter)}
    imported: dict[str, dict[str, None]] = {}  # module -> the names imported from it, in order
    plain: dict[str, None] = {}
    for module in dict.fromkeys(kata.module for kata in katas(chapter)):
        path = PROJECT_ROOT / tree_name / chapter / f"{module}.py"
        try:
            tree = ast.parse(path.read_text())
        except (OSError, SyntaxError):
            tree = ast.parse((PROJECT_ROOT / "reference" / chapter / f"{module}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                target = node.module or ""
                if node.level:
                    base = ["exercises", chapter][: 3 - node.level] if node.level <= 2 else ["exercises"]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                names = imported.setdefault(target, {})
                for alias in node.names:
                    if (alias.asname or alias.name) not in own:
                        names[alias.name + (f" as {alias.asname}" if alias.asname else "")] = None
            elif isinstance(node, ast.Import):
                plain[ast.unparse(node)] = None
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.ClassDef)):
                names = imported.setdefault(f"exercises.{chapter}.{module}", {})
                for name in _assigned(node):
                    if not name.startswith("_") and name not in own and name != "__all__":
                        names[name] = None
    statements = [(module, f"from {module} import {', '.join(names)}") for module, names in imported.items() if names]
    statements += [(line.split()[1], line) for line in plain]
    future = [line for module, line in statements if module == "__future__"]
    rest = sorted(
        (_group(module), line.startswith("from"), line) for module, line in statements if module != "__future__"
    )
    groups: list[str] = []
    previous = None
    for group, _, line in rest:
        if previous is not None and group != previous:
            groups.append("")
        groups.append(line)
        previous = group
    return "\n".join([*future, *([""] if future else []), *groups, "", "import kata"])


def _group(module: str) -> int:
    """isort's order: the standard library, other packages, then this project's."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    return 2 if top in ("kata", "exercises", "reference") else 1


def _assigned(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.ClassDef):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [target.id for target in targets if isinstance(target, ast.Name)]


def _inline(text: str) -> str:
    """reST's ``code`` as markdown's `code`."""
    return re.sub(r"``(.+?)``", r"`\1`", text)


def docstring_markdown(docstring: str) -> str:
    """A Google-style docstring as markdown: paragraphs, then each section as a bulleted list."""
    lines = inspect.cleandoc(docstring).splitlines()
    out: list[str] = []
    section: str | None = None
    for line in lines:
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
            out += ["", f"**{section}:**" + (f" {_inline(heading.group(2))}" if heading.group(2) else ""), ""]
            continue
        if section is not None and line.startswith((" ", "\t")):
            stripped = line.strip()
            item = _ITEM.match(stripped)
            indent = len(line) - len(line.lstrip())
            if item and indent <= 4:
                out.append(f"- `{item.group(1)}`: {_inline(item.group(2))}")
            elif out and out[-1].startswith("- "):
                out[-1] += " " + _inline(stripped)
            else:
                out.append(f"- {_inline(stripped)}")
            continue
        if line.strip():
            section = None
            if line.startswith("    "):  # an indented block in the text: keep it as code
                out.append(line)
                continue
        out.append(_inline(line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _spec_markdown(kata: Kata, number: str) -> str:
    source = _module_source(kata, "reference")
    node = _top_level(source)[kata.name]
    assert isinstance(node, ast.FunctionDef)
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    signature = f"def {kata.name}({ast.unparse(node.args)}){returns}"
    heading = f"### {number} `{kata.qualname}`".replace("  ", " ")
    docstring = ast.get_docstring(node, clean=False) or ""
    return f"{heading}\n\n```python\n{signature}\n```\n\n{docstring_markdown(docstring)}"


def dependencies(chapter: str) -> dict[Kata, list[Kata]]:
    """The katas of ``chapter`` each of its reference katas calls (through its private helpers too)."""
    by_name = {kata.name: kata for kata in katas(chapter)}
    found: dict[Kata, list[Kata]] = {}
    for kata in katas(chapter):
        source = _module_source(kata, "reference")
        functions = {name: node for name, node in _top_level(source).items() if isinstance(node, ast.FunctionDef)}
        seen: set[str] = set()
        pending = [kata.name]
        while pending:
            name = pending.pop()
            for used in _names(functions[name]) - seen:
                seen.add(used)
                if used in functions and used.startswith("_"):
                    pending.append(used)
        found[kata] = [other for name, other in by_name.items() if name in seen and other != kata]
    return found


def notebook_order(chapter: str) -> list[tuple[Kata, Kata | None]]:
    """The chapter's katas in course order, except that a kata comes before the first one that
    calls it (so its check finds it defined): ``(kata, the kata it was moved up for, or None)``."""
    needs = dependencies(chapter)
    order: list[tuple[Kata, Kata | None]] = []
    placed: set[Kata] = set()

    def place(kata: Kata, user: Kata | None) -> None:
        if kata in placed:
            return
        placed.add(kata)
        for other in needs[kata]:
            place(other, kata)
        order.append((kata, user))

    for kata in katas(chapter):
        place(kata, None)
    return order


def chapter_notebook(chapter: str, *, bodies: str = "exercises") -> Any:
    """The notebook (an ``nbformat`` node) of ``chapter``, its code cells from ``bodies``."""
    nbformat = _nbformat()
    v4 = nbformat.v4

    from .status import chapter_title, section

    if bodies not in BODIES:
        raise ValueError(f"bodies must be one of {BODIES}; got {bodies!r}")
    if chapter not in chapters():
        raise LookupError(f"no chapter named {chapter!r}; chapters: {', '.join(chapters())}")
    first = katas(chapter)[0].name
    intro = (
        f"# {chapter_title(chapter)}\n\n"
        "Every kata of the chapter, in course order (a kata that a later one calls comes before it): "
        "its spec, a cell with the function to write "
        "(replace `raise NotImplementedError(...)` by your code), and a cell that checks it.\n\n"
        f"* Run the next cell first. Then run a kata's cell each time you change it, and its check: "
        f"`kata.check({first})` runs the kata's tests in a fresh process against the function as this "
        "notebook defines it (with the other katas of the chapter defined here): **done**, **todo** or "
        "**wrong**, with the first failure's expected and got values.\n"
        f"* The notebook is not your `exercises/` folder: `kata.save({first})` writes the function there "
        "(the old code is kept in `.kata/backups/`), where `kata status`, `kata train` and the other "
        f'chapters see it. `kata.check("{chapter}.{first}")` checks the saved file instead.\n'
        "* Checks run the fast tests; `slow=True` adds the MNIST training and epoch-time tests."
    )
    cells = [v4.new_markdown_cell(intro), v4.new_code_cell(setup_cell(chapter, bodies))]
    emitted: set[str] = set()
    headed: set[str] = set()
    needs = dependencies(chapter)
    for kata, user in notebook_order(chapter):
        if kata.module not in headed:
            headed.add(kata.module)
            docstring = ast.get_docstring(ast.parse(_module_source(kata, "reference"))) or kata.module
            title, _, rest = docstring.partition("\n")
            cells.append(v4.new_markdown_cell(f"## {_inline(title)}\n\n{_inline(rest.strip())}".strip()))
        spec = _spec_markdown(kata, section(kata))
        if user is not None:
            spec += f"\n\n*This kata comes before its turn: `{user.name}` calls it.*"
        elif needs.get(kata):
            spec += "\n\n*It calls " + ", ".join(f"`{other.name}`" for other in needs[kata]) + " (above).*"
        cells.append(v4.new_markdown_cell(spec))
        cells.append(v4.new_code_cell(function_cell(kata, bodies, emitted)))
        cells.append(v4.new_code_cell(f"kata.check({kata.name})"))
    cells.append(v4.new_markdown_cell("## Where you stand\n\nEvery kata of the chapter, from your saved files:"))
    cells.append(v4.new_code_cell(f'kata.status("{chapter}")'))
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    return notebook


def write(chapter: str, path: Path, *, bodies: str = "exercises", force: bool = False) -> bool:
    """Write the chapter's notebook to ``path``; False (nothing written) if it exists and not ``force``."""
    nbformat = _nbformat()
    if path.exists() and not force:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(chapter_notebook(chapter, bodies=bodies), str(path))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kata.notebooks", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER", help="e.g. chapter1 or 1 (default: every chapter)")
    parser.add_argument("--bodies", choices=BODIES, default="exercises", help="where the code cells come from")
    parser.add_argument("--out", type=Path, help="write CHAPTER.ipynb files into this folder instead")
    parser.add_argument("--force", action="store_true", help="overwrite notebooks that exist")
    args = parser.parse_args(argv)
    try:
        _nbformat()
    except ImportError:
        print("kata: the notebooks need nbformat: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    selected = [f"chapter{name}" if name.isdigit() else name for name in args.chapters] or chapters()
    unknown = [name for name in selected if name not in chapters()]
    if unknown:
        print(f"kata: no chapter named {unknown[0]!r}; chapters: {', '.join(chapters())}", file=sys.stderr)
        return 2
    for chapter in selected:
        path = args.out / f"{chapter}.ipynb" if args.out else notebook_path(chapter)
        resolved = path.resolve()
        shown = resolved.relative_to(PROJECT_ROOT) if resolved.is_relative_to(PROJECT_ROOT) else path
        if write(chapter, path, bodies=args.bodies, force=args.force):
            print(f"wrote {shown}")
        else:
            print(f"kept {shown}: it exists and may hold your work (--force overwrites it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
