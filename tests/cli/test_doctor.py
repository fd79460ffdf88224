"""``kata doctor``: Python, NumPy, BLAS threads, data, exercises/ and a short calibration, each problem with its fix."""

from __future__ import annotations

import re

from kata import cli, doctor


def test_doctor_reports_every_topic_and_exits_0_on_a_working_setup(project, run_kata, tmp_path):
    result = run_kata(project, "doctor", env={"KATA_DATA_DIR": str(tmp_path / "no-data")})
    output = result.stdout
    assert result.returncode == 0, output + result.stderr
    for topic in ("Python", "NumPy", "packages", "BLAS", "threads", "MNIST", "Fashion-MNIST", "exercises/"):
        assert re.search(rf"^  (ok|warn)  +{re.escape(topic)} ", output, re.MULTILINE), (topic, output)
    assert re.search(
        r"^  (ok|warn)  +calibration +float32 \(512, 512\) @ \(512, 512\), one BLAS thread: ", output, re.M
    )
    assert "exercises/     chapter1 import" in output
    assert "MNIST          not downloaded (all 4 files missing) in " in output
    assert "no-data/mnist: the tests that need it are skipped" in output
    assert "  MNIST: kata data download --dataset mnist" in output, "each problem with the command that fixes it"


def test_exercises_that_do_not_import_fail_with_the_line_and_the_fix(project, run_kata):
    path = project / "exercises" / "chapter1" / "arrays.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")
    result = run_kata(project, "doctor", "--no-calibration")
    assert result.returncode == 1
    assert "fail  exercises/" in result.stdout and "chapter1 does not import: SyntaxError" in result.stdout
    assert "exercises/chapter1/arrays.py" in result.stdout
    assert "kata reset <kata> puts a stub back" in result.stdout
    assert "calibration" not in result.stdout


def test_more_blas_threads_than_cores_is_a_problem_with_its_fix(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "8")
    pools = [{"internal_api": "openblas", "version": "0.3.31", "num_threads": 8, "user_api": "blas"}]
    findings = doctor.check_threads(pools, cores=2, load=0.5)
    (threads,) = (finding for finding in findings if finding.topic == "threads")
    assert threads.verdict == "warn"
    assert (
        threads.text
        == "BLAS uses 8 threads (set by OPENBLAS_NUM_THREADS=8) on 2 usable cores: they fight for the cores"
    )
    assert threads.fix == "export OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2"
    busy = doctor.check_threads(pools[:1], cores=8, load=12.0)
    assert [finding.verdict for finding in busy if finding.topic == "load"] == ["warn"]


def test_a_slow_machine_is_named_with_kata_doctor():
    assert doctor.slow_machine_note("cnn_epoch", doctor.EXPECTED_CNN_EPOCH_S * 2) == ""
    note = doctor.slow_machine_note("mlp_epoch", doctor.EXPECTED_MLP_EPOCH_S * 10)
    assert note.startswith(" This machine is slow: the reference's own work took 10x as long as on the course's")
    assert note.endswith("`kata doctor` shows why (BLAS threads, a busy CPU) and how to fix it.")
    assert doctor.machine_note() in ("", doctor.slow_machine_note("cnn_step", 1.0).strip())


def test_the_report_lists_each_problem_with_its_fix():
    findings = [
        doctor.Finding("ok", "Python", "3.11.7"),
        doctor.Finding("warn", "MNIST", "missing", "kata data download --dataset mnist"),
    ]
    text = doctor.report(findings)
    assert "  ok    Python  3.11.7" in text and "  warn  MNIST   missing" in text
    assert text.endswith("1 problem, and what fixes it:\n  MNIST: kata data download --dataset mnist")


def test_doctor_is_a_kata_command(capsys):
    assert cli.main(["doctor", "--no-calibration"]) in (0, 1)
    assert "kata doctor: " in capsys.readouterr().out


def test_the_calibration_times_a_matrix_product_and_a_reference_cnn_step():
    gemm, step = doctor.check_speed(rounds=1)
    assert re.fullmatch(r"float32 \(512, 512\) @ \(512, 512\), one BLAS thread: \d+ GFLOP/s \(.*\)", gemm.text)
    assert re.match(
        r"one reference CNN step \(batch 64\), one BLAS thread: [\d.]+ ms, so an epoch takes about", step.text
    )
    assert {gemm.verdict, step.verdict} <= {"ok", "warn"}
