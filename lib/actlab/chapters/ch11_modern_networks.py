r"""Chapter 11's figures, explorer and labels: activations in today's networks.

The measurements themselves (gradient norms with and without residual paths, what normalisation
does to a layer's inputs, attention's saturation, where low precision overflows) are written out
in the chapter's cells; this module only draws them and holds the labels in both languages.

* :func:`plot_residual` -- per-layer gradient norms, plain and residual, one panel per depth.
* :func:`plot_normalised` -- histograms of one layer's inputs raw, after LayerNorm and after RMSNorm.
* :func:`plot_gates` -- the four gates of the GLU family and their derivatives.
* :func:`plot_attention` -- attention's largest weight and gradient norm against the dimension d.
* :func:`attention_explorer` / :func:`attention_twin` -- one query's attention weights for a chosen d,
  with and without the :math:`1/\sqrt{d}` scaling, and the static twin.
* :func:`plot_hard` -- hard sigmoid and hard swish beside the functions they imitate.
* :func:`fmt` -- three significant digits, the form the prose quotes.

>>> fmt(0.000123456), fmt(7.63e-13), fmt(0.171)
('0.000123', '7.63e-13', '0.171')

Matplotlib and ipywidgets load only when a figure or an explorer is asked for.
"""
from __future__ import annotations

import numpy as np

from .._validate import check_int
from ..attention import attention_softmax
from ..i18n import Messages
from ..registry import ACTIVATIONS

__all__ = ["fmt", "label", "MESSAGES", "plot_residual", "plot_normalised", "plot_gates", "plot_attention",
           "attention_weights", "attention_explorer", "attention_twin", "plot_hard", "EXPLORER_DIMS",
           "PRECISION_FUNCTIONS", "precision_error", "precision_explorer", "precision_twin"]

MESSAGES = Messages({
    "layer": {"ko": "층 번호 l", "en": "layer l"},
    "weight_grad_norm": {"ko": "‖∂L/∂W‖ (로그 눈금)", "en": "‖∂L/∂W‖ (log scale)"},
    "depth_title": {"ko": "{depth}층", "en": "{depth} layers"},
    "plain": {"ko": "{name}", "en": "{name}"},
    "residual": {"ko": "{name} + 잔차", "en": "{name} + residual"},
    "raw": {"ko": "정규화 전", "en": "before normalisation"},
    "layer_norm": {"ko": "층 정규화 뒤", "en": "after LayerNorm"},
    "rms_norm": {"ko": "RMS 정규화 뒤", "en": "after RMSNorm"},
    "value": {"ko": "활성화 함수에 들어가는 값", "en": "input of the activation"},
    "count": {"ko": "개수", "en": "count"},
    "sigmoid_derivative_scaled": {"ko": "σ′ (가장 높은 막대에 맞춤)", "en": "σ′ (scaled to the tallest bar)"},
    "stats": {"ko": "평균 {mean:.2f}, 표준편차 {std:.2f}", "en": "mean {mean:.2f}, std {std:.2f}"},
    "gate_title": {"ko": "게이트 f(b)", "en": "gate f(b)"},
    "gate_derivative": {"ko": "게이트의 도함수 f′(b)", "en": "gate derivative f′(b)"},
    "b": {"ko": "b (게이트 입력)", "en": "b (gate input)"},
    "dim": {"ko": "차원 d (로그 눈금)", "en": "dimension d (log scale)"},
    "max_weight": {"ko": "가장 큰 가중치의 평균", "en": "mean largest weight"},
    "grad_norm": {"ko": "기울기 노름의 평균", "en": "mean gradient norm"},
    "unscaled": {"ko": "나누지 않음", "en": "unscaled"},
    "scaled": {"ko": "√d로 나눔", "en": "divided by √d"},
    "key": {"ko": "키 (가중치 순)", "en": "key (sorted by weight)"},
    "weight": {"ko": "어텐션 가중치", "en": "attention weight"},
    "attention_title": {"ko": "d = {d}, {mode}: 최댓값 {top:.2f}", "en": "d = {d}, {mode}: largest {top:.2f}"},
    "d": {"ko": "차원 d", "en": "dimension d"},
    "scaling": {"ko": "√d로 나누기", "en": "divide by √d"},
    "yes": {"ko": "예", "en": "yes"},
    "no": {"ko": "아니요", "en": "no"},
    "difference": {"ko": "차이 (하드 − 원래 함수)", "en": "difference (hard − original)"},
    "function": {"ko": "함수", "en": "function"},
    "format": {"ko": "형식", "en": "format"},
    "relative_error": {"ko": "float64와의 상대 오차", "en": "relative error against float64"},
    "half_gap": {"ko": "1 다음 수와의 간격의 절반", "en": "half the gap after 1"},
    "exp": {"ko": "exp", "en": "exp"},
    "sigmoid_naive": {"ko": "1/(1+e^−x) 그대로", "en": "1/(1+e^−x) as written"},
    "softplus_naive": {"ko": "log(1+e^x) 그대로", "en": "log(1+e^x) as written"},
    "sigmoid_actlab": {"ko": "actlab의 시그모이드", "en": "actlab's sigmoid"},
    "softplus_actlab": {"ko": "actlab의 소프트플러스", "en": "actlab's softplus"},
})

#: The dimensions the explorer offers.
EXPLORER_DIMS = (1, 4, 16, 64, 256, 1024)
_KEYS = 16


def fmt(x) -> str:
    """Three significant digits: ``0.171``, ``7.63e-13``, ``1.43e+08``."""
    return f"{float(x):.3g}"


def label(name: str) -> str:
    """The registry's name of an activation in the active language (시그모이드 / Sigmoid); tanh is
    written tanh in both languages once introduced (the glossary's rule)."""
    return "tanh" if name == "tanh" else ACTIVATIONS[name].label()


def _colors():
    from .. import plotting

    return plotting.COLORS


def plot_residual(norms: dict, *, size=None):
    """``norms[(activation, depth, residual)]`` = per-layer ‖∂L/∂W‖; one panel per depth, log scale.

    Solid lines: plain layers; dashed: the same layers inside residual blocks.
    """
    from .. import plotting

    activations = list(dict.fromkeys(k[0] for k in norms))
    depths = sorted({k[1] for k in norms})
    fig, axes = plotting.new_figure(1, len(depths), squeeze=False, sharey=True, size=size or (3.6 * len(depths), 3.4))
    colors = _colors()
    for ax, depth in zip(axes[0], depths):
        for i, a in enumerate(activations):
            for residual in (False, True):
                values = norms.get((a, depth, residual))
                if values is None:
                    continue
                values = np.asarray(values, dtype=float)
                ax.plot(np.arange(1, len(values) + 1), np.where(values > 0, values, np.nan),
                        color=colors[i % len(colors)], linestyle="--" if residual else "-",
                        label=MESSAGES("residual" if residual else "plain", name=label(a)))
        ax.set_yscale("log")
        ax.set_title(MESSAGES("depth_title", depth=depth))
        ax.set_xlabel(MESSAGES("layer"))
    axes[0][0].set_ylabel(MESSAGES("weight_grad_norm"))
    found = {}
    for ax in axes[0]:  # every network once, whichever panel it appears in
        for handle, text in zip(*ax.get_legend_handles_labels()):
            found.setdefault(text, handle)
    # the empty corner: below the end of the plain sigmoid's line
    axes[0][0].legend(list(found.values()), list(found), loc="lower right", fontsize=7, ncol=2)
    return fig


def plot_normalised(values: dict, *, bins=60, size=None):
    """``values[key]`` (keys ``"raw"``, ``"layer_norm"``, ``"rms_norm"``): histograms on one x axis,
    with the sigmoid's derivative drawn over them (scaled to the panel's tallest bar) to show where
    it is small."""
    from .. import plotting
    from ..activations import sigmoid_derivative

    fig, axes = plotting.new_figure(1, len(values), squeeze=False, sharex=True, size=size or (3.4 * len(values), 3.0))
    every = np.concatenate([np.ravel(v) for v in values.values()])
    lo, hi = np.percentile(every, [0.5, 99.5])
    edges = np.linspace(min(lo, -4.0), max(hi, 4.0), bins + 1)
    grid = np.linspace(edges[0], edges[-1], 400)
    for i, (ax, (key, v)) in enumerate(zip(axes[0], values.items())):
        v = np.ravel(v)
        ax.hist(v, bins=edges, color=_colors()[0], alpha=0.8)
        ax.set_title(MESSAGES(key) + "\n" + MESSAGES("stats", mean=float(v.mean()), std=float(v.std())), fontsize=9)
        counts, _ = np.histogram(v, bins=edges)
        if i == len(values) // 2:
            ax.set_xlabel(MESSAGES("value"))
        ax.plot(grid, sigmoid_derivative(grid) / 0.25 * counts.max(), color="#555555", linestyle="--",
                linewidth=1.2, label=MESSAGES("sigmoid_derivative_scaled"))
    axes[0][-1].legend(loc="upper right", fontsize=8)
    axes[0][0].set_ylabel(MESSAGES("count"))
    return fig


def plot_gates(b=None, *, size=None):
    """The gates of glu, reglu, geglu and swiglu (sigmoid, ReLU, GELU, SiLU of the second half) and
    their derivatives: :math:`\\partial(a f(b))/\\partial b = a f'(b)` is this curve times ``a``."""
    from .. import plotting

    b = np.linspace(-5, 5, 401) if b is None else np.asarray(b, dtype=float)
    names = {"glu": "sigmoid", "reglu": "relu", "geglu": "gelu", "swiglu": "silu"}
    fig, (left, right) = plotting.new_figure(1, 2, size=size or (7.4, 3.2))
    for i, (gated_name, gate) in enumerate(names.items()):
        color = _colors()[i % len(_colors())]
        text = f"{gated_name}: {label(gate)}"
        left.plot(b, ACTIVATIONS[gate].fn(b), color=color, label=text)
        right.plot(b, ACTIVATIONS[gate].derivative(b), color=color, label=text)
    left.set_title(MESSAGES("gate_title"))
    right.set_title(MESSAGES("gate_derivative"))
    for ax in (left, right):
        ax.set_xlabel(MESSAGES("b"))
        ax.axhline(0, color="#999999", linewidth=0.6)
    left.set_ylim(-1, 5)
    left.legend(loc="upper left", fontsize=8)
    return fig


def plot_attention(dims, largest: dict, gradient: dict, *, size=None):
    """Two panels against ``dims`` (log x): the mean largest attention weight and the mean gradient
    norm; ``largest`` and ``gradient`` map ``"unscaled"`` / ``"scaled"`` to one value per d."""
    from .. import plotting

    fig, (left, right) = plotting.new_figure(1, 2, size=size or (7.4, 3.2))
    for ax, data, ylabel in ((left, largest, "max_weight"), (right, gradient, "grad_norm")):
        for i, key in enumerate(("unscaled", "scaled")):
            ax.plot(dims, data[key], marker="o", color=_colors()[i], label=MESSAGES(key))
        ax.set_xscale("log", base=2)
        ax.set_xlabel(MESSAGES("dim"))
        ax.set_ylabel(MESSAGES(ylabel))
        ax.set_ylim(bottom=0)
    left.legend(loc="center right")
    return fig


def attention_weights(d: int, scaled: bool, *, keys: int = _KEYS, seed: int = 0) -> np.ndarray:
    """One query's attention weights over ``keys`` keys, query and keys standard normal in dimension ``d``."""
    d = check_int("d", d)
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(1, d)), rng.normal(size=(keys, d))
    return attention_softmax(q @ k.T, scale=1 / np.sqrt(d) if scaled else 1.0)[0]


def _draw_attention(ax, d, scaled):
    w = np.sort(attention_weights(d, scaled))[::-1]
    ax.bar(np.arange(1, w.size + 1), w, color=_colors()[1 if scaled else 0])
    ax.set_ylim(0, 1)
    mode = MESSAGES("scaled" if scaled else "unscaled")
    ax.set_title(MESSAGES("attention_title", d=d, mode=mode, top=float(w[0])), fontsize=9)
    ax.set_xlabel(MESSAGES("key"))
    ax.set_ylabel(MESSAGES("weight"))


def _controls(d=64, scaled=True):
    from . import explorers

    return {"d": explorers.dropdown(MESSAGES("d"), list(EXPLORER_DIMS), value=d),
            "scaled": explorers.dropdown(MESSAGES("scaling"), [(MESSAGES("yes"), True), (MESSAGES("no"), False)],
                                         value=scaled)}


def attention_explorer(d: int = 64, scaled: bool = True):
    """An explorer: the dimension d and the scaling in, one query's 16 attention weights out (sorted)."""
    from . import explorers

    return explorers.Explorer(_draw_attention, size=(5.0, 3.4), **_controls(d, scaled))


def attention_twin(dims=(4, 1024)):
    """The explorer's static twin: rows are the scaling (no, yes), columns the dimensions."""
    from . import explorers

    fig = explorers.static_twin(_draw_attention, grid={"scaled": [False, True], "d": list(dims)},
                                size=(3.0 * len(dims), 5.4), controls=_controls())
    return _outer_labels(fig, 2, len(dims))


def _outer_labels(fig, rows, cols):
    """Axis labels on the outer panels only: the grid reads the same with far less text to draw."""
    axes = np.asarray(fig.axes[: rows * cols]).reshape(rows, cols)
    for r in range(rows):
        for c in range(cols):
            if c > 0:
                axes[r, c].set_ylabel("")
            if r < rows - 1:
                axes[r, c].set_xlabel("")
    return fig


def plot_hard(x=None, *, size=None):
    """Hard sigmoid beside the sigmoid and hard swish beside swish (SiLU), with their differences."""
    from .. import plotting

    x = np.linspace(-6, 6, 601) if x is None else np.asarray(x, dtype=float)
    fig, axes = plotting.new_figure(1, 2, size=size or (7.4, 3.2))
    for ax, (hard, soft) in zip(axes, (("hard_sigmoid", "sigmoid"), ("hard_swish", "silu"))):
        h, s = ACTIVATIONS[hard].fn(x), ACTIVATIONS[soft].fn(x)
        ax.plot(x, s, color=_colors()[0], label=label(soft))
        ax.plot(x, h, color=_colors()[1], linestyle="--", label=label(hard))
        ax.plot(x, h - s, color="#777777", linewidth=1.0, label=MESSAGES("difference"))
        ax.axhline(0, color="#999999", linewidth=0.6)
        ax.set_xlabel("x")
        ax.legend(loc="upper left", fontsize=8)
    return fig


# ---- low precision ---------------------------------------------------------------------------------
#: What the precision explorer computes: each in the chosen format (inputs and every result rounded).
PRECISION_FUNCTIONS = ("exp", "sigmoid_naive", "sigmoid_actlab", "softplus_naive", "softplus_actlab")


def precision_error(function: str, fmt: str, x=None):
    """(x as the format holds it, relative error of ``function`` computed in ``fmt`` against float64).

    A result that overflowed to infinity or underflowed to 0 where the exact value is not 0 has
    relative error 1 or more (shown at the top of the explorer's axis).
    """
    from ..activations import sigmoid, softplus
    from ..precision import round_to

    if function not in PRECISION_FUNCTIONS:
        raise ValueError(f"function must be one of {PRECISION_FUNCTIONS}, got {function!r:.40}")
    x = np.linspace(-100, 100, 801) if x is None else np.asarray(x, dtype=float)
    xr = round_to(x, fmt)

    def r(v):
        return round_to(v, fmt)

    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if function == "exp":
            exact, got = np.exp(xr), r(np.exp(xr))
        elif function.startswith("sigmoid"):
            exact = sigmoid(xr)
            got = r(1 / (1 + r(np.exp(-xr)))) if function == "sigmoid_naive" else r(sigmoid(xr.astype(np.float32)))
        else:
            exact = np.logaddexp(0, xr)  # log(1 + e^x) in float64, no threshold
            got = r(np.log1p(r(np.exp(xr)))) if function == "softplus_naive" else r(softplus(xr.astype(np.float32)))
        error = np.abs(got - exact) / np.abs(exact)
    error = np.where(np.isfinite(error), error, 10.0)
    return xr, error


def _draw_precision(ax, function, fmt):
    from ..precision import FORMATS

    x, error = precision_error(function, fmt)
    ax.semilogy(x, np.clip(error, 1e-9, 10.0), color=_colors()[0 if fmt == "float16" else 1], linewidth=1.0)
    ax.axhline(FORMATS[fmt].eps / 2, color="#777777", linestyle="--", linewidth=1.0, label=MESSAGES("half_gap"))
    ax.set_ylim(1e-9, 20)
    ax.set_yticks([1e-8, 1e-4, 1.0])  # three decades labelled: each log label is typeset as math
    ax.minorticks_off()
    ax.set_title(f"{MESSAGES(function)}, {fmt}", fontsize=9)
    ax.set_xlabel("x")
    ax.set_ylabel(MESSAGES("relative_error"))


def _precision_controls(function="exp", fmt="float16"):
    from . import explorers

    return {"function": explorers.dropdown(MESSAGES("function"), [(MESSAGES(f), f) for f in PRECISION_FUNCTIONS],
                                           value=function),
            "fmt": explorers.dropdown(MESSAGES("format"), ["float16", "bfloat16", "float32"], value=fmt)}


def precision_explorer(function: str = "exp", fmt: str = "float16"):
    """An explorer: a function (exp, the sigmoid and softplus as written or from actlab) and a format in;
    its relative error against float64 on [-100, 100] out (1 or more where it overflowed or underflowed)."""
    from . import explorers

    return explorers.Explorer(_draw_precision, size=(5.0, 3.4), **_precision_controls(function, fmt))


def precision_twin(functions=("exp", "sigmoid_naive", "sigmoid_actlab"), formats=("float16", "bfloat16")):
    """The explorer's static twin: rows are functions, columns formats."""
    from . import explorers

    fig = explorers.static_twin(_draw_precision, grid={"function": list(functions), "fmt": list(formats)},
                                size=(3.6 * len(formats), 2.7 * len(functions)), controls=_precision_controls())
    return _outer_labels(fig, len(functions), len(formats))
