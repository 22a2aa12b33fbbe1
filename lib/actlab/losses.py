r"""Loss functions, each returning the mean loss over the batch and its gradient with respect to the output.

=========================  ====================================  ==============================
name                       the network's output is               loss (mean over the batch)
=========================  ====================================  ==============================
``mse``                    predictions, shape (n, d)              :math:`\frac{1}{n}\sum_i \frac{1}{d}\lVert \hat y_i - y_i\rVert^2`
``softmax_cross_entropy``  logits, shape (n, C)                   :math:`-\frac{1}{n}\sum_i \log\mathrm{softmax}(z_i)_{y_i}`
``binary_cross_entropy``   logits, shape (n,) or (n, 1)           :math:`\frac{1}{n}\sum_i \mathrm{softplus}(z_i) - y_i z_i`
=========================  ====================================  ==============================

The two classification losses take *logits* (the output layer is the identity) and apply softmax or
the sigmoid themselves: log-softmax and softplus are computed stably, so a confident wrong answer
gives a large finite loss instead of ``log(0)``. Their gradients are the famous
:math:`(\mathrm{softmax}(z) - \mathrm{onehot}(y))/n` and :math:`(\sigma(z) - y)/n`.

>>> loss, grad = softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
>>> round(loss, 6)
0.693147
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array
from .activations import sigmoid, softplus
from .softmax import log_softmax, softmax

__all__ = ["mse", "softmax_cross_entropy", "binary_cross_entropy", "Loss", "LOSSES", "get_loss"]


def _batch(output, name="output"):
    out = as_float_array(output, name)
    if out.ndim not in (1, 2) or out.shape[0] == 0:
        raise ValueError(f"{name} must have shape (batch,) or (batch, outputs) with batch >= 1, got {out.shape}")
    return out


def mse(output: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
    r"""Mean squared error: :math:`L = \frac{1}{n d}\sum (\hat y - y)^2`, gradient :math:`\frac{2}{nd}(\hat y - y)`.

    >>> mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))[0]
    2.5
    """
    out = _batch(output)
    y = as_float_array(target, "target")
    if y.shape != out.shape:
        if y.size == out.size and y.shape[:1] == out.shape[:1]:
            y = y.reshape(out.shape)  # (n,) targets for an (n, 1) output
        else:
            raise ValueError(f"target must have the shape of the output {out.shape}, got {y.shape}")
    diff = out - y
    return float(np.mean(diff ** 2)), 2.0 * diff / diff.size


def _labels(target, n, classes):
    """Integer labels of shape (n,) (or one-hot / probability rows of shape (n, classes)) as probability rows."""
    y = np.asarray(target)
    if y.ndim == 1:
        if y.shape[0] != n:
            raise ValueError(f"target must hold {n} labels (one per row of the output), got {y.shape[0]}")
        if y.dtype.kind == "f" and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        if y.dtype.kind not in "iu":
            raise TypeError(f"target must hold integer class labels, got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= classes):
            raise ValueError(f"target labels must lie in 0..{classes - 1}, got {y.min()}..{y.max()}")
        onehot = np.zeros((n, classes))
        onehot[np.arange(n), y] = 1.0
        return onehot
    y = as_float_array(y, "target")
    if y.shape != (n, classes):
        raise ValueError(f"target must be labels of shape ({n},) or probabilities of shape ({n}, {classes}), got {y.shape}")
    return y


def softmax_cross_entropy(logits: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
    r"""Softmax followed by cross-entropy, on logits; ``target`` = integer labels or probability rows.

    :math:`L = -\frac1n\sum_i\sum_c y_{ic}\log\mathrm{softmax}(z_i)_c`, gradient :math:`(\mathrm{softmax}(z) - y)/n`.
    """
    z = _batch(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (batch, classes), got {z.shape}")
    y = _labels(target, z.shape[0], z.shape[1])
    n = z.shape[0]
    loss = -float(np.sum(y * log_softmax(z, axis=1))) / n
    return loss, (softmax(z, axis=1) - y) / n


def binary_cross_entropy(logits: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
    r"""Sigmoid followed by binary cross-entropy, on logits; ``target`` holds 0/1 (or probabilities).

    :math:`L = \frac1n\sum_i \mathrm{softplus}(z_i) - y_i z_i` (which equals
    :math:`-y\log\sigma(z) - (1-y)\log(1-\sigma(z))`), gradient :math:`(\sigma(z) - y)/n`.
    """
    z = _batch(logits, "logits")
    if z.ndim == 2 and z.shape[1] != 1:
        raise ValueError(f"logits must have shape (batch,) or (batch, 1) for binary_cross_entropy, got {z.shape}")
    y = as_float_array(target, "target")
    if y.size != z.size:
        raise ValueError(f"target must hold {z.shape[0]} values (one per row of the logits), got shape {y.shape}")
    y = y.reshape(z.shape)
    if np.any((y < 0) | (y > 1)):
        raise ValueError("target must hold values in [0, 1] for binary_cross_entropy")
    n = z.shape[0]
    loss = float(np.sum(softplus(z) - y * z)) / n
    return loss, (sigmoid(z) - y) / n


@dataclass(frozen=True)
class Loss:
    """A loss with what the network needs around it: how to turn outputs into probabilities and labels."""

    name: str
    fn: Callable  # (output, target) -> (mean loss, gradient wrt output)
    classification: bool
    proba: Callable | None = None  # output -> class probabilities
    labels: Callable | None = None  # output -> predicted labels

    def __call__(self, output, target):
        return self.fn(output, target)


def _binary_proba(z):
    p = sigmoid(z).reshape(len(z), -1)[:, :1]
    return np.hstack([1 - p, p])


LOSSES = {
    "mse": Loss("mse", mse, classification=False),
    "softmax_cross_entropy": Loss("softmax_cross_entropy", softmax_cross_entropy, True,
                                  proba=lambda z: softmax(z, axis=1), labels=lambda z: np.argmax(z, axis=1)),
    "binary_cross_entropy": Loss("binary_cross_entropy", binary_cross_entropy, True,
                                 proba=_binary_proba, labels=lambda z: (np.reshape(z, (len(z), -1))[:, 0] > 0).astype(np.int64)),
}


def get_loss(name: str) -> Loss:
    """``LOSSES[name]`` (a :class:`Loss` passes through), or an error naming ``loss`` and the choices."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"loss must be the name of a loss (a str), got {type(name).__name__} {name!r:.40}")
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"loss={name!r} is not a known loss; choose one of {sorted(LOSSES)}") from None
