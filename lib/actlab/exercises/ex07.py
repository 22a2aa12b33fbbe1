r"""ex07 (after chapter 9): per-layer gradient norms through a deep sigmoid chain.

A chain of L fully connected sigmoid layers of width n: ``h[0] = x`` and
``h[l+1] = sigmoid(Ws[l] @ h[l] + bs[l])`` for l = 0..L-1, with ``Ws`` of shape ``(L, n, n)`` and
``bs`` of shape ``(L, n)``. The student writes

* ``chain_forward(x, Ws, bs)``: the array ``h`` of shape ``(L + 1, n)``;
* ``chain_gradient_norms(x, Ws, bs, g)``: given ``g`` = dLoss/dh[L], the Frobenius norms of
  dLoss/dWs[l] for l = 0..L-1 (index 0 = the layer next to the input), by backpropagation:
  ``delta = g * sigmoid'(z[L-1])``, ``dW[l] = outer(delta, h[l])``,
  ``delta <- (Ws[l].T @ delta) * sigmoid'(z[l-1])``.

References: backpropagation written out with :func:`actlab.sigmoid` and its derivative here
(actlab's network module and a finite-difference test in tests/exercises confirm it).
Hidden cases: other depths and widths (L = 1, n = 1), a 30-layer chain whose first-layer gradient
is ~1e-18 (checked relatively), saturated layers (|z| in the hundreds: an overflowing derivative
fails), g = 0.
"""
from __future__ import annotations

import numpy as np

from .. import activations as A
from .cases import Case

SLUG = "ex07_gradient_chain"
FUNCTIONS = ("chain_forward", "chain_gradient_norms")
TITLE = {"ko": "깊은 시그모이드 사슬의 층별 기울기", "en": "Per-layer gradients through a deep sigmoid chain"}

HINTS = {
    "chain_forward": {"ko": "h[0] = x이고 h[l+1] = sigmoid(Ws[l] @ h[l] + bs[l])입니다. 결과는 층 L개와 입력을 합쳐 L + 1행입니다.",
                      "en": "h[0] = x and h[l+1] = sigmoid(Ws[l] @ h[l] + bs[l]); the result has L + 1 rows (the input and L layers)."},
    "chain_gradient_norms": {
        "ko": "delta = g * σ'(z[L-1])에서 시작해 l = L-1, ..., 0 순서로 dW[l] = np.outer(delta, h[l])의 노름을 기록하고 "
              "delta = (Ws[l].T @ delta) * σ'(z[l-1])로 한 층 내려갑니다. σ'(z) = h(1 - h)를 쓰면 오버플로가 없습니다. "
              "결과의 0번 원소가 입력 쪽 첫 층입니다.",
        "en": "start from delta = g * σ'(z[L-1]); for l = L-1, ..., 0 record the norm of dW[l] = np.outer(delta, h[l]) and "
              "step down with delta = (Ws[l].T @ delta) * σ'(z[l-1]). σ'(z) = h(1 - h) never overflows. "
              "Entry 0 of the result is the first layer (next to the input)."},
}


def reference_forward(x, Ws, bs):
    """(h, z): h of shape (L + 1, n) as the student returns it, z of shape (L, n)."""
    h, z = [np.asarray(x, dtype=np.float64)], []
    for W, b in zip(Ws, bs):
        z.append(W @ h[-1] + b)
        h.append(A.sigmoid(z[-1]))
    return np.array(h), np.array(z)


def reference_gradient_norms(x, Ws, bs, g):
    """Frobenius norms of dLoss/dWs[l], l = 0..L-1, by backpropagation (derivatives from z, stably)."""
    h, z = reference_forward(x, Ws, bs)
    L = len(Ws)
    norms = np.empty(L)
    delta = np.asarray(g, dtype=np.float64) * A.sigmoid_derivative(z[L - 1])
    for l in range(L - 1, -1, -1):
        norms[l] = np.linalg.norm(np.outer(delta, h[l]))
        if l > 0:
            delta = (Ws[l].T @ delta) * A.sigmoid_derivative(z[l - 1])
    return norms


def forward_case(name, x, Ws, bs, points=1.0):
    return Case(f"chain_forward/{name}", "chain_forward", (x, Ws, bs), reference_forward(x, Ws, bs)[0],
                points=points, arg_names=("x", "Ws", "bs"), rtol=1e-9, atol=1e-12, hint=HINTS["chain_forward"])


def norms_case(name, x, Ws, bs, g, points=1.0, atol=0.0):
    # relative tolerance: in a deep chain the first layer's norm is ~1e-18 and must still be right
    return Case(f"chain_gradient_norms/{name}", "chain_gradient_norms", (x, Ws, bs, g),
                reference_gradient_norms(x, Ws, bs, g), points=points, arg_names=("x", "Ws", "bs", "g"),
                rtol=1e-6, atol=atol, hint=HINTS["chain_gradient_norms"])


def small_chain():
    """Three layers of width 2 (public)."""
    Ws = np.array([[[1.0, -1.0], [0.5, 2.0]], [[-1.5, 0.5], [1.0, 1.0]], [[2.0, 0.0], [-1.0, 0.5]]])
    bs = np.array([[0.0, 0.5], [-0.5, 0.0], [0.25, -0.25]])
    return np.array([1.0, -2.0]), Ws, bs


def random_chain(rng, L, n, scale=1.0):
    x = rng.normal(size=n)
    Ws = scale * rng.normal(size=(L, n, n))
    bs = 0.5 * scale * rng.normal(size=(L, n))
    return x, Ws, bs


def public_cases() -> list[Case]:
    x, Ws, bs = small_chain()
    deep = random_chain(np.random.default_rng(2024), 10, 3)
    return [
        forward_case("three-layers", x, Ws, bs),
        forward_case("ten-layers", *deep),
        norms_case("three-layers", x, Ws, bs, np.array([1.0, -0.5])),
        norms_case("ten-layers", *deep, np.ones(3)),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    L, n = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    chain = random_chain(rng, L, n)
    one = random_chain(rng, 1, 1)
    deep = random_chain(rng, 30, 4)
    saturated = random_chain(rng, 5, 3, scale=300.0)
    saturated[2][-1, :2] = (-2000.0, 2000.0)  # |z| > 1000 for sure in the last layer
    return [
        forward_case("hidden-random", *chain),
        forward_case("hidden-one-layer-one-unit", *one),
        forward_case("hidden-saturated", *saturated),
        norms_case("hidden-random", *chain, rng.normal(size=n), points=2),
        norms_case("hidden-one-layer-one-unit", *one, rng.normal(size=1)),
        norms_case("hidden-30-layers", *deep, rng.normal(size=4), points=2),
        # |z| in the hundreds: derivatives underflow; an absolute floor for h(1 - h) rounding
        norms_case("hidden-saturated", *saturated, rng.normal(size=3), points=2, atol=1e-12),
        norms_case("hidden-zero-upstream-gradient", *chain, np.zeros(n)),
    ]
