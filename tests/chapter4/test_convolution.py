"""4.2 conv2d on one image, and the batched convolutional layer forward and backward."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kata.gradcheck import TOLERANCES, assert_gradients_close, numerical_vjp
from kata.testing import assert_array, assert_close, call_unchanged, correlate2d_valid, rejects

# An asymmetric kernel: flipping it (a true convolution) changes every result.
ASYMMETRIC = np.array([[1.0, 2.0], [3.0, 5.0]])


def naive_conv_layer(X, K, b, stride):
    """The layer's formula with explicit loops over everything: the tests' own oracle."""
    N, H, W, _C_in = X.shape
    kh, kw, _, C_out = K.shape
    H_out, W_out = (H - kh) // stride + 1, (W - kw) // stride + 1
    Z = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = X[n, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
                for o in range(C_out):
                    Z[n, i, j, o] = np.sum(window * K[:, :, :, o]) + b[o]
    return Z


# --- conv2d ---------------------------------------------------------------------------


@pytest.mark.kata("chapter4.conv2d")
def test_conv2d_hand_computed_asymmetric_kernel(impl):
    image = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [3.0, 0.0, 1.0]])
    # out[i, j] = 1*I[i,j] + 2*I[i,j+1] + 3*I[i+1,j] + 5*I[i+1,j+1]
    expected = np.array([[1 + 0 + 0 + 5, 0 + 4 + 3 + 0], [0 + 2 + 9 + 0, 1 + 0 + 0 + 5]], dtype=float)
    got = impl.chapter4.conv2d(image, ASYMMETRIC)
    flipped = correlate2d_valid(image, ASYMMETRIC[::-1, ::-1])
    if isinstance(got, np.ndarray) and got.shape == flipped.shape and np.allclose(got, flipped):
        pytest.fail(
            "conv2d flipped the kernel: it computed a true convolution (the kernel turned 180 degrees); "
            "deep learning's 'convolution' is cross-correlation, out[i, j] = sum image[i+m, j+n] * kernel[m, n]"
        )
    assert_close(got, expected, what="conv2d(image, [[1, 2], [3, 5]])")


@pytest.mark.kata("chapter4.conv2d")
@given(
    image=hnp.arrays(np.float64, st.tuples(st.integers(3, 9), st.integers(3, 9)), elements=st.floats(-5, 5)),
    kernel=hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 3)), elements=st.floats(-5, 5)),
    stride=st.integers(1, 3),
)
def test_conv2d_matches_scipy_correlation(impl, image, kernel, stride):
    expected = correlate2d_valid(image, kernel)[::stride, ::stride]
    # float64, at most 9 products of magnitude <= 25: any summation order agrees to ~1e-13.
    assert_close(
        impl.chapter4.conv2d(image, kernel, stride), expected, what=f"conv2d(stride={stride})", rtol=1e-9, atol=1e-9
    )


@pytest.mark.kata("chapter4.conv2d")
def test_conv2d_stride_keeps_every_stride_th_window(impl):
    image = np.arange(7 * 8, dtype=float).reshape(7, 8)
    kernel = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -1.0]])
    got = impl.chapter4.conv2d(image, kernel, stride=2)
    # out[i, j] = I[2i, 2j + 1] - I[2i + 2, 2j + 2]: rows 0, 2, 4 and columns 0, 2, 4 of the windows.
    expected = np.array([[image[2 * i, 2 * j + 1] - image[2 * i + 2, 2 * j + 2] for j in range(3)] for i in range(3)])
    assert_close(got, expected, what="conv2d(7x8 image, 3x3 kernel, stride=2): shape (3, 3)")


@pytest.mark.kata("chapter4.conv2d")
def test_conv2d_keeps_float32_and_inputs(impl):
    rng = np.random.default_rng(0)
    image, kernel = rng.random((28, 28), dtype=np.float32), rng.standard_normal((3, 3)).astype(np.float32)
    got = call_unchanged(impl.chapter4.conv2d, image, kernel)
    expected = correlate2d_valid(image, kernel)
    # float32 (eps 6e-8), 9 products of magnitude <= 3 per output: errors of a few 1e-7, inside 1e-5.
    assert_close(got, expected, what="conv2d on a float32 MNIST-sized image", dtype=np.float32, rtol=1e-5, atol=1e-5)


@pytest.mark.kata("chapter4.conv2d")
@pytest.mark.parametrize(
    ("image", "kernel", "stride", "bad"),
    [
        (np.ones((2, 5)), np.ones((3, 3)), 1, ("filter_kernel", "image")),
        (np.ones((5, 5)), np.ones(3), 1, ("filter_kernel",)),
        (np.ones((5, 5, 1)), np.ones((3, 3)), 1, ("image",)),
        (np.ones((5, 5)), np.ones((3, 3)), 0, ("stride",)),
    ],
)
def test_conv2d_rejects_bad_input(impl, image, kernel, stride, bad):
    with rejects(*bad):
        impl.chapter4.conv2d(image, kernel, stride)


# --- conv_forward ---------------------------------------------------------------------


@pytest.mark.kata("chapter4.conv_forward")
@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride"),
    [((2, 5, 6, 1), (2, 3, 1, 4), 1), ((3, 7, 7, 2), (3, 3, 2, 3), 2), ((1, 8, 9, 3), (3, 2, 3, 2), 3)],
)
def test_conv_forward_matches_the_formula(impl, x_shape, k_shape, stride):
    rng = np.random.default_rng(1)
    X, K, b = rng.standard_normal(x_shape), rng.standard_normal(k_shape), rng.standard_normal(k_shape[3])
    # float64, at most 27 products of standard normals: any summation order agrees to ~1e-14.
    assert_close(
        impl.chapter4.conv_forward(X, K, b, stride),
        naive_conv_layer(X, K, b, stride),
        what=f"conv_forward(X {x_shape}, K {k_shape}, stride={stride})",
        rtol=1e-9,
        atol=1e-9,
    )


@pytest.mark.kata("chapter4.conv_forward")
def test_conv_forward_is_cross_correlation(impl):
    X = np.arange(16, dtype=float).reshape(1, 4, 4, 1)
    K = ASYMMETRIC.reshape(2, 2, 1, 1)
    got = impl.chapter4.conv_forward(X, K, np.zeros(1))
    expected = correlate2d_valid(X[0, :, :, 0], ASYMMETRIC)[None, :, :, None]
    assert_close(got, expected, what="conv_forward with the kernel [[1, 2], [3, 5]] (not flipped)")


@pytest.mark.kata("chapter4.conv_forward")
def test_conv_forward_one_bias_per_filter(impl):
    X = np.zeros((2, 4, 4, 3))
    b = np.array([0.5, -1.0])
    got = impl.chapter4.conv_forward(X, np.ones((3, 3, 3, 2)), b)
    assert_close(got, np.broadcast_to(b, (2, 2, 2, 2)), what="conv_forward of zero images: the biases alone")


@pytest.mark.kata("chapter4.conv_forward")
def test_conv_forward_float32_batch_of_mnist_shape(impl):
    rng = np.random.default_rng(2)
    X = rng.random((5, 28, 28, 1), dtype=np.float32)
    K, b = rng.standard_normal((3, 3, 1, 8)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    Z = call_unchanged(impl.chapter4.conv_forward, X, K, b)
    assert_array(Z, what="conv_forward((5, 28, 28, 1), (3, 3, 1, 8))", shape=(5, 26, 26, 8), dtype=np.float32)
    expected = naive_conv_layer(X[:2].astype(np.float64), K.astype(np.float64), b.astype(np.float64), 1)
    # float32 (eps 6e-8), 9 products of magnitude <= 3 plus a bias: errors of a few 1e-7, inside 1e-5.
    assert_close(Z[:2], expected, what="conv_forward in float32", rtol=1e-4, atol=1e-5)


@pytest.mark.kata("chapter4.conv_forward")
@pytest.mark.parametrize(
    ("x_shape", "k_shape", "b_shape", "bad"),
    [
        ((2, 5, 5, 2), (3, 3, 1, 4), (4,), ("X", "K")),
        ((2, 5, 5), (3, 3, 1, 4), (4,), ("X",)),
        ((2, 5, 5, 1), (3, 3, 1, 4), (5,), ("b",)),
        ((2, 2, 5, 1), (3, 3, 1, 4), (4,), ("X", "K")),
    ],
)
def test_conv_forward_rejects_bad_shapes(impl, x_shape, k_shape, b_shape, bad):
    with rejects(*bad):
        impl.chapter4.conv_forward(np.ones(x_shape), np.ones(k_shape), np.ones(b_shape))


@pytest.mark.kata("chapter4.conv_forward")
def test_conv_forward_rejects_a_stride_that_is_not_a_positive_int(impl):
    with rejects("stride"):
        impl.chapter4.conv_forward(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 1)), np.ones(1), 0)


# --- conv_backward --------------------------------------------------------------------


@pytest.mark.kata("chapter4.conv_backward")
@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride"),
    [((2, 5, 6, 2), (2, 3, 2, 3), 1), ((2, 7, 8, 3), (3, 3, 3, 2), 2), ((1, 8, 9, 1), (3, 2, 1, 4), 3)],
)
def test_conv_backward_agrees_with_numerical_gradients(impl, x_shape, k_shape, stride):
    rng = np.random.default_rng(3)
    X, K, b = rng.standard_normal(x_shape), rng.standard_normal(k_shape), rng.standard_normal(k_shape[3])
    H_out, W_out = (x_shape[1] - k_shape[0]) // stride + 1, (x_shape[2] - k_shape[1]) // stride + 1
    upstream = rng.standard_normal((x_shape[0], H_out, W_out, k_shape[3]))
    dX, dK, db = impl.chapter4.conv_backward(upstream, X, K, stride)

    def layer():
        return naive_conv_layer(X, K, b, stride)

    numeric = {name: numerical_vjp(layer, array, upstream) for name, array in (("dX", X), ("dK", K), ("db", b))}
    assert_gradients_close({"dX": dX, "dK": dK, "db": db}, numeric, TOLERANCES["linear"])


@pytest.mark.kata("chapter4.conv_backward")
def test_conv_backward_hand_computed_kernel_gradient(impl):
    # One 3x3 image, a 2x2 kernel, one filter: dK[m, q] = sum_ij X[i+m, j+q] * dZ[i, j].
    X = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    dZ = np.array([[1.0, 0.0], [0.0, 2.0]]).reshape(1, 2, 2, 1)
    dX, dK, db = impl.chapter4.conv_backward(dZ, X, ASYMMETRIC.reshape(2, 2, 1, 1))
    expected_dK = np.array([[1 * 1 + 2 * 5, 1 * 2 + 2 * 6], [1 * 4 + 2 * 8, 1 * 5 + 2 * 9]], dtype=float)
    assert_close(dK, expected_dK.reshape(2, 2, 1, 1), what="dK: each window times its output gradient, summed")
    assert_close(db, np.array([3.0]), what="db: the sum of dZ")
    # dX: output (0, 0) sends 1 * K to the top-left window, output (1, 1) sends 2 * K to the bottom-right one.
    expected_dX = np.zeros((3, 3))
    expected_dX[:2, :2] += ASYMMETRIC
    expected_dX[1:, 1:] += 2 * ASYMMETRIC
    assert_close(dX, expected_dX.reshape(1, 3, 3, 1), what="dX: overlapping window gradients add up")


@pytest.mark.kata("chapter4.conv_backward")
def test_conv_backward_pixels_no_window_covers_get_zero(impl):
    rng = np.random.default_rng(4)
    X, K = rng.standard_normal((1, 6, 6, 1)), rng.standard_normal((2, 2, 1, 1))
    dX, _, _ = impl.chapter4.conv_backward(rng.standard_normal((1, 2, 2, 1)), X, K, stride=3)
    assert_close(dX[0, [2, 5], :, 0], np.zeros((2, 6)), what="dX rows 2 and 5 (stride 3 skips them)")
    assert_close(dX[0, :, [2, 5], 0], np.zeros((2, 6)), what="dX columns 2 and 5 (stride 3 skips them)")


@pytest.mark.kata("chapter4.conv_backward")
@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride"), [((2, 5, 6, 2), (2, 3, 2, 3), 1), ((2, 7, 8, 3), (3, 3, 3, 2), 2)]
)
def test_conv_backward_without_the_input_gradient(impl, x_shape, k_shape, stride):
    rng = np.random.default_rng(6)
    X, K, b = rng.standard_normal(x_shape), rng.standard_normal(k_shape), rng.standard_normal(k_shape[3])
    H_out, W_out = (x_shape[1] - k_shape[0]) // stride + 1, (x_shape[2] - k_shape[1]) // stride + 1
    upstream = rng.standard_normal((x_shape[0], H_out, W_out, k_shape[3]))
    dX, dK, db = impl.chapter4.conv_backward(upstream, X, K, stride, input_gradient=False)
    assert dX is None, f"conv_backward(..., input_gradient=False) must return None in place of dX; got {dX!r:.60}"

    def layer():
        return naive_conv_layer(X, K, b, stride)

    numeric = {name: numerical_vjp(layer, array, upstream) for name, array in (("dK", K), ("db", b))}
    assert_gradients_close({"dK": dK, "db": db}, numeric, TOLERANCES["linear"])


@pytest.mark.kata("chapter4.conv_backward")
@pytest.mark.parametrize("input_gradient", [True, False])
def test_conv_backward_float32_shapes_and_inputs(impl, input_gradient):
    rng = np.random.default_rng(5)
    X = rng.random((4, 28, 28, 1), dtype=np.float32)
    K = rng.standard_normal((3, 3, 1, 8)).astype(np.float32)
    dZ = rng.standard_normal((4, 26, 26, 8)).astype(np.float32)
    dX, dK, db = call_unchanged(impl.chapter4.conv_backward, dZ, X, K, input_gradient=input_gradient)
    if input_gradient:
        assert_array(dX, what="dX", shape=X.shape, dtype=np.float32)
    else:
        assert dX is None, "conv_backward(..., input_gradient=False) must return None in place of dX"
    assert_array(dK, what="dK", shape=K.shape, dtype=np.float32)
    assert_array(db, what="db", shape=(8,), dtype=np.float32)
    # Float32 sums of 2,704 products (magnitude ~30 for dK, ~50 for db): pairwise or BLAS summation errs ~1e-5.
    windows = np.lib.stride_tricks.sliding_window_view(X.astype(np.float64), (3, 3), axis=(1, 2))
    expected_dK = np.einsum("nhwcij,nhwo->ijco", windows, dZ.astype(np.float64))
    assert_close(dK, expected_dK, what=f"dK with input_gradient={input_gradient}", rtol=1e-4, atol=1e-3)
    expected_db = dZ.astype(np.float64).sum(axis=(0, 1, 2))
    assert_close(db, expected_db, what=f"db with input_gradient={input_gradient}", rtol=1e-4, atol=1e-3)


@pytest.mark.kata("chapter4.conv_backward")
def test_conv_backward_rejects_a_mismatched_upstream_gradient(impl):
    with rejects("dZ"):
        impl.chapter4.conv_backward(np.ones((2, 3, 3, 4)), np.ones((2, 6, 6, 1)), np.ones((3, 3, 1, 4)))
    with rejects("dZ"):  # the output shape of stride 1, given with stride 2
        impl.chapter4.conv_backward(np.ones((2, 4, 4, 4)), np.ones((2, 6, 6, 1)), np.ones((3, 3, 1, 4)), stride=2)
