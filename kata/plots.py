"""The pictures of a training run, drawn with matplotlib (no display needed).

Each function returns a ``Figure`` (tests read its data back) and ``save``
writes it as a PNG. Figures are made with ``matplotlib.figure.Figure``
directly, so no pyplot state or GUI backend is involved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray


def save(figure: Figure, path: Path) -> Path:
    figure.savefig(path, dpi=110)
    return path


def loss_figure(steps: dict[str, list[float]], epochs: list[dict[str, Any]], title: str) -> Figure:
    """Training loss: the mean over each stretch of batches (a line) and over each epoch (a dot
    in the middle of the epoch)."""
    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(steps["epoch"], steps["loss"], color="tab:blue", linewidth=1.2, label="mean over a few batches")
    middles = [row["epoch"] - 0.5 for row in epochs]
    axes.plot(middles, [row["loss"] for row in epochs], "o", color="tab:red", label="mean over the epoch")
    axes.set(xlabel="epoch", ylabel="cross-entropy loss", title=title)
    axes.set_yscale("log")
    axes.grid(True, alpha=0.3)
    axes.legend()
    return figure


def accuracy_figure(steps: dict[str, list[float]], epochs: list[dict[str, Any]], title: str) -> Figure:
    """Accuracy in percent: running training accuracy (a line), test accuracy after each epoch (dots)."""
    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(steps["epoch"], 100 * np.asarray(steps["accuracy"]), color="tab:blue", linewidth=1.2,
              label="train (running)")  # fmt: skip
    test = [100 * row["test_accuracy"] for row in epochs]
    axes.plot([row["epoch"] for row in epochs], test, "o-", color="tab:red", label="test, after each epoch")
    label_box = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    for row, value in zip(epochs, test, strict=True):
        axes.annotate(f"{value:.2f} %", (row["epoch"], value), textcoords="offset points", xytext=(0, 9),
                      ha="center", color="tab:red", bbox=label_box)  # fmt: skip
    axes.set(xlabel="epoch", ylabel="accuracy (%)", title=title)
    low = min([*(100 * np.asarray(steps["accuracy"][len(steps["accuracy"]) // 10 :])), *test], default=0.0)
    axes.set_ylim(max(0.0, math.floor(low / 5) * 5 - 5), 100.5)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right")
    return figure


def confusion_matrix(y_true: NDArray[np.integer], y_pred: NDArray[np.integer], n_classes: int) -> NDArray[np.int64]:
    """``M[i, j]``: how many samples of true class ``i`` were predicted as class ``j``."""
    counts = np.bincount(np.asarray(y_true) * n_classes + np.asarray(y_pred), minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def confusion_figure(matrix: NDArray[np.integer], class_names: Sequence[str], title: str) -> Figure:
    """The confusion matrix as a heat map of row percentages, annotated with the counts."""
    counts = np.asarray(matrix)
    rows = np.maximum(counts.sum(axis=1, keepdims=True), 1)
    percent = 100 * counts / rows
    figure = Figure(figsize=(6.4, 5.6), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(percent, cmap="Blues", vmin=0, vmax=100)
    figure.colorbar(image, ax=axes, label="% of the true class")
    ticks = range(len(class_names))
    axes.set_xticks(ticks, class_names, rotation=45 if max(map(len, class_names)) > 2 else 0, ha="right")
    axes.set_yticks(ticks, class_names)
    for (i, j), count in np.ndenumerate(counts):
        if count:
            axes.text(j, i, str(count), ha="center", va="center", fontsize=7,
                      color="white" if percent[i, j] > 60 else "black")  # fmt: skip
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    axes.set(xlabel="predicted", ylabel="true", title=f"{title}\ntest accuracy {100 * accuracy:.2f} %")
    return figure


def mosaic(images: NDArray[np.floating], columns: int = 8) -> NDArray[np.float64]:
    """The images ``(n, h, w)`` tiled in rows of ``columns``, each divided by its largest absolute
    value (so each spans [-1, 1]), with a one-pixel NaN border between tiles (drawn blank)."""
    count, height, width = images.shape
    rows = math.ceil(count / columns)
    tiled = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan)
    for index, image in enumerate(np.asarray(images, dtype=np.float64)):
        row, column = divmod(index, columns)
        scale = np.max(np.abs(image)) or 1.0
        tiled[row * (height + 1) : row * (height + 1) + height, column * (width + 1) : column * (width + 1) + width] = (
            image / scale
        )
    return tiled


def weights_figure(images: NDArray[np.floating], title: str, columns: int = 8) -> Figure:
    """Weight images ``(n, h, w)`` as one mosaic, red for positive, blue for negative weights."""
    tiled = mosaic(images, columns)
    figure = Figure(
        figsize=(0.9 * columns + 1, 0.9 * tiled.shape[0] / (images.shape[1] + 1) + 0.8), layout="constrained"
    )
    axes = figure.add_subplot()
    axes.imshow(tiled, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    axes.set_axis_off()
    axes.set_title(title)
    return figure


def filters_figure(
    filters: NDArray[np.floating], image: NDArray[np.floating], feature_maps: NDArray[np.floating], title: str
) -> Figure:
    """Learned filters ``(k, h, w)`` (top row) and what each one makes of ``image`` (bottom row)."""
    count = len(filters)
    figure = Figure(figsize=(1.4 * (count + 1), 3.4), layout="constrained")
    grid = figure.add_gridspec(2, count + 1)
    picture = figure.add_subplot(grid[1, 0])
    picture.imshow(image, cmap="gray_r")
    picture.set_title("input", fontsize=9)
    picture.set_axis_off()
    for index in range(count):
        top = figure.add_subplot(grid[0, index + 1])
        limit = float(np.max(np.abs(filters[index]))) or 1.0
        top.imshow(filters[index], cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        top.set_title(f"filter {index}", fontsize=9)
        top.set_axis_off()
        bottom = figure.add_subplot(grid[1, index + 1])
        bottom.imshow(feature_maps[index], cmap="magma")
        bottom.set_axis_off()
    figure.suptitle(title)
    return figure
