r"""Chapter 8's Maxout experiments: one unit as the maximum of lines, tangent fits of x², training, figures.

A Maxout unit with one input and ``k`` pieces is described here by two 1-D arrays of length ``k``:
the slopes ``w`` and the offsets ``b`` of its pieces :math:`p_j(x) = w_j x + b_j`; the unit outputs
:math:`h(x) = \max_j p_j(x)` (:func:`actlab.maxout`, ties to the lowest index).

* :func:`pieces`, :func:`unit`, :func:`winners`, :func:`as_layer` -- evaluate a unit, find the piece that
  wins at each input, or turn it into a :class:`~actlab.layers.Maxout` layer (for its backward pass).
* :func:`tangent_points`, :func:`tangents`, :func:`square_tangents` -- pieces set by hand: tangent
  lines of a convex function; :func:`square_tangent_error` (exact) and :func:`tangent_error_bound`
  (:math:`h^2/4`) for :math:`x^2`.
* :func:`max_error`, :func:`convex_fit_lower_bound` -- how far a unit is from a target, and how close
  *any* convex function (so any Maxout unit) can get to a non-convex one.
* :func:`fit_unit` -- train a single unit by gradient descent (it leaves pieces unused: see the chapter).
* :func:`network_table`, :func:`plot_boundaries` -- Maxout and ReLU networks (trained in the chapter's
  cell, ``label -> (net, history)``) side by side on a toy data set.
* :func:`plot_unit`, :func:`plot_units`, :func:`plot_trained_vs_tangents`, :func:`plot_error_vs_k` -- the figures;
  :func:`tangent_explorer` and :func:`tangent_twin` -- the explorer (pieces ``k``, spread of the tangent
  points) and its static twin.

>>> w, b = square_tangents(4)                    # tangents of x² at -0.75, -0.25, 0.25, 0.75
>>> w.tolist(), b.tolist()
([-1.5, -0.5, 0.5, 1.5], [-0.5625, -0.0625, -0.0625, -0.5625])
>>> float(unit(0.5, w, b))                       # 0.5² = 0.25; the best piece gives 0.1875
0.1875
>>> tangent_error_bound(4)                       # h = 2/4: h²/4
0.0625

Matplotlib and ipywidgets load only when a figure or an explorer is asked for.
"""
from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_int, check_real
from ..i18n import Messages, term
from ..maxout import maxout, maxout_argmax
from ..tables import text_table

__all__ = ["pieces", "unit", "winners", "as_layer", "tangent_points", "tangents", "square_tangents",
           "square_tangent_error", "tangent_error_bound", "max_error", "convex_fit_lower_bound",
           "fit_unit", "unit_of", "network_table", "plot_unit", "plot_units",
           "plot_trained_vs_tangents",
           "plot_error_vs_k", "plot_boundaries", "tangent_explorer", "tangent_twin",
           "EXPLORER_K", "EXPLORER_SPREAD", "MESSAGES"]

#: What the explorer offers: pieces k from 1 to 8, spread of the tangent points from 0.25 to 1.5.
EXPLORER_K = (1, 8)
EXPLORER_SPREAD = (0.25, 1.5)

MESSAGES = Messages({
    "piece": {"ko": "조각", "en": "piece"},
    "piece_j": {"ko": "조각 {j}", "en": "piece {j}"},
    "maxout": {"ko": "맥스아웃 (최댓값)", "en": "Maxout (maximum)"},
    "target": {"ko": "목표 함수", "en": "target"},
    "input": {"ko": "입력 x", "en": "input x"},
    "output": {"ko": "출력", "en": "output"},
    "max_error": {"ko": "최대 오차 {err:.3g}", "en": "max error {err:.3g}"},
    "pieces_k": {"ko": "조각 수 k", "en": "pieces k"},
    "spread": {"ko": "접점 배율 s", "en": "tangent spread s"},
    "measured": {"ko": "측정한 최대 오차", "en": "measured max error"},
    "bound": {"ko": "h²/4 = 1/k²", "en": "h²/4 = 1/k²"},
    "error_title": {"ko": "x²의 접선 근사: 최대 오차", "en": "tangent fit of x²: max error"},
    "error_axis": {"ko": "[−1, 1]에서의 최대 오차", "en": "max error on [−1, 1]"},
    "explorer_title": {"ko": "k = {k}, s = {s:g}: 최대 오차 {err:.4f}", "en": "k = {k}, s = {s:g}: max error {err:.4f}"},
    "trained": {"ko": "x², k = {k}: 학습한 유닛", "en": "x², k = {k}: trained unit"},
    "tangent_unit": {"ko": "x², k = {k}: 접선 유닛", "en": "x², k = {k}: tangent unit"},
    "network": {"ko": "신경망", "en": "network"},
    "params": {"ko": "파라미터", "en": "parameters"},
    "loss": term("loss"),
    "accuracy": term("accuracy"),
    "boundary_title": {"ko": "{label}\n파라미터 {n}개, 정확도 {acc:.3f}", "en": "{label}\n{n} parameters, accuracy {acc:.3f}"},
})


# ---- one unit ----------------------------------------------------------------------------------
def _slopes_offsets(w, b):
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"w must be a non-empty 1-D array of slopes (one per piece), got shape {w.shape}")
    if b.shape != w.shape:
        raise ValueError(f"b must have the shape of w {w.shape} (one offset per piece), got {b.shape}")
    return w, b


def pieces(x, w, b):
    """The pieces :math:`w_j x + b_j` at every ``x``: shape ``x.shape + (k,)``.

    >>> pieces([0.0, 2.0], [1.0, 0.0], [0.0, 0.0]).tolist()
    [[0.0, 0.0], [2.0, 0.0]]
    """
    w, b = _slopes_offsets(w, b)
    x = as_float_array(x, "x")
    return x[..., None] * w + b


def unit(x, w, b):
    """The Maxout unit :math:`\\max_j (w_j x + b_j)`, same shape as ``x``.

    >>> unit([-2.0, 3.0], w=[1.0, -1.0], b=[0.0, 0.0]).tolist()    # |x|
    [2.0, 3.0]
    """
    z = pieces(x, w, b)
    return maxout(z, z.shape[-1], axis=-1)[..., 0]


def winners(x, w, b):
    """Index (0..k-1) of the piece that wins at each ``x``; ties go to the lowest index (as the gradient does).

    >>> winners([-1.0, 0.0, 1.0], w=[1.0, 0.0], b=[0.0, 0.0]).tolist()   # ReLU as (x, 0): a tie at 0
    [1, 0, 0]
    """
    z = pieces(x, w, b)
    return maxout_argmax(z, z.shape[-1], axis=-1)[..., 0]


def as_layer(w, b):
    """A :class:`~actlab.layers.Maxout` layer (1 input, 1 unit, ``k`` pieces) holding these pieces."""
    from ..layers import Maxout

    w, b = _slopes_offsets(w, b)
    layer = Maxout(1, 1, k=w.size)
    layer.params["W"][...] = w[None, :]
    layer.params["b"][...] = b
    return layer


def unit_of(layer):
    """``(w, b)`` of a :class:`~actlab.layers.Maxout` layer with one input and one unit."""
    from ..layers import Maxout

    if not isinstance(layer, Maxout) or layer.in_features != 1 or layer.units != 1:
        raise ValueError(f"layer must be a Maxout layer with 1 input and 1 unit, got {getattr(layer, 'name', layer)!r}")
    return layer.params["W"][0].copy(), layer.params["b"].copy()


# ---- tangent lines -----------------------------------------------------------------------------
def _interval(low, high):
    low, high = check_real("low", low), check_real("high", high)
    if not low < high:
        raise ValueError(f"low must be below high, got low={low}, high={high}")
    return low, high


def tangent_points(k: int, spread: float = 1.0, low: float = -1.0, high: float = 1.0):
    """``k`` tangent points: the centres of ``k`` equal sub-intervals of ``[low, high]``, pulled towards
    the middle (``spread < 1``) or pushed out (``spread > 1``) by the factor ``spread``.

    >>> tangent_points(4).tolist()
    [-0.75, -0.25, 0.25, 0.75]
    >>> tangent_points(2, spread=0.5).tolist()
    [-0.25, 0.25]
    """
    k = check_int("k", k)
    spread = check_real("spread", spread, positive=True)
    low, high = _interval(low, high)
    mid, h = (low + high) / 2, (high - low) / k
    centres = low + h * (np.arange(k) + 0.5)
    return mid + spread * (centres - mid)


def tangents(points, f, df):
    """Slopes and offsets of the tangent lines of ``f`` at ``points``: :math:`w = f'(t)`, :math:`b = f(t) - f'(t)\\,t`.

    For a convex ``f`` every tangent lies below the curve, so their maximum (a Maxout unit) does too.

    >>> w, b = tangents([1.0], np.square, lambda t: 2 * t)
    >>> w.tolist(), b.tolist()
    ([2.0], [-1.0])
    """
    t = as_float_array(points, "points")
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"points must be a non-empty 1-D array, got shape {t.shape}")
    if not callable(f) or not callable(df):
        raise TypeError("f and df must be callables (the function and its derivative)")
    slope = np.asarray(df(t), dtype=float)
    return slope, np.asarray(f(t), dtype=float) - slope * t


def square_tangents(k: int, spread: float = 1.0, low: float = -1.0, high: float = 1.0):
    """The tangents of :math:`x^2` at :func:`tangent_points`: ``(w, b)`` with :math:`w = 2t`, :math:`b = -t^2`."""
    t = tangent_points(k, spread, low, high)
    return 2 * t, -t * t


def square_tangent_error(points, low: float = -1.0, high: float = 1.0) -> float:
    """Exact max over ``[low, high]`` of :math:`x^2 - \\max_j(\\text{tangent at } t_j)`.

    The gap at ``x`` is :math:`\\min_j (x - t_j)^2`, so the largest gap is the square of the largest
    distance from a point of the interval to its nearest tangent point, reached at an end of the
    interval or halfway between two neighbouring points (points outside the interval count too).

    >>> square_tangent_error([-0.5, 0.5])      # middle: 0.5² ; ends: 0.5²
    0.25
    """
    t = np.sort(as_float_array(points, "points").ravel())
    if t.size == 0:
        raise ValueError("points must not be empty")
    low, high = _interval(low, high)
    # the distance to the nearest point is largest at an end or halfway between neighbouring points
    mids = (t[1:] + t[:-1]) / 2
    xs = np.concatenate([[low, high], mids[(mids > low) & (mids < high)]])
    return float(np.max(np.min(np.abs(xs[:, None] - t[None, :]), axis=1)) ** 2)


def tangent_error_bound(k: int, low: float = -1.0, high: float = 1.0) -> float:
    """:math:`h^2/4` with :math:`h = (\\text{high} - \\text{low})/k`: the max error of :func:`square_tangents` (spread 1).

    >>> tangent_error_bound(5)
    0.04
    """
    k = check_int("k", k)
    low, high = _interval(low, high)
    return (high - low) ** 2 / (4 * k * k)  # (h/2)² with h = (high - low)/k, in one rounding


def max_error(w, b, target, x) -> float:
    """:math:`\\max_x |h(x) - \\text{target}(x)|` over the points ``x``.

    >>> max_error([0.0], [-0.5], lambda x: -x**2, np.linspace(-1, 1, 5))   # the constant -0.5 against -x²
    0.5
    """
    if not callable(target):
        raise TypeError(f"target must be a callable, got {type(target).__name__}")
    x = as_float_array(x, "x")
    return float(np.max(np.abs(unit(x, w, b) - np.asarray(target(x), dtype=float))))


def convex_fit_lower_bound(f, low: float, high: float, *, points: int = 721) -> float:
    r"""No convex function :math:`g` (so no Maxout unit) gets within less than this of ``f`` on ``[low, high]``.

    For any :math:`a < c` in the interval, with :math:`m = (a + c)/2` and :math:`e` the largest error of
    :math:`g` at :math:`a, m, c`: :math:`f(m) - e \le g(m) \le \tfrac12 (g(a) + g(c)) \le \tfrac12 (f(a) + f(c)) + e`,
    so :math:`e \ge \tfrac12 \big(f(m) - \tfrac12 (f(a) + f(c))\big)`. The bound is the largest of these over
    every pair :math:`a < c` of ``points`` equally spaced points of ``[low, high]`` (so it is measured on the same
    interval as the fit), and 0 when ``f`` passes the midpoint test of convexity at all of them.

    >>> convex_fit_lower_bound(lambda x: -x**2, -1.0, 1.0)              # a, m, c = -1, 0, 1
    0.5
    >>> round(convex_fit_lower_bound(np.sin, -np.pi, np.pi), 4)         # a, m, c = -pi/3, pi/3, pi: 3*sqrt(3)/8
    0.6495
    """
    if not callable(f):
        raise TypeError(f"f must be a callable, got {type(f).__name__}")
    low, high = _interval(low, high)
    points = check_int("points", points, minimum=2)
    t = np.linspace(low, high, points)
    a, c = np.meshgrid(t, t, indexing="ij")
    gap = np.asarray(f((a + c) / 2), dtype=float) - (np.asarray(f(a), dtype=float) + np.asarray(f(c), dtype=float)) / 2
    return max(0.0, float(np.max(gap)) / 2)


# ---- training ----------------------------------------------------------------------------------
def fit_unit(x, y, k: int, *, seed: int = 0, epochs: int = 300, lr: float = 0.01):
    """Train one Maxout unit (1 input, ``k`` pieces, nothing after it) on ``(x, y)`` by full-batch Adam
    on the mean squared error; returns ``(w, b, history)``. Deterministic for a given ``seed``.

    The pieces start random (Xavier); a piece that never wins on the data gets no gradient and stays where it is.
    """
    from ..layers import Maxout
    from ..network import Network

    x = as_float_array(x, "x").reshape(-1, 1)
    y = as_float_array(y, "y").reshape(-1, 1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"y must have one value per x ({x.shape[0]}), got {y.shape[0]}")
    k = check_int("k", k)
    net = Network([Maxout(1, 1, k, rng=seed)], loss="mse")
    history = net.fit(x, y, epochs=epochs, lr=lr, optimizer="adam", seed=seed)
    w, b = unit_of(net.layers[0])
    return w, b, history


def network_table(results: dict) -> str:
    """Trained networks (``label -> (net, history)``) as text: parameters, final loss (4 decimals) and accuracy (3)."""
    if not results:
        raise ValueError("results must not be empty")
    heads = [MESSAGES("network"), MESSAGES("params"), MESSAGES("loss"), MESSAGES("accuracy")]
    rows = [[label, str(net.n_params), f"{hist.loss[-1]:.4f}", f"{hist.accuracy[-1]:.3f}"]
            for label, (net, hist) in results.items()]
    return text_table([heads, *rows])


# ---- figures -----------------------------------------------------------------------------------
def _grid(x):
    x = np.linspace(-1.0, 1.0, 401) if x is None else as_float_array(x, "x")
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a 1-D array of at least 2 points, got shape {x.shape}")
    return x


def plot_unit(w, b, x=None, *, ax=None, target=None, title: str | None = None, legend: bool = True,
              ylim=None):
    """One unit: each piece as a thin line, their maximum as a thick line, ``target`` (a callable) dashed.

    Returns the figure. ``x`` defaults to 401 points on [-1, 1].
    """
    from .. import plotting

    w, b = _slopes_offsets(w, b)
    x = _grid(x)
    if target is not None and not callable(target):
        raise TypeError(f"target must be a callable or None, got {type(target).__name__}")
    if ax is None:
        fig, ax = plotting.new_figure(1, 1, size=(4.8, 3.4))
    else:
        fig = ax.figure
    z = pieces(x, w, b)
    h = z.max(axis=-1)
    low, high = (ylim if ylim is not None else (None, None))
    if low is None:
        ref = h if target is None else np.concatenate([h, np.asarray(target(x), dtype=float)])
        span = max(float(ref.max() - ref.min()), 1e-9)
        low, high = float(ref.min()) - 0.3 * span, float(ref.max()) + 0.15 * span
    ends = x[[0, -1]]  # a piece is a straight line: its two end points draw it
    for j in range(w.size):
        ax.plot(ends, w[j] * ends + b[j], linewidth=0.9, color="#7f7f7f", alpha=0.9,
                label=MESSAGES("piece") if j == 0 else None, zorder=2)
    ax.plot(x, h, linewidth=3.0, color=plotting.OKABE_ITO["blue"], label=MESSAGES("maxout"), zorder=3)
    if target is not None:
        ax.plot(x, target(x), linewidth=1.6, linestyle="--", color=plotting.OKABE_ITO["vermillion"],
                label=MESSAGES("target"), zorder=4)
    ax.set_ylim(low, high)
    ax.set_xlim(float(x[0]), float(x[-1]))
    ax.set_xlabel(MESSAGES("input"))
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8)
    return fig


def plot_units(units, x=None, *, xs=None, targets=None, titles=None, ncols: int = 3, ylim=None,
               size: tuple[float, float] | None = None):
    """A row (or grid) of :func:`plot_unit` panels; ``units`` is a list of ``(w, b)``, ``targets`` and
    ``titles`` one per unit (or None). ``x`` is shared by every panel, or ``xs`` gives one grid per
    panel. One legend, in the first panel."""
    from .. import plotting

    units = list(units)
    if not units:
        raise ValueError("units must hold at least one (w, b) pair")
    n = len(units)
    targets = [None] * n if targets is None else list(targets)
    titles = [None] * n if titles is None else list(titles)
    if len(targets) != n or len(titles) != n:
        raise ValueError(f"targets and titles must have one entry per unit ({n})")
    if xs is not None and x is not None:
        raise ValueError("give x (one grid for every panel) or xs (one per panel), not both")
    xs = [x] * n if xs is None else list(xs)
    if len(xs) != n:
        raise ValueError(f"xs must have one grid per unit ({n}), got {len(xs)}")
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    ncols = min(int(ncols), n)
    nrows = -(-n // ncols)
    fig, axes = plotting.new_figure(nrows, ncols, squeeze=False, size=size or (3.2 * ncols, 2.9 * nrows))
    for i, ax in enumerate(np.ravel(axes)):
        if i >= n:
            ax.set_visible(False)
            continue
        w, b = units[i]
        plot_unit(w, b, xs[i], ax=ax, target=targets[i], title=titles[i], legend=(i == 0), ylim=ylim)
        if i % ncols:
            ax.set_ylabel("")
    return fig


def plot_trained_vs_tangents(w, b):
    """Two panels on [-1, 1]: a unit trained on x² (``w``, ``b``) beside the tangent unit with as many pieces."""
    w, b = _slopes_offsets(w, b)
    return plot_units([(w, b), square_tangents(w.size)], targets=[np.square] * 2, ylim=(-1.1, 1.15),
                      titles=[MESSAGES("trained", k=w.size), MESSAGES("tangent_unit", k=w.size)])


def plot_error_vs_k(ks, errors, *, ax=None):
    """Measured max errors against ``k`` (points) beside :math:`h^2/4 = 1/k^2` (line), both axes logarithmic."""
    from .. import plotting

    ks = np.asarray([check_int("ks", k) for k in ks])
    errors = as_float_array(errors, "errors")
    if errors.shape != ks.shape:
        raise ValueError(f"errors must have one value per k ({ks.size}), got shape {errors.shape}")
    if ax is None:
        fig, ax = plotting.new_figure(1, 1, size=(4.6, 3.3))
    else:
        fig = ax.figure
    fine = np.linspace(ks.min(), ks.max(), 100)
    ax.plot(fine, 1.0 / fine**2, color=plotting.OKABE_ITO["orange"],
            linewidth=1.6, label=MESSAGES("bound"), zorder=2)
    ax.plot(ks, errors, "o", color=plotting.OKABE_ITO["blue"], markersize=6, label=MESSAGES("measured"), zorder=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ks, [str(k) for k in ks])
    ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
             if 0.5 * errors.min() <= t <= 2 * errors.max()]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(MESSAGES("pieces_k"))
    ax.set_ylabel(MESSAGES("error_axis"))
    ax.set_title(MESSAGES("error_title"))
    ax.legend(loc="upper right")
    return fig


def plot_boundaries(results: dict, X, y, *, resolution: int = 41):
    """The decision boundary of every trained network (``label -> (net, history)``), side by side."""
    from .. import plotting
    from ..network import accuracy

    if not results:
        raise ValueError("results must not be empty")
    n = len(results)
    fig, axes = plotting.new_figure(1, n, squeeze=False, size=(3.3 * n, 3.4))
    for i, (ax, (label, (net, _))) in enumerate(zip(axes[0], results.items())):
        acc = accuracy(net.predict(X), y)
        plotting.plot_decision_boundary(lambda g, net=net: net.predict_proba(g)[:, 1], X, y, ax=ax,
                                        resolution=resolution)
        ax.set_title(MESSAGES("boundary_title", label=label, n=net.n_params, acc=acc), fontsize=9)
        if i:
            ax.set_ylabel("")
    return fig


# ---- explorer ----------------------------------------------------------------------------------
def _explorer_draw(x):
    def draw(ax, k, spread):
        w, b = square_tangents(k, spread)
        err = square_tangent_error(tangent_points(k, spread))
        plot_unit(w, b, x, ax=ax, target=np.square, legend=False, ylim=(-1.2, 1.15),
                  title=MESSAGES("explorer_title", k=k, s=spread, err=err))
    return draw


def _controls(k=3, spread=1.0):
    from . import explorers

    return {"k": explorers.int_slider(MESSAGES("pieces_k"), *EXPLORER_K, value=k),
            "spread": explorers.slider(MESSAGES("spread"), *EXPLORER_SPREAD, 0.05, value=spread)}


def tangent_explorer(k: int = 3, spread: float = 1.0):
    """An :class:`~actlab.chapters.explorers.Explorer`: pieces ``k`` and the spread of the tangent points of x²;
    draws the pieces, their maximum and x², with the exact max error on [-1, 1] in the title."""
    from . import explorers

    return explorers.Explorer(_explorer_draw(_grid(None)), size=(4.8, 3.4), **_controls(k, spread))


def tangent_twin(ks=(2, 4, 8), spreads=(0.5, 1.0, 1.5)):
    """The explorer's static twin: one panel per (k, spread); rows: ``ks``, columns: ``spreads``."""
    from . import explorers

    ks = [check_int("ks", k) for k in ks]
    spreads = [check_real("spreads", s, positive=True) for s in spreads]
    fig = explorers.static_twin(_explorer_draw(np.linspace(-1.0, 1.0, 201)), grid={"k": ks, "spread": spreads},
                                size=(3.0 * len(spreads), 2.6 * len(ks)), controls=_controls())
    axes = np.asarray(fig.axes).reshape(len(ks), len(spreads))
    for r, row in enumerate(axes):
        for c, ax in enumerate(row):
            if r < len(ks) - 1:
                ax.set_xlabel("")
            ax.title.set_fontsize(9)
    return fig
