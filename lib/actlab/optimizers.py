r"""Optimisers (옵티마이저) and gradient clipping (기울기 클리핑).

An optimiser updates a list of parameter arrays **in place** from the matching list of gradients:
``opt.step(params, grads)``. Its state (velocities, moment estimates) is kept per position in the list.

=========  =============================================================================
SGD        :math:`v \leftarrow \mu v + g,\; \theta \leftarrow \theta - \eta v` (plain SGD when :math:`\mu = 0`; PyTorch's form)
RMSProp    :math:`s \leftarrow \rho s + (1-\rho) g^2,\; \theta \leftarrow \theta - \eta\, g / (\sqrt{s} + \epsilon)`
Adam       :math:`m \leftarrow \beta_1 m + (1-\beta_1) g,\; v \leftarrow \beta_2 v + (1-\beta_2) g^2,\;
           \theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)` with bias-corrected :math:`\hat m, \hat v`
=========  =============================================================================

Clipping acts on the gradients before the step: :func:`clip_by_global_norm` rescales all of them
together so that their joint norm is at most ``max_norm`` (the direction is kept);
:func:`clip_by_value` clips every entry to ``[-limit, limit]`` (the direction may change).

>>> p = [np.array([1.0])]
>>> SGD(lr=0.5).step(p, [np.array([2.0])])
>>> p[0]
array([0.])
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import check_real

__all__ = ["Optimizer", "SGD", "RMSProp", "Adam", "OPTIMIZERS", "make_optimizer",
           "global_norm", "clip_by_global_norm", "clip_by_value"]


class Optimizer:
    """Base class: ``step(params, grads)`` updates every array of ``params`` in place."""

    default_lr = 0.01

    def __init__(self, lr=None):
        self.lr = check_real("lr", self.default_lr if lr is None else lr, positive=True)
        self.state: list[dict] = []
        self.t = 0  # number of steps taken

    def step(self, params, grads) -> None:
        """Update every array of ``params`` in place from its gradient in ``grads`` (same order)."""
        if len(params) != len(grads):
            raise ValueError(f"grads must have one array per parameter ({len(params)}), got {len(grads)}")
        if len(self.state) != len(params):
            self.state = [{} for _ in params]
        self.t += 1
        for p, g, state in zip(params, grads, self.state):
            if p.shape != np.shape(g):
                raise ValueError(f"grads: a gradient of shape {np.shape(g)} does not match its parameter {p.shape}")
            self.update(p, np.asarray(g, dtype=p.dtype), state)

    def update(self, p, g, state) -> None:  # pragma: no cover - every optimiser overrides it
        """Update one parameter ``p`` in place from its gradient ``g``; ``state`` is its own dict (moments)."""
        raise NotImplementedError

    def __repr__(self):
        fields = ", ".join(f"{k}={v}" for k, v in vars(self).items() if k not in ("state", "t"))
        return f"{type(self).__name__}({fields})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (heavy-ball) momentum."""

    default_lr = 0.1

    def __init__(self, lr=None, momentum=0.0):
        super().__init__(lr)
        self.momentum = check_real("momentum", momentum)
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")

    def update(self, p, g, state):
        if self.momentum:
            v = state.get("v")
            state["v"] = v = g.copy() if v is None else self.momentum * v + g
            p -= self.lr * v
        else:
            p -= self.lr * g


class RMSProp(Optimizer):
    """RMSProp: divide each step by a running root-mean-square of that parameter's gradients."""

    default_lr = 0.01

    def __init__(self, lr=None, rho=0.9, eps=1e-8):
        super().__init__(lr)
        self.rho = check_real("rho", rho)
        if not 0 <= self.rho < 1:
            raise ValueError(f"rho must be in [0, 1), got {rho}")
        self.eps = check_real("eps", eps, positive=True)

    def update(self, p, g, state):
        s = state.setdefault("s", np.zeros_like(p))
        s *= self.rho
        s += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient and RMSProp-style scaling, both bias-corrected."""

    default_lr = 0.001

    def __init__(self, lr=None, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= check_real(name, value) < 1:
                raise ValueError(f"{name} must be in [0, 1), got {value}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = check_real("eps", eps, positive=True)

    def update(self, p, g, state):
        m = state.setdefault("m", np.zeros_like(p))
        v = state.setdefault("v", np.zeros_like(p))
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1 ** self.t)
        v_hat = v / (1 - self.beta2 ** self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSProp, "adam": Adam}


def make_optimizer(optimizer: str = "sgd", lr: float | None = None, **params) -> Optimizer:
    """An optimiser from its name (``"sgd"``, ``"rmsprop"``, ``"adam"``) and settings; an instance passes through.

    >>> make_optimizer("sgd", lr=0.1, momentum=0.9)
    SGD(lr=0.1, momentum=0.9)
    """
    if isinstance(optimizer, Optimizer):
        if lr is not None or params:
            raise ValueError("lr: give the learning rate to the optimizer object itself, not alongside it")
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name or an Optimizer, got {type(optimizer).__name__} {optimizer!r:.40}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer={optimizer!r} is not known; choose one of {sorted(OPTIMIZERS)}")
    try:
        return OPTIMIZERS[optimizer](lr, **params)
    except TypeError as err:
        raise TypeError(f"optimizer_params {sorted(params)} do not fit optimizer={optimizer!r} ({err})") from None


def global_norm(grads: Sequence[ArrayLike]) -> float:
    r"""The norm of all gradients taken together: :math:`\sqrt{\sum_i \lVert g_i\rVert^2}`."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))


def clip_by_global_norm(grads: Sequence[ArrayLike], max_norm: float) -> tuple[list[np.ndarray], float]:
    r"""Rescale ``grads`` so that their global norm is at most ``max_norm``; returns ``(clipped, norm_before)``.

    :math:`g_i \leftarrow g_i \cdot \min(1, \text{max\_norm} / \lVert g\rVert)`: every direction is kept.

    >>> clipped, norm = clip_by_global_norm([np.array([3.0, 4.0])], 1.0)
    >>> norm, clipped[0]
    (5.0, array([0.6, 0.8]))
    """
    max_norm = check_real("max_norm", max_norm, positive=True)
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0  # NaN norms fall through unchanged
    return [g * scale for g in grads], norm


def clip_by_value(grads: Sequence[ArrayLike], limit: float) -> list[np.ndarray]:
    """Clip every gradient entry to ``[-limit, limit]``."""
    limit = check_real("limit", limit, positive=True)
    return [np.clip(g, -limit, limit) for g in grads]
