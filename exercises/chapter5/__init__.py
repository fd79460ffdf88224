"""Chapter 5: deep networks in column-major notation, bridged to the rest of the course.

The lecture notes' notation: examples are columns, ``X`` is ``(n_x, m)``,
``W[l]`` is ``(n[l], n[l-1])`` and ``b[l]`` is ``(n[l], 1)``. Katas in course
order: 5.1 logistic regression as a neural network, 5.2 a shallow network,
5.3 the L-layer network with caches, 5.4 gradient checking, 5.5 the bridge
to chapters 3-4's row-major notation.
"""

from .bridge import parameters_to_column_major, parameters_to_row_major
from .deep_network import (
    L_layer_model,
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    predict,
    update_parameters,
)
from .gradient_checking import dictionary_to_vector, gradient_check, vector_to_dictionary
from .logistic_regression import optimize, predict_logistic, propagate, propagate_loop
from .shallow_network import (
    backward_propagation,
    forward_propagation,
    initialize_parameters,
    make_circles,
    nn_model,
    predict_shallow,
)

__all__ = [
    "propagate",
    "propagate_loop",
    "optimize",
    "predict_logistic",
    "make_circles",
    "initialize_parameters",
    "forward_propagation",
    "backward_propagation",
    "nn_model",
    "predict_shallow",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "predict",
    "L_layer_model",
    "dictionary_to_vector",
    "vector_to_dictionary",
    "gradient_check",
    "parameters_to_row_major",
    "parameters_to_column_major",
]
