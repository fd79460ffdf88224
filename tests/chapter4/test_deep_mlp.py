"""4.1 The 3-layer MLP: forward, backward, He-initialized parameters and training."""

import numpy as np
import pytest
import scipy.special
from threadpoolctl import threadpool_limits

from kata import training_cache
from kata.gradcheck import TOLERANCES, assert_gradients_close, away_from_kinks, numerical_gradient
from kata.inputs import one_hot
from kata.testing import assert_array, assert_close, assert_scalar, call_unchanged, rejects

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def oracle_forward(X, W1, b1, W2, b2, W3, b3):
    """The tests' own forward pass: pre-activations and activations."""
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    Z3 = A2 @ W3 + b3
    E = np.exp(Z3 - Z3.max(axis=1, keepdims=True))
    return (Z1, Z2), (A1, A2, E / E.sum(axis=1, keepdims=True))


def oracle_loss(params, X, y):
    _, (_, _, A3) = oracle_forward(X, *(params[name] for name in NAMES))
    return float(-np.sum(y * np.log(A3)) / len(X))


def small_network(rng, n=6, d=5, h1=7, h2=4, k=3):
    params = {
        "W1": rng.standard_normal((d, h1)) * 0.8,
        "b1": rng.standard_normal((1, h1)) * 0.3,
        "W2": rng.standard_normal((h1, h2)) * 0.8,
        "b2": rng.standard_normal((1, h2)) * 0.3,
        "W3": rng.standard_normal((h2, k)),
        "b3": rng.standard_normal((1, k)) * 0.3,
    }
    X = rng.standard_normal((n, d))
    y = np.eye(k)[rng.integers(0, k, n)]
    return params, X, y


# --- forward_mlp_3layer ---------------------------------------------------------------


@pytest.mark.kata("chapter4.forward_mlp_3layer")
def test_forward_hand_computed(impl):
    X = np.array([[1.0, -1.0]])
    W1, b1 = np.array([[1.0, -1.0], [2.0, 0.0]]), np.array([[0.5, 0.0]])  # Z1 = [-0.5, -1]: both off
    W2, b2 = np.array([[1.0], [1.0]]), np.array([[2.0]])  # Z2 = 2
    W3, b3 = np.array([[1.0, -1.0]]), np.array([[0.0, 0.0]])  # Z3 = [2, -2]
    A1, A2, A3 = impl.chapter4.forward_mlp_3layer(X, W1, b1, W2, b2, W3, b3)
    assert_close(A1, np.array([[0.0, 0.0]]), what="A1 = relu(X W1 + b1)")
    assert_close(A2, np.array([[2.0]]), what="A2 = relu(A1 W2 + b2)")
    e = np.exp(4.0)
    assert_close(A3, np.array([[e / (e + 1), 1 / (e + 1)]]), what="A3 = softmax(A2 W3 + b3)")


@pytest.mark.kata("chapter4.forward_mlp_3layer")
def test_forward_matches_the_oracle(impl):
    params, X, _ = small_network(np.random.default_rng(0))
    got = impl.chapter4.forward_mlp_3layer(X, *(params[name] for name in NAMES))
    _, expected = oracle_forward(X, *(params[name] for name in NAMES))
    # float64 with activations of order 1-10: any softmax formula (max-subtraction, logsumexp,
    # scipy) and any product order agree to ~1e-14, far inside 1e-10 relative.
    for name, array, want in zip(("A1", "A2", "A3"), got, expected, strict=True):
        assert_close(array, want, what=name, rtol=1e-10, atol=1e-12)


@pytest.mark.kata("chapter4.forward_mlp_3layer")
def test_forward_float32_mnist_shapes(impl):
    rng = np.random.default_rng(1)
    X = rng.random((16, 784), dtype=np.float32)
    sizes = ((784, 256), (256, 128), (128, 10))
    args = [X]
    for n_in, n_out in sizes:
        args += [(rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32),
                 np.zeros((1, n_out), np.float32)]  # fmt: skip
    A1, A2, A3 = call_unchanged(impl.chapter4.forward_mlp_3layer, *args)
    for name, array, width in (("A1", A1, 256), ("A2", A2, 128), ("A3", A3, 10)):
        assert_array(array, what=name, shape=(16, width), dtype=np.float32)
    # float32 (eps 6e-8) over 10 probabilities: the row sums are 1 within a few 1e-7.
    assert_close(A3.sum(axis=1), np.ones(16), what="rows of A3 sum to 1", rtol=1e-5)


@pytest.mark.kata("chapter4.forward_mlp_3layer")
@pytest.mark.parametrize(("bad", "shape"), [("W2", (6, 4)), ("b2", (4,)), ("W3", (5, 3)), ("b1", (1, 6))])
def test_forward_rejects_shapes_that_do_not_chain(impl, bad, shape):
    params, X, _ = small_network(np.random.default_rng(2))
    params[bad] = np.ones(shape)
    with rejects(bad):
        impl.chapter4.forward_mlp_3layer(X, *(params[name] for name in NAMES))


# --- backward_mlp_3layer --------------------------------------------------------------


@pytest.mark.kata("chapter4.backward_mlp_3layer")
def test_backward_agrees_with_numerical_gradients(impl):
    params, X, y = small_network(np.random.default_rng(2))
    (Z1, Z2), (A1, A2, A3) = oracle_forward(X, *(params[name] for name in NAMES))
    assert away_from_kinks(Z1) and away_from_kinks(Z2), "test data too close to a ReLU kink"
    grads = impl.chapter4.backward_mlp_3layer(X, A1, A2, A3, y, params["W1"], params["W2"], params["W3"])
    assert len(grads) == 6, f"expected six gradients (gW1, gb1, gW2, gb2, gW3, gb3); got {len(grads)}"
    numeric = {name: numerical_gradient(lambda: oracle_loss(params, X, y), params[name]) for name in NAMES}
    assert_gradients_close(dict(zip(NAMES, grads, strict=True)), numeric, TOLERANCES["smooth"])


@pytest.mark.kata("chapter4.backward_mlp_3layer")
def test_backward_float32_shapes_and_inputs(impl):
    rng = np.random.default_rng(4)
    params, X, y = small_network(rng, n=32, d=20, h1=16, h2=8, k=10)
    params = {name: value.astype(np.float32) for name, value in params.items()}
    X, y = X.astype(np.float32), y.astype(np.float32)
    _, (A1, A2, A3) = oracle_forward(X, *(params[name] for name in NAMES))
    grads = call_unchanged(
        impl.chapter4.backward_mlp_3layer, X, A1, A2, A3, y, params["W1"], params["W2"], params["W3"]
    )
    for name, grad in zip(NAMES, grads, strict=True):
        assert_array(grad, what=f"gradient of {name}", shape=params[name].shape, dtype=np.float32)


@pytest.mark.kata("chapter4.backward_mlp_3layer")
def test_backward_rejects_mismatched_labels(impl):
    params, X, y = small_network(np.random.default_rng(5))
    _, (A1, A2, A3) = oracle_forward(X, *(params[name] for name in NAMES))
    with rejects("y"):
        impl.chapter4.backward_mlp_3layer(X, A1, A2, A3, y[:, :2], params["W1"], params["W2"], params["W3"])
    with rejects("A2"):
        impl.chapter4.backward_mlp_3layer(X, A1, A1, A3, y, params["W1"], params["W2"], params["W3"])


# --- init_mlp_3layer ------------------------------------------------------------------


@pytest.mark.kata("chapter4.init_mlp_3layer")
def test_init_shapes_dtypes_and_zero_biases(impl):
    params = impl.chapter4.init_mlp_3layer(784, 256, 128, 10, np.random.default_rng(0))
    assert set(params) == set(NAMES), f"expected the keys {NAMES}; got {sorted(params)}"
    shapes = {"W1": (784, 256), "b1": (1, 256), "W2": (256, 128), "b2": (1, 128), "W3": (128, 10), "b3": (1, 10)}
    for name, shape in shapes.items():
        assert_array(params[name], what=name, shape=shape, dtype=np.float32)
    for name in ("b1", "b2", "b3"):
        assert_close(params[name], np.zeros(shapes[name]), what=f"{name} starts at 0")


@pytest.mark.kata("chapter4.init_mlp_3layer")
def test_init_he_scale_for_every_layer(impl):
    params = impl.chapter4.init_mlp_3layer(784, 256, 128, 10, np.random.default_rng(1), dtype=np.float64)
    # Statistical: mean(w^2) over N draws has a standard error of sqrt(2 / N) relative (0.3 %, 0.6 %,
    # 3.5 % for W1, W2, W3); the tolerances are four or more of those.
    for name, fan_in, tolerance in (("W1", 784, 0.02), ("W2", 256, 0.03), ("W3", 128, 0.15)):
        W = params[name]
        variance = float(np.mean(W**2))
        assert abs(variance / (2 / fan_in) - 1) < tolerance, (
            f"{name}: the mean of W^2 is {variance:.3g}; He initialization gives about 2 / fan_in = "
            f"{2 / fan_in:.3g} (fan_in = {fan_in}, the layer's number of inputs)"
        )
        assert abs(float(W.mean())) < 3 * np.sqrt(2 / fan_in / W.size) + 1e-12, f"{name}: the mean should be about 0"


@pytest.mark.kata("chapter4.init_mlp_3layer")
def test_init_is_determined_by_rng(impl):
    first = impl.chapter4.init_mlp_3layer(8, 6, 4, 3, np.random.default_rng(7))
    again = impl.chapter4.init_mlp_3layer(8, 6, 4, 3, np.random.default_rng(7))
    other = impl.chapter4.init_mlp_3layer(8, 6, 4, 3, np.random.default_rng(8))
    for name in NAMES:
        assert_close(again[name], first[name], what=f"{name} with the same seed", rtol=0, atol=0)
    assert not np.allclose(first["W1"], other["W1"]), "different seeds gave the same W1"


@pytest.mark.kata("chapter4.init_mlp_3layer")
def test_init_draws_w1_w2_w3_in_order_with_he_init(impl):
    rng = np.random.default_rng(9)
    expected = [impl.chapter4.he_init(n_in, n_out, rng) for n_in, n_out in ((8, 6), (6, 4), (4, 3))]
    params = impl.chapter4.init_mlp_3layer(8, 6, 4, 3, np.random.default_rng(9))
    for name, want in zip(("W1", "W2", "W3"), expected, strict=True):
        assert_close(params[name], want, what=f"{name}: your he_init, drawn in the order W1, W2, W3", rtol=0, atol=0)


@pytest.mark.kata("chapter4.init_mlp_3layer")
@pytest.mark.parametrize("bad", ["n_in", "h1", "h2", "n_out"])
def test_init_rejects_a_size_that_is_not_a_positive_int(impl, bad):
    sizes = {"n_in": 8, "h1": 6, "h2": 4, "n_out": 3, bad: 0}
    with rejects(bad):
        impl.chapter4.init_mlp_3layer(**sizes, rng=np.random.default_rng(0))


# --- train_mlp_3layer -----------------------------------------------------------------


@pytest.mark.kata("chapter4.train_mlp_3layer")
def test_train_learns_the_digits(impl, digits, one_blas_thread):
    rng = np.random.default_rng(0)
    params = {
        "W1": (rng.standard_normal((64, 32)) * np.sqrt(2 / 64)).astype(np.float32),
        "b1": np.zeros((1, 32), np.float32),
        "W2": (rng.standard_normal((32, 16)) * np.sqrt(2 / 32)).astype(np.float32),
        "b2": np.zeros((1, 16), np.float32),
        "W3": (rng.standard_normal((16, 10)) * np.sqrt(2 / 16)).astype(np.float32),
        "b3": np.zeros((1, 10), np.float32),
    }
    before = {name: value.copy() for name, value in params.items()}
    trained, history = impl.chapter4.train_mlp_3layer(
        params, digits.X_train, one_hot(digits.y_train), np.random.default_rng(1), lr=0.2, num_epochs=15,
        batch_size=32, X_test=digits.X_test, y_test=one_hot(digits.y_test),
    )  # fmt: skip
    for name in NAMES:
        assert_close(params[name], before[name], what=f"the caller's {name} (train on copies)", rtol=0, atol=0)
        assert_array(trained[name], what=f"trained {name}", shape=before[name].shape, dtype=np.float32)
    assert len(history) == 15, f"expected one history record per epoch (15); got {len(history)}"
    for key in ("loss", "train_accuracy", "test_accuracy", "seconds"):
        assert_scalar(history[-1][key], history[-1][key], what=f"history[-1][{key!r}]")
    # Every layer learned: the reference moves W1, W2, W3 by 0.77x, 0.8x, 1.0x their initial norm and
    # the biases (from zeros) by 0.43, 0.62, 0.67; a layer left out of the update stays put.
    for name in NAMES:
        moved = float(np.linalg.norm(trained[name].astype(np.float64) - before[name]))
        scale, least = (float(np.linalg.norm(before[name])), 0.25) if name[0] == "W" else (1.0, 0.1)
        assert moved / scale >= least, (
            f"train_mlp_3layer left {name} (almost) where it started: moved by {moved:.3g}, less than "
            f"{least} x {scale:.3g}: that layer did not learn (is it left out of the update?)"
        )
    # The baseline that shares the flaw "the hidden layers never learn": the same output layer trained
    # by the same SGD on the frozen random hidden layers. It reaches 53 % on the test set; the MLP 92 %.
    hidden = [np.maximum(np.maximum(X @ before["W1"] + before["b1"], 0) @ before["W2"] + before["b2"], 0)
              for X in (digits.X_train, digits.X_test)]  # fmt: skip
    W3, b3 = trained_softmax_head(hidden[0], one_hot(digits.y_train), before["W3"], before["b3"], 0.2, 15, 32)
    baseline = float(np.mean((hidden[1] @ W3 + b3).argmax(axis=1) == digits.y_test))
    assert history[-1]["test_accuracy"] >= baseline + 0.2, (
        f"test accuracy {history[-1]['test_accuracy']:.3f} is not 20 points above the {baseline:.3f} of the same "
        "output layer trained on frozen random hidden layers: W1, b1, W2, b2 did not learn"
    )
    assert history[-1]["loss"] < 0.5 * history[0]["loss"], f"the loss barely fell: {history[0]} -> {history[-1]}"
    assert history[-1]["test_accuracy"] >= 0.85, f"test accuracy on the 8x8 digits: {history[-1]['test_accuracy']}"


def trained_softmax_head(F, y, W, b, lr, num_epochs, batch_size):
    """Softmax regression on fixed features F from (W, b), by plain mini-batch SGD, in float64."""
    W, b, rng = W.astype(np.float64), b.astype(np.float64), np.random.default_rng(0)
    for _ in range(num_epochs):
        order = rng.permutation(len(F))
        for start in range(0, len(F), batch_size):
            index = order[start : start + batch_size]
            dS = (scipy.special.softmax(F[index] @ W + b, axis=1) - y[index]) / len(index)
            W, b = W - lr * F[index].T @ dS, b - lr * dS.sum(axis=0, keepdims=True)
    return W, b


@pytest.mark.kata("chapter4.train_mlp_3layer")
def test_train_is_reproducible(impl, digits):
    params = impl.chapter4.init_mlp_3layer(64, 16, 8, 10, np.random.default_rng(2))
    runs = [
        impl.chapter4.train_mlp_3layer(
            params, digits.X_train[:300], one_hot(digits.y_train[:300]), np.random.default_rng(seed), num_epochs=2
        )[0]
        for seed in (3, 3, 4)
    ]
    assert_close(runs[1]["W1"], runs[0]["W1"], what="W1 after training twice with the same seed", rtol=0, atol=0)
    assert not np.allclose(runs[2]["W1"], runs[0]["W1"]), "another shuffling seed gave the same weights"


@pytest.mark.kata("chapter4.train_mlp_3layer")
@pytest.mark.parametrize("value", [0.0, 0.05])
def test_train_equal_initial_weights_keep_hidden_units_identical(impl, digits, value):
    # Symmetry: units that start equal get equal gradients and stay equal, whatever the data.
    shapes = {"W1": (64, 6), "b1": (1, 6), "W2": (6, 5), "b2": (1, 5), "W3": (5, 10), "b3": (1, 10)}
    params = {name: np.full(shape, value, np.float32) for name, shape in shapes.items()}
    trained, history = impl.chapter4.train_mlp_3layer(
        params, digits.X_train, one_hot(digits.y_train), np.random.default_rng(0), lr=0.1, num_epochs=2
    )
    for name in ("W1", "W2"):
        W = trained[name]
        # float32: identical columns get identical updates up to the summation order of a matrix product.
        assert np.allclose(W, W[:, :1], rtol=1e-5, atol=1e-6), (
            f"{name}'s columns (one per hidden unit) should stay identical when every weight starts at {value}"
        )
    if value == 0.0:
        assert_close(trained["W1"], np.zeros((64, 6)), what="W1 from all-zero weights: ReLU'(0) = 0, no gradient")
        assert history[-1]["train_accuracy"] < 0.25, "all-zero weights cannot learn more than the class frequencies"


def oracle_training(impl, params, X, y, rng, lr, num_epochs, batch_size, X_test, y_test):
    """The docstring's loop, written by the test with the learner's own passes and chapter 1's batches."""
    params = {name: params[name].astype(X.dtype) for name in NAMES}
    history = []
    for _ in range(num_epochs):
        total, correct = 0.0, 0
        for X_batch, y_batch in impl.chapter1.iterate_minibatches(X, y, batch_size, rng):
            A1, A2, A3 = impl.chapter4.forward_mlp_3layer(X_batch, *(params[name] for name in NAMES))
            total += impl.chapter3.cross_entropy(A3, y_batch) * len(X_batch)
            correct += int(np.sum(A3.argmax(axis=1) == y_batch.argmax(axis=1)))
            grads = impl.chapter4.backward_mlp_3layer(
                X_batch, A1, A2, A3, y_batch, *(params[f"W{i}"] for i in (1, 2, 3))
            )
            params = {name: params[name] - lr * grad for name, grad in zip(NAMES, grads, strict=True)}
        _, _, A3 = impl.chapter4.forward_mlp_3layer(X_test, *(params[name] for name in NAMES))
        test_accuracy = float(np.mean(A3.argmax(axis=1) == y_test.argmax(axis=1)))
        history.append({"loss": total / len(X), "train_accuracy": correct / len(X), "test_accuracy": test_accuracy})
    return params, history


@pytest.mark.kata("chapter4.train_mlp_3layer")
def test_train_follows_the_documented_steps_and_history(impl, digits):
    # 100 samples in batches of 32 (the last one 4), reshuffled by rng every epoch, in float64.
    X, y = digits.X_train[:100].astype(np.float64), one_hot(digits.y_train[:100], dtype=np.float64)
    X_test, y_test = digits.X_test[:50].astype(np.float64), one_hot(digits.y_test[:50], dtype=np.float64)
    params = impl.chapter4.init_mlp_3layer(64, 12, 8, 10, np.random.default_rng(3), dtype=np.float64)
    options = {"lr": 0.3, "num_epochs": 3, "batch_size": 32}
    trained, history = impl.chapter4.train_mlp_3layer(
        params, X, y, np.random.default_rng(4), **options, X_test=X_test, y_test=y_test
    )
    expected, expected_history = oracle_training(impl, params, X, y, np.random.default_rng(4), **options,
                                                 X_test=X_test, y_test=y_test)  # fmt: skip
    # float64, 12 small steps: any order of the same float64 operations agrees to ~1e-14.
    for name in NAMES:
        assert_close(trained[name], expected[name], what=f"{name} after 3 epochs of P <- P - lr * grad on the "
                     "batches of iterate_minibatches(X, y, 32, rng)", rtol=1e-9, atol=1e-12)  # fmt: skip
    assert len(history) == 3, f"expected one history record per epoch (3); got {len(history)}"
    for epoch, (record, want) in enumerate(zip(history, expected_history, strict=True), start=1):
        assert record["loss"] == pytest.approx(want["loss"], rel=1e-9), (
            f"epoch {epoch}: loss = each batch's cross-entropy before its update, weighted by batch size; "
            f"expected {want['loss']}, got {record['loss']}"
        )
        for key in ("train_accuracy", "test_accuracy"):
            assert record[key] == pytest.approx(want[key]), f"epoch {epoch}: {key} {record[key]} != {want[key]}"
        assert isinstance(record["seconds"], float) and record["seconds"] >= 0, f"seconds: {record['seconds']!r}"


@pytest.mark.kata("chapter4.train_mlp_3layer")
@pytest.mark.parametrize(
    ("change", "bad"),
    [({"X_test": np.ones((2, 1))}, ("X_test", "y_test")), ({"params": {"W1": np.ones((1, 1))}}, ("params",)),
     ({"y_train": np.full((4, 1), 0.5)}, ("y_train",)), ({"y_train": np.ones((3, 1))}, ("y_train",)),
     ({"X_train": np.ones(4)}, ("X_train",)), ({"lr": 0.0}, ("lr",)), ({"num_epochs": 0}, ("num_epochs",)),
     ({"batch_size": 0}, ("batch_size",))],
)  # fmt: skip
def test_train_rejects_bad_arguments(impl, change, bad):
    arguments = {"params": {name: np.zeros((1, 1)) for name in NAMES}, "X_train": np.ones((4, 1)),
                 "y_train": np.ones((4, 1)), "rng": np.random.default_rng(0), **change}  # fmt: skip
    with rejects(*bad):
        impl.chapter4.train_mlp_3layer(**arguments)


_MNIST_RUNS = {}  # implementation tree -> the history of its 8-epoch MNIST run, shared by both MNIST tests


def mnist_run(impl, mnist, request):
    """The course's 3-layer MLP run, once per implementation for both MNIST tests: 784-256-128-10, He
    init (seed 0), lr 0.1, batch 64, 8 epochs, shuffled with seed 1. The first record of its history is
    the run of one epoch: the same parameters after the same first epoch of the same rng stream.
    Called inside a test, so the time limit on learner code applies; the reference's run comes from
    kata.training_cache when its files have not changed since."""
    if impl.tree in _MNIST_RUNS:
        return _MNIST_RUNS[impl.tree]

    def train():
        params = impl.chapter4.init_mlp_3layer(784, 256, 128, 10, np.random.default_rng(0))
        with threadpool_limits(limits=1, user_api="blas"):
            _, records = impl.chapter4.train_mlp_3layer(
                params, mnist.X_train, one_hot(mnist.y_train), np.random.default_rng(1), lr=0.1, num_epochs=8,
                batch_size=64, X_test=mnist.X_test, y_test=one_hot(mnist.y_test),
            )  # fmt: skip
        return {"history": records}

    _MNIST_RUNS[impl.tree] = training_cache.reference_result(request, impl, "deep_mlp_mnist", train)["history"]
    return _MNIST_RUNS[impl.tree]


@pytest.mark.slow
@pytest.mark.kata("chapter4.train_mlp_3layer")
def test_train_mnist_one_epoch_passes_85_percent(impl, mnist, request):
    """The learner's threshold: the 3-layer MLP, one epoch on all of MNIST, >= 85 % on the 10,000 test images."""
    history = mnist_run(impl, mnist, request)
    print(f"3-layer MLP, 1 epoch: {history[:1]}")
    assert history[0]["test_accuracy"] >= 0.85, (
        f"MNIST test accuracy after one epoch: {history[0]['test_accuracy']:.4f}"
    )


@pytest.mark.slow
@pytest.mark.kata("chapter4.train_mlp_3layer")
def test_train_mnist_reaches_97_percent(impl, mnist, request):
    """The course's 3-layer MLP run: 784-256-128-10, He init, lr 0.1, batch 64, 8 epochs."""
    history = mnist_run(impl, mnist, request)
    for record in history:
        print({key: round(value, 4) for key, value in record.items()})
    assert len(history) == 8, f"8 epochs must give 8 history records; got {len(history)}"
    assert history[-1]["test_accuracy"] >= 0.97, f"MNIST test accuracy after 8 epochs: {history[-1]}"
