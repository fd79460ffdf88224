"""``kata check``: run a chapter's or a kata's tests on the learner's code and explain the failures."""

import re
import time

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
    result = run_kata(project, "check", "chapter1", "--fast", "--", "--kata-no-shrink")
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert "FAILED chapter1.normalize  test_" in output
    assert "normalize(X): values differ" in output and "expected:" in output and "got:" in output
    assert re.search(r"at tests/chapter1/test_arrays\.py:\d+", output), output
    assert "spec: normalize(X: NDArray[np.floating]) -> NDArray[np.floating]" in output
    # The spec line is the docstring sentence each test checks, not the Returns line every time.
    assert "        Z-score every column of ``X``: ``(X[:, j] - mean_j) / std_j``." in output
    assert "so each output column has mean 0 and standard deviation 1." in output
    crash_line = (exercises / "math_functions.py").read_text().splitlines().index("    return Z[99, 99]") + 1
    assert "FAILED chapter1.sigmoid" in output and "IndexError" in output
    assert f"at exercises/chapter1/math_functions.py:{crash_line}" in output, "the learner's own line"
    assert re.search(r"^  wrong   chapter1\.normalize  fails test_", output, re.MULTILINE)
    assert re.search(r"^  todo    chapter1\.one_hot$", output, re.MULTILINE)
    assert re.search(r"^0 of 11 done; \d+ of \d+ tests passed \(\d+ failed\)$", output, re.MULTILINE), output
    assert "Traceback" not in output + result.stderr


def test_the_users_pytest_addopts_do_not_change_the_verdict(project, run_kata, solve):
    solve(project, "chapter1")
    result = run_kata(project, "check", "chapter1.sigmoid", "--fast", env={"PYTEST_ADDOPTS": "-n 2 -x --co"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "  done    chapter1.sigmoid" in result.stdout
    assert re.search(r"1 of 1 done; (\d+) of \1 tests passed$", result.stdout, re.MULTILINE), result.stdout


ENDLESS_SIGMOID = """
def sigmoid(Z):
    total = 0
    while True:
        total += 1
"""


def test_an_endless_loop_is_wrong_within_seconds(project, run_kata, replace):
    replace(project / "exercises" / "chapter1" / "math_functions.py", "sigmoid", ENDLESS_SIGMOID)
    started = time.perf_counter()
    result = run_kata(project, "check", "sigmoid", "--fast", "--", "--kata-timeout", "2")
    seconds = time.perf_counter() - started
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert "took longer than 2 s: an endless loop, or a Python loop over every element?" in output
    assert re.search(r"at exercises/chapter1/math_functions\.py:\d+", output), "where the loop was stopped"
    assert re.search(r"^  wrong   chapter1\.sigmoid  took longer than 2 s in test_", output, re.MULTILINE), output
    assert seconds < 30, f"{seconds:.1f} s from the loop to the verdict: one limit, then the kata's other tests skip"


def test_a_stub_is_todo_without_running_tests(project, run_kata):
    result = run_kata(project, "check", "sigmoid", env={"PYTEST_PLUGINS": "no_such_plugin"})  # pytest would fail
    assert result.returncode == 1
    assert "  todo    chapter1.sigmoid" in result.stdout
    assert "kata hint chapter1.sigmoid" in result.stdout


def test_a_solved_kata_passes_with_its_slow_tests(project, run_kata, solve):
    solve(project, "chapter1")
    result = run_kata(project, "check", "chapter1.sigmoid")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "slow ones too" in result.stdout
    assert "  done    chapter1.sigmoid" in result.stdout
    assert re.search(r"^1 of 1 done; (\d+) of \1 tests passed$", result.stdout, re.MULTILINE), result.stdout


def test_unknown_names_get_suggestions(capsys):
    assert cli.main(["check", "chaptr1"]) == 2
    assert capsys.readouterr().err.startswith("kata: no chapter or kata named 'chaptr1'; did you mean chapter1")
    assert cli.main(["check", "sigmod"]) == 2
    assert "did you mean sigmoid?" in capsys.readouterr().err
