"""Chapter 4: deep learning architectures and techniques.

Katas in course order: 4.1 a deeper MLP, vanishing gradients and
initialization; 4.2 convolutional layers; 4.3 max pooling and a CNN trained
on MNIST; 4.4 regularization (L2 and dropout); 4.5 momentum, accuracy and the
capstone.
"""

from .capstone import plot_filters, plot_training_curves, run_capstone
from .cnn import backward_cnn, forward_cnn, init_cnn
from .convolution import conv2d, conv_backward, conv_forward
from .deep_mlp import backward_mlp_3layer, forward_mlp_3layer, init_mlp_3layer
from .initialization import he_init, xavier_init
from .metrics import accuracy
from .momentum import momentum_update
from .pooling import max_pool, max_pool_backward
from .regularization import dropout, dropout_backward, l2_regularization, regularized_loss_and_gradients
from .training import train_cnn, train_mlp_3layer, train_mlp_3layer_regularized
from .vanishing_gradients import layer_gradient_norms

__all__ = [
    "forward_mlp_3layer",
    "backward_mlp_3layer",
    "layer_gradient_norms",
    "he_init",
    "xavier_init",
    "init_mlp_3layer",
    "train_mlp_3layer",
    "conv2d",
    "conv_forward",
    "conv_backward",
    "max_pool",
    "max_pool_backward",
    "init_cnn",
    "forward_cnn",
    "backward_cnn",
    "train_cnn",
    "l2_regularization",
    "dropout",
    "dropout_backward",
    "regularized_loss_and_gradients",
    "train_mlp_3layer_regularized",
    "momentum_update",
    "accuracy",
    "plot_training_curves",
    "plot_filters",
    "run_capstone",
]
