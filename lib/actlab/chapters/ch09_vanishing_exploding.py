r"""Chapter 9's experiments and figures: gradient norms through depth, and what each remedy changes.

Every measurement is one forward and one backward pass of the same kind of network
(:func:`actlab.gradflow.gradient_flow`: ``depth`` hidden layers of ``width`` units, MSE on standard
normal data, everything drawn from ``seed``), or a short, seeded training run.

* :func:`flow` / :func:`flow_grid` -- the per-layer measurements (remembered, so figures, tables and
  the explorer share them); :data:`INITS` names the initialisations the chapter compares.
* :func:`ratio_table`, :func:`layer_table`, :func:`init_table` -- the numbers as text, 3 significant digits.
* :func:`plot_depths` -- per-layer gradient norms for several activations and depths, with the
  line of slope 0.25 per layer that the sigmoid's derivative allows.
* :func:`plot_flows` -- any per-layer statistic of several networks side by side (initialisation,
  batch normalisation).
* :class:`StepNorms`, :func:`clipping_run`, :func:`plot_clipping` -- gradient clipping in a real
  training run: the gradient norm before clipping and the size of every update.
* :func:`optimizer_run` -- how far each layer's weights move with SGD, Adam or RMSProp.
* :func:`gradient_explorer` and :func:`gradient_twin` / :func:`twin_table` -- the explorer (depth,
  activation, initialisation in; per-layer gradient norms out) and its static twin.

>>> f = flow("sigmoid", 10)
>>> f.weight_grad_norm.shape
(10,)
>>> print(fmt(f.ratio()))
3.89e-07

Matplotlib and ipywidgets load only when a figure or an explorer is asked for.
"""
from __future__ import annotations

import functools

import numpy as np

from .._validate import check_int, check_real
from ..gradflow import GradientFlow, _deep_net, derivative_bound, gradient_flow, max_derivative
from ..i18n import Messages, term
from .. import registry
from ..registry import ACTIVATIONS
from ..tables import display_width, pad
from ..training import Hook

__all__ = ["WIDTH", "DEPTHS", "SHOWN_ACTIVATIONS", "INITS", "EXPLORER_ACTIVATIONS", "EXPLORER_DEPTHS",
           "fmt", "init_label", "network", "flow", "flow_grid", "ratio_table", "layer_table", "init_table",
           "batch_norm_groups", "compare_table", "TABLE_TITLES",
           "plot_depths", "plot_flows", "StepNorms", "clipping_run", "plot_clipping", "OptimizerRun",
           "optimizer_run", "gradient_explorer", "gradient_twin", "twin_table", "MESSAGES"]

#: Units per hidden layer of every measured network.
WIDTH = 64
#: The depths (numbers of hidden layers) of the chapter's first figure and table.
DEPTHS = (5, 10, 20)
#: The activations compared throughout.
SHOWN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
#: Initialisations by short name -> (initialiser, its parameters, label). ``"default"`` is the
#: network's own choice: Xavier for sigmoid and tanh, He for ReLU.
INITS = {
    "default": (None, None, None),
    "small": ("normal", {"std": 0.01}, "N(0, 0.01²)"),
    "xavier": ("xavier_normal", None, "Xavier"),
    "he": ("he_normal", None, "He"),
    "large": ("normal", {"std": 1.0}, "N(0, 1)"),
}
#: What the explorer offers.
EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
EXPLORER_DEPTHS = (2, 30)

MESSAGES = Messages({
    "layer": {"ko": "은닉층 번호 l", "en": "hidden layer l"},
    "layer_column": {"ko": "층", "en": "layer"},
    "weight_grad_norm": {"ko": "‖∂L/∂W‖ (로그 눈금)", "en": "‖∂L/∂W‖ (log scale)"},
    "delta_norm": {"ko": "‖∂L/∂z‖ (로그 눈금)", "en": "‖∂L/∂z‖ (log scale)"},
    "a_std": {"ko": "출력의 표준편차 (로그 눈금)", "en": "std of the outputs (log scale)"},
    "z_std": {"ko": "가중합의 표준편차 (로그 눈금)", "en": "std of the weighted sums (log scale)"},
    "depth_title": {"ko": "은닉층 {depth}개", "en": "{depth} hidden layers"},
    "bound": {"ko": "층마다 0.25배", "en": "× 0.25 per layer"},
    "ratio_title": {"ko": "첫 층 / 마지막 층 기울기 노름", "en": "first-layer / last-layer gradient norm"},
    "bound_note": {"ko": "* σ′들의 곱에 대한 상한일 뿐, 비율 자체의 상한은 아닙니다(비율에는 가중치와 층의 입력도 관여합니다)",
                   "en": "* a bound on the product of σ′ only, not on the ratio itself (which also holds the weights and the layer inputs)"},
    "ratio": {"ko": "첫 층/마지막 층 = {r}", "en": "first/last = {r}"},
    "depth": {"ko": "깊이 (은닉층 수)", "en": "depth (hidden layers)"},
    "activation": {"ko": "활성화 함수", "en": "activation"},
    "init": {"ko": "초기화", "en": "initialisation"},
    "default": {"ko": "기본값", "en": "default"},
    "step": {"ko": "학습 단계", "en": "step"},
    "epoch": term("epoch"),
    "grad_before": {"ko": "기울기 노름, 클리핑 전 (로그 눈금)", "en": "gradient norm before clipping (log scale)"},
    "update": {"ko": "갱신 크기 ‖Δθ‖ (로그 눈금)", "en": "update size ‖Δθ‖ (log scale)"},
    "loss": {"ko": "손실 (로그 눈금)", "en": "loss (log scale)"},
    "limit": {"ko": "학습률 × 클리핑 한계", "en": "learning rate × clipping limit"},
    "no_clip": {"ko": "클리핑 없음", "en": "no clipping"},
    "clip": {"ko": "클리핑 {c:g}", "en": "clipped at {c:g}"},
    "grad_panel": {"ko": "기울기 노름", "en": "gradient norm"},
    "off_scale": {"ko": "{c} 이상 (눈금 밖)", "en": "{c} or more (off the scale)"},
    "update_panel": {"ko": "한 번의 갱신 크기", "en": "size of each update"},
    "loss_panel": term("loss"),
    "first_norm": {"ko": "첫 층의 ‖∂L/∂W₁‖", "en": "first layer ‖∂L/∂W₁‖"},
    "without_bn": {"ko": "배치 정규화 없음", "en": "without batch norm"},
    "with_bn": {"ko": "배치 정규화", "en": "with batch norm"},
})

#: Names of the per-layer statistics in table titles (no "log scale" there).
TABLE_TITLES = Messages({
    "a_std": {"ko": "출력의 표준편차", "en": "std of the outputs"},
    "a_mean": {"ko": "출력의 평균", "en": "mean of the outputs"},
    "z_std": {"ko": "가중합의 표준편차", "en": "std of the weighted sums"},
    "z_mean": {"ko": "가중합의 평균", "en": "mean of the weighted sums"},
    "weight_grad_norm": {"ko": "‖∂L/∂W‖", "en": "‖∂L/∂W‖"},
    "delta_norm": {"ko": "‖∂L/∂z‖", "en": "‖∂L/∂z‖"},
    "zero_fraction": {"ko": "0인 출력의 비율", "en": "fraction of zero outputs"},
    "ratio": {"ko": "첫 층 / 마지막 층 기울기 노름", "en": "first-layer / last-layer gradient norm"},
    "first": {"ko": "첫 층의 ‖∂L/∂W₁‖", "en": "first layer ‖∂L/∂W₁‖"},
})


def fmt(x) -> str:
    """3 significant digits: ``0.534``, ``1.67``, ``7.63e-13``, ``2.00e+07`` (``inf``/``nan`` as such).

    >>> fmt(0.5344), fmt(7.634e-13), fmt(2.003e7), fmt(float("inf"))
    ('0.534', '7.63e-13', '2.00e+07', 'inf')
    """
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    return f"{x:.2e}"


# ---- measurements ----------------------------------------------------------------------------
def _init_spec(init):
    """``init`` is a key of :data:`INITS`; returns ``(initialiser, params)``."""
    if not isinstance(init, str):
        raise TypeError(f"init must be one of {sorted(INITS)} (a str), got {type(init).__name__} {init!r:.40}")
    if init not in INITS:
        raise ValueError(f"init must be one of {sorted(INITS)}, got {init!r}")
    name, params, _ = INITS[init]
    return name, params


def init_label(init: str, activation: str | None = None) -> str:
    """How the figures name an initialisation: ``"Xavier"``, ``"N(0, 1)"``; ``"default"`` says what it is."""
    _init_spec(init)
    label = INITS[init][2]
    if label is None:
        from ..initializers import default_init_for

        chosen = default_init_for(activation) if activation else None
        label = MESSAGES("default") + (f" ({'He' if chosen == 'he_normal' else 'Xavier'})"
                                       if chosen in ("he_normal", "xavier_normal") else "")
    return label


def _activation(name, argument="activation"):
    return registry.get(name, argument).name


def _label(key) -> str:
    """How tables and figures name a row or panel: a registry name as the function's name in the active
    language (``"sigmoid"`` -> 시그모이드 or Sigmoid, ``"relu"`` -> ReLU), any other label as given."""
    return ACTIVATIONS[key].label() if isinstance(key, str) and key in ACTIVATIONS else str(key)


def network(activation: str, depth: int, init: str = "default", *, width: int = WIDTH, seed: int = 0):
    """The weights and data that :func:`flow` measures, as plain arrays, so a cell can run the passes itself.

    Returns ``(Ws, bs, X, y)``: ``depth`` hidden layers then the linear output layer (``z = aW + b``),
    256 standard normal inputs of ``width`` features and standard normal targets, all drawn from ``seed``.

    >>> Ws, bs, X, y = network("sigmoid", 3)
    >>> [W.shape for W in Ws], X.shape
    ([(64, 64), (64, 64), (64, 64), (64, 1)], (256, 64))
    """
    activation = _activation(activation)
    name, params = _init_spec(init)
    net, X, y = _deep_net(check_int("depth", depth), check_int("width", width), activation, name, seed, 256,
                          params, None, False)
    return [l.params["W"] for l in net.layers], [l.params["b"] for l in net.layers], X, y


def flow(activation: str, depth: int, init: str = "default", *, batch_norm: bool = False, width: int = WIDTH,
         seed: int = 0) -> GradientFlow:
    """:func:`~actlab.gradflow.gradient_flow` of a ``depth``-hidden-layer network, remembered.

    ``init`` is a key of :data:`INITS` (``"default"``, ``"small"``, ``"xavier"``, ``"he"``, ``"large"``).

    >>> flow("tanh", 20, "large").ratio() > 1e5      # large weights: the first layer's gradient explodes
    True
    """
    activation = _activation(activation)
    depth = check_int("depth", depth)
    width = check_int("width", width)
    _init_spec(init)
    return _flow(activation, depth, init, bool(batch_norm), width, seed)


@functools.lru_cache(maxsize=None)
def _flow(activation, depth, init, batch_norm, width, seed):
    name, params = _init_spec(init)
    return gradient_flow(depth, width, activation, name, init_params=params, seed=seed, batch_norm=batch_norm)


def flow_grid(activations=SHOWN_ACTIVATIONS, depths=DEPTHS, init: str = "default", *, batch_norm: bool = False,
              width: int = WIDTH, seed: int = 0) -> dict:
    """``{(activation, depth): GradientFlow}`` for every combination (rows follow ``activations``)."""
    activations = [_activation(a, "activations") for a in activations]
    depths = [check_int("depths", d) for d in depths]
    if not activations or not depths:
        raise ValueError("activations and depths must not be empty")
    return {(a, d): flow(a, d, init, batch_norm=batch_norm, width=width, seed=seed)
            for a in activations for d in depths}


def _axes_of(grid):
    return list(dict.fromkeys(k[0] for k in grid)), list(dict.fromkeys(k[1] for k in grid))


def _table(corner: str, columns, rows) -> str:
    """Plain text with right-aligned columns of one width, so a row of numbers reads as a scale;
    ``rows`` are ``(label, [cells])``."""
    labels = [corner] + [label for label, _ in rows]
    lw = max(display_width(s) for s in labels) + 2
    cells = [list(map(str, columns))] + [list(c) for _, c in rows]
    cw = max(display_width(s) for row in cells for s in row) + 2
    lines = [pad(label, lw) + "".join(pad(s, cw, right=True) for s in row) for label, row in zip(labels, cells)]
    return "\n".join(line.rstrip() for line in lines)


def _ratio(norms):
    """First over last layer of a :class:`GradientFlow` or of an array of per-layer norms."""
    if isinstance(norms, GradientFlow):
        return norms.ratio()
    norms = np.asarray(norms, dtype=float).ravel()
    return norms[0] / norms[-1]


def ratio_table(grid, bound: str | None = "sigmoid") -> str:
    r"""The ratio :math:`\lVert\partial L/\partial W_1\rVert / \lVert\partial L/\partial W_L\rVert` of every
    network of :func:`flow_grid`, or of a dict ``{(activation, depth): per-layer norms}`` (rows: activations,
    columns: depths; rows named in the active language), and the row
    :math:`(\max|f'|)^{L-1}` of ``bound`` (``0.25^(L-1)*`` for the sigmoid; None leaves it out): from the
    last hidden layer down to the first, backpropagation multiplies in the derivatives of ``L - 1`` layers.
    That row bounds the product of the derivatives only, not the ratio (which also holds the weights and the
    layer inputs), and a footnote under the table says so.
    """
    activations, depths = _axes_of(grid)
    rows = [(_label(a), [fmt(_ratio(grid[(a, d)])) for d in depths]) for a in activations]
    if bound is not None:
        _activation(bound, "bound")
        rows.append((f"{max_derivative(bound):g}^(L-1)*",
                     [fmt(v) for v in derivative_bound(bound, [d - 1 for d in depths])]))
        return _table("L =", depths, rows) + "\n" + MESSAGES("bound_note")
    return _table("L =", depths, rows)


def layer_table(columns: dict, layers=None) -> str:
    """Per-layer values as text: one row per layer (numbered from 1), one column per entry of ``columns``.

    ``columns`` maps a label to an array with one value per layer; ``layers`` picks rows (1-based). The
    first column is headed "층" or "layer" in the active language.

    >>> print(layer_table({"a": [1.0, 20.0], "b": [3e-9, 4e-9]}))
    층           a         b
    1            1  3.00e-09
    2           20  4.00e-09
    """
    if not isinstance(columns, dict) or not columns:
        raise ValueError("columns must be a non-empty dict label -> per-layer values")
    arrays = {str(k): np.asarray(v, dtype=float).ravel() for k, v in columns.items()}
    n = {a.size for a in arrays.values()}
    if len(n) != 1:
        raise ValueError(f"columns must all have one value per layer, got lengths {sorted(n)}")
    n = n.pop()
    layers = list(range(1, n + 1)) if layers is None else [check_int("layers", l) for l in layers]
    if any(l > n for l in layers):
        raise ValueError(f"layers must be between 1 and {n}, got {layers}")
    rows = [(str(l), [fmt(a[l - 1]) for a in arrays.values()]) for l in layers]
    return _table(MESSAGES("layer_column"), list(arrays), rows)


_FIELDS = ("a_std", "a_mean", "z_std", "z_mean", "weight_grad_norm", "delta_norm", "zero_fraction")


def init_table(flows: dict, field: str = "a_std", layers=None, *, title: str | None = None) -> str:
    """:func:`layer_table` of one statistic (``"a_std"``, ``"weight_grad_norm"``, ...) of several networks
    (``flows``: label -> GradientFlow), under the line ``"{title}: {name of the statistic}"`` if ``title``
    (a registry name there is shown in the active language)."""
    if field not in _FIELDS:
        raise ValueError(f"field must be a per-layer statistic of GradientFlow ({', '.join(_FIELDS)}), got {field!r}")
    if not isinstance(flows, dict) or not flows:
        raise ValueError("flows must be a non-empty dict label -> GradientFlow")
    table = layer_table({label: getattr(f, field) for label, f in flows.items()}, layers)
    return table if title is None else f"{_label(title)}: {TABLE_TITLES(field)}\n{table}"


def batch_norm_groups(cases=(("sigmoid", "xavier"), ("tanh", "large"), ("relu", "he")), depth: int = 20) -> dict:
    """``{"시그모이드, Xavier": {"배치 정규화 없음": flow, "배치 정규화": flow}, ...}`` (in the active language) for
    :func:`compare_table` and :func:`plot_flows`: each (activation, init) with and without batch normalisation."""
    groups = {}
    for activation, init in cases:
        title = f"{_label(_activation(activation))}, {init_label(init, activation)}"
        groups[title] = {MESSAGES("without_bn"): flow(activation, depth, init),
                         MESSAGES("with_bn"): flow(activation, depth, init, batch_norm=True)}
    return groups


def compare_table(groups: dict, field: str = "ratio") -> str:
    """One row per group (title -> {label: GradientFlow}; a registry name as title is shown in the active
    language), one column per label: ``field`` is ``"ratio"`` (first/last weight gradient norm) or
    ``"first"`` (the first layer's norm)."""
    if field not in ("ratio", "first"):
        raise ValueError(f"field must be 'ratio' or 'first', got {field!r}")
    if not isinstance(groups, dict) or not groups:
        raise ValueError("groups must be a non-empty dict title -> {label: GradientFlow}")
    labels = list(dict.fromkeys(label for flows in groups.values() for label in flows))
    rows = []
    for title, flows in groups.items():
        rows.append((_label(title), [fmt(flows[l].ratio() if field == "ratio" else flows[l].weight_grad_norm[0])
                             if l in flows else "-" for l in labels]))
    return f"{TABLE_TITLES(field)}\n" + _table("", labels, rows)


# ---- figures ---------------------------------------------------------------------------------
def _positive(values):
    """Values a log axis can show: zeros and non-finite values become gaps (NaN)."""
    v = np.asarray(values, dtype=float).copy()
    v[~np.isfinite(v) | (v <= 0)] = np.nan
    return v


def _markers(n) -> dict:
    """Dots on lines of up to 10 layers; longer lines read well without them (and draw faster)."""
    return {"marker": "o", "markersize": 4} if n <= 10 else {}


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value, pos=None) -> str:
    """Tick label ``10⁻²⁰`` in plain text (matplotlib's default is mathtext, slower to lay out)."""
    if not value > 0 or not np.isfinite(value):
        return ""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def _log_y(ax):
    """A log y axis labelled 10⁻²⁰, 10⁰, ... without minor ticks (the figures span many decades)."""
    from matplotlib.ticker import FuncFormatter, NullLocator

    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))


def plot_depths(grid, bound: str | None = "sigmoid", *, size=None):
    """One panel per depth: the weight gradient norm of every layer for every activation (log scale).

    With ``bound`` a dashed line starts at that activation's last layer and falls by
    :math:`\\max|f'|` (0.25 for the sigmoid) per layer towards the input.
    """
    from .. import plotting

    activations, depths = _axes_of(grid)
    fig, axes = plotting.new_figure(1, len(depths), squeeze=False, sharey=True,
                                    size=size or (3.3 * len(depths), 3.3))
    factor = None if bound is None else max_derivative(_activation(bound, "bound"))
    for ax, d in zip(axes[0], depths):
        for i, a in enumerate(activations):
            f = grid[(a, d)]
            ax.plot(f.layers, _positive(f.weight_grad_norm), **_markers(d),
                    color=plotting.COLORS[i % len(plotting.COLORS)], label=_label(a))
        if bound is not None and (bound, d) in grid:
            last = grid[(bound, d)].weight_grad_norm[-1]
            layers = np.arange(1, d + 1)
            ax.plot(layers, last * factor ** (d - layers), color="#555555", linestyle="--", linewidth=1.2,
                    label=MESSAGES("bound").replace("0.25", f"{factor:g}"))
        _log_y(ax)
        ax.set_title(MESSAGES("depth_title", depth=d))
        ax.set_xlabel(MESSAGES("layer"))
        ax.set_xticks(_ticks(d))
    axes[0][0].set_ylabel(MESSAGES("weight_grad_norm"))
    axes[0][0].legend(loc="lower right")
    return fig


def _ticks(depth):
    step = 1 if depth <= 10 else 5 if depth <= 30 else 10
    ticks = [1] + list(range(step, depth + 1, step))
    return sorted(set(ticks))


def plot_flows(groups: dict, fields=("a_std", "weight_grad_norm"), *, size=None):
    """Rows: ``fields``; columns: ``groups`` (title -> {label: GradientFlow}; a registry name as title is
    shown in the active language). Every panel on a log scale.

    >>> fig = plot_flows({"tanh": {"Xavier": flow("tanh", 10, "xavier")}})   # doctest: +SKIP
    """
    from .. import plotting

    if not isinstance(groups, dict) or not groups or not all(isinstance(g, dict) and g for g in groups.values()):
        raise ValueError("groups must be a non-empty dict title -> {label: GradientFlow}")
    fields = [fields] if isinstance(fields, str) else list(fields)
    for field in fields:
        if field not in MESSAGES:
            raise ValueError(f"fields must be among a_std, z_std, weight_grad_norm, delta_norm, got {field!r}")
    ncols, nrows = len(groups), len(fields)
    fig, axes = plotting.new_figure(nrows, ncols, squeeze=False, size=size or (3.6 * ncols, 2.9 * nrows))
    for c, (title, flows) in enumerate(groups.items()):
        for r, field in enumerate(fields):
            ax = axes[r][c]
            for i, (label, f) in enumerate(flows.items()):
                ax.plot(f.layers, _positive(getattr(f, field)), **_markers(f.depth),
                        color=plotting.COLORS[i % len(plotting.COLORS)], label=label)
            _log_y(ax)
            ax.set_xticks(_ticks(max(f.depth for f in flows.values())))
            if r == 0:
                ax.set_title(_label(title))
                ax.legend(loc="best")
            if r == nrows - 1:
                ax.set_xlabel(MESSAGES("layer"))
            if c == 0:
                ax.set_ylabel(MESSAGES(field))
    return fig


# ---- gradient clipping -------------------------------------------------------------------------
class StepNorms(Hook):
    r"""After every training step: the global gradient norm before clipping (``grad_norm``) and the
    size of the update :math:`\lVert\theta_{t} - \theta_{t-1}\rVert` (``update_norm``), over all parameters."""

    def __init__(self):
        self.grad_norm: list[float] = []
        self.update_norm: list[float] = []
        self._previous = None

    def on_train_begin(self, net, X, y):
        self._previous = [p.copy() for p in net.parameters()]

    def on_step_end(self, net, step, epoch):
        from ..optimizers import global_norm

        params = net.parameters()
        with np.errstate(over="ignore", invalid="ignore"):
            # the layers keep the gradients of the backward pass: fit clips a copy
            self.grad_norm.append(global_norm(net.gradients()))
            self.update_norm.append(global_norm([p - q for p, q in zip(params, self._previous)]))
        self._previous = [p.copy() for p in params]


def clipping_run(clip=None, *, depth: int = 10, width: int = 32, lr: float = 0.1, epochs: int = 50,
                 batch_size: int = 20, seed: int = 0):
    """Train a ``depth``-hidden-layer ReLU network (He initialisation) on sin 3x, 100 points on [-1, 1].

    Plain SGD with learning rate ``lr``; ``clip`` is the global-norm limit (None: no clipping).
    Returns ``(history, steps)`` with ``steps`` a :class:`StepNorms`. The run stops early when the
    loss stops being finite (``history.stopped`` says when).

    >>> history, steps = clipping_run(clip=1.0)
    >>> max(steps.update_norm) <= 0.1 * 1.0 * (1 + 1e-9)     # every step at most lr x clip
    True
    """
    from ..datasets import regression_1d
    from ..network import MLP

    if clip is not None:
        clip = check_real("clip", clip, positive=True)
    lr = check_real("lr", lr, positive=True)
    depth = check_int("depth", depth)
    width = check_int("width", width)
    X, y = regression_1d(100, fn="sin", seed=0)
    net = MLP([1] + [width] * depth + [1], "relu", loss="mse", seed=seed)
    steps = StepNorms()
    with np.errstate(over="ignore", invalid="ignore"):
        history = net.fit(X, y, epochs=epochs, lr=lr, optimizer="sgd", batch_size=batch_size, clip=clip,
                          seed=seed, hooks=[steps])
    return history, steps


def _capped(values, ceiling):
    """``(values, over)``: values above ``ceiling`` drawn at the ceiling, ``over`` marks them."""
    v = _positive(values)
    with np.errstate(invalid="ignore"):
        over = v > ceiling
    v[over] = ceiling
    return v, over


def plot_clipping(runs: dict, *, lr: float, clip: float, ceiling: float = 1e8, size=(10.0, 3.2)):
    """Three panels for ``runs`` (label -> ``(history, steps)``): gradient norm before clipping and
    update size per step, loss per epoch; the update panel shows the limit ``lr * clip``.

    Values above ``ceiling`` are drawn at the ceiling as triangles: a diverging run reaches 1e30
    and more in a few steps, and the exact size of such numbers depends on the last bits of the
    machine's arithmetic, which a stored figure must not.
    """
    from .. import plotting

    if not isinstance(runs, dict) or not runs:
        raise ValueError("runs must be a non-empty dict label -> (history, steps)")
    lr = check_real("lr", lr, positive=True)
    clip = check_real("clip", clip, positive=True)
    ceiling = check_real("ceiling", ceiling, positive=True)
    fig, axes = plotting.new_figure(1, 3, size=size)
    styles = ["-", "--", ":", "-."]
    off_scale = False
    for i, (label, (history, steps)) in enumerate(runs.items()):
        color = plotting.COLORS[i % len(plotting.COLORS)]
        kw = dict(color=color, label=label, linestyle=styles[i % len(styles)], linewidth=1.4)
        for ax, values in ((axes[0], steps.grad_norm), (axes[1], steps.update_norm), (axes[2], history.loss)):
            x = np.arange(1, len(values) + 1)
            y, over = _capped(values, ceiling)
            # a run that stopped after an epoch or two would be invisible as a bare line: give it dots
            ax.plot(x, y, **kw, **_markers(len(values)))
            if over.any():
                off_scale = True
                ax.plot(x[over], y[over], linestyle="none", marker="^", markersize=7, color=color)
    axes[1].axhline(lr * clip, color="#555555", linestyle=":", linewidth=1.2, label=MESSAGES("limit"))
    if off_scale:
        axes[1].plot([], [], linestyle="none", marker="^", markersize=7, color="#555555",
                     label=MESSAGES("off_scale", c=_power_of_ten(ceiling) or fmt(ceiling)))
    for ax, title, xlabel, ylabel in ((axes[0], "grad_panel", "step", "grad_before"),
                                      (axes[1], "update_panel", "step", "update"),
                                      (axes[2], "loss_panel", "epoch", "loss")):
        _log_y(ax)
        ax.set_title(MESSAGES(title))
        ax.set_xlabel(MESSAGES(xlabel))
        ax.set_ylabel(MESSAGES(ylabel))
    axes[1].legend(loc="center right")
    return fig


# ---- adaptive optimisers ---------------------------------------------------------------------
class OptimizerRun:
    """The result of :func:`optimizer_run`: ``history`` and ``change`` (per weight layer, input side
    first): :math:`\\lVert W_{after} - W_{before}\\rVert / \\lVert W_{before}\\rVert`."""

    def __init__(self, history, change):
        self.history = history
        self.change = np.asarray(change)


def optimizer_run(optimizer="sgd", lr: float = 0.5, *, depth: int = 6, width: int = 32, epochs: int = 40,
                  batch_size: int = 32, seed: int = 0) -> OptimizerRun:
    """Train a ``depth``-hidden-layer sigmoid network on two moons (200 points) with ``optimizer``.

    >>> run = optimizer_run("adam", lr=0.01)
    >>> bool(run.change[0] > 0.5)     # Adam moves even the first layer a lot
    True
    """
    from ..datasets import two_moons
    from ..network import MLP

    depth = check_int("depth", depth)
    width = check_int("width", width)
    X, y = two_moons(200, seed=0)
    net = MLP([2] + [width] * depth + [2], "sigmoid", seed=seed)
    before = [layer.params["W"].copy() for layer in net.weight_layers]
    history = net.fit(X, y, epochs=epochs, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed)
    change = [np.linalg.norm(layer.params["W"] - w) / np.linalg.norm(w) for layer, w in zip(net.weight_layers, before)]
    return OptimizerRun(history, change)


# ---- explorer and static twin ----------------------------------------------------------------
def _log_limits(values, min_decades: float = 6.0):
    """y limits of a log axis holding ``values``, at least ``min_decades`` decades high, so that a flat
    line looks flat instead of filling the panel with rounding wiggles."""
    v = _positive(values)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 1e-3, 1e3
    lo, hi = np.log10(v.min()), np.log10(v.max())
    pad = max(0.0, min_decades - (hi - lo)) / 2 + 0.3
    return 10.0 ** np.floor(lo - pad), 10.0 ** np.ceil(hi + pad)


def _draw_flow(ax, depth, activation, init, *, bound=True, ylim=None):
    from .. import plotting

    f = flow(activation, depth, init)
    ax.plot(f.layers, _positive(f.weight_grad_norm), **_markers(depth),
            color=plotting.COLORS[0])
    if bound and activation == "sigmoid":
        layers = f.layers
        ax.plot(layers, f.weight_grad_norm[-1] * 0.25 ** (depth - layers), color="#555555", linestyle="--",
                linewidth=1.1, label=MESSAGES("bound"))
        ax.legend(loc="lower right", fontsize=8)
    _log_y(ax)
    lo, hi = ylim or _log_limits(f.weight_grad_norm)
    ax.set_ylim(lo, hi)
    span = np.log10(hi) - np.log10(lo)
    if span > 12:  # wide shared ranges: a tick every 10 (or 20) decades reads better than matplotlib's choice
        every = 10 if span <= 60 else 20
        ax.set_yticks(10.0 ** np.arange(np.ceil(np.log10(lo) / every) * every, np.log10(hi) + 0.5, every))
    ax.set_xticks(_ticks(depth))
    ax.set_title(f"{_label(activation)}, {init_label(init, activation)}\n{MESSAGES('ratio', r=fmt(f.ratio()))}",
                 fontsize=10)
    return f


def _controls(depth=10, activation="sigmoid", init="xavier"):
    from . import explorers

    lo, hi = EXPLORER_DEPTHS
    inits = [(init_label(k), k) for k in ("small", "xavier", "he", "large")]
    return {
        "depth": explorers.int_slider(MESSAGES("depth"), lo, hi, value=depth),
        "activation": explorers.dropdown(MESSAGES("activation"), [(_label(a), a) for a in EXPLORER_ACTIVATIONS],
                                         value=activation),
        "init": explorers.dropdown(MESSAGES("init"), inits, value=init),
    }


def gradient_explorer(depth: int = 10, activation: str = "sigmoid", init: str = "xavier"):
    """An :class:`~actlab.chapters.explorers.Explorer`: depth (slider), activation and initialisation (menus) in,
    the weight gradient norm of every layer out (log scale, ratio first/last in the title)."""
    from . import explorers

    def draw(ax, depth, activation, init):
        _draw_flow(ax, depth, activation, init)
        ax.set_xlabel(MESSAGES("layer"))
        ax.set_ylabel(MESSAGES("weight_grad_norm"))

    return explorers.Explorer(draw, size=(5.2, 3.6), **_controls(depth, activation, init))


def gradient_twin(depth: int = 20, activations=("sigmoid", "tanh", "relu"), inits=("small", "xavier", "he", "large")):
    """The explorer's static twin at one ``depth``: rows are activations, columns initialisations."""
    from . import explorers

    depth = check_int("depth", depth)
    activations = [_activation(a, "activations") for a in activations]
    for i in inits:
        _init_spec(i)

    # one y range for every panel: the panels compare magnitudes, not only slopes
    ylim = _log_limits(np.concatenate([flow(a, depth, i).weight_grad_norm for a in activations for i in inits]))

    def draw(ax, activation, init, depth):
        _draw_flow(ax, depth, activation, init, ylim=ylim)

    fig = explorers.static_twin(draw, grid={"activation": activations, "init": list(inits)},
                                defaults={"depth": depth}, size=(2.7 * len(inits), 2.5 * len(activations)),
                                controls=_controls())
    axes = np.asarray(fig.axes).reshape(len(activations), len(inits))
    for ax in axes[-1]:
        ax.set_xlabel(MESSAGES("layer"))
    for ax in axes[:, 0]:
        ax.set_ylabel("‖∂L/∂W‖")
    return fig


def twin_table(depth: int = 20, activations=("sigmoid", "tanh", "relu"), inits=("small", "xavier", "he", "large"),
               field: str = "first") -> str:
    """The twin's numbers: ``field="first"`` the first layer's gradient norm, ``"ratio"`` first/last."""
    if field not in ("first", "ratio"):
        raise ValueError(f"field must be 'first' or 'ratio', got {field!r}")
    depth = check_int("depth", depth)
    rows = []
    for a in activations:
        flows = [flow(a, depth, i) for i in inits]
        rows.append((_label(a), [fmt(f.weight_grad_norm[0] if field == "first" else f.ratio()) for f in flows]))
    corner = f"L = {depth}"
    return f"{TABLE_TITLES(field)}\n" + _table(corner, [init_label(i) for i in inits], rows)
