"""Attention softmax: mpmath reference, masking, the fully masked row (PyTorch's two behaviours), float16, VJP, errors."""
from __future__ import annotations

import doctest
import warnings

import mpmath as mp
import numpy as np
import pytest

import actlab
import actlab.attention as ATT
from actlab import attention_softmax, attention_softmax_vjp, causal_mask, scaled_dot_product_attention, softmax

mp.mp.dps = 50
RNG = np.random.default_rng(5)


def _mp_row(row, mask, scale):
    keep = [mp.mpf(float(v)) * mp.mpf(scale) for v, m in zip(row, mask) if m]
    if not keep:
        return [mp.mpf(0)] * len(row)
    top = max(keep)
    total = mp.fsum(mp.exp(v - top) for v in keep)
    return [mp.exp(mp.mpf(float(v)) * mp.mpf(scale) - top) / total if m else mp.mpf(0) for v, m in zip(row, mask)]


def _ulps(actual, exact, dtype=np.float64):
    if exact == 0:
        return 0.0 if actual == 0 else np.inf
    return float(abs(mp.mpf(float(actual)) - exact) / mp.mpf(float(np.spacing(dtype(abs(float(exact)))))))


def test_doctests():
    assert doctest.testmod(ATT, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_mpmath_with_scale_and_mask(dtype):
    for trial in range(30):
        n = int(RNG.integers(1, 12))
        row = (RNG.normal(size=n) * 10 ** RNG.uniform(0, 4)).astype(dtype)
        mask = RNG.uniform(size=n) < 0.7
        scale = float(1 / np.sqrt(RNG.integers(1, 512)))
        s = attention_softmax(row, mask, scale=scale)
        assert s.dtype == dtype
        exact = _mp_row(row, mask, float(dtype(scale)) if dtype == np.float32 else scale)
        for a, e in zip(s, exact):
            if e > np.finfo(dtype).tiny:
                # scale * score is rounded once before exp: its ulp times |scale * score| is the budget
                budget = 8 + 2 * float(np.max(np.abs(row)) * scale)
                assert _ulps(a, e, dtype) <= budget, (row, mask, scale, a, float(e))
            else:
                assert a <= 2 * np.finfo(dtype).tiny


def test_masked_entries_get_exactly_zero_whatever_their_score():
    scores = np.array([[1.0, 1e30, np.nan, np.inf, 2.0]])
    mask = np.array([[True, False, False, False, True]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = attention_softmax(scores, mask)
    np.testing.assert_allclose(s, [[0.2689414213699951, 0, 0, 0, 0.7310585786300049]], rtol=1e-15)
    assert np.all(s[~mask] == 0)


def test_fully_masked_row_gives_zeros_like_pytorch_sdpa_and_softmax_gives_nan_like_torch_softmax():
    """PyTorch: torch.softmax of an all -inf row is NaN; scaled_dot_product_attention (since
    pytorch/pytorch#131863) replaces rows whose entries are all -inf by 0 (its _safe_softmax:
    where(all(x == -inf, dim), 0, softmax(x))). actlab.softmax and attention_softmax mirror the two."""
    scores = np.array([[0.5, -1.0, 2.0], [-np.inf, -np.inf, -np.inf], [3.0, 1.0, 0.0]])
    mask = np.array([[True, True, True], [True, True, True], [False, False, False]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = softmax(scores)
        safe = attention_softmax(scores, mask)

    def torch_safe_softmax(x):  # PyTorch's definition, written out with the mask applied as -inf
        x = np.where(mask, x, -np.inf)
        with np.errstate(invalid="ignore"):
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            out = e / e.sum(axis=-1, keepdims=True)
        return np.where(np.all(x == -np.inf, axis=-1, keepdims=True), 0.0, out)

    assert np.isnan(plain[1]).all() and not np.isnan(plain[[0, 2]]).any()
    np.testing.assert_allclose(safe, torch_safe_softmax(scores), rtol=1e-15, atol=0)
    assert np.all(safe[1:] == 0) and safe[0].sum() == pytest.approx(1.0)
    g = RNG.normal(size=scores.shape)
    d = attention_softmax_vjp(scores, g, mask)
    assert np.all(d[1:] == 0) and np.isfinite(d).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_large_scores_in_every_dtype(dtype):
    scores = np.array([[60000.0, 59900.0, -60000.0, 0.0]], dtype)
    exact = attention_softmax(scores.astype(np.float64), scale=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = attention_softmax(scores, scale=0.05)
    assert s.dtype == dtype
    np.testing.assert_allclose(s.astype(np.float64), exact, rtol=np.finfo(dtype).eps, atol=np.finfo(dtype).smallest_subnormal)
    if dtype == np.float16:  # what a float16 softmax written naively gives instead
        with np.errstate(over="ignore", invalid="ignore"):
            naive = np.exp(scores * dtype(0.05)) / np.exp(scores * dtype(0.05)).sum()
        assert np.isnan(naive).any()


def test_scaled_score_overflow_is_the_largest_value_not_nan():
    s = attention_softmax(np.array([1e308, 1.0]), scale=10.0)
    np.testing.assert_array_equal(s, [1.0, 0.0])


def test_vjp_matches_central_differences_and_is_zero_where_masked():
    scores = RNG.normal(size=(3, 5)) * 3
    mask = RNG.uniform(size=(3, 5)) < 0.7
    mask[:, 0] = True
    g = RNG.normal(size=(3, 5))
    scale = 0.3
    d = attention_softmax_vjp(scores, g, mask, scale=scale)
    h = 1e-6
    fd = np.zeros_like(scores)
    for idx in np.ndindex(scores.shape):
        e = np.zeros_like(scores)
        e[idx] = h
        fd[idx] = np.sum(g * (attention_softmax(scores + e, mask, scale=scale)
                              - attention_softmax(scores - e, mask, scale=scale))) / (2 * h)
    np.testing.assert_allclose(d, fd, rtol=1e-6, atol=1e-9)
    assert np.all(d[~mask] == 0)
    np.testing.assert_allclose(attention_softmax_vjp(scores, g, scale=scale),
                               scale * actlab.softmax_vjp(scale * scores, g), rtol=1e-13, atol=1e-16)


def test_axis_and_broadcast_mask():
    scores = RNG.normal(size=(2, 4, 4))
    mask = causal_mask(4)  # (4, 4) broadcasts over the batch
    s = attention_softmax(scores, mask)
    assert np.all(s[:, ~mask] == 0)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-14)
    s0 = attention_softmax(scores, mask.T, axis=-2)
    np.testing.assert_allclose(s0, np.swapaxes(attention_softmax(np.swapaxes(scores, -1, -2), mask), -1, -2), rtol=1e-15)


def test_scaled_dot_product_attention():
    q, k, v = RNG.normal(size=(2, 3, 8)), RNG.normal(size=(2, 5, 8)), RNG.normal(size=(2, 5, 4))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(8)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v), e / e.sum(-1, keepdims=True) @ v, rtol=1e-13)
    mask = np.ones((3, 5), bool)
    mask[1] = False  # query 1 may attend to nothing
    out = scaled_dot_product_attention(q, k, v, mask, scale=0.5)
    assert np.all(out[:, 1] == 0) and np.isfinite(out).all()
    out16 = scaled_dot_product_attention(q.astype(np.float16) * 100, k.astype(np.float16) * 100, v.astype(np.float16))
    assert out16.dtype == np.float16 and np.isfinite(out16).all()
    with pytest.raises(ValueError, match=r"q and k must have the same feature size, got 8 and 7"):
        scaled_dot_product_attention(q, k[..., :7], v)
    with pytest.raises(ValueError, match=r"k and v must hold the same number of keys, got 5 and 4"):
        scaled_dot_product_attention(q, k, v[:, :4])
    with pytest.raises(ValueError, match=r"q must have at least 2 dimensions"):
        scaled_dot_product_attention(np.ones(3), k, v)


def test_bad_input_is_refused_by_name():
    x = np.zeros((2, 3))
    with pytest.raises(TypeError, match=r"mask must be a boolean array \(True = may attend\), got dtype float64"):
        attention_softmax(x, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"mask of shape \(2,\) does not broadcast against scores of shape \(2, 3\)"):
        attention_softmax(x, np.ones(2, bool))
    with pytest.raises(ValueError, match=r"mask of shape \(4, 2, 3\) would enlarge scores"):
        attention_softmax(x, np.ones((4, 2, 3), bool))
    with pytest.raises(ValueError, match=r"scale must be positive, got 0.0"):
        attention_softmax(x, scale=0.0)
    with pytest.raises(ValueError, match=r"scale must be finite"):
        attention_softmax(x, scale=float("inf"))
    with pytest.raises(TypeError, match=r"scale must be a real number, got str"):
        attention_softmax(x, scale="0.1")
    with pytest.raises(ValueError, match=r"scores must have at least one dimension"):
        attention_softmax(1.0)
    with pytest.raises(TypeError, match=r"scores must be a real number.*got str"):
        attention_softmax("abc")
    with pytest.raises(ValueError, match=r"axis=2 is out of range"):
        attention_softmax(x, axis=2)
    with pytest.raises(ValueError, match=r"g must have the shape of scores \(2, 3\), got \(3,\)"):
        attention_softmax_vjp(x, np.zeros(3))
    with pytest.raises(TypeError, match=r"n must be an integer"):
        causal_mask(2.5)
