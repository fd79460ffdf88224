"""Sessions for learners and maintainers.

They run in the environment you installed the project into
(``pip install -e ".[dev]"``), so ``nox -s chapter3`` starts at once and
needs no network. Extra arguments go to pytest: ``nox -s chapter3 -- -x``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
# The chapters that exist, and any other chapterN named on the command line (nox -s chapter9):
# that one gets a session too, which says the chapter does not exist instead of nox's "Sessions not found".
CHAPTERS = sorted(
    {
        int(path.parent.name[7:])
        for path in ROOT.glob("reference/chapter*/__init__.py")
        if path.parent.name[7:].isdigit()
    }
    | {
        int(number)
        for word in [*sys.argv, os.environ.get("NOXSESSION", "")]
        for number in re.findall(r"\bchapter(\d+)\b", word)
    }
)

nox.options.default_venv_backend = "none"
nox.options.sessions = ["tests"]


@nox.session
def tests(session: nox.Session) -> None:
    """Every kata test, for both implementations."""
    session.run("pytest", *session.posargs)


def chapter_session(number: int) -> None:
    @nox.session(name=f"chapter{number}")
    def chapter(session: nox.Session) -> None:
        tests_dir = ROOT / "tests" / f"chapter{number}"
        if not (ROOT / "reference" / f"chapter{number}").is_dir() or not tests_dir.is_dir():
            session.error(f"chapter {number} does not exist yet: there is no reference/chapter{number}/ with tests")
        session.run("pytest", str(tests_dir.relative_to(ROOT)), *session.posargs)

    chapter.__doc__ = f"Chapter {number}'s kata tests, for both implementations."


for number in CHAPTERS:
    chapter_session(number)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff's linter and formatter check."""
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on reference/ and kata/."""
    session.run("mypy")


@nox.session
def authoring(session: nox.Session) -> None:
    """Maintainers' checks: exercises/ are the stubs of reference/, every kata is tested."""
    session.run("pytest", "--authoring", "-m", "authoring", *session.posargs)


@nox.session
def mutants(session: nox.Session) -> None:
    """Run every declared mutant through its kata's tests; fail if one survives."""
    session.run("python", "-m", "kata.mutants", *session.posargs)


@nox.session
def alternatives(session: nox.Session) -> None:
    """Run every declared alternative (a correct solution written differently) through its kata's tests."""
    session.run("python", "-m", "kata.alternatives", *session.posargs)


@nox.session
def pyright(session: nox.Session) -> None:
    """basedpyright (pyright from PyPI) on reference/, kata/ and exercises/, as an editor shows them."""
    session.run("basedpyright", "--pythonpath", sys.executable, *session.posargs)


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute every chapter's generated notebook headless, with the stubs (all todo) and the reference (all done)."""
    parallel = ["-n", "2"] if importlib.util.find_spec("xdist") else []  # two kernels at a time
    session.run("pytest", "tests/notebooks", "-p", "no:cacheprovider", *parallel, *session.posargs)


PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` (e.g. "3.12"): on PATH, else one pyenv installed; None if none runs."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = [shutil.which(f"python{version}")]
    candidates += [str(path) for path in sorted(root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)]
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
        except OSError:
            continue
        if found.returncode == 0 and found.stdout.strip() == version:
            return candidate
    return None


def run_on_python(session: nox.Session, version: str) -> bool:
    """Install the project the README's way into a fresh venv of ``version`` and run the quick suite
    (``pytest -m "not slow"``); False if no such interpreter is found."""
    interpreter = find_python(version)
    if interpreter is None:
        return False
    venv = ROOT / ".nox" / f"fresh-python{version}"
    shutil.rmtree(venv, ignore_errors=True)
    session.log(f"Python {version}: {interpreter} -> fresh venv {venv.relative_to(ROOT)}")
    session.run(interpreter, "-m", "venv", str(venv), external=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {"VIRTUAL_ENV": str(venv), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    python = str(bin_dir / "python")
    session.run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip", env=env, external=True)
    session.run(python, "-m", "pip", "install", "--quiet", "-e", ".[dev]", env=env, external=True)
    session.run(python, "-m", "pytest", "-m", "not slow", "-p", "no:cacheprovider", "-q", *session.posargs,
                env=env, external=True)  # fmt: skip
    shutil.rmtree(venv, ignore_errors=True)  # nearly 1 GB each; kept only when the suite failed
    return True


def python_session(version: str) -> None:
    @nox.session(name=f"python{version}")
    def on_python(session: nox.Session) -> None:
        if not run_on_python(session, version):
            session.error(f"no Python {version} on this machine (on PATH or in pyenv)")

    on_python.__doc__ = f"A fresh venv of Python {version}, the project installed as the README says, the quick suite."


for version in PYTHONS:
    python_session(version)


@nox.session(name="pythons")
def all_pythons(session: nox.Session) -> None:
    """Every Python the project claims (3.10 to 3.13) that this machine has: a fresh venv each, the quick suite."""
    pythons(session)


def pythons(session: nox.Session, *, skip_running: bool = False) -> None:
    """Run ``run_on_python`` for each of PYTHONS (but the one running, if ``skip_running``); log what is missing."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    ran: list[str] = []
    missing: list[str] = []
    try:
        for version in PYTHONS:
            if skip_running and version == running:
                session.log(f"Python {version}: the interpreter this run uses; the suites above ran on it")
                ran.append(version)
            elif run_on_python(session, version):
                ran.append(version)
            else:
                missing.append(version)
    finally:
        untried = [version for version in PYTHONS if version not in ran + missing]
        session.log(
            f"Python versions passed: {', '.join(ran) or 'none'}; missing here: {', '.join(missing) or 'none'}"
            + (f"; failed or not reached: {', '.join(untried)}" if untried else "")
        )


@nox.session
def ci(session: nox.Session) -> None:
    """What CI runs: lint, type checks (mypy, pyright), authoring checks, the test suite, mutants,
    alternatives, the notebooks, and the quick suite on every other Python the machine has."""
    lint(session)
    typecheck(session)
    pyright(session)
    authoring(session)
    tests(session)
    mutants(session)
    alternatives(session)
    notebooks(session)
    pythons(session, skip_running=True)


@nox.session
def bench(session: nox.Session) -> None:
    """Time MNIST epochs of the reference MLP and CNN against scikit-learn and PyTorch (if installed).

    Writes runs/bench-<timestamp>/ (results.json, results.md, bench.png). Options go
    to the script: ``nox -s bench -- --epochs 10``, ``-- --quick``, ``-- --only mlp``,
    ``-- --no-torch``; ``python -m kata.bench --help`` lists them all.
    """
    session.run("python", "-m", "kata.bench", *session.posargs)
