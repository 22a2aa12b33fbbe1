"""The course's summary table of every activation, generated from the registry in either language.

>>> from actlab.summary import summary_table
>>> print(summary_table(lang="en", names=["relu"]).splitlines()[0])
| Function | Formula | Range | Derivative | Relative cost | Strengths | Weaknesses |
"""
from __future__ import annotations

import timeit

import numpy as np

from ._validate import check_int
from .i18n import Messages, get_language
from .registry import ACTIVATIONS
from .softmax import softmax

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
})

SOFTMAX_FORMULA = r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_k e^{x_k}}"
SOFTMAX_DERIVATIVE = r"\frac{\partial s_i}{\partial x_j} = s_i(\delta_{ij} - s_j)"


def measure_costs(names=None, n: int = 200_000, repeat: int = 5, seed: int = 0) -> dict[str, float]:
    """Time each activation on ``n`` float64 values; return its best time relative to ReLU's.

    Timings depend on the machine: notebooks show them in cells marked volatile.
    """
    n = check_int("n", n)
    repeat = check_int("repeat", repeat)
    names = list(ACTIVATIONS) if names is None else list(names)
    x = np.random.default_rng(seed).standard_normal(n) * 4
    rows = x.reshape(-1, 100) if n % 100 == 0 else x.reshape(1, -1)

    def best(call):
        return min(timeit.repeat(call, number=3, repeat=repeat)) / 3

    base = best(lambda: ACTIVATIONS["relu"].fn(x))
    costs = {name: best(lambda e=ACTIVATIONS[name]: e.fn(x)) / base for name in names}
    costs["softmax"] = best(lambda: softmax(rows)) / base
    return costs


def _cost_cell(costs, name):
    if costs is None or name not in costs:
        return MESSAGES("not_measured")
    return f"{costs[name]:.1f}×"


def summary_table(lang: str | None = None, names=None, costs: dict[str, float] | None = None) -> str:
    """A Markdown table: function, formula, range, derivative, relative cost, strengths, weaknesses.

    ``costs`` is what :func:`measure_costs` returns (``None`` leaves the cost column empty);
    ``names`` selects registry entries (default: all, plus softmax as the last row).
    """
    lang = lang or get_language()
    cols = ["function", "formula", "range", "derivative", "cost", "strengths", "weaknesses"]
    lines = ["| " + " | ".join(MESSAGES(c, lang=lang) for c in cols) + " |",
             "|" + " --- |" * len(cols)]
    selected = list(ACTIVATIONS) if names is None else list(names)
    for name in selected:
        e = ACTIVATIONS[name]
        cells = [e.label(lang), f"${e.formula}$", f"${e.range_latex}$", f"${e.derivative_formula}$",
                 _cost_cell(costs, name), e.strengths[lang], e.weaknesses[lang]]
        lines.append("| " + " | ".join(c.replace("|", r"\|") for c in cells) + " |")
    if names is None:
        cells = [MESSAGES("softmax_name", lang=lang), f"${SOFTMAX_FORMULA}$", "$(0, 1)$",
                 f"${SOFTMAX_DERIVATIVE}$", _cost_cell(costs, "softmax"),
                 MESSAGES("softmax_strengths", lang=lang), MESSAGES("softmax_weaknesses", lang=lang)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_summary(costs: dict[str, float] | None = None, lang: str | None = None):
    """Display :func:`summary_table` as rendered Markdown in a notebook (math included)."""
    from IPython.display import Markdown, display

    display(Markdown(summary_table(lang=lang, costs=costs)))
