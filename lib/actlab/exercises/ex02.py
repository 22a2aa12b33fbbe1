r"""ex02 (after chapter 3): sigmoid, tanh and their derivatives, stable for large inputs and accurate in the tails.

The student writes ``sigmoid``, ``sigmoid_derivative``, ``tanh``, ``tanh_derivative``: elementwise,
any shape (a Python float too), the input's float dtype kept (float32 in, float32 out), and no
overflow anywhere: the calls run with NumPy's overflow raised, so ``1 / (1 + np.exp(-x))`` fails
at ``x = -1000`` even though its value there is right.

The notebook also warns about lost accuracy, and the checks hold the code to it with a relative
tolerance (no absolute one) where the values are tiny:

* ``s * (1 - s)`` is exactly 0 once ``s`` rounds to 1 (float64: ``x >= 37``; the true value at 40 is
  4.2e-18) and 6 % off at ``x = 16`` in float32: the ``tails`` cases;
* ``(1 - e) / (1 + e)`` with ``e = exp(-2|x|)`` (and ``2 sigmoid(2x) - 1``) cancels near 0 (3e-5 relative
  at float32 ``x = 1e-4``): the ``near-zero`` cases;
* ``1 - tanh(x)**2`` is 0 for large ``|x|``: the ``tails`` cases of ``tanh_derivative``.

Each is a case of its own, with its points and a hint that names the mistake, so such code gets
partial credit and learns why.

References: :mod:`actlab.activations` (the trusted side).
Hidden cases: random values of other shapes, a Python float, extremes (±1000, ±710, ±100, ±30),
float32 (also at the extremes), tiny inputs for tanh, and the tails and near-zero inputs above at
other values, in float64 and float32.
"""
from __future__ import annotations

import numpy as np

from .. import activations as A
from .cases import Case

SLUG = "ex02_sigmoid_tanh"
FUNCTIONS = ("sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative")
TITLE = {"ko": "시그모이드와 tanh", "en": "Sigmoid and tanh"}

REFERENCE = {
    "sigmoid": A.sigmoid, "sigmoid_derivative": A.sigmoid_derivative,
    "tanh": A.tanh, "tanh_derivative": A.tanh_derivative,
}
HINTS = {
    "sigmoid": {"ko": "x < 0에서 np.exp(-x)는 오버플로가 납니다. e^{-|x|}만 계산하면 어느 쪽에서도 넘치지 않습니다: "
                      "x >= 0이면 1/(1+e^{-|x|}), x < 0이면 e^{-|x|}/(1+e^{-|x|}).",
                "en": "np.exp(-x) overflows for x < 0. Compute only e^{-|x|}, which never overflows: "
                      "1/(1+e^{-|x|}) for x >= 0 and e^{-|x|}/(1+e^{-|x|}) for x < 0."},
    "sigmoid_derivative": {"ko": "σ'(x) = σ(x)(1 - σ(x)) = e/(1+e)², e = e^{-|x|}입니다. e^{-|x|}만 계산하면 오버플로가 없습니다.",
                           "en": "σ'(x) = σ(x)(1 - σ(x)) = e/(1+e)² with e = e^{-|x|}; computing only e^{-|x|} never overflows."},
    "tanh": {"ko": "tanh(x) = 2σ(2x) - 1을 쓰거나, e^{-2|x|}만 계산해 부호를 붙이세요. "
                   "(e^x - e^{-x})/(e^x + e^{-x})는 |x|가 크면 inf/inf = NaN이 됩니다.",
             "en": "use tanh(x) = 2σ(2x) - 1, or compute only e^{-2|x|} and restore the sign; "
                   "(e^x - e^{-x})/(e^x + e^{-x}) is inf/inf = NaN for large |x|."},
    "tanh_derivative": {"ko": "tanh'(x) = 1 - tanh²(x) = 4e/(1+e)², e = e^{-2|x|}입니다.",
                        "en": "tanh'(x) = 1 - tanh²(x) = 4e/(1+e)² with e = e^{-2|x|}."},
}
#: Hints for the accuracy cases: they name the mistake that fails them.
ACCURACY_HINTS = {
    "sigmoid_derivative": {
        "ko": "양 끝에서 값이 틀립니다. s * (1 - s)는 s가 1로 반올림되면 0이 됩니다(float64에서 x >= 37, float32에서는 "
              "x = 16에서 이미 6 % 틀림). 참값은 아주 작지만 0이 아닙니다. e = e^{-|x|}로 σ'(x) = e/(1+e)²를 계산하세요.",
        "en": "wrong in the tails: s * (1 - s) is 0 once s rounds to 1 (float64: x >= 37; float32: already 6 % off at "
              "x = 16), while the true value is tiny but not 0. Compute σ'(x) = e/(1+e)² with e = e^{-|x|}."},
    "tanh": {
        "ko": "0 근처에서 자릿수를 잃습니다. e = e^{-2|x|}가 1에 가까우면 (1 - e)/(1 + e)의 1 - e(2σ(2x) - 1도 마찬가지)에서 "
              "유효 숫자가 사라집니다. m = np.expm1(-2|x|)로 tanh(|x|) = -m/(2 + m)을 계산하세요.",
        "en": "digits lost near 0: when e = e^{-2|x|} is close to 1, 1 - e in (1 - e)/(1 + e) (and 2σ(2x) - 1 likewise) "
              "cancels. Take m = np.expm1(-2|x|) and tanh(|x|) = -m/(2 + m)."},
    "tanh_derivative": {
        "ko": "|x|가 큰 곳에서 값이 틀립니다. 1 - tanh²(x)는 tanh(x)가 ±1로 반올림되면 0이 되지만 참값은 0이 아닙니다. "
              "e = e^{-2|x|}로 4e/(1+e)²를 계산하세요.",
        "en": "wrong for large |x|: 1 - tanh²(x) is 0 once tanh(x) rounds to ±1, while the true value is not 0. "
              "Compute 4e/(1+e)² with e = e^{-2|x|}."},
}


def _expected(function, x):
    """The trusted value, computed in float64 and rounded to the input's dtype."""
    arr = np.asarray(x)
    out = REFERENCE[function](arr.astype(np.float64))
    if isinstance(x, float):
        return np.float64(out)
    return np.asarray(out).astype(arr.dtype)


def case(id, function, x, points=1.0):
    """A case with the usual tolerance: relative, plus an absolute floor (1e-12; 1e-6 in float32)."""
    arr = np.asarray(x)
    float32 = arr.dtype == np.float32
    return Case(f"{function}/{id}", function, (x,), _expected(function, x), points=points, arg_names=("x",),
                rtol=1e-5 if float32 else 1e-7, atol=1e-6 if float32 else 1e-12,
                check_dtype=not isinstance(x, float), hint=HINTS[function])


def accuracy_case(id, function, x, points=1.0):
    """A case on tiny values: a relative tolerance only, and the hint that names the lost accuracy."""
    arr = np.asarray(x)
    float32 = arr.dtype == np.float32
    return Case(f"{function}/{id}", function, (x,), _expected(function, x), points=points, arg_names=("x",),
                rtol=1e-4 if float32 else 1e-6, atol=0.0, check_dtype=True, hint=ACCURACY_HINTS[function])


def public_cases() -> list[Case]:
    values = np.array([-4.0, -1.0, 0.0, 0.5, 2.0, 6.0])
    large = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    return [
        case("values", "sigmoid", values),
        case("large-inputs", "sigmoid", large),
        case("float32", "sigmoid", np.array([-3.0, 0.0, 3.0], np.float32)),
        case("matrix", "sigmoid", np.array([[-1.0, 0.0, 1.0], [2.0, -2.0, 0.25]])),
        case("values", "sigmoid_derivative", values),
        accuracy_case("tails", "sigmoid_derivative", np.array([-40.0, 37.0, 40.0, 100.0])),
        case("values", "tanh", values),
        case("large-inputs", "tanh", large),
        accuracy_case("near-zero-float32", "tanh", np.array([1e-4, -1e-4, 3e-4], np.float32)),
        case("values", "tanh_derivative", values),
        accuracy_case("tails", "tanh_derivative", np.array([-20.0, 20.0, 40.0])),
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

    def signed(magnitudes):
        magnitudes = np.asarray(magnitudes, dtype=float)
        return rng.choice([-1.0, 1.0], size=magnitudes.size) * magnitudes * (1 + 0.1 * rng.random(magnitudes.size))

    # the tails and near-zero inputs, relative tolerance only (the values stay normal numbers in each dtype)
    cases.append(accuracy_case("hidden-tails", "sigmoid_derivative", signed([37, 45, 60, 100, 300, 600]), points=2))
    cases.append(accuracy_case("hidden-float32-tails", "sigmoid_derivative",
                               signed([16, 20, 30, 50, 70]).astype(np.float32), points=2))
    cases.append(accuracy_case("hidden-near-zero", "tanh", signed([1e-14, 1e-12, 1e-10, 1e-8, 1e-6]), points=2))
    cases.append(accuracy_case("hidden-float32-near-zero", "tanh", signed([1e-6, 1e-4, 3e-4, 1e-3]).astype(np.float32),
                               points=2))
    cases.append(accuracy_case("hidden-tails", "tanh_derivative", signed([20, 30, 100, 300]), points=2))
    cases.append(accuracy_case("hidden-float32-tails", "tanh_derivative",
                               signed([9, 12, 20, 40]).astype(np.float32), points=2))
    return cases
