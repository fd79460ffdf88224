"""4.5 The capstone: training curves, learned filters, and the CNN trained on all of MNIST."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

from kata import training_cache
from kata.testing import assert_close, rejects

HISTORY = [
    {"loss": 0.30, "train_accuracy": 0.91, "test_accuracy": 0.95, "seconds": 5.0},
    {"loss": 0.12, "train_accuracy": 0.96, "test_accuracy": 0.97, "seconds": 5.1},
    {"loss": 0.08, "train_accuracy": 0.98, "test_accuracy": 0.98, "seconds": 5.2},
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def line_data(axes):
    return [(np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)) for line in axes.get_lines()]


def assert_png(path, what):
    assert path.exists(), f"{what}: no file at {path}"
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{what}: {path} is not a PNG file"
    assert imread(path).ndim == 3, f"{what}: {path} is not an image"


# --- plot_training_curves -------------------------------------------------------------


@pytest.mark.kata("chapter4.plot_training_curves")
def test_curves_plot_the_history(impl, tmp_path):
    path = tmp_path / "curves.png"
    fig = impl.chapter4.plot_training_curves(HISTORY, path)
    assert isinstance(fig, Figure), f"plot_training_curves must return the matplotlib Figure; got {type(fig)}"
    assert len(fig.axes) == 2, f"expected two axes (loss, accuracy); got {len(fig.axes)}"
    epochs = np.array([1.0, 2.0, 3.0])
    ((x, loss),) = line_data(fig.axes[0])
    assert_close(x, epochs, what="x of the loss curve: epochs 1, 2, 3")
    assert_close(loss, np.array([0.30, 0.12, 0.08]), what="the loss curve")
    lines = line_data(fig.axes[1])
    assert len(lines) == 2, f"the accuracy axes should hold the train and the test curve; got {len(lines)} lines"
    assert_close(lines[0][0], epochs, what="x of the train accuracy curve")
    assert_close(lines[0][1], np.array([0.91, 0.96, 0.98]), what="the first accuracy curve: train accuracy")
    assert_close(lines[1][1], np.array([0.95, 0.97, 0.98]), what="the second accuracy curve: test accuracy")
    assert_png(path, "plot_training_curves")


@pytest.mark.kata("chapter4.plot_training_curves")
def test_curves_have_labels_titles_and_axis_labels(impl):
    fig = impl.chapter4.plot_training_curves(HISTORY)
    for index, axes in enumerate(fig.axes):
        assert axes.get_title(), f"axes {index} needs a title"
        assert axes.get_xlabel() and axes.get_ylabel(), f"axes {index} needs an x and a y label"
        for line in axes.get_lines():
            assert line.get_label() and not line.get_label().startswith("_"), (
                f"every line needs a label for the legend; axes {index} has one labelled {line.get_label()!r}"
            )


@pytest.mark.kata("chapter4.plot_training_curves")
def test_curves_without_a_test_set_and_without_a_file(impl, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    history = [{key: value for key, value in record.items() if key != "test_accuracy"} for record in HISTORY]
    fig = impl.chapter4.plot_training_curves(history)
    assert len(line_data(fig.axes[1])) == 1, "without test accuracies only the train curve is drawn"
    assert list(tmp_path.iterdir()) == [], "with path=None nothing is written"


@pytest.mark.kata("chapter4.plot_training_curves")
def test_curves_reject_an_empty_history(impl):
    with rejects("history"):
        impl.chapter4.plot_training_curves([])
    with rejects("history"):
        impl.chapter4.plot_training_curves([{"loss": 0.3}])


# --- plot_filters ---------------------------------------------------------------------


@pytest.mark.kata("chapter4.plot_filters")
def test_filters_show_every_kernel(impl, tmp_path):
    K = np.random.default_rng(0).standard_normal((3, 3, 1, 8)).astype(np.float32)
    path = tmp_path / "filters.png"
    fig = impl.chapter4.plot_filters(K, path)
    assert isinstance(fig, Figure), f"plot_filters must return the matplotlib Figure; got {type(fig)}"
    assert len(fig.axes) == 8, f"expected one axes per filter (8); got {len(fig.axes)}"
    for index, axes in enumerate(fig.axes):
        assert len(axes.get_images()) == 1, f"axes {index} should show one image"
        shown = np.asarray(axes.get_images()[0].get_array())
        assert_close(
            shown, K[:, :, 0, index], what=f"the image of filter {index} (K[:, :, 0, {index}], not transposed)"
        )
    assert_png(path, "plot_filters")


@pytest.mark.kata("chapter4.plot_filters")
def test_filters_are_gray_titled_without_ticks_or_interpolation(impl):
    fig = impl.chapter4.plot_filters(np.random.default_rng(1).standard_normal((3, 3, 1, 4)))
    for index, axes in enumerate(fig.axes):
        (image,) = axes.get_images()
        assert image.get_cmap().name == "gray", f"filter {index}: the gray colormap; got {image.get_cmap().name!r}"
        assert image.get_interpolation() in ("nearest", "none"), (
            f"filter {index}: no interpolation (interpolation='nearest'); got {image.get_interpolation()!r}"
        )
        assert len(axes.get_xticks()) == 0 and len(axes.get_yticks()) == 0, f"filter {index}: hide the axis ticks"
        assert axes.get_title() == f"filter {index}", f"axes {index} is titled {axes.get_title()!r}"


@pytest.mark.kata("chapter4.plot_filters")
def test_filters_with_several_input_channels_are_laid_out_row_major(impl):
    K = np.arange(2 * 3 * 2 * 3, dtype=float).reshape(2, 3, 2, 3)
    fig = impl.chapter4.plot_filters(K)
    assert len(fig.axes) == 6, f"2 input channels x 3 filters: expected 6 axes; got {len(fig.axes)}"
    for channel in range(2):
        for index in range(3):
            shown = np.asarray(fig.axes[channel * 3 + index].get_images()[0].get_array())
            assert_close(shown, K[:, :, channel, index], what=f"fig.axes[{channel * 3 + index}]: channel {channel}, "
                         f"filter {index}")  # fmt: skip


@pytest.mark.kata("chapter4.plot_filters")
def test_filters_reject_a_matrix(impl):
    with rejects("K"):
        impl.chapter4.plot_filters(np.ones((3, 3)))


# --- run_capstone ---------------------------------------------------------------------


@pytest.mark.kata("chapter4.run_capstone")
def test_capstone_on_the_digits_saves_both_pictures(impl, digits, tmp_path, one_blas_thread):
    one_hot = np.eye(10, dtype=np.float32)
    out_dir = tmp_path / "capstone"
    params, history = impl.chapter4.run_capstone(
        digits.X_train.reshape(-1, 8, 8, 1), one_hot[digits.y_train], digits.X_test.reshape(-1, 8, 8, 1),
        one_hot[digits.y_test], np.random.default_rng(0), out_dir, num_epochs=3, batch_size=32, lr=0.05,
    )  # fmt: skip
    assert len(history) == 3 and all("test_accuracy" in record for record in history), f"history: {history}"
    assert params["K"].shape == (3, 3, 1, 8), f"8 filters of 3x3 on one channel; got K of shape {params['K'].shape}"
    assert params["W"].shape == (3 * 3 * 8, 10), f"8x8 images: 3 * 3 * 8 = 72 features; got {params['W'].shape}"
    assert history[-1]["test_accuracy"] >= 0.8, f"the capstone CNN on the 8x8 digits: {history[-1]}"
    assert_png(out_dir / "training_curves.png", "the training curves")
    assert_png(out_dir / "filters.png", "the learned filters")


@pytest.mark.kata("chapter4.run_capstone")
def test_capstone_is_init_cnn_then_train_cnn_with_the_same_rng(impl, digits, tmp_path):
    one_hot = np.eye(10, dtype=np.float32)
    X, y = digits.X_train[:200].reshape(-1, 8, 8, 1), one_hot[digits.y_train[:200]]
    X_test, y_test = digits.X_test[:50].reshape(-1, 8, 8, 1), one_hot[digits.y_test[:50]]
    options = {"num_epochs": 2, "batch_size": 32, "lr": 0.05, "mu": 0.5, "lr_decay": 0.5}
    params, history = impl.chapter4.run_capstone(X, y, X_test, y_test, np.random.default_rng(3), tmp_path, **options)
    rng = np.random.default_rng(3)
    initial = impl.chapter4.init_cnn(rng, image_shape=(8, 8, 1))
    expected, expected_history = impl.chapter4.train_cnn(initial, X, y, rng, **options, X_test=X_test, y_test=y_test)
    for name in ("K", "bK", "W", "b"):
        # The same float32 computation: equal up to the order of a few float32 sums (eps 6e-8).
        assert_close(params[name], expected[name], what=f"{name}: init_cnn(rng, ...) then train_cnn(..., rng, ...)",
                     dtype=np.float32, rtol=1e-5, atol=1e-7)  # fmt: skip
    assert [record["test_accuracy"] for record in history] == pytest.approx(
        [record["test_accuracy"] for record in expected_history]
    ), "the history is train_cnn's, with the test set"


@pytest.mark.kata("chapter4.run_capstone")
def test_capstone_rejects_bad_data_before_training(impl, tmp_path):
    one_hot = np.eye(10, dtype=np.float32)
    images, labels = np.zeros((4, 8, 8, 1), np.float32), one_hot[[0, 1, 2, 3]]
    arguments = {"X_train": images, "y_train": labels, "X_test": images, "y_test": labels,
                 "rng": np.random.default_rng(0), "out_dir": tmp_path}  # fmt: skip
    changes = [
        ({"X_train": images.reshape(4, 64)}, ("X_train",)), ({"y_train": labels[:3]}, ("y_train",)),
        ({"y_test": np.eye(4)}, ("y_test",)), ({"X_test": np.zeros((4, 8, 8, 3))}, ("X_test",)),
        ({"mu": 1.0}, ("mu",)), ({"num_epochs": 0}, ("num_epochs",)), ({"out_dir": None}, ("out_dir",)),
    ]  # fmt: skip
    for change, bad in changes:
        with rejects(*bad):
            impl.chapter4.run_capstone(**{**arguments, **change})
    assert list(tmp_path.iterdir()) == [], "nothing is written when the arguments are refused"


@pytest.mark.slow
@pytest.mark.kata("chapter4.run_capstone")
def test_capstone_on_mnist_reaches_97_percent(impl, mnist, tmp_path, one_blas_thread, request):
    """The capstone with its defaults: 3 epochs, momentum 0.9, learning rate 0.05 halved after each epoch.
    The reference's run comes from kata.training_cache when its files have not changed since."""
    one_hot = np.eye(10, dtype=np.float32)

    def train():
        _, history = impl.chapter4.run_capstone(
            mnist.X_train.reshape(-1, 28, 28, 1), one_hot[mnist.y_train], mnist.X_test.reshape(-1, 28, 28, 1),
            one_hot[mnist.y_test], np.random.default_rng(0), tmp_path,
        )  # fmt: skip
        return {"history": history}

    history = training_cache.reference_result(request, impl, "capstone_mnist", train)["history"]
    for record in history:
        print({key: round(value, 4) for key, value in record.items()})
    assert history[-1]["test_accuracy"] >= 0.97, f"MNIST test accuracy after the capstone's 3 epochs: {history[-1]}"
