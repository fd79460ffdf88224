"""``kata.check``, ``kata.status`` and ``kata.save`` from a notebook, and the generated notebooks.

A script run as ``__main__`` stands in for a notebook: its functions live in
``__main__`` and ``inspect`` finds their source, as in a Jupyter cell.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kata import notebook
from kata.stubs import stub_function
from kata.trees import PROJECT_ROOT, chapters, katas

REFERENCE_NORMALIZE = (PROJECT_ROOT / "reference" / "chapter1" / "arrays.py").read_text()
HEADER = """
import numpy as np
from numpy.typing import NDArray

import kata
from kata.contracts import Array, contract
"""


def run_script(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as a script (its functions are ``__main__``'s, as a notebook's) in the project copy."""
    script = root / "notebook_cell.py"
    script.write_text(HEADER + textwrap.dedent(code))
    env = {**os.environ, "PYTHONPATH": str(root), "KATA_STATE_DIR": str(root / ".kata"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, str(script)], cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def reference_function(name: str, module: str = "arrays") -> str:
    source = (PROJECT_ROOT / "reference" / "chapter1" / f"{module}.py").read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return "\n".join(source.splitlines()[first - 1 : node.end_lineno])


def test_check_by_name_reports_a_stub_todo_without_running_tests(project):
    result = run_script(project, 'report = kata.check("chapter1.normalize")\nprint(report)\nprint(report.done)')
    assert result.returncode == 0, result.stderr
    assert "exercises/chapter1/arrays.py, fast tests" in result.stdout
    assert "  todo    chapter1.normalize  still the stub: write its body" in result.stdout
    assert result.stdout.rstrip().endswith("False")


def test_check_of_a_notebook_function_runs_its_tests_in_a_fresh_process(project):
    before = stub_source_of(project)
    code = reference_function("normalize") + "\n\nreport = kata.check(normalize)\nprint(report)\nprint(report.statuses)"
    result = run_script(project, code)
    assert result.returncode == 0, result.stderr
    assert "your normalize from this notebook, fast tests" in result.stdout
    assert "{'chapter1.normalize': 'done'}" in result.stdout
    assert "Slow tests (MNIST training, epoch times) were not run: slow=True runs them too." in result.stdout
    assert stub_source_of(project) == before, "checking a notebook function leaves the saved file alone"


def stub_source_of(root: Path) -> str:
    return (root / "exercises" / "chapter1" / "arrays.py").read_text()


WRONG = """
@contract(X=Array("(n_samples, n_features)"))
def normalize(X: NDArray[np.floating]) -> NDArray[np.floating]:
    return (X - X.mean()) / X.std()

report = kata.check(normalize)
print(report)
print("HTML:", report._repr_html_())
"""


def test_a_wrong_function_shows_the_first_failure_expected_vs_got_as_text_and_html(project):
    result = run_script(project, WRONG)
    assert result.returncode == 0, result.stderr
    text, _, page = result.stdout.partition("HTML:")
    assert "  wrong   chapter1.normalize  fails test_" in text
    assert "FAILED chapter1.normalize  test_" in text
    assert "  expected: [[" in text and "  got:      [[" in text
    assert "spec: normalize(X: NDArray[np.floating]) -> NDArray[np.floating]" in text
    assert "/kata-notebook-" not in result.stdout, "no paths of the temporary copy"
    assert "<table>" in page and "<th>expected</th>" in page and "<th>got</th>" in page
    assert 'color:#cf222e;font-weight:bold">wrong</span>' in page


HELPER = """
def normalize(X):
    return _scaled(X)


def _scaled(X):
    spread = np.ptp(X, axis=0) > 0
    centered = X - X.mean(axis=0)
    return np.divide(centered, X.std(axis=0), out=np.zeros_like(centered), where=spread)


print(kata.check(normalize, name="chapter1.normalize"))
"""


def test_helpers_the_function_calls_move_with_it(project):
    result = run_script(project, HELPER)
    assert result.returncode == 0, result.stderr
    assert "Also from here: _scaled." in result.stdout
    # No contract above this def, so the bad-input test fails: the notebook's code is what ran.
    assert "wrong   chapter1.normalize  fails test_rejects_non_matrices" in result.stdout


def test_a_stub_function_is_todo_and_a_lambda_is_refused(project):
    stub = stub_function(REFERENCE_NORMALIZE, "normalize")
    code = f"{stub}\n\nprint(kata.check(normalize))\ntry:\n    kata.check(lambda X: X, name='normalize')\n"
    code += "except ValueError as error:\n    print('refused:', error)\n"
    result = run_script(project, code)
    assert result.returncode == 0, result.stderr
    assert "todo    chapter1.normalize  still the stub" in result.stdout
    assert "refused: the source of '<lambda>' cannot be found" in result.stdout


def test_other_katas_of_the_chapter_defined_in_the_notebook_replace_the_saved_ones(project):
    # one_hot's tests need only one_hot; matrix_multiply_loops' tests compare it with matrix_multiply.
    code = (
        reference_function("matrix_multiply", "matrices")
        + "\n\n"
        + reference_function("matrix_multiply_loops", "matrices")
    )
    code += "\n\nprint(kata.check(matrix_multiply_loops))\nprint(kata.check('chapter1.matrix_multiply'))"
    result = run_script(project, code)
    assert result.returncode == 0, result.stderr
    assert "done    chapter1.matrix_multiply_loops" in result.stdout
    assert "Also from here: matrix_multiply." in result.stdout
    assert "todo    chapter1.matrix_multiply  still the stub" in result.stdout, "the saved file is still the stub"


def test_save_writes_the_function_into_exercises_and_status_sees_it(project):
    code = reference_function("normalize") + "\n\nprint('saved', kata.save(normalize))\n"
    code += (
        "import kata.cli\nreport = kata.status('chapter1')\nprint(report)\nprint(report.statuses['chapter1.normalize'])"
    )
    result = run_script(project, code)
    assert result.returncode == 0, result.stderr
    assert f"saved {project / 'exercises' / 'chapter1' / 'arrays.py'}" in result.stdout
    assert result.stdout.rstrip().endswith("done")
    assert "1 of 11 katas done." in result.stdout
    assert "Next: chapter1.matrix_multiply" in result.stdout
    assert list((project / ".kata" / "backups").glob("chapter1.normalize-*.py"))


def test_kata_status_is_callable_however_kata_status_was_imported():
    code = "import kata, kata.status, kata.cli\nfrom kata import status\n"
    code += "print(callable(kata.status), status is kata.status)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]


def test_import_kata_imports_nothing_heavy():
    code = "import sys, kata; print(sorted(m for m in ('numpy', 'pytest', 'kata.trees') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("message", "split"),
    [
        (
            "AssertionError: f(X): values differ in 1 of 2 elements (rtol=1e-06)\nexpected:\n[1. 2.]\ngot:\n[1. 3.]",
            ("f(X): values differ in 1 of 2 elements (rtol=1e-06)", "[1. 2.]", "[1. 3.]"),
        ),
        ("AssertionError: f(X): expected shape (2, 3), got shape (3, 2)", ("f(X):", "shape (2, 3)", "shape (3, 2)")),
        (
            "AssertionError: loss: expected 0.5, got 0.25 (rtol=1e-06, atol=1e-09)",
            ("loss: (rtol=1e-06, atol=1e-09)", "0.5", "0.25"),
        ),
        ("IndexError: index 99 is out of bounds", None),
    ],
)
def test_expected_and_got_are_read_from_the_failure_message(message, split):
    failure = notebook.Failure("chapter1.normalize", "test_x", message, "", ())
    assert failure.expected_got == split


def test_replace_functions_keeps_the_rest_of_the_module():
    source = 'import numpy as np\n\n\n@deco\ndef f(x):\n    """Doc."""\n    return x\n\n\ndef g():\n    return 1\n'
    result = notebook.replace_functions(source, {"f": "def f(x):\n    return 2 * x", "h": "def h():\n    pass"})
    assert result == (
        "import numpy as np\n\n\ndef f(x):\n    return 2 * x\n\n\ndef g():\n    return 1\n\n\ndef h():\n    pass\n"
    )


# --- The generated notebooks ------------------------------------------------------------------

nbformat = pytest.importorskip("nbformat")


@pytest.mark.parametrize("chapter", chapters())
def test_a_chapter_notebook_has_spec_code_and_check_per_kata(chapter):
    from kata.notebooks import chapter_notebook

    node = chapter_notebook(chapter, bodies="stubs")
    nbformat.validate(node)
    sources = [cell.source for cell in node.cells]
    setup = node.cells[1].source
    compile(setup, "setup", "exec")
    assert "import kata" in setup and "from .." not in setup and "from ." not in setup
    for kata in katas(chapter):
        stub = stub_function((PROJECT_ROOT / "reference" / chapter / f"{kata.module}.py").read_text(), kata.name)
        index = sources.index(stub)
        assert node.cells[index - 1].cell_type == "markdown" and f"`{kata.qualname}`" in sources[index - 1]
        assert sources[index + 1] == f"kata.check({kata.name})"
    assert sources[-1] == f'kata.status("{chapter}")'


def test_the_reference_variant_carries_the_private_helpers():
    from kata.notebooks import chapter_notebook

    cells = chapter_notebook("chapter4", bodies="reference").cells
    sources = [cell.source for cell in cells if cell.cell_type == "code"]
    conv = next(source for source in sources if "\ndef conv_forward(" in source)
    assert conv.startswith("def _") and "\ndef _output_size(" in "\n" + conv, "helpers first, then the kata"
    assert sum("\ndef _output_size(" in "\n" + source for source in sources) == 1, "each helper once"


def test_the_generator_keeps_a_notebook_that_exists(tmp_path):
    from kata.notebooks import main

    assert main(["chapter1", "--out", str(tmp_path)]) == 0
    path = tmp_path / "chapter1.ipynb"
    path.write_text(path.read_text().replace("raise NotImplementedError", "return 42  # mine"))
    assert main(["1", "--out", str(tmp_path)]) == 0
    assert "return 42  # mine" in path.read_text()
    assert main(["chapter1", "--out", str(tmp_path), "--force"]) == 0
    assert "return 42  # mine" not in path.read_text()


def test_names_the_notebook_imported_move_with_the_function(project):
    reference = (PROJECT_ROOT / "reference" / "chapter1" / "math_functions.py").read_text()
    stub = stub_function(reference, "sigmoid").replace('raise NotImplementedError("todo: sigmoid")', "return expit(Z)")
    code = "from scipy.special import expit\n\n" + stub + "\n\nprint(kata.check(sigmoid))"
    result = run_script(project, code)
    assert result.returncode == 0, result.stderr
    assert "done    chapter1.sigmoid" in result.stdout, result.stdout
