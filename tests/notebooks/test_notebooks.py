"""Every chapter's generated notebook runs in a real kernel (nbclient + ipykernel):

* with the stubs in its code cells, every check reports todo and no cell raises;
* with the reference's bodies in its code cells, every check reports done.

Each runs in a copy of the project whose ``exercises/`` are the stubs, so the
notebook's own cells are what the checks see; in the reference run the earlier
chapters' ``exercises/`` are solved, as a learner's would be. The checks run the
katas' fast tests (``-m "not slow"``), as ``kata.check`` does by default.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from kata import notebook, notebooks, stubs
from kata.trees import PROJECT_ROOT, chapters, katas

nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROW = re.compile(r"^  (done|todo|wrong|skipped) +(chapter\d+\.\w+)", re.MULTILINE)
TIMEOUT = 900  # seconds per cell; a chapter 4 training loop's fast tests take about a minute


def project_copy(root: Path, solved: set[str]) -> Path:
    """A copy of the project whose exercises are the stubs, but those of ``solved`` chapters."""
    notebook.copy_project(root)
    for relative, text in stubs.expected_exercises().items():
        (root / "exercises" / relative).write_text(text)
    for chapter in solved:
        for path in (PROJECT_ROOT / "reference" / chapter).glob("*.py"):
            shutil.copy(path, root / "exercises" / chapter / path.name)
    return root


def execute(chapter: str, bodies: str, root: Path) -> list[dict[str, object]]:
    """Run the chapter's notebook (code cells from ``bodies``) in the project copy; its code cells."""
    node = notebooks.chapter_notebook(chapter, bodies=bodies)
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "KATA_STATE_DIR": str(root / ".kata"),
        "KATA_DATA_DIR": os.environ.get("KATA_DATA_DIR") or str(PROJECT_ROOT / "data_cache"),
        "MPLBACKEND": "Agg",
    }
    client = nbclient.NotebookClient(node, timeout=TIMEOUT, kernel_name="python3", allow_errors=True)
    client.execute(cwd=str(root / "exercises" / chapter), env=env)
    return [cell for cell in node.cells if cell.cell_type == "code"]


def errors(cells: list[dict[str, object]]) -> list[str]:
    found = []
    for cell in cells:
        for output in cell["outputs"]:  # type: ignore[attr-defined]
            if output["output_type"] == "error":
                found.append(f"{cell['source'][:80]!r}: {output['ename']}: {output['evalue']}")  # type: ignore[index]
    return found


def check_statuses(cells: list[dict[str, object]]) -> dict[str, str]:
    """Each kata's status, read from the text of its check cell's result."""
    found: dict[str, str] = {}
    for cell in cells:
        if not str(cell["source"]).startswith("kata.check("):
            continue
        for output in cell["outputs"]:  # type: ignore[attr-defined]
            text = output.get("data", {}).get("text/plain", "")
            assert "text/html" in output.get("data", {}) or not text, "a check shows as HTML in a notebook"
            found.update((name, status) for status, name in ROW.findall(text))
    return found


@pytest.mark.parametrize("chapter", chapters())
def test_the_stubs_notebook_reports_every_kata_todo(chapter, tmp_path):
    cells = execute(chapter, "stubs", project_copy(tmp_path / "project", set()))
    assert not errors(cells)
    expected = {kata.qualname: "todo" for kata in katas(chapter)}
    assert check_statuses(cells) == expected


@pytest.mark.parametrize("chapter", chapters())
def test_the_reference_notebook_reports_every_kata_done(chapter, tmp_path):
    earlier = {name for name in chapters() if int(name[7:]) < int(chapter[7:])}
    cells = execute(chapter, "reference", project_copy(tmp_path / "project", earlier))
    assert not errors(cells)
    statuses = check_statuses(cells)
    outputs = {
        str(cell["source"]): "".join(o.get("data", {}).get("text/plain", "") for o in cell["outputs"])  # type: ignore[attr-defined]
        for cell in cells
        if str(cell["source"]).startswith("kata.check(")
    }
    not_done = {name: status for name, status in statuses.items() if status != "done"}
    details = "\n\n".join(text for text in outputs.values() if re.search(r"^  (todo|wrong|skipped) ", text, re.M))
    assert not not_done, details
    assert set(statuses) == {kata.qualname for kata in katas(chapter)}
