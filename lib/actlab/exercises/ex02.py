r"""ex02 (after chapter 3): sigmoid, tanh and their derivatives, stable for large inputs.

The student writes ``sigmoid``, ``sigmoid_derivative``, ``tanh``, ``tanh_derivative``: elementwise,
any shape (a Python float too), the input's float dtype kept (float32 in, float32 out), and no
overflow anywhere: the calls run with NumPy's overflow raised, so ``1 / (1 + np.exp(-x))`` fails
at ``x = -1000`` even though its value there is right.

References: :mod:`actlab.activations` (the trusted side).
Hidden cases: random values of other shapes, a Python float, extremes (±1000, ±710, ±100, ±30),
float32 (also at the extremes), tiny inputs (1e-8) for tanh.
"""
from __future__ import annotations

import numpy as np

from .. import activations as A
from .cases import Case

SLUG = "ex02_sigmoid_tanh"
FUNCTIONS = ("sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative")
TITLE = {"ko": "시그모이드와 하이퍼볼릭 탄젠트", "en": "Sigmoid and tanh"}

REFERENCE = {
    "sigmoid": A.sigmoid, "sigmoid_derivative": A.sigmoid_derivative,
    "tanh": A.tanh, "tanh_derivative": A.tanh_derivative,
}
HINTS = {
    "sigmoid": {"ko": "x < 0에서 np.exp(-x)는 오버플로가 납니다. e^{-|x|}만 계산하면 어느 쪽에서도 넘치지 않습니다: "
                      "x >= 0이면 1/(1+e^{-|x|}), x < 0이면 e^{-|x|}/(1+e^{-|x|}).",
                "en": "np.exp(-x) overflows for x < 0. Compute only e^{-|x|}, which never overflows: "
                      "1/(1+e^{-|x|}) for x >= 0 and e^{-|x|}/(1+e^{-|x|}) for x < 0."},
    "sigmoid_derivative": {"ko": "σ'(x) = σ(x)(1 - σ(x))입니다. 안정적인 sigmoid를 재사용하세요.",
                           "en": "σ'(x) = σ(x)(1 - σ(x)); reuse your stable sigmoid."},
    "tanh": {"ko": "tanh(x) = 2σ(2x) - 1을 쓰거나, e^{-2|x|}만 계산해 부호를 붙이세요. "
                   "(e^x - e^{-x})/(e^x + e^{-x})는 |x|가 크면 inf/inf = NaN이 됩니다.",
             "en": "use tanh(x) = 2σ(2x) - 1, or compute only e^{-2|x|} and restore the sign; "
                   "(e^x - e^{-x})/(e^x + e^{-x}) is inf/inf = NaN for large |x|."},
    "tanh_derivative": {"ko": "tanh'(x) = 1 - tanh²(x)입니다. 안정적인 tanh를 재사용하세요.",
                        "en": "tanh'(x) = 1 - tanh²(x); reuse your stable tanh."},
}


def _expected(function, x):
    """The trusted value, computed in float64 and rounded to the input's dtype."""
    arr = np.asarray(x)
    out = REFERENCE[function](arr.astype(np.float64))
    if isinstance(x, float):
        return np.float64(out)
    return np.asarray(out).astype(arr.dtype)


def case(id, function, x, points=1.0):
    arr = np.asarray(x)
    float32 = arr.dtype == np.float32
    return Case(f"{function}/{id}", function, (x,), _expected(function, x), points=points, arg_names=("x",),
                rtol=1e-5 if float32 else 1e-7, atol=1e-6 if float32 else 1e-12,
                check_dtype=not isinstance(x, float), hint=HINTS[function])


def public_cases() -> list[Case]:
    values = np.array([-4.0, -1.0, 0.0, 0.5, 2.0, 6.0])
    large = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    return [
        case("values", "sigmoid", values),
        case("large-inputs", "sigmoid", large),
        case("float32", "sigmoid", np.array([-3.0, 0.0, 3.0], np.float32)),
        case("matrix", "sigmoid", np.array([[-1.0, 0.0, 1.0], [2.0, -2.0, 0.25]])),
        case("values", "sigmoid_derivative", values),
        case("values", "tanh", values),
        case("large-inputs", "tanh", large),
        case("values", "tanh_derivative", values),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for f in FUNCTIONS:
        shape = tuple(int(s) for s in rng.integers(2, 5, size=int(rng.integers(2, 4))))
        cases.append(case("hidden-random", f, 3 * rng.normal(size=shape)))
        cases.append(case("hidden-python-float", f, float(np.round(rng.normal(), 3))))
        signs = rng.permutation(np.array([-1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0]))
        extremes = signs * np.array([1000.0, 1000.0, 710.0, 710.0, 100.0, 100.0, 30.0, 30.0])
        cases.append(case("hidden-extremes", f, extremes * (1 + 0.1 * rng.random(8)), points=2))
        cases.append(case("hidden-float32", f, (4 * rng.normal(size=7)).astype(np.float32)))
        cases.append(case("hidden-float32-extremes", f, np.array([-1000.0, -90.0, 0.0, 90.0, 1000.0], np.float32)))
    cases.append(case("hidden-tiny", "tanh", np.array([1e-8, -3e-9, 0.0]) * (1 + rng.random(3))))
    return cases
