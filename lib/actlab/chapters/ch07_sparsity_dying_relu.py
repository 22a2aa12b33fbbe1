r"""Chapter 7's experiments: ReLU's sparsity, its input-decided masks against dropout's, dying ReLU units.

Every experiment trains the same small network on the same data, so the numbers of the chapter can be
compared with each other: a 2-64-64-2 :class:`~actlab.network.MLP` on ``two_moons(200, seed=0)``, 30 epochs
of plain SGD in mini-batches of 32 (:data:`SIZES`, :data:`EPOCHS`, :data:`BATCH_SIZE`).

* :func:`train` -- one run for an activation, a learning rate and an initial bias, with a
  :class:`~actlab.training.Recorder` (dead fraction, loss) and a :class:`UnitRecorder` (which units
  have a weighted sum :math:`z \le 0` for every input); runs are cached, so the explorer, its static
  twin and the chapter's cells share them.
* :func:`negative_units`, :func:`active_units` -- which units are off for every input, which are on for one
  input (the chapter's cells build the thinner network, count patterns and measure gradients from these).
* :func:`plot_zero_histograms`, :func:`plot_active_units`, :func:`plot_masks` / :func:`plot_relu_dropout`,
  :func:`plot_runs` -- figures.
* :func:`dying_explorer` (learning rate and initial bias in; dead fraction and loss out) and
  :func:`dying_twin`, its static twin.

>>> run = train("relu", lr=2.0)
>>> float(run.dead[0, 0]), round(float(run.dead[-1, 0]), 2)    # hidden layer 1: before, after
(0.0, 0.52)
>>> float(train("leaky_relu", lr=2.0).dead.max())              # Leaky ReLU: never exactly 0
0.0

Matplotlib and ipywidgets load only when a figure or an explorer is asked for.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_int, check_real
from ..datasets import two_moons
from ..i18n import Messages, term
from ..network import MLP
from .. import registry
from ..registry import ACTIVATIONS
from ..training import LABELS, Hook, Recorder

__all__ = ["X_MOONS", "Y_MOONS", "SIZES", "EPOCHS", "BATCH_SIZE", "Run", "UnitRecorder", "train",
           "negative_units", "active_units",
           "plot_zero_histograms", "plot_active_units", "plot_masks", "plot_relu_dropout", "plot_runs",
           "draw_dying", "dying_explorer", "dying_twin",
           "MESSAGES", "EXPLORER_LR", "EXPLORER_BIAS"]

X_MOONS, Y_MOONS = two_moons(200, seed=0)
X_MOONS.setflags(write=False)
Y_MOONS.setflags(write=False)

#: The network and the training of every run of the chapter.
SIZES = (2, 64, 64, 2)
EPOCHS, BATCH_SIZE = 30, 32
#: The explorer's sliders: (min, max, step, start).
EXPLORER_LR = (0.05, 3.0, 0.05, 0.5)
EXPLORER_BIAS = (-3.0, 1.0, 0.25, 0.0)

MESSAGES = Messages({
    "layer": {"ko": "은닉층 {k}", "en": "hidden layer {k}"},
    "zero_share": {"ko": "0인 출력의 비율 (입력 하나)", "en": "fraction of zero outputs (one input)"},
    "inputs": {"ko": "입력 수", "en": "number of inputs"},
    "mean": {"ko": "평균 {m:.2f}", "en": "mean {m:.2f}"},
    "data": {"ko": "데이터와 고른 두 입력", "en": "data and the two chosen inputs"},
    "units_of": {"ko": "입력 {name}: 켜진 유닛 {n}/{total}", "en": "input {name}: {n}/{total} units on"},
    "both": {"ko": "두 입력 모두 켜짐", "en": "on for both inputs"},
    "only": {"ko": "이 입력만 켜짐", "en": "on for this input only"},
    "off": {"ko": "꺼짐 (출력 0)", "en": "off (output 0)"},
    "unit": {"ko": "유닛", "en": "unit"},
    "relu_pass": {"ko": "ReLU, {k}번째 계산", "en": "ReLU, pass {k}"},
    "dropout_draw": {"ko": "드롭아웃, {k}번째 추출", "en": "dropout, draw {k}"},
    "dead": {"ko": "죽은 유닛의 비율", "en": "fraction of dead units"},
    "run_layer": {"ko": "{run}, 층 {k}", "en": "{run}, layer {k}"},
    "lr": term("learning rate"),
    "bias": {"ko": "초기 편향", "en": "initial bias"},
    "dead_layer": {"ko": "죽은 비율, 층 {k}", "en": "dead, layer {k}"},
    "loss": {"ko": "손실 (오른쪽 축)", "en": "loss (right axis)"},
    "final": {"ko": "끝: 죽은 비율 {d1:.2f}, {d2:.2f}", "en": "end: dead {d1:.2f}, {d2:.2f}"},
})


# ---- runs -------------------------------------------------------------------------------------------
def negative_units(z) -> np.ndarray:
    r"""Boolean per unit (column of ``z``, shape ``(inputs, units)``): True when :math:`z \le 0` for every input.

    For ReLU these are exactly the dead units (output 0 for every input); with Leaky ReLU such a unit
    still outputs :math:`\alpha z \ne 0` and still gets a gradient.

    >>> negative_units(np.array([[-1.0, 2.0], [0.0, -3.0]]))
    array([ True, False])
    """
    z = as_float_array(z, "z")
    if z.ndim != 2:
        raise ValueError(f"z must have shape (inputs, units), got {z.shape}")
    return np.all(z <= 0, axis=0)


class UnitRecorder(Hook):
    """Before training and after every epoch: for every hidden layer, which units are :func:`negative_units`,
    and how many of the units negative at the previous record had their weights or bias changed since.

    ``masks[layer]`` is a boolean array of shape ``(records, units)``; ``moved[layer]`` a list with one
    count per epoch. With plain SGD on fixed data a dead ReLU unit gets a gradient of exactly 0, so its
    count is 0; an optimizer with memory (momentum, Adam) keeps moving it.
    """

    def __init__(self):
        self.masks: list[np.ndarray] | list[list] = []
        self.moved: list[list[int]] = []
        self._X = None
        self._params = []

    def on_train_begin(self, net, X, y):
        self._X = X
        self.masks = [[] for _ in net.weight_layers[:-1]]
        self.moved = [[] for _ in net.weight_layers[:-1]]
        self._record(net, first=True)

    def on_epoch_end(self, net, epoch, history):
        self._record(net)

    def _record(self, net, first=False):
        hidden = net.weight_layers[:-1]
        for k, (layer, (z, _)) in enumerate(zip(hidden, net.layer_outputs(self._X)[:-1])):
            W, b = layer.params["W"], layer.params["b"]
            if not first:
                W0, b0 = self._params[k]
                changed = np.any(W != W0, axis=0) | (b != b0)
                self.moved[k].append(int(np.sum(changed & self.masks[k][-1])))
            self.masks[k].append(negative_units(z))
        self._params = [(layer.params["W"].copy(), layer.params["b"].copy()) for layer in hidden]

    def fraction(self) -> np.ndarray:
        """Fraction of negative-everywhere units, shape ``(records, hidden layers)``."""
        return np.stack([np.mean(np.array(rows), axis=1) for rows in self.masks], axis=1)

    def revived(self, layer: int) -> int:
        """How many units of hidden layer ``layer`` (0-based) were negative on every input at some record
        and were not at a later one: units that came back."""
        masks = np.array(self.masks[check_int("layer", layer, minimum=0)])
        later_alive = np.flip(np.logical_or.accumulate(np.flip(~masks, axis=0), axis=0), axis=0)
        return int(np.sum(np.any(masks[:-1] & later_alive[1:], axis=0)))


@dataclass(frozen=True)
class Run:
    """One training run of the chapter's network. Arrays have one row per record (before training, then
    every epoch) and one column per hidden layer. Runs are shared through a cache: don't train ``net`` further."""

    activation: str
    lr: float
    bias: float
    net: MLP
    history: object
    recorder: Recorder
    units: UnitRecorder

    @property
    def epochs(self) -> np.ndarray:
        """The epoch of each record (0 = before training)."""
        return np.array(self.recorder.epoch)

    @property
    def dead(self) -> np.ndarray:
        """Fraction of dead units (output exactly 0 for every input), from the :class:`Recorder`."""
        return np.array(self.recorder.dead_fraction)[:, :-1]

    @property
    def negative(self) -> np.ndarray:
        r"""Fraction of units with :math:`z \le 0` for every input (= :attr:`dead` for ReLU)."""
        return self.units.fraction()

    @property
    def loss(self) -> np.ndarray:
        """The training loss at each record."""
        return np.array(self.recorder.loss)


def train(activation: str = "relu", lr: float = 0.5, bias: float = 0.0, *, epochs: int = EPOCHS,
          seed: int = 0, optimizer: str = "sgd", momentum: float = 0.0) -> Run:
    """Train ``MLP(SIZES, activation, bias=bias, seed=seed)`` on the two moons; returns the (cached) :class:`Run`.

    ``optimizer`` is ``"sgd"`` (plain, the chapter's default; ``momentum`` adds heavy-ball momentum) or ``"adam"``.

    >>> run = train("relu", lr=0.5)
    >>> run.history.accuracy[-1]
    1.0
    """
    activation = registry.get(activation).name
    lr = check_real("lr", lr, positive=True)
    bias = check_real("bias", bias)
    epochs = check_int("epochs", epochs)
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    momentum = check_real("momentum", momentum)
    if momentum and optimizer != "sgd":
        raise ValueError("momentum goes with optimizer='sgd' only (Adam keeps its own averages)")
    return _train(activation, lr, bias, epochs, seed, optimizer, momentum)


@functools.lru_cache(maxsize=256)  # the explorer's every slider position is a run: keep the recent ones
def _train(activation, lr, bias, epochs, seed, optimizer="sgd", momentum=0.0):
    net = MLP(list(SIZES), activation, bias=bias, seed=seed)
    recorder, units = Recorder(), UnitRecorder()
    extra = {"momentum": momentum} if momentum else {}
    history = net.fit(X_MOONS, Y_MOONS, epochs=epochs, lr=lr, batch_size=BATCH_SIZE, seed=seed,
                      hooks=[recorder, units], optimizer=optimizer, **extra)
    return Run(activation, lr, bias, net, history, recorder, units)


# ---- the thinner network ---------------------------------------------------------------------------
def _one_input(x):
    x = as_float_array(x, "x")
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(f"x must be one input (a 1-D array or one row), got shape {x.shape}")
    return x


def active_units(net, x) -> list[np.ndarray]:
    """For one input ``x``: per hidden layer, a boolean array of the units whose output is not 0."""
    x = _one_input(x)
    return [a[0] != 0 for _, a in net.layer_outputs(x)[:-1]]


# ---- figures ---------------------------------------------------------------------------------------
def plot_zero_histograms(net, X, *, size: tuple[float, float] = (7.6, 3.0)):
    """Per hidden layer, a histogram over the inputs of the fraction of that layer's outputs that are 0."""
    from .. import plotting
    from ..sparsity import zero_fraction

    X = as_float_array(X, "X")
    outputs = [a for _, a in net.layer_outputs(X)[:-1]]
    fig, axes = plotting.new_figure(1, len(outputs), size=size, squeeze=False, sharey=True)
    for k, (ax, a) in enumerate(zip(axes[0], outputs), start=1):
        share = zero_fraction(a, axis=1)
        ax.hist(share, bins=np.linspace(0.0, 1.0, 33), color=plotting.COLORS[k - 1], edgecolor="white")
        ax.axvline(share.mean(), color="black", linestyle="--", linewidth=1.2,
                   label=MESSAGES("mean", m=share.mean()))
        ax.set_xlim(0, 1)
        ax.set_title(MESSAGES("layer", k=k))
        ax.set_xlabel(MESSAGES("zero_share"))
        ax.legend(loc="upper left")
    axes[0, 0].set_ylabel(MESSAGES("inputs"))
    return fig


def _unit_grid(ax, codes, colors, title):
    """64 units (or any square number) as a square of vector cells coloured by ``codes``."""
    from matplotlib.colors import ListedColormap

    side = int(round(np.sqrt(codes.size)))
    if side * side != codes.size:
        raise ValueError(f"the layer must have a square number of units to draw as a grid, got {codes.size}")
    edges = np.arange(side + 1)
    # vector cells (pcolormesh), not imshow: imshow would put a PNG inside the SVG
    ax.pcolormesh(edges, edges, codes.reshape(side, side), cmap=ListedColormap(colors), vmin=-0.5,
                  vmax=len(colors) - 0.5, edgecolors="white", linewidth=1.0)
    ax.set_aspect("equal")
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, fontsize=10)


def plot_active_units(net, X, y, first: int, second: int, *, size: tuple[float, float] = (9.6, 3.3)):
    """The data with inputs ``first`` (A) and ``second`` (B) marked, then hidden layer 1 of ``net`` as an
    8 x 8 grid for each: units on for both inputs, on for this input only, and off."""
    from matplotlib.patches import Patch

    from .. import plotting

    X = as_float_array(X, "X")
    y = np.asarray(y).ravel()
    for name, i in (("first", first), ("second", second)):
        i = check_int(name, i, minimum=0)
        if i >= X.shape[0]:
            raise ValueError(f"{name} must be the index of a row of X (below {X.shape[0]}), got {i}")
    masks = [active_units(net, X[i])[0] for i in (first, second)]
    both = masks[0] & masks[1]
    colors = ["#e8e8e8", plotting.OKABE_ITO["orange"], plotting.OKABE_ITO["blue"]]
    fig, axes = plotting.new_figure(1, 3, size=size)
    ax = axes[0]
    for k, label in enumerate(np.unique(y)):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=10, color=plotting.COLORS[k + 4], alpha=0.6)
    for name, i in (("A", first), ("B", second)):
        ax.scatter(*X[i], s=160, marker="*", color="black", zorder=3)
        ax.annotate(name, X[i], xytext=(6, 6), textcoords="offset points", fontsize=12)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(MESSAGES("data"), fontsize=10)
    for ax, name, mask in zip(axes[1:], ("A", "B"), masks):
        codes = np.where(both, 2, np.where(mask, 1, 0))
        _unit_grid(ax, codes, colors, MESSAGES("units_of", name=name, n=int(mask.sum()), total=mask.size))
    handles = [Patch(color=colors[2], label=MESSAGES("both")), Patch(color=colors[1], label=MESSAGES("only")),
               Patch(color=colors[0], label=MESSAGES("off"))]
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    return fig


def plot_masks(masks: dict, *, size: tuple[float, float] = (8.0, 2.4)):
    """One row of cells per ``label -> boolean mask`` (1-D, one entry per unit): on in colour, 0 in grey."""
    from matplotlib.colors import ListedColormap

    from .. import plotting

    if not isinstance(masks, dict) or not masks:
        raise ValueError("masks must be a non-empty dict label -> 1-D boolean array")
    rows = [np.asarray(m, dtype=bool).ravel() for m in masks.values()]
    if len({r.size for r in rows}) != 1:
        raise ValueError(f"masks must all have the same length, got {[r.size for r in rows]}")
    fig, ax = plotting.new_figure(1, 1, size=size)
    n = rows[0].size
    ax.pcolormesh(np.arange(n + 1), np.arange(len(rows) + 1), np.array(rows, dtype=float),
                  cmap=ListedColormap(["#e8e8e8", plotting.OKABE_ITO["blue"]]), vmin=0, vmax=1,
                  edgecolors="white", linewidth=0.8)
    ax.set_yticks(np.arange(len(rows)) + 0.5, [str(k) for k in masks])
    ax.invert_yaxis()
    ticks = [t for t in (0, 15, 31, 47, n - 1) if t < n]
    ax.set_xticks(np.array(ticks) + 0.5, [str(t + 1) for t in ticks])
    ax.set_xlabel(MESSAGES("unit"))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def plot_relu_dropout(relu_masks, dropout_masks, *, size: tuple[float, float] = (8.0, 2.4)):
    """:func:`plot_masks` with labels in the active language: the ReLU masks of one input computed again and
    again (``relu_masks``), then dropout masks drawn again and again (``dropout_masks``)."""
    relu_masks, dropout_masks = list(relu_masks), list(dropout_masks)
    if not relu_masks or not dropout_masks:
        raise ValueError("relu_masks and dropout_masks must each hold at least one mask")
    rows = {MESSAGES("relu_pass", k=k): m for k, m in enumerate(relu_masks, start=1)}
    rows.update({MESSAGES("dropout_draw", k=k): m for k, m in enumerate(dropout_masks, start=1)})
    return plot_masks(rows, size=size)


def plot_runs(runs: dict, *, size: tuple[float, float] = (8.8, 3.3)):
    """Left: the dead fraction of each hidden layer over the epochs, one colour per run (layer 1 solid,
    layer 2 dashed). Right: each run's loss. ``runs`` maps a label to a :class:`Run`."""
    from .. import plotting

    if not isinstance(runs, dict) or not runs or not all(isinstance(r, Run) for r in runs.values()):
        raise ValueError("runs must be a non-empty dict label -> Run (from sparsity_plots.train)")
    fig, (left, right) = plotting.new_figure(1, 2, size=size)
    styles = ["-", "--", ":"]
    for color, (label, run) in zip(plotting.COLORS, runs.items()):
        for k in range(run.dead.shape[1]):
            left.plot(run.epochs, run.dead[:, k], color=color, linestyle=styles[k % 3],
                      label=MESSAGES("run_layer", run=label, k=k + 1))
        right.plot(run.epochs, run.loss, color=color, label=str(label))
    left.set_ylim(-0.03, 1.03)
    left.set_xlabel(LABELS("epoch"))
    left.set_ylabel(MESSAGES("dead"))
    left.legend(loc="center right", fontsize=8)   # a fixed place: loc="best" costs a search on every draw
    right.set_xlabel(LABELS("epoch"))
    right.set_ylabel(LABELS("loss"))
    right.set_ylim(bottom=0)
    right.legend(loc="upper right")
    return fig


# ---- explorer and static twin ------------------------------------------------------------------------
def _number(v: float) -> str:
    return f"{v:g}".replace("-", "\u2212")


def draw_dying(ax, lr: float, bias: float):
    """The explorer's draw function: train ReLU with ``lr`` and ``bias`` (cached) and plot, over the epochs,
    the dead fraction of both hidden layers (left axis) and the loss (right axis)."""
    from .. import plotting

    run = train("relu", lr=lr, bias=bias)
    for k in range(run.dead.shape[1]):
        ax.plot(run.epochs, run.dead[:, k], color=plotting.COLORS[k], label=MESSAGES("dead_layer", k=k + 1))
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(LABELS("epoch"))
    ax.set_ylabel(MESSAGES("dead"))
    twin = ax.twinx()
    loss = run.loss
    finite = loss[np.isfinite(loss)]
    twin.plot(run.epochs, loss, color="black", linestyle=":", linewidth=1.6, label=MESSAGES("loss"))
    # from 0 to at least 1.4: ln 2 = 0.69 (a network that learned nothing) then sits near half height
    twin.set_ylim(0, max(1.4, min(float(finite.max()) if finite.size else 1.0, 5.0) * 1.05))
    twin.set_ylabel(LABELS("loss"))
    twin.grid(False)
    twin.spines["right"].set_visible(True)
    handles = ax.get_lines() + twin.get_lines()
    ax.legend(handles, [h.get_label() for h in handles], loc="center right", fontsize=8)
    ax.set_title(f"{MESSAGES('lr')} = {_number(lr)}, {MESSAGES('bias')} = {_number(bias)}\n"
                 f"{MESSAGES('final', d1=run.dead[-1, 0], d2=run.dead[-1, 1])}", fontsize=10)
    return ax


def _controls():
    from . import explorers

    lo, hi, step, value = EXPLORER_LR
    blo, bhi, bstep, bvalue = EXPLORER_BIAS
    return {"lr": explorers.slider(MESSAGES("lr"), lo, hi, step, value=value),
            "bias": explorers.slider(MESSAGES("bias"), blo, bhi, bstep, value=bvalue)}


def dying_explorer():
    """An :class:`~actlab.chapters.explorers.Explorer`: learning rate and initial bias (sliders); each change trains
    the ReLU network (about 0.1 s, then cached) and redraws its dead fraction and loss."""
    from . import explorers

    return explorers.Explorer(draw_dying, size=(5.6, 3.6), **_controls())


def dying_twin(lrs=(0.5, 2.0), biases=(0.0, -2.0)):
    """The explorer's static twin: one panel per (learning rate, initial bias); rows follow the learning
    rate. Only the first panel keeps a legend."""
    from . import explorers

    lrs = [check_real("lrs", v, positive=True) for v in lrs]
    biases = [check_real("biases", v) for v in biases]
    if not lrs or not biases:
        raise ValueError("lrs and biases must each hold at least one value")
    fig = explorers.static_twin(draw_dying, grid={"lr": lrs, "bias": biases},
                                size=(4.2 * len(biases), 3.2 * len(lrs)), controls=_controls())
    n = len(lrs) * len(biases)
    main, twins = fig.axes[:n], fig.axes[n:2 * n]   # static_twin makes the panels, draw_dying adds one twin each
    for i, (ax, twin) in enumerate(zip(main, twins)):
        row, col = divmod(i, len(biases))
        if i:
            ax.get_legend().remove()
        if col:
            ax.set_ylabel("")
        if col < len(biases) - 1:
            twin.set_ylabel("")
        if row < len(lrs) - 1:
            ax.set_xlabel("")
    return fig
