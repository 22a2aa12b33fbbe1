r"""The course's figures: one colour-blind-safe style, labels in the active language, Hangul that renders.

* :func:`use_style` -- register the bundled Hangul font and apply :data:`STYLE` (done by
  :func:`actlab.notebook.setup`; every plotting function here calls it too).
* :func:`new_figure` -- ``(fig, axes)`` in the course's sizes.
* :func:`plot_activation` / :func:`plot_activations` -- an activation and its derivative from
  :data:`actlab.ACTIVATIONS`, titled with the registry's name in the active language.
* :func:`plot_decision_boundary` -- a classifier's probability over the plane, with the data.
* :func:`plot_curves` -- training curves (loss, accuracy, gradient norms) from a dict of series.
* :func:`figure_svg` -- a figure as deterministic SVG text (what the notebooks store).

>>> from actlab import plotting
>>> fig = plotting.plot_activation("relu")          # doctest: +SKIP
>>> fig = plotting.plot_activations(["sigmoid", "tanh", "relu"], ncols=3)   # doctest: +SKIP

Why the font list: the bundled Hangul face (a subset of NanumGothic, see ``fonts/OFL.txt``) has no
minus sign U+2212, and DejaVu Sans has no Hangul. With ``font.family = ["DejaVu Sans",
"ActlabGothic"]`` matplotlib (>= 3.6) takes each glyph from the first family that has it, so tick
labels such as "−2" come from DejaVu and Korean labels from the bundled face. Figures are SVG with
text drawn as paths (``svg.fonttype = "path"``), so readers need no font at all.

Keep Hangul outside ``$...$``: mathtext has no font fallback, so ``"$x$의 값"`` draws boxes (and
logs "does not have a glyph", which the notebook tests catch). Write ``"x₁의 값"`` or put the math
in a separate label. The subset has no Hanja.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Callable, Sequence

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from . import registry
from .i18n import Messages, term

__all__ = ["OKABE_ITO", "COLORS", "STYLE", "FONT_FILE", "HANGUL_FAMILY", "register_font", "use_style",
           "new_figure", "plot_activation", "plot_activations", "plot_decision_boundary", "plot_curves",
           "figure_svg", "SVG_METADATA", "MESSAGES"]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000",
}
#: The cycle used for lines: strongest contrasts first (yellow last: weak on white).
COLORS = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")]

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "ActlabGothic.ttf"
#: Family name of the bundled Hangul face (renamed subset of NanumGothic; the OFL reserves "Nanum").
HANGUL_FAMILY = "ActlabGothic"
#: What :func:`figure_svg` and the notebooks' inline backend pass to ``savefig``: no creation date.
SVG_METADATA = {"Date": None}

STYLE = {
    "font.family": ["DejaVu Sans", HANGUL_FAMILY],
    "font.size": 10.0,
    "axes.unicode_minus": True,
    "mathtext.fontset": "dejavusans",
    "svg.fonttype": "path",
    "svg.hashsalt": "actlab",
    "axes.prop_cycle": matplotlib.cycler(color=COLORS),
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11.0,
    "axes.labelsize": 10.0,
    "legend.fontsize": 9.0,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.bbox": None,
    "image.cmap": "cividis",
    "path.simplify": True,
}

MESSAGES = Messages({
    "function": {"ko": "함수", "en": "function"},
    "derivative": term("derivative"),
    "input": {"ko": "입력 x", "en": "input x"},
    "output": {"ko": "출력", "en": "output"},
    "class": {"ko": "클래스 {k}", "en": "class {k}"},
    "probability": {"ko": "클래스 1의 확률", "en": "probability of class 1"},
    "boundary": term("decision boundary"),
    "params": {"ko": "{name} ({params})", "en": "{name} ({params})"},
})

@functools.cache  # once per process: addfont appends, a second call would list the face twice
def register_font() -> None:
    """Add the bundled Hangul face to matplotlib's font manager (from this package, never the system)."""
    font_manager.fontManager.addfont(str(FONT_FILE))


def use_style() -> None:
    """Register the font and apply :data:`STYLE` to ``matplotlib.rcParams`` (idempotent)."""
    register_font()
    matplotlib.rcParams.update(STYLE)


def new_figure(nrows: int = 1, ncols: int = 1, *, size: tuple[float, float] | None = None,
               squeeze: bool = True, sharex: bool = False, sharey: bool = False,
               **kwargs) -> tuple[Figure, Axes | np.ndarray]:
    """A styled ``(fig, axes)`` like ``plt.subplots``; ``size`` defaults to 3.2 x 2.8 inches per panel.

    >>> fig, axes = new_figure(1, 2)      # doctest: +SKIP
    """
    use_style()
    if size is None:
        size = (6.0, 3.6) if nrows == ncols == 1 else (min(3.2 * ncols, 12.0), 2.8 * nrows)
    return plt.subplots(nrows, ncols, figsize=size, squeeze=squeeze, sharex=sharex, sharey=sharey, **kwargs)


def _entry(name):
    return registry.get(name, "name")


def _title(entry, params) -> str:
    if not params:
        return entry.label()
    shown = ", ".join(f"{_greek(k)} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}"
                      for k, v in params.items())
    return MESSAGES("params", name=entry.label(), params=shown)


def _greek(key: str) -> str:
    return {"alpha": "α", "beta": "β"}.get(key, key)


def plot_activation(name: str, ax: Axes | None = None, params: dict | None = None, x: ArrayLike | None = None,
                    derivative: bool = True, *, overlay: bool = True, title: str | None = None) -> Figure:
    """Plot ``ACTIVATIONS[name]`` (and its derivative) on ``ax``; returns the figure.

    ``params`` override the entry's defaults (e.g. ``{"alpha": 0.1}``); ``x`` defaults to 401 points
    on [-5, 5]. With ``overlay=True`` (default) function and derivative share one axes with a legend
    in the active language; with ``overlay=False`` and no ``ax`` they are drawn side by side.

    >>> fig = plot_activation("leaky_relu", params={"alpha": 0.1})     # doctest: +SKIP
    """
    use_style()
    entry = _entry(name)
    params = dict(params or {})
    unknown = set(params) - set(entry.defaults)
    if unknown:
        raise ValueError(f"params for {name!r} must be among {sorted(entry.defaults)}, got {sorted(unknown)}")
    x = np.linspace(-5.0, 5.0, 401) if x is None else np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be one-dimensional, got shape {x.shape}")
    y = entry.fn(x, **params)
    if ax is None:
        if derivative and not overlay:
            fig, (ax, dax) = new_figure(1, 2)
        else:
            fig, ax = new_figure(1, 1, size=(4.8, 3.2))
            dax = ax
    else:
        fig, dax = ax.figure, ax
    ax.axhline(0, color="#888888", linewidth=0.8, zorder=1)
    ax.axvline(0, color="#888888", linewidth=0.8, zorder=1)
    ax.plot(x, y, color=OKABE_ITO["blue"], label=MESSAGES("function"), zorder=3)
    if derivative:
        dy = entry.derivative(x, **params)
        if dax is not ax:
            dax.axhline(0, color="#888888", linewidth=0.8, zorder=1)
            dax.axvline(0, color="#888888", linewidth=0.8, zorder=1)
        dax.plot(x, dy, color=OKABE_ITO["orange"], linestyle="--", label=MESSAGES("derivative"), zorder=3)
        if dax is ax:
            ax.legend(loc="best")
        else:
            ax.set_title(f"{title or _title(entry, params)}: {MESSAGES('function')}")
            dax.set_title(MESSAGES("derivative"))
            dax.set_xlabel(MESSAGES("input"))
    if dax is ax or not derivative:
        ax.set_title(title or _title(entry, params))
    ax.set_xlabel(MESSAGES("input"))
    return fig


def plot_activations(names: Sequence[str], params: dict | None = None, ncols: int = 3, *,
                     derivative: bool = True, x: ArrayLike | None = None,
                     size: tuple[float, float] | None = None) -> Figure:
    """A grid of :func:`plot_activation` panels, one per name; ``params`` maps name -> its params.

    >>> fig = plot_activations(["sigmoid", "tanh", "relu", "gelu"], ncols=2)   # doctest: +SKIP
    """
    names = list(names)
    if not names:
        raise ValueError("names must name at least one activation")
    for n in names:
        _entry(n)
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    params = dict(params or {})
    ncols = min(int(ncols), len(names))
    nrows = -(-len(names) // ncols)
    fig, axes = new_figure(nrows, ncols, squeeze=False, size=size or (3.2 * ncols, 2.7 * nrows))
    for i, ax in enumerate(np.ravel(axes)):
        if i < len(names):
            plot_activation(names[i], ax=ax, params=params.get(names[i]), x=x, derivative=derivative)
            if i:  # one legend is enough: the colours mean the same in every panel
                legend = ax.get_legend()
                if legend is not None:
                    legend.remove()
            if i < len(names) - ncols:
                ax.set_xlabel("")
        else:
            ax.set_visible(False)
    return fig


def plot_decision_boundary(predict: Callable[[np.ndarray], ArrayLike], X: ArrayLike, y: ArrayLike,
                           ax: Axes | None = None, title: str | None = None, *,
                           limits: tuple[float, float] | None = None, resolution: int = 201) -> Figure:
    """Shade ``predict(grid)`` (probability of class 1, or 0/1 labels) over the plane and draw the points.

    ``predict`` maps an ``(n, 2)`` array to ``n`` values in [0, 1]; the 0.5 contour is the decision
    boundary. ``limits`` is ``(low, high)`` for both axes (default: the data range plus a margin).
    """
    use_style()
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have {X.shape[0]} labels, got {y.shape[0]}")
    if limits is None:
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.15 * np.maximum(hi - lo, 1e-9)
        (x0, y0), (x1, y1) = lo - pad, hi + pad
    else:
        x0 = y0 = float(limits[0])
        x1 = y1 = float(limits[1])
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    p = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])), dtype=float).reshape(gx.shape)
    if ax is None:
        fig, ax = new_figure(1, 1, size=(3.8, 3.4))
    else:
        fig = ax.figure
    ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", vmin=-0.25, vmax=1.25, alpha=0.55)
    if p.min() < 0.5 < p.max():
        ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.5)
    markers = ["o", "s", "^", "D"]
    colors = [OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["purple"]]
    for k, label in enumerate(np.unique(y)):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], marker=markers[k % 4], color=colors[k % 4], edgecolors="black",
                   linewidths=0.8, s=60, zorder=3, label=MESSAGES("class", k=label))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    return fig


def plot_curves(series: dict, xlabel: str, ylabel: str, logy: bool = False, ax: Axes | None = None, *,
                x: ArrayLike | None = None, title: str | None = None) -> Figure:
    """One line per ``label -> values`` of ``series`` against the step (or ``x``); returns the figure.

    >>> fig = plot_curves({"sigmoid": [1.0, 0.5, 0.2], "relu": [1.0, 0.2, 0.05]}, "epoch", "loss", logy=True)   # doctest: +SKIP
    """
    use_style()
    if not isinstance(series, dict) or not series:
        raise ValueError("series must be a non-empty dict label -> sequence of values")
    if ax is None:
        fig, ax = new_figure(1, 1)
    else:
        fig = ax.figure
    styles = ["-", "--", "-.", ":"]
    for i, (label, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float).ravel()
        xs = np.arange(len(values)) if x is None else np.asarray(x, dtype=float)
        if xs.shape != values.shape:
            raise ValueError(f"x has {xs.shape[0]} points but series {label!r} has {values.shape[0]}")
        ax.plot(xs, values, label=str(label), linestyle=styles[(i // len(COLORS)) % 4])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend(loc="best")
    return fig


def figure_svg(fig: Figure) -> str:
    """``fig`` as the SVG text the notebooks store: text as paths, fixed ids, no date (byte-identical reruns)."""
    use_style()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=SVG_METADATA, bbox_inches="tight")
    return buf.getvalue()
