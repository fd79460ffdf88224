"""Chapter 2: losses and optimization.

Katas in course order: 2.1 loss functions, 2.2 full-batch gradient descent,
2.3 mini-batch gradient descent, 2.4 numerical gradients; then, from the
lecture notes, derivatives by nudging, a computation graph, and learning rates.
"""

from .computation_graph import graph_backward, graph_forward
from .derivatives import centered_derivative, derivative_errors, error_order, one_sided_derivative
from .full_batch import gradient_descent
from .learning_rates import divergence_threshold, learning_rate_sweep, mse_hessian
from .losses import binary_cross_entropy, mse_loss
from .minibatch import minibatch_gradient_descent
from .numerical_gradients import numerical_gradient, relative_error

__all__ = [
    "mse_loss",
    "binary_cross_entropy",
    "gradient_descent",
    "minibatch_gradient_descent",
    "numerical_gradient",
    "relative_error",
    "one_sided_derivative",
    "centered_derivative",
    "derivative_errors",
    "error_order",
    "graph_forward",
    "graph_backward",
    "mse_hessian",
    "divergence_threshold",
    "learning_rate_sweep",
]
