"""``kata data download|verify|where`` on a tiny made-up dataset served by a mirror folder."""

import gzip

import numpy as np
import pytest

from kata import cli, data


def idx_bytes(array):
    """An IDX file: two zero bytes, the unsigned-byte type 0x08, the rank, the sizes, the data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A dataset "tiny" whose files are only in a mirror folder; the cache starts empty."""
    rng = np.random.default_rng(0)
    payloads = {
        "train-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (6, 28, 28))),
        "train-labels-idx1-ubyte": idx_bytes(rng.integers(0, 10, 6)),
        "t10k-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (2, 28, 28))),
        "t10k-labels-idx1-ubyte": idx_bytes(rng.integers(0, 10, 2)),
    }
    mirror = tmp_path / "mirror"
    (mirror / "tiny").mkdir(parents=True)
    for name, payload in payloads.items():
        (mirror / "tiny" / f"{name}.gz").write_bytes(gzip.compress(payload))
    spec = data.DatasetSpec(
        name="tiny",
        title="Tiny",
        mirrors=(),
        sha256={name: data.sha256_hex(payload) for name, payload in payloads.items()},
        class_names=tuple("0123456789"),
    )
    monkeypatch.setattr(data, "DATASETS", {"tiny": spec})
    monkeypatch.setenv("KATA_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KATA_DATA_MIRROR", str(mirror))
    return tmp_path


def test_where_names_the_cache_and_the_mirror(tiny, capsys):
    assert cli.main(["data", "where"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"cache:  {tiny / 'cache'}  (KATA_DATA_DIR)",
        f"mirror: {tiny / 'mirror'}",
        f"  tiny: {tiny / 'cache' / 'tiny'}",
    ]


def test_verify_then_download_then_verify(tiny, capsys):
    assert cli.main(["data", "verify"]) == 1
    output = capsys.readouterr().out
    assert output.count("  missing  tiny/") == 4 and "kata data download fetches what is missing or corrupt." in output
    assert cli.main(["data", "download"]) == 0
    assert capsys.readouterr().out.strip() == f"tiny: 4 files ok in {tiny / 'cache' / 'tiny'}"
    assert cli.main(["data", "verify", "--dataset", "tiny"]) == 0
    assert capsys.readouterr().out.count("  ok ") == 4


def test_a_corrupt_file_is_reported_and_fetched_again(tiny, capsys):
    cli.main(["data", "download"])
    labels = tiny / "cache" / "tiny" / "train-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:-1])
    capsys.readouterr()
    assert cli.main(["data", "verify"]) == 1
    assert "  corrupt  tiny/train-labels-idx1-ubyte" in capsys.readouterr().out
    assert cli.main(["data", "download"]) == 0
    assert data.verify("tiny") == dict.fromkeys(data.FILES, "ok")


def test_unavailable_data_is_one_message_not_a_traceback(tiny, monkeypatch, capsys):
    (tiny / "empty" / "tiny").mkdir(parents=True)
    monkeypatch.setenv("KATA_DATA_MIRROR", str(tiny / "empty"))
    assert cli.main(["data", "download"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kata: Tiny is not available: 4 file(s) missing")
    assert "KATA_DATA_MIRROR" in error and "Traceback" not in error


def test_a_mirror_folder_that_does_not_exist_is_named(tiny, monkeypatch, capsys):
    monkeypatch.setenv("KATA_DATA_MIRROR", str(tiny / "nowhere"))
    assert cli.main(["data", "download"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kata: KATA_DATA_MIRROR is set to {tiny / 'nowhere'}, which is not a folder here")
    assert len(error.strip().splitlines()) == 1


def test_an_unwritable_cache_is_named_with_the_fix(tiny, monkeypatch, capsys):
    (tiny / "a-file").write_text("")
    monkeypatch.setenv("KATA_DATA_DIR", str(tiny / "a-file"))
    assert cli.main(["data", "download"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kata: Cannot save Tiny in the data cache {tiny / 'a-file' / 'tiny'}")
    assert "KATA_DATA_DIR" in error and "Traceback" not in error


def test_a_dataset_named_without_the_option_points_to_it(tiny, capsys):
    assert cli.main(["data", "download", "tiny"]) == 2
    assert capsys.readouterr().err.strip() == "kata: name the dataset with --dataset: kata data download --dataset tiny"


def test_an_unknown_dataset_or_action_is_a_usage_error(tiny, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["data", "fetch"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'fetch'" in capsys.readouterr().err
