"""A kata's spec, read from its reference docstring: signature, summary and sections, and the
docstring sentence a failing test checks.

``relevant_lines`` picks that sentence by the words it shares with the test:
its name (``test_constant_column_becomes_zero_without_warnings``), its
docstring and what the failure message says it checked (``column stds of
normalize(X)``). Words are compared by their stems (``modified`` finds
``modify``), rare words count more than common ones, and the kata's own name
counts for nothing. With no word in common, it falls back on what the failure
is about: the "Raises" section for an exception that was or was not raised,
"Returns" for a wrong shape, dtype or type, else the summary line (what to
compute).
"""

from __future__ import annotations

import ast
import inspect
import math
import re
from dataclasses import dataclass, field

from .trees import Kata

_SECTION = re.compile(r"^(Args|Returns|Yields|Raises|Examples?|Notes?)(?: and \w+)?:\s*(.*)$")
_RAISES = re.compile(r"DID NOT RAISE|Regex pattern did not match|\b(?!Assertion)\w+Error\b|input contract")
_RESULT_FORM = re.compile(r"expected (?:shape|dtype|a NumPy array|a Python float|a tuple|a list|a dict)")
_ENTRY = re.compile(r"^(\*?\*?[A-Za-z_][\w, ]*):\s")  # "X: shape (n, d)..." in Args or Raises
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z`(])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|(?<![\w.])0(?![\w.])")  # a lone 0 reads as "zero"
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        """a an and are as at be by each for from gives has have if in into is it its of on or so that the
    their then this to was were when where which with without test tests same one two does not no
    give gets get got expected value values result results returns return array arrays call hand computed
    compute matches match works""",
    )
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s", "y", "e")
MAX_QUOTED = 240  # characters of a quoted sentence


@dataclass(frozen=True)
class Spec:
    signature: str
    summary: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)  # the paragraphs between the summary and the sections


def spec(kata: Kata) -> Spec:
    """The signature, summary line, body and docstring sections of the kata's reference function."""
    tree = ast.parse(kata.module_path("reference").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == kata.name)
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    signature = f"{kata.name}({ast.unparse(node.args)}){returns}"
    docstring = inspect.cleandoc(ast.get_docstring(node, clean=False) or "")
    lines = docstring.splitlines()
    sections: dict[str, list[str]] = {}
    body: list[str] = []
    current: list[str] | None = None
    in_body = True
    for line in lines[1:]:
        heading = _SECTION.match(line)
        if heading:
            in_body = False
            current = sections.setdefault(heading.group(1), [])
            if heading.group(2):
                current.append(heading.group(2))
        elif line.startswith((" ", "\t")) and current is not None:
            current.append(line.strip())
        elif in_body:
            body.append(line.strip())
        elif line.strip():  # text back at the margin ends the section
            current = None
    return Spec(signature, lines[0] if lines else "", sections, body)


def sentences(found: Spec) -> list[tuple[str, str]]:
    """Every sentence of the docstring as ``(label, text)``: the summary and the body's sentences
    (label ""), each entry of Args and Raises (``"Args: "``), and the sentences of the other sections."""
    units: list[tuple[str, str]] = [("", found.summary)] if found.summary else []
    paragraph: list[str] = []
    for line in [*found.body, ""]:
        if line:
            paragraph.append(line)
        elif paragraph:
            units += [("", sentence) for sentence in _SENTENCE_END.split(" ".join(paragraph))]
            paragraph = []
    for name, lines in found.sections.items():
        if name in ("Args", "Raises"):
            entries: list[list[str]] = []
            for line in lines:
                if _ENTRY.match(line) or not entries:
                    entries.append([line])
                else:
                    entries[-1].append(line)
            units += [(f"{name}: ", " ".join(entry)) for entry in entries]
        else:
            units += [(f"{name}: ", sentence) for sentence in _SENTENCE_END.split(" ".join(lines)) if sentence]
    return units


def relevant_lines(kata: Kata, message: str, test: str = "", doc: str = "") -> list[str]:
    """What the spec says about a failure: the signature, then the docstring sentence that the
    failing test ``test`` (with docstring ``doc``) checks, as judged from the words they share."""
    found = spec(kata)
    units = sentences(found)
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    checked = first_line.split(": ", 1)[0] if ": " in first_line else ""  # assert_close's "what"
    query: dict[str, float] = {}
    own = {_stem(word) for word in _words(kata.name)}
    for text, weight in ((test.removeprefix("test_").replace("_", " "), 2.0), (doc, 1.0), (checked, 1.0)):
        for word in _words(text):
            stem = _stem(word)
            if stem not in own:
                query[stem] = max(query.get(stem, 0.0), weight)
    stems = [{_stem(word) for word in _words(text)} for _, text in units]
    frequency = {word: sum(any(_same(word, other) for other in unit) for unit in stems) for word in query}
    scores = []
    for unit in stems:
        score = sum(
            weight * math.log(1 + len(units) / frequency[word])
            for word, weight in query.items()
            if frequency[word] and any(_same(word, other) for other in unit)
        )
        scores.append(score)
    raises = bool(_RAISES.search(message) or re.search(r"reject|raise", test))
    for index, (label, _) in enumerate(units):  # an exception's failure is about the Raises section
        if raises and label == "Raises: ":
            scores[index] += 1.0
    best = max(range(len(units)), key=lambda index: (scores[index], -index)) if units else -1
    if best >= 0 and scores[best] > (1.0 if raises else 0.0):
        label, text = units[best]
        return [found.signature, label + _shorten(text)]
    return [found.signature, *_fallback(found, units, message, raises)]


def _fallback(found: Spec, units: list[tuple[str, str]], message: str, raises: bool) -> list[str]:
    wanted = ("Raises",) if raises else ("Returns", "Yields") if _RESULT_FORM.search(message) else ()
    for name in wanted:
        if name in found.sections:
            return [f"{name}: {_shorten(' '.join(found.sections[name]))}"]
    return [_shorten(found.summary)] if found.summary else []


def _words(text: str) -> list[str]:
    words = ["zero" if word == "0" else word.lower() for word in _WORD.findall(text)]
    return [word for word in words if word not in _STOPWORDS and len(word) > 1]


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _same(a: str, b: str) -> bool:
    """Two stems name the same word: equal, or one begins the other and is at least 4 letters long."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.startswith(short)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 3].rstrip() + "..."
