r"""Blocks of today's networks for the teaching network: normalisation layers, residual blocks, gated feed-forward.

Same interface as :mod:`actlab.layers` (``forward(x, training)``, ``backward(grad)``, ``params`` /
``grads``), so they go into :class:`actlab.network.Network` next to :class:`~actlab.layers.Dense`:

* :class:`LayerNorm`, :class:`RMSNorm`: :func:`actlab.normalization.layer_norm` / ``rms_norm`` over
  the features of each row, with a learned scale :math:`\gamma` (and shift :math:`\beta`).
* :class:`Residual`: :math:`y = x + F(x)` (He et al. 2016). The identity path adds the incoming
  gradient unchanged to what flows back through :math:`F`:
  :math:`\partial L/\partial x = g + J_F^\top g`, so the gradient no longer has to pass every
  activation's derivative. With ``norm="layer"`` or ``"rms"`` the block normalises before
  :math:`F` (``position="pre"``: :math:`x + F(N(x))`, as GPT-2 and most current transformers) or
  after the sum (``"post"``: :math:`N(x + F(x))`, as the original transformer); Xiong et al. (2020)
  compare the two.
* :class:`GatedFeedForward`: :math:`\mathrm{gate}(x W_{in})\,W_{out}` with a GLU-family gate
  (:mod:`actlab.gated`): ``x @ W_in`` has width ``2 * hidden``, the gate halves it.
  :func:`gated_hidden_width` gives the 2/3-scaled width that keeps the parameter count of a
  plain ``4 d`` feed-forward block (Shazeer 2020).

>>> block = Residual([Dense(4, 4, "tanh", rng=0)], norm="layer")
>>> block.forward(np.ones((2, 4))).shape
(2, 4)
>>> GatedFeedForward(768, gated_hidden_width(768), rng=0).n_params == 2 * 768 * 3072
True
"""
from __future__ import annotations

import numpy as np

from . import gated
from ._validate import as_float_array, check_int, check_real
from .initializers import as_rng, initialize
from .layers import Dense, Layer, _check_input
from .normalization import layer_norm, layer_norm_vjp, rms_norm, rms_norm_vjp

__all__ = ["LayerNorm", "RMSNorm", "Residual", "GatedFeedForward", "gated_hidden_width", "ffn_params"]


class LayerNorm(Layer):
    r"""Layer normalisation of each row: :math:`\gamma \odot (x - \mu)/\sqrt{\sigma^2 + \epsilon} + \beta`.

    The same computation in training and in evaluation (no running statistics, unlike BatchNorm).
    """

    def __init__(self, features, *, eps=1e-5):
        super().__init__()
        self.features = check_int("features", features)
        self.eps = check_real("eps", eps, positive=True)
        self.params = {"gamma": np.ones(self.features), "beta": np.zeros(self.features)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @property
    def name(self) -> str:
        return f"LayerNorm({self.features})"

    def forward(self, x, training=False):
        self.x = _check_input(x, self.features)
        self.a = layer_norm(self.x, self.params["gamma"], self.params["beta"], eps=self.eps)
        return self.a

    def backward(self, grad):
        grad = as_float_array(grad, "grad")
        dx, self.grads["gamma"], self.grads["beta"] = layer_norm_vjp(self.x, grad, self.params["gamma"], eps=self.eps)
        return dx


class RMSNorm(Layer):
    r"""RMS normalisation of each row: :math:`\gamma \odot x/\sqrt{\overline{x^2} + \epsilon}` (no mean, no shift).

    ``eps=None`` (the default, as ``torch.nn.RMSNorm``) is the machine epsilon of the input's dtype.
    """

    def __init__(self, features, *, eps=None):
        super().__init__()
        self.features = check_int("features", features)
        self.eps = None if eps is None else check_real("eps", eps, positive=True)
        self.params = {"gamma": np.ones(self.features)}
        self.grads = {"gamma": np.zeros(self.features)}

    @property
    def name(self) -> str:
        return f"RMSNorm({self.features})"

    def forward(self, x, training=False):
        self.x = _check_input(x, self.features)
        self.a = rms_norm(self.x, self.params["gamma"], eps=self.eps)
        return self.a

    def backward(self, grad):
        grad = as_float_array(grad, "grad")
        dx, self.grads["gamma"] = rms_norm_vjp(self.x, grad, self.params["gamma"], eps=self.eps)
        return dx


_NORMS = {"layer": LayerNorm, "rms": RMSNorm}


class Residual(Layer):
    r"""A residual block :math:`y = x + F(x)`, :math:`F` = ``layers`` applied in order.

    Parameters
    ----------
    layers : a layer or a list of layers whose composition maps ``features`` to ``features``.
    norm : ``None``, ``"layer"`` (:class:`LayerNorm`) or ``"rms"`` (:class:`RMSNorm`).
    position : ``"pre"`` (:math:`x + F(N(x))`) or ``"post"`` (:math:`N(x + F(x))`); only with ``norm``.

    ``self.inner`` lists the layers of :math:`F`; their parameters appear as ``f1.W``, ``f1.b``,
    ... and the norm's as ``norm.gamma``, ``norm.beta``.
    """

    def __init__(self, layers, *, norm=None, position="pre"):
        super().__init__()
        inner = [layers] if isinstance(layers, Layer) else list(layers) if isinstance(layers, (list, tuple)) else None
        if not inner or not all(isinstance(layer, Layer) for layer in inner):
            raise TypeError("layers must be an actlab layer or a non-empty list of them")
        self.inner = inner
        first, last = inner[0], inner[-1]
        features = getattr(first, "in_features", getattr(first, "features", None))
        out = getattr(last, "out_features", getattr(last, "features", None))
        if features is None or out != features:
            raise ValueError(f"layers must map a width to the same width for x + F(x), got {features} -> {out}")
        self.features = features
        if norm is not None and norm not in _NORMS:
            raise ValueError(f"norm must be None, 'layer' or 'rms', got {norm!r:.40}")
        if position not in ("pre", "post"):
            raise ValueError(f"position must be 'pre' or 'post', got {position!r:.40}")
        self.norm = None if norm is None else _NORMS[norm](features)
        self.position = position

    @property
    def name(self) -> str:
        inner = ", ".join(layer.name for layer in self.inner)
        norm = "" if self.norm is None else f", {self.position}-{self.norm.name}"
        return f"Residual({inner}{norm})"

    def _f_forward(self, x, training):
        for layer in self.inner:
            x = layer.forward(x, training=training)
        return x

    def _f_backward(self, grad):
        for layer in reversed(self.inner):
            grad = layer.backward(grad)
        return grad

    def forward(self, x, training=False):
        self.x = _check_input(x, self.features)
        if self.norm is None:
            self.a = self.x + self._f_forward(self.x, training)
        elif self.position == "pre":
            self.a = self.x + self._f_forward(self.norm.forward(self.x, training), training)
        else:
            self.a = self.norm.forward(self.x + self._f_forward(self.x, training), training)
        return self.a

    def backward(self, grad):
        grad = as_float_array(grad, "grad")
        if self.norm is None:
            return grad + self._f_backward(grad)  # the identity path hands the gradient back unchanged
        if self.position == "pre":
            return grad + self.norm.backward(self._f_backward(grad))
        g = self.norm.backward(grad)
        return g + self._f_backward(g)

    def all_params(self):
        out = {f"f{i}.{k}": v for i, layer in enumerate(self.inner, 1) for k, v in layer.all_params().items()}
        if self.norm is not None:
            out.update({f"norm.{k}": v for k, v in self.norm.params.items()})
        return out

    def all_grads(self):
        out = {f"f{i}.{k}": v for i, layer in enumerate(self.inner, 1) for k, v in layer.all_grads().items()}
        if self.norm is not None:
            out.update({f"norm.{k}": v for k, v in self.norm.grads.items()})
        return out


def gated_hidden_width(d_model, expansion=4, multiple_of=1):
    r"""The hidden width of a gated feed-forward block with the parameters of a plain ``expansion * d`` block.

    A plain block has :math:`2 \cdot d \cdot 4d = 8d^2` weights; a gated one :math:`3 d h`
    (two input maps and one output map), equal when :math:`h = \tfrac23 \cdot 4d`. The width is
    :math:`\lfloor \tfrac23 \cdot \text{expansion} \cdot d \rfloor`, then rounded up to a multiple of
    ``multiple_of`` (with 256 at :math:`d = 4096` this gives 11008, a slightly larger count).

    >>> gated_hidden_width(768), gated_hidden_width(4096, multiple_of=256)
    (2048, 11008)
    """
    d_model = check_int("d_model", d_model)
    expansion = check_int("expansion", expansion)
    multiple_of = check_int("multiple_of", multiple_of)
    hidden = (2 * expansion * d_model) // 3  # exact integer floor
    return multiple_of * -(-hidden // multiple_of)


def ffn_params(d_model, hidden, gated=False, bias=False):
    """Weights (and biases) of a feed-forward block: ``2 d h`` plain, ``3 d h`` gated.

    >>> ffn_params(768, 3072), ffn_params(768, 2048, gated=True)
    (4718592, 4718592)
    """
    d_model, hidden = check_int("d_model", d_model), check_int("hidden", hidden)
    maps = 3 if gated else 2
    biases = ((2 * hidden if gated else hidden) + d_model) if bias else 0
    return maps * d_model * hidden + biases


class GatedFeedForward(Layer):
    r"""A gated feed-forward block: :math:`y = \mathrm{gate}(x W_{in} + b_{in})\,W_{out} + b_{out}`.

    ``W_in`` is ``(d_model, 2 * hidden)``: its first ``hidden`` columns give :math:`a` (the value), the
    last ``hidden`` give :math:`b` (the gate's input), as :mod:`actlab.gated` splits them.
    ``gate`` is one of ``"glu"``, ``"reglu"``, ``"geglu"``, ``"swiglu"`` (default, as in LLaMA).
    ``bias=False`` by default, as in Shazeer (2020) and LLaMA. Weights are Xavier-normal.
    """

    def __init__(self, d_model, hidden, gate="swiglu", *, bias=False, rng=0):
        super().__init__()
        self.in_features = self.out_features = self.d_model = check_int("d_model", d_model)
        self.hidden = check_int("hidden", hidden)
        if gate not in gated.GATES:
            raise ValueError(f"gate must be one of {sorted(gated.GATES)}, got {gate!r:.40}")
        self.gate = gate
        self._fn = getattr(gated, gate)
        self._vjp = getattr(gated, gate + "_vjp")
        rng = as_rng(rng, "rng")
        self.params["W_in"] = initialize("xavier_normal", self.d_model, 2 * self.hidden, rng)
        self.params["W_out"] = initialize("xavier_normal", self.hidden, self.d_model, rng)
        if bias:
            self.params["b_in"] = np.zeros(2 * self.hidden)
            self.params["b_out"] = np.zeros(self.d_model)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @property
    def name(self) -> str:
        return f"GatedFeedForward({self.d_model}→{self.hidden}→{self.d_model}, {self.gate})"

    def forward(self, x, training=False):
        self.x = _check_input(x, self.d_model)
        self.z = self.x @ self.params["W_in"]
        if "b_in" in self.params:
            self.z = self.z + self.params["b_in"]
        self.h = self._fn(self.z)
        self.a = self.h @ self.params["W_out"]
        if "b_out" in self.params:
            self.a = self.a + self.params["b_out"]
        return self.a

    def backward(self, grad):
        grad = as_float_array(grad, "grad")
        self.grads["W_out"] = self.h.T @ grad
        if "b_out" in self.params:
            self.grads["b_out"] = grad.sum(axis=0)
        self.delta = self._vjp(self.z, grad @ self.params["W_out"].T)
        self.grads["W_in"] = self.x.T @ self.delta
        if "b_in" in self.params:
            self.grads["b_in"] = self.delta.sum(axis=0)
        return self.delta @ self.params["W_in"].T
