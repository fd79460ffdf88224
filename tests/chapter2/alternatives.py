"""Correct chapter-2 solutions written differently from the reference, with no
argument checks of their own; every one must pass all the tests of its kata."""

import itertools
import math
import operator

import numpy as np
import scipy.special

from kata.mutants import alternative, alternative_edit
from reference.chapter2 import binary_cross_entropy, gradient_descent, mse_loss
from reference.chapter2.computation_graph import GraphGradients, GraphValues

# --- mse_loss and binary_cross_entropy -------------------------------------------------


@alternative("chapter2.mse_loss")
def square_sum_over_size(y_pred, y):
    """np.square of the difference, summed, divided by the number of entries."""
    return float(np.sum(np.square(y_pred - y)) / y.size)


@alternative("chapter2.mse_loss")
def dot_product_in_float64(y_pred, y):
    """The flattened difference dotted with itself, in float64."""
    difference = (y_pred.astype(np.float64) - y.astype(np.float64)).ravel()
    return float(difference @ difference / difference.size)


@alternative("chapter2.binary_cross_entropy")
def scipy_xlogy_in_float64(A, y):
    """scipy.special.xlogy on the clipped probabilities, computed in float64."""
    eps = np.finfo(A.dtype).eps
    p = np.clip(A.astype(np.float64), eps, 1 - eps)
    t = y.astype(np.float64)
    return float(-(scipy.special.xlogy(t, p) + scipy.special.xlogy(1 - t, 1 - p)).sum() / t.size)


@alternative("chapter2.binary_cross_entropy")
def log1p_of_minus_a(A, y):
    """np.log1p(-A) for log(1 - A), with np.minimum / np.maximum as the clip."""
    eps = np.finfo(A.dtype).eps
    p = np.minimum(np.maximum(A, eps), 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


# --- gradient_descent ------------------------------------------------------------------


@alternative("chapter2.gradient_descent")
def stacked_theta_one_expression(X, y, W, b, lr, num_iterations):
    """One parameter vector theta = [W; b] against X1 = [X, 1]; one update expression per iteration."""
    n, d = X.shape
    X1 = np.hstack([X, np.ones((n, 1), dtype=X.dtype)])
    theta = np.vstack([W, b])
    history = []
    for _ in range(num_iterations):
        residual = X1 @ theta - y
        history.append(float(np.mean(residual**2)))
        theta = theta - lr * (2 / n) * (X1.T @ residual)
    return theta[:d], theta[d:], history


@alternative("chapter2.gradient_descent")
def float64_einsum_cast_back(X, y, W, b, lr, num_iterations):
    """All the arithmetic in float64 with einsum and means, the results cast back to the inputs' dtype."""
    dtype = np.result_type(X, y, W, b)
    X, y, W, b = (array.astype(np.float64) for array in (X, y, W, b))
    history = []
    for _ in range(num_iterations):
        error = np.einsum("nd,dk->nk", X, W) + b - y
        history.append(float(np.einsum("nk,nk->", error, error) / error.size))
        W = W - lr * 2 * np.einsum("nd,nk->dk", X, error) / len(X)
        b = b - lr * 2 * error.mean(axis=0, keepdims=True)
    return W.astype(dtype), b.astype(dtype), history


# --- minibatch_gradient_descent --------------------------------------------------------


def _bce(A, y):
    eps = np.finfo(A.dtype).eps
    p = np.clip(A, eps, 1 - eps)
    return float(-np.mean(scipy.special.xlogy(y, p) + scipy.special.xlogy(1 - y, 1 - p)))


@alternative("chapter2.minibatch_gradient_descent")
def permuted_rows_expit_einsum(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """rng.permutation of the row indices each epoch, slices of it as batches; scipy's expit, einsum, xlogy."""
    n = len(X)
    scale = 2.0 if model == "linear" else 1.0
    history = []
    for _ in range(num_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = order[start : start + batch_size]
            Z = X[rows] @ W + b
            error = (Z if model == "linear" else scipy.special.expit(Z)) - y[rows]
            step = lr * scale / len(rows)
            W = W - step * np.einsum("md,mk->dk", X[rows], error)
            b = b - step * error.sum(axis=0, keepdims=True)
        Z = X @ W + b
        history.append(float(np.mean((Z - y) ** 2)) if model == "linear" else _bce(scipy.special.expit(Z), y))
    return W, b, history


@alternative("chapter2.minibatch_gradient_descent")
def float64_shuffled_in_place_tanh(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """float64 inside, an index array shuffled in place by rng.shuffle every epoch, the sigmoid as
    (1 + tanh(z / 2)) / 2, mean-based gradients, the reference losses; cast back at the end."""
    dtype = np.result_type(X, y, W, b)
    X, y, W, b = (array.astype(np.float64) for array in (X, y, W, b))

    def predict(X_rows):
        Z = X_rows @ W + b
        return Z if model == "linear" else (1 + np.tanh(Z / 2)) / 2

    factor = 2.0 if model == "linear" else 1.0
    index = np.arange(len(X))
    history = []
    for _ in range(num_epochs):
        rng.shuffle(index)
        for start in range(0, len(index), batch_size):
            rows = index[start : start + batch_size]
            error = predict(X[rows]) - y[rows]
            W = W - lr * factor * (X[rows] * error).mean(axis=0)[:, None]
            b = b - lr * factor * error.mean(keepdims=True)
        loss = mse_loss if model == "linear" else binary_cross_entropy
        history.append(loss(predict(X), y))
    return W.astype(dtype), b.astype(dtype), history


alternative_edit(
    "chapter2.minibatch_gradient_descent", "split_permutation_at_multiples",
    "One rng.permutation per epoch, cut with np.split at the multiples of batch_size, instead of iterate_minibatches.",
    ("iterate_minibatches(X, y, batch_size, rng)",
     "((X[rows], y[rows]) for rows in np.split(rng.permutation(len(X)), range(batch_size, len(X), batch_size)))"),
)  # fmt: skip


@alternative("chapter2.minibatch_gradient_descent")
def every_order_drawn_up_front(X, y, W, b, lr, num_epochs, batch_size, rng, model="linear"):
    """All epochs' orders drawn before training (argsort of rng.random((num_epochs, n))); the gradient as a mean of
    per-row products; the history through the reference losses."""
    orders = np.argsort(rng.random((num_epochs, len(X))), axis=1)
    factor = 2 if model == "linear" else 1
    history = []
    for order in orders:
        for start in range(0, len(X), batch_size):
            rows = order[start : start + batch_size]
            Z = X[rows] @ W + b
            error = (Z if model == "linear" else scipy.special.expit(Z)) - y[rows]
            W = W - lr * factor * np.mean(X[rows] * error, axis=0, keepdims=True).T
            b = b - lr * factor * np.mean(error, axis=0, keepdims=True)
        Z = X @ W + b
        history.append(mse_loss(Z, y) if model == "linear" else binary_cross_entropy(scipy.special.expit(Z), y))
    return W, b, history


# --- numerical_gradient and relative_error ---------------------------------------------


@alternative("chapter2.numerical_gradient")
def flat_index_walk(X, y, params, loss_fn, forward_fn, h=1e-4):
    """Walks each parameter through .flat (any layout, 0-d included), restoring the saved value in a finally."""

    def loss():
        return loss_fn(forward_fn(X, params), y)

    gradients = {}
    for name, value in params.items():
        gradient = np.empty_like(value)
        for i in range(value.size):
            saved = value.flat[i]
            try:
                value.flat[i] = saved + h
                up = loss()
                value.flat[i] = saved - h
                down = loss()
            finally:
                value.flat[i] = saved
            gradient.flat[i] = (up - down) / h / 2
        gradients[name] = gradient
    return gradients


@alternative("chapter2.numerical_gradient")
def minus_side_first(X, y, params, loss_fn, forward_fn, h=1e-4):
    """itertools.product over the index ranges, nudging down first and then up; the difference times 0.5 / h."""
    gradients = {name: np.zeros_like(value) for name, value in params.items()}
    for name, value in params.items():
        for index in itertools.product(*(range(size) for size in value.shape)):
            saved = value[index]
            try:
                value[index] = saved - h
                down = loss_fn(forward_fn(X, params), y)
                value[index] = saved + h
                up = loss_fn(forward_fn(X, params), y)
            finally:
                value[index] = saved
            gradients[name][index] = (up - down) * (0.5 / h)
    return gradients


@alternative("chapter2.relative_error")
def sums_of_squares(analytic, numeric):
    """Norms as square roots of sums of squares, in float64, with an explicit zero test."""
    a, n = analytic.astype(np.float64), numeric.astype(np.float64)
    denominator = math.sqrt(np.sum(a * a)) + math.sqrt(np.sum(n * n))
    if denominator == 0.0:
        return 0.0
    return math.sqrt(np.sum((a - n) ** 2)) / denominator


@alternative("chapter2.relative_error")
def vdot_norms(analytic, numeric):
    """np.vdot of each flattened array with itself for the squared norms."""
    a, n = np.ravel(analytic).astype(np.float64), np.ravel(numeric).astype(np.float64)
    total = np.sqrt(np.vdot(a, a)) + np.sqrt(np.vdot(n, n))
    return 0.0 if total == 0 else float(np.sqrt(np.vdot(a - n, a - n)) / total)


# --- derivatives by nudging ------------------------------------------------------------


@alternative("chapter2.one_sided_derivative")
def times_reciprocal_step(f, x, h):
    """The forward difference multiplied by 1 / h, its two terms summed with math.fsum."""
    return float(math.fsum([f(x + h), -f(x)]) * (1 / h))


@alternative("chapter2.centered_derivative")
def average_of_forward_and_backward(f, x, h):
    """The mean of the forward and the backward one-sided differences (the f(x) terms cancel)."""
    forward = (f(x + h) - f(x)) / h
    backward = (f(x) - f(x - h)) / h
    return float((forward + backward) / 2)


@alternative("chapter2.derivative_errors")
def inline_formulas_with_fromiter(f, exact, x, steps):
    """Both estimates written inline (the centered one as forward and backward differences averaged), np.fromiter."""
    steps = [float(h) for h in steps]
    one = np.fromiter((abs((f(x + h) - f(x)) / h - exact) for h in steps), dtype=np.float64, count=len(steps))
    two = np.fromiter(
        (abs(((f(x + h) - f(x)) / h + (f(x) - f(x - h)) / h) / 2 - exact) for h in steps),
        dtype=np.float64,
        count=len(steps),
    )
    return one, two


@alternative("chapter2.error_order")
def lstsq_on_log10(steps, errors):
    """np.linalg.lstsq of log10(error) on [log10(h), 1]: the slope is the same in any base."""
    design = np.column_stack([np.log10(steps), np.ones(len(steps))])
    solution, *_ = np.linalg.lstsq(design, np.log10(errors), rcond=None)
    return float(solution[0])


@alternative("chapter2.error_order")
def polyfit_of_logs(steps, errors):
    """np.polyfit of degree 1 on the natural logs, as the docstring suggests."""
    return float(np.polyfit(np.log(steps), np.log(errors), 1)[0])


# --- computation graph -----------------------------------------------------------------


@alternative("chapter2.graph_forward")
def operator_nodes_distributed_output(a, b, c):
    """Nodes as operator.mul and operator.add; J written out as 3a + 3u."""
    u = operator.mul(b, c)
    v = operator.add(a, u)
    return GraphValues(float(u), float(v), float(3 * a + 3 * u))


@alternative("chapter2.graph_backward")
def closed_form(a, b, c):
    """The final formulas at once: every node upstream of the 3 gets 3; db = 3c, dc = 3b."""
    return GraphGradients(3.0, 3.0, 3.0, 3.0 * c, 3.0 * b)


@alternative("chapter2.graph_backward")
def reverse_mode_tape(a, b, c):
    """A tiny reverse-mode tape: each node lists (input, local derivative), walked from J back to the inputs."""
    tape = [("J", [("v", 3.0)]), ("v", [("a", 1.0), ("u", 1.0)]), ("u", [("b", c), ("c", b)])]
    grads = {"J": 1.0}
    for node, inputs in tape:
        for source, local in inputs:
            grads[source] = grads.get(source, 0.0) + grads[node] * local
    return GraphGradients(*(float(grads[name]) for name in ("v", "u", "a", "b", "c")))


# --- learning rates --------------------------------------------------------------------


@alternative("chapter2.mse_hessian")
def block_matrix(X):
    """np.block of X.T X, the column sums and n, times 2/n, in X's dtype."""
    n = X.shape[0]
    sums = X.sum(axis=0, keepdims=True)
    return (2 / n) * np.block([[X.T @ X, sums.T], [sums, np.full((1, 1), n, dtype=X.dtype)]])


@alternative("chapter2.mse_hessian")
def einsum_of_augmented(X):
    """einsum over the rows of [X, 1], then scaled by 2/n."""
    X1 = np.concatenate([X, np.ones_like(X[:, :1])], axis=1)
    return np.einsum("ni,nj->ij", X1, X1) * (2 / X.shape[0])


@alternative("chapter2.divergence_threshold")
def largest_singular_value(X):
    """lambda_max = (2/n) sigma_max([X, 1])^2, with sigma_max from np.linalg.norm(., 2)."""
    X1 = np.hstack([X.astype(np.float64), np.ones((len(X), 1))])
    return float(2 / (2 / len(X) * np.linalg.norm(X1, 2) ** 2))


@alternative("chapter2.divergence_threshold")
def general_eigenvalues(X):
    """np.linalg.eigvals (not the symmetric routine) of the Hessian, the largest real part."""
    X1 = np.hstack([X.astype(np.float64), np.ones((len(X), 1))])
    return float(2 / np.max(np.linalg.eigvals(2 / len(X) * X1.T @ X1).real))


@alternative("chapter2.learning_rate_sweep")
def pinv_minimum(X, y, learning_rates, num_iterations, tolerance=1e-6):
    """L_min from the pseudo-inverse, L_0 as mean(y^2); the reference gradient_descent for each rate."""
    n, d = X.shape
    X1 = np.hstack([X, np.ones((n, 1), dtype=X.dtype)])
    loss_min = float(np.mean((X1 @ (np.linalg.pinv(X1) @ y) - y) ** 2))
    loss_0 = float(np.mean(y**2))
    result = {}
    for lr in learning_rates:
        with np.errstate(over="ignore", invalid="ignore"):
            W, b, _ = gradient_descent(X, y, np.zeros((d, 1), X.dtype), np.zeros((1, 1), X.dtype), lr, num_iterations)
            final = float(np.mean((X @ W + b - y) ** 2))
        if not math.isfinite(final) or final > loss_0:
            result[lr] = "diverged"
        else:
            result[lr] = "converged" if final - loss_min <= tolerance * (loss_0 - loss_min) else "slow"
    return result


@alternative("chapter2.learning_rate_sweep")
def normal_equations_and_inline_descent(X, y, learning_rates, num_iterations, tolerance=1e-6):
    """L_min from the normal equations (np.linalg.solve); descent written inline on theta = [W; b]."""
    n = len(X)
    X1 = np.hstack([X, np.ones((n, 1), dtype=X.dtype)])
    residual_min = X1 @ np.linalg.solve(X1.T @ X1, X1.T @ y) - y
    loss_min = (residual_min.T @ residual_min).item() / n
    loss_0 = (y.T @ y).item() / n
    verdicts = {}
    for lr in learning_rates:
        theta = np.zeros((X1.shape[1], 1), dtype=X.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(num_iterations):
                theta = theta - lr * (2 / n) * (X1.T @ (X1 @ theta - y))
            final = float(np.mean((X1 @ theta - y) ** 2))
        excess, allowed = final - loss_min, tolerance * (loss_0 - loss_min)
        verdicts[lr] = "diverged" if not final <= loss_0 else "converged" if excess <= allowed else "slow"
    return verdicts
