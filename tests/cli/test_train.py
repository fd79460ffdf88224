"""``kata train``: the training loop, its run folder, its pictures' data, resuming, and bad input."""

import importlib
import json

import numpy as np
import pytest

from kata import cli, data, plots
from kata import train as training
from kata.testing import correlate2d_valid
from kata.trees import PROJECT_ROOT, find_kata


def synthetic(n_train=240, n_test=60, flat=False, seed=0):
    """28x28 images of 10 classes, each a bright bar at its own place on faint noise."""
    rng = np.random.default_rng(seed)
    splits = []
    for n in (n_train, n_test):
        y = rng.integers(0, 10, n)
        X = (0.2 * rng.random((n, 28, 28))).astype(np.float32)
        for image, label in zip(X, y, strict=True):
            row, col = divmod(int(label), 5)
            image[3 + 12 * row : 13 + 12 * row, 2 + 5 * col : 5 + 5 * col] += 0.8
        splits.append((X.reshape(n, 784) if flat else X.reshape(n, 28, 28, 1), y))
    (X_train, y_train), (X_test, y_test) = splits
    return data.Dataset(X_train, y_train, X_test, y_test)


def reference_run(net, tmp_path, **settings):
    config = training.Config(net=net, impl="reference", **settings)
    return training.new_run(config, tmp_path / "runs")


@pytest.fixture
def learner(monkeypatch):
    """Give the learner's tree the reference's katas, except the ones named as stubs."""

    def write(*stubs):
        network_katas = {name for network in training.NETWORKS.values() for name in network.every_kata}
        for name in network_katas:
            kata = find_kata(name)
            package = importlib.import_module(f"exercises.{kata.chapter}")
            function = kata.function("reference")
            if name in stubs:
                namespace = {"__name__": f"exercises.{kata.chapter}.{kata.module}"}
                exec(f"def {kata.name}(*args, **kwargs):\n    raise NotImplementedError('todo')", namespace)
                function = namespace[kata.name]
            monkeypatch.setattr(package, kata.name, function)

    return write


def test_a_stub_stops_the_run_before_it_starts(learner, tmp_path):
    learner("chapter3.backward_mlp", "chapter4.accuracy")
    run = training.new_run(training.Config(net="mlp"), tmp_path)
    dataset = synthetic(flat=True)
    with pytest.raises(training.TrainingError) as error:
        training.check_katas(run, dataset.X_train, dataset.y_train)
    assert str(error.value) == (
        "todo: exercises.chapter3.backprop.backward_mlp - implement it first (kata check chapter3.backward_mlp)"
    )
    assert not run.folder.exists()


def test_a_gradient_of_the_wrong_shape_is_named(learner, tmp_path, monkeypatch):
    learner()
    import exercises.chapter4

    backward = exercises.chapter4.backward_cnn
    monkeypatch.setattr(exercises.chapter4, "backward_cnn", lambda *args: {**backward(*args), "K": np.zeros((3, 3, 8))})
    run = training.new_run(training.Config(net="cnn"), tmp_path)
    dataset = synthetic()
    with pytest.raises(training.TrainingError, match=r"the gradient of K has shape \(3, 3, 8\), K has \(3, 3, 1, 8\)"):
        training.check_katas(run, dataset.X_train, dataset.y_train)


def test_an_exception_in_the_learners_code_says_where(learner, tmp_path, monkeypatch):
    learner()
    import exercises.chapter3

    source = "def forward_mlp(X, W1, b1, W2, b2):\n    return X[0, 999]\n"
    namespace = {"__name__": "exercises.chapter3.mlp"}
    exec(compile(source, str(PROJECT_ROOT / "exercises" / "chapter3" / "mlp.py"), "exec"), namespace)
    monkeypatch.setattr(exercises.chapter3, "forward_mlp", namespace["forward_mlp"])
    run = training.new_run(training.Config(net="mlp"), tmp_path)
    dataset = synthetic(flat=True)
    with pytest.raises(training.TrainingError) as error:
        training.check_katas(run, dataset.X_train, dataset.y_train)
    assert str(error.value).startswith("IndexError: index 999 is out of bounds")
    assert "at exercises/chapter3/mlp.py:2" in str(error.value)


def test_the_cnn_learns_and_the_folder_holds_everything(tmp_path):
    dataset = synthetic()
    run = reference_run("cnn", tmp_path, lr=0.05, batch_size=24)
    lines = []
    training.train(run, dataset, 2, progress=False, report=lines.append)
    assert [line.split()[:2] for line in lines] == [["epoch", "1"], ["epoch", "2"]]
    assert run.epochs[-1]["test_accuracy"] >= 0.9, lines
    files = {path.name for path in run.folder.iterdir()}
    assert files == {"metrics.json", "params.npz", "momentum.npz", "loss.png", "accuracy.png", "confusion.png",
                     "filters.png"}  # fmt: skip
    metrics = json.loads((run.folder / "metrics.json").read_text())
    assert metrics["config"] == {"net": "cnn", "impl": "reference", "dataset": "mnist", "seed": 0, "lr": 0.05,
                                 "momentum": 0.9, "batch_size": 24, "limit": None}  # fmt: skip
    assert [record["epoch"] for record in metrics["epochs"]] == [1, 2]
    assert set(metrics["epochs"][0]) == {"epoch", "loss", "train_accuracy", "test_accuracy", "seconds"}
    steps = metrics["steps"]
    assert len(steps["epoch"]) == len(steps["loss"]) == len(steps["accuracy"]) == 2, "10 batches: one point each"
    assert steps["epoch"] == [1.0, 2.0]
    confusion = np.array(metrics["confusion_matrix"])
    assert confusion.shape == (10, 10) and confusion.sum() == 60
    assert np.trace(confusion) / 60 == pytest.approx(metrics["epochs"][-1]["test_accuracy"])
    with np.load(run.folder / "params.npz", allow_pickle=False) as saved:
        assert set(saved.files) == {"K", "bK", "W", "b"}
        np.testing.assert_array_equal(saved["K"], run.params["K"])
        assert saved["K"].dtype == np.float32


def test_a_resumed_run_continues_exactly_where_it_stopped(tmp_path):
    dataset = synthetic(flat=True, n_train=128, n_test=20)
    in_memory = reference_run("mlp", tmp_path / "a", batch_size=32)
    training.train(in_memory, dataset, 1, progress=False, report=lambda line: None)
    stopped = reference_run("mlp", tmp_path / "b", batch_size=32)
    training.train(stopped, dataset, 1, progress=False, report=lambda line: None)
    resumed = training.load_run(stopped.folder)
    assert resumed.config == stopped.config and resumed.epochs == stopped.epochs
    assert resumed.rng.bit_generator.state == stopped.rng.bit_generator.state
    for run in (in_memory, resumed):
        training.train(run, dataset, 1, progress=False, report=lambda line: None)
    for name, value in in_memory.params.items():
        np.testing.assert_array_equal(resumed.params[name], value, err_msg=name)
        np.testing.assert_array_equal(resumed.velocities[name], in_memory.velocities[name], err_msg=name)
    assert [record["epoch"] for record in resumed.epochs] == [1, 2]
    assert training.latest_run("mlp", tmp_path / "b" / "runs") == stopped.folder


def test_the_pictures_show_the_run(tmp_path):
    dataset = synthetic(flat=True, n_train=160, n_test=40)
    run = reference_run("mlp", tmp_path, batch_size=8)
    training.train(run, dataset, 1, progress=False, report=lambda line: None)
    loss = plots.loss_figure(run.steps, run.epochs, "t").axes[0]
    np.testing.assert_allclose(loss.lines[0].get_ydata(), run.steps["loss"])
    np.testing.assert_allclose(loss.lines[1].get_ydata(), [run.epochs[0]["loss"]])
    accuracy = plots.accuracy_figure(run.steps, run.epochs, "t").axes[0]
    np.testing.assert_allclose(accuracy.lines[0].get_ydata(), 100 * np.array(run.steps["accuracy"]))
    np.testing.assert_allclose(accuracy.lines[1].get_ydata(), [100 * run.epochs[0]["test_accuracy"]])
    matrix = np.array(run.confusion)
    image = plots.confusion_figure(matrix, [str(d) for d in range(10)], "t").axes[0].images[0].get_array()
    rows = matrix.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(image, 100 * matrix / np.maximum(rows, 1))
    weights = plots.weights_figure(training.first_layer_images(run.params["W1"]), "t").axes[0].images[0].get_array()
    assert weights.shape == (4 * 29 - 1, 8 * 29 - 1), "32 units in 4 rows of 8, one pixel apart"
    unit = run.params["W1"][:, 13].reshape(28, 28)  # row 1, column 5
    np.testing.assert_allclose(weights[29:57, 145:173], unit / np.abs(unit).max(), rtol=1e-6)


def test_filters_and_feature_maps_are_cross_correlations():
    rng = np.random.default_rng(0)
    params = {"K": rng.normal(size=(3, 3, 1, 4)).astype(np.float32), "bK": np.array([0.0, 0.1, -0.2, 0.3], np.float32)}
    image = rng.random((28, 28, 1), dtype=np.float32)
    filters, maps = training.filters_and_maps(params, image)
    assert filters.shape == (4, 3, 3) and maps.shape == (4, 26, 26)
    for f in range(4):
        expected = correlate2d_valid(image[..., 0], params["K"][:, :, 0, f]) + params["bK"][f]
        np.testing.assert_allclose(maps[f], np.maximum(expected, 0), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(filters[f], params["K"][:, :, 0, f])


def test_the_command_trains_and_names_the_pictures(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(training, "load_data", lambda config: synthetic(flat=config.net != "cnn"))
    argv = ["train", "cnn", "--impl", "reference", "--runs", str(tmp_path), "--lr", "0.05", "--batch-size", "16"]
    assert cli.main(argv) == 0
    output = capsys.readouterr().out
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith("cnn-mnist-")
    assert "Training cnn (CNN conv 8x3x3" in output and "240 training and 60 test images" in output
    assert "lr 0.05, momentum 0.9, batch size 16, seed 0, float32" in output
    assert "epoch 1  loss " in output and " test " in output
    assert f"Pictures in {folder}/: accuracy.png, confusion.png, filters.png, loss.png" in output
    assert cli.main(["train", "cnn", "--runs", str(tmp_path), "--resume", "--epochs", "1"]) == 0
    output = capsys.readouterr().out
    assert "(resuming after epoch 1)" in output and "epoch 2  loss " in output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--resume"], "no run of cnn to resume in"),
        (["--resume", "--lr", "0.1"], "a resumed run keeps its settings; leave out --lr"),
        (["--limit", "0"], "--limit must be at least 1"),
        (["--momentum", "1"], "--momentum must be in [0, 1); got 1.0"),
        (["--momentum", "nan"], "--momentum must be in [0, 1); got nan"),
        (["--epochs", "0"], "--epochs must be at least 1; got 0"),
        (["--resume", "."], "is not a run folder to resume: it has no metrics.json, params.npz, momentum.npz"),
        (["--lr", "0"], "--lr must be a positive number; got 0.0"),
        (["--lr", "nan"], "--lr must be a positive number; got nan"),
        (["--lr", "-0.1"], "--lr must be a positive number; got -0.1"),
        (["--batch-size", "0"], "--batch-size must be at least 1; got 0"),
        (["--seed", "-1"], "--seed must be 0 or more; got -1"),
        (["--threads", "-2"], "--threads must be 0 (BLAS's own choice) or more; got -2"),
    ],
)
def test_bad_settings_are_one_line_before_any_work(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(training, "load_data", lambda config: pytest.fail("loaded the data before checking"))
    assert cli.main(["train", "cnn", "--runs", str(tmp_path), *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == "", "nothing printed before the options are checked"


def test_a_runs_path_that_is_a_file_is_refused_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(training, "load_data", lambda config: pytest.fail("loaded the data before checking"))
    (tmp_path / "file").write_text("")
    assert cli.main(["train", "mlp", "--impl", "reference", "--runs", str(tmp_path / "file")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"kata: --runs {tmp_path / 'file'} is a file, not a folder")
    assert len(captured.err.strip().splitlines()) == 1
    assert cli.main(["train", "mlp", "--impl", "reference", "--runs", str(tmp_path / "file" / "below")]) == 2
    assert "cannot write in" in capsys.readouterr().err


def test_a_value_given_is_never_replaced_and_blas_is_pinned(tmp_path, monkeypatch, capsys):
    from threadpoolctl import threadpool_info

    monkeypatch.setattr(training, "load_data", lambda config: synthetic(flat=True, n_train=64, n_test=16))
    seen = {}
    train = training.train

    def spy(run, dataset, epochs, **options):
        seen["config"] = run.config
        seen["threads"] = {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}
        return train(run, dataset, epochs, **options)

    monkeypatch.setattr(training, "train", spy)
    argv = ["train", "mlp", "--impl", "reference", "--runs", str(tmp_path), "--momentum", "0", "--batch-size", "7"]
    assert cli.main(argv) == 0
    assert seen["config"].momentum == 0.0 and seen["config"].batch_size == 7
    assert seen["threads"] <= {1}, "BLAS is pinned to one thread, as in the tests"
    assert "batch size 7" in capsys.readouterr().out


def test_the_mlp_needs_nothing_beyond_chapter_3(learner, tmp_path, monkeypatch, capsys):
    learner("chapter4.momentum_update", "chapter4.accuracy")
    monkeypatch.setattr(training, "load_data", lambda config: synthetic(flat=True, n_train=64, n_test=16))
    assert cli.main(["train", "mlp", "--runs", str(tmp_path), "--momentum", "0"]) == 0, capsys.readouterr().err
    assert "epoch 1  loss " in capsys.readouterr().out
    assert cli.main(["train", "deep-mlp", "--runs", str(tmp_path)]) == 1
    assert "todo: exercises.chapter4.momentum.momentum_update" in capsys.readouterr().err


def test_a_diverging_loss_stops_the_run(learner, tmp_path, monkeypatch, capsys):
    learner()
    import exercises.chapter3

    def exploding_backward(*args):
        return tuple(grad * np.float32(1e30) for grad in find_kata("backward_mlp").function("reference")(*args))

    monkeypatch.setattr(exercises.chapter3, "backward_mlp", exploding_backward)
    monkeypatch.setattr(training, "load_data", lambda config: synthetic(flat=True))
    with np.errstate(all="ignore"):
        assert cli.main(["train", "mlp", "--runs", str(tmp_path), "--batch-size", "16"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("kata: the loss became nan in epoch 1, batch ")
    assert "try a smaller --lr (now 0.1), and check the backward pass (kata check chapter3.backward_mlp)" in error


def test_unknown_network(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "rnn"])
    assert "invalid choice: 'rnn'" in capsys.readouterr().err


@pytest.mark.slow
def test_the_reference_cnn_reaches_96_5_percent_on_mnist_in_one_epoch(tmp_path, mnist):
    dataset = data.Dataset(mnist.X_train.reshape(-1, 28, 28, 1), mnist.y_train, mnist.X_test.reshape(-1, 28, 28, 1),
                           mnist.y_test)  # fmt: skip
    run = reference_run("cnn", tmp_path)
    training.train(run, dataset, 1, progress=False, report=print)
    assert run.epochs[0]["test_accuracy"] >= 0.965
    assert {"loss.png", "accuracy.png", "confusion.png", "filters.png"} <= {p.name for p in run.folder.iterdir()}
