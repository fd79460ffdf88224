"""Plausible wrong chapter-2 solutions; every one must fail some test of its kata."""

import numpy as np

from kata.mutants import mutant
from reference.chapter1 import sigmoid
from reference.chapter2 import binary_cross_entropy, gradient_descent, mse_loss
from reference.chapter2.computation_graph import GraphGradients, GraphValues

# --- mse_loss and binary_cross_entropy -------------------------------------------------


@mutant("chapter2.mse_loss")
def sum_of_squares(y_pred, y):
    """Sums the squared errors instead of averaging them."""
    return float(np.sum((y_pred - y) ** 2))


@mutant("chapter2.mse_loss")
def mse_returns_numpy_scalar(y_pred, y):
    """Returns np.mean's NumPy scalar (a float32 for float32 input) instead of a Python float."""
    return np.mean((y_pred - y) ** 2)


@mutant("chapter2.binary_cross_entropy")
def unclipped_logs(A, y):
    """No clipping: log(0) at A = 0 or 1 gives inf or nan, with a RuntimeWarning."""
    return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))


@mutant("chapter2.binary_cross_entropy")
def fixed_tiny_clip(A, y):
    """Clips at a fixed 1e-12: in float32, 1 - 1e-12 rounds to 1 and log(1 - A) is log(0) again."""
    A = np.clip(A, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))


@mutant("chapter2.binary_cross_entropy")
def missing_minus_sign(A, y):
    """Forgets the leading minus: the loss is negative and rewards wrong predictions."""
    eps = np.finfo(A.dtype).eps
    A = np.clip(A, eps, 1 - eps)
    return float(np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))


# --- gradient_descent ------------------------------------------------------------------


@mutant("chapter2.gradient_descent")
def half_mse_gradient(X, y, W, b, lr, num_iterations):
    """The posts' gradient X.T @ (y_pred - y) / n: half the gradient of the MSE it reports."""
    history = []
    for _ in range(num_iterations):
        error = X @ W + b - y
        history.append(mse_loss(X @ W + b, y))
        W = W - lr * X.T @ error / len(X)
        b = b - lr * np.mean(error, keepdims=True)
    return W, b, history


@mutant("chapter2.gradient_descent")
def mutates_callers_weights(X, y, W, b, lr, num_iterations):
    """Updates W and b in place (W -= ...): the caller's arrays change."""
    history = []
    for _ in range(num_iterations):
        error = X @ W + b - y
        history.append(mse_loss(X @ W + b, y))
        W -= lr * 2 / len(X) * X.T @ error
        b -= lr * 2 / len(X) * error.sum(keepdims=True)
    return W, b, history


@mutant("chapter2.gradient_descent")
def records_loss_after_update(X, y, W, b, lr, num_iterations):
    """Records the loss after each update, not before it as documented."""
    history = []
    for _ in range(num_iterations):
        error = X @ W + b - y
        W = W - lr * 2 / len(X) * X.T @ error
        b = b - lr * 2 / len(X) * error.sum(keepdims=True)
        history.append(mse_loss(X @ W + b, y))
    return W, b, history


@mutant("chapter2.gradient_descent")
def bias_never_updated(X, y, W, b, lr, num_iterations):
    """Updates W but forgets the bias."""
    history = []
    for _ in range(num_iterations):
        error = X @ W + b - y
        history.append(mse_loss(X @ W + b, y))
        W = W - lr * 2 / len(X) * X.T @ error
    return W, b.copy(), history


# --- minibatch_gradient_descent --------------------------------------------------------


def _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model, *, order, size_of, keep_partial=True):
    """Mini-batch descent with pluggable mistakes: order(n) -> (rows of X, rows of y) per epoch;
    size_of(m) -> the divisor of a batch of m rows."""
    n = len(X)
    scale = 2 if model == "linear" else 1
    history = []
    for _ in range(num_epochs):
        x_rows, y_rows = order(n)
        Xs, ys = X[x_rows], y[y_rows]
        stop = n if keep_partial else n - n % batch_size
        for start in range(0, stop, batch_size):
            Xb, yb = Xs[start : start + batch_size], ys[start : start + batch_size]
            Z = Xb @ W + b
            error = (Z if model == "linear" else sigmoid(Z)) - yb
            divisor = size_of(len(Xb))
            W = W - lr * scale / divisor * Xb.T @ error
            b = b - lr * scale / divisor * error.sum(axis=0, keepdims=True)
        Z = X @ W + b
        history.append(mse_loss(Z, y) if model == "linear" else binary_cross_entropy(sigmoid(Z), y))
    return W, b, history


def _one_permutation(rng):
    def order(n):
        p = rng.permutation(n)
        return p, p

    return order


@mutant("chapter2.minibatch_gradient_descent")
def minibatch_half_mse_gradient(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """The linear model's gradient without the 2: X.T @ (y_pred - y) / m."""
    if model == "linear":
        return _minibatch(X, y, W, b, lr / 2, num_epochs, batch_size, rng, model,
                          order=_one_permutation(rng), size_of=lambda m: m)  # fmt: skip
    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model, order=_one_permutation(rng),
                      size_of=lambda m: m)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def logistic_gradient_with_a_two(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Uses the MSE's factor 2 for the logistic model too: 2/m X.T @ (A - y)."""
    rate = 2 * lr if model == "logistic" else lr
    return _minibatch(X, y, W, b, rate, num_epochs, batch_size, rng, model, order=_one_permutation(rng),
                      size_of=lambda m: m)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def drops_partial_last_batch(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Skips the last batch when it has fewer than batch_size rows."""
    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model, order=_one_permutation(rng),
                      size_of=lambda m: m, keep_partial=False)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def divides_by_nominal_batch_size(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Averages every batch by batch_size, so a partial last batch takes too small a step."""
    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model, order=_one_permutation(rng),
                      size_of=lambda m: batch_size)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def never_shuffles(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Walks the batches in the original order every epoch and ignores rng."""
    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model,
                      order=lambda n: (np.arange(n), np.arange(n)), size_of=lambda m: m)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def shuffles_only_once(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Draws one permutation before the first epoch and walks the same batches in every epoch."""
    permutation = rng.permutation(len(X))
    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model,
                      order=lambda n: (permutation, permutation), size_of=lambda m: m)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def shuffles_x_and_y_separately(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Shuffles X and y with two different permutations: rows lose their targets."""
    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model,
                      order=lambda n: (rng.permutation(n), rng.permutation(n)), size_of=lambda m: m)  # fmt: skip


@mutant("chapter2.minibatch_gradient_descent")
def shuffles_with_global_state(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Shuffles with np.random instead of rng: results are not reproducible from the seed."""

    def order(n):
        p = np.random.permutation(n)  # noqa: NPY002 - the mistake this mutant makes
        return p, p

    return _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model, order=order, size_of=lambda m: m)


@mutant("chapter2.minibatch_gradient_descent")
def minibatch_mutates_callers_weights(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """Trains the caller's W and b in place."""
    W_new, b_new, history = _minibatch(X, y, W, b, lr, num_epochs, batch_size, rng, model,
                                       order=_one_permutation(rng), size_of=lambda m: m)  # fmt: skip
    W[...], b[...] = W_new, b_new
    return W, b, history


# --- numerical_gradient and relative_error ---------------------------------------------


def _nudged(params, loss_of, h, difference, restore):
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            grad[index] = difference(value, index, loss_of, h)
            restore(value, index, h)
        grads[name] = grad
    return grads


@mutant("chapter2.numerical_gradient")
def one_sided_difference(X, y, params, loss_fn, forward_fn, h=1e-4):
    """(L(p + h) - L(p)) / h: a one-sided difference, whose error is O(h), not O(h^2)."""

    def difference(value, index, loss_of, h):
        original = value[index]
        base = loss_of()
        value[index] = original + h
        plus = loss_of()
        value[index] = original
        return (plus - base) / h

    return _nudged(params, lambda: loss_fn(forward_fn(X, params), y), h, difference, lambda *_: None)


def _centered_leaving_minus_h(value, index, loss_of, h):
    original = value[index]
    value[index] = original + h
    plus = loss_of()
    value[index] = original - h
    return (plus - loss_of()) / (2 * h)


@mutant("chapter2.numerical_gradient")
def never_restores(X, y, params, loss_fn, forward_fn, h=1e-4):
    """Leaves every element nudged down by h: the caller's parameters come back changed."""
    return _nudged(params, lambda: loss_fn(forward_fn(X, params), y), h, _centered_leaving_minus_h, lambda *_: None)


@mutant("chapter2.numerical_gradient")
def restores_by_arithmetic(X, y, params, loss_fn, forward_fn, h=1e-4):
    """Restores with p - h + h instead of the saved value: off in the last bit for many p."""

    def add_back(value, index, h):
        value[index] = value[index] + h

    return _nudged(params, lambda: loss_fn(forward_fn(X, params), y), h, _centered_leaving_minus_h, add_back)


@mutant("chapter2.numerical_gradient")
def restores_only_on_success(X, y, params, loss_fn, forward_fn, h=1e-4):
    """Restores each element after computing, but not in a finally: an exception leaves it nudged."""

    def difference(value, index, loss_of, h):
        original = value[index]
        gradient = _centered_leaving_minus_h(value, index, loss_of, h)
        value[index] = original
        return gradient

    return _nudged(params, lambda: loss_fn(forward_fn(X, params), y), h, difference, lambda *_: None)


@mutant("chapter2.numerical_gradient")
def divides_by_h_not_2h(X, y, params, loss_fn, forward_fn, h=1e-4):
    """Centered difference divided by h instead of 2h: twice the gradient."""

    def difference(value, index, loss_of, h):
        original = value[index]
        try:
            return 2 * _centered_leaving_minus_h(value, index, loss_of, h)
        finally:
            value[index] = original

    return _nudged(params, lambda: loss_fn(forward_fn(X, params), y), h, difference, lambda *_: None)


@mutant("chapter2.relative_error")
def divides_by_larger_norm(analytic, numeric):
    """||a - n|| / max(||a||, ||n||): another formula than the documented one."""
    top = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    return 0.0 if top == 0 else float(np.linalg.norm(analytic - numeric) / top)


@mutant("chapter2.relative_error")
def no_zero_guard(analytic, numeric):
    """Divides by ||a|| + ||n|| even when both are 0: nan and a RuntimeWarning."""
    return float(np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric)))


@mutant("chapter2.relative_error")
def worst_element(analytic, numeric):
    """The largest element-wise relative error: blown up by elements near zero."""
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-300)
    return float(np.max(np.abs(analytic - numeric) / scale))


# --- derivatives by nudging ------------------------------------------------------------


@mutant("chapter2.one_sided_derivative")
def one_sided_is_centered(f, x, h):
    """Uses the centered formula: right numbers, but not the one-sided kata (its error is not O(h))."""
    return float((f(x + h) - f(x - h)) / (2 * h))


@mutant("chapter2.one_sided_derivative")
def backward_difference(f, x, h):
    """Nudges backwards, (f(x) - f(x - h)) / h: also O(h), but not the forward nudge specified."""
    return float((f(x) - f(x - h)) / h)


@mutant("chapter2.centered_derivative")
def centered_over_h(f, x, h):
    """Divides the centered difference by h instead of 2h."""
    return float((f(x + h) - f(x - h)) / h)


@mutant("chapter2.centered_derivative")
def centered_is_one_sided(f, x, h):
    """Computes the one-sided difference: the error is O(h)."""
    return float((f(x + h) - f(x)) / h)


@mutant("chapter2.derivative_errors")
def signed_errors(f, exact, x, steps):
    """Returns estimate - exact without the absolute value."""
    one = [(f(x + h) - f(x)) / h - exact for h in steps]
    two = [(f(x + h) - f(x - h)) / (2 * h) - exact for h in steps]
    return np.array(one), np.array(two)


@mutant("chapter2.derivative_errors")
def errors_swapped(f, exact, x, steps):
    """Returns (centered, one_sided) instead of (one_sided, centered)."""
    one = [abs((f(x + h) - f(x)) / h - exact) for h in steps]
    two = [abs((f(x + h) - f(x - h)) / (2 * h) - exact) for h in steps]
    return np.array(two), np.array(one)


@mutant("chapter2.error_order")
def slope_of_first_and_last(steps, errors):
    """The slope through the first and last points only, ignoring the others."""
    return float((np.log(errors[-1]) - np.log(errors[0])) / (np.log(steps[-1]) - np.log(steps[0])))


@mutant("chapter2.error_order")
def log10_against_natural_log(steps, errors):
    """Fits log10(error) against ln(h): the slope is off by a factor ln(10)."""
    return float(np.polyfit(np.log(steps), np.log10(errors), 1)[0])


# --- computation graph -----------------------------------------------------------------


@mutant("chapter2.graph_forward")
def product_node_adds(a, b, c):
    """Computes u = b + c instead of b * c."""
    u = b + c
    return GraphValues(float(u), float(a + u), float(3 * (a + u)))


@mutant("chapter2.graph_forward")
def output_forgets_the_three(a, b, c):
    """Returns J = v: the last node is missing."""
    u = b * c
    return GraphValues(float(u), float(a + u), float(a + u))


@mutant("chapter2.graph_backward")
def product_gradients_swapped(a, b, c):
    """Gives each factor of u = b * c its own value: db = 3b and dc = 3c."""
    return GraphGradients(3.0, 3.0, 3.0, 3.0 * b, 3.0 * c)


@mutant("chapter2.graph_backward")
def upstream_not_multiplied(a, b, c):
    """Forgets to multiply by the upstream derivative: db = c and dc = b."""
    return GraphGradients(3.0, 3.0, 3.0, float(c), float(b))


# --- learning rates --------------------------------------------------------------------


@mutant("chapter2.mse_hessian")
def hessian_without_bias(X):
    """Leaves out the bias: the (d, d) Hessian of W alone."""
    return (2 / len(X)) * (X.T @ X)


@mutant("chapter2.mse_hessian")
def hessian_without_two(X):
    """(1/n) X1.T @ X1: the Hessian of half the MSE."""
    X1 = np.hstack([X, np.ones((len(X), 1), dtype=X.dtype)])
    return (X1.T @ X1) / len(X)


@mutant("chapter2.divergence_threshold")
def threshold_from_smallest_eigenvalue(X):
    """Uses the smallest eigenvalue: far too large a rate."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    return float(2 / np.linalg.eigvalsh(2 / len(X) * X1.T @ X1)[0])


@mutant("chapter2.divergence_threshold")
def threshold_one_over_lambda(X):
    """1 / lambda_max: the best rate for the top direction, not where divergence starts."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    return float(1 / np.linalg.eigvalsh(2 / len(X) * X1.T @ X1).max())


def _sweep(X, y, learning_rates, num_iterations, tolerance, classify):
    n, d = X.shape
    X1 = np.hstack([X, np.ones((n, 1))])
    loss_min = mse_loss(X1 @ np.linalg.lstsq(X1, y, rcond=None)[0], y)
    loss_0 = mse_loss(np.zeros_like(y), y)
    outcomes = {}
    for lr in learning_rates:
        with np.errstate(over="ignore", invalid="ignore"):
            W, b, _ = gradient_descent(X, y, np.zeros((d, 1)), np.zeros((1, 1)), lr, num_iterations)
            loss = mse_loss(X @ W + b, y)
        outcomes[lr] = classify(loss, loss_0, loss_min, tolerance)
    return outcomes


@mutant("chapter2.learning_rate_sweep")
def diverged_only_when_overflowing(X, y, learning_rates, num_iterations, tolerance=1e-6):
    """Calls a run diverged only when its loss overflows; a loss that merely grew is 'slow'."""

    def classify(loss, loss_0, loss_min, tolerance):
        if not np.isfinite(loss):
            return "diverged"
        return "converged" if loss - loss_min <= tolerance * (loss_0 - loss_min) else "slow"

    return _sweep(X, y, learning_rates, num_iterations, tolerance, classify)


@mutant("chapter2.learning_rate_sweep")
def converged_relative_to_zero(X, y, learning_rates, num_iterations, tolerance=1e-6):
    """Measures convergence as loss <= tolerance * L_0, ignoring the least-squares minimum."""

    def classify(loss, loss_0, loss_min, tolerance):
        if not np.isfinite(loss) or loss > loss_0:
            return "diverged"
        return "converged" if loss <= tolerance * loss_0 else "slow"

    return _sweep(X, y, learning_rates, num_iterations, tolerance, classify)


@mutant("chapter2.learning_rate_sweep")
def sweep_warns_on_overflow(X, y, learning_rates, num_iterations, tolerance=1e-6):
    """Lets a diverging run overflow with RuntimeWarnings instead of reporting it quietly."""
    n, d = X.shape
    X1 = np.hstack([X, np.ones((n, 1))])
    loss_min = mse_loss(X1 @ np.linalg.lstsq(X1, y, rcond=None)[0], y)
    loss_0 = mse_loss(np.zeros_like(y), y)
    outcomes = {}
    for lr in learning_rates:
        W, b, _ = gradient_descent(X, y, np.zeros((d, 1)), np.zeros((1, 1)), lr, num_iterations)
        loss = mse_loss(X @ W + b, y)
        if not np.isfinite(loss) or loss > loss_0:
            outcomes[lr] = "diverged"
        else:
            outcomes[lr] = "converged" if loss - loss_min <= tolerance * (loss_0 - loss_min) else "slow"
    return outcomes
