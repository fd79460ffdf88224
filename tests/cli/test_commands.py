"""The command line as a whole: names, suggestions, and no tracebacks for user mistakes."""

import subprocess
import sys

import pytest

from kata import cli
from kata.trees import find_kata, katas


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stauts"], "kata: no command 'stauts'; did you mean status?"),
        (["hnit", "normalize"], "kata: no command 'hnit'; did you mean hint?"),
        (["zzz"], "kata: no command 'zzz'; commands: status, check, hint, compare, train, data, reset, watch"),
    ],
)
def test_unknown_commands_get_suggestions(argv, message, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip() == message


def test_no_command_shows_the_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    assert "usage: kata" in capsys.readouterr().err


def test_names_of_chapters_and_katas():
    assert cli.resolve("1") == cli.resolve("chapter1") == katas("chapter1")
    assert cli.resolve("sigmoid") == cli.resolve("chapter1.sigmoid") == [find_kata("chapter1.sigmoid")]
    with pytest.raises(LookupError, match=r"did you mean chapter1\.sigmoid"):
        cli.resolve("chapter1.sigmod")
    with pytest.raises(LookupError, match="is a chapter"):
        cli.resolve_kata("1")


def test_the_installed_command_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kata", "--help"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0
    for command in ("status", "check", "hint", "compare", "train", "data", "reset", "watch"):
        assert f"kata {command}" in result.stdout


def test_options_after_a_double_dash_go_to_pytest(monkeypatch, capsys):
    seen = {}

    def run_tests(selected, **options):
        seen.update(options)
        return cli.runner.TestRun()

    monkeypatch.setattr(cli.runner, "run_tests", run_tests)
    monkeypatch.setattr(cli.status, "written_state", lambda kata: "written")
    cli.main(["check", "chapter1.sigmoid", "--fast", "--", "-x", "-k", "hand"])
    assert seen["extra"] == ["-x", "-k", "hand"] and seen["slow"] is False
    assert cli.main(["status", "--", "-x"]) == 2
    assert "only kata check passes options after --" in capsys.readouterr().err
