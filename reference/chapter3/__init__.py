"""Chapter 3: basic neural networks.

Katas in course order: 3.1 the single-layer perceptron, 3.2 activation
functions, 3.3 the forward pass of a 2-layer MLP and its loss, 3.4
backpropagation and training the MLP on MNIST.
"""

from .activations import relu, relu_derivative, softmax
from .backprop import backward_mlp
from .mlp import cross_entropy, forward_mlp
from .perceptron import forward_perceptron
from .training import init_mlp, train_mlp

__all__ = [
    "forward_perceptron",
    "relu",
    "relu_derivative",
    "softmax",
    "forward_mlp",
    "cross_entropy",
    "backward_mlp",
    "init_mlp",
    "train_mlp",
]
