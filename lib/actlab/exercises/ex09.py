r"""ex09 (after chapter 11): a numerically safe masked, scaled attention softmax.

The student writes, with NumPy only,

* ``attention_softmax(scores, mask=None, scale=1.0)``: the softmax of ``scale * scores`` along
  the last axis, where ``mask`` (booleans of the shape of ``scores``, ``True`` = may attend, or
  ``None``) sets forbidden entries to probability exactly 0, and a row with no allowed entry is
  all 0 (not NaN: PyTorch's ``scaled_dot_product_attention`` behaviour); the result has the dtype
  of ``scores``: float16 scores are computed in float32 and rounded once, so large float16 scores
  (up to 65504) give the right probabilities; no overflow, invalid operation or division by zero;
* ``attention(q, k, v, mask=None)``: :math:`\mathrm{attention\_softmax}(q k^\top, \text{mask},
  1/\sqrt{d})\,v` for ``q`` ``(n, d)``, ``k`` ``(m, d)``, ``v`` ``(m, d_v)``, in the dtype of
  the inputs (float16 computed in float32: :math:`q k^\top` itself overflows float16).

References: :func:`actlab.attention_softmax`, :func:`actlab.scaled_dot_product_attention`.
Hidden cases: random shapes and masks, scores of 1e4 (float32 and float64: the maximum must be
subtracted), float16 scores near 65504, a masked entry holding a huge score, fully masked rows
(checked with floating-point errors raised: ``-inf - (-inf)`` is an invalid operation), a causal
mask, float16 queries whose dot products pass 65504.
"""
from __future__ import annotations

import numpy as np

from ..attention import attention_softmax as _attention_softmax, causal_mask as _causal
from ..attention import scaled_dot_product_attention as _sdpa
from .cases import Case

SLUG = "ex09_attention_softmax"
FUNCTIONS = ("attention_softmax", "attention")
TITLE = {"ko": "마스크와 스케일을 적용한 안전한 어텐션 소프트맥스", "en": "A safe masked, scaled attention softmax"}

HINTS = {
    "attention_softmax": {
        "ko": "float16이면 float32로 바꿔 계산합니다. z = scale * scores에서 가려진 자리를 -inf로 두고, 가려지지 않은 값의 "
              "최댓값을 빼되 행이 모두 가려졌으면 0을 뺍니다(-inf - (-inf)는 잘못된 연산입니다). 합이 0인 행은 0을 "
              "돌려주고(0으로 나누지 않게 분모를 1로 바꿉니다) 마지막에 입력의 dtype으로 바꿉니다.",
        "en": "compute float16 in float32. Set masked entries of z = scale * scores to -inf, subtract the maximum of the "
              "allowed entries, or 0 for a fully masked row (-inf - (-inf) is an invalid operation). A row whose sum "
              "is 0 gives 0 (replace that denominator by 1 so nothing divides by zero); cast back to the input's dtype."},
    "attention": {
        "ko": "점수는 q @ k.T이고 scale은 1/sqrt(d)(d = q.shape[-1])입니다. float16 입력은 float32로 바꿔 곱해야 "
              "내적이 65504를 넘지 않습니다. 가중치 @ v를 입력의 dtype으로 돌려줍니다.",
        "en": "the scores are q @ k.T and the scale is 1/sqrt(d) with d = q.shape[-1]. Multiply float16 inputs in float32, "
              "or the dot products pass 65504. Return weights @ v in the inputs' dtype."},
}


def _tolerance(dtype):
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return 2e-3, 1e-3
    if dtype == np.float32:
        return 1e-5, 1e-7
    return 1e-9, 1e-12


def softmax_case(name, scores, mask=None, scale=None, points=1.0):
    scores = np.asarray(scores)
    args = (scores,) if mask is None and scale is None else (scores, mask) if scale is None else (scores, mask, scale)
    expected = _attention_softmax(scores, mask, scale=1.0 if scale is None else scale)
    rtol, atol = _tolerance(scores.dtype)
    return Case(f"attention_softmax/{name}", "attention_softmax", args, expected, points=points,
                arg_names=("scores", "mask", "scale"), rtol=rtol, atol=atol, check_dtype=True,
                hint=HINTS["attention_softmax"])


def attention_case(name, q, k, v, mask=None, points=1.0):
    args = (q, k, v) if mask is None else (q, k, v, mask)
    expected = _sdpa(q, k, v, mask)
    rtol, atol = _tolerance(np.asarray(q).dtype)
    return Case(f"attention/{name}", "attention", args, expected, points=points, arg_names=("q", "k", "v", "mask"),
                rtol=rtol, atol=max(atol, 1e-3) if np.asarray(q).dtype == np.float16 else atol, check_dtype=True,
                hint=HINTS["attention"])


def public_cases() -> list[Case]:
    scores = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, -1.0]])
    mask = np.array([[True, True, False], [True, True, True]])
    big = np.array([[1000.0, 1001.0, 999.0]])
    rng = np.random.default_rng(2025)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    return [
        softmax_case("no-mask", scores),
        softmax_case("mask", scores, mask),
        softmax_case("scale-0.5", scores, mask, 0.5),
        softmax_case("scores-near-1000", big),
        softmax_case("fully-masked-row", scores, np.array([[True, False, True], [False, False, False]])),
        softmax_case("float16", np.array([[60000.0, 59990.0, 0.0]], np.float16), None, 0.125),
        attention_case("3-queries-5-keys", q, k, v),
        attention_case("causal", q, k[:3], v[:3], _causal(3)),
    ]


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    n, m = int(rng.integers(2, 6)), int(rng.integers(2, 7))
    scores = 3 * rng.normal(size=(n, m))
    mask = rng.uniform(size=(n, m)) < 0.7
    mask[:, 0] = True
    huge = scores.copy()
    huge_mask = mask.copy()
    huge[0, -1], huge_mask[0, -1] = 1e300, False  # a masked entry's score must not matter, however large
    fully = mask.copy()
    fully[rng.integers(0, n)] = False
    f16 = (60000 * rng.uniform(-1, 1, size=(n, m))).astype(np.float16)
    d = int(rng.integers(2, 9))
    q, k, v = rng.normal(size=(n, d)), rng.normal(size=(m, d)), rng.normal(size=(m, 3))
    q16, k16 = 40 * q, 40 * k
    q16[0] = k16[0] = 200.0  # one dot product of 40000 d > 65504: float16 arithmetic overflows
    q16, k16, v16 = q16.astype(np.float16), k16.astype(np.float16), v.astype(np.float16)
    kc, vc = rng.normal(size=(n, d)), rng.normal(size=(n, 3))
    att_mask = rng.uniform(size=(n, m)) < 0.6
    att_mask[rng.integers(0, n)] = False
    return [
        softmax_case("hidden-random-mask", scores, mask, float(rng.uniform(0.1, 2.0)), points=2),
        softmax_case("hidden-scores-of-1e4", 1e4 + 50 * rng.normal(size=(n, m))),
        softmax_case("hidden-float32-1e4", (1e4 + 50 * rng.normal(size=(n, m))).astype(np.float32), mask),
        softmax_case("hidden-masked-huge-score", huge, huge_mask),
        softmax_case("hidden-fully-masked-row", scores, fully, 0.5, points=2),
        softmax_case("hidden-every-row-masked", scores, np.zeros((n, m), bool)),
        softmax_case("hidden-float16-near-65504", f16, None, float(1 / np.sqrt(64)), points=2),
        softmax_case("hidden-float16-masked", f16, fully, 0.125),
        softmax_case("hidden-one-key", rng.normal(size=(n, 1))),
        attention_case("hidden-random", q, k, v, points=2),
        attention_case("hidden-query-with-nothing-to-see", q, k, v, att_mask, points=2),
        attention_case("hidden-causal", q, kc, vc, _causal(n)),
        attention_case("hidden-float16-dot-products-past-65504", q16, k16, v16),
    ]
