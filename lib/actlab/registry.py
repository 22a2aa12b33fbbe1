r"""The registry: one entry per elementwise activation, the single list the course iterates over.

``ACTIVATIONS[name]`` has ``fn(x, **params)``, ``derivative(x, **params)``, ``name_ko``,
``name_en``, ``formula`` and ``derivative_formula`` (LaTeX), ``defaults`` (the parameters and their
default values, exactly the function's keyword defaults), ``output_range`` (low, high for the
defaults; closed bounds that every output lies within; the minima of GELU, SiLU and Mish are given
to 13 digits, rounded down; a test checks every bound against SciPy's optimiser), and
one-line ``strengths`` / ``weaknesses`` in both languages. The formulas are written once; the words
inside their ``\text{...}`` are English, and :meth:`Activation.formula_in` (or :func:`latex_in`) gives them
in the notebook's language. Entries read as attributes or as keys
(``entry.fn`` or ``entry["fn"]``). softmax, log_softmax and maxout are not elementwise; they live
beside the registry in :mod:`actlab.softmax` and :mod:`actlab.maxout`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

from . import activations as A
from .i18n import get_language, check_language

__all__ = ["Activation", "ACTIVATIONS", "get", "latex_in"]

INF = math.inf

#: The words the formulas write in ``\text{...}``, in Korean. One table, so that the Korean formulas of
#: the registry and of chapter 10's table (softmax, Maxout) say the same thing the same way.
_LATEX_TEXT_KO = {
    r"\text{otherwise}": r"\text{그 외}",
    r"(\alpha \text{ learned})": r"(\alpha\text{는 학습})",
    r"j \text{ wins}": r"j\text{가 최대일 때}",
}


def latex_in(latex: str, lang: str | None = None) -> str:
    r"""``latex`` with the words of its ``\text{...}`` in ``lang`` (default: the active language).

    >>> latex_in(r"0 & \text{otherwise}", "ko")
    '0 & \\text{그 외}'
    >>> latex_in(r"0 & \text{otherwise}", "en")
    '0 & \\text{otherwise}'
    """
    if check_language(lang or get_language()) == "en":
        return latex
    for en, ko in _LATEX_TEXT_KO.items():
        latex = latex.replace(en, ko)
    return latex


@dataclass(frozen=True)
class Activation:
    """One registry entry: the function, its derivative, names, formulas, range and advice (see the module docstring)."""

    name: str
    fn: Callable
    derivative: Callable
    name_ko: str
    name_en: str
    formula: str
    derivative_formula: str
    output_range: tuple[float, float]
    range_latex: str
    strengths: Mapping[str, str]
    weaknesses: Mapping[str, str]
    defaults: Mapping[str, object] = field(default_factory=dict)
    smooth: bool = False
    kind: str = "elementwise"

    def __getitem__(self, key):
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def label(self, lang: str | None = None) -> str:
        """The display name in ``lang`` (default: the active language)."""
        return self.name_ko if check_language(lang or get_language()) == "ko" else self.name_en

    def formula_in(self, lang: str | None = None) -> str:
        """``formula`` with its words in ``lang`` (default: the active language); see :func:`latex_in`."""
        return latex_in(self.formula, lang)

    def derivative_formula_in(self, lang: str | None = None) -> str:
        """``derivative_formula`` with its words in ``lang`` (default: the active language)."""
        return latex_in(self.derivative_formula, lang)

    def __call__(self, x, **params):
        return self.fn(x, **params)


def _entry(name, name_ko, name_en, formula, derivative_formula, output_range, range_latex,
           strengths, weaknesses, defaults=None, smooth=False):
    return Activation(
        name=name, fn=getattr(A, name), derivative=getattr(A, name + "_derivative"),
        name_ko=name_ko, name_en=name_en, formula=formula, derivative_formula=derivative_formula,
        output_range=output_range, range_latex=range_latex,
        strengths=MappingProxyType(strengths), weaknesses=MappingProxyType(weaknesses),
        defaults=MappingProxyType(dict(defaults or {})), smooth=smooth,
    )


_ENTRIES = [
    _entry("identity", "항등 함수", "Identity",
           r"f(x) = x", r"f'(x) = 1", (-INF, INF), r"(-\infty, \infty)",
           {"ko": "회귀 출력층에 그대로 쓴다", "en": "the output layer for regression"},
           {"ko": "은닉층에 쓰면 층을 쌓아도 선형 모델이다", "en": "in hidden layers the network stays linear"},
           smooth=True),
    _entry("step", "계단 함수", "Step",
           r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", r"f'(x) = 0 \quad (x \ne 0)",
           (0.0, 1.0), r"\{0, 1\}",
           {"ko": "퍼셉트론의 출발점, 해석이 쉽다", "en": "the perceptron's original rule, easy to read"},
           {"ko": "도함수가 거의 모든 곳에서 0이라 경사 하강법으로 학습할 수 없다",
            "en": "its derivative is 0 almost everywhere, so gradient descent cannot train it"}),
    _entry("sigmoid", "시그모이드", "Sigmoid",
           r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))",
           (0.0, 1.0), r"(0, 1)",
           {"ko": "출력을 확률로 읽을 수 있어 이진 분류 출력층에 알맞다",
            "en": "reads as a probability: the output layer of binary classification"},
           {"ko": "도함수가 최대 0.25라 깊은 신경망에서 기울기가 소실되고, 출력이 0 중심이 아니다",
            "en": "derivative at most 0.25, so deep stacks vanish; outputs are not zero-centred"},
           smooth=True),
    _entry("tanh", "tanh", "Tanh",  # Korean texts write tanh (glossary.yml)
           r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", r"\tanh'(x) = 1 - \tanh^2(x)",
           (-1.0, 1.0), r"(-1, 1)",
           {"ko": "0 중심이고 원점에서 경사가 1이며, RNN에서 흔히 쓴다",
            "en": "zero-centred with slope 1 at 0; common in RNNs"},
           {"ko": "양쪽 포화 영역에서 기울기가 사라진다", "en": "gradients vanish in both saturation regions"},
           smooth=True),
    _entry("relu", "ReLU", "ReLU",
           r"\mathrm{ReLU}(x) = \max(0, x)", r"\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
           (0.0, INF), r"[0, \infty)",
           {"ko": "계산 비용이 작고 양수 쪽에서 포화하지 않아 은닉층의 기본값이다",
            "en": "cheap and non-saturating for positive inputs: the default for hidden layers"},
           {"ko": "음수 입력에서 기울기가 0이라 죽은 ReLU가 생길 수 있다",
            "en": "zero gradient for negative inputs: units can die"}),
    _entry("relu6", "ReLU6", "ReLU6",
           r"\mathrm{ReLU6}(x) = \min(\max(0, x), 6)",
           r"\mathrm{ReLU6}'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}",
           (0.0, 6.0), r"[0, 6]",
           {"ko": "출력이 유계라 저정밀도 연산(모바일)에 유리하다", "en": "bounded output suits low-precision (mobile) inference"},
           {"ko": "6을 넘으면 도함수가 0이다", "en": "zero gradient above 6 as well as below 0"}),
    _entry("leaky_relu", "Leaky ReLU", "Leaky ReLU",
           r"f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}",
           r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}",
           (-INF, INF), r"(-\infty, \infty)",
           {"ko": "음수 쪽에도 작은 경사가 있어 기울기가 0이 되지 않는다",
            "en": "a small slope on the negative side keeps the gradient nonzero"},
           {"ko": "α를 사람이 정해야 한다", "en": "alpha is one more hyperparameter"},
           defaults={"alpha": 0.01}),
    _entry("prelu", "PReLU", "PReLU",
           r"f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases} \quad (\alpha \text{ learned})",
           r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}",
           (-INF, INF), r"(-\infty, \infty)",
           {"ko": "음수 쪽 경사 α를 데이터에서 학습한다", "en": "learns the negative-side slope from data"},
           {"ko": "파라미터가 늘고 작은 데이터에서 과적합할 수 있다", "en": "extra parameters can overfit small data"},
           defaults={"alpha": 0.25}),
    _entry("elu", "ELU", "ELU",
           r"f(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
           r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}",
           (-1.0, INF), r"(-\alpha, \infty)",
           {"ko": "음수 쪽이 부드럽게 포화해 평균 출력이 0에 가까워진다",
            "en": "smooth negative saturation pushes mean outputs towards 0"},
           {"ko": "지수 함수 계산 비용이 든다", "en": "costs an exponential"},
           defaults={"alpha": 1.0}),
    _entry("selu", "SELU", "SELU",
           r"f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
           r"f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}",
           (-A.SELU_LAMBDA * A.SELU_ALPHA, INF), r"(-\lambda\alpha, \infty)",
           {"ko": "정해진 λ, α로 층을 지나도 평균 0, 분산 1을 유지한다(자기 정규화)",
            "en": "its fixed lambda and alpha keep mean 0 and variance 1 layer after layer (self-normalising)"},
           {"ko": "LeCun 초기화와 완전 연결층 같은 조건이 맞아야 효과가 있다",
            "en": "needs LeCun initialisation and plain dense layers to work as advertised"},
           smooth=False),
    _entry("celu", "CELU", "CELU",
           r"f(x) = \max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
           r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}",
           (-1.0, INF), r"(-\alpha, \infty)",
           {"ko": "어떤 α에서도 도함수가 연속이다", "en": "continuously differentiable for every alpha"},
           {"ko": "ELU와 거의 같아 쓰이는 곳이 드물다", "en": "rarely different enough from ELU to matter"},
           defaults={"alpha": 1.0}),
    _entry("gelu", "GELU", "GELU",
           r"\mathrm{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \mathrm{erf}\frac{x}{\sqrt{2}}\right)",
           r"\mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x)",
           (-0.1699712074800, INF), r"[\approx -0.17, \infty)",
           {"ko": "부드럽고 트랜스포머(BERT, GPT)의 표준이다", "en": "smooth; the standard in transformers (BERT, GPT)"},
           {"ko": "erf 계산이 비싸고 라이브러리마다 기본 근사가 다르다",
            "en": "erf is costly, and libraries differ on the default approximation"},
           defaults={"approximate": "none"}, smooth=True),
    _entry("silu", "SiLU", "SiLU",
           r"\mathrm{SiLU}(x) = x\,\sigma(x)", r"\mathrm{SiLU}'(x) = \sigma(x)\,(1 + x\,(1 - \sigma(x)))",
           (-0.2784645427611, INF), r"[\approx -0.28, \infty)",
           {"ko": "부드럽고 비단조적이며 최신 CNN과 LLM에서 쓴다", "en": "smooth, non-monotonic; used in modern CNNs and LLMs"},
           {"ko": "ReLU보다 계산이 비싸다", "en": "costlier than ReLU"},
           smooth=True),
    _entry("swish", "스위시", "Swish",
           r"\mathrm{swish}(x) = x\,\sigma(\beta x)",
           r"\mathrm{swish}'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))",
           (-0.2784645427611, INF), r"[\approx -0.28/\beta, \infty)",
           {"ko": "β로 선형(β→0)과 ReLU(β→∞) 사이를 잇는다", "en": "beta interpolates between linear (beta→0) and ReLU (beta→∞)"},
           {"ko": "β를 학습하거나 골라야 한다", "en": "beta must be chosen or learned"},
           defaults={"beta": 1.0}, smooth=True),
    _entry("mish", "Mish", "Mish",
           r"\mathrm{mish}(x) = x \tanh(\mathrm{softplus}(x))",
           r"\mathrm{mish}'(x) = \tanh(\mathrm{sp}(x)) + x\,\mathrm{sech}^2(\mathrm{sp}(x))\,\sigma(x)",
           (-0.3088434130173, INF), r"[\approx -0.31, \infty)",
           {"ko": "부드럽고 비단조적이며 일부 검출 모델(YOLOv4)에서 쓴다", "en": "smooth and non-monotonic; used in some detectors (YOLOv4)"},
           {"ko": "세 번의 초월 함수 계산으로 가장 비싼 편이다", "en": "three transcendental calls: among the costliest"},
           smooth=True),
    _entry("softplus", "소프트플러스", "Softplus",
           r"\mathrm{softplus}(x) = \frac{1}{\beta}\log(1 + e^{\beta x})", r"\mathrm{softplus}'(x) = \sigma(\beta x)",
           (0.0, INF), r"(0, \infty)",
           {"ko": "ReLU의 부드러운 형태이며 출력이 항상 양수다", "en": "a smooth ReLU with strictly positive output"},
           {"ko": "음수 입력에서 기울기가 작고 ReLU보다 계산 비용이 크다", "en": "small gradient for negative inputs; costlier than ReLU"},
           defaults={"beta": 1.0, "threshold": 20.0}, smooth=True),
    _entry("softsign", "소프트사인", "Softsign",
           r"\mathrm{softsign}(x) = \frac{x}{1 + |x|}", r"\mathrm{softsign}'(x) = \frac{1}{(1 + |x|)^2}",
           (-1.0, 1.0), r"(-1, 1)",
           {"ko": "tanh처럼 0 중심이지만 다항식 속도로 천천히 포화한다",
            "en": "zero-centred like tanh, but saturates polynomially, more slowly"},
           {"ko": "여전히 포화하며 널리 쓰이지 않는다", "en": "still saturates; little used"},
           smooth=False),
    _entry("hard_sigmoid", "하드 시그모이드", "Hard sigmoid",
           r"f(x) = \frac{\mathrm{ReLU6}(x + 3)}{6}",
           r"f'(x) = \begin{cases} 1/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}",
           (0.0, 1.0), r"[0, 1]",
           {"ko": "지수 함수 없이 시그모이드를 흉내 내 빠르다", "en": "imitates the sigmoid without an exponential"},
           {"ko": "구간 밖에서는 기울기가 정확히 0이다", "en": "exactly zero gradient outside (-3, 3)"}),
    _entry("hard_swish", "하드 스위시", "Hard swish",
           r"f(x) = x\,\frac{\mathrm{ReLU6}(x + 3)}{6}",
           r"f'(x) = \begin{cases} 0 & x < -3 \\ x/3 + 1/2 & -3 \le x \le 3 \\ 1 & x > 3 \end{cases}",
           (-0.375, INF), r"[-0.375, \infty)",
           {"ko": "모바일 모델(MobileNetV3)에서 스위시를 싸게 대신한다", "en": "a cheap swish for mobile models (MobileNetV3)"},
           {"ko": "x = ±3에서 도함수가 불연속이다", "en": "its derivative jumps at x = ±3"}),
    _entry("hard_tanh", "하드 tanh", "Hard tanh",
           r"f(x) = \min(\max(x, -1), 1)",
           r"f'(x) = \begin{cases} 1 & -1 < x < 1 \\ 0 & \text{otherwise} \end{cases}",
           (-1.0, 1.0), r"[-1, 1]",
           {"ko": "tanh보다 훨씬 싸다", "en": "far cheaper than tanh"},
           {"ko": "구간 밖에서는 기울기가 정확히 0이다", "en": "exactly zero gradient outside (-1, 1)"}),
    _entry("log_sigmoid", "로그 시그모이드", "Log-sigmoid",
           r"\log\sigma(x) = -\mathrm{softplus}(-x)", r"(\log\sigma)'(x) = \sigma(-x)",
           (-INF, 0.0), r"(-\infty, 0)",
           {"ko": "로짓에서 바로 계산하는 이진 교차 엔트로피의 재료이며 양쪽 꼬리에서 정확하다",
            "en": "the building block of binary cross-entropy from logits, accurate in both tails"},
           {"ko": "은닉층 활성화 함수로는 쓰지 않는다", "en": "not used as a hidden-layer activation"},
           smooth=True),
]

#: name -> :class:`Activation`, in the order the course introduces them. Read-only.
ACTIVATIONS: Mapping[str, Activation] = MappingProxyType({e.name: e for e in _ENTRIES})


def get(name: str, argument: str = "activation") -> Activation:
    """The entry ``ACTIVATIONS[name]``; an error naming ``argument`` and listing the valid names otherwise.

    Every function that takes an activation by name looks it up here, so a misspelt name reads the
    same everywhere.

    >>> get("relu").name_en
    'ReLU'
    >>> get("rleu", "hidden")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: hidden must be one of the names in actlab.ACTIVATIONS (identity, step, ...), got 'rleu'
    """
    if not isinstance(name, str):
        raise TypeError(f"{argument} must be the name of an activation (a str), got {type(name).__name__} {name!r:.40}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"{argument} must be one of the names in actlab.ACTIVATIONS "
                         f"({', '.join(ACTIVATIONS)}), got {name!r:.40}") from None
