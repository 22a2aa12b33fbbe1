r"""ex04 (after chapter 6): a stable softmax and log-softmax along an axis.

The student writes ``softmax(x, axis=-1)`` and ``log_softmax(x, axis=-1)``: any number of
dimensions, the result has ``x``'s shape and float dtype, the reduction runs along ``axis`` only,
the maximum along ``axis`` is subtracted first (no overflow for (1000, 1001, 1002)), entries of
``-inf`` get probability 0 (log-probability -inf), and log_softmax is computed without taking the
log of a softmax (which gives log(0) = -inf for (0, -1000)).

What the notebook warns against is checked publicly: rows of very different scale in one array
(a global maximum underflows the row near 0 to 0/0) for both functions, and a spread of 1000 for
log_softmax (log(softmax(x)) gives log(0)).

References: :mod:`actlab.softmax`. Hidden cases: other shapes and axes (negative ones too), rows
and columns of very different scale, -inf entries, float32 (where exp overflows past 88), a single
class, a spread of 1000 with a random third logit.
"""
from __future__ import annotations

import numpy as np

from ..softmax import log_softmax as _log_softmax, softmax as _softmax
from .cases import Case

SLUG = "ex04_softmax"
FUNCTIONS = ("softmax", "log_softmax")
TITLE = {"ko": "안정적인 소프트맥스", "en": "A stable softmax"}

REFERENCE = {"softmax": _softmax, "log_softmax": _log_softmax}
HINTS = {
    "softmax": {"ko": "axis를 따라 최댓값을 빼고(np.max(x, axis=axis, keepdims=True)) 지수를 취한 뒤, "
                      "같은 axis를 따라 합으로 나누세요. keepdims=True가 있어야 모양이 맞습니다.",
                "en": "subtract the maximum along axis (np.max(x, axis=axis, keepdims=True)), exponentiate, "
                      "divide by the sum along the same axis; keepdims=True makes the shapes line up."},
    "log_softmax": {"ko": "z = x - max(x)로 두면 log_softmax = z - log(sum(exp(z)))입니다. "
                          "np.log(softmax(x))는 아주 작은 확률이 0으로 반올림되어 -inf가 됩니다.",
                    "en": "with z = x - max(x), log_softmax = z - log(sum(exp(z))); np.log(softmax(x)) rounds "
                          "tiny probabilities to 0 and gives -inf."},
}


#: Hints for the two mistakes the notebook warns against, shown by the public checks that catch them.
GLOBAL_MAX_HINT = {
    "ko": "한 행은 0 근처, 다른 행은 1000 근처입니다. np.max(x)는 배열 전체의 최댓값이라 첫 행의 지수가 모두 "
          "0으로 언더플로됩니다. np.max(x, axis=axis, keepdims=True)로 축을 따라 구한 최댓값을 빼세요.",
    "en": "one row sits near 0 and the other near 1000. np.max(x) is the maximum of the whole array, so every "
          "exponential of the first row underflows to 0; subtract np.max(x, axis=axis, keepdims=True) instead.",
}
LOG_OF_SOFTMAX_HINT = {
    "ko": "(0, -1000)의 두 번째 확률 e^-1000은 0으로 반올림되어 np.log(softmax(x))는 log(0)이 됩니다. "
          "z = x - max(x)로 두고 z - log(sum(exp(z)))를 계산하세요.",
    "en": "the second probability of (0, -1000), e^-1000, rounds to 0, so np.log(softmax(x)) takes log(0); "
          "with z = x - max(x), compute z - log(sum(exp(z))).",
}


def case(name, function, x, axis=None, points=1.0, hint=None):
    arr = np.asarray(x)
    args = (x,) if axis is None else (x, axis)
    expected = REFERENCE[function](arr.astype(np.float64), axis=-1 if axis is None else axis).astype(arr.dtype)
    float32 = arr.dtype == np.float32
    if function == "softmax":
        rtol, atol = (1e-5, 1e-7) if float32 else (1e-7, 1e-12)
    else:  # log-probabilities reach -1000 and beyond: a relative tolerance with a small floor
        rtol, atol = (1e-5, 1e-5) if float32 else (1e-9, 1e-10)
    return Case(f"{function}/{name}", function, args, expected, points=points, arg_names=("x", "axis"),
                rtol=rtol, atol=atol, check_dtype=True, hint=hint or HINTS[function])


def public_cases() -> list[Case]:
    example = np.array([0.0, 1.0, 2.0])
    table = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, 0.0, 1.0], [2.0, 2.0, 2.0, 2.0]])
    large = np.array([1000.0, 1001.0, 1002.0])
    scales = np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])  # the maximum must be taken per row
    return [
        case("example-0-1-2", "softmax", example),
        case("rows-sum-to-1", "softmax", table),
        case("axis=0", "softmax", table, 0),
        case("stability-1000", "softmax", large),
        case("rows-of-different-scale", "softmax", scales, hint=GLOBAL_MAX_HINT),
        case("float32", "softmax", np.array([[0.5, 1.5, -1.0]], np.float32)),
        case("example-0-1-2", "log_softmax", example),
        case("axis=0", "log_softmax", table, 0),
        case("stability-1000", "log_softmax", large),
        case("rows-of-different-scale", "log_softmax", scales, hint=GLOBAL_MAX_HINT),
        case("spread-1000", "log_softmax", np.array([0.0, -1000.0]), hint=LOG_OF_SOFTMAX_HINT),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for f in FUNCTIONS:
        shape = tuple(int(s) for s in rng.integers(2, 5, size=3))
        x = 2 * rng.normal(size=shape)
        axis = int(rng.choice([0, 1, -2]))
        cases.append(case(f"hidden-3d-axis={axis}", f, x, axis, points=2))
        cases.append(case("hidden-3d-default-axis", f, 2 * rng.normal(size=shape)))
        scales = np.array([[0.0], [1000.0], [-1000.0], [500.0]])
        cases.append(case("hidden-rows-of-different-scale", f, scales + rng.normal(size=(4, 3)), points=2))
        cases.append(case("hidden-columns-of-different-scale", f, (scales + rng.normal(size=(4, 3))).T, 0, points=1))
        with_inf = rng.normal(size=(3, 4))
        with_inf[0, 1] = with_inf[2, 0] = with_inf[2, 3] = -np.inf
        cases.append(case("hidden-minus-inf", f, with_inf, points=2))
        cases.append(case("hidden-float32-large", f, (100 + 5 * rng.normal(size=(2, 5))).astype(np.float32), points=2))
        cases.append(case("hidden-one-class", f, rng.normal(size=(5, 1))))
        cases.append(case("hidden-1000-spread", f, np.array([0.0, -1000.0, rng.normal()]), points=2))
    return cases
