r"""Chapter 10, choosing an activation: the summary table of every activation and the experiments behind the advice.

* :func:`summary_table` / :func:`show_summary` -- one row per activation of the course (the registry,
  then softmax and Maxout): formula, range, derivative, relative cost, strengths, weaknesses, in
  either language.
* :data:`TEXTBOOK`, :func:`measure_costs`, :func:`stored_costs`, :func:`cost_table` -- the cost
  column: the plain NumPy/SciPy expression a user would write for each activation, timed against
  ReLU's ``np.maximum(x, 0)`` (actlab's own functions beside it). Timings belong to a machine, so
  ``benchmarks/bench_activation_costs.py --write`` measures them once into package data
  (``activation_costs.json``, with the machine and versions) and every notebook shows those;
  :func:`measure_costs` measures on the machine that calls it.
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

import functools
import json
import numbers
import time
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import numpy as np
from scipy import special

from .._validate import check_int, check_real
from ..i18n import Messages, get_language, term
from .. import registry
from ..registry import ACTIVATIONS
from ..softmax import softmax
from ..tables import text_table

__all__ = ["TEXTBOOK", "Costs", "textbook_function", "measure_costs", "stored_costs", "cost_table",
           "cost_label", "measured_on", "machine_info", "summary_table", "show_summary", "HIDDEN_CHOICES", "HiddenResult",
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
    "code": {"ko": "시간을 잰 NumPy/SciPy 코드", "en": "NumPy/SciPy code timed"},
    "actlab_cost": {"ko": "actlab 함수의 상대 비용", "en": "actlab's own, relative"},
    "gelu_tanh_name": {"ko": "GELU (tanh 근사)", "en": "GELU (tanh approximation)"},
    "measured_on": {"ko": "측정: {date}, {cpu} ({cores}코어), {system}, Python {python}, NumPy {numpy}, SciPy {scipy}. "
                          "float64 값 {n:,}개로 함수마다 {repeat}번 잰 시간의 중앙값을 ReLU({baseline})의 중앙값으로 나눈 값.",
                    "en": "Measured {date} on {cpu} ({cores} cores), {system}, Python {python}, NumPy {numpy}, SciPy {scipy}: "
                          "median of {repeat} timings of each function on {n:,} float64 values, divided by the median "
                          "for ReLU ({baseline})."},
    "softmax_name": {"ko": "소프트맥스", "en": "Softmax"},
    "softmax_strengths": {"ko": "출력이 합이 1인 확률 분포라 다중 분류 출력층에 쓴다",
                          "en": "outputs a probability distribution: the multi-class output layer"},
    "softmax_weaknesses": {"ko": "원소별 함수가 아니며 최댓값을 빼지 않으면 오버플로가 난다",
                           "en": "not elementwise; overflows unless the maximum is subtracted"},
    "maxout_name": {"ko": "맥스아웃", "en": "Maxout"},
    "maxout_cost": {"ko": "{cost} + 가중합 k배", "en": "{cost} + k× the weighted sums"},
    "maxout_strengths": {"ko": "활성화 함수의 모양(볼록한 조각별 선형 함수)을 학습하며, ReLU, Leaky ReLU, |x|를 특수한 경우로 포함한다",
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


# ---- the cost column: what a user would write, measured once ---------------------------------------
#: The NumPy/SciPy expression a user would write for each activation (default parameters), the
#: function the cost column times. Kept as text and compiled by :func:`textbook_function`, so the
#: cost table prints exactly the code that was timed. ``x`` is the input; ``x2`` is a second array
#: of the same size, the other piece of a Maxout unit with ``k = 2``.
TEXTBOOK = {
    "identity": "x",
    "step": "np.heaviside(x, 0.0)",
    "sigmoid": "1 / (1 + np.exp(-x))",
    "tanh": "np.tanh(x)",
    "relu": "np.maximum(x, 0)",
    "relu6": "np.clip(x, 0, 6)",
    "leaky_relu": "np.where(x > 0, x, 0.01 * x)",
    "prelu": "np.where(x > 0, x, 0.25 * x)",
    "elu": "np.where(x > 0, x, np.exp(x) - 1)",
    "selu": "1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))",
    "celu": "np.maximum(x, 0) + np.minimum(0, np.exp(x) - 1)",
    "gelu": "0.5 * x * (1 + special.erf(x / np.sqrt(2)))",
    "gelu_tanh": "0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))",
    "silu": "x / (1 + np.exp(-x))",
    "swish": "x / (1 + np.exp(-1.0 * x))",
    "mish": "x * np.tanh(np.logaddexp(0, x))",
    "softplus": "np.logaddexp(0, x)",
    "softsign": "x / (1 + np.abs(x))",
    "hard_sigmoid": "np.clip(x + 3, 0, 6) / 6",
    "hard_swish": "x * np.clip(x + 3, 0, 6) / 6",
    "hard_tanh": "np.clip(x, -1, 1)",
    "log_sigmoid": "-np.logaddexp(0, -x)",
    "softmax": "special.softmax(x.reshape(-1, 100), axis=1)",
    "maxout": "np.maximum(x, x2)",
}
#: The entry every cost is divided by.
BASELINE = "relu"
#: Where :func:`stored_costs` reads the numbers that ``benchmarks/bench_activation_costs.py --write`` measured.
COSTS_FILE = "activation_costs.json"


def textbook_function(name: str):
    """``TEXTBOOK[name]`` as a function of ``(x, x2)``.

    >>> textbook_function("relu")(np.array([-1.0, 2.0]), None)
    array([0., 2.])
    """
    if name not in TEXTBOOK:
        raise ValueError(f"name must be one of {sorted(TEXTBOOK)}, got {name!r}")
    # eval of this module's own fixed strings (never user input): the table shows the very text timed
    return eval(f"lambda x, x2: {TEXTBOOK[name]}", {"np": np, "special": special})  # noqa: S307


def _actlab_function(name: str):
    """actlab's own function for a TEXTBOOK entry (None for Maxout, a layer rather than a function)."""
    if name == "gelu_tanh":
        return lambda x, x2: ACTIVATIONS["gelu"].fn(x, approximate="tanh")
    if name == "softmax":
        return lambda x, x2: softmax(x.reshape(-1, 100), axis=1)
    if name == "maxout":
        return None
    return lambda x, x2, f=ACTIVATIONS[name].fn: f(x)


@dataclass(frozen=True)
class Costs:
    """Times relative to ReLU's (``np.maximum(x, 0)``): ``textbook`` for the :data:`TEXTBOOK`
    expressions, ``actlab`` for the library's own functions (same baseline), with the ``settings``
    of the measurement (n, dtype, repeat, seed, statistic) and the ``machine`` it ran on."""

    textbook: Mapping[str, float]
    actlab: Mapping[str, float]
    settings: Mapping[str, object]
    machine: Mapping[str, object]

    def as_dict(self) -> dict:
        """The JSON form :func:`stored_costs` reads."""
        return {"settings": dict(self.settings), "machine": dict(self.machine),
                "textbook": dict(self.textbook), "actlab": dict(self.actlab)}


def machine_info() -> dict[str, object]:
    """The CPU, core count, system and library versions a measurement depends on."""
    import os
    import platform

    import scipy

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu or platform.machine(), "cores": os.cpu_count(), "system": f"{platform.system()} {platform.machine()}",
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__}


def measure_costs(names=None, *, n: int = 1_000_000, repeat: int = 21, seed: int = 0) -> Costs:
    """Time each :data:`TEXTBOOK` expression, and actlab's own function, on ``n`` float64 values.

    Each round calls every function once, in an order shuffled with ``seed``, so a busy machine
    slows all of them alike; after ``repeat`` rounds each function's median time is divided by the
    median of ReLU's ``np.maximum(x, 0)``. The input is ``4 * standard_normal(n)`` drawn with
    ``seed`` (both signs, the saturated tails too). ``names`` selects entries of :data:`TEXTBOOK`
    (default: all); ReLU is always timed. The numbers belong to the machine that measured them:
    chapter 10 shows the ones :func:`stored_costs` reads, and a student calls this function to see
    their own.
    """
    n = check_int("n", n)
    repeat = check_int("repeat", repeat)
    seed = check_int("seed", seed, minimum=0)
    if n % 100:
        raise ValueError(f"n must be a multiple of 100 (softmax is timed on rows of 100), got {n}")
    names = list(TEXTBOOK) if names is None else list(names)
    for name in names:
        if name not in TEXTBOOK:
            raise ValueError(f"names must be entries of TEXTBOOK {sorted(TEXTBOOK)}, got {name!r}")
    if BASELINE not in names:
        names.insert(0, BASELINE)
    rng = np.random.default_rng(seed)
    x, x2 = 4 * rng.standard_normal(n), 4 * rng.standard_normal(n)
    calls = [(kind, name, fn) for name in names
             for kind, fn in (("textbook", textbook_function(name)), ("actlab", _actlab_function(name)))
             if fn is not None]
    times = {(kind, name): [] for kind, name, _ in calls}
    for _, _, fn in calls:
        fn(x, x2)  # warm up: first-touch page faults and lazy imports stay out of the timing
    for _ in range(repeat):
        for i in rng.permutation(len(calls)):
            kind, name, fn = calls[i]
            start = time.perf_counter()
            fn(x, x2)
            times[kind, name].append(time.perf_counter() - start)
    base = float(np.median(times["textbook", BASELINE]))
    relative = {kind: {name: float(np.median(times[kind, name])) / base for k, name, _ in calls if k == kind}
                for kind in ("textbook", "actlab")}
    settings = {"n": n, "dtype": "float64", "repeat": repeat, "seed": seed, "statistic": "median",
                "baseline": TEXTBOOK[BASELINE], "date": time.strftime("%Y-%m-%d", time.gmtime())}
    return Costs(relative["textbook"], relative["actlab"], settings, machine_info())


@functools.cache
def stored_costs() -> Costs:
    """The costs measured once by ``benchmarks/bench_activation_costs.py --write`` (package data:
    the same numbers in every notebook, whatever machine runs it)."""
    data = json.loads(resources.files(__package__).joinpath(COSTS_FILE).read_text(encoding="utf-8"))
    return Costs(MappingProxyType(data["textbook"]), MappingProxyType(data["actlab"]),
                 MappingProxyType(data["settings"]), MappingProxyType(data["machine"]))


def cost_label(name: str, lang: str | None = None) -> str:
    """The display name of a :data:`TEXTBOOK` entry in ``lang`` (default: the active language)."""
    lang = lang or get_language()
    if name == "gelu_tanh":
        return MESSAGES("gelu_tanh_name", lang=lang)
    if name in ("softmax", "maxout"):
        return MESSAGES(name + "_name", lang=lang)
    return ACTIVATIONS[name].label(lang)


def _times(value) -> str:
    return f"{value:.1f}×"


def cost_table(costs: Costs | None = None, lang: str | None = None, *, footer: bool = True) -> str:
    """The cost of every :data:`TEXTBOOK` entry relative to ReLU, cheapest first, as aligned text:
    function, the NumPy/SciPy code timed, its relative cost, actlab's relative cost; then (with
    ``footer``) the :func:`measured_on` line. ``costs`` defaults to :func:`stored_costs`."""
    costs = stored_costs() if costs is None else costs
    if not isinstance(costs, Costs):
        raise TypeError(f"costs must be a Costs (what measure_costs or stored_costs returns), got {type(costs).__name__}")
    lang = lang or get_language()
    header = [MESSAGES(key, lang=lang) for key in ("function", "code", "cost", "actlab_cost")]
    order = sorted(costs.textbook, key=lambda name: (costs.textbook[name], name))
    rows = [[cost_label(name, lang), TEXTBOOK[name], _times(costs.textbook[name]),
             _times(costs.actlab[name]) if name in costs.actlab else MESSAGES("not_measured", lang=lang)]
            for name in order]
    table = text_table([header, *rows], right=[False, False, True, True])
    return table + "\n" + measured_on(costs, lang=lang) if footer else table


def measured_on(costs: Costs, lang: str | None = None) -> str:
    """One line: the machine, library versions and settings of a measurement."""
    m, s = costs.machine, costs.settings
    return MESSAGES("measured_on", lang=lang or get_language(), cpu=m["cpu"], cores=m["cores"], system=m["system"],
                    python=m["python"], numpy=m["numpy"], scipy=m["scipy"], n=s["n"], repeat=s["repeat"],
                    date=s["date"], baseline=s["baseline"])


# ---- the summary table ---------------------------------------------------------------------------
def _cost_cell(costs, name):
    if costs is None or name not in costs:
        return MESSAGES("not_measured")
    return _times(costs[name])


def _math(tex: str) -> str:
    r"""Inline math for a Markdown table cell. A ``|`` would end the cell in MyST (which splits table
    rows before it sees the math) while ``\|`` is a double bar in TeX: write the bar as ``\vert``."""
    return "$" + tex.replace("|", r"\vert ") + "$"


def _text(text: str) -> str:
    return text.replace("|", r"\|")


def summary_table(lang: str | None = None, names=None, costs: Costs | Mapping[str, float] | None = None) -> str:
    """A Markdown table: function, formula, range, derivative, relative cost, strengths, weaknesses.

    ``costs`` is a :class:`Costs` (what :func:`stored_costs` or :func:`measure_costs` returns: its
    ``textbook`` column is shown) or a mapping ``name -> cost relative to ReLU``; ``None`` leaves
    the cost column empty. ``names`` selects registry entries (default: all, then softmax and
    Maxout as the last rows). Math cells are ``$...$`` (rendered by Jupyter, and by MyST with the
    dollarmath extension).
    """
    lang = lang or get_language()
    if isinstance(costs, Costs):
        costs = costs.textbook
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
        row(e.label(lang), e.formula_in(lang), e.range_latex, e.derivative_formula_in(lang), _cost_cell(costs, name),
            e.strengths[lang], e.weaknesses[lang])
    if names is None:
        row(MESSAGES("softmax_name", lang=lang), SOFTMAX_FORMULA, "(0, 1)", SOFTMAX_DERIVATIVE,
            _cost_cell(costs, "softmax"), MESSAGES("softmax_strengths", lang=lang),
            MESSAGES("softmax_weaknesses", lang=lang))
        cost = _cost_cell(costs, "maxout")
        if costs is not None and "maxout" in costs:
            cost = MESSAGES("maxout_cost", lang=lang, cost=cost)
        row(MESSAGES("maxout_name", lang=lang), MAXOUT_FORMULA, r"(-\infty, \infty)",
            registry.latex_in(MAXOUT_DERIVATIVE, lang), cost,
            MESSAGES("maxout_strengths", lang=lang), MESSAGES("maxout_weaknesses", lang=lang))
    return "\n".join(lines)


def show_summary(costs: Costs | Mapping[str, float] | None = None, lang: str | None = None):
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
