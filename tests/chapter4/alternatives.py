"""Correct chapter-4 solutions written differently from the reference, with no
argument checks of their own; every one must pass all the tests of its kata."""

import time

import numpy as np

from kata.mutants import alternative

# --- 4.1 initialization ----------------------------------------------------------------


@alternative("chapter4.he_init")
def normal_with_scale(n_in, n_out, rng, dtype=np.float32):
    """rng.normal with the standard deviation as its scale argument."""
    return rng.normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out)).astype(dtype)


@alternative("chapter4.he_init")
def float32_draws(n_in, n_out, rng, dtype=np.float32):
    """Draws float32 standard normals directly (another stream of numbers, the same distribution)."""
    scale = np.float32(np.sqrt(2.0 / n_in))
    return (rng.standard_normal((n_in, n_out), dtype=np.float32) * scale).astype(dtype)


@alternative("chapter4.xavier_init")
def normal_with_mean_fan(n_in, n_out, rng, dtype=np.float32):
    """Variance 1 / fan_avg with fan_avg = (n_in + n_out) / 2, through rng.normal."""
    fan_avg = (n_in + n_out) / 2
    return rng.normal(0.0, 1 / np.sqrt(fan_avg), size=(n_in, n_out)).astype(dtype)


# --- 4.1 the 3-layer MLP ---------------------------------------------------------------


@alternative("chapter4.forward_mlp_3layer")
def einsum_and_logsumexp(X, W1, b1, W2, b2, W3, b3):
    """np.einsum for every layer, ReLU by a boolean mask, softmax through scipy's logsumexp."""
    import scipy.special

    Z1 = np.einsum("nd,dh->nh", X, W1) + b1
    A1 = Z1 * (Z1 > 0)
    Z2 = np.einsum("nh,hk->nk", A1, W2) + b2
    A2 = Z2 * (Z2 > 0)
    Z3 = np.einsum("nh,hk->nk", A2, W3) + b3
    A3 = np.exp(Z3 - scipy.special.logsumexp(Z3, axis=1, keepdims=True))
    return A1, A2, A3.astype(Z3.dtype)


@alternative("chapter4.forward_mlp_3layer")
def loop_over_layers_float64_inside(X, W1, b1, W2, b2, W3, b3):
    """A loop over the three (W, b) pairs in float64, scipy.special.softmax, cast back to X's dtype."""
    import scipy.special

    A, hidden = X.astype(np.float64), []
    for W, b in ((W1, b1), (W2, b2)):
        A = np.maximum(A @ W.astype(np.float64) + b, 0.0)
        hidden.append(A)
    probs = scipy.special.softmax(A @ W3.astype(np.float64) + b3, axis=1)
    return hidden[0].astype(X.dtype), hidden[1].astype(X.dtype), probs.astype(X.dtype)


@alternative("chapter4.backward_mlp_3layer")
def tensordot_and_where(X, A1, A2, A3, y, W1, W2, W3):
    """np.tensordot for the weight gradients, np.where for the ReLU masks, the 1/n at the very end."""
    dZ3 = A3 - y
    dZ2 = np.where(A2 > 0, dZ3 @ W3.T, 0)
    dZ1 = np.where(A1 > 0, dZ2 @ W2.T, 0)
    n = X.shape[0]
    grads = []
    for inputs, dZ in ((X, dZ1), (A1, dZ2), (A2, dZ3)):
        grads.append(np.tensordot(inputs, dZ, axes=(0, 0)) / n)
        grads.append(np.sum(dZ, axis=0, keepdims=True) / n)
    return tuple(grad.astype(X.dtype) for grad in grads)


@alternative("chapter4.backward_mlp_3layer")
def einsum_float64_inside(X, A1, A2, A3, y, W1, W2, W3):
    """Every product an np.einsum in float64, bias gradients as ones-vector products, cast back."""
    X64, A1_64, A2_64 = X.astype(np.float64), A1.astype(np.float64), A2.astype(np.float64)
    dZ3 = (A3.astype(np.float64) - y) / X.shape[0]
    dZ2 = np.einsum("nk,hk->nh", dZ3, W3) * (A2_64 > 0)
    dZ1 = np.einsum("nh,gh->ng", dZ2, W2) * (A1_64 > 0)
    ones = np.ones(X.shape[0])
    grads = (
        np.einsum("nd,nh->dh", X64, dZ1), (ones @ dZ1)[None, :],
        np.einsum("nd,nh->dh", A1_64, dZ2), (ones @ dZ2)[None, :],
        np.einsum("nd,nh->dh", A2_64, dZ3), (ones @ dZ3)[None, :],
    )  # fmt: skip
    return tuple(grad.astype(X.dtype) for grad in grads)


@alternative("chapter4.init_mlp_3layer")
def loop_over_layer_sizes(n_in, h1, h2, n_out, rng, dtype=np.float32):
    """A loop over consecutive sizes with the reference he_init (another kata), zeros biases by np.zeros_like."""
    from reference.chapter4 import he_init

    sizes = (n_in, h1, h2, n_out)
    params = {}
    for layer in range(1, 4):
        params[f"W{layer}"] = he_init(sizes[layer - 1], sizes[layer], rng, dtype)
        params[f"b{layer}"] = np.zeros_like(params[f"W{layer}"][:1])
    return params


@alternative("chapter4.layer_gradient_norms")
def expit_and_sum_of_squares(X, y, weights, biases, activation):
    """scipy.special.expit, g' = A - A**2, norms as sqrt(sum(G**2)), gradients collected backward then reversed."""
    import scipy.special

    g = scipy.special.expit if activation == "sigmoid" else (lambda Z: np.where(Z > 0, Z, 0.0))
    activations = [X]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(g(activations[-1] @ W + b))
    delta = (scipy.special.softmax(activations[-1] @ weights[-1] + biases[-1], axis=1) - y) / X.shape[0]
    grads = []
    for layer in range(len(weights) - 1, -1, -1):
        grads.append(activations[layer].T @ delta)
        A = activations[layer]
        slope = A - A**2 if activation == "sigmoid" else (A > 0)
        delta = (delta @ weights[layer].T) * slope
    return [float(np.sqrt(np.sum(G**2))) for G in reversed(grads)]


@alternative("chapter4.layer_gradient_norms")
def recursive_float64_einsum(X, y, weights, biases, activation):
    """A recursive backward pass in float64 with np.einsum; each call returns the norms of its layer and those above."""

    def g(Z):
        return 0.5 * (1 + np.tanh(Z / 2)) if activation == "sigmoid" else np.maximum(Z, 0)

    def backward(layer, A):
        """The norms of layers layer..L and the error of layer ``layer``, given its input A."""
        Z = np.einsum("nd,dk->nk", A, weights[layer].astype(np.float64)) + biases[layer]
        if layer == len(weights) - 1:
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            delta = (E / E.sum(axis=1, keepdims=True) - y) / len(A)
            return [np.linalg.norm(np.einsum("nd,nk->dk", A, delta))], delta
        H = g(Z)
        norms, delta_above = backward(layer + 1, H)
        slope = H * (1 - H) if activation == "sigmoid" else (H > 0)
        delta = np.einsum("nk,dk->nd", delta_above, weights[layer + 1]) * slope
        return [np.linalg.norm(np.einsum("nd,nk->dk", A, delta)), *norms], delta

    norms, _ = backward(0, X.astype(np.float64))
    return [float(norm) for norm in norms]


# --- 4.2 convolution -------------------------------------------------------------------


@alternative("chapter4.conv2d")
def loop_over_kernel_offsets(image, filter_kernel, stride=1):
    """One strided slice of the image per kernel entry, scaled and summed (a loop over kh * kw offsets only)."""
    kh, kw = filter_kernel.shape
    H_out, W_out = (image.shape[0] - kh) // stride + 1, (image.shape[1] - kw) // stride + 1
    out = np.zeros((H_out, W_out), dtype=np.result_type(image, filter_kernel))
    for m in range(kh):
        for n in range(kw):
            rows, cols = slice(m, m + stride * (H_out - 1) + 1, stride), slice(n, n + stride * (W_out - 1) + 1, stride)
            out += filter_kernel[m, n] * image[rows, cols]
    return out


@alternative("chapter4.conv2d")
def scipy_correlate2d(image, filter_kernel, stride=1):
    """scipy.signal.correlate2d in valid mode, every stride-th output kept, in the inputs' dtype."""
    import scipy.signal

    full = scipy.signal.correlate2d(image, filter_kernel, mode="valid")
    return full[::stride, ::stride].astype(np.result_type(image, filter_kernel))


def _offsets(X, kh, kw, stride, H_out, W_out):
    """(m, q, the (N, H_out, W_out, C) block of X that kernel entry (m, q) multiplies), for every offset."""
    for m in range(kh):
        for q in range(kw):
            yield m, q, X[:, m : m + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride, :]


@alternative("chapter4.conv_forward")
def einsum_on_windows(X, K, b, stride=1):
    """np.einsum (optimize=True) of sliding_window_view's windows with the kernels, plus the biases."""
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(X, K.shape[:2], axis=(1, 2))[:, ::stride, ::stride]  # (N, H_out, W_out, C, kh, kw)
    return np.einsum("nhwcij,ijco->nhwo", windows, K, optimize=True) + b


@alternative("chapter4.conv_forward")
def sum_of_offset_products(X, K, b, stride=1):
    """A loop over the kernel offsets: each block (N, H_out, W_out, C_in) times K[m, q] (C_in, C_out), summed."""
    kh, kw, _, C_out = K.shape
    H_out, W_out = (X.shape[1] - kh) // stride + 1, (X.shape[2] - kw) // stride + 1
    Z = np.zeros((X.shape[0], H_out, W_out, C_out), dtype=np.result_type(X, K, b))
    for m, q, block in _offsets(X, kh, kw, stride, H_out, W_out):
        Z += block @ K[m, q]
    return Z + b


@alternative("chapter4.conv_backward")
def einsum_windows_and_offset_loop(dZ, X, K, stride=1, input_gradient=True):
    """dK by np.einsum over the windows, db as a sum over three axes, dX added block by block per kernel offset."""
    from numpy.lib.stride_tricks import sliding_window_view

    kh, kw = K.shape[:2]
    H_out, W_out = dZ.shape[1:3]
    windows = sliding_window_view(X, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    dK = np.einsum("nhwcij,nhwo->ijco", windows, dZ, optimize=True)
    if not input_gradient:
        return None, dK, dZ.sum(axis=(0, 1, 2))
    dX = np.zeros(X.shape, dtype=np.result_type(dZ, K))
    for m in range(kh):
        for q in range(kw):
            rows = slice(m, m + stride * (H_out - 1) + 1, stride)
            cols = slice(q, q + stride * (W_out - 1) + 1, stride)
            dX[:, rows, cols, :] += dZ @ K[m, q].T
    return dX, dK, dZ.sum(axis=(0, 1, 2))


@alternative("chapter4.conv_backward")
def scatter_add_float64_inside(dZ, X, K, stride=1, input_gradient=True):
    """In float64: every window's gradient at once, scattered into dX with np.add.at; dK by tensordot; cast back.
    Without the input gradient, dX is computed all the same and dropped."""
    N, H_out, W_out, _ = dZ.shape
    kh, kw, C_in, _ = K.shape
    dZ64, X64, K64 = dZ.astype(np.float64), X.astype(np.float64), K.astype(np.float64)
    window_grads = np.einsum("nhwo,ijco->nhwijc", dZ64, K64)  # what each output pixel sends back to its window
    n = np.arange(N)[:, None, None, None, None, None]
    rows = (np.arange(H_out)[:, None] * stride + np.arange(kh))[None, :, None, :, None, None]
    cols = (np.arange(W_out)[:, None] * stride + np.arange(kw))[None, None, :, None, :, None]
    channels = np.arange(C_in)[None, None, None, None, None, :]
    dX = np.zeros(X.shape)
    np.add.at(dX, (n, rows, cols, channels), window_grads)
    windows = X64[n, rows, cols, channels]  # (N, H_out, W_out, kh, kw, C_in), gathered with the same indices
    dK = np.tensordot(windows, dZ64, axes=([0, 1, 2], [0, 1, 2]))  # (kh, kw, C_in, C_out)
    dtype = np.result_type(dZ, K)
    return dX.astype(dtype) if input_gradient else None, dK.astype(dtype), dZ64.sum(axis=(0, 1, 2)).astype(dtype)


# --- 4.3 max pooling -------------------------------------------------------------------


@alternative("chapter4.max_pool")
def maximum_over_window_views(X, size=2, stride=2):
    """The maximum over the last two axes of sliding_window_view's windows, every stride-th one kept."""
    from numpy.lib.stride_tricks import sliding_window_view

    return sliding_window_view(X, (size, size), axis=(1, 2))[:, ::stride, ::stride].max(axis=(4, 5))


@alternative("chapter4.max_pool")
def reduce_offset_slices(X, size=2, stride=2):
    """np.maximum.reduce over the size * size strided slices, one per window offset."""
    H_out, W_out = (X.shape[1] - size) // stride + 1, (X.shape[2] - size) // stride + 1
    slices = [
        X[:, m : m + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride, :]
        for m in range(size)
        for q in range(size)
    ]
    return np.maximum.reduce(slices)


@alternative("chapter4.max_pool_backward")
def argmax_of_flattened_windows(dout, X, size=2, stride=2, pooled=None):
    """np.argmax over each flattened window picks the first maximum in row-major order; np.add.at scatters dout.
    A given pooled output is not needed."""
    from numpy.lib.stride_tricks import sliding_window_view

    N, H_out, W_out, C = dout.shape
    windows = sliding_window_view(X, (size, size), axis=(1, 2))[:, ::stride, ::stride]  # (N, H_out, W_out, C, s, s)
    winner = windows.reshape(N, H_out, W_out, C, size * size).argmax(axis=-1)
    m, q = np.divmod(winner, size)
    n = np.arange(N)[:, None, None, None]
    rows = np.arange(H_out)[None, :, None, None] * stride + m
    cols = np.arange(W_out)[None, None, :, None] * stride + q
    channels = np.arange(C)[None, None, None, :]
    dX = np.zeros_like(X)
    np.add.at(dX, (n, rows, cols, channels), dout)
    return dX


@alternative("chapter4.max_pool_backward")
def claim_winners_offset_by_offset(dout, X, size=2, stride=2, pooled=None):
    """Recomputes each window's maximum unless given, then walks the offsets in row-major order, the first equal
    cell claiming it."""
    H_out, W_out = dout.shape[1:3]
    blocks = [
        (slice(None), slice(m, m + stride * (H_out - 1) + 1, stride), slice(q, q + stride * (W_out - 1) + 1, stride))
        for m in range(size)
        for q in range(size)
    ]
    if pooled is None:
        pooled = np.max([X[index] for index in blocks], axis=0)
    claimed = np.zeros(dout.shape, dtype=bool)
    dX = np.zeros(X.shape, dtype=X.dtype)
    for index in blocks:
        winner = (X[index] == pooled) & ~claimed
        claimed |= winner
        dX[index] += np.where(winner, dout, 0).astype(X.dtype)
    return dX


# --- 4.3 the CNN -----------------------------------------------------------------------


@alternative("chapter4.init_cnn")
def draws_by_hand(rng, n_filters=8, kernel_size=3, n_classes=10, dtype=np.float32, image_shape=(28, 28, 1)):
    """The two normal draws written out (no he_init or xavier_init), n_flat from the pooled sizes."""
    H, W, C = image_shape
    fan_in = kernel_size * kernel_size * C
    n_flat = ((H - kernel_size + 1) // 2) * ((W - kernel_size + 1) // 2) * n_filters
    K = rng.standard_normal((fan_in, n_filters)) * np.sqrt(2 / fan_in)
    W_dense = rng.standard_normal((n_flat, n_classes)) * np.sqrt(2 / (n_flat + n_classes))
    return {
        "K": K.reshape(kernel_size, kernel_size, C, n_filters).astype(dtype),
        "bK": np.zeros((n_filters,), dtype),
        "W": W_dense.astype(dtype),
        "b": np.zeros((1, n_classes), dtype),
    }


@alternative("chapter4.forward_cnn")
def einsum_windows_and_reshape_pooling(X, params):
    """Convolution by np.einsum on the windows, ReLU by np.where, pooling by a reshape, scipy's softmax."""
    import scipy.special
    from numpy.lib.stride_tricks import sliding_window_view

    K, bK, W, b = params["K"], params["bK"], params["W"], params["b"]
    windows = sliding_window_view(X, K.shape[:2], axis=(1, 2))
    Z = np.einsum("nhwcij,ijco->nhwo", windows, K, optimize=True) + bK
    A = np.where(Z > 0, Z, 0).astype(Z.dtype)
    N, H, W_A, F = A.shape
    P = A[:, : H // 2 * 2, : W_A // 2 * 2].reshape(N, H // 2, 2, W_A // 2, 2, F).max(axis=(2, 4))
    probs = scipy.special.softmax(P.reshape(N, -1) @ W + b, axis=1).astype(X.dtype)
    return probs, {"X": X, "A": A, "P": P, "probs": probs}


@alternative("chapter4.forward_cnn")
def other_katas_and_logsumexp(X, params):
    """The reference conv_forward and max_pool (other katas), np.maximum for the ReLU, a logsumexp softmax."""
    import scipy.special

    from reference.chapter4 import conv_forward, max_pool

    A = np.maximum(conv_forward(X, params["K"], params["bK"]), 0)
    P = max_pool(A)
    scores = P.reshape(P.shape[0], -1) @ params["W"] + params["b"]
    probs = np.exp(scores - scipy.special.logsumexp(scores, axis=1, keepdims=True)).astype(X.dtype)
    return probs, {"X": X, "A": A, "P": P, "probs": probs}


@alternative("chapter4.backward_cnn")
def mask_after_unpooling(y, params, cache):
    """The reference max_pool_backward and conv_backward (other katas), the ReLU mask applied after unpooling."""
    from reference.chapter4 import conv_backward, max_pool_backward

    X, A, P, probs = cache["X"], cache["A"], cache["P"], cache["probs"]
    dS = (probs - y) / probs.shape[0]
    dP = (dS @ params["W"].T).reshape(P.shape)
    dZ = max_pool_backward(dP, A) * (A > 0)
    _, dK, dbK = conv_backward(dZ.astype(A.dtype), X, params["K"])
    return {"K": dK, "bK": dbK, "W": P.reshape(P.shape[0], -1).T @ dS, "b": dS.sum(axis=0, keepdims=True)}


@alternative("chapter4.backward_cnn")
def argmax_unpooling_float64_inside(y, params, cache):
    """In float64: unpooling by argmax over reshaped 2x2 windows, dK by np.einsum on the windows; cast back."""
    from numpy.lib.stride_tricks import sliding_window_view

    X, A, P = (cache[name].astype(np.float64) for name in ("X", "A", "P"))
    K, W = params["K"], params["W"].astype(np.float64)
    N, H_pool, W_pool, F = P.shape
    dS = (cache["probs"].astype(np.float64) - y) / N
    dP = (dS @ W.T).reshape(P.shape)
    windows = A[:, : 2 * H_pool, : 2 * W_pool].reshape(N, H_pool, 2, W_pool, 2, F).transpose(0, 1, 3, 5, 2, 4)
    winner = windows.reshape(N, H_pool, W_pool, F, 4).argmax(axis=-1)  # the first maximum, row by row
    routed = (winner[..., None] == np.arange(4)) * (dP * (P > 0))[..., None]  # (N, H_pool, W_pool, F, 4)
    dZ = np.zeros_like(A)
    dZ[:, : 2 * H_pool, : 2 * W_pool] = (
        routed.reshape(N, H_pool, W_pool, F, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(N, 2 * H_pool, 2 * W_pool, F)
    )
    dK = np.einsum("nhwcij,nhwo->ijco", sliding_window_view(X, K.shape[:2], axis=(1, 2)), dZ, optimize=True)
    grads = {"K": dK, "bK": dZ.sum(axis=(0, 1, 2)), "W": P.reshape(N, -1).T @ dS, "b": dS.sum(axis=0, keepdims=True)}
    return {name: grad.astype(params[name].dtype) for name, grad in grads.items()}


# --- training loops --------------------------------------------------------------------

MLP_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


@alternative("chapter4.train_mlp_3layer")
def permutation_slices_and_new_arrays(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64,
                                      X_test=None, y_test=None):  # fmt: skip
    """rng.permutation and index slices instead of iterate_minibatches (the same batches); every update makes
    new arrays (P = P - lr * g); the loss and accuracy summed as NumPy sums of the per-sample terms."""
    from reference.chapter4 import backward_mlp_3layer, forward_mlp_3layer

    p = {name: np.array(params[name], dtype=X_train.dtype) for name in MLP_NAMES}
    y_train = y_train.astype(X_train.dtype)
    history = []
    for _ in range(num_epochs):
        tic = time.perf_counter()
        order = rng.permutation(X_train.shape[0])
        loss_sum, hits = 0.0, 0
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            Xb, yb = X_train[rows], y_train[rows]
            A1, A2, A3 = forward_mlp_3layer(Xb, *(p[name] for name in MLP_NAMES))
            loss_sum += float(-np.sum(yb * np.log(np.clip(A3, 1e-12, None))))
            hits += int(np.sum(np.argmax(A3, axis=1) == np.argmax(yb, axis=1)))
            grads = backward_mlp_3layer(Xb, A1, A2, A3, yb, p["W1"], p["W2"], p["W3"])
            p = {name: p[name] - lr * grad for name, grad in zip(MLP_NAMES, grads, strict=True)}
        record = {
            "loss": loss_sum / len(order),
            "train_accuracy": hits / len(order),
            "seconds": time.perf_counter() - tic,
        }
        if X_test is not None:
            scores = forward_mlp_3layer(X_test, *(p[name] for name in MLP_NAMES))[2]
            record["test_accuracy"] = float(np.mean(scores.argmax(axis=1) == y_test.argmax(axis=1)))
        history.append(record)
    return p, history


@alternative("chapter4.train_mlp_3layer")
def epoch_function_and_in_place_updates(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64,
                                        X_test=None, y_test=None):  # fmt: skip
    """One inner function per epoch over chapter 1's iterate_minibatches, np.subtract(..., out=) updates on copies,
    the loss through chapter 3's cross_entropy, the test accuracy through chapter 4's accuracy kata."""
    from reference.chapter1 import iterate_minibatches
    from reference.chapter3 import cross_entropy
    from reference.chapter4 import accuracy, backward_mlp_3layer, forward_mlp_3layer

    p = {name: params[name].astype(X_train.dtype, copy=True) for name in MLP_NAMES}
    y_train = y_train.astype(X_train.dtype)

    def epoch():
        losses, sizes, right = [], [], 0
        for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
            A1, A2, A3 = forward_mlp_3layer(Xb, *(p[name] for name in MLP_NAMES))
            losses.append(cross_entropy(A3, yb))
            sizes.append(len(Xb))
            right += int(np.count_nonzero(A3.argmax(axis=1) == yb.argmax(axis=1)))
            for name, grad in zip(MLP_NAMES, backward_mlp_3layer(Xb, A1, A2, A3, yb, p["W1"], p["W2"], p["W3"]),
                                  strict=True):  # fmt: skip
                np.subtract(p[name], lr * grad, out=p[name])
        return float(np.dot(losses, sizes) / sum(sizes)), right / sum(sizes)

    history = []
    for _ in range(num_epochs):
        tic = time.perf_counter()
        loss, train_accuracy = epoch()
        record = {"loss": loss, "train_accuracy": train_accuracy, "seconds": time.perf_counter() - tic}
        if X_test is not None:
            record["test_accuracy"] = accuracy(forward_mlp_3layer(X_test, *(p[name] for name in MLP_NAMES))[2], y_test)
        history.append(record)
    return p, history


CNN_NAMES = ("K", "bK", "W", "b")


@alternative("chapter4.train_cnn")
def momentum_always_with_chunked_test(params, X_train, y_train, rng, *, lr=0.1, num_epochs=1, batch_size=64, mu=0.0,
                                      lr_decay=1.0, X_test=None, y_test=None):  # fmt: skip
    """Always keeps velocities, written inline as v = mu * v - rate * g (with mu = 0 that is the plain step);
    batches by rng.permutation and slices; the rate updated by multiplying it by lr_decay after each epoch;
    the test accuracy over chunks of 250 images."""
    from reference.chapter4 import backward_cnn, forward_cnn

    p = {name: params[name].astype(X_train.dtype) for name in CNN_NAMES}
    v = {name: np.zeros_like(p[name]) for name in CNN_NAMES}
    y_train = y_train.astype(X_train.dtype)
    rate, history = lr, []
    for _ in range(num_epochs):
        tic = time.perf_counter()
        order = rng.permutation(len(X_train))
        loss_sum, hits = 0.0, 0
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            probs, cache = forward_cnn(X_train[rows], p)
            loss_sum += float(-np.sum(y_train[rows] * np.log(np.clip(probs, 1e-12, None))))
            hits += int(np.sum(probs.argmax(axis=1) == y_train[rows].argmax(axis=1)))
            grads = backward_cnn(y_train[rows], p, cache)
            for name in CNN_NAMES:
                v[name] = mu * v[name] - rate * grads[name]
                p[name] = p[name] + v[name]
        record = {
            "loss": loss_sum / len(order),
            "train_accuracy": hits / len(order),
            "seconds": time.perf_counter() - tic,
        }
        if X_test is not None:
            right = sum(
                int(np.sum(forward_cnn(X_test[i : i + 250], p)[0].argmax(axis=1) == y_test[i : i + 250].argmax(axis=1)))
                for i in range(0, len(X_test), 250)
            )
            record["test_accuracy"] = right / len(X_test)
        history.append(record)
        rate *= lr_decay
    return p, history


@alternative("chapter4.train_cnn")
def momentum_kata_and_in_place_steps(params, X_train, y_train, rng, *, lr=0.1, num_epochs=1, batch_size=64, mu=0.0,
                                     lr_decay=1.0, X_test=None, y_test=None):  # fmt: skip
    """Chapter 1's iterate_minibatches and chapter 4's momentum_update, in-place parameter steps (P -= rate * g,
    P += v) on copies, chapter 3's cross_entropy, the test accuracy through the accuracy kata in one pass."""
    from reference.chapter1 import iterate_minibatches
    from reference.chapter3 import cross_entropy
    from reference.chapter4 import accuracy, backward_cnn, forward_cnn, momentum_update

    p = {name: np.copy(params[name]).astype(X_train.dtype) for name in CNN_NAMES}
    v = {name: np.zeros(p[name].shape, p[name].dtype) for name in CNN_NAMES}
    y_train = y_train.astype(X_train.dtype)
    history = []
    for epoch in range(num_epochs):
        tic = time.perf_counter()
        rate = lr * lr_decay**epoch
        weighted, seen, hits = 0.0, 0, 0
        for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
            probs, cache = forward_cnn(Xb, p)
            weighted += cross_entropy(probs, yb) * len(Xb)
            seen += len(Xb)
            hits += int(np.count_nonzero(probs.argmax(axis=1) == yb.argmax(axis=1)))
            grads = backward_cnn(yb, p, cache)
            for name in CNN_NAMES:
                if mu:
                    v[name] = momentum_update(v[name], grads[name], mu, rate)
                    p[name] += v[name]
                else:
                    p[name] -= rate * grads[name]
        record = {"loss": weighted / seen, "train_accuracy": hits / seen, "seconds": time.perf_counter() - tic}
        if X_test is not None:
            record["test_accuracy"] = accuracy(forward_cnn(X_test, p)[0], y_test)
        history.append(record)
    return p, history


# --- 4.4 regularization ----------------------------------------------------------------


@alternative("chapter4.l2_regularization")
def vdot_penalty_and_scaled_copies(weights, lambda_):
    """Each squared norm as np.vdot(W, W) accumulated in float64; each gradient W * (2 * lambda_)."""
    penalty = lambda_ * sum(float(np.vdot(W.astype(np.float64), W.astype(np.float64))) for W in weights)
    return penalty, [W * (2 * lambda_) for W in weights]


@alternative("chapter4.dropout")
def where_and_boolean_mask(A, p, rng, training=True):
    """A boolean keep-mask from the same draw, np.where(keep, A / p, 0); a copy of A when nothing is dropped."""
    if not training or p == 1:
        return A.copy(), np.ones(A.shape, dtype=A.dtype)
    keep = rng.random(A.shape) < p
    return np.where(keep, A / p, 0).astype(A.dtype), keep.astype(A.dtype)


@alternative("chapter4.dropout_backward")
def where_on_the_mask(dA, mask, p):
    """np.where(mask != 0, dA / p, 0), in dA's dtype."""
    return np.where(mask != 0, dA / p, 0).astype(dA.dtype)


@alternative("chapter4.dropout_backward")
def scale_the_mask_float64_inside(dA, mask, p):
    """The mask scaled first, mask * (1 / p), the product in float64, cast back to dA's dtype."""
    return (dA.astype(np.float64) * (mask * (1.0 / p))).astype(dA.dtype)


@alternative("chapter4.regularized_loss_and_gradients")
def einsum_with_the_dropout_kata(params, X, y, rng, *, lambda_=0.0, keep_prob=1.0):
    """The reference dropout (another kata) for both layers in order, np.einsum products, the penalty and its
    gradient written inline, the loss through scipy's log_softmax."""
    import scipy.special

    from reference.chapter4 import dropout

    W1, b1, W2, b2, W3, b3 = (params[name] for name in MLP_NAMES)
    H1 = np.maximum(np.einsum("nd,dh->nh", X, W1) + b1, 0)
    D1, m1 = dropout(H1, keep_prob, rng)
    H2 = np.maximum(np.einsum("nh,hk->nk", D1, W2) + b2, 0)
    D2, m2 = dropout(H2, keep_prob, rng)
    Z3 = np.einsum("nh,hk->nk", D2, W3) + b3
    log_probs = scipy.special.log_softmax(Z3, axis=1)
    loss = float(-np.sum(y * log_probs) / X.shape[0]) + lambda_ * sum(float(np.sum(W * W)) for W in (W1, W2, W3))
    dZ3 = (np.exp(log_probs).astype(Z3.dtype) - y) / X.shape[0]
    dZ2 = np.einsum("nk,hk->nh", dZ3, W3) * m2 / keep_prob * (H2 > 0)
    dZ1 = np.einsum("nk,hk->nh", dZ2, W2) * m1 / keep_prob * (H1 > 0)
    grads = {}
    for layer, (inputs, dZ, W) in enumerate(((X, dZ1, W1), (D1, dZ2, W2), (D2, dZ3, W3)), start=1):
        grads[f"W{layer}"] = np.einsum("nd,nh->dh", inputs, dZ) + 2 * lambda_ * W
        grads[f"b{layer}"] = dZ.sum(axis=0, keepdims=True)
    return loss, grads


@alternative("chapter4.train_mlp_3layer_regularized")
def permutation_slices_and_accuracy_kata(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64,
                                         lambda_=0.0, keep_prob=1.0, X_test=None, y_test=None):  # fmt: skip
    """rng.permutation and index slices (the same batches as iterate_minibatches), new arrays at every step,
    the accuracies through the accuracy kata on forward_mlp_3layer's probabilities."""
    from reference.chapter4 import accuracy, forward_mlp_3layer, regularized_loss_and_gradients

    p = {name: np.array(params[name], dtype=X_train.dtype) for name in MLP_NAMES}
    y_train = y_train.astype(X_train.dtype)
    history = []
    for _ in range(num_epochs):
        tic = time.perf_counter()
        order = rng.permutation(len(X_train))
        loss_sum = 0.0
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            loss, grads = regularized_loss_and_gradients(p, X_train[rows], y_train[rows], rng, lambda_=lambda_,
                                                         keep_prob=keep_prob)  # fmt: skip
            loss_sum += loss * len(rows)
            p = {name: p[name] - lr * grads[name] for name in MLP_NAMES}
        seconds = time.perf_counter() - tic
        record = {
            "loss": loss_sum / len(order),
            "train_accuracy": accuracy(forward_mlp_3layer(X_train, *(p[name] for name in MLP_NAMES))[2], y_train),
            "seconds": seconds,
        }
        if X_test is not None:
            record["test_accuracy"] = accuracy(forward_mlp_3layer(X_test, *(p[name] for name in MLP_NAMES))[2], y_test)
        history.append(record)
    return p, history


@alternative("chapter4.train_mlp_3layer_regularized")
def minibatches_and_in_place_steps(params, X_train, y_train, rng, *, lr=0.1, num_epochs=5, batch_size=64,
                                   lambda_=0.0, keep_prob=1.0, X_test=None, y_test=None):  # fmt: skip
    """Chapter 1's iterate_minibatches, in-place steps on copies, the losses averaged with np.average weights,
    the accuracies by counting argmax matches of the evaluation-mode forward pass."""
    from reference.chapter1 import iterate_minibatches
    from reference.chapter4 import forward_mlp_3layer, regularized_loss_and_gradients

    p = {name: params[name].copy().astype(X_train.dtype) for name in MLP_NAMES}
    y_train = y_train.astype(X_train.dtype)

    def right_share(X, y):
        probs = forward_mlp_3layer(X, *(p[name] for name in MLP_NAMES))[2]
        return np.count_nonzero(probs.argmax(axis=1) == y.argmax(axis=1)) / len(X)

    history = []
    for _ in range(num_epochs):
        tic = time.perf_counter()
        losses, sizes = [], []
        for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
            loss, grads = regularized_loss_and_gradients(p, Xb, yb, rng, lambda_=lambda_, keep_prob=keep_prob)
            losses.append(loss)
            sizes.append(len(Xb))
            for name in MLP_NAMES:
                p[name] -= lr * grads[name]
        record = {"loss": float(np.average(losses, weights=sizes)), "seconds": time.perf_counter() - tic,
                  "train_accuracy": float(right_share(X_train, y_train))}  # fmt: skip
        if X_test is not None:
            record["test_accuracy"] = float(right_share(X_test, y_test))
        history.append(record)
    return p, history


# --- 4.5 momentum, accuracy and the capstone -------------------------------------------


@alternative("chapter4.momentum_update")
def subtract_then_add(v, grad, mu, lr):
    """np.add(mu * v, -lr * grad): the same step through NumPy's ufuncs."""
    return np.add(np.multiply(v, mu), np.multiply(grad, -lr))


@alternative("chapter4.momentum_update")
def float64_inside(v, grad, mu, lr):
    """The step in float64, cast back to v's dtype."""
    return (mu * v.astype(np.float64) - lr * grad.astype(np.float64)).astype(np.result_type(v, grad))


@alternative("chapter4.accuracy")
def count_matches_by_labels(y_pred, y):
    """np.count_nonzero of the matching labels divided by the number of rows (true division gives a float)."""
    labels = y.argmax(axis=1) if y.ndim == 2 else y.astype(np.intp)
    return np.count_nonzero(np.argmax(y_pred, axis=1) == labels) / y_pred.shape[0]


@alternative("chapter4.plot_training_curves")
def add_subplot_and_lists(history, path=None):
    """fig.add_subplot twice, epochs as a Python list, a test line only when every record has a test accuracy."""
    from matplotlib.figure import Figure

    epochs = list(range(1, len(history) + 1))
    fig = Figure(figsize=(9, 3.5))
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    left.plot(epochs, [r["loss"] for r in history], label="loss")
    left.set_title("training loss")
    left.set_xlabel("epoch")
    left.set_ylabel("loss")
    right.plot(epochs, [r["train_accuracy"] for r in history], label="train accuracy")
    if all("test_accuracy" in r for r in history):
        right.plot(epochs, [r["test_accuracy"] for r in history], label="test accuracy")
    right.set_title("accuracy")
    right.set_xlabel("epoch")
    right.set_ylabel("fraction right")
    left.legend()
    right.legend()
    if path is not None:
        fig.savefig(str(path), format="png")
    return fig


@alternative("chapter4.plot_filters")
def matshow_per_subplot(K, path=None):
    """fig.add_subplot per (channel, filter) in row-major order, each kernel drawn with matshow in gray."""
    from matplotlib.figure import Figure

    _, _, n_channels, n_filters = K.shape
    fig = Figure()
    for channel in range(n_channels):
        for f in range(n_filters):
            axes = fig.add_subplot(n_channels, n_filters, channel * n_filters + f + 1)
            axes.matshow(K[:, :, channel, f], cmap="gray")
            axes.set_title(f"filter {f}")
            axes.set_xticks([])
            axes.set_yticks([])
    if path is not None:
        fig.savefig(path)
    return fig


@alternative("chapter4.run_capstone")
def os_makedirs_and_string_paths(X_train, y_train, X_test, y_test, rng, out_dir, *, num_epochs=3, batch_size=64,
                                 lr=0.05, mu=0.9, lr_decay=0.5):  # fmt: skip
    """The folder made first with os.makedirs, the file names joined with os.path.join, every option by keyword."""
    import os

    from reference.chapter4 import init_cnn, plot_filters, plot_training_curves, train_cnn

    os.makedirs(out_dir, exist_ok=True)
    params = init_cnn(rng=rng, n_classes=y_train.shape[-1], dtype=X_train.dtype, image_shape=tuple(X_train.shape[1:]))
    params, history = train_cnn(
        params=params, X_train=X_train, y_train=y_train, rng=rng, lr=lr, num_epochs=num_epochs,
        batch_size=batch_size, mu=mu, lr_decay=lr_decay, X_test=X_test, y_test=y_test,
    )  # fmt: skip
    plot_filters(params["K"], os.path.join(out_dir, "filters.png"))
    plot_training_curves(history, os.path.join(out_dir, "training_curves.png"))
    return params, history


@alternative("chapter4.run_capstone")
def pathlib_after_training(X_train, y_train, X_test, y_test, rng, out_dir, *, num_epochs=3, batch_size=64, lr=0.05,
                           mu=0.9, lr_decay=0.5):  # fmt: skip
    """Positional calls, the folder created after training with pathlib, both figures drawn, then saved by savefig."""
    from pathlib import Path

    from reference.chapter4 import init_cnn, plot_filters, plot_training_curves, train_cnn

    _, H, W, C = X_train.shape
    trained, history = train_cnn(init_cnn(rng, 8, 3, y_train.shape[1], X_train.dtype, (H, W, C)), X_train, y_train, rng,
                                 lr=lr, num_epochs=num_epochs, batch_size=batch_size, mu=mu, lr_decay=lr_decay,
                                 X_test=X_test, y_test=y_test)  # fmt: skip
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    curves, filters = plot_training_curves(history), plot_filters(trained["K"])
    curves.savefig(folder / "training_curves.png")
    filters.savefig(folder / "filters.png")
    return trained, history
