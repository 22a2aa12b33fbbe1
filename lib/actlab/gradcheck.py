r"""Finite-difference gradient checks: does the backward pass compute the derivative of the forward pass?

Central differences, :math:`\frac{\partial L}{\partial\theta_i} \approx \frac{L(\theta + \epsilon e_i) - L(\theta - \epsilon e_i)}{2\epsilon}`,
have error :math:`O(\epsilon^2)`; with :math:`\epsilon = 10^{-6}` in float64 a correct backward pass
agrees to a relative error of about :math:`10^{-8}` or better, a wrong one to about 1.
The relative error of two arrays is :math:`\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)`
(0 when both are 0).

>>> from actlab.network import MLP
>>> from actlab.datasets import xor
>>> X, y = xor()
>>> errors = check_network(MLP([2, 3, 2], "tanh", seed=0), X, y)
>>> max(errors.values()) < 1e-7
True
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_real
from .initializers import SeedLike, as_rng

if TYPE_CHECKING:  # the network and the losses import more than a gradient check needs at import
    from .layers import Layer
    from .losses import Loss
    from .network import Network

__all__ = ["numerical_gradient", "relative_error", "check_network", "check_layer", "check_loss"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f()`` with respect to the array ``x``.

    ``x`` is perturbed **in place** one entry at a time (and restored), so ``f`` may read it from
    anywhere, e.g. a layer's weight matrix.
    """
    eps = check_real("eps", eps, positive=True)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a floating NumPy array (it is perturbed in place)")
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views: writing flat writes x
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + eps
        up = f()
        flat[i] = keep - eps
        down = f()
        flat[i] = keep
        gflat[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """:math:`\\lVert a - b\\rVert / (\\lVert a\\rVert + \\lVert b\\rVert)`, 0 when both are 0."""
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"b must have the shape of a {a.shape}, got {b.shape}")
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / den) if den > 0 else 0.0


def check_network(net: Network, X: ArrayLike, y: ArrayLike, eps: float = 1e-6) -> dict[str, float]:
    """Relative error between backprop and central differences for every parameter of ``net``.

    Runs in training mode (BatchNorm uses the batch statistics) with the running statistics frozen.
    Returns ``{"layer1.W": error, "layer1.b": error, ...}``.
    """
    X = as_float_array(X, "X")
    with net.frozen_statistics():
        _, grads = net.loss_and_grads(X, y, training=True)
        grads = [g.copy() for g in grads]

        def loss():
            return net.loss(net.forward(X, training=True), y)[0]

        return {name: relative_error(g, numerical_gradient(loss, p, eps))
                for (name, p), g in zip(net.named_parameters(), grads)}


def check_layer(layer: Layer, x: ArrayLike, *, training: bool = True, eps: float = 1e-6,
                seed: SeedLike = 0) -> dict[str, float]:
    """Check one layer's ``backward`` against central differences, for its input and every parameter.

    The test loss is :math:`L = \\sum R \\odot \\text{layer}(x)` with a fixed random :math:`R`, so every
    output receives a different upstream gradient. Returns ``{"x": error, "W": error, ...}``.
    """
    x = np.array(as_float_array(x, "x"), dtype=np.float64)
    frozen = getattr(layer, "frozen", None)
    if frozen is not None:
        layer.frozen = True
    for bn in [getattr(layer, "batch_norm", None)]:
        if bn is not None:
            bn.frozen = True
    try:
        out = layer.forward(x, training=training)
        R = as_rng(seed).normal(size=out.shape)
        dx = layer.backward(R)
        analytic = {"x": dx, **{k: g.copy() for k, g in layer.all_grads().items()}}

        def loss():
            return float(np.sum(R * layer.forward(x, training=training)))

        errors = {"x": relative_error(analytic["x"], numerical_gradient(loss, x, eps))}
        for name, p in layer.all_params().items():
            errors[name] = relative_error(analytic[name], numerical_gradient(loss, p, eps))
        return errors
    finally:
        if frozen is not None:
            layer.frozen = frozen
        if getattr(layer, "batch_norm", None) is not None:
            layer.batch_norm.frozen = False


def check_loss(loss: str | Loss, output: ArrayLike, target: ArrayLike, eps: float = 1e-6) -> float:
    """Relative error of a loss's gradient with respect to its ``output`` (a name from ``LOSSES`` or a Loss)."""
    from .losses import get_loss

    loss = get_loss(loss)
    output = np.array(as_float_array(output, "output"), dtype=np.float64)
    _, grad = loss(output, target)
    return relative_error(grad, numerical_gradient(lambda: loss(output, target)[0], output, eps))
