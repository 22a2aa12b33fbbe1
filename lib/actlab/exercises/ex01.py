r"""ex01 (after chapter 2): two linear layers collapse into one.

The student writes

* ``linear(x, W, b)``: the layer :math:`Wx + b` for ``x`` of shape ``(n,)`` or a batch ``(..., n)``
  (one example per row: ``x @ W.T + b``); the input's dtype is kept;
* ``collapse(W1, b1, W2, b2)``: the ``(W, b)`` with :math:`W x + b = W_2 (W_1 x + b_1) + b_2`
  for every ``x``, namely :math:`W = W_2 W_1`, :math:`b = W_2 b_1 + b_2`.

Hidden cases: other sizes (1x1 included), batches with more dimensions, float32 kept, large values.
"""
from __future__ import annotations

import numpy as np

from .cases import Case

SLUG = "ex01_collapse_layers"
FUNCTIONS = ("linear", "collapse")
TITLE = {"ko": "두 선형 층을 하나로 합치기", "en": "Collapsing two linear layers into one"}

HINT_LINEAR = {
    "ko": "한 행(row)이 한 예제입니다. x @ W.T + b는 x의 모양이 (n,)일 때도 (..., n)일 때도 맞습니다.",
    "en": "one example per row: x @ W.T + b works for x of shape (n,) and (..., n) alike.",
}
HINT_COLLAPSE = {
    "ko": "W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)입니다. 곱하는 순서와 b1도 W2를 거친다는 점을 확인하세요.",
    "en": "W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2): mind the order of the product, and that b1 passes through W2 too.",
}


def _linear(x, W, b):
    return x @ W.T + b


def _collapse(W1, b1, W2, b2):
    return W2 @ W1, W2 @ b1 + b2


def linear_case(id, x, W, b, points=1.0, **kw):
    return Case(f"linear/{id}", "linear", (x, W, b), _linear(x, W, b), points=points, arg_names=("x", "W", "b"),
                hint=HINT_LINEAR, **kw)


def collapse_case(id, W1, b1, W2, b2, points=1.0, **kw):
    return Case(f"collapse/{id}", "collapse", (W1, b1, W2, b2), _collapse(W1, b1, W2, b2), points=points,
                arg_names=("W1", "b1", "W2", "b2"), parts=("W", "b"), hint=HINT_COLLAPSE, **kw)


def public_cases() -> list[Case]:
    W = np.array([[1.0, -2.0], [0.5, 3.0], [0.0, 1.0]])
    b = np.array([0.5, -1.0, 2.0])
    W1 = np.array([[1.0, 2.0], [0.0, -1.0]])
    b1 = np.array([1.0, -1.0])
    W2 = np.array([[3.0, 1.0], [-2.0, 0.5]])
    b2 = np.array([0.0, 2.0])
    U1 = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0], [0.0, -1.0, 1.0], [1.0, 1.0, 1.0]])
    c1 = np.array([0.5, 0.0, -0.5, 1.0])
    U2 = np.array([[1.0, -1.0, 0.0, 2.0], [0.0, 0.5, 1.0, -1.0]])
    c2 = np.array([-1.0, 1.0])
    return [
        linear_case("vector", np.array([2.0, 1.0]), W, b, rtol=1e-9, atol=1e-12),
        linear_case("batch", np.array([[2.0, 1.0], [0.0, 0.0], [-1.0, 4.0], [1.5, -0.5]]), W, b,
                    rtol=1e-9, atol=1e-12),
        linear_case("float32", np.array([[2.0, 1.0], [-1.0, 4.0]], np.float32), W.astype(np.float32),
                    b.astype(np.float32), rtol=1e-6, atol=1e-6, check_dtype=True),
        collapse_case("square", W1, b1, W2, b2, rtol=1e-9, atol=1e-12),
        collapse_case("3-4-2", U1, c1, U2, c2, rtol=1e-9, atol=1e-12),
    ]


def _layer(rng, n_in, n_out, scale=1.0, dtype=np.float64):
    W = (scale * rng.normal(size=(n_out, n_in))).astype(dtype)
    b = (scale * rng.normal(size=n_out)).astype(dtype)
    return W, b


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    n, m = (int(v) for v in rng.integers(2, 7, size=2))
    W, b = _layer(rng, n, m)
    cases.append(linear_case("hidden-vector", rng.normal(size=n), W, b, rtol=1e-9, atol=1e-10))
    W, b = _layer(rng, 1, 1)
    cases.append(linear_case("hidden-1x1-batch", rng.normal(size=(5, 1)), W, b, rtol=1e-9, atol=1e-10))
    W, b = _layer(rng, n, m)
    cases.append(linear_case("hidden-3d-batch", rng.normal(size=(2, 3, n)), W, b, points=2, rtol=1e-9, atol=1e-10))
    W, b = _layer(rng, n, m, dtype=np.float32)
    cases.append(linear_case("hidden-float32-vector", rng.normal(size=n).astype(np.float32), W, b,
                             points=2, rtol=1e-5, atol=1e-5, check_dtype=True))
    for i, (n_in, h, n_out) in enumerate([(1, 1, 1), tuple(int(v) for v in rng.integers(2, 8, size=3)), (6, 2, 5)]):
        W1, b1 = _layer(rng, n_in, h)
        W2, b2 = _layer(rng, h, n_out)
        cases.append(collapse_case(f"hidden-random-{n_in}-{h}-{n_out}", W1, b1, W2, b2, rtol=1e-9, atol=1e-10))
    W1, b1 = _layer(rng, 3, 4)
    W2, b2 = _layer(rng, 4, 2)
    cases.append(collapse_case("hidden-zero-b2", W1, b1, W2, np.zeros(2), rtol=1e-9, atol=1e-10))
    W1, b1 = _layer(rng, 3, 4, scale=1e3)
    W2, b2 = _layer(rng, 4, 3, scale=1e3)
    cases.append(collapse_case("hidden-large-values", W1, b1, W2, b2, rtol=1e-9, atol=1e-3))
    W1, b1 = _layer(rng, 3, 5, dtype=np.float32)
    W2, b2 = _layer(rng, 5, 2, dtype=np.float32)
    cases.append(collapse_case("hidden-float32", W1, b1, W2, b2, points=2, rtol=1e-5, atol=1e-5, check_dtype=True))
    return cases
