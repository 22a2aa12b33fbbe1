r"""Layers with explicit forward and backward passes (순전파와 역전파).

Every layer has the same small interface:

* ``forward(x, training=False)`` computes the output of a batch ``x`` (one row per input) and keeps
  what ``backward`` will need (``self.x``, ``self.z``, ``self.a``);
* ``backward(grad)`` takes :math:`\partial L/\partial(\text{output})`, stores the gradients of the
  parameters in ``self.grads`` (same keys as ``self.params``) and returns :math:`\partial L/\partial x`.

:class:`Dense` is an affine map followed by any activation of :data:`actlab.ACTIVATIONS`
(optionally with batch normalisation between the two), :class:`Maxout` the maximum of ``k`` affine
pieces, :class:`BatchNorm` batch normalisation (배치 정규화) on its own.

>>> layer = Dense(2, 3, "relu", rng=0)
>>> layer.forward(np.ones((4, 2))).shape
(4, 3)
"""
from __future__ import annotations

import numpy as np

from . import registry
from ._validate import as_float_array, check_int, check_real
from .initializers import as_rng, default_init_for, initialize
from .maxout import maxout, maxout_grad
from .registry import Activation

__all__ = ["Layer", "Dense", "Maxout", "BatchNorm", "get_activation"]


def get_activation(name: str, params: dict | None = None,
                   argument: str = "activation") -> tuple[Activation, dict]:
    """The registry entry ``ACTIVATIONS[name]`` and its checked parameters, or a clear error."""
    entry = registry.get(name, argument)
    params = dict(params or {})
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise TypeError(f"activation_params {sorted(unknown)} do not fit {argument}={name!r}; "
                        f"it takes {sorted(entry.defaults) or 'no parameters'}")
    entry.fn(np.zeros(1), **params)  # lets the activation itself reject a bad value (e.g. alpha='x')
    return entry, params


def _check_input(x, features, name="x"):
    x = as_float_array(x, name)
    if x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"{name} must have shape (batch, {features}), got {x.shape}")
    return x


class Layer:
    """Base class: a layer with parameters ``params`` and their gradients ``grads`` (both dicts of arrays)."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x, training=False):  # pragma: no cover - every layer overrides it
        """The layer's output for the batch ``x`` (``training`` switches batch statistics and the like on)."""
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover
        """Given ``grad`` = ∂L/∂output of the last :meth:`forward`, fill :attr:`grads` and return ∂L/∂input."""
        raise NotImplementedError

    def __call__(self, x, training=False):
        return self.forward(x, training=training)

    @property
    def name(self) -> str:
        """A short description for tables and plots, e.g. ``Dense(2→4, tanh)``."""
        return type(self).__name__

    def all_params(self) -> dict[str, np.ndarray]:
        """Every trainable array of the layer (a Dense layer adds its BatchNorm's), by name."""
        return dict(self.params)

    def all_grads(self) -> dict[str, np.ndarray]:
        """The gradients of :meth:`all_params`, same keys, as left by the last ``backward``."""
        return dict(self.grads)

    @property
    def n_params(self) -> int:
        """The number of trainable numbers in :meth:`all_params`."""
        return int(sum(p.size for p in self.all_params().values()))


class BatchNorm(Layer):
    r"""Batch normalisation: :math:`y = \gamma\,\hat x + \beta`, :math:`\hat x = (x - \mu)/\sqrt{\sigma^2 + \epsilon}`.

    In training mode :math:`\mu, \sigma^2` are the mean and (biased) variance of the batch, and the
    running statistics move towards them: ``running = (1 - momentum) * running + momentum * batch``
    (PyTorch's convention, unbiased variance in the running estimate). In evaluation mode the
    running statistics are used, so a single input gets the same output whatever batch it is in.
    Set ``frozen = True`` to compute in training mode without touching the running statistics
    (the recorder does this when it measures gradients).

    The backward pass in training mode accounts for :math:`\mu` and :math:`\sigma` depending on the batch:

    .. math:: \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\epsilon}}\Big(g - \overline{g} - \hat x\,\overline{g\,\hat x}\Big),
              \quad g = \gamma \frac{\partial L}{\partial y}

    (bars are means over the batch).
    """

    def __init__(self, features, *, momentum=0.1, eps=1e-5):
        super().__init__()
        self.features = check_int("features", features)
        self.momentum = check_real("momentum", momentum)
        if not 0 <= self.momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.eps = check_real("eps", eps, positive=True)
        self.params = {"gamma": np.ones(self.features), "beta": np.zeros(self.features)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.running_mean = np.zeros(self.features)
        self.running_var = np.ones(self.features)
        self.frozen = False

    @property
    def name(self) -> str:
        return f"BatchNorm({self.features})"

    def forward(self, x, training=False):
        x = _check_input(x, self.features)
        if training:
            if x.shape[0] < 2:
                raise ValueError("x must hold at least 2 rows in training mode: batch normalisation "
                                 "needs a batch to estimate the variance")
            mean, var = x.mean(axis=0), x.var(axis=0)
            if not self.frozen:
                n = x.shape[0]
                m = self.momentum
                self.running_mean = (1 - m) * self.running_mean + m * mean
                self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            mean, var = self.running_mean, self.running_var
        self.training = training
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = (x - mean) * self.inv_std
        return self.params["gamma"] * self.x_hat + self.params["beta"]

    def backward(self, grad):
        grad = as_float_array(grad, "grad")
        self.grads["gamma"] = np.sum(grad * self.x_hat, axis=0)
        self.grads["beta"] = np.sum(grad, axis=0)
        g = grad * self.params["gamma"]
        if not self.training:  # the statistics are constants in evaluation mode
            return g * self.inv_std
        return self.inv_std * (g - g.mean(axis=0) - self.x_hat * np.mean(g * self.x_hat, axis=0))


class Dense(Layer):
    r"""A fully connected layer: :math:`z = xW + b`, :math:`a = f(z)` with ``f = ACTIVATIONS[activation]``.

    Backward: :math:`\delta = \partial L/\partial z = (\partial L/\partial a)\odot f'(z)`,
    :math:`\partial L/\partial W = x^\top\delta`, :math:`\partial L/\partial b = \sum_{\text{batch}}\delta`,
    :math:`\partial L/\partial x = \delta W^\top`.

    Parameters
    ----------
    in_features, out_features : sizes of the input and of the output.
    activation : a name from :data:`actlab.ACTIVATIONS` ("identity" gives a linear layer).
    init : an initialiser name (default: He for ReLU-like activations, Xavier otherwise).
    init_params : extra arguments of the initialiser, e.g. ``{"std": 2.0}`` for ``init="normal"``.
    bias : the initial value of every bias (a negative value provokes dead ReLU units).
    batch_norm : put :class:`BatchNorm` between the affine map and the activation (no bias then:
        BatchNorm's :math:`\beta` replaces it).
    activation_params : parameters of the activation, e.g. ``{"alpha": 0.1}`` for leaky_relu.
        With ``"prelu"`` the slope is learned: ``params["alpha"]`` holds one slope per unit, starting at
        ``activation_params["alpha"]`` (default 0.25, PyTorch's).
    rng : a ``numpy.random.Generator`` or an integer seed.

    After ``forward``: ``self.z`` (pre-activation) and ``self.a`` (output); after ``backward``:
    ``self.delta`` (:math:`\partial L/\partial z`) and ``self.grads``.
    """

    def __init__(self, in_features, out_features, activation="identity", *, init=None, init_params=None,
                 bias=0.0, batch_norm=False, activation_params=None, rng=0):
        super().__init__()
        self.in_features = check_int("in_features", in_features)
        self.out_features = check_int("out_features", out_features)
        self.activation, self.activation_params = get_activation(activation, activation_params)
        self.init = default_init_for(activation) if init is None else init
        rng = as_rng(rng, "rng")
        self.params["W"] = initialize(self.init, self.in_features, self.out_features, rng, **dict(init_params or {}))
        self.batch_norm = BatchNorm(self.out_features) if batch_norm else None
        if self.batch_norm is None:
            self.params["b"] = np.full(self.out_features, check_real("bias", bias))
        if self.activation.name == "prelu":
            # PReLU learns its negative slope: one alpha per unit, a parameter like W and b
            alpha = self.activation_params.pop("alpha", self.activation.defaults["alpha"])
            self.params["alpha"] = np.full(self.out_features, check_real("alpha", alpha))
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def _activation_params(self):
        if "alpha" in self.params:
            return {**self.activation_params, "alpha": self.params["alpha"]}
        return self.activation_params

    @property
    def name(self) -> str:
        return f"Dense({self.in_features}→{self.out_features}, {self.activation.name})"

    def forward(self, x, training=False):
        self.x = _check_input(x, self.in_features)
        u = self.x @ self.params["W"]
        if self.batch_norm is None:
            self.z = u + self.params["b"]
        else:
            self.z = self.batch_norm.forward(u, training)
        self.a = self.activation.fn(self.z, **self._activation_params())
        return self.a

    def backward(self, grad):
        self.grad_output = as_float_array(grad, "grad")
        self.delta = self.grad_output * self.activation.derivative(self.z, **self._activation_params())
        if "alpha" in self.params:  # PReLU: a = alpha * z where z <= 0, so da/dalpha = z there
            self.grads["alpha"] = np.sum(self.grad_output * np.minimum(self.z, 0), axis=0)
        du = self.delta if self.batch_norm is None else self.batch_norm.backward(self.delta)
        self.grads["W"] = self.x.T @ du
        if self.batch_norm is None:
            self.grads["b"] = du.sum(axis=0)
        return du @ self.params["W"].T

    # BatchNorm's parameters are listed with the layer's own, so optimisers and gradient checks see them.
    def all_params(self):
        out = dict(self.params)
        if self.batch_norm is not None:
            out.update({f"bn.{k}": v for k, v in self.batch_norm.params.items()})
        return out

    def all_grads(self):
        out = dict(self.grads)
        if self.batch_norm is not None:
            out.update({f"bn.{k}": v for k, v in self.batch_norm.grads.items()})
        return out


class Maxout(Layer):
    r"""A Maxout layer: ``units`` outputs, each the maximum of ``k`` affine pieces of the same input.

    :math:`z = xW + b` has ``units * k`` columns (piece ``j`` of unit ``u`` is column ``u * k + j``),
    :math:`a_u = \max_j z_{u k + j}` (:func:`actlab.maxout`). The gradient flows only into the
    winning piece (:func:`actlab.maxout_grad`). It has ``k`` times the parameters of a Dense layer.
    """

    def __init__(self, in_features, units, k=2, *, init="xavier_normal", init_params=None, bias=0.0, rng=0):
        super().__init__()
        self.in_features = check_int("in_features", in_features)
        self.out_features = self.units = check_int("units", units)
        self.k = check_int("k", k)
        self.init = init
        rng = as_rng(rng, "rng")
        self.params["W"] = initialize(init, self.in_features, self.units, rng,
                                      size=(self.in_features, self.units * self.k), **dict(init_params or {}))
        self.params["b"] = np.full(self.units * self.k, check_real("bias", bias))
        self.grads = {k_: np.zeros_like(v) for k_, v in self.params.items()}

    @property
    def name(self) -> str:
        return f"Maxout({self.in_features}→{self.units}, k={self.k})"

    def forward(self, x, training=False):
        self.x = _check_input(x, self.in_features)
        self.z = self.x @ self.params["W"] + self.params["b"]
        self.a = maxout(self.z, self.k, axis=-1)
        return self.a

    def backward(self, grad):
        self.grad_output = as_float_array(grad, "grad")
        self.delta = maxout_grad(self.z, self.k, self.grad_output, axis=-1)
        self.grads["W"] = self.x.T @ self.delta
        self.grads["b"] = self.delta.sum(axis=0)
        return self.delta @ self.params["W"].T

