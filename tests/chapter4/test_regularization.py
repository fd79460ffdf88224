"""4.4 L2 regularization, inverted dropout, and the regularized 3-layer MLP against overfitting."""

import numpy as np
import pytest
import scipy.special

from kata import training_cache
from kata.gradcheck import TOLERANCES, assert_gradients_close, away_from_kinks, numerical_gradient, numerical_vjp
from kata.inputs import he_parameters, one_hot
from kata.testing import assert_array, assert_close, assert_scalar, call_unchanged, rejects

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


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
    params = he_parameters(rng, (5, 6, 4, 3), dtype=np.float64, bias_scale=0)
    for layer in (1, 2, 3):
        params[f"b{layer}"] = rng.standard_normal((1, params[f"b{layer}"].shape[1])) * 0.3
    return params, rng.standard_normal((7, 5)), np.eye(3)[rng.integers(0, 3, 7)]


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
    with rejects("lambda_"):
        impl.chapter4.l2_regularization([np.ones((2, 2))], -0.1)


@pytest.mark.kata("chapter4.l2_regularization")
def test_l2_rejects_weights_that_are_not_arrays(impl):
    with rejects("weights"):
        impl.chapter4.l2_regularization(np.ones((2, 2)), 0.1)  # one matrix, not a list of them
    with rejects("weights"):
        impl.chapter4.l2_regularization([np.ones((2, 2)), "W2"], 0.1)


# --- dropout --------------------------------------------------------------------------


@pytest.mark.kata("chapter4.dropout")
def test_dropout_keeps_a_fraction_p_and_scales_by_one_over_p(impl):
    A = np.ones((400, 500), np.float32)
    A_out, mask = impl.chapter4.dropout(A, 0.8, np.random.default_rng(0))
    assert_array(A_out, what="dropout(A)", shape=A.shape, dtype=np.float32)
    assert_array(mask, what="the mask (A's shape and dtype)", shape=A.shape, dtype=np.float32)
    kept = float(np.mean(A_out != 0))
    # Statistical: 200,000 units keep a share with standard error 0.0009; 0.005 is over five of them.
    assert abs(kept - 0.8) < 0.005, (
        f"p = 0.8 is the keep probability: about 80 % of the units should survive; {kept:.1%} did "
        "(is p treated as the drop probability?)"
    )
    survivors = np.unique(A_out[A_out != 0])
    # float32: 1 / 0.8 = 1.25 is exact, whether computed as A * mask / p, A / p or A * (1 / p).
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
def test_dropout_draws_the_mask_as_documented(impl):
    A = np.random.default_rng(9).standard_normal((5, 6))
    _, mask = impl.chapter4.dropout(A, 0.7, np.random.default_rng(10))
    expected = (np.random.default_rng(10).random(A.shape) < 0.7).astype(A.dtype)
    assert_close(mask, expected, what="the mask: rng.random(A.shape) < p, as A's dtype", rtol=0, atol=0)


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
    with rejects("p"):
        impl.chapter4.dropout(np.ones((2, 2)), p, np.random.default_rng(0))


@pytest.mark.kata("chapter4.dropout")
def test_dropout_rejects_the_global_random_module(impl):
    with rejects("rng"):
        impl.chapter4.dropout(np.ones((2, 2)), 0.5, np.random)


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
    with rejects("mask"):
        impl.chapter4.dropout_backward(np.ones((2, 3)), np.ones((3, 2)), 0.5)
    with rejects("p"):
        impl.chapter4.dropout_backward(np.ones((2, 2)), np.ones((2, 2)), 0.0)


# --- regularized_loss_and_gradients ---------------------------------------------------


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
def test_regularized_loss_without_dropout(impl):
    params, X, y = small_problem()
    loss, _ = impl.chapter4.regularized_loss_and_gradients(params, X, y, np.random.default_rng(0), lambda_=0.05)
    # float64 with losses of order 1: any softmax and cross-entropy formula agrees to ~1e-15.
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
def test_regularized_loss_uses_your_dropout_layer_1_first(impl):
    params, X, y = small_problem(seed=4)
    loss, _ = impl.chapter4.regularized_loss_and_gradients(
        params, X, y, np.random.default_rng(5), lambda_=0.01, keep_prob=0.5
    )
    rng = np.random.default_rng(5)
    H1 = np.maximum(X @ params["W1"] + params["b1"], 0)
    D1, _ = impl.chapter4.dropout(H1, 0.5, rng)  # layer 1's mask first ...
    H2 = np.maximum(D1 @ params["W2"] + params["b2"], 0)
    D2, _ = impl.chapter4.dropout(H2, 0.5, rng)  # ... then layer 2's, from the same rng
    log_probs = scipy.special.log_softmax(D2 @ params["W3"] + params["b3"], axis=1)
    penalty = 0.01 * sum(np.sum(params[f"W{layer}"] ** 2) for layer in (1, 2, 3))
    expected = float(-np.sum(y * log_probs) / len(X) + penalty)
    # float64 with losses of order 1: any softmax and cross-entropy formula agrees to ~1e-15.
    assert_scalar(loss, expected, what="the loss with dropout masks drawn by your dropout, layer 1 then layer 2",
                  rtol=1e-9)  # fmt: skip


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
@pytest.mark.parametrize(
    ("change", "bad"),
    [({"keep_prob": 0.0}, "keep_prob"), ({"keep_prob": 1.5}, "keep_prob"), ({"lambda_": -1.0}, "lambda_"),
     ({"y": np.ones((7, 2))}, "y"), ({"X": np.ones((7, 4))}, "X")],
)  # fmt: skip
def test_regularized_rejects_bad_arguments(impl, change, bad):
    params, X, y = small_problem()
    arguments = {"params": params, "X": X, "y": y, "rng": np.random.default_rng(0), **change}
    with rejects(bad):
        impl.chapter4.regularized_loss_and_gradients(**arguments)
    with rejects("params"):
        impl.chapter4.regularized_loss_and_gradients({k: v for k, v in params.items() if k != "b2"}, X, y,
                                                     np.random.default_rng(0))  # fmt: skip


@pytest.mark.kata("chapter4.regularized_loss_and_gradients")
def test_regularized_float32(impl):
    params = he_parameters(np.random.default_rng(4), (20, 16, 8, 10), bias_scale=0)
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
    params = he_parameters(np.random.default_rng(0), (64, 64, 32, 10), bias_scale=0)
    trained, history = impl.chapter4.train_mlp_3layer_regularized(
        params, digits.X_train, one_hot(digits.y_train), np.random.default_rng(1), lr=0.1, num_epochs=10,
        lambda_=1e-4, keep_prob=0.8, X_test=digits.X_test, y_test=one_hot(digits.y_test),
    )  # fmt: skip
    assert len(history) == 10, f"expected one record per epoch (10); got {len(history)}"
    for key in ("loss", "train_accuracy", "test_accuracy", "seconds"):
        assert_scalar(history[-1][key], history[-1][key], what=f"history[-1][{key!r}]")
    # Every layer learned: the reference moves W1, W2, W3 by 0.31x, 0.39x, 0.62x their initial norm
    # and the biases (from zeros) by 0.31, 0.34, 0.35; a layer left out of the update stays put.
    for name in NAMES:
        moved = float(np.linalg.norm(trained[name].astype(np.float64) - params[name]))
        scale, least = (float(np.linalg.norm(params[name])), 0.1) if name[0] == "W" else (1.0, 0.1)
        assert moved / scale >= least, (
            f"train_mlp_3layer_regularized left {name} (almost) where it started: moved by {moved:.3g}, less "
            f"than {least} x {scale:.3g}: that layer did not learn (is it left out of the update?)"
        )
    A = digits.X_train
    for layer in (1, 2):
        A = np.maximum(A @ trained[f"W{layer}"] + trained[f"b{layer}"], 0)
    accuracy = float(np.mean((A @ trained["W3"] + trained["b3"]).argmax(axis=1) == digits.y_train))
    # float32 scores: another product order may flip a near-tie, so one sample of 1,500 may differ
    # (the batches' running accuracy differs by several points).
    assert_scalar(history[-1]["train_accuracy"], accuracy, what="train accuracy of the final parameters, "
                  "on the whole training set, without dropout", atol=1.5 / len(digits.X_train))  # fmt: skip
    assert history[-1]["test_accuracy"] >= 0.8, f"test accuracy on the 8x8 digits: {history[-1]}"


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_train_regularized_strong_l2_shrinks_the_weights(impl, digits, one_blas_thread):
    params = he_parameters(np.random.default_rng(0), (64, 32, 16, 10), bias_scale=0)
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
    params = he_parameters(np.random.default_rng(0), (64, 8, 8, 10), bias_scale=0)
    before = {name: value.copy() for name, value in params.items()}
    impl.chapter4.train_mlp_3layer_regularized(params, digits.X_train[:64], one_hot(digits.y_train[:64]),
                                               np.random.default_rng(1), num_epochs=1, keep_prob=0.5)  # fmt: skip
    for name in NAMES:
        assert np.array_equal(params[name], before[name]), f"the caller's {name} changed: train on copies"


def oracle_regularized_training(impl, params, X, y, rng, lr, num_epochs, batch_size, lambda_, keep_prob, X_test,
                                y_test):  # fmt: skip
    """The docstring's loop, written by the test with the learner's own katas and chapter 1's batches."""

    def accuracy(X, y):
        _, _, A3 = impl.chapter4.forward_mlp_3layer(X, *(params[name] for name in NAMES))
        return float(np.mean(A3.argmax(axis=1) == y.argmax(axis=1)))

    params = {name: params[name].astype(X.dtype) for name in NAMES}
    history = []
    for _ in range(num_epochs):
        total = 0.0
        for X_batch, y_batch in impl.chapter1.iterate_minibatches(X, y, batch_size, rng):
            loss, grads = impl.chapter4.regularized_loss_and_gradients(
                params, X_batch, y_batch, rng, lambda_=lambda_, keep_prob=keep_prob
            )
            total += loss * len(X_batch)
            params = {name: params[name] - lr * grads[name] for name in NAMES}
        history.append(
            {"loss": total / len(X), "train_accuracy": accuracy(X, y), "test_accuracy": accuracy(X_test, y_test)}
        )
    return params, history


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
@pytest.mark.parametrize(("lambda_", "keep_prob"), [(0.01, 0.7), (0.01, 1.0), (0.0, 0.7)])
def test_train_regularized_follows_the_documented_steps_and_history(impl, digits, lambda_, keep_prob):
    # 100 samples in batches of 32 (the last one 4), shuffled and masked by the same rng, in float64;
    # L2 and dropout together and each alone.
    X, y = digits.X_train[:100].astype(np.float64), one_hot(digits.y_train[:100], dtype=np.float64)
    X_test, y_test = digits.X_test[:50].astype(np.float64), one_hot(digits.y_test[:50], dtype=np.float64)
    params = he_parameters(np.random.default_rng(3), (64, 12, 8, 10), dtype=np.float64, bias_scale=0)
    options = {"lr": 0.3, "num_epochs": 3, "batch_size": 32, "lambda_": lambda_, "keep_prob": keep_prob}
    trained, history = impl.chapter4.train_mlp_3layer_regularized(
        params, X, y, np.random.default_rng(4), **options, X_test=X_test, y_test=y_test
    )
    expected, expected_history = oracle_regularized_training(impl, params, X, y, np.random.default_rng(4), **options,
                                                             X_test=X_test, y_test=y_test)  # fmt: skip
    # float64, 12 small steps: any order of the same float64 operations agrees to ~1e-14.
    for name in NAMES:
        assert_close(trained[name], expected[name], what=f"{name} after 3 epochs of P <- P - lr * grad, with the "
                     "batches of iterate_minibatches(X, y, 32, rng) and the masks from the same rng",
                     rtol=1e-9, atol=1e-12)  # fmt: skip
    assert len(history) == 3, f"expected one history record per epoch (3); got {len(history)}"
    for epoch, (record, want) in enumerate(zip(history, expected_history, strict=True), start=1):
        assert record["loss"] == pytest.approx(want["loss"], rel=1e-9), (
            f"epoch {epoch}: loss = each batch's regularized loss, weighted by batch size; "
            f"expected {want['loss']}, got {record['loss']}"
        )
        for key in ("train_accuracy", "test_accuracy"):
            assert record[key] == pytest.approx(want[key]), (
                f"epoch {epoch}: {key} of the end-of-epoch parameters without dropout: {record[key]} != {want[key]}"
            )
        assert isinstance(record["seconds"], float) and record["seconds"] >= 0, f"seconds: {record['seconds']!r}"


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_train_regularized_is_reproducible_dropout_masks_included(impl, digits):
    X, y = digits.X_train[:96], one_hot(digits.y_train[:96])
    params = he_parameters(np.random.default_rng(7), (64, 12, 8, 10), bias_scale=0)
    options = {"num_epochs": 2, "batch_size": 32, "keep_prob": 0.6}
    train = impl.chapter4.train_mlp_3layer_regularized
    runs = [train(params, X, y, np.random.default_rng(seed), **options)[0] for seed in (8, 8, 9)]
    for name in NAMES:
        assert np.array_equal(runs[0][name], runs[1][name]), f"the same seed gave a different {name} (dropout on)"
    assert not np.allclose(runs[0]["W1"], runs[2]["W1"]), "another seed gave the same W1: draw from rng"


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_train_regularized_without_regularization_follows_train_mlp_3layer(impl, digits):
    X, y = digits.X_train[:100].astype(np.float64), one_hot(digits.y_train[:100], dtype=np.float64)
    params = he_parameters(np.random.default_rng(5), (64, 12, 8, 10), dtype=np.float64, bias_scale=0)
    options = {"lr": 0.3, "num_epochs": 2, "batch_size": 32}
    plain, _ = impl.chapter4.train_mlp_3layer(params, X, y, np.random.default_rng(6), **options)
    regularized, _ = impl.chapter4.train_mlp_3layer_regularized(params, X, y, np.random.default_rng(6), **options)
    for name in NAMES:
        assert_close(regularized[name], plain[name], what=f"{name} with lambda_ = 0 and keep_prob = 1: "
                     "train_mlp_3layer's path", rtol=1e-9, atol=1e-12)  # fmt: skip


@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
@pytest.mark.parametrize(
    ("change", "bad"),
    [({"lambda_": -0.1}, ("lambda_",)), ({"keep_prob": 0.0}, ("keep_prob",)), ({"keep_prob": 2.0}, ("keep_prob",)),
     ({"y_test": np.eye(10)[:3]}, ("X_test", "y_test")), ({"params": {"W1": np.ones((64, 8))}}, ("params",)),
     ({"y_train": np.full((5, 10), 0.1)}, ("y_train",)), ({"num_epochs": 0}, ("num_epochs",))],
)  # fmt: skip
def test_train_regularized_rejects_bad_arguments(impl, change, bad):
    arguments = {"params": he_parameters(np.random.default_rng(0), (64, 8, 8, 10), bias_scale=0),
                 "X_train": np.ones((5, 64), np.float32), "y_train": one_hot(np.arange(5)),
                 "rng": np.random.default_rng(0), **change}  # fmt: skip
    with rejects(*bad):
        impl.chapter4.train_mlp_3layer_regularized(**arguments)


def oracle_accuracy(params, X, labels):
    """The fraction of rows of X the plain 3-layer MLP (no dropout) classifies as labels, by the test's own pass."""
    A = X
    for layer in (1, 2):
        A = np.maximum(A @ params[f"W{layer}"] + params[f"b{layer}"], 0)
    return float(np.mean((A @ params["W3"] + params["b3"]).argmax(axis=1) == labels))


@pytest.mark.slow
@pytest.mark.kata("chapter4.train_mlp_3layer_regularized")
def test_regularization_narrows_the_overfitting_gap(impl, mnist, one_blas_thread, request):
    """1,000 MNIST training images, 40 epochs: without regularization the 784-256-128-10 MLP
    memorizes them (100 % train accuracy, about 88 % test accuracy); L2 (lambda 0.01) with dropout
    (keep 0.5) narrows the train/test gap from about 12 to about 9 points at about the same test accuracy.
    The test accuracy of the trained parameters is the test's own, computed once: passing the test set
    to train_mlp_3layer_regularized would evaluate all 10,000 images after each of the 40 epochs, most
    of the test's time. The reference's runs come from kata.training_cache when its files have not
    changed since."""
    X, y = mnist.X_train[:1000], one_hot(mnist.y_train[:1000])
    params = he_parameters(np.random.default_rng(0), (784, 256, 128, 10), bias_scale=0)

    def train():
        accuracies = {}
        for label, settings in (("plain", {}), ("regularized", {"lambda_": 1e-2, "keep_prob": 0.5})):
            trained, history = impl.chapter4.train_mlp_3layer_regularized(
                params, X, y, np.random.default_rng(1), lr=0.05, num_epochs=40, batch_size=32, **settings
            )
            accuracies[label] = (history[-1]["train_accuracy"], oracle_accuracy(trained, mnist.X_test, mnist.y_test))
        return {"accuracies": accuracies}

    results = {}
    for label, (train_accuracy, test_accuracy) in training_cache.reference_result(
        request, impl, "regularized_mnist_1000", train
    )["accuracies"].items():
        results[label] = (train_accuracy, test_accuracy, train_accuracy - test_accuracy)
        print(f"{label}: train {results[label][0]:.4f}, test {results[label][1]:.4f}, gap {results[label][2]:.4f}")
    assert results["plain"][0] >= 0.99, f"without regularization the network should memorize 1,000 images: {results}"
    assert results["regularized"][2] < results["plain"][2] - 0.02, f"the train/test gap did not narrow: {results}"
    assert results["regularized"][1] >= results["plain"][1] - 0.02, f"regularization cost test accuracy: {results}"
