r"""Gradient flow through depth: the measurements of chapter 9 (기울기 소실과 폭발).

Backpropagation multiplies one factor per layer: :math:`\delta_l = (\delta_{l+1} W_{l+1}^\top) \odot f'(z_l)`.
With the sigmoid every :math:`f'` is at most 0.25, so over :math:`L` layers the gradient can shrink
like :math:`0.25^L` (unless the weights are large, when it can explode instead).

* :func:`gradient_flow`: build a deep MLP (depth, width, activation, initialisation, seed), run one
  forward and backward pass on random data and return the per-layer gradient norms and
  activation statistics (:class:`GradientFlow`).
* :func:`activation_statistics`: only the forward statistics, for comparing initialisations.
* :func:`max_derivative` and :func:`derivative_bound`: :math:`\max|f'|` and its powers, e.g. :math:`0.25^L`.
* :func:`chain_gradients`: the same computation written out for a chain of layers given explicitly
  (scalars or matrices), the reference of exercise ex07.

>>> flow = gradient_flow(depth=10, width=32, activation="sigmoid", seed=0)
>>> flow.weight_grad_norm.shape
(10,)
>>> bool(flow.weight_grad_norm[0] < flow.weight_grad_norm[-1])   # the first layer learns slowest
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_int
from .initializers import SeedLike, as_rng
from .layers import get_activation
from .network import MLP
from .training import layer_norms

__all__ = ["GradientFlow", "gradient_flow", "activation_statistics", "max_derivative", "derivative_bound",
           "ChainGradients", "chain_gradients"]


@dataclass(frozen=True)
class GradientFlow:
    r"""Per hidden layer (index 0 = the layer next to the input, ``depth - 1`` = the last hidden layer):

    ``weight_grad_norm``  :math:`\lVert\partial L/\partial W_l\rVert` (Frobenius norm)
    ``delta_norm``        :math:`\lVert\partial L/\partial z_l\rVert`, the backpropagated signal
    ``z_mean, z_std``     statistics of the pre-activations; ``a_mean, a_std`` of the outputs
    ``zero_fraction``     fraction of outputs exactly 0
    """

    activation: str
    depth: int
    width: int
    init: str
    weight_grad_norm: np.ndarray
    delta_norm: np.ndarray
    z_mean: np.ndarray
    z_std: np.ndarray
    a_mean: np.ndarray
    a_std: np.ndarray
    zero_fraction: np.ndarray

    @property
    def layers(self) -> np.ndarray:
        """Layer numbers 1..depth, for the x axis of a plot."""
        return np.arange(1, self.depth + 1)

    def ratio(self) -> float:
        """First-layer over last-layer weight gradient norm: about 1 is healthy, tiny vanishes, huge explodes."""
        return float(self.weight_grad_norm[0] / self.weight_grad_norm[-1])


def _deep_net(depth, width, activation, init, seed, n, init_params, activation_params, batch_norm):
    depth = check_int("depth", depth)
    width = check_int("width", width)
    n = check_int("n", n, minimum=2)
    rng = as_rng(seed, "seed")
    net = MLP([width] * (depth + 1) + [1], activation, loss="mse", init=init, init_params=init_params,
              seed=rng, batch_norm=batch_norm, activation_params=activation_params)
    X = rng.normal(size=(n, width))
    y = rng.normal(size=(n, 1))
    return net, X, y


def gradient_flow(depth: int, width: int = 64, activation: str = "sigmoid", init: str | None = None, *,
                  n: int = 256, seed: SeedLike = 0, init_params: dict | None = None,
                  activation_params: dict | None = None, batch_norm: bool = False) -> GradientFlow:
    """Per-layer gradient norms of a fresh ``depth``-hidden-layer MLP on standard normal data.

    The network is ``MLP([width] * (depth + 1) + [1], activation, loss="mse", init=init)``; inputs and
    targets are standard normal (``n`` rows), everything drawn from ``seed``. One forward and one
    backward pass in training mode; nothing is updated.

    >>> gradient_flow(20, 16, "sigmoid", seed=0).ratio() < 1e-6
    True
    """
    net, X, y = _deep_net(depth, width, activation, init, seed, n, init_params, activation_params, batch_norm)
    with np.errstate(over="ignore", invalid="ignore"):
        with net.frozen_statistics():
            net.loss_and_grads(X, y, training=True)
    hidden = net.hidden_layers
    return GradientFlow(
        activation=activation, depth=len(hidden), width=width, init=hidden[0].init,
        weight_grad_norm=layer_norms([layer.grads["W"] for layer in hidden]),
        delta_norm=layer_norms([layer.delta for layer in hidden]),
        z_mean=np.array([layer.z.mean() for layer in hidden]), z_std=np.array([layer.z.std() for layer in hidden]),
        a_mean=np.array([layer.a.mean() for layer in hidden]), a_std=np.array([layer.a.std() for layer in hidden]),
        zero_fraction=np.array([np.mean(layer.a == 0) for layer in hidden]),
    )


def activation_statistics(depth: int, width: int = 64, activation: str = "tanh", init: str | None = None, *,
                          n: int = 256, seed: SeedLike = 0, init_params: dict | None = None,
                          activation_params: dict | None = None) -> dict[str, np.ndarray]:
    """Mean and standard deviation of pre-activations and outputs per hidden layer (forward pass only).

    Returns ``{"z_mean", "z_std", "a_mean", "a_std", "zero_fraction"}``, each of shape ``(depth,)``.
    With ``init="normal", init_params={"std": 0.01}`` the outputs of tanh shrink towards 0 layer after
    layer; with Xavier they keep their spread.
    """
    net, X, _ = _deep_net(depth, width, activation, init, seed, n, init_params, activation_params, False)
    with np.errstate(over="ignore", invalid="ignore"):
        net.forward(X)
    hidden = net.hidden_layers
    return {"z_mean": np.array([l.z.mean() for l in hidden]), "z_std": np.array([l.z.std() for l in hidden]),
            "a_mean": np.array([l.a.mean() for l in hidden]), "a_std": np.array([l.a.std() for l in hidden]),
            "zero_fraction": np.array([np.mean(l.a == 0) for l in hidden])}


def max_derivative(activation: str, activation_params: dict | None = None, *, lo: float = -20.0,
                   hi: float = 20.0, points: int = 400001) -> float:
    """:math:`\\max_x |f'(x)|` on a fine grid over [lo, hi] (the grid holds 0): 0.25 for sigmoid, 1 for tanh and ReLU."""
    entry, params = get_activation(activation, activation_params)
    return float(np.max(np.abs(entry.derivative(np.linspace(lo, hi, points), **params))))


def derivative_bound(activation: str, depths: Iterable[int],
                     activation_params: dict | None = None) -> np.ndarray:
    r"""The product bound :math:`(\max|f'|)^L` for each ``L`` in ``depths``, e.g. :math:`0.25^L` for sigmoid.

    >>> derivative_bound("sigmoid", [1, 2, 5])
    array([0.25      , 0.0625    , 0.00097656])
    """
    depths = np.asarray(depths)
    if depths.dtype.kind not in "iu" or np.any(depths < 0):
        raise ValueError("depths must be non-negative integers")
    return max_derivative(activation, activation_params) ** depths.astype(float)


@dataclass(frozen=True)
class ChainGradients:
    r"""The result of :func:`chain_gradients`; lists have one entry per layer, input side first."""

    z: list
    a: list  # a[0] is the input, a[l] the output of layer l
    grad_W: list
    grad_b: list
    delta: list

    @property
    def grad_norms(self) -> np.ndarray:
        """:math:`\\lVert\\partial L/\\partial W_l\\rVert` per layer."""
        return layer_norms(self.grad_W)


def chain_gradients(x: ArrayLike, weights: Sequence[ArrayLike], biases: Sequence[ArrayLike] | None = None,
                    activation: str = "sigmoid", activation_params: dict | None = None, *,
                    grad_output: ArrayLike | None = None) -> ChainGradients:
    r"""Forward and backward through :math:`a_l = f(a_{l-1} W_l + b_l)` with loss :math:`L = \sum a_L`.

    ``grad_output`` replaces the upstream gradient :math:`\partial L/\partial a_L` (default: ones,
    i.e. :math:`L = \sum a_L`); it has the shape of :math:`a_L`. Rows are inputs, so a layer
    written with column vectors, :math:`h_{l+1} = f(W h_l + b)`, has ``weights[l] = W.T`` here.

    ``x`` has shape ``(batch, width_0)`` (a 1-D ``x`` is a batch of scalars); ``weights`` is a list of
    matrices ``W_l`` of shape ``(width_{l-1}, width_l)``, or a 1-D array of scalar weights for a chain of
    single units; ``biases`` likewise (default 0).

    For a scalar chain :math:`\partial L/\partial w_l = \sum_{\text{batch}} a_{l-1}\,\delta_l`, with
    :math:`\delta_L = f'(z_L)` and :math:`\delta_l = \delta_{l+1} w_{l+1} f'(z_l)`.

    >>> g = chain_gradients([0.5], [1.0, 1.0, 1.0])
    >>> g.grad_norms.round(4)
    array([0.006 , 0.0319, 0.1466])
    """
    entry, params = get_activation(activation, activation_params)
    x = as_float_array(x, "x")
    if x.ndim == 0:
        x = x.reshape(1, 1)
    elif x.ndim == 1:
        x = x[:, None]
    scalar_chain = np.ndim(weights) == 1 and all(np.ndim(w) == 0 for w in weights)
    if scalar_chain:  # w_1, ..., w_L: a chain of single units
        weights = [np.reshape(w, (1, 1)) for w in as_float_array(weights, "weights")]
    else:
        weights = [as_float_array(w, "weights") for w in weights]
    if not weights:
        raise ValueError("weights must hold at least one layer")
    if biases is None:
        biases = [np.zeros(w.shape[1]) for w in weights]
    elif scalar_chain:
        biases = [np.reshape(b, (1,)) for b in as_float_array(biases, "biases").reshape(-1)]
    else:
        biases = [as_float_array(b, "biases") for b in biases]
    if len(biases) != len(weights):
        raise ValueError(f"biases must hold one entry per layer ({len(weights)}), got {len(biases)}")
    a, zs = [x], []
    for l, (W, b) in enumerate(zip(weights, biases), 1):
        if W.ndim != 2 or W.shape[0] != a[-1].shape[1]:
            raise ValueError(f"weights: layer {l} has shape {W.shape}, expected ({a[-1].shape[1]}, units)")
        zs.append(a[-1] @ W + b)
        a.append(entry.fn(zs[-1], **params))
    if grad_output is None:
        grad = np.ones_like(a[-1])  # dL/da_L for L = sum(a_L)
    else:
        grad = as_float_array(grad_output, "grad_output").reshape(a[-1].shape) \
            if np.size(grad_output) == a[-1].size else None
        if grad is None:
            raise ValueError(f"grad_output must have the shape of the last layer's output {a[-1].shape}, "
                             f"got {np.shape(grad_output)}")
    grad_W, grad_b, deltas = [None] * len(weights), [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        deltas[l] = grad * entry.derivative(zs[l], **params)
        grad_W[l] = a[l].T @ deltas[l]
        grad_b[l] = deltas[l].sum(axis=0)
        grad = deltas[l] @ weights[l].T
    return ChainGradients(z=zs, a=a, grad_W=grad_W, grad_b=grad_b, delta=deltas)
