"""``kata check``: run a chapter's or a kata's tests on the learner's code and explain the failures."""

import re

from kata import cli

WRONG_NORMALIZE = """
def normalize(X):
    return (X - X.mean()) / X.std()
"""

CRASHING_SIGMOID = """
def sigmoid(Z):
    return _first_element(Z)


def _first_element(Z):
    return Z[99, 99]
"""


def test_failures_show_expected_got_where_and_the_spec(project, run_kata, replace):
    exercises = project / "exercises" / "chapter1"
    replace(exercises / "arrays.py", "normalize", WRONG_NORMALIZE)
    replace(exercises / "math_functions.py", "sigmoid", CRASHING_SIGMOID)
    # Without shrinking hypothesis's failing examples: the same failures, found faster.
    result = run_kata(project, "check", "chapter1", "--fast", env={"PYTEST_ADDOPTS": "--kata-no-shrink"})
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert "FAILED chapter1.normalize  test_" in output
    assert "normalize(X): values differ" in output and "expected:" in output and "got:" in output
    assert re.search(r"at tests/chapter1/test_arrays\.py:\d+", output), output
    assert "spec: normalize(X: NDArray[np.floating]) -> NDArray[np.floating]" in output
    assert "Returns: A new array of ``X``'s shape and float dtype." in output
    crash_line = (exercises / "math_functions.py").read_text().splitlines().index("    return Z[99, 99]") + 1
    assert "FAILED chapter1.sigmoid" in output and "IndexError" in output
    assert f"at exercises/chapter1/math_functions.py:{crash_line}" in output, "the learner's own line"
    assert re.search(r"^  wrong   chapter1\.normalize  fails test_", output, re.MULTILINE)
    assert re.search(r"^  todo    chapter1\.one_hot$", output, re.MULTILINE)
    assert "0 of 11 done" in output
    assert "Traceback" not in output + result.stderr


def test_a_stub_is_todo_without_running_tests(project, run_kata):
    result = run_kata(project, "check", "sigmoid", env={"PYTEST_ADDOPTS": "--no-such-option"})
    assert result.returncode == 1
    assert "  todo    chapter1.sigmoid" in result.stdout
    assert "kata hint chapter1.sigmoid" in result.stdout


def test_a_solved_kata_passes_with_its_slow_tests(project, run_kata, solve):
    solve(project, "chapter1")
    result = run_kata(project, "check", "chapter1.sigmoid")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "slow ones too" in result.stdout
    assert "  done    chapter1.sigmoid" in result.stdout
    assert "1 of 1 done" in result.stdout


def test_unknown_names_get_suggestions(capsys):
    assert cli.main(["check", "chaptr1"]) == 2
    assert capsys.readouterr().err.startswith("kata: no chapter or kata named 'chaptr1'; did you mean chapter1")
    assert cli.main(["check", "sigmod"]) == 2
    assert "did you mean sigmoid?" in capsys.readouterr().err
