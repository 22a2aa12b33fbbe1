r"""ex03 (after chapter 4): ReLU, Leaky ReLU, ELU, their derivatives, and the worked forward pass.

The student writes ``relu``, ``relu_derivative``, ``leaky_relu(x, alpha=0.01)``,
``leaky_relu_derivative(x, alpha=0.01)``, ``elu(x, alpha=1.0)``, ``elu_derivative(x, alpha=1.0)``
(elementwise, dtype kept, no overflow; at x = 0 the left branch: relu'(0) = 0, leaky'(0) = alpha,
elu'(0) = alpha) and ``forward(x, W, b, v, c)`` returning ``(h, y_hat)`` with
``h = relu(W @ x + b)`` and ``y_hat = sigmoid(v @ h + c)`` (the notebook gives a stable sigmoid).

Public: values, float32, alpha = 0.1, and chapter 4's example x = (2, 0) giving h = (0, 2),
y_hat = σ(6) ≈ 0.9975. Hidden: the derivatives exactly at 0, other alphas, ±1000 for ELU (an
``np.where`` over ``np.exp(x)`` overflows), float32 for every function, random networks.
"""
from __future__ import annotations

import numpy as np

from .. import activations as A
from .cases import Case

SLUG = "ex03_relu_family"
FUNCTIONS = ("relu", "relu_derivative", "leaky_relu", "leaky_relu_derivative", "elu", "elu_derivative", "forward")
TITLE = {"ko": "ReLU와 그 변형, 그리고 순전파", "en": "ReLU, its variants and a forward pass"}

REFERENCE = {name: getattr(A, name) for name in FUNCTIONS if name != "forward"}
HINTS = {
    "relu": {"ko": "np.maximum(x, 0)은 입력의 dtype을 유지합니다.", "en": "np.maximum(x, 0) keeps the input's dtype."},
    "relu_derivative": {"ko": "x > 0이면 1, x <= 0이면 0입니다 (x = 0에서는 0). (x > 0).astype(x.dtype)처럼 dtype을 유지하세요.",
                        "en": "1 where x > 0, 0 where x <= 0 (0 at x = 0); keep the dtype, e.g. (x > 0).astype(x.dtype)."},
    "leaky_relu": {"ko": "x > 0이면 x, x <= 0이면 alpha * x입니다. alpha를 인자로 받아 쓰세요.",
                   "en": "x for x > 0 and alpha * x for x <= 0; use the alpha argument."},
    "leaky_relu_derivative": {"ko": "x > 0이면 1, x <= 0이면 alpha입니다 (x = 0에서는 alpha).",
                              "en": "1 for x > 0, alpha for x <= 0 (alpha at x = 0)."},
    "elu": {"ko": "x <= 0에서 alpha * (e^x - 1)입니다. np.where는 두 식을 모두 계산하므로 np.exp(np.minimum(x, 0))처럼 "
                  "지수에 음수만 넣으세요 (np.expm1이 0 근처에서 더 정확합니다).",
            "en": "alpha * (e^x - 1) for x <= 0. np.where evaluates both branches, so only give exp non-positive "
                  "numbers, e.g. np.exp(np.minimum(x, 0)) (np.expm1 is more accurate near 0)."},
    "elu_derivative": {"ko": "x > 0이면 1, x <= 0이면 alpha * e^x입니다 (x = 0에서는 alpha). 지수에는 np.minimum(x, 0)을 넣으세요.",
                       "en": "1 for x > 0, alpha * e^x for x <= 0 (alpha at x = 0); give exp np.minimum(x, 0)."},
    "forward": {"ko": "h = relu(W @ x + b), y_hat = sigmoid(v @ h + c)입니다. y_hat은 배열이 아닌 숫자 하나(모양 ())입니다.",
                "en": "h = relu(W @ x + b), y_hat = sigmoid(v @ h + c); y_hat is a single number (shape ())."},
}


def _tolerance(arr):
    return (1e-5, 1e-6) if np.asarray(arr).dtype == np.float32 else (1e-7, 1e-12)


def case(id, function, x, *alpha, points=1.0):
    arr = np.asarray(x)
    expected = np.asarray(REFERENCE[function](arr.astype(np.float64), *alpha)).astype(arr.dtype)
    rtol, atol = _tolerance(arr)
    return Case(f"{function}/{id}", function, (x, *alpha), expected, points=points, arg_names=("x", "alpha"),
                rtol=rtol, atol=atol, check_dtype=True, hint=HINTS[function])


def forward_case(id, x, W, b, v, c, points=1.0):
    h = A.relu(W @ x + b)
    y = np.float64(A.sigmoid(v @ h + c))
    return Case(f"forward/{id}", "forward", (x, W, b, v, c), (h, y), points=points, arg_names=("x", "W", "b", "v", "c"),
                parts=("h", "y_hat"), rtol=1e-7, atol=1e-12, hint=HINTS["forward"])


def worked_example():
    """Chapter 4's forward pass: x = (2, 0), W = [[1, -2], [1, 5]], b = (-3, 0), v = (1, 3), c = 0."""
    return (np.array([2.0, 0.0]), np.array([[1.0, -2.0], [1.0, 5.0]]), np.array([-3.0, 0.0]),
            np.array([1.0, 3.0]), 0.0)


def public_cases() -> list[Case]:
    x = np.array([-2.0, -0.5, 0.5, 3.0])
    neg = np.array([-3.0, -1.0, -0.25, 0.5, 2.0])
    return [
        case("values", "relu", x),
        case("float32-matrix", "relu", np.array([[-1.5, 2.0], [0.5, -0.25]], np.float32)),
        case("values", "relu_derivative", x),
        case("values", "leaky_relu", x),
        case("alpha=0.1", "leaky_relu", x, 0.1),
        case("values", "leaky_relu_derivative", x),
        case("values", "elu", neg),
        case("values", "elu_derivative", neg),
        forward_case("worked-example", *worked_example(), points=2),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    at_zero = np.array([-1.0, 0.0, 1.0, -0.0, 0.0]) * rng.choice([1.0, 2.0])
    alpha = float(np.round(rng.uniform(0.05, 0.3), 3))
    elu_alpha = float(np.round(rng.uniform(0.3, 2.0), 3))
    shape = tuple(int(s) for s in rng.integers(2, 5, size=2))
    z = 3 * rng.normal(size=shape)
    for f, params in [("relu", ()), ("relu_derivative", ()), ("leaky_relu", (alpha,)),
                      ("leaky_relu_derivative", (alpha,)), ("elu", (elu_alpha,)), ("elu_derivative", (elu_alpha,))]:
        cases.append(case("hidden-random", f, z, *params))
        cases.append(case("hidden-at-zero", f, at_zero, *params, points=2 if "derivative" in f else 1))
        cases.append(case("hidden-float32", f, (3 * rng.normal(size=6)).astype(np.float32), *params))
    cases.append(case("hidden-default-alpha-3d", "leaky_relu", rng.normal(size=(2, 2, 3))))
    for f in ("elu", "elu_derivative"):
        big = rng.permutation(np.array([-1000.0, -800.0, 0.5, 800.0, 1000.0]))
        cases.append(case("hidden-extremes", f, big, elu_alpha, points=2))
        cases.append(case("hidden-extremes-default-alpha", f, big.astype(np.float32)))
    n, k = (int(v) for v in rng.integers(2, 6, size=2))
    cases.append(forward_case("hidden-random-network", rng.normal(size=n), rng.normal(size=(k, n)),
                              rng.normal(size=k), rng.normal(size=k), float(np.round(rng.normal(), 3)), points=2))
    W = -np.abs(rng.normal(size=(k, n)))
    cases.append(forward_case("hidden-all-hidden-units-off", np.abs(rng.normal(size=n)), W, -np.ones(k),
                              rng.normal(size=k), float(np.round(rng.normal(), 3))))
    x = np.abs(rng.normal(size=n)) + 1
    cases.append(forward_case("hidden-saturated-output", x, np.abs(rng.normal(size=(k, n))) + 1,
                              np.zeros(k), -50 * np.ones(k), 0.0))
    return cases
