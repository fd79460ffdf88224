"""A kata's spec, read from its reference docstring: signature, summary and sections."""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass, field

from .trees import Kata

_SECTION = re.compile(r"^(Args|Returns|Yields|Raises|Examples?|Notes?)(?: and \w+)?:\s*(.*)$")
_RAISES = re.compile(r"DID NOT RAISE|Regex pattern did not match|\b(?!Assertion)\w+Error\b")


@dataclass(frozen=True)
class Spec:
    signature: str
    summary: str
    sections: dict[str, list[str]] = field(default_factory=dict)


def spec(kata: Kata) -> Spec:
    """The signature, summary line and docstring sections of the kata's reference function."""
    tree = ast.parse(kata.module_path("reference").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == kata.name)
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    signature = f"{kata.name}({ast.unparse(node.args)}){returns}"
    docstring = inspect.cleandoc(ast.get_docstring(node, clean=False) or "")
    lines = docstring.splitlines()
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[1:]:
        heading = _SECTION.match(line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
            if heading.group(2):
                current.append(heading.group(2))
        elif line.startswith((" ", "\t")) and current is not None:
            current.append(line.strip())
        elif line.strip():  # text back at the margin ends the section
            current = None
    return Spec(signature, lines[0] if lines else "", sections)


def relevant_lines(kata: Kata, message: str) -> list[str]:
    """What the spec says about a failure: the signature, then the "Raises" section when the
    failure is about an exception, else the "Returns" (or "Yields") section."""
    found = spec(kata)
    wanted = ("Raises",) if _RAISES.search(message) else ("Returns", "Yields")
    body = next((found.sections[name] for name in wanted if name in found.sections), [found.summary])
    name = next((name for name in wanted if name in found.sections), "")
    return [found.signature, *([f"{name}: {' '.join(body)}"] if name else body)]
