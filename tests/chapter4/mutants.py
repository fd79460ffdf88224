"""Plausible wrong chapter-4 solutions; every one must fail some test of its kata."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kata.mutants import mutant, mutant_edit
from reference.chapter3 import relu

CNN_NAMES = ("K", "bK", "W", "b")


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _windows(X, kh, kw, stride):
    return sliding_window_view(X, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]


def _pool_windows(X, size, stride):
    return sliding_window_view(X, (size, size), axis=(1, 2))[:, ::stride, ::stride]


# --- 4.1 the 3-layer MLP, vanishing gradients, initialization ---------------------------


mutant_edit(
    "chapter4.forward_mlp_3layer", "sigmoid_in_the_second_layer",
    "The second hidden layer uses the sigmoid instead of ReLU.",
    ("A2 = relu(A1 @ W2 + b2)", "A2 = 1 / (1 + np.exp(-(A1 @ W2 + b2)))"),
)  # fmt: skip
mutant_edit(
    "chapter4.forward_mlp_3layer", "softmax_down_the_columns",
    "Normalizes each class over the batch (axis 0) instead of each sample over the classes.",
    ("A3 = softmax(A2 @ W3 + b3)", "E = np.exp(A2 @ W3 + b3)\n    A3 = E / E.sum(axis=0, keepdims=True)"),
)  # fmt: skip
mutant_edit(
    "chapter4.backward_mlp_3layer", "forgets_one_over_n",
    "Sums the gradients over the batch instead of averaging them.",
    ("dZ3 = (A3 - y) / len(X)", "dZ3 = A3 - y"),
)  # fmt: skip
mutant_edit(
    "chapter4.backward_mlp_3layer", "no_relu_mask_on_the_first_layer",
    "Backpropagates through the first hidden layer as if it were linear.",
    ("dZ1 = (dZ2 @ W2.T) * relu_derivative(A1)", "dZ1 = dZ2 @ W2.T"),
)  # fmt: skip
mutant_edit(
    "chapter4.layer_gradient_norms", "sigmoid_derivative_applied_twice",
    "Computes sigma'(A) = sigma(A) (1 - sigma(A)) from the activation A = sigma(Z): sigmoid applied twice.",
    ("lambda A: A * (1 - A)", "lambda A: sigmoid(A) * (1 - sigmoid(A))"),
)  # fmt: skip
mutant_edit(
    "chapter4.layer_gradient_norms", "last_layer_first",
    "Returns the norms in backpropagation's order, output layer first.",
    ("return norms[::-1]", "return norms"),
)  # fmt: skip


mutant_edit(
    "chapter4.he_init", "variance_one_over_n_in",
    "LeCun's scale 1 / n_in: a deep ReLU network's signal halves at every layer.",
    ('np.sqrt(2.0 / n_in)', 'np.sqrt(1.0 / n_in)'),
)  # fmt: skip


mutant_edit(
    "chapter4.he_init", "standard_deviation_two_over_n_in",
    'Uses 2 / n_in as the standard deviation instead of the variance.',
    ('np.sqrt(2.0 / n_in)', '(2.0 / n_in)'),
)  # fmt: skip


mutant_edit(
    "chapter4.he_init", "uniform_instead_of_normal",
    "The right variance, but uniform on [-sqrt(6 / n_in), sqrt(6 / n_in)] instead of normal.",
    ("rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)",
     "rng.uniform(-np.sqrt(6 / n_in), np.sqrt(6 / n_in), (n_in, n_out))"),
)  # fmt: skip


mutant_edit(
    "chapter4.xavier_init", "fan_in_only", 'Variance 1 / n_in: ignores the fan-out.',
    ('np.sqrt(2.0 / (n_in + n_out))', 'np.sqrt(1.0 / n_in)'),
)  # fmt: skip


mutant_edit(
    "chapter4.xavier_init", "xavier_from_the_global_generator",
    'Draws from np.random instead of rng: not reproducible.',
    ('rng.standard_normal((n_in, n_out))', 'np.random.standard_normal((n_in, n_out))'),
)  # fmt: skip


mutant_edit(
    "chapter4.init_mlp_3layer", "small_random_weights", "The posts' 0.01 * randn: far too small for three ReLU layers.",
    ("he_init(n_in, h1, rng, dtype)", "(0.01 * rng.standard_normal((n_in, h1))).astype(dtype)"),
    ("he_init(h1, h2, rng, dtype)", "(0.01 * rng.standard_normal((h1, h2))).astype(dtype)"),
    ("he_init(h2, n_out, rng, dtype)", "(0.01 * rng.standard_normal((h2, n_out))).astype(dtype)"),
)  # fmt: skip
mutant_edit(
    "chapter4.init_mlp_3layer", "one_dimensional_biases", "Biases of shape (h,) instead of (1, h).",
    ("np.zeros((1, h1), dtype=dtype)", "np.zeros(h1, dtype=dtype)"),
    ("np.zeros((1, h2), dtype=dtype)", "np.zeros(h2, dtype=dtype)"),
    ("np.zeros((1, n_out), dtype=dtype)", "np.zeros(n_out, dtype=dtype)"),
)  # fmt: skip


mutant_edit(
    "chapter4.train_mlp_3layer", "never_shuffles", "Walks through the training set in its stored order every epoch.",
    ("_batches(X_train, y_train, batch_size, rng)", "_batches(X_train, y_train, batch_size, None)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "shuffles_only_once", "Draws one permutation before the first epoch and reuses it.",
    ("    for _ in range(num_epochs):\n",
     "    order = rng.permutation(len(X_train))\n    X_train, y_train = X_train[order], y_train[order]\n"
     "    for _ in range(num_epochs):\n"),
    ("_batches(X_train, y_train, batch_size, rng)", "_batches(X_train, y_train, batch_size, None)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "trains_the_callers_arrays", "Updates the caller's parameter arrays in place.",
    ("params = _copy_parameters(params, MLP_PARAMETERS, X_train.dtype)",
     "params = {name: params[name] for name in MLP_PARAMETERS}"),
)  # fmt: skip


# --- 4.2 convolution ------------------------------------------------------------------


@mutant("chapter4.conv2d")
def true_convolution(image, filter_kernel, stride=1):
    """Flips the kernel (what scipy.signal.convolve2d does) where cross-correlation is asked."""
    windows = sliding_window_view(image, filter_kernel.shape)[::stride, ::stride]
    return np.einsum("ijmn,mn->ij", windows, filter_kernel[::-1, ::-1])


@mutant("chapter4.conv2d")
def stride_applied_to_the_kernel(image, filter_kernel, stride=1):
    """Steps through the kernel's entries with the stride instead of through the windows."""
    windows = sliding_window_view(image, filter_kernel.shape)
    return np.einsum("ijmn,mn->ij", windows[:, :, ::stride, ::stride], filter_kernel[::stride, ::stride])


@mutant("chapter4.conv_forward")
def flipped_kernel(X, K, b, stride=1):
    """A true convolution: the kernel flipped in both spatial directions."""
    return np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], stride), K[::-1, ::-1]) + b


@mutant("chapter4.conv_forward")
def first_bias_for_every_filter(X, K, b, stride=1):
    """Adds b[0] to every output channel."""
    return np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], stride), K) + b[0]


def _conv_backward_parts(dZ, X, K, stride):
    kh, kw = K.shape[:2]
    H_out, W_out = (X.shape[1] - kh) // stride + 1, (X.shape[2] - kw) // stride + 1
    dX = np.zeros_like(X, dtype=np.result_type(dZ, K))
    for m in range(kh):
        for q in range(kw):
            rows, cols = slice(m, m + stride * (H_out - 1) + 1, stride), slice(q, q + stride * (W_out - 1) + 1, stride)
            dX[:, rows, cols, :] += np.einsum("nhwo,co->nhwc", dZ, K[m, q])
    return dX, _windows(X, kh, kw, stride)


@mutant("chapter4.conv_backward")
def kernel_gradient_swaps_input_and_output(dZ, X, K, stride=1, input_gradient=True):
    """Builds dK with the input and output channel axes swapped, then reshapes it to K's shape."""
    dX, windows = _conv_backward_parts(dZ, X, K, stride)
    dK = np.einsum("nhwcij,nhwo->ijoc", windows, dZ).reshape(K.shape)
    return dX if input_gradient else None, dK, dZ.sum(axis=(0, 1, 2))


@mutant("chapter4.conv_backward")
def bias_gradient_averaged(dZ, X, K, stride=1, input_gradient=True):
    """Averages dZ over the output pixels for db, though every pixel used the bias once."""
    dX, windows = _conv_backward_parts(dZ, X, K, stride)
    dK = np.einsum("nhwcij,nhwo->ijco", windows, dZ)
    return dX if input_gradient else None, dK, dZ.mean(axis=(1, 2)).sum(axis=0)


@mutant("chapter4.conv_backward")
def input_gradient_with_the_kernel_flipped(dZ, X, K, stride=1, input_gradient=True):
    """Sends each output gradient back through the flipped kernel, as a true convolution's backward pass would."""
    _, windows = _conv_backward_parts(dZ, X, K, stride)
    dX, _ = _conv_backward_parts(dZ, X, K[::-1, ::-1], stride)
    return dX if input_gradient else None, np.einsum("nhwcij,nhwo->ijco", windows, dZ), dZ.sum(axis=(0, 1, 2))


mutant_edit(
    "chapter4.conv_backward", "input_gradient_flag_inverted",
    "Skips dX when it is asked for (the default) and computes it when input_gradient=False.",
    ("if not input_gradient:", "if input_gradient:"),
)  # fmt: skip
mutant_edit(
    "chapter4.conv_backward", "input_gradient_flag_ignored",
    "Computes and returns dX even when input_gradient=False asks for None in its place.",
    ("if not input_gradient:", "if False:"),
)  # fmt: skip


# --- 4.3 pooling and the CNN ----------------------------------------------------------


@mutant("chapter4.max_pool")
def average_pooling(X, size=2, stride=2):
    """The mean of each window instead of its maximum."""
    return _pool_windows(X, size, stride).mean(axis=(4, 5))


@mutant("chapter4.max_pool")
def windows_one_pixel_apart(X, size=2, stride=2):
    """Ignores the stride: overlapping windows one pixel apart."""
    return _pool_windows(X, size, 1).max(axis=(4, 5))


def _route(dout, X, size, stride, choose):
    windows = _pool_windows(X, size, stride)
    flat = windows.reshape(*windows.shape[:4], size * size)
    dX = np.zeros_like(X)
    for cell in range(size * size):
        m, q = divmod(cell, size)
        rows = slice(m, m + stride * (dout.shape[1] - 1) + 1, stride)
        cols = slice(q, q + stride * (dout.shape[2] - 1) + 1, stride)
        dX[:, rows, cols, :] += choose(flat, cell) * dout
    return dX


@mutant("chapter4.max_pool_backward")
def every_tied_maximum(dout, X, size=2, stride=2, pooled=None):
    """Sends the window's gradient to every cell equal to its maximum: ties count it several times."""
    return _route(dout, X, size, stride, lambda flat, cell: flat[..., cell] == flat.max(axis=-1))


@mutant("chapter4.max_pool_backward")
def first_cell_of_the_window(dout, X, size=2, stride=2, pooled=None):
    """Sends the window's gradient to its top-left cell, whichever cell holds the maximum."""
    return _route(dout, X, size, stride, lambda flat, cell: np.full(flat.shape[:4], cell == 0))


@mutant("chapter4.max_pool_backward")
def last_tied_maximum(dout, X, size=2, stride=2, pooled=None):
    """One winner per window, but the last tied cell instead of the first (np.argmax picks the first)."""

    def is_last_maximum(flat, cell):
        return flat.shape[-1] - 1 - np.argmax(flat[..., ::-1], axis=-1) == cell

    return _route(dout, X, size, stride, is_last_maximum)


mutant_edit(
    "chapter4.max_pool_backward", "last_cell_wins_every_tie_it_is_in",
    "Gives the last cell of each window the gradient wherever it equals the maximum, claimed or not.",
    ("_route(unclaimed, dout, dX[last_cell]", "_route(X[last_cell] == pooled, dout, dX[last_cell]"),
)  # fmt: skip
mutant_edit(
    "chapter4.max_pool_backward", "pooled_keyword_inverted",
    "Recomputes the maximum when pooled is given and compares against nothing when it is not.",
    ("if pooled is None:", "if pooled is not None:"),
)  # fmt: skip


@mutant("chapter4.init_cnn")
def unpooled_feature_count(rng, n_filters=8, kernel_size=3, n_classes=10, dtype=np.float32,
                           image_shape=(28, 28, 1)):  # fmt: skip
    """Sizes the dense layer for the feature maps before pooling (26 * 26 * 8 rows)."""
    H, W, C = image_shape
    n_flat = (H - kernel_size + 1) * (W - kernel_size + 1) * n_filters
    fan_in = kernel_size * kernel_size * C
    return {
        "K": (rng.standard_normal((kernel_size, kernel_size, C, n_filters)) * np.sqrt(2 / fan_in)).astype(dtype),
        "bK": np.zeros(n_filters, dtype),
        "W": (rng.standard_normal((n_flat, n_classes)) * np.sqrt(2 / (n_flat + n_classes))).astype(dtype),
        "b": np.zeros((1, n_classes), dtype),
    }


@mutant("chapter4.init_cnn")
def kernel_fan_in_forgets_the_window(rng, n_filters=8, kernel_size=3, n_classes=10, dtype=np.float32,
                                     image_shape=(28, 28, 1)):  # fmt: skip
    """He-initializes the kernels with fan-in C_in (1) instead of kernel_size * kernel_size * C_in (9)."""
    H, W, C = image_shape
    n_flat = ((H - kernel_size + 1) // 2) * ((W - kernel_size + 1) // 2) * n_filters
    return {
        "K": (rng.standard_normal((kernel_size, kernel_size, C, n_filters)) * np.sqrt(2 / C)).astype(dtype),
        "bK": np.zeros(n_filters, dtype),
        "W": (rng.standard_normal((n_flat, n_classes)) * np.sqrt(2 / (n_flat + n_classes))).astype(dtype),
        "b": np.zeros((1, n_classes), dtype),
    }


def _cnn_forward(X, params, activation, flatten):
    K, bK, W, b = (params[name] for name in CNN_NAMES)
    Z = np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], 1), K) + bK
    A = activation(Z)
    P = _pool_windows(A, 2, 2).max(axis=(4, 5))
    features = flatten(P)
    probs = _softmax_rows(features @ W + b)
    return probs, {"X": X, "A": A, "P": P, "probs": probs}


@mutant("chapter4.forward_cnn")
def no_relu(X, params):
    """Pools the convolution's output without the ReLU."""
    return _cnn_forward(X, params, lambda Z: Z, lambda P: P.reshape(len(P), -1))


@mutant("chapter4.forward_cnn")
def caches_the_pre_activations(X, params):
    """Right probabilities, but the cache's "A" holds the convolution's output before the ReLU."""
    probs, cache = _cnn_forward(X, params, relu, lambda P: P.reshape(len(P), -1))
    K, bK = params["K"], params["bK"]
    return probs, {**cache, "A": np.einsum("nhwcij,ijco->nhwo", _windows(X, *K.shape[:2], 1), K) + bK}


@mutant("chapter4.forward_cnn")
def flattens_channels_first(X, params):
    """Flattens the pooled maps channel by channel ((N, C, H, W) order), not in the (H, W, C) order of W's rows."""
    return _cnn_forward(X, params, relu, lambda P: P.transpose(0, 3, 1, 2).reshape(len(P), -1))


def _cnn_backward(y, params, cache, n_divisor, relu_mask):
    K, W = params["K"], params["W"]
    X, A, P, probs = cache["X"], cache["A"], cache["P"], cache["probs"]
    dS = (probs - y) / n_divisor(len(probs))
    dP = (dS @ W.T).reshape(P.shape)
    windows = _pool_windows(A, 2, 2).reshape(*P.shape, 4)
    winner = windows.argmax(axis=-1)
    dA = np.zeros_like(A)
    for cell in range(4):
        m, q = divmod(cell, 2)
        dA[:, m : m + 2 * (P.shape[1] - 1) + 1 : 2, q : q + 2 * (P.shape[2] - 1) + 1 : 2, :] += (winner == cell) * dP
    dZ = dA * (A > 0) if relu_mask else dA
    dK = np.einsum("nhwcij,nhwo->ijco", _windows(X, *K.shape[:2], 1), dZ)
    return {"K": dK, "bK": dZ.sum(axis=(0, 1, 2)), "W": P.reshape(len(P), -1).T @ dS, "b": dS.sum(0, keepdims=True)}


@mutant("chapter4.backward_cnn")
def no_relu_mask(y, params, cache):
    """Skips the ReLU's derivative between the pooling and the convolution."""
    return _cnn_backward(y, params, cache, lambda n: n, relu_mask=False)


@mutant("chapter4.backward_cnn")
def cnn_gradients_summed_over_the_batch(y, params, cache):
    """Forgets the 1/N of the mean cross-entropy."""
    return _cnn_backward(y, params, cache, lambda n: 1, relu_mask=True)


mutant_edit(
    "chapter4.train_cnn", "cnn_never_shuffles", "Visits the batches in the stored order every epoch.",
    ("_batches(X_train, y_train, batch_size, rng)", "_batches(X_train, y_train, batch_size, None)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "decays_before_the_first_epoch",
    "Uses lr * lr_decay ** (epoch + 1): even the first epoch runs at a decayed rate.",
    ("rate = lr * lr_decay**epoch", "rate = lr * lr_decay ** (epoch + 1)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "velocity_restarts_every_epoch",
    "Sets every velocity back to zeros at the start of each epoch instead of once before training.",
    ("        rate = lr * lr_decay**epoch\n",
     "        rate = lr * lr_decay**epoch\n"
     "        velocity = {name: np.zeros_like(value) for name, value in params.items()}\n"),
)  # fmt: skip


# --- 4.4 regularization ---------------------------------------------------------------


mutant_edit(
    "chapter4.l2_regularization", "gradient_lambda_w",
    'Returns lambda * W as the gradient of lambda * ||W||^2 (the factor 2 is lost).',
    ('[2 * lambda_ * W for W in weights]', '[lambda_ * W for W in weights]'),
)  # fmt: skip


mutant_edit(
    "chapter4.l2_regularization", "half_penalty",
    'Uses the (lambda / 2) ||W||^2 convention for the penalty, with the gradient of the other one.',
    ('penalty = lambda_ * sum(', 'penalty = lambda_ / 2 * sum('),
)  # fmt: skip


mutant_edit(
    "chapter4.dropout", "not_inverted", 'Zeroes the dropped units but does not scale the kept ones by 1 / p.',
    ('    return A * mask / p, mask', '    return A * mask, mask'),
)  # fmt: skip


mutant_edit(
    "chapter4.dropout", "p_is_the_drop_probability", 'Treats p as the probability of dropping a unit.',
    ('\n    mask = (rng.random(A.shape) < p)', '\n    mask = (rng.random(A.shape) >= p)'),
    ('    return A * mask / p, mask', '    return A * mask / (1 - p), mask'),
)  # fmt: skip


mutant_edit(
    "chapter4.dropout", "dropout_from_the_global_generator", 'Draws the mask from np.random instead of rng.',
    ('\n    mask = (rng.random(A.shape) < p)', '\n    mask = (np.random.random(A.shape) < p)'),
)  # fmt: skip


mutant_edit(
    "chapter4.dropout_backward", "mask_redrawn",
    "Draws a new mask for the backward pass instead of reusing the forward pass's.",
    ('    return dA * mask / p', '    return dA * (np.random.default_rng().random(dA.shape) < p) / p'),
)  # fmt: skip


mutant_edit(
    "chapter4.dropout_backward", "forgets_one_over_p",
    'Masks the gradient but does not scale it by 1 / p as the forward pass scaled the activations.',
    ('    return dA * mask / p', '    return dA * mask'),
)  # fmt: skip


mutant_edit(
    "chapter4.regularized_loss_and_gradients", "penalizes_the_biases",
    "Includes the biases in the L2 penalty and its gradient.",
    ("penalty, (l2_W1, l2_W2, l2_W3) = l2_regularization([W1, W2, W3], lambda_)",
     "penalty, (l2_W1, l2_b1, l2_W2, l2_b2, l2_W3, l2_b3) = l2_regularization([W1, b1, W2, b2, W3, b3], lambda_)"),
    ('"b1": dZ1.sum(axis=0, keepdims=True)', '"b1": dZ1.sum(axis=0, keepdims=True) + l2_b1'),
    ('"b2": dZ2.sum(axis=0, keepdims=True)', '"b2": dZ2.sum(axis=0, keepdims=True) + l2_b2'),
    ('"b3": dZ3.sum(axis=0, keepdims=True)', '"b3": dZ3.sum(axis=0, keepdims=True) + l2_b3'),
)  # fmt: skip
mutant_edit(
    "chapter4.regularized_loss_and_gradients", "l2_gradient_without_the_factor_2",
    "Adds lambda * W to the weight gradients instead of 2 * lambda * W.",
    ("X.T @ dZ1 + l2_W1", "X.T @ dZ1 + lambda_ * W1"), ("D1.T @ dZ2 + l2_W2", "D1.T @ dZ2 + lambda_ * W2"),
    ("D2.T @ dZ3 + l2_W3", "D2.T @ dZ3 + lambda_ * W3"),
)  # fmt: skip
mutant_edit(
    "chapter4.regularized_loss_and_gradients", "mask_redrawn_in_backward",
    "Draws new dropout masks for the backward pass: the gradient belongs to another network.",
    ("    loss = cross_entropy(A3, y) + penalty\n",
     "    loss = cross_entropy(A3, y) + penalty\n"
     "    _, mask1 = dropout(H1, keep_prob, rng)\n"
     "    _, mask2 = dropout(H2, keep_prob, rng)\n"),
)  # fmt: skip


mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "running_train_accuracy",
    "Records the accuracy of the batches during the epoch, not of the final parameters on the training set.",
    ("        total_loss = 0.0\n", "        total_loss, correct = 0.0, 0\n"),
    ("            loss, grads = regularized_loss_and_gradients(",
     "            correct += round(_mlp_accuracy(params, X_batch, y_batch) * len(X_batch))\n"
     "            loss, grads = regularized_loss_and_gradients("),
    ('"train_accuracy": _mlp_accuracy(params, X_train, y_train)', '"train_accuracy": correct / len(X_train)'),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "ignores_lambda", "Forgets to pass lambda_ on: only dropout regularizes.",
    ("y_batch, rng, lambda_=lambda_, keep_prob=keep_prob", "y_batch, rng, lambda_=0.0, keep_prob=keep_prob"),
)  # fmt: skip


# --- 4.5 momentum, accuracy and the capstone ------------------------------------------


mutant_edit(
    "chapter4.momentum_update", "momentum_wrong_sign", 'v <- mu * v + lr * grad: the velocity climbs the gradient.',
    ('return mu * v - lr * grad', 'return mu * v + lr * grad'),
)  # fmt: skip


mutant_edit(
    "chapter4.momentum_update", "learning_rate_forgotten", 'v <- mu * v - grad.',
    ('return mu * v - lr * grad', 'return mu * v - grad'),
)  # fmt: skip


mutant_edit(
    "chapter4.momentum_update", "velocity_updated_in_place", "Overwrites the caller's velocity array.",
    ('    return mu * v - lr * grad', '    v *= mu\n    v -= lr * grad\n    return v'),
)  # fmt: skip


mutant_edit(
    "chapter4.accuracy", "one_hot_rows_elementwise",
    "Compares one-hot rows entry by entry: two different 10-class rows still agree on 8 entries.",
    ("return float(np.mean(y_pred.argmax(axis=1) == labels))",
     "eye = np.eye(y_pred.shape[1])\n    return float(np.mean(eye[y_pred.argmax(axis=1)] == eye[labels]))"),
)  # fmt: skip
mutant_edit(
    "chapter4.accuracy", "number_correct", "Returns the number of right answers instead of their fraction.",
    ("np.mean(y_pred.argmax(axis=1) == labels)", "np.sum(y_pred.argmax(axis=1) == labels)"),
)  # fmt: skip
mutant_edit(
    "chapter4.plot_training_curves", "accuracy_curves_swapped",
    "Draws the test accuracy first and labels it as the train accuracy.",
    ('record["train_accuracy"] for record in history',
     'record.get("test_accuracy", record["train_accuracy"]) for record in history'),
    ('record["test_accuracy"] for record in history', 'record["train_accuracy"] for record in history'),
)  # fmt: skip
mutant_edit(
    "chapter4.plot_training_curves", "epochs_counted_from_zero", "Plots epoch 1 at x = 0.",
    ("np.arange(1, len(history) + 1)", "np.arange(len(history))"),
)  # fmt: skip
mutant_edit(
    "chapter4.plot_filters", "transposed_filters", "Shows each kernel transposed (rows and columns swapped).",
    ("K[:, :, channel, index]", "K[:, :, channel, index].T"),
)  # fmt: skip
mutant_edit(
    "chapter4.plot_filters", "filters_in_reverse_order", "Draws the filters last to first.",
    ("K[:, :, channel, index]", "K[:, :, channel, n_filters - 1 - index]"),
)  # fmt: skip
mutant_edit(
    "chapter4.run_capstone", "saves_only_the_curves", "Trains and saves the curves, but never draws the filters.",
    ('    plot_filters(params["K"], folder / FILTERS_FILE)\n', ""),
)  # fmt: skip
mutant_edit(
    "chapter4.run_capstone", "no_test_set", "Never evaluates on the test set: the curves show no test accuracy.",
    ("        X_test=X_test,\n        y_test=y_test,\n", ""),
)  # fmt: skip


# --- the training loops' promises (issue 13), as edits of the reference ------------------

MLP_STEP = "            A1, A2, A3 = forward_mlp_3layer("
CNN_STEP = "            probs, cache = forward_cnn(X_batch, params)"
REG_STEP = "            loss, grads = regularized_loss_and_gradients("


def _skip_partial(step):
    return (step, "            if len(X_batch) < batch_size:\n                continue\n" + step)


mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_first_layer_frozen", "Updates W2, b2, W3, b3 but never W1 and b1.",
    ("zip(MLP_PARAMETERS, grads, strict=True):", "list(zip(MLP_PARAMETERS, grads, strict=True))[2:]:"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_hidden_layers_frozen", "Updates only the output layer W3, b3.",
    ("zip(MLP_PARAMETERS, grads, strict=True):", "list(zip(MLP_PARAMETERS, grads, strict=True))[4:]:"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_learning_rate_ignored", "Steps with the default 0.1 whatever lr says.",
    ("params[name] -= lr * grad", "params[name] -= 0.1 * grad"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_batch_size_ignored", "Always uses batches of 64.",
    ("_batches(X_train, y_train, batch_size, rng)", "_batches(X_train, y_train, 64, rng)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_drops_the_partial_batch", "Skips the last, smaller batch of every epoch.",
    _skip_partial(MLP_STEP),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_loss_weighted_by_batch_size",
    "Weights every batch's loss by batch_size, also the smaller last one.",
    ("cross_entropy(A3, y_batch) * len(X_batch)", "cross_entropy(A3, y_batch) * batch_size"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_train_accuracy_at_the_end_of_the_epoch",
    "Measures train_accuracy with the end-of-epoch parameters instead of before each update.",
    ('"train_accuracy": correct / len(X_train)', '"train_accuracy": _mlp_accuracy(params, X_train, y_train)'),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer", "mlp_one_epoch_short", "Runs num_epochs - 1 epochs (at least one).",
    ("for _ in range(num_epochs):", "for _ in range(max(num_epochs - 1, 1)):"),
)  # fmt: skip

mutant_edit(
    "chapter4.train_cnn", "cnn_filters_frozen", "Updates the dense layer W, b but never the filters K, bK.",
    ("        for name in CNN_PARAMETERS:\n                if mu",
     '        for name in ("W", "b"):\n                if mu'),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "cnn_lr_decay_ignored", "Every epoch runs at lr: lr_decay is accepted and never used.",
    ("rate = lr * lr_decay**epoch", "rate = lr"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "cnn_momentum_ignored", "Plain gradient descent whatever mu says.",
    ("                if mu > 0:", "                if False:"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "cnn_momentum_without_decay",
    "With momentum, the velocity steps with lr, not the decayed rate.",
    ("momentum_update(velocity[name], grads[name], mu, rate)", "momentum_update(velocity[name], grads[name], mu, lr)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "cnn_batch_size_ignored", "Always uses batches of 64.",
    ("_batches(X_train, y_train, batch_size, rng)", "_batches(X_train, y_train, 64, rng)"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "cnn_drops_the_partial_batch", "Skips the last, smaller batch of every epoch.",
    _skip_partial(CNN_STEP),
)  # fmt: skip
mutant_edit(
    "chapter4.train_cnn", "cnn_train_accuracy_at_the_end_of_the_epoch",
    "Measures train_accuracy with the end-of-epoch parameters instead of before each update.",
    ('"train_accuracy": correct / len(X_train)', '"train_accuracy": _cnn_accuracy(params, X_train, y_train)'),
)  # fmt: skip

mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "ignores_keep_prob", "Forgets to pass keep_prob on: no dropout ever.",
    ("y_batch, rng, lambda_=lambda_, keep_prob=keep_prob", "y_batch, rng, lambda_=lambda_, keep_prob=1.0"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "dropout_masks_from_a_fixed_generator",
    "Draws the dropout masks from a generator of its own, seeded 0, instead of rng.",
    ("params, X_batch, y_batch, rng, lambda_", "params, X_batch, y_batch, np.random.default_rng(0), lambda_"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "dropout_masks_from_an_unseeded_generator",
    "Draws the dropout masks from a fresh unseeded generator: the same seed no longer gives the same run.",
    ("params, X_batch, y_batch, rng, lambda_", "params, X_batch, y_batch, np.random.default_rng(), lambda_"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "regularized_learning_rate_ignored", "Steps with 0.1 whatever lr says.",
    ("params[name] -= lr * grads[name]", "params[name] -= 0.1 * grads[name]"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "regularized_first_layer_frozen", "Never updates W1 and b1.",
    ("        for name in MLP_PARAMETERS:\n", "        for name in MLP_PARAMETERS[2:]:\n"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "regularized_drops_the_partial_batch",
    "Skips the last, smaller batch of every epoch.", _skip_partial(REG_STEP),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "regularized_loss_weighted_by_batch_size",
    "Weights every batch's loss by batch_size, also the smaller last one.",
    ("total_loss += loss * len(X_batch)", "total_loss += loss * batch_size"),
)  # fmt: skip
mutant_edit(
    "chapter4.train_mlp_3layer_regularized", "regularized_batch_size_ignored", "Always uses batches of 64.",
    ("_batches(X_train, y_train, batch_size, rng)", "_batches(X_train, y_train, 64, rng)"),
)  # fmt: skip

mutant_edit(
    "chapter4.momentum_update", "momentum_mu_ignored", "v <- v - lr * grad: the velocity never decays.",
    ("return mu * v - lr * grad", "return v - lr * grad"),
)  # fmt: skip
mutant_edit(
    "chapter4.momentum_update", "momentum_mu_scales_the_step", "v <- mu * (v - lr * grad).",
    ("return mu * v - lr * grad", "return mu * (v - lr * grad)"),
)  # fmt: skip
mutant_edit(
    "chapter4.momentum_update", "momentum_upcasts_to_float64", "Returns float64 for float32 inputs.",
    ("return mu * v - lr * grad", "return (mu * v - lr * grad).astype(np.float64)"),
)  # fmt: skip

mutant_edit(
    "chapter4.dropout", "dropout_draws_even_when_nothing_is_dropped",
    "Draws a throwaway array of random numbers first, even in evaluation: rng is no longer the mask's alone.",
    ("    if not training or p == 1:\n        return A, np.ones_like(A)\n",
     "    rng.random(A.shape)\n    if not training or p == 1:\n        return A, np.ones_like(A)\n"),
)  # fmt: skip
mutant_edit(
    "chapter4.dropout", "dropout_boolean_mask", "Returns the mask as booleans, not as A's dtype.",
    ("\n    mask = (rng.random(A.shape) < p).astype(A.dtype)", "\n    mask = rng.random(A.shape) < p"),
)  # fmt: skip
mutant_edit(
    "chapter4.dropout", "dropout_mask_drawn_transposed", "Draws the random numbers in the transposed shape.",
    ("\n    mask = (rng.random(A.shape) < p)", "\n    mask = (rng.random(A.shape[::-1]).T < p)"),
)  # fmt: skip
mutant_edit(
    "chapter4.dropout", "dropout_in_place", "Scales the caller's activations in place.",
    ("    return A * mask / p, mask", "    A *= mask / p\n    return A, mask"),
)  # fmt: skip
