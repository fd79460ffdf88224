"""Chapter 1: NumPy fundamentals and linear algebra.

Katas in course order: 1.1 arrays, 1.2 matrix operations, 1.3 math
functions, 1.4 the NumPy toolkit for machine learning.
"""

from .arrays import normalize
from .math_functions import sigmoid
from .matrices import matrix_multiply, matrix_multiply_loops
from .toolkit import (
    broadcast_shape,
    iterate_minibatches,
    one_hot,
    scale_train_test,
    select_classes,
    shuffle_together,
    train_test_split,
)

__all__ = [
    "normalize",
    "matrix_multiply",
    "matrix_multiply_loops",
    "sigmoid",
    "broadcast_shape",
    "one_hot",
    "select_classes",
    "shuffle_together",
    "train_test_split",
    "scale_train_test",
    "iterate_minibatches",
]
