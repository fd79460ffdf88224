"""4.3 max_pool and max_pool_backward, channels last."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from kata.gradcheck import TOLERANCES, assert_gradients_close, numerical_vjp
from kata.testing import assert_array, assert_close, call_unchanged, rejects


def pooled_by_windows(X, size, stride):
    """The tests' oracle: every window as a view, then the maximum over it."""
    return sliding_window_view(X, (size, size), axis=(1, 2))[:, ::stride, ::stride].max(axis=(4, 5))


def distinct_values(shape, rng):
    """Values at least 0.01 apart, so no window has a tie within the gradient check's reach."""
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.01


# --- max_pool -------------------------------------------------------------------------


@pytest.mark.kata("chapter4.max_pool")
def test_max_pool_hand_computed(impl):
    channel = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, -1.0, 5.0, 6.0], [0.0, 0.0, -2.0, -3.0], [7.0, 1.0, -4.0, -1.0]])
    X = channel.reshape(1, 4, 4, 1)
    got = impl.chapter4.max_pool(X)
    assert_array(got, what="max_pool of a (1, 4, 4, 1) input keeps its channel axis", shape=(1, 2, 2, 1))
    assert_close(got[0, :, :, 0], np.array([[4.0, 6.0], [7.0, -1.0]]), what="max_pool, 2x2 windows, stride 2")


@pytest.mark.kata("chapter4.max_pool")
def test_max_pool_channels_and_images_are_pooled_separately(impl):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 6, 6, 4))
    got = impl.chapter4.max_pool(X)
    for n in range(3):
        for c in range(4):
            expected = X[n, :, :, c].reshape(3, 2, 3, 2).max(axis=(1, 3))
            assert_close(got[n, :, :, c], expected, what=f"max_pool, image {n}, channel {c}")


@pytest.mark.kata("chapter4.max_pool")
@given(
    height=st.integers(3, 9),
    width=st.integers(3, 9),
    size=st.integers(1, 3),
    stride=st.integers(1, 3),
    seed=st.integers(0, 10),
)
def test_max_pool_matches_window_maxima(impl, height, width, size, stride, seed):
    X = np.random.default_rng(seed).standard_normal((2, height, width, 2))
    assert_close(
        impl.chapter4.max_pool(X, size, stride),
        pooled_by_windows(X, size, stride),
        what=f"max_pool(X {X.shape}, size={size}, stride={stride})",
    )


@pytest.mark.kata("chapter4.max_pool")
def test_max_pool_float32_mnist_shape_and_input(impl):
    X = np.random.default_rng(1).standard_normal((8, 26, 26, 8)).astype(np.float32)
    got = call_unchanged(impl.chapter4.max_pool, X)
    assert_close(got, pooled_by_windows(X, 2, 2), what="max_pool((8, 26, 26, 8))", dtype=np.float32)


@pytest.mark.kata("chapter4.max_pool")
@pytest.mark.parametrize(
    ("shape", "size", "stride", "bad"),
    [((1, 4, 4), 2, 2, ("X",)), ((1, 4, 4, 1), 5, 1, ("size", "X")), ((1, 4, 4, 1), 2, 0, ("stride",)),
     ((1, 4, 4, 1), 0, 1, ("size",))],
)  # fmt: skip
def test_max_pool_rejects_bad_input(impl, shape, size, stride, bad):
    with rejects(*bad):
        impl.chapter4.max_pool(np.ones(shape), size, stride)


# --- max_pool_backward ----------------------------------------------------------------


@pytest.mark.kata("chapter4.max_pool_backward")
@pytest.mark.parametrize("given_pooled", [False, True], ids=["pooled_recomputed", "pooled_given"])
@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 3), (2, 1), (3, 2)])
def test_max_pool_backward_agrees_with_numerical_gradient(impl, size, stride, given_pooled):
    rng = np.random.default_rng(2)
    X = distinct_values((2, 7, 8, 3), rng)
    pooled = pooled_by_windows(X, size, stride)
    upstream = rng.standard_normal(pooled.shape)
    dX = impl.chapter4.max_pool_backward(upstream, X, size, stride, pooled=pooled if given_pooled else None)
    numeric = numerical_vjp(lambda: pooled_by_windows(X, size, stride), X, upstream)
    assert_gradients_close({"dX": dX}, {"dX": numeric}, TOLERANCES["piecewise"])


@pytest.mark.kata("chapter4.max_pool_backward")
@pytest.mark.parametrize("given_pooled", [False, True], ids=["pooled_recomputed", "pooled_given"])
def test_max_pool_backward_ties_go_to_the_first_maximum_in_row_major_order(impl, given_pooled):
    # Four 2x2 windows, each with tied maxima; the winner is the first tied cell, row by row.
    channel = np.array([[5.0, 5.0, 0.0, 2.0], [1.0, 5.0, 2.0, 2.0], [0.0, 0.0, 3.0, 1.0], [0.0, 0.0, 3.0, 3.0]])
    dout = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    X = channel.reshape(1, 4, 4, 1)
    got = impl.chapter4.max_pool_backward(dout, X, pooled=pooled_by_windows(X, 2, 2) if given_pooled else None)
    expected = np.array([[1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    assert_array(got, what="max_pool_backward", shape=(1, 4, 4, 1))
    if np.sum(got) > np.sum(dout):
        pytest.fail(
            f"max_pool_backward sent a window's gradient to more than one tied maximum (total {np.sum(got)} "
            f"instead of {np.sum(dout)}): exactly one winner per window, the first in row-major order"
        )
    assert_close(got[0, :, :, 0], expected, what="gradient routed to the first tied maximum of each window")


@pytest.mark.kata("chapter4.max_pool_backward")
@pytest.mark.parametrize("given_pooled", [False, True], ids=["pooled_recomputed", "pooled_given"])
def test_max_pool_backward_after_relu_keeps_the_gradient_total(impl, given_pooled):
    # After a ReLU many windows are all zero: every window still passes its gradient to exactly one cell.
    rng = np.random.default_rng(3)
    A = np.maximum(rng.standard_normal((4, 26, 26, 8)), 0).astype(np.float32)
    dout = rng.standard_normal((4, 13, 13, 8)).astype(np.float32)
    pooled = pooled_by_windows(A, 2, 2) if given_pooled else None
    dX = call_unchanged(impl.chapter4.max_pool_backward, dout, A, pooled=pooled)
    assert_array(dX, what="max_pool_backward of a (4, 26, 26, 8) map", shape=A.shape, dtype=np.float32)
    windows = dX.reshape(4, 13, 2, 13, 2, 8)
    nonzero_per_window = np.count_nonzero(windows, axis=(2, 4))
    assert nonzero_per_window.max() <= 1, "a window sent gradient to more than one of its cells"
    # float32: each window's sum holds a single nonzero value, exact in any summation order.
    assert_close(windows.sum(axis=(2, 4)), dout, what="each window's gradient, summed over its cells", rtol=1e-6)
    # The winner holds the window's maximum.
    winners = np.abs(dX) > 0
    assert np.all(
        A[winners] == np.repeat(np.repeat(A.reshape(4, 13, 2, 13, 2, 8).max(axis=(2, 4)), 2, 1), 2, 2)[winners]
    )


@pytest.mark.kata("chapter4.max_pool_backward")
def test_max_pool_backward_overlapping_windows_add_up(impl):
    # size 2, stride 1 on [[0, 1, 0], [0, 0, 0], [0, 0, 0]]: the 1 wins the two top windows.
    X = np.zeros((1, 3, 3, 1))
    X[0, 0, 1, 0] = 1.0
    dout = np.array([[10.0, 20.0], [30.0, 40.0]]).reshape(1, 2, 2, 1)
    # Bottom windows are all zero: their first cells, (1, 0) and (1, 1), win.
    expected = np.array([[0.0, 30.0, 0.0], [30.0, 40.0, 0.0], [0.0, 0.0, 0.0]])
    got = impl.chapter4.max_pool_backward(dout, X, 2, 1)
    assert_close(got[0, :, :, 0], expected, what="max_pool_backward(size=2, stride=1)")
    got = impl.chapter4.max_pool_backward(dout, X, 2, 1, pooled=pooled_by_windows(X, 2, 1))
    assert_close(got[0, :, :, 0], expected, what="max_pool_backward(size=2, stride=1, pooled=...)")


@pytest.mark.kata("chapter4.max_pool_backward")
def test_max_pool_backward_cells_outside_every_window_get_zero(impl):
    X = np.random.default_rng(4).standard_normal((1, 5, 5, 1))
    dX = impl.chapter4.max_pool_backward(np.ones((1, 2, 2, 1)), X)
    assert_close(dX[0, 4, :, 0], np.zeros(5), what="dX of row 4 (no 2x2 window reaches it)")
    assert_close(dX[0, :, 4, 0], np.zeros(5), what="dX of column 4")


@pytest.mark.kata("chapter4.max_pool_backward")
def test_max_pool_backward_rejects_a_mismatched_upstream_gradient(impl):
    with rejects("dout"):
        impl.chapter4.max_pool_backward(np.ones((1, 3, 3, 1)), np.ones((1, 4, 4, 1)))
    with rejects("dout"):  # the pooled shape of stride 2, given with stride 1
        impl.chapter4.max_pool_backward(np.ones((1, 2, 2, 1)), np.ones((1, 4, 4, 1)), 2, 1)


@pytest.mark.kata("chapter4.max_pool_backward")
def test_max_pool_backward_rejects_a_pooled_output_of_another_shape(impl):
    with rejects("pooled"):
        impl.chapter4.max_pool_backward(np.ones((1, 2, 2, 1)), np.ones((1, 4, 4, 1)), pooled=np.ones((1, 3, 3, 1)))
