r"""XOR with and without a nonlinearity (chapter 2): train the small network, compare, explore.

* :func:`train_xor` -- a 2-``hidden``-1 :class:`~actlab.network.MLP` with a sigmoid output (binary
  cross-entropy), trained full-batch with momentum SGD; deterministic for a given ``seed``.
* :func:`plot_xor_comparison` -- the best straight line next to a trained network, as decision boundaries.
* :func:`xor_explorer` -- the ipywidgets explorer: hidden units (slider) and activation (menu).
* :func:`train_grid`, :func:`accuracy_table`, :func:`xor_twin` -- one network per (activation, hidden
  units), their accuracies as text and their decision boundaries: the explorer's static twin.
* :func:`plot_single_units` -- networks with one hidden unit: the activation curve with the four points
  placed at their pre-activation z (a non-monotone unit puts both class-0 points in its dip).
* :func:`plot_fits` -- a target curve and its approximations by networks of several widths.

>>> net, history = train_xor(hidden=4, activation="tanh", seed=0)
>>> history.accuracy[-1]
1.0
>>> net, history = train_xor(hidden=8, activation="identity")   # a linear model, however wide
>>> history.accuracy[-1] < 1.0
True

Matplotlib and ipywidgets load only when a figure or an explorer is asked for.
"""
from __future__ import annotations

import functools

import numpy as np

from .._validate import check_int
from ..datasets import xor as xor_data
from ..i18n import Messages
from ..network import MLP, accuracy as _accuracy
from .. import registry
from ..tables import display_width, pad

__all__ = ["XOR_X", "XOR_Y", "train_xor", "accuracy", "plot_xor_comparison", "train_grid",
           "accuracy_table", "xor_twin", "xor_explorer", "plot_single_units", "plot_fits",
           "EXPLORER_ACTIVATIONS", "EXPLORER_HIDDEN"]

XOR_X, XOR_Y = xor_data()
XOR_X.setflags(write=False)
XOR_Y.setflags(write=False)

#: Training settings shared by every XOR figure: 500 full-batch steps of SGD with momentum.
EPOCHS, LR, MOMENTUM = 500, 0.5, 0.9
#: What the explorer offers.
EXPLORER_ACTIVATIONS = ("identity", "tanh", "relu", "sigmoid")
EXPLORER_HIDDEN = (1, 8)

MESSAGES = Messages({
    "line": {"ko": "가장 좋은 직선", "en": "best straight line"},
    "network": {"ko": "2-{hidden}-1 신경망 ({activation})", "en": "2-{hidden}-1 network ({activation})"},
    "accuracy": {"ko": "정확도 {acc:.2f}", "en": "accuracy {acc:.2f}"},
    "hidden": {"ko": "은닉 유닛", "en": "hidden units"},
    "activation": {"ko": "활성화 함수", "en": "activation"},
    "cell": {"ko": "{activation}, 은닉 유닛 {hidden}개", "en": "{activation}, {hidden} hidden"},
    "class": {"ko": "클래스 {k}", "en": "class {k}"},
    "z": {"ko": "은닉 유닛의 가중합 z", "en": "the hidden unit's weighted sum z"},
    "target": {"ko": "목표 함수", "en": "target"},
    "units": {"ko": "은닉 유닛 {n}개", "en": "{n} hidden units"},
})


def _activation_name(name: str) -> str:
    return registry.get(name).name


def _label(name: str) -> str:
    """The function's name as the active language writes it (the registry's name_ko / name_en)."""
    return registry.get(name).label()


def train_xor(hidden: int = 4, activation: str = "tanh", *, seed: int = 0, epochs: int = EPOCHS):
    """Train a 2-``hidden``-1 network on the four XOR points; returns ``(net, history)``.

    The output layer is a single logit read through the sigmoid (binary cross-entropy), so
    ``net.predict_proba(X)[:, 1]`` is the probability of class 1 and ``net.predict(X)`` the label.
    """
    hidden = check_int("hidden", hidden)
    activation = _activation_name(activation)
    net = MLP([2, hidden, 1], activation, loss="binary_cross_entropy", seed=seed)
    history = net.fit(XOR_X, XOR_Y, epochs=epochs, lr=LR, optimizer="sgd", momentum=MOMENTUM)
    return net, history


def accuracy(model, X=XOR_X, y=XOR_Y) -> float:
    """The fraction of points ``model.predict`` gets right (a network or a :class:`~actlab.linear.LinearClassifier`)."""
    return _accuracy(np.asarray(model.predict(X)).astype(int), y)


def _proba(model):
    """A function grid -> probability of class 1 (0/1 for a hard classifier such as a straight line)."""
    if hasattr(model, "predict_proba"):
        return lambda grid: model.predict_proba(grid)[:, 1]
    if hasattr(model, "decision_function"):
        # a steep sigmoid of the signed distance: the same two colours, and a straight 0.5 contour
        from ..activations import sigmoid
        return lambda grid: sigmoid(20.0 * model.decision_function(grid))
    return lambda grid: np.asarray(model.predict(grid), dtype=float)


def _panel(ax, model, title, resolution=61):
    from .. import plotting

    # a coarse grid is smooth enough at these sizes and keeps the SVG small (contours are paths)
    plotting.plot_decision_boundary(_proba(model), XOR_X, XOR_Y, ax=ax, limits=(-0.5, 1.5),
                                    resolution=resolution)
    ax.set_title(title)


def plot_xor_comparison(line, net, *, hidden: int | None = None, activation: str = "tanh"):
    """Two decision boundaries side by side: the best straight line, then the trained network."""
    from .. import plotting

    hidden = net.weight_layers[0].out_features if hidden is None else hidden
    fig, axes = plotting.new_figure(ncols=2, size=(6.4, 3.4))
    _panel(axes[0], line, f"{MESSAGES('line')}\n{MESSAGES('accuracy', acc=accuracy(line))}")
    _panel(axes[1], net, f"{MESSAGES('network', hidden=hidden, activation=_label(activation))}\n"
                         f"{MESSAGES('accuracy', acc=accuracy(net))}")
    return fig


@functools.lru_cache(maxsize=None)
def _trained(hidden: int, activation: str, seed: int):
    """:func:`train_xor`, remembered: the explorer, the table and the grid share their networks."""
    return train_xor(hidden, activation, seed=seed)


def train_grid(hidden_sizes=(1, 2, 4), activations=("identity", "tanh", "relu"), *, seed: int = 0) -> dict:
    """Train one XOR network per (activation, hidden units): ``{(activation, hidden): (net, accuracy)}``."""
    hidden_sizes = [check_int("hidden_sizes", h) for h in hidden_sizes]
    activations = [_activation_name(a) for a in activations]
    results = {}
    for act in activations:
        for hidden in hidden_sizes:
            net, _ = _trained(hidden, act, seed)
            results[(act, hidden)] = (net, accuracy(net))
    return results


def _axes_of(results):
    activations = list(dict.fromkeys(act for act, _ in results))
    hidden_sizes = list(dict.fromkeys(h for _, h in results))
    return activations, hidden_sizes


def accuracy_table(results) -> str:
    """The accuracies of :func:`train_grid` as text: one row per activation (named in the active
    language), one column per hidden size."""
    activations, hidden_sizes = _axes_of(results)
    labels = {act: _label(act) for act in activations}
    width = max(display_width(label) for label in labels.values()) + 2
    heading = MESSAGES("hidden") + ": "
    lines = [" " * width + heading + "  ".join(f"{h:>4d}" for h in hidden_sizes)]
    for act in activations:
        accs = "  ".join(f"{results[(act, h)][1]:4.2f}" for h in hidden_sizes)
        lines.append(pad(labels[act], width) + " " * display_width(heading) + accs)
    return "\n".join(lines)


def _controls():
    from . import explorers

    low, high = EXPLORER_HIDDEN
    return {
        "hidden": explorers.int_slider(MESSAGES("hidden"), low, high, value=2),
        "activation": explorers.dropdown(MESSAGES("activation"), [(_label(a), a) for a in EXPLORER_ACTIVATIONS],
                                         value="tanh"),
    }


def _cell_title(activation, hidden, acc):
    return f"{MESSAGES('cell', activation=_label(activation), hidden=hidden)}\n{MESSAGES('accuracy', acc=acc)}"


def xor_explorer(*, seed: int = 0):
    """An :class:`~actlab.chapters.explorers.Explorer`: hidden units (slider) and activation (menu); each change retrains."""
    from . import explorers

    def draw(ax, hidden, activation):
        net, _ = _trained(hidden, activation, seed)
        _panel(ax, net, _cell_title(activation, hidden, accuracy(net)))

    return explorers.Explorer(draw, size=(3.8, 3.6), **_controls())


def xor_twin(results):
    """The explorer's static twin: the decision boundary of every network of :func:`train_grid`
    (rows: activations, columns: hidden units; the accuracy in each title)."""
    from . import explorers

    activations, hidden_sizes = _axes_of(results)

    def draw(ax, activation, hidden):
        net, acc = results[(activation, hidden)]
        _panel(ax, net, _cell_title(activation, hidden, acc), resolution=41)

    fig = explorers.static_twin(draw, grid={"activation": activations, "hidden": hidden_sizes},
                                size=(2.6 * len(hidden_sizes), 2.6 * len(activations)), controls=_controls())
    axes = np.asarray(fig.axes).reshape(len(activations), len(hidden_sizes))
    for r, row in enumerate(axes):
        for c, ax in enumerate(row):
            if r < len(activations) - 1:
                ax.set_xlabel("")
            if c:
                ax.set_ylabel("")
    return fig


def plot_single_units(nets: dict):
    """One panel per ``activation -> network with one hidden unit``: the curve a(z), and the four XOR
    points drawn at (z, a(z)), z being the unit's weighted sum for that point, marked by class.

    The output layer reads a(z) alone, so the class-1 points must be separable from the class-0 points
    by a threshold on a(z): a monotone a keeps the order of the z, a non-monotone one need not."""
    from .. import plotting

    fig, axes = plotting.new_figure(ncols=len(nets), size=(3.0 * len(nets), 3.0), squeeze=False)
    markers, colors = ["o", "s"], [plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["vermillion"]]
    for ax, (name, net) in zip(axes[0], nets.items()):
        unit = net.weight_layers[0]
        z = (XOR_X @ unit.params["W"] + unit.params["b"])[:, 0]
        fn = registry.get(name).fn
        lo, hi = min(z.min(), -3.0) - 0.5, max(z.max(), 3.0) + 0.5
        zs = np.linspace(lo, hi, 201)
        ax.plot(zs, fn(zs), color="0.3", linewidth=1.2)
        for k in (0, 1):
            ax.scatter(z[XOR_Y == k], fn(z[XOR_Y == k]), marker=markers[k], color=colors[k], edgecolors="black",
                       linewidths=0.8, s=55, zorder=3, label=MESSAGES("class", k=k))
        ax.set_title(f"{_label(name)}\n{MESSAGES('accuracy', acc=accuracy(net))}")
        ax.set_xlabel(MESSAGES("z"))
    axes[0][0].legend(loc="upper left")
    return fig


def plot_fits(x, target, fits: dict):
    """The ``target`` curve over ``x`` and one curve per ``width -> fitted values``, labelled in the active language."""
    from .. import plotting

    curves = {MESSAGES("units", n=n): np.asarray(fit) for n, fit in fits.items()}
    curves[MESSAGES("target")] = np.asarray(target)  # drawn last: on top of the fits that cover it
    return plotting.plot_curves(curves, "x", "f(x)", x=x)
