r"""Chapter 10, choosing an activation: the summary table of every activation and the experiments behind the advice.

* :func:`summary_table` / :func:`show_summary` -- one row per activation of the course (the registry,
  then softmax and Maxout): formula, range, derivative, relative cost, strengths, weaknesses, in
  either language. :func:`measure_costs` fills the cost column (machine-dependent: notebooks show it
  in a cell marked volatile).
* :func:`compare_hidden` / :func:`hidden_table` / :func:`plot_hidden_comparison` -- the same small
  MLP trained with different hidden activations (fixed seeds), its final loss and accuracy, and the
  gradient reaching its first layer at initialisation.
* :func:`fit_regression_outputs` -- a regression network with an identity output against the same
  network with a sigmoid output, which cannot reach targets outside (0, 1).

>>> print(summary_table(lang="en", names=["relu"]).splitlines()[0])
| Function | Formula | Range | Derivative | Relative cost | Strengths | Weaknesses |
>>> results = compare_hidden(["relu"], epochs=2, seeds=(0,))
>>> results["relu"].accuracy[0] > 0.3
True
"""
from __future__ import annotations

import numbers
import timeit
from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_real
from ..i18n import Messages, get_language, term
from .. import registry
from ..registry import ACTIVATIONS
from ..softmax import softmax
from ..tables import text_table

__all__ = ["measure_costs", "summary_table", "show_summary", "HIDDEN_CHOICES", "HiddenResult",
           "compare_hidden", "hidden_table", "plot_hidden_comparison", "fit_regression_outputs",
           "regression_target", "MESSAGES"]

MESSAGES = Messages({
    "function": {"ko": "함수", "en": "Function"},
    "formula": {"ko": "식", "en": "Formula"},
    "range": {"ko": "치역", "en": "Range"},
    "derivative": {"ko": "도함수", "en": "Derivative"},
    "cost": {"ko": "상대 비용", "en": "Relative cost"},
    "strengths": {"ko": "장점", "en": "Strengths"},
    "weaknesses": {"ko": "단점", "en": "Weaknesses"},
    "not_measured": {"ko": "—", "en": "—"},
    "softmax_name": {"ko": "소프트맥스", "en": "Softmax"},
    "softmax_strengths": {"ko": "출력이 합이 1인 확률 분포다: 다중 분류 출력층",
                          "en": "outputs a probability distribution: the multi-class output layer"},
    "softmax_weaknesses": {"ko": "원소별 함수가 아니며 최댓값을 빼지 않으면 오버플로가 난다",
                           "en": "not elementwise; overflows unless the maximum is subtracted"},
    "maxout_name": {"ko": "맥스아웃", "en": "Maxout"},
    "maxout_cost": {"ko": "{cost} + 가중합 k배", "en": "{cost} + k× the weighted sums"},
    "maxout_strengths": {"ko": "활성화 함수의 모양(볼록한 조각별 선형 함수)을 학습한다; ReLU, Leaky ReLU, |x|를 포함한다",
                         "en": "learns its own convex piecewise-linear shape; includes ReLU, Leaky ReLU and |x|"},
    "maxout_weaknesses": {"ko": "가중치와 가중합이 k배로 늘고, 기울기는 이긴 조각으로만 간다",
                          "en": "k times the weights and weighted sums; only the winning piece gets a gradient"},
    # compare_hidden's table
    "activation": {"ko": "활성화 함수", "en": "activation"},
    "loss": term("loss"),
    "accuracy": term("accuracy"),
    "loss_range": {"ko": "손실 범위", "en": "loss range"},
    "grad_ratio": {"ko": "‖∇W1‖/‖∇W{last}‖ (시작)", "en": "‖∇W1‖/‖∇W{last}‖ (start)"},
    "hidden_caption": {"ko": "은닉층 {hidden}, Adam(학습률 {lr:g}, 미니배치 {batch_size}), {epochs} 에포크 뒤, 시드 {seeds}개의 평균",
                       "en": "hidden layers {hidden}, Adam (learning rate {lr:g}, mini-batches of {batch_size}), "
                             "after {epochs} epochs, mean over {seeds} seeds"},
    "epoch": term("epoch"),
    "train_loss": {"ko": "학습 손실 (시드 평균, 로그 눈금)", "en": "training loss (mean over seeds, log scale)"},
})

SOFTMAX_FORMULA = r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_k e^{x_k}}"
SOFTMAX_DERIVATIVE = r"\frac{\partial s_i}{\partial x_j} = s_i(\delta_{ij} - s_j)"
MAXOUT_FORMULA = r"h = \max_{1 \le j \le k} \left(w_j^{\top} x + b_j\right)"
MAXOUT_DERIVATIVE = r"\frac{\partial h}{\partial z_j} = \begin{cases} 1 & j \text{ wins} \\ 0 & \text{otherwise} \end{cases}"


# ---- the summary table ---------------------------------------------------------------------------
def measure_costs(names=None, n: int = 200_000, repeat: int = 5, seed: int = 0) -> dict[str, float]:
    """Time each activation on ``n`` float64 values; return its best time relative to ReLU's.

    Each function is timed alternately with ReLU (``repeat`` rounds of 3 calls each, best round
    kept), so a busy machine slows both alike; ReLU's own entry is exactly 1. ``"softmax"`` is
    timed on rows of 100 values; ``"maxout"`` is the maximum of ``k = 2`` pieces for ``n`` outputs
    (``np.maximum`` of the two pieces: what a unit computes beyond its ``k`` weighted sums, which
    cost far more). Timings depend on the machine: notebooks show them in cells marked volatile.
    """
    n = check_int("n", n)
    repeat = check_int("repeat", repeat)
    names = list(ACTIVATIONS) if names is None else list(names)
    for name in names:
        registry.get(name, "names")
    x = np.random.default_rng(seed).standard_normal(n) * 4
    rows = x.reshape(-1, 100) if n % 100 == 0 else x.reshape(1, -1)
    other = x[::-1].copy()
    relu = ACTIVATIONS["relu"].fn

    def relative(call):
        best, base = np.inf, np.inf
        for _ in range(repeat):
            base = min(base, timeit.timeit(lambda: relu(x), number=3))
            best = min(best, timeit.timeit(call, number=3))
        return best / base

    calls = {name: (lambda f=ACTIVATIONS[name].fn: f(x)) for name in names if name != "relu"}
    calls["softmax"] = lambda: softmax(rows)
    calls["maxout"] = lambda: np.maximum(x, other)
    costs = {name: 1.0 for name in names if name == "relu"}
    costs.update({name: relative(call) for name, call in calls.items()})
    return {name: costs[name] for name in [*names, "softmax", "maxout"]}


def _cost_cell(costs, name):
    if costs is None or name not in costs:
        return MESSAGES("not_measured")
    return f"{costs[name]:.1f}×"


def _math(tex: str) -> str:
    r"""Inline math for a Markdown table cell. A ``|`` would end the cell in MyST (which splits table
    rows before it sees the math) while ``\|`` is a double bar in TeX: write the bar as ``\vert``."""
    return "$" + tex.replace("|", r"\vert ") + "$"


def _text(text: str) -> str:
    return text.replace("|", r"\|")


def summary_table(lang: str | None = None, names=None, costs: dict[str, float] | None = None) -> str:
    """A Markdown table: function, formula, range, derivative, relative cost, strengths, weaknesses.

    ``costs`` is what :func:`measure_costs` returns (``None`` leaves the cost column empty);
    ``names`` selects registry entries (default: all, then softmax and Maxout as the last rows).
    Math cells are ``$...$`` (rendered by Jupyter, and by MyST with the dollarmath extension).
    """
    lang = lang or get_language()
    cols = ["function", "formula", "range", "derivative", "cost", "strengths", "weaknesses"]
    lines = ["| " + " | ".join(MESSAGES(c, lang=lang) for c in cols) + " |",
             "|" + " --- |" * len(cols)]
    selected = list(ACTIVATIONS) if names is None else list(names)
    for name in selected:
        registry.get(name, "names")

    def row(label, formula, range_, derivative, cost, strengths, weaknesses):
        cells = [_text(label), _math(formula), _math(range_), _math(derivative), cost,
                 _text(strengths), _text(weaknesses)]
        lines.append("| " + " | ".join(cells) + " |")

    for name in selected:
        e = ACTIVATIONS[name]
        row(e.label(lang), e.formula, e.range_latex, e.derivative_formula, _cost_cell(costs, name),
            e.strengths[lang], e.weaknesses[lang])
    if names is None:
        row(MESSAGES("softmax_name", lang=lang), SOFTMAX_FORMULA, "(0, 1)", SOFTMAX_DERIVATIVE,
            _cost_cell(costs, "softmax"), MESSAGES("softmax_strengths", lang=lang),
            MESSAGES("softmax_weaknesses", lang=lang))
        cost = _cost_cell(costs, "maxout")
        if costs is not None and "maxout" in costs:
            cost = MESSAGES("maxout_cost", lang=lang, cost=cost)
        row(MESSAGES("maxout_name", lang=lang), MAXOUT_FORMULA, r"(-\infty, \infty)", MAXOUT_DERIVATIVE, cost,
            MESSAGES("maxout_strengths", lang=lang), MESSAGES("maxout_weaknesses", lang=lang))
    return "\n".join(lines)


def show_summary(costs: dict[str, float] | None = None, lang: str | None = None):
    """Display :func:`summary_table` as rendered Markdown in a notebook (math included)."""
    from IPython.display import Markdown, display

    display(Markdown(summary_table(lang=lang, costs=costs)))


# ---- hidden layers: the same network, different activations --------------------------------------
#: The hidden activations chapter 10 compares.
HIDDEN_CHOICES = ("relu", "leaky_relu", "gelu", "silu", "tanh", "sigmoid")


@dataclass(frozen=True)
class HiddenResult:
    """One hidden activation's runs (settings: ``hidden`` widths, ``epochs``, ``lr``, ``batch_size``,
    ``seeds``): one final
    loss and accuracy per seed, the gradient ratio at initialisation (mean over seeds) and the
    training loss per epoch (mean over seeds; entry 0 is before training)."""

    name: str
    hidden: tuple[int, ...]
    epochs: int
    lr: float
    batch_size: int
    seeds: tuple[int, ...]
    loss: tuple[float, ...]
    accuracy: tuple[float, ...]
    grad_ratio: float
    curve: tuple[float, ...]

    @property
    def mean_loss(self) -> float:
        """The final loss, averaged over the seeds."""
        return float(np.mean(self.loss))

    @property
    def mean_accuracy(self) -> float:
        """The final accuracy, averaged over the seeds."""
        return float(np.mean(self.accuracy))


def _hidden_sizes(hidden):
    if isinstance(hidden, numbers.Integral) or not hasattr(hidden, "__len__") or not len(hidden):
        raise TypeError(f"hidden must be a non-empty list of layer widths such as (16, 16), got {hidden!r:.40}")
    return tuple(check_int("hidden", h) for h in hidden)


def _seeds(seeds):
    if isinstance(seeds, numbers.Integral) or not hasattr(seeds, "__len__") or not len(seeds):
        raise TypeError(f"seeds must be a non-empty list of integers such as (0, 1, 2), got {seeds!r:.40}")
    return tuple(check_int("seeds", s, minimum=0) for s in seeds)


def compare_hidden(names=HIDDEN_CHOICES, *, data=None, hidden=(16, 16, 16, 16), epochs: int = 30,
                   lr: float = 0.01, batch_size: int = 64, seeds=(0, 1, 2)) -> dict[str, HiddenResult]:
    r"""Train the same MLP once per hidden activation and seed; returns ``name -> HiddenResult``.

    ``data`` is ``(X, y)`` with integer class labels (default: ``spirals(300, 3, seed=0)``); the
    network is ``[features, *hidden, classes]`` with softmax cross-entropy, trained with Adam
    (``lr``, mini-batches of ``batch_size``, shuffled with the same seed as the weights). Every other
    setting is the library's default, so the activations differ only in themselves and in the
    initialisation the library pairs with them (He for the ReLU family, Xavier otherwise).

    ``grad_ratio`` is :math:`\lVert\partial L/\partial W_1\rVert / \lVert\partial L/\partial W_{L}\rVert`
    on the whole data set before training, ``W_L`` the last hidden layer's weights: how much of the
    gradient still reaches the first layer.
    """
    from ..datasets import spirals
    from ..network import MLP

    names = list(names)
    if not names:
        raise ValueError("names must list at least one activation")
    for name in names:
        registry.get(name, "names")
    X, y = spirals(300, 3, seed=0) if data is None else data
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or y.dtype.kind not in "iu":
        raise ValueError(f"data must be (X, y) with X of shape (n, features) and y n integer labels, "
                         f"got shapes {X.shape} and {y.shape}")
    hidden = _hidden_sizes(hidden)
    epochs = check_int("epochs", epochs)
    lr = check_real("lr", lr, positive=True)
    batch_size = check_int("batch_size", batch_size)
    seeds = _seeds(seeds)
    sizes = [X.shape[1], *hidden, int(y.max()) + 1]

    results = {}
    for name in names:
        losses, accuracies, ratios, curves = [], [], [], []
        for seed in seeds:
            net = MLP(sizes, name, seed=seed)
            start, _ = net.evaluate(X, y)
            net.loss_and_grads(X, y, training=False)
            layers = net.hidden_layers
            ratios.append(np.linalg.norm(layers[0].grads["W"]) / np.linalg.norm(layers[-1].grads["W"]))
            history = net.fit(X, y, epochs=epochs, lr=lr, optimizer="adam", batch_size=batch_size, seed=seed)
            losses.append(float(history.loss[-1]))
            accuracies.append(float(history.accuracy[-1]))
            curves.append([start, *history.loss])
        results[name] = HiddenResult(name, hidden, epochs, lr, batch_size, seeds, tuple(losses), tuple(accuracies), float(np.mean(ratios)),
                                     tuple(float(v) for v in np.mean(curves, axis=0)))
    return results


def hidden_table(results, lang: str | None = None) -> str:
    """:func:`compare_hidden`'s results as an aligned text table, best mean loss first.

    Columns: activation, mean final loss and its range over the seeds (3 decimals), mean accuracy
    (2 decimals), and the first/last hidden-layer gradient ratio at initialisation (2 significant digits).
    """
    if not isinstance(results, dict) or not results or \
            not all(isinstance(r, HiddenResult) for r in results.values()):
        raise TypeError("results must be what compare_hidden returns (name -> HiddenResult)")
    lang = lang or get_language()
    first = next(iter(results.values()))
    last = len(first.hidden)
    header = [MESSAGES("activation", lang=lang), MESSAGES("loss", lang=lang), MESSAGES("loss_range", lang=lang),
              MESSAGES("accuracy", lang=lang), MESSAGES("grad_ratio", lang=lang, last=last)]
    rows = []
    for r in sorted(results.values(), key=lambda r: r.mean_loss):
        rows.append([ACTIVATIONS[r.name].label(lang), f"{r.mean_loss:.3f}", f"{min(r.loss):.3f}–{max(r.loss):.3f}",
                     f"{r.mean_accuracy:.2f}", f"{r.grad_ratio:.2g}"])
    caption = MESSAGES("hidden_caption", lang=lang, hidden=list(first.hidden), seeds=len(first.seeds),
                       epochs=first.epochs, lr=first.lr, batch_size=first.batch_size)
    return caption + "\n" + text_table([header, *rows])


def plot_hidden_comparison(results):
    """The mean training loss per epoch of each activation in ``results`` (log scale); returns the figure."""
    from ..plotting import plot_curves

    if not isinstance(results, dict) or not results or \
            not all(isinstance(r, HiddenResult) for r in results.values()):
        raise TypeError("results must be what compare_hidden returns (name -> HiddenResult)")
    series = {ACTIVATIONS[r.name].label(): r.curve for r in results.values()}
    return plot_curves(series, MESSAGES("epoch"), MESSAGES("train_loss"), logy=True)


# ---- output layers: regression needs the identity ----------------------------------------------
def regression_target(x):
    r"""The regression target of chapter 10, :math:`3x^2 - 1`: values from -1 to 2 on [-1, 1]."""
    return 3.0 * np.square(x) - 1.0


def fit_regression_outputs(outputs=("identity", "sigmoid"), *, n: int = 100, hidden=(16, 16),
                           activation: str = "relu", epochs: int = 200, lr: float = 0.01,
                           seed: int = 0) -> dict[str, float]:
    """Fit :func:`regression_target` with mean squared error once per output activation; returns
    ``name -> final MSE`` plus ``"floor"``: the smallest MSE any output confined to [0, 1] can reach
    (each target clipped to [0, 1]), which a sigmoid output cannot beat.

    Full-batch Adam, ``n`` evenly spaced inputs on [-1, 1], weights seeded with ``seed``.
    """
    from ..datasets import regression_1d
    from ..network import MLP

    outputs = list(outputs)
    if not outputs:
        raise ValueError("outputs must list at least one output activation")
    for name in outputs:
        registry.get(name, "outputs")
    registry.get(activation)
    hidden = _hidden_sizes(hidden)
    epochs = check_int("epochs", epochs)
    lr = check_real("lr", lr, positive=True)
    X, y = regression_1d(check_int("n", n, minimum=2), fn=regression_target, seed=seed)
    result = {}
    for name in outputs:
        net = MLP([1, *hidden, 1], activation, output_activation=name, loss="mse", seed=seed)
        history = net.fit(X, y, epochs=epochs, lr=lr, optimizer="adam", seed=seed)
        result[name] = float(history.loss[-1])
    result["floor"] = float(np.mean((y - np.clip(y, 0.0, 1.0)) ** 2))
    return result
