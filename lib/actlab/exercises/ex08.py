r"""ex08 (after chapter 11): a SwiGLU feed-forward block.

The student writes, with NumPy only,

* ``swiglu_ffn(x, W_in, W_out)``: :math:`z = x W_{in}` (``W_in`` of shape ``(d, 2h)``), the halves
  :math:`a = z_{:, :h}`, :math:`b = z_{:, h:}`, and :math:`(a \odot \mathrm{SiLU}(b))\,W_{out}`
  (``W_out`` of shape ``(h, d)``); ``x`` is one input ``(d,)`` or a batch ``(n, d)``; the dtype of
  the inputs is kept (all float32 or all float64);
* ``swiglu_width(d_model, multiple_of=1)``: :math:`\lfloor \tfrac23 \cdot 4 d \rfloor` rounded up to
  a multiple of ``multiple_of``;
* ``ffn_params(d_model, hidden, gated)``: the weights of a feed-forward block without biases,
  :math:`2dh` plain, :math:`3dh` gated;
* ``swiglu_ffn_grad(x, W_in, W_out, g)``: the gradient of :math:`\langle g, \mathrm{swiglu\_ffn}(x)\rangle`
  with respect to ``x`` (the shape of ``x``).

References: :func:`actlab.swiglu`, :func:`actlab.swiglu_vjp`, :func:`actlab.blocks.gated_hidden_width`,
:func:`actlab.blocks.ffn_params` (tests/exercises also check them against finite differences and
:class:`actlab.blocks.GatedFeedForward`). Hidden cases: other sizes, a single input vector,
gate inputs of ±1000 (a sigmoid written as ``1 / (1 + exp(-b))`` overflows), float32, widths whose
2/3 is not whole, LLaMA's ``multiple_of=256``, the gradient in saturated and float32 cases.
"""
from __future__ import annotations

import numpy as np

from ..blocks import ffn_params as _ffn_params, gated_hidden_width as _width
from ..gated import swiglu as _swiglu, swiglu_vjp as _swiglu_vjp
from .cases import Case

SLUG = "ex08_swiglu_block"
FUNCTIONS = ("swiglu_ffn", "swiglu_width", "ffn_params", "swiglu_ffn_grad")
TITLE = {"ko": "SwiGLU 피드포워드 블록", "en": "A SwiGLU feed-forward block"}

HINTS = {
    "swiglu_ffn": {
        "ko": "z = x @ W_in을 마지막 축에서 반으로 나누어 a = z[..., :h], b = z[..., h:]로 두고 (a * b * σ(b)) @ W_out을 "
              "돌려줍니다. σ(b)는 b의 부호에 따라 exp(-|b|)로 계산해야 b = ±1000에서도 오버플로가 없습니다.",
        "en": "split z = x @ W_in along the last axis into a = z[..., :h] and b = z[..., h:], return "
              "(a * b * σ(b)) @ W_out. Compute σ(b) from exp(-|b|), split by the sign of b, so that b = ±1000 "
              "does not overflow."},
    "swiglu_width": {
        "ko": "h = (8 * d_model) // 3 (정수 나눗셈)에서 시작해, multiple_of의 배수가 될 때까지 올립니다: "
              "-(-h // m) * m.",
        "en": "start from h = (8 * d_model) // 3 (integer division) and round up to a multiple of multiple_of: "
              "-(-h // m) * m."},
    "ffn_params": {
        "ko": "보통 블록은 d×h와 h×d 행렬 두 개, 게이트가 있는 블록은 d×h 두 개와 h×d 하나입니다. 편향은 없습니다.",
        "en": "a plain block has two matrices, d×h and h×d; a gated one three: two d×h and one h×d. No biases."},
    "swiglu_ffn_grad": {
        "ko": "위에서 내려온 기울기는 dh = g @ W_out.T입니다. da = dh * SiLU(b), db = dh * a * SiLU'(b)이고 "
              "SiLU'(b) = σ(b)(1 + b(1 - σ(b)))입니다. dz = [da, db]를 이어 붙여 dz @ W_in.T를 돌려줍니다.",
        "en": "the gradient from above is dh = g @ W_out.T; da = dh * SiLU(b), db = dh * a * SiLU'(b) with "
              "SiLU'(b) = σ(b)(1 + b(1 - σ(b))); concatenate dz = [da, db] and return dz @ W_in.T."},
}


def reference_ffn(x, W_in, W_out):
    """The block's output, through the library's swiglu."""
    return _swiglu(np.asarray(x) @ W_in) @ W_out


def reference_grad(x, W_in, W_out, g):
    """d<g, block(x)>/dx through the library's swiglu_vjp."""
    z = np.asarray(x) @ W_in
    return _swiglu_vjp(z, np.asarray(g) @ np.asarray(W_out).T) @ np.asarray(W_in).T


def _tolerance(dtype):
    return (2e-5, 1e-5) if np.dtype(dtype) == np.float32 else (1e-9, 1e-12)


def ffn_case(name, x, W_in, W_out, points=1.0):
    rtol, atol = _tolerance(np.asarray(x).dtype)
    expected = reference_ffn(x, W_in, W_out)
    return Case(f"swiglu_ffn/{name}", "swiglu_ffn", (x, W_in, W_out), expected, points=points,
                arg_names=("x", "W_in", "W_out"), rtol=rtol, atol=atol, check_dtype=True, hint=HINTS["swiglu_ffn"])


def width_case(name, d_model, multiple_of=None, points=1.0):
    args = (d_model,) if multiple_of is None else (d_model, multiple_of)
    expected = _width(d_model, multiple_of=multiple_of or 1)
    return Case(f"swiglu_width/{name}", "swiglu_width", args, expected, points=points,
                arg_names=("d_model", "multiple_of"), exact=True, hint=HINTS["swiglu_width"])


def params_case(name, d_model, hidden, gated, points=1.0):
    return Case(f"ffn_params/{name}", "ffn_params", (d_model, hidden, gated), _ffn_params(d_model, hidden, gated=gated),
                points=points, arg_names=("d_model", "hidden", "gated"), exact=True, hint=HINTS["ffn_params"])


def grad_case(name, x, W_in, W_out, g, points=1.0):
    rtol, atol = _tolerance(np.asarray(x).dtype)
    return Case(f"swiglu_ffn_grad/{name}", "swiglu_ffn_grad", (x, W_in, W_out, g), reference_grad(x, W_in, W_out, g),
                points=points, arg_names=("x", "W_in", "W_out", "g"), rtol=rtol, atol=atol, check_dtype=True,
                hint=HINTS["swiglu_ffn_grad"])


def random_block(rng, n, d, h, dtype=np.float64, scale=1.0):
    """A batch x (n, d) (or one input (d,) when n is None) and Xavier-like weights."""
    shape = (d,) if n is None else (n, d)
    x = scale * rng.normal(size=shape)
    W_in = rng.normal(size=(d, 2 * h)) / np.sqrt(d)
    W_out = rng.normal(size=(h, d)) / np.sqrt(h)
    return tuple(a.astype(dtype) for a in (x, W_in, W_out))


def saturated_block(rng, n, d, h):
    """Gate inputs b reaching -1000 and +1000 (every column of b reaches one of them): the gate's
    sigmoid must not overflow."""
    x, W_in, W_out = random_block(rng, n, d, h)
    b = x @ W_in[:, h:]
    top = b[np.argmax(np.abs(b), axis=0), np.arange(h)]  # each column's entry of largest magnitude
    target = np.where(np.arange(h) % 2 == 0, -1000.0, 1000.0)
    W_in[:, h:] *= target / top
    return x, W_in, W_out


def public_cases() -> list[Case]:
    x = np.array([[1.0, -2.0], [0.5, 0.0]])
    W_in = np.array([[1.0, 0.0, 0.5, -1.0], [0.0, 1.0, 1.0, 0.5]])  # d = 2, h = 2
    W_out = np.array([[1.0, -1.0], [0.5, 2.0]])
    rng = np.random.default_rng(2025)
    block = random_block(rng, 4, 6, 8)
    g = rng.normal(size=(4, 6))
    return [
        ffn_case("small", x, W_in, W_out),
        ffn_case("batch-of-4", *block),
        width_case("d=768", 768),
        width_case("d=4096-multiple-of-256", 4096, 256),
        params_case("plain-768", 768, 3072, False),
        params_case("gated-768", 768, 2048, True),
        grad_case("small", x, W_in, W_out, np.ones((2, 2))),
        grad_case("batch-of-4", *block, g),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    n, d, h = int(rng.integers(2, 6)), int(rng.integers(2, 7)), int(rng.integers(2, 7))
    block = random_block(rng, n, d, h)
    single = random_block(rng, None, d, h)
    sat = saturated_block(rng, 3, 4, 5)
    f32 = random_block(rng, 3, 5, 4, dtype=np.float32)
    d_model = int(rng.choice([100, 257, 1000, 1536]))
    hidden = int(rng.integers(10, 5000))
    return [
        ffn_case("hidden-random", *block, points=2),
        ffn_case("hidden-one-input-vector", *single),
        ffn_case("hidden-gate-inputs-of-1000", *sat, points=2),
        ffn_case("hidden-float32", *f32),
        width_case(f"hidden-d={d_model}", d_model, points=2),
        width_case("hidden-d=1", 1),
        width_case(f"hidden-d={d_model}-multiple-of-64", d_model, 64),
        params_case(f"hidden-plain-{d_model}-{hidden}", d_model, hidden, False),
        params_case(f"hidden-gated-{d_model}-{hidden}", d_model, hidden, True),
        params_case("hidden-gated-equals-plain-4d", 3 * d_model, 2 * 4 * d_model, True),
        grad_case("hidden-random", *block, rng.normal(size=(n, d)), points=2),
        grad_case("hidden-one-input-vector", *single, rng.normal(size=d)),
        grad_case("hidden-gate-inputs-of-1000", *sat, rng.normal(size=(3, 4)), points=2),
        grad_case("hidden-float32", *f32, rng.normal(size=(3, 5)).astype(np.float32)),
    ]
