"""4.5 accuracy: correct / total, from integer labels or one-hot rows."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kata.testing import assert_scalar, rejects

pytestmark = pytest.mark.kata("chapter4.accuracy")

PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
LABELS = np.array([0, 1, 1, 2])  # predicted 0, 2, 1, 0: right, wrong, right, wrong


@pytest.mark.parametrize("encoding", ["integers", "one-hot"])
def test_hand_computed(impl, encoding):
    y = LABELS if encoding == "integers" else np.eye(3)[LABELS]
    assert_scalar(impl.chapter4.accuracy(PROBS, y), 0.5, what=f"accuracy with {encoding} labels (2 of 4 right)")


def test_all_wrong_is_zero_even_with_one_hot_labels(impl):
    # Every prediction wrong. Comparing one-hot rows element by element would still agree on 8 of 10 entries.
    y_pred = np.eye(10)[[1, 2, 3, 4, 5]] * 0.9 + 0.01
    y = np.eye(10)[[0, 0, 0, 0, 0]]
    assert_scalar(impl.chapter4.accuracy(y_pred, y), 0.0, what="accuracy when every prediction is wrong")


@given(labels=st.lists(st.integers(0, 9), min_size=1, max_size=40), seed=st.integers(0, 100))
def test_matches_counting(impl, labels, seed):
    y = np.array(labels)
    scores = np.random.default_rng(seed).random((len(y), 10))
    expected = sum(int(np.argmax(row) == label) for row, label in zip(scores, labels, strict=True)) / len(y)
    assert_scalar(impl.chapter4.accuracy(scores, y), expected, what="accuracy vs counting right answers")
    assert_scalar(impl.chapter4.accuracy(scores, np.eye(10)[y]), expected, what="the same with one-hot labels")


def test_float32_probabilities(impl):
    got = impl.chapter4.accuracy(PROBS.astype(np.float32), np.eye(3, dtype=np.float32)[LABELS])
    assert_scalar(got, 0.5, what="accuracy of float32 arrays")


@pytest.mark.parametrize(
    ("y_pred", "y", "bad"),
    [(PROBS, LABELS[:3], "y"), (PROBS, np.eye(4)[[0, 1, 1, 2]], "y"), (PROBS[0], LABELS, "y_pred"),
     (PROBS, np.array([0, 1, 3, 2]), "y"), (PROBS, np.array([0, -1, 1, 2]), "y"), (PROBS, LABELS.astype(float), "y"),
     (PROBS[:0], LABELS[:0], "y_pred")],
    ids=["short-y", "wide-one-hot", "1-D-y_pred", "label-3-of-3", "negative-label", "float-labels", "no-samples"],
)  # fmt: skip
def test_rejects_bad_input(impl, y_pred, y, bad):
    with rejects(bad):
        impl.chapter4.accuracy(y_pred, y)
