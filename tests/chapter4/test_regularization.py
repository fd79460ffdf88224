"""4.4 L2 regularization, inverted dropout, and the regularized 3-layer MLP against overfitting."""

import itertools

import numpy as np
import pytest
import scipy.special
from threadpoolctl import threadpool_limits

from kata.gradcheck import TOLERANCES, assert_gradients_close, away_from_kinks, numerical_gradient, numerical_vjp
from kata.testing import assert_array, assert_close, assert_scalar, call_unchanged

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def one_hot(labels, k=10, dtype=np.float32):
    return np.eye(k, dtype=dtype)[labels]


def he_mlp(rng, sizes, dtype=np.float32):
    params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = (rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(dtype)
        params[f"b{layer}"] = np.zeros((1, n_out), dtype)
    return params


def oracle_loss(params, X, y, lambda_):
    """Cross-entropy of the plain 3-layer MLP plus lambda * (sum of squared weights): no dropout, no biases."""
    A = X
    for layer in (1, 2):
        A = np.maximum(A @ params[f"W{layer}"] + params[f"b{layer}"], 0)
    log_probs = scipy.special.log_softmax(A @ params["W3"] + params["b3"], axis=1)
    penalty = lambda_ * sum(np.sum(params[f"W{layer}"] ** 2) for layer in (1, 2, 3))
    return float(-np.sum(y * log_probs) / len(X) + penalty)


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    params = he_mlp(rng, (5, 6, 4, 3), dtype=np.float64)
    for layer in (1, 2, 3):
        params[f"b{layer}"] = rng.standard_normal((1, params[f"b{layer}"].shape[1])) * 0.3
    return params, rng.standard_normal((7, 5)), np.eye(3)[rng.integers(0, 3, 7)]


@pytest.fixture
def one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# --- l2_regularization ----------------------------------------------------------------


@pytest.mark.kata("chapter4.l2_regularization")
def test_l2_hand_computed(impl):
    W1 = np.array([[1.0, 2.0], [3.0, 4.0]])  # squares sum to 30
    W2 = np.array([[0.5, 1.5], [2.5, 3.5]])  # squares sum to 0.25 + 2.25 + 6.25 + 12.25 = 21
    penalty, grads = impl.chapter4.l2_regularization([W1, W2], 0.01)
    assert_scalar(penalty, 0.01 * 51, what="l2 penalty = lambda * sum of squared weights")
    assert len(grads) == 2, f"expected one gradient per weight matrix; got {len(grads)}"
    assert_close(grads[0], 2 * 0.01 * W1, what="gradient of lambda * ||W1||^2 is 2 * lambda * W1")
    assert_close(grads[1], 2 * 0.01 * W2, what="gradient of lambda * ||W2||^2 is 2 * lambda * W2")


@pytest.mark.kata("chapter4.l2_regularization")
def test_l2_gradients_agree_with_numerical_gradients(impl):
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((3, 3, 1, 2))]
    _, grads = impl.chapter4.l2_regularization(weights, 0.3)
    numeric = {
        f"W{index}": numerical_gradient(lambda: impl.chapter4.l2_regularization(weights, 0.3)[0], W)
        for index, W in enumerate(weights)
    }
    assert_gradients_close({f"W{index}": g for index, g in enumerate(grads)}, numeric, TOLERANCES["linear"])


@pytest.mark.kata("chapter4.l2_regularization")
def test_l2_keeps_dtype_and_inputs(impl):
    weights = [np.ones((3, 2), np.float32), np.full((2, 2), -2.0, np.float32)]
    penalty, grads = impl.chapter4.l2_regularization(weights, 0.5)
    assert_scalar(penalty, 0.5 * (6 + 16), what="penalty of float32 weights")
    for W, grad in zip(weights, grads, strict=True):
        assert_close(grad, W.astype(np.float64), what="2 * 0.5 * W", dtype=np.float32)
    assert np.all(weights[0] == 1) and np.all(weights[1] == -2), "l2_regularization modified the weights"


@pytest.mark.kata("chapter4.l2_regularization")
def test_l2_zero_strength_and_negative_strength(impl):
    penalty, grads = impl.chapter4.l2_regularization([np.ones((2, 2))], 0.0)
    assert_scalar(penalty, 0.0, what="penalty with lambda_ = 0")
    assert_close(grads[0], np.zeros((2, 2)), what="gradient with lambda_ = 0")
    with pytest.raises(ValueError, match="lambda_"):
        impl.chapter4.l2_regularization([np.ones((2, 2))], -0.1)


# --- dropout --------------------------------------------------------------------------


@pytest.mark.kata("chapter4.dropout")
def test_dropout_keeps_a_fraction_p_and_scales_by_one_over_p(impl):
    A = np.ones((400, 500), np.float32)
    A_out, mask = impl.chapter4.dropout(A, 0.8, np.random.default_rng(0))
    assert_array(A_out, what="dropout(A)", shape=A.shape, dtype=np.float32)
    assert_array(mask, what="the mask", shape=A.shape)
    kept = float(np.mean(A_out != 0))
    assert abs(kept - 0.8) < 0.005, (
        f"p = 0.8 is the keep probability: about 80 % of the units should survive; {kept:.1%} did "
        "(is p treated as the drop probability?)"
    )
    survivors = np.unique(A_out[A_out != 0])
    assert_close(survivors, np.array([1 / 0.8]), what="a kept unit of value 1 becomes 1 / p (inverted dropout)",
                 rtol=1e-6)  # fmt: skip
    assert abs(float(A_out.mean()) - 1.0) < 0.01, "inverted dropout keeps the expected value: E[out] = A"


@pytest.mark.kata("chapter4.dropout")
def test_dropout_output_is_the_input_times_mask_over_p(impl):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((6, 7))
    A_out, mask = call_unchanged(impl.chapter4.dropout, A, 0.6, np.random.default_rng(2))
    assert set(np.unique(mask)) <= {0.0, 1.0}, f"the mask holds 0s and 1s; got {np.unique(mask)}"
    assert_close(A_out, A * mask / 0.6, what="dropout output = A * mask / p")


@pytest.mark.kata("chapter4.dropout")
def test_dropout_is_determined_by_rng(impl):
    A = np.ones((20, 30))
    first = impl.chapter4.dropout(A, 0.5, np.random.default_rng(3))[1]
    again = impl.chapter4.dropout(A, 0.5, np.random.default_rng(3))[1]
    other = impl.chapter4.dropout(A, 0.5, np.random.default_rng(4))[1]
    assert np.array_equal(first, again), "the same seed gave different masks: draw from rng only"
    assert not np.array_equal(first, other), "different seeds gave the same mask"


@pytest.mark.kata("chapter4.dropout")
@pytest.mark.parametrize(("p", "training"), [(0.5, False), (1.0, True)])
def test_dropout_drops_nothing_at_test_time_or_with_p_1(impl, p, training):
    A = np.random.default_rng(5).standard_normal((4, 6)).astype(np.float32)
    rng = np.random.default_rng(6)
    state = rng.bit_generator.state
    A_out, mask = impl.chapter4.dropout(A, p, rng, training=training)
    assert_close(A_out, A, what=f"dropout(A, p={p}, training={training})", dtype=np.float32)
    assert_close(mask, np.ones_like(A), what="the mask when nothing is dropped")
    assert rng.bit_generator.state == state, "no random number should be drawn when nothing is dropped"


@pytest.mark.kata("chapter4.dropout")
@pytest.mark.parametrize("p", [0.0, -0.5, 1.5])
def test_dropout_rejects_a_keep_probability_outside_0_1(impl, p):
    with pytest.raises(ValueError, match="p"):
        impl.chapter4.dropout(np.ones((2, 2)), p, np.random.default_rng(0))


# --- dropout_backward -----------------------------------------------------------------


@pytest.mark.kata("chapter4.dropout_backward")
def test_dropout_backward_agrees_with_numerical_gradient(impl):
    rng = np.random.default_rng(7)
    A, upstream = rng.standard_normal((5, 8)), rng.standard_normal((5, 8))
    # dropout with a fresh generator of the same seed draws the same mask every time: a fixed function of A.
    _, mask = impl.chapter4.dropout(A, 0.7, np.random.default_rng(8))
    got = impl.chapter4.dropout_backward(upstream, mask, 0.7)
    numeric = numerical_vjp(lambda: impl.chapter4.dropout(A, 0.7, np.random.default_rng(8))[0], A, upstream)
    assert_gradients_close({"dA": got}, {"dA": numeric}, TOLERANCES["piecewise"])


@pytest.mark.kata("chapter4.dropout_backward")
def test_dropout_backward_hand_computed(impl):
    mask = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    got = call_unchanged(impl.chapter4.dropout_backward, np.ones((2, 2), np.float32), mask, 0.5)
    assert_close(got, np.array([[2.0, 0.0], [0.0, 2.0]]), what="dropout_backward: dA * mask / p", dtype=np.float32)


@pytest.mark.kata("chapter4.dropout_backward")
def test_dropout_backward_rejects_bad_arguments(impl):
    with pytest.raises(ValueError, match="mask"):
        impl.chapter4.dropout_backward(np.ones((2, 3)), np.ones((3, 2)), 0.5)
    with pytest.raises(ValueError, match="p"):
        impl.chapter4.dropout_backward(np.ones((2, 2)), np.ones((2, 2)), 0.0)


# --- regularized_loss_and_gradients ---------------------------------------------------


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
def test_regularized_loss_without_dropout(impl):
    params, X, y = small_problem()
    loss, _ = impl.chapter4.regularized_loss_and_gradients(params, X, y, np.random.default_rng(0), lambda_=0.05)
    assert_scalar(loss, oracle_loss(params, X, y, 0.05), what="cross-entropy + lambda * sum of squared weights "
                  "(biases are not penalized)", rtol=1e-9)  # fmt: skip


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
def test_regularized_gradients_without_dropout(impl):
    params, X, y = small_problem()
    hidden = X @ params["W1"] + params["b1"]
    assert away_from_kinks(hidden) and away_from_kinks(np.maximum(hidden, 0) @ params["W2"] + params["b2"])
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    _, grads = impl.chapter4.regularized_loss_and_gradients(params, X, y, rng, lambda_=0.05)
    assert rng.bit_generator.state == state, "keep_prob = 1 must not draw random numbers"
    numeric = {name: numerical_gradient(lambda: oracle_loss(params, X, y, 0.05), params[name]) for name in NAMES}
    assert_gradients_close(grads, numeric, TOLERANCES["smooth"])


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
@pytest.mark.parametrize("seed", [1, 2])
def test_regularized_gradients_with_dropout_use_the_forward_masks(impl, seed):
    params, X, y = small_problem(seed=3)

    def loss():
        # The same seed every call: the same masks, so the loss is a fixed function of the parameters.
        rng = np.random.default_rng(seed)
        return impl.chapter4.regularized_loss_and_gradients(params, X, y, rng, lambda_=0.02, keep_prob=0.6)[0]

    _, grads = impl.chapter4.regularized_loss_and_gradients(
        params, X, y, np.random.default_rng(seed), lambda_=0.02, keep_prob=0.6
    )
    numeric = {name: numerical_gradient(loss, params[name]) for name in NAMES}
    assert_gradients_close(grads, numeric, TOLERANCES["smooth"])
    assert loss() != pytest.approx(oracle_loss(params, X, y, 0.02)), "keep_prob = 0.6 dropped nothing"


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
def test_regularized_float32(impl):
    params = he_mlp(np.random.default_rng(4), (20, 16, 8, 10))
    X = np.random.default_rng(5).random((32, 20), dtype=np.float32)
    loss, grads = impl.chapter4.regularized_loss_and_gradients(
        params, X, one_hot(np.arange(32) % 10), np.random.default_rng(6), lambda_=1e-3, keep_prob=0.8
    )
    assert_scalar(loss, loss, what="the loss")
    for name in NAMES:
        assert_array(grads[name], what=f'grads["{name}"]', shape=params[name].shape, dtype=np.float32)


# --- train_mlp_3layer_regularized -----------------------------------------------------


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_train_regularized_records_accuracies_in_evaluation_mode(impl, digits, one_blas_thread):
    params = he_mlp(np.random.default_rng(0), (64, 64, 32, 10))
    trained, history = impl.chapter4.train_mlp_3layer_regularized(
        params, digits.X_train, one_hot(digits.y_train), np.random.default_rng(1), lr=0.1, num_epochs=10,
        lambda_=1e-4, keep_prob=0.8, X_test=digits.X_test, y_test=one_hot(digits.y_test),
    )  # fmt: skip
    assert len(history) == 10, f"expected one record per epoch (10); got {len(history)}"
    for key in ("loss", "train_accuracy", "test_accuracy", "seconds"):
        assert_scalar(history[-1][key], history[-1][key], what=f"history[-1][{key!r}]")
    A = digits.X_train
    for layer in (1, 2):
        A = np.maximum(A @ trained[f"W{layer}"] + trained[f"b{layer}"], 0)
    accuracy = float(np.mean((A @ trained["W3"] + trained["b3"]).argmax(axis=1) == digits.y_train))
    assert_scalar(history[-1]["train_accuracy"], accuracy, what="train accuracy of the final parameters, "
                  "on the whole training set, without dropout", atol=1e-9)  # fmt: skip
    assert history[-1]["test_accuracy"] >= 0.8, f"test accuracy on the 8x8 digits: {history[-1]}"


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_train_regularized_strong_l2_shrinks_the_weights(impl, digits, one_blas_thread):
    params = he_mlp(np.random.default_rng(0), (64, 32, 16, 10))
    data = (digits.X_train[:500], one_hot(digits.y_train[:500]))
    plain, _ = impl.chapter4.train_mlp_3layer_regularized(params, *data, np.random.default_rng(1), num_epochs=5)
    shrunk, _ = impl.chapter4.train_mlp_3layer_regularized(
        params, *data, np.random.default_rng(1), num_epochs=5, lambda_=0.05
    )
    for name in ("W1", "W2", "W3"):
        ratio = float(np.linalg.norm(shrunk[name]) / np.linalg.norm(plain[name]))
        assert ratio < 0.8, f"lambda_ = 0.05 should shrink {name}: its norm is {ratio:.2f} of the unregularized one"


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_train_regularized_does_not_modify_the_callers_parameters(impl, digits):
    params = he_mlp(np.random.default_rng(0), (64, 8, 8, 10))
    before = {name: value.copy() for name, value in params.items()}
    impl.chapter4.train_mlp_3layer_regularized(params, digits.X_train[:64], one_hot(digits.y_train[:64]),
                                               np.random.default_rng(1), num_epochs=1, keep_prob=0.5)  # fmt: skip
    for name in NAMES:
        assert np.array_equal(params[name], before[name]), f"the caller's {name} changed: train on copies"


@pytest.mark.slow
@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_regularization_narrows_the_overfitting_gap(impl, mnist, one_blas_thread):
    """1,000 MNIST training images, 40 epochs: without regularization the 784-256-128-10 MLP
    memorizes them (100 % train accuracy, about 88 % test accuracy); L2 (lambda 0.01) with dropout
    (keep 0.5) narrows the train/test gap from about 12 to about 9 points at about the same test accuracy."""
    X, y = mnist.X_train[:1000], one_hot(mnist.y_train[:1000])
    X_test, y_test = mnist.X_test, one_hot(mnist.y_test)
    params = he_mlp(np.random.default_rng(0), (784, 256, 128, 10))
    results = {}
    for label, settings in (("plain", {}), ("regularized", {"lambda_": 1e-2, "keep_prob": 0.5})):
        _, history = impl.chapter4.train_mlp_3layer_regularized(
            params, X, y, np.random.default_rng(1), lr=0.05, num_epochs=40, batch_size=32,
            X_test=X_test, y_test=y_test, **settings,
        )  # fmt: skip
        final = history[-1]
        results[label] = (
            final["train_accuracy"],
            final["test_accuracy"],
            final["train_accuracy"] - final["test_accuracy"],
        )
        print(f"{label}: train {results[label][0]:.4f}, test {results[label][1]:.4f}, gap {results[label][2]:.4f}")
    assert results["plain"][0] >= 0.99, f"without regularization the network should memorize 1,000 images: {results}"
    assert results["regularized"][2] < results["plain"][2] - 0.02, f"the train/test gap did not narrow: {results}"
    assert results["regularized"][1] >= results["plain"][1] - 0.02, f"regularization cost test accuracy: {results}"
