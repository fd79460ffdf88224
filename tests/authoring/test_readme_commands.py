"""Every command the READMEs show works as written on a fresh copy of the project.

The commands are read from README.md and every ``exercises/chapterN/README.md``:
``bash`` and ``python`` code blocks, the indented command lists of the chapter
READMEs, and inline code that starts with ``kata``, ``pytest``, ``nox`` or
``python -m``. Each runs in one fresh copy of the project (the files git
tracks, plus new ones it does not ignore), in README order, with that copy
first on ``PYTHONPATH`` so the commands act on it and never on this checkout.

A command passes when it exits 0, or exits 1 saying which kata is still
``todo`` (what a fresh clone's stubs must answer: ``kata train cnn`` before the
CNN is written). It fails on a traceback or an "unrecognized arguments". A
command that would run for minutes runs in its quick form, listed in ``QUICK``
with the reason; the set-up lines (clone, venv, install) are what CI itself
does first and are not run again.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kata.trees import PROJECT_ROOT

pytestmark = pytest.mark.authoring
READMES = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "exercises").glob("chapter*/README.md"))]
SETUP = ("git clone", "python -m venv", "pip install", "cd ")
# (pattern, quick form, reason): the first pattern that matches the whole command wins; \g<0> is the command.
QUICK = [
    (r"pytest( -n 2)?", r"\g<0> --collect-only -q", "the whole suite is CI's own test command"),
    (r"pytest tests/chapter\d", r"\g<0> -m 'not slow'", "CI's own pytest run trains on MNIST"),
    (r"nox -s chapter\d", r"\g<0> -- --collect-only -q", "the same tests run as `pytest tests/chapterN` here"),
    (r"nox -s (ci|authoring|mutants|alternatives)", "nox --list", "CI runs it (this test is part of it)"),
    (r"nox -s bench|python -m kata.bench", "python -m kata.bench --help", "a benchmark takes minutes"),
    (r"python -m kata.bench --readme .*", "python -m kata.bench --help", "it rewrites README.md from a finished run"),
    (r"kata watch.*", r"\g<0> --help", "it watches until stopped"),
]
_COMMAND = re.compile(r"^(kata|pytest|nox|python -m) ")
_INLINE = re.compile(r"`((?:kata|pytest|nox|python -m) [^`]*)`")
_TIMEOUT = 600


def readme_commands() -> list[tuple[str, str]]:
    """``(where, command)`` for every distinct command of the READMEs, in reading order."""
    found: dict[str, str] = {}
    for path in READMES:
        text = path.read_text()
        where = str(path.relative_to(PROJECT_ROOT))
        for language, block in re.findall(r"```(\w*)\n(.*?)```", text, re.DOTALL):
            if language == "python":
                found.setdefault(f"python -c {shlex.quote(block)}", where)
            elif language in ("bash", "sh"):
                for line in block.splitlines():
                    command = re.split(r"\s+#", line)[0].strip()
                    if command and not command.startswith(SETUP):
                        found.setdefault(command, where)
        for line in text.splitlines():
            if line.startswith("    ") and _COMMAND.match(line.strip()):
                found.setdefault(re.split(r"\s{2,}", line.strip())[0], where)
        for inline in _INLINE.findall(text):
            placeholder = re.search(r"[<>\[\]|]|\.\.\.|chapterN", inline)
            mention = re.fullmatch(r"kata (check|compare|hint|reset|train)", inline)  # prose naming a command
            if not placeholder and not mention:
                found.setdefault(inline.strip(), where)
    return [(where, command) for command, where in found.items()]


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fresh") / "learn-dl-numpy"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    return root


def run_in(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(root), "KATA_STATE_DIR": str(root / ".kata")}
    environment.pop("PYTEST_ADDOPTS", None)
    bin_folder = str(Path(sys.executable).parent)
    environment["PATH"] = bin_folder + os.pathsep + environment.get("PATH", "")
    return subprocess.run(
        command, shell=True, cwd=root, env=environment, capture_output=True, text=True, timeout=_TIMEOUT
    )


def test_the_readmes_show_commands():
    commands = [command for _, command in readme_commands()]
    assert "pytest --kata chapter1.normalize --impl exercises" in commands
    assert any(command.startswith("kata train") for command in commands)
    assert any(command.startswith("python -c") for command in commands)


@pytest.mark.parametrize(("where", "command"), readme_commands(), ids=lambda value: value[:60])
def test_readme_command_works_as_written(fresh_copy: Path, where: str, command: str):
    run, reason = command, ""
    for pattern, quick, why in QUICK:
        if re.fullmatch(pattern, command):
            run, reason = re.sub(f"^(?:{pattern})$", quick, command), why
            break
    result = run_in(fresh_copy, run)
    output = result.stdout + result.stderr
    shown = f"{where}: `{command}`" + (f" (run as `{run}`: {reason})" if reason else "")
    assert "unrecognized arguments" not in output, f"{shown}\n{output[-3000:]}"
    assert "Traceback (most recent call last)" not in output, f"{shown} printed a traceback:\n{output[-3000:]}"
    todo = result.returncode == 1 and "todo" in output
    assert result.returncode == 0 or todo, f"{shown} exited {result.returncode}:\n{output[-3000:]}"
    if run == "nox --list":
        session = command.split()[-1]
        assert re.search(rf"^[*-] {session}\b", result.stdout, re.MULTILINE), f"{shown}: no nox session {session}"
    if command == "pytest --kata chapter1.normalize --impl exercises":
        assert result.returncode == 0 and "todo: exercises.chapter1.arrays.normalize" in output, output[-3000:]
