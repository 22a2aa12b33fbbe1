r"""Chapter 6 (06_softmax), softmax's figures: the probabilities beside the Jacobian, and the two-class case.

Softmax is not elementwise, so its derivative is a matrix: with :math:`s = \mathrm{softmax}(x)`,
:math:`J = \partial s / \partial x = \mathrm{diag}(s) - s s^\top`. :func:`jacobian` builds it;
:func:`plot_softmax` draws the probabilities with the Jacobian beside them, and
:func:`plot_two_classes` shows that with two classes softmax is the sigmoid of the difference,
again with the derivative beside it; :func:`softmax_temperature_explorer` slides the temperature
(:func:`softmax_temperature_twin` is its static twin). Labels follow the active language.

>>> jacobian([0.0, 0.0]).round(2)
array([[ 0.25, -0.25],
       [-0.25,  0.25]])
"""
from __future__ import annotations

import numpy as np

from .._validate import as_float_array
from ..i18n import Messages, term
from ..softmax import softmax

__all__ = ["jacobian", "plot_softmax", "plot_two_classes", "DEFAULT_LOGITS", "softmax_temperature_explorer",
           "softmax_temperature_twin", "MESSAGES"]

MESSAGES = Messages({
    "probability": term("probability"),
    "class": {"ko": "클래스", "en": "class"},
    "probs_title": {"ko": "소프트맥스 출력", "en": "softmax output"},
    "jacobian_title": {"ko": "도함수 (야코비 행렬) ∂sᵢ/∂xⱼ", "en": "derivative (Jacobian) ∂sᵢ/∂xⱼ"},
    "output_i": {"ko": "출력 i", "en": "output i"},
    "input_j": {"ko": "입력 j", "en": "input j"},
    "two_title": {"ko": "두 클래스: 클래스 1의 확률", "en": "two classes: probability of class 1"},
    "two_deriv_title": {"ko": "도함수 d/dz", "en": "derivative d/dz"},
    "difference": {"ko": "차이 z = z₁ − z₂", "en": "difference z = z₁ − z₂"},
    "softmax_1": {"ko": "softmax(z₁, z₂)₁", "en": "softmax(z₁, z₂)₁"},
    "sigmoid": {"ko": "σ(z₁ − z₂)", "en": "σ(z₁ − z₂)"},
    "temperature": {"ko": "온도 T", "en": "temperature T"},
    "logit": {"ko": "로짓", "en": "logit"},
    "softmax_title": {"ko": "소프트맥스, T = {t:g}", "en": "softmax, T = {t:g}"},
})


def jacobian(x):
    r"""The softmax Jacobian :math:`\mathrm{diag}(s) - s s^\top` of a 1-D ``x`` (rows: outputs, columns: inputs).

    Every row sums to 0 (adding a constant to every input changes nothing), and the matrix is symmetric.

    >>> jacobian([0.0, 1.0, 2.0]).sum(axis=1).round(12) + 0.0
    array([0., 0., 0.])
    """
    arr = as_float_array(x, "x")
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"x must be a non-empty 1-D array, got shape {arr.shape}")
    s = softmax(arr)
    return np.diag(s) - np.outer(s, s)


def plot_softmax(x, *, size: tuple[float, float] = (8.4, 3.2)):
    """Bars of ``softmax(x)`` (left) beside the Jacobian as an annotated heat map (right); returns the figure."""
    from .. import plotting

    arr = as_float_array(x, "x")
    if arr.ndim != 1 or not 2 <= arr.size <= 8:
        raise ValueError(f"x must be a 1-D array of 2 to 8 logits, got shape {arr.shape}")
    s, jac = softmax(arr), jacobian(arr)
    fig, (left, right) = plotting.new_figure(1, 2, size=size)
    ticks = np.arange(arr.size)
    names = [f"{v:g}".replace("-", "\u2212") for v in arr]  # U+2212, as on the numeric ticks
    left.bar(ticks, s, color=plotting.COLORS[0])
    for i, v in enumerate(s):
        left.text(i, v + 0.02, f"{v:.3f}", ha="center", fontsize=8)
    left.set_ylim(0, 1)
    left.set_xticks(ticks, names)
    left.set_xlabel(f"{MESSAGES('class')} (x)")
    left.set_ylabel(MESSAGES("probability"))
    left.set_title(MESSAGES("probs_title"))
    limit = max(float(np.abs(jac).max()), 1e-12)
    # vector cells (pcolormesh), not imshow: imshow puts a PNG inside the SVG, which nbval compares as text
    edges = np.arange(arr.size + 1) - 0.5
    right.pcolormesh(edges, edges, jac, cmap="RdBu_r", vmin=-limit, vmax=limit)
    right.set_aspect("equal")
    right.invert_yaxis()
    for i in range(arr.size):
        for j in range(arr.size):
            # the minus sign as U+2212, which the figure font draws from DejaVu Sans
            right.text(j, i, f"{jac[i, j]:+.3f}".replace("-", "\u2212"), ha="center", va="center", fontsize=8,
                       color="white" if abs(jac[i, j]) > 0.6 * limit else "black")  # legible on dark cells
    right.set_xticks(ticks, names)
    right.set_yticks(ticks, names)
    right.set_xlabel(MESSAGES("input_j"))
    right.set_ylabel(MESSAGES("output_i"))
    right.set_title(MESSAGES("jacobian_title"))
    right.grid(False)
    return fig


def plot_two_classes(z=None, *, size: tuple[float, float] = (8.4, 3.2)):
    r"""Two classes: :math:`\mathrm{softmax}(z_1, z_2)_1` and :math:`\sigma(z_1 - z_2)` against
    :math:`z = z_1 - z_2` (left), and their derivatives in :math:`z` (right); returns the figure.

    The softmax curves use :math:`(z_1, z_2) = (z, 0)`; the derivative of the first output with respect
    to :math:`z_1` is the Jacobian's corner :math:`s_1(1 - s_1)`, the sigmoid's :math:`\sigma(1 - \sigma)`.
    """
    from .. import plotting
    from ..activations import sigmoid, sigmoid_derivative

    grid = np.linspace(-6.0, 6.0, 241) if z is None else as_float_array(z, "z")
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(f"z must be a 1-D array of at least 2 points, got shape {grid.shape}")
    pairs = np.stack([grid, np.zeros_like(grid)], axis=1)
    p1 = softmax(pairs)[:, 0]
    fig, (left, right) = plotting.new_figure(1, 2, size=size)
    left.plot(grid, p1, label=MESSAGES("softmax_1"), linewidth=3.0, color=plotting.COLORS[0])
    left.plot(grid, sigmoid(grid), label=MESSAGES("sigmoid"), linestyle="--", color=plotting.COLORS[1])
    right.plot(grid, p1 * (1 - p1), label=MESSAGES("softmax_1"), linewidth=3.0, color=plotting.COLORS[0])
    right.plot(grid, sigmoid_derivative(grid), label=MESSAGES("sigmoid"), linestyle="--", color=plotting.COLORS[1])
    left.set_title(MESSAGES("two_title"))
    right.set_title(MESSAGES("two_deriv_title"))
    for ax in (left, right):
        ax.set_xlabel(MESSAGES("difference"))
        ax.legend(loc="best")
    return fig


# ---- the temperature explorer ------------------------------------------------------------------
DEFAULT_LOGITS = (2.0, 1.0, 0.5, -1.0)


def _softmax_draw(logits):
    from .. import plotting

    z = np.asarray(logits, dtype=float)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"logits must be a 1-D sequence of at least 2 numbers, got shape {z.shape}")

    def draw(ax, temperature):
        p = softmax(z / temperature)
        ax.bar(np.arange(z.size), p, color=plotting.COLORS[: z.size] if z.size <= len(plotting.COLORS) else None)
        ax.set_ylim(0, 1)
        ax.set_xticks(np.arange(z.size), [f"{v:g}".replace("-", "\u2212") for v in z])  # U+2212 as on numeric ticks
        ax.set_xlabel(f"{MESSAGES('class')} ({MESSAGES('logit')})")
        ax.set_ylabel(MESSAGES("probability"))
        ax.set_title(MESSAGES("softmax_title", t=temperature))
        for i, v in enumerate(p):
            ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    return draw


def softmax_temperature_explorer(logits=DEFAULT_LOGITS, temperature: float = 1.0, *,
                                 low: float = 0.1, high: float = 5.0):
    """A temperature slider over ``softmax(logits / T)``: small T sharpens, large T flattens."""
    from . import explorers

    return explorers.Explorer(_softmax_draw(logits), size=(4.8, 3.2),
                              temperature=explorers.slider(MESSAGES("temperature"), low, high, 0.05, value=temperature))


def softmax_temperature_twin(logits=DEFAULT_LOGITS, temperatures=(0.25, 1.0, 4.0), *, ncols: int = 3):
    """The static twin: one bar chart per temperature."""
    from . import explorers

    return explorers.static_twin(_softmax_draw(logits), [{"temperature": float(t)} for t in temperatures],
                                 ncols=ncols, labels={"temperature": MESSAGES("temperature")})
