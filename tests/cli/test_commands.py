"""The command line as a whole: names, suggestions, and no tracebacks for user mistakes."""

import re
import subprocess
import sys

import pytest

from kata import cli
from kata.trees import PROJECT_ROOT, find_kata, katas


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stauts"], "kata: no command 'stauts'; did you mean status?"),
        (["hnit", "normalize"], "kata: no command 'hnit'; did you mean hint?"),
    ],
)
def test_unknown_commands_get_suggestions(argv, message, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip() == message


def test_an_unknown_command_without_a_close_one_lists_them_all(capsys):
    assert cli.main(["zzz"]) == 2
    listed = capsys.readouterr().err.strip().removeprefix("kata: no command 'zzz'; commands: ").split(", ")
    assert listed[:8] == ["status", "check", "hint", "compare", "train", "data", "reset", "watch"]
    assert listed == list(cli._subcommands(cli.build_parser()))


def test_version_and_help_read_as_plain_text(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert re.fullmatch(r"kata \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    shown = capsys.readouterr().out
    assert "kata: the learner's command line." in shown
    assert "``" not in shown and ":func:" not in shown, "no reST markup"


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


def test_nox_names_a_chapter_that_does_not_exist():
    result = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "chapter9"], capture_output=True, text=True, cwd=PROJECT_ROOT, check=False
    )
    assert result.returncode != 0
    assert "chapter 9 does not exist yet: there is no reference/chapter9/ with tests" in result.stdout + result.stderr
    listed = subprocess.run([sys.executable, "-m", "nox", "-l"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert "chapter1" in listed.stdout and "chapter9" not in listed.stdout
