"""Sessions for learners and maintainers.

They run in the environment you installed the project into
(``pip install -e ".[dev]"``), so ``nox -s chapter3`` starts at once and
needs no network. Extra arguments go to pytest: ``nox -s chapter3 -- -x``.
"""

from __future__ import annotations

from pathlib import Path

import nox

ROOT = Path(__file__).parent
CHAPTERS = range(1, 6)

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
def ci(session: nox.Session) -> None:
    """What CI runs: lint, type check, authoring checks, the test suite, mutants, alternatives."""
    lint(session)
    typecheck(session)
    authoring(session)
    tests(session)
    mutants(session)
    alternatives(session)


@nox.session
def bench(session: nox.Session) -> None:
    """Time MNIST epochs of the reference MLP and CNN against scikit-learn and PyTorch (if installed).

    Writes runs/bench-<timestamp>/ (results.json, results.md, bench.png). Options go
    to the script: ``nox -s bench -- --epochs 10``, ``-- --quick``, ``-- --only mlp``,
    ``-- --no-torch``; ``python -m kata.bench --help`` lists them all.
    """
    session.run("python", "-m", "kata.bench", *session.posargs)
