r"""A network is a list of layers and a loss; :class:`MLP` builds the usual multilayer perceptron.

Forward: each layer's output is the next layer's input. Backward (역전파): start from the loss
gradient :math:`\partial L/\partial \hat y` and hand it back through the layers in reverse order;
each layer stores the gradients of its own parameters on the way.

>>> from actlab.datasets import xor
>>> X, y = xor()
>>> net = MLP([2, 4, 2], "tanh", seed=0)
>>> history = net.fit(X, y, epochs=300, lr=0.5, optimizer="sgd", momentum=0.9)
>>> history.accuracy[-1]
1.0
"""
from __future__ import annotations

import contextlib

import numpy as np

from ._validate import as_float_array, check_int
from .initializers import as_rng
from .layers import BatchNorm, Dense, Layer, Maxout
from .losses import get_loss

__all__ = ["Network", "MLP"]


class Network:
    """Layers applied in order, trained against ``loss`` (a name from :data:`actlab.losses.LOSSES`)."""

    def __init__(self, layers, loss="softmax_cross_entropy"):
        layers = list(layers)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise TypeError("layers must be a non-empty list of actlab.layers.Layer objects")
        self.layers = layers
        self.loss = get_loss(loss)

    # -- computing -------------------------------------------------------------------------------
    def forward(self, X, training=False):
        """The output of the last layer (logits for classification losses). Every layer keeps its cache."""
        out = as_float_array(X, "X")
        if out.ndim == 1:
            out = out[:, None]  # a 1-D input is a batch of scalars
        for layer in self.layers:
            out = layer.forward(out, training=training)
        return out

    def backward(self, grad):
        """Backpropagate ``grad`` (:math:`\\partial L/\\partial` output) through every layer; returns it wrt the input."""
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def loss_and_grads(self, X, y, training=True):
        """The mean loss on ``(X, y)`` and the gradient of every parameter, in the order of :meth:`parameters`."""
        output = self.forward(X, training=training)
        _check_rows(output, y)
        loss, grad = self.loss(output, y)
        self.backward(grad)
        return loss, self.gradients()

    # -- parameters -------------------------------------------------------------------------------
    def named_parameters(self) -> list[tuple[str, np.ndarray]]:
        """``("layer1.W", array), ...``: every trainable array, layers numbered from 1."""
        return [(f"layer{i}.{name}", p) for i, layer in enumerate(self.layers, 1)
                for name, p in layer.all_params().items()]

    def parameters(self) -> list[np.ndarray]:
        """Every trainable array, in the order of :meth:`named_parameters` (what an optimiser steps)."""
        return [p for _, p in self.named_parameters()]

    def gradients(self) -> list[np.ndarray]:
        """The gradients left by the last backward pass, in the order of :meth:`parameters`."""
        return [g for layer in self.layers for g in layer.all_grads().values()]

    @property
    def n_params(self) -> int:
        """The number of trainable numbers in the network."""
        return sum(layer.n_params for layer in self.layers)

    @property
    def weight_layers(self) -> list[Layer]:
        """The layers with a weight matrix (Dense and Maxout): the "layers" of plots and recorders."""
        return [layer for layer in self.layers if isinstance(layer, (Dense, Maxout))]

    def batch_norms(self) -> list[BatchNorm]:
        """Every BatchNorm of the network: stand-alone layers, then those inside Dense layers."""
        found = [layer for layer in self.layers if isinstance(layer, BatchNorm)]
        found += [layer.batch_norm for layer in self.layers if getattr(layer, "batch_norm", None) is not None]
        return found

    @contextlib.contextmanager
    def frozen_statistics(self):
        """Within this block, training-mode passes leave BatchNorm's running statistics untouched."""
        bns = self.batch_norms()
        before = [bn.frozen for bn in bns]
        for bn in bns:
            bn.frozen = True
        try:
            yield self
        finally:
            for bn, was in zip(bns, before):
                bn.frozen = was

    # -- using a trained network -------------------------------------------------------------------
    def predict(self, X):
        """Class labels for classification losses, the raw output for regression (evaluation mode)."""
        out = self.forward(X)
        return self.loss.labels(out) if self.loss.classification else out

    def predict_proba(self, X):
        """Class probabilities, shape (n, classes): softmax or sigmoid of the output."""
        if not self.loss.classification:
            raise ValueError(f"predict_proba needs a classification loss, this network uses loss={self.loss.name!r}")
        return self.loss.proba(self.forward(X))

    def evaluate(self, X, y):
        """``(loss, accuracy)`` on ``(X, y)`` in evaluation mode; accuracy is None for regression."""
        out = self.forward(X)
        _check_rows(out, y)
        loss, _ = self.loss(out, y)
        if not self.loss.classification:
            return loss, None
        return loss, accuracy(self.loss.labels(out), y)

    def layer_outputs(self, X, training=False):
        """``[(z, a), ...]`` for every weight layer: pre-activations and outputs on ``X``."""
        self.forward(X, training=training)
        return [(layer.z, layer.a) for layer in self.weight_layers]

    def fit(self, X, y, **kwargs):
        """Train in place and return the :class:`~actlab.training.History`; see :func:`actlab.training.fit`."""
        from .training import fit

        return fit(self, X, y, **kwargs)

    def __repr__(self):
        inner = ", ".join(layer.name for layer in self.layers)
        return f"{type(self).__name__}([{inner}], loss={self.loss.name!r})"


def accuracy(labels, y) -> float:
    """The fraction of ``labels`` equal to ``y`` (integer labels, or probability rows read by argmax)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = np.argmax(y, axis=1)
    return float(np.mean(np.asarray(labels).reshape(-1) == y.reshape(-1)))


def _check_rows(output, y):
    n = np.shape(y)[0] if np.ndim(y) else None
    if n != output.shape[0]:
        raise ValueError(f"y must have one row per row of X ({output.shape[0]}), got shape {np.shape(y)}")


class MLP(Network):
    """A multilayer perceptron from layer sizes, e.g. ``MLP([2, 8, 8, 1], "relu", loss="binary_cross_entropy")``.

    Parameters
    ----------
    sizes : ``[inputs, hidden_1, ..., hidden_L, outputs]``, at least two numbers.
    activation : the hidden activation (a name from :data:`actlab.ACTIVATIONS`, or ``"maxout"``), or a
        list with one name per hidden layer.
    output_activation : the output layer's activation; must be ``"identity"`` with the classification
        losses, which apply softmax / the sigmoid themselves.
    loss : ``"softmax_cross_entropy"`` (default), ``"binary_cross_entropy"`` or ``"mse"``.
    init : initialiser name for every layer (default: He for ReLU-like hidden activations, LeCun for
        SELU, Xavier otherwise and for the output layer); ``init_params`` its extra arguments
        (``{"std": 1.0}`` for ``"normal"``).
    seed : seeds the weights (an int or a ``numpy.random.Generator``).
    batch_norm : batch normalisation before every hidden activation.
    bias : initial value of the hidden biases (e.g. ``-3.0`` to provoke dead ReLU units).
    activation_params : parameters of the hidden activation, e.g. ``{"alpha": 0.1}`` (or one dict per layer).
    maxout_k : pieces per unit when ``activation="maxout"``.
    """

    def __init__(self, sizes, activation="relu", *, output_activation="identity", loss="softmax_cross_entropy",
                 init=None, init_params=None, seed=0, batch_norm=False, bias=0.0, activation_params=None,
                 maxout_k=2):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a list of layer sizes such as [2, 4, 1], got {sizes!r:.40}")
        sizes = [check_int("sizes", s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes must hold at least an input and an output size, got {sizes}")
        hidden = len(sizes) - 2
        activations = _per_layer("activation", activation, hidden, str)
        params = _per_layer("activation_params", activation_params, hidden, dict)
        loss = get_loss(loss)
        if loss.classification and output_activation != "identity":
            raise ValueError(f"output_activation must be 'identity' with loss={loss.name!r}: "
                             f"the loss applies softmax or the sigmoid to the logits itself")
        rng = as_rng(seed, "seed")
        layers = []
        for i, (act, act_params) in enumerate(zip(activations, params)):
            if act == "maxout":
                if batch_norm:
                    raise ValueError("batch_norm is not available with activation='maxout'")
                layers.append(Maxout(sizes[i], sizes[i + 1], maxout_k, init=init or "he_normal",
                                     init_params=init_params, bias=bias, rng=rng))
            else:
                layers.append(Dense(sizes[i], sizes[i + 1], act, init=init, init_params=init_params, bias=bias,
                                    batch_norm=batch_norm, activation_params=act_params, rng=rng))
        # the output layer has no ReLU after it: Xavier, unless one initialiser was asked for everywhere
        layers.append(Dense(sizes[-2], sizes[-1], output_activation, init=init or "xavier_normal",
                            init_params=init_params, rng=rng))
        super().__init__(layers, loss)
        self.sizes = sizes
        self.activations = activations

    @property
    def hidden_layers(self) -> list[Layer]:
        """Every layer but the output layer."""
        return self.layers[:-1]


def _per_layer(name, value, count, kind):
    """One value per hidden layer: a single value is repeated, a list must have ``count`` entries."""
    if value is None or isinstance(value, kind):
        return [value] * count
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a {kind.__name__} or a list of them (one per hidden layer), "
                        f"got {type(value).__name__} {value!r:.40}")
    values = list(value)
    if len(values) != count:
        raise ValueError(f"{name} must be one value or a list of {count} (one per hidden layer), got {len(values)}")
    return values
