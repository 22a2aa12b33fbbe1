r"""ex06 (after chapter 8): a Maxout unit, and weights that turn it into ReLU, Leaky ReLU and |x|.

The student writes

* ``maxout_unit(x, W, b)``: :math:`\max_j (W_j \cdot x + b_j)` for ``x`` of shape ``(n,)`` or
  ``(..., n)``, ``W`` of shape ``(k, n)``, ``b`` of shape ``(k,)``; the result has shape ``(...)``;
* ``maxout_winner(x, W, b)``: the index of the winning piece (the one the gradient flows into),
  ties going to the lowest index;
* ``relu_weights()``, ``abs_weights()``, ``leaky_relu_weights(alpha)``: a pair ``(W, b)`` with
  ``W`` of shape ``(k, 1)`` and ``b`` of shape ``(k,)`` such that the Maxout unit of a scalar
  input equals ReLU, |x| and Leaky ReLU with slope ``alpha`` (0 <= alpha <= 1).

The weight functions are checked by behaviour: the Maxout unit they define is evaluated on probe
inputs (public: -3..3; hidden: random, large) against the target function.
Hidden cases: other k and n, 3-d batches, k = 1, ties, other alphas, large probes.
"""
from __future__ import annotations

import numpy as np

from .cases import Case, format_value

SLUG = "ex06_maxout"
FUNCTIONS = ("maxout_unit", "maxout_winner", "relu_weights", "abs_weights", "leaky_relu_weights")
TITLE = {"ko": "맥스아웃", "en": "Maxout"}

HINTS = {
    "maxout_unit": {"ko": "z = x @ W.T + b는 모양이 (..., k)인 조각별 값입니다. 마지막 축을 따라 최댓값을 구하세요.",
                    "en": "z = x @ W.T + b holds the k pieces along the last axis; take the maximum over that axis."},
    "maxout_winner": {"ko": "np.argmax(z, axis=-1)은 값이 같으면 가장 앞의 인덱스를 고릅니다. 기울기는 이 조각으로만 흐릅니다.",
                      "en": "np.argmax(z, axis=-1) returns the first index on ties; the gradient flows into that piece only."},
    "relu_weights": {"ko": "ReLU(x) = max(x, 0)입니다. 조각 하나는 1·x + 0, 다른 하나는 0·x + 0입니다.",
                     "en": "ReLU(x) = max(x, 0): one piece 1·x + 0, another 0·x + 0."},
    "abs_weights": {"ko": "|x| = max(x, -x)입니다.", "en": "|x| = max(x, -x)."},
    "leaky_relu_weights": {"ko": "0 <= alpha <= 1이면 Leaky ReLU(x) = max(x, alpha·x)입니다. alpha 인자를 쓰세요.",
                           "en": "for 0 <= alpha <= 1, Leaky ReLU(x) = max(x, alpha·x); use the alpha argument."},
}
WEIGHTS = {
    "shape": {"ko": "(W, b)를 돌려주어야 합니다. W의 모양은 (k, 1), b의 모양은 (k,)이고 k >= 1입니다.",
              "en": "must return (W, b) with W of shape (k, 1) and b of shape (k,), k >= 1."},
    "values": {"ko": "이 가중치로 만든 맥스아웃 유닛이 입력 {x}에서 {actual}을(를) 냅니다. 목표 함수의 값은 {expected}입니다.",
               "en": "the Maxout unit with these weights gives {actual} at input {x}; the target function gives {expected}."},
}
TARGETS = {
    "relu_weights": lambda x: np.maximum(x, 0),
    "abs_weights": np.abs,
    "leaky_relu_weights": lambda x, alpha: np.where(x > 0, x, alpha * x),
}


def _maxout(x, W, b):
    return np.max(x @ W.T + b, axis=-1)


def unit_case(name, function, x, W, b, points=1.0):
    z = x @ W.T + b
    expected = np.max(z, axis=-1) if function == "maxout_unit" else np.argmax(z, axis=-1)
    return Case(f"{function}/{name}", function, (x, W, b), expected, points=points, arg_names=("x", "W", "b"),
                rtol=1e-9, atol=1e-12, exact=function == "maxout_winner", hint=HINTS[function])


def weights_case(name, function, probes, *alpha, points=1.0):
    """The returned (W, b) must make the Maxout unit equal the target on ``probes``."""
    probes = np.asarray(probes, dtype=np.float64)
    target = TARGETS[function](probes, *alpha)

    def checker(case, actual):
        W, b = _as_weights(actual)
        if W is None:
            return case.failure({lang: WEIGHTS["shape"][lang].format(got=format_value(actual)) for lang in ("ko", "en")},
                                show={"actual": format_value(actual)})
        with np.errstate(all="ignore"):
            got = _maxout(probes[:, None], W, b)
            bad = ~(np.abs(got - target) <= case.atol + case.rtol * np.abs(target))
        if not bad.any():
            return case.success()
        i = int(np.argmax(bad))
        problem = {lang: WEIGHTS["values"][lang].format(x=format_value(float(probes[i])), actual=format_value(float(got[i])),
                                                        expected=format_value(float(target[i]))) for lang in ("ko", "en")}
        return case.failure(problem, inputs={"x": probes},
                            show={"expected": format_value(target), "actual": format_value(got)}, tolerance=True)

    return Case(f"{function}/{name}", function, tuple(alpha), None, points=points, arg_names=("alpha",),
                checker=checker, hint=HINTS[function], rtol=1e-9, atol=1e-9)


def _as_weights(actual):
    """(W, b) as float arrays of shapes (k, 1) and (k,), or (None, None) if they are not that."""
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        return None, None
    try:
        W = np.asarray(actual[0], dtype=np.float64)
        b = np.asarray(actual[1], dtype=np.float64)
    except (TypeError, ValueError):
        return None, None
    if W.ndim != 2 or W.shape[1] != 1 or W.shape[0] < 1 or b.shape != (W.shape[0],):
        return None, None
    return W, b


def public_cases() -> list[Case]:
    W = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    b = np.array([0.0, 0.5, -1.0])
    x_batch = np.array([[1.0, -2.0], [-1.0, 0.0], [2.0, 3.0], [-3.0, -1.0]])
    probes = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    return [
        unit_case("vector", "maxout_unit", np.array([1.0, -2.0]), W, b),
        unit_case("batch", "maxout_unit", x_batch, W, b),
        unit_case("vector", "maxout_winner", np.array([1.0, -2.0]), W, b),
        unit_case("batch", "maxout_winner", x_batch, W, b),
        weights_case("probes", "relu_weights", probes),
        weights_case("probes", "abs_weights", probes),
        weights_case("alpha=0.1", "leaky_relu_weights", probes, 0.1),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    n, k = (int(v) for v in rng.integers(2, 6, size=2))
    W, b = rng.normal(size=(k, n)), rng.normal(size=k)
    cases = []
    for f in ("maxout_unit", "maxout_winner"):
        cases.append(unit_case("hidden-random-vector", f, rng.normal(size=n), W, b))
        cases.append(unit_case("hidden-3d-batch", f, rng.normal(size=(2, 3, n)), W, b, points=2))
        cases.append(unit_case("hidden-one-piece", f, rng.normal(size=(4, n)), W[:1], b[:1]))
    # ties: two identical pieces, and x = 0 with equal biases; the first of the tied pieces wins
    Wt = np.vstack([W[:1], W[:1], W[1:]])
    bt = np.concatenate([[b[0]], [b[0]], b[1:] - 100])
    cases.append(unit_case("hidden-ties", "maxout_winner", rng.normal(size=(6, n)), Wt, bt, points=2))
    cases.append(unit_case("hidden-zero-input-ties", "maxout_winner", np.zeros((2, n)), W, np.full(k, 0.5), points=2))
    cases.append(unit_case("hidden-ties", "maxout_unit", rng.normal(size=(6, n)), Wt, bt))
    probes = np.concatenate([10 * rng.normal(size=8), [-1e3, 1e3, 0.0]])
    cases.append(weights_case("hidden-probes", "relu_weights", probes))
    cases.append(weights_case("hidden-probes", "abs_weights", probes))
    for i, alpha in enumerate([float(np.round(rng.uniform(0.01, 0.5), 3)), 0.0, 1.0]):
        cases.append(weights_case(f"hidden-alpha={alpha}", "leaky_relu_weights", probes, alpha, points=2 if i == 0 else 1))
    return cases
