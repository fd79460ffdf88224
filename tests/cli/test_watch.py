"""``kata watch``: noticing saved files and re-running."""

import os

from kata import cli, watch


def touch(path, text):
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later save, whatever the clock


def test_snapshot_and_changes(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    module = tmp_path / "pkg" / "module.py"
    module.write_text("x = 1\n")
    (tmp_path / "pkg" / "__pycache__" / "module.cpython-311.pyc").write_text("")
    (tmp_path / "notes.txt").write_text("")
    before = watch.snapshot(tmp_path)
    assert list(before) == [module]
    touch(module, "x = 2\n")
    added = tmp_path / "pkg" / "other.py"
    added.write_text("")
    assert watch.changed(before, watch.snapshot(tmp_path)) == [module, added]
    assert watch.changed(before, before) == []


def test_watch_runs_once_then_after_each_settled_change(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("a")
    saves = iter(["bb", None, "ccc", "dddd", None, None])  # one save, then two saves in a row
    runs = []

    def sleep(seconds):
        text = next(saves)
        if text is not None:
            touch(module, text)

    count = watch.watch(tmp_path, runs.append, interval=0.0, max_runs=3, sleep=sleep)
    assert count == 3
    assert runs == [[], [module], [module]], "two quick saves give one run"


def test_watch_command_checks_the_target_and_stops(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(cli, "cmd_check", lambda args: seen.append(args.target) or 0)
    assert cli.main(["watch", "chapter1", "--max-runs", "1"]) == 0
    assert seen == ["chapter1"]
    assert "Watching exercises/ for changes (Ctrl-C to stop)" in capsys.readouterr().out


def test_ctrl_c_stops_cleanly(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "watch", interrupted)
    assert cli.main(["watch"]) == 0
    assert "Stopped watching." in capsys.readouterr().out


def test_watch_rejects_a_bad_name_at_once(capsys):
    assert cli.main(["watch", "chapter01"]) == 2
    assert "did you mean chapter1" in capsys.readouterr().err
