"""3.3 forward_mlp and cross_entropy."""

import math

import numpy as np
import pytest
import scipy.special

from kata.testing import assert_close, assert_scalar, call_unchanged, no_warnings, rejects


def mlp_parameters(d=4, h=5, k=3, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=shape).astype(dtype) for shape in [(d, h), (1, h), (h, k), (1, k)])  # W1, b1, W2, b2


def oracle_forward(X, W1, b1, W2, b2):
    """The forward pass in float64 with NumPy and SciPy."""
    A1 = np.maximum(X.astype(np.float64) @ W1 + b1, 0)
    return A1, scipy.special.softmax(A1 @ W2 + b2, axis=1)


# --- forward_mlp -----------------------------------------------------------------------


@pytest.mark.kata("chapter3.forward_mlp")
def test_forward_hand_computed(impl):
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    W1 = np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -2.0]])
    b1 = np.array([[0.0, 0.5, 1.0]])
    # Z1 = [[2, 1.5, -2.5], [-0.5, 2, -0.5]]  ->  A1 = [[2, 1.5, 0], [0, 2, 0]]
    W2 = np.array([[np.log(2.0), 0.0], [0.0, 0.0], [5.0, -5.0]])
    b2 = np.array([[0.0, np.log(3.0)]])
    # Z2 = [[2 ln 2, ln 3], [0, ln 3]]  ->  exp: [[4, 3], [1, 3]]
    A1, A2 = impl.chapter3.forward_mlp(X, W1, b1, W2, b2)
    assert_close(A1, np.array([[2.0, 1.5, 0.0], [0.0, 2.0, 0.0]]), what="A1 = relu(X W1 + b1)", rtol=1e-12)
    assert_close(A2, np.array([[4 / 7, 3 / 7], [1 / 4, 3 / 4]]), what="A2 = softmax(A1 W2 + b2)", rtol=1e-12)


@pytest.mark.kata("chapter3.forward_mlp")
def test_forward_matches_oracle_on_an_mnist_sized_layer(impl):
    rng = np.random.default_rng(1)
    X = rng.random((8, 784))
    W1, b1, W2, b2 = (
        rng.normal(size=(784, 256)) * 0.05,
        rng.normal(size=(1, 256)),
        rng.normal(size=(256, 10)) * 0.1,
        np.zeros((1, 10)),
    )
    A1, A2 = impl.chapter3.forward_mlp(X, W1, b1, W2, b2)
    expected_A1, expected_A2 = oracle_forward(X, W1, b1, W2, b2)
    assert_close(A1, expected_A1, what="A1 for a 784-256-10 network", rtol=1e-10, atol=1e-12)
    assert_close(A2, expected_A2, what="A2 for a 784-256-10 network", rtol=1e-10, atol=1e-12)


@pytest.mark.kata("chapter3.forward_mlp")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_keeps_dtype_and_inputs(impl, dtype):
    X = np.random.default_rng(2).normal(size=(6, 4)).astype(dtype)
    params = mlp_parameters(dtype=dtype)
    A1, A2 = call_unchanged(impl.chapter3.forward_mlp, X, *params)
    expected_A1, expected_A2 = oracle_forward(X, *params)
    # Z1 and Z2 are sums of 4 and 5 products plus a bias, with sum |terms| < 6 here. Rounded in the dtype, each
    # is off by at most about 6 * eps/2 * 6 (2e-6 in float32, 4e-15 in float64) whatever the order of the sums
    # (matmul, einsum, tensordot), ReLU passes that on, and softmax turns Z2's absolute error into about as much
    # relative error in A2 (plus A1's error times |W2| < 3). float32: atol 1e-5, rtol 2e-5; float64 1e-12, 1e-10.
    rtol, atol = (2e-5, 1e-5) if dtype == np.float32 else (1e-10, 1e-12)
    assert_close(A1, expected_A1, what="A1", dtype=dtype, rtol=rtol, atol=atol)
    assert_close(A2, expected_A2, what="A2", dtype=dtype, rtol=rtol, atol=atol)


@pytest.mark.kata("chapter3.forward_mlp")
def test_forward_is_stable_for_large_scores(impl):
    X = np.array([[100.0, -100.0]])
    W1, b1 = np.eye(2) * 10, np.zeros((1, 2))
    W2, b2 = np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros((1, 2))  # Z2 = [[1000, -1000]]
    with no_warnings():
        _, A2 = impl.chapter3.forward_mlp(X, W1, b1, W2, b2)
    assert_close(A2, np.array([[1.0, 0.0]]), what="A2 for scores +-1000", atol=1e-12)


@pytest.mark.kata("chapter3.forward_mlp")
@pytest.mark.parametrize(
    ("position", "bad_shape", "name"),
    [(0, (6,), "X"), (1, (5, 5), "W1"), (2, (5,), "b1"), (3, (4, 3), "W2"), (4, (3, 1), "b2"), (4, (3,), "b2")],
)
def test_forward_rejects_misfit_shapes(impl, position, bad_shape, name):
    arguments = [np.ones((6, 4)), *mlp_parameters()]  # X (6, 4), W1 (4, 5), b1 (1, 5), W2 (5, 3), b2 (1, 3)
    arguments[position] = np.ones(bad_shape)
    with rejects(name):
        impl.chapter3.forward_mlp(*arguments)


# --- cross_entropy ---------------------------------------------------------------------


@pytest.mark.kata("chapter3.cross_entropy")
def test_cross_entropy_hand_computed(impl):
    A = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
    expected = -(math.log(0.5) + math.log(0.8) + math.log(0.6)) / 3
    assert_scalar(
        impl.chapter3.cross_entropy(A, y),
        expected,
        what="cross_entropy: the mean over the 3 samples of -log(probability of the true class)",
        rtol=1e-12,
    )


@pytest.mark.kata("chapter3.cross_entropy")
@pytest.mark.parametrize("n", [1, 2, 7])
def test_cross_entropy_of_a_uniform_guess_is_log_k(impl, n):
    k = 10
    y = np.eye(k)[np.arange(n) % k]
    got = impl.chapter3.cross_entropy(np.full((n, k), 1 / k), y)
    assert_scalar(got, math.log(k), what=f"cross_entropy of a uniform guess over {k} classes, {n} samples "
                  "(a mean over samples does not grow with n)", rtol=1e-12)  # fmt: skip


@pytest.mark.kata("chapter3.cross_entropy")
def test_cross_entropy_matches_log_loss(impl):
    rng = np.random.default_rng(3)
    A = scipy.special.softmax(rng.normal(size=(20, 4)), axis=1)
    labels = rng.integers(0, 4, size=20)
    expected = -np.mean(np.log(A[np.arange(20), labels]))
    assert_scalar(impl.chapter3.cross_entropy(A, np.eye(4)[labels]), float(expected), what="cross_entropy", rtol=1e-10)


@pytest.mark.kata("chapter3.cross_entropy")
def test_cross_entropy_ignores_zero_probabilities_of_other_classes(impl):
    A = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    try:
        with no_warnings():
            got = impl.chapter3.cross_entropy(A, y)
    except (FloatingPointError, RuntimeWarning) as error:
        raise AssertionError(
            f"cross_entropy warned ({error}): log(0) is -inf and 0 * -inf is nan. Clip A to [eps, 1] first"
        ) from None
    assert_scalar(got, math.log(2) / 2, what="cross_entropy with zeros in A for the wrong classes", rtol=1e-9)


@pytest.mark.kata("chapter3.cross_entropy")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_when_the_true_class_has_probability_zero(impl, dtype):
    A = np.array([[0.0, 1.0], [0.5, 0.5]], dtype=dtype)
    y = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=dtype)
    with no_warnings():
        got = impl.chapter3.cross_entropy(A, y)
    assert isinstance(got, float) and math.isfinite(got), f"expected a finite Python float; got {got!r}"
    eps = float(np.finfo(dtype).eps)
    # The clipped probability eps costs -log(eps); log in float32 is good to a few eps32 relative.
    assert_scalar(got, (-math.log(eps) + math.log(2)) / 2, what=f"cross_entropy with a true class of probability "
                  f"0 in {np.dtype(dtype)}: clip A to [eps, 1] with eps = np.finfo(A.dtype).eps = {eps:.3g}, so that "
                  "sample costs -log(eps)", rtol=1e-6)  # fmt: skip


@pytest.mark.kata("chapter3.cross_entropy")
def test_cross_entropy_of_float32_is_a_python_float(impl):
    A = np.array([[0.25, 0.75], [0.9, 0.1]], dtype=np.float32)
    y = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    got = call_unchanged(impl.chapter3.cross_entropy, A, y)
    # float32(0.9) is 0.9 - 2.4e-8, which moves log(0.9) by 2.7e-8 (1.4e-7 of the loss 0.196); the float32 logs
    # and mean add a few eps32/2 * 0.3 more. rtol 1e-6 is three times the sum, whether computed in float32 or 64.
    assert_scalar(got, -(math.log(0.75) + math.log(0.9)) / 2, what="cross_entropy of float32 input", rtol=1e-6)


@pytest.mark.kata("chapter3.cross_entropy")
def test_cross_entropy_rejects_integer_labels(impl):
    with rejects("y"):
        impl.chapter3.cross_entropy(np.full((3, 2), 0.5), np.array([0, 1, 1]))


@pytest.mark.kata("chapter3.cross_entropy")
def test_cross_entropy_rejects_probabilities_that_are_not_a_matrix(impl):
    with rejects("A"):
        impl.chapter3.cross_entropy(np.full(3, 0.5), np.eye(3))


@pytest.mark.kata("chapter3.cross_entropy")
@pytest.mark.parametrize(
    "y",
    [np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[0.0, 0.0], [0.0, 1.0]])],
    ids=["soft", "two-ones", "all-zero"],
)
def test_cross_entropy_rejects_labels_that_are_not_one_hot(impl, y):
    with rejects("y"):
        impl.chapter3.cross_entropy(np.full((2, 2), 0.5), y)
