"""The kata Hypothesis profile is in place before any property test is decorated, and a run
without property tests never imports Hypothesis (kata/hypothesis_profile.py)."""

import os
import shutil
import subprocess
import sys

import pytest

from kata.trees import PROJECT_ROOT

PROPERTY_TEST = """
import os

import hypothesis
from hypothesis import given, strategies as st


@given(st.integers())
def test_runs_under_the_kata_profile(x):
    current = hypothesis.settings.default
    assert hypothesis.settings.get_current_profile_name() == "kata"
    assert current.max_examples == 60 and current.deadline is None and current.database is None
    assert hypothesis.Phase.explain not in current.phases
    assert (hypothesis.Phase.shrink in current.phases) == (os.environ["EXPECT_SHRINK"] == "yes")
"""

PLAIN_TEST = """
import sys


def test_hypothesis_never_imported():
    assert "hypothesis" not in sys.modules
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("profile")
    for name in ("kata", "exercises", "reference"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root)
    (root / "tests").mkdir()
    (root / "tests" / "test_property.py").write_text(PROPERTY_TEST)
    (root / "tests" / "test_plain.py").write_text(PLAIN_TEST)
    return root


def run(root, test, *args, **environment):
    """pytest on ``tests/<test>`` in ``root``, without the caller's PYTEST_ADDOPTS or HYPOTHESIS_NO_PLUGINS."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "HYPOTHESIS_NO_PLUGINS")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"tests/{test}", *args]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, env={**inherited, **environment})
    return completed.returncode, completed.stdout + completed.stderr


@pytest.mark.parametrize(
    ("args", "environment", "shrink"),
    [
        ((), {}, "yes"),
        (("--kata-no-shrink",), {}, "no"),
        # Without Hypothesis's entry points (as if the project were not installed) the plugin loads it itself.
        (("--kata-no-shrink",), {"HYPOTHESIS_NO_PLUGINS": "1"}, "no"),
    ],
)
def test_property_tests_run_under_the_kata_profile(project, args, environment, shrink):
    code, output = run(project, "test_property.py", *args, EXPECT_SHRINK=shrink, **environment)
    assert code == 0, output


def test_a_run_without_property_tests_never_imports_hypothesis(project):
    code, output = run(project, "test_plain.py")
    assert code == 0, output
