r"""Training loop (:func:`fit`), its :class:`History`, and hooks that watch the network while it learns.

One step of :func:`fit`: forward pass on a mini-batch, loss, backward pass, optional gradient
clipping, optimiser step. After every epoch the loss and accuracy on the whole training set are
recorded (evaluation mode). Hooks get called at the start, after every step and after every epoch;
:class:`Recorder` is the hook the chapters use: per weight layer, it measures the statistics of
pre-activations and outputs, the fraction of dead units, and the gradient norms.

>>> from actlab.datasets import xor
>>> from actlab.network import MLP
>>> X, y = xor()
>>> net = MLP([2, 8, 2], "relu", seed=1)
>>> rec = Recorder()
>>> hist = fit(net, X, y, epochs=5, lr=0.1, hooks=[rec])
>>> rec.as_arrays()["dead_fraction"].shape   # (records: before training + 5 epochs, weight layers)
(6, 2)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_int, check_real
from .i18n import Messages, term
from .initializers import SeedLike, as_rng
from .optimizers import clip_by_global_norm, clip_by_value, global_norm, make_optimizer
from .sparsity import dead_fraction, zero_fraction

if TYPE_CHECKING:  # the network imports this module
    from .network import Network

__all__ = ["fit", "History", "Hook", "Recorder", "layer_norms", "LABELS"]

#: Axis labels for what History and Recorder measure, in both languages: ``LABELS("dead_fraction")``.
LABELS = Messages({
    "loss": term("loss"),
    "accuracy": term("accuracy"),
    "grad_norm": {"ko": "기울기 노름 (클리핑 전)", "en": "gradient norm (before clipping)"},
    "epoch": term("epoch"),
    "step": {"ko": "학습 단계", "en": "step"},
    "layer": {"ko": "층", "en": "layer"},
    "z_mean": {"ko": "가중합 z의 평균", "en": "mean of the weighted sum z"},
    "z_std": {"ko": "가중합 z의 표준편차", "en": "standard deviation of the weighted sum z"},
    "a_mean": {"ko": "활성화 출력의 평균", "en": "mean of the activation output"},
    "a_std": {"ko": "활성화 출력의 표준편차", "en": "standard deviation of the activation output"},
    "zero_fraction": {"ko": "0인 출력의 비율 (희소성)", "en": "fraction of zero outputs (sparsity)"},
    "dead_fraction": {"ko": "죽은 유닛의 비율", "en": "fraction of dead units"},
    "weight_grad_norm": {"ko": "가중치 기울기의 노름", "en": "norm of the weight gradient"},
    "delta_norm": {"ko": "역전파 신호 ∂L/∂z의 노름", "en": "norm of the backpropagated signal ∂L/∂z"},
})


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch (``accuracy`` stays empty for regression)."""

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)  # largest global gradient norm of the epoch, before clipping
    steps: int = 0
    stopped: str | None = None  # why training stopped early (a non-finite loss), else None

    def as_dict(self) -> dict:
        """The history as plain lists and numbers (JSON-ready)."""
        return {"loss": list(self.loss), "accuracy": list(self.accuracy), "grad_norm": list(self.grad_norm),
                "steps": self.steps, "stopped": self.stopped}


class Hook:
    """Override any of these; :func:`fit` calls them. ``X, y`` are the training data."""

    def on_train_begin(self, net, X, y):
        """Called once before the first step, with the training data."""

    def on_step_end(self, net, step, epoch):
        """Called after each optimiser step (``step`` counts from 1 over the whole run)."""

    def on_epoch_end(self, net, epoch, history):
        """Called after each epoch, once ``history`` holds that epoch's loss and accuracy."""


def _batches(n, batch_size, rng, shuffle):
    order = rng.permutation(n) if shuffle else np.arange(n)
    starts = list(range(0, n, batch_size))
    # a last batch of one row would break batch normalisation's variance: fold it into the previous one
    if len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()
    ends = starts[1:] + [n]
    return [order[s:e] for s, e in zip(starts, ends)]


def fit(net: Network, X: ArrayLike, y: ArrayLike, *, epochs: int = 100, lr: float | None = None,
        optimizer: str = "sgd", batch_size: int | None = None, clip: float | None = None,
        clip_value: float | None = None, hooks: Sequence[Hook] = (), seed: SeedLike = 0, shuffle: bool = True,
        **optimizer_params) -> History:
    r"""Train ``net`` in place on ``(X, y)`` and return the :class:`History`.

    Parameters
    ----------
    epochs : passes over the data.
    lr : learning rate (default: the optimiser's, 0.1 for SGD, 0.001 for Adam).
    optimizer : ``"sgd"``, ``"rmsprop"``, ``"adam"`` or an :class:`~actlab.optimizers.Optimizer`;
        extra keywords (``momentum=0.9``, ``beta1=...``) go to it.
    batch_size : rows per step; None = the whole data set (full-batch gradient descent).
    clip : clip the gradients to this global norm before each step (기울기 클리핑).
    clip_value : clip every gradient entry to ``[-clip_value, clip_value]``.
    hooks : :class:`Hook` objects, e.g. a :class:`Recorder`.
    seed : seeds the shuffling of the mini-batches.

    Training stops early if the loss becomes infinite or NaN (exploding gradients); ``history.stopped`` says when.
    """
    X = as_float_array(X, "X")
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (samples, features) with at least one sample, got {X.shape}")
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one entry per row of X ({X.shape[0]}), got shape {y.shape}")
    epochs = check_int("epochs", epochs, minimum=0)
    n = X.shape[0]
    batch_size = n if batch_size is None else min(check_int("batch_size", batch_size), n)
    if clip is not None:
        clip = check_real("clip", clip, positive=True)
    if clip_value is not None:
        clip_value = check_real("clip_value", clip_value, positive=True)
    hooks = list(hooks)
    for hook in hooks:
        if not isinstance(hook, Hook):
            raise TypeError(f"hooks must hold actlab.training.Hook objects, got {type(hook).__name__}")
    opt = make_optimizer(optimizer, lr, **optimizer_params)
    rng = as_rng(seed, "seed")
    shuffle = bool(shuffle)

    history = History()
    for hook in hooks:
        hook.on_train_begin(net, X, y)
    params = net.parameters()
    for epoch in range(1, epochs + 1):
        largest = 0.0
        for idx in _batches(n, batch_size, rng, shuffle):
            with np.errstate(over="ignore", invalid="ignore"):  # an exploding run is reported, not warned about
                loss, grads = net.loss_and_grads(X[idx], y[idx])
            if clip is not None:
                grads, norm = clip_by_global_norm(grads, clip)
            else:
                norm = global_norm(grads)
            if clip_value is not None:
                grads = clip_by_value(grads, clip_value)
            largest = max(largest, norm) if np.isfinite(norm) else np.inf
            with np.errstate(over="ignore", invalid="ignore"):
                opt.step(params, grads)
            history.steps += 1
            for hook in hooks:
                hook.on_step_end(net, history.steps, epoch)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, acc = net.evaluate(X, y)
        history.loss.append(loss)
        if acc is not None:
            history.accuracy.append(acc)
        history.grad_norm.append(largest)
        for hook in hooks:
            hook.on_epoch_end(net, epoch, history)
        if not np.isfinite(loss):
            history.stopped = f"non-finite loss ({loss}) at epoch {epoch}"
            break
    return history


def layer_norms(arrays: Iterable[ArrayLike]) -> np.ndarray:
    """The Frobenius norm of each array."""
    return np.array([float(np.sqrt(np.sum(np.square(a)))) for a in arrays])


class Recorder(Hook):
    r"""Records, per weight layer (Dense / Maxout, in order), before training and then every epoch
    (or every ``every_steps`` steps):

    ``z_mean, z_std``          mean and standard deviation of the pre-activations :math:`z` over the data
    ``a_mean, a_std``          the same for the outputs :math:`a = f(z)`
    ``zero_fraction``          fraction of outputs that are exactly 0 (sparsity, 희소성)
    ``dead_fraction``          fraction of units whose output is 0 for *every* input of the data
    ``weight_grad_norm``       :math:`\lVert \partial L/\partial W\rVert` on the whole data
    ``delta_norm``             :math:`\lVert \partial L/\partial z\rVert`: the backpropagated signal at that layer

    The data are ``X, y`` if given, else the training data. Activations are measured in evaluation
    mode; gradients on the whole data in training mode with BatchNorm statistics frozen, so recording
    never changes the training. ``recorder.as_arrays()`` gives arrays of shape (records, layers);
    ``epoch`` and ``step`` say when each record was taken (epoch 0 = before training).
    """

    FIELDS = ("z_mean", "z_std", "a_mean", "a_std", "zero_fraction", "dead_fraction", "weight_grad_norm", "delta_norm")

    def __init__(self, X=None, y=None, *, every_steps=None, gradients=True):
        if (X is None) != (y is None):
            raise ValueError("y: give both X and y to record on other data than the training data, or neither")
        self.X = None if X is None else as_float_array(X, "X")
        self.y = y
        self.every_steps = None if every_steps is None else check_int("every_steps", every_steps)
        self.gradients = bool(gradients)
        self.records = {name: [] for name in self.FIELDS}
        self.epoch: list[int] = []
        self.step: list[int] = []
        self.loss: list[float] = []
        self.layer_names: list[str] = []

    def on_train_begin(self, net, X, y):
        if self.X is None:
            self.X, self.y = X, y
        self.layer_names = [layer.name for layer in net.weight_layers]
        if not self.epoch:  # a second fit() continues the same record
            self.record(net, epoch=0, step=0)
        self._epoch0, self._step0 = self.epoch[-1], self.step[-1]

    def on_step_end(self, net, step, epoch):
        if self.every_steps is not None and step % self.every_steps == 0:
            self.record(net, epoch=self._epoch0 + epoch, step=self._step0 + step)

    def on_epoch_end(self, net, epoch, history):
        if self.every_steps is None:
            self.record(net, epoch=self._epoch0 + epoch, step=self._step0 + history.steps)

    def record(self, net, epoch, step):
        """Measure ``net`` on the recorder's data now and append one record."""
        layers = net.weight_layers
        with np.errstate(over="ignore", invalid="ignore"):
            net.forward(self.X, training=False)
            for name, values in (("z_mean", [l.z.mean() for l in layers]), ("z_std", [l.z.std() for l in layers]),
                                 ("a_mean", [l.a.mean() for l in layers]), ("a_std", [l.a.std() for l in layers]),
                                 ("zero_fraction", [zero_fraction(l.a) for l in layers]),
                                 ("dead_fraction", [dead_fraction(l.a) for l in layers])):
                self.records[name].append(np.array(values, dtype=float))
            if self.gradients:
                with net.frozen_statistics():
                    loss, _ = net.loss_and_grads(self.X, self.y, training=True)
                self.records["weight_grad_norm"].append(layer_norms([l.grads["W"] for l in layers]))
                self.records["delta_norm"].append(layer_norms([l.delta for l in layers]))
            else:
                loss = net.evaluate(self.X, self.y)[0]
                nan = np.full(len(layers), np.nan)
                self.records["weight_grad_norm"].append(nan)
                self.records["delta_norm"].append(nan.copy())
        self.loss.append(float(loss))
        self.epoch.append(int(epoch))
        self.step.append(int(step))

    def as_arrays(self) -> dict[str, np.ndarray]:
        """Every field as an array of shape (records, layers), plus ``epoch``, ``step``, ``loss`` (records,)."""
        out = {name: np.array(values) for name, values in self.records.items()}
        out.update(epoch=np.array(self.epoch), step=np.array(self.step), loss=np.array(self.loss))
        return out

    def __getattr__(self, name):
        # rec.dead_fraction reads like a field: the array of shape (records, layers)
        records = self.__dict__.get("records")
        if records is not None and name in Recorder.FIELDS:
            return np.array(records[name])
        raise AttributeError(name)
