"""layer_norm and rms_norm: mpmath references (far from 0, huge, tiny rows), VJPs, dtypes, extremes, errors."""
from __future__ import annotations

import doctest
import warnings

import mpmath as mp
import numpy as np
import pytest

import actlab
import actlab.normalization as N
from actlab import layer_norm, layer_norm_vjp, rms_norm, rms_norm_vjp

mp.mp.dps = 50
RNG = np.random.default_rng(11)
EPS64 = np.finfo(np.float64).eps


def _mp_norm(row, eps, center):
    row = [mp.mpf(float(v)) for v in row]
    n = len(row)
    mean = mp.fsum(row) / n if center else mp.mpf(0)
    d = [v - mean for v in row]
    var = mp.fsum(v * v for v in d) / n
    return [v / mp.sqrt(var + eps) for v in d]


ROWS = [RNG.normal(size=16), RNG.normal(size=7) * 3 + 2, 1e8 + RNG.normal(size=16), -1e12 + RNG.uniform(size=9),
        1e200 * RNG.normal(size=8), 1e-200 * RNG.normal(size=8), 1e-160 * RNG.normal(size=8),
        np.array([1.7e308, -1.7e308, 1e308, 0.0]), np.array([3.0, 3.0 + 2 ** -40, 3.0]), RNG.normal(size=512)]


def test_doctests():
    assert doctest.testmod(N, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


@pytest.mark.parametrize("center", [True, False], ids=["layer_norm", "rms_norm"])
@pytest.mark.parametrize("eps", [0.0, 1e-5])
def test_matches_mpmath(center, eps):
    """Within a few ulp of the row's largest output, whatever the row's scale or offset."""
    for row in ROWS:
        y = layer_norm(row, eps=eps) if center else rms_norm(row, eps=eps)
        exact = _mp_norm(row, eps, center)
        top = max(abs(v) for v in exact)
        if top == 0:
            assert np.all(y == 0)
            continue
        err = max(abs(mp.mpf(float(a)) - e) for a, e in zip(y, exact)) / (top * EPS64)
        # the mean's rounding shifts every entry by ~ulps of the mean relative to the spread;
        # the second pass leaves a few of them
        assert err < 8 + 2 * np.log2(len(row)), (row[:3], float(err))


def test_naive_formula_fails_where_ours_does_not():
    row = 1e200 * np.array([1.0, 2.0, 3.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = (row - row.mean()) / np.sqrt(row.var() + 1e-5)  # the variance overflows to inf
    assert np.all(naive == 0)
    np.testing.assert_allclose(layer_norm(row), [-1.224744871391589, 0.0, 1.224744871391589], rtol=1e-15)
    offset = 1e8 + np.array([1.0, 2.0, 3.0])  # E[x^2] - E[x]^2 cancels to nothing here
    one_pass = (offset - offset.mean()) / np.sqrt(np.mean(offset ** 2) - offset.mean() ** 2 + 1e-5)
    assert abs(one_pass[0] + 1.2247) > 0.01
    np.testing.assert_allclose(layer_norm(offset, eps=0.0), [-1.224744871391589, 0.0, 1.224744871391589], rtol=1e-12)


def test_parameters_and_invariances():
    x = RNG.normal(size=(5, 6))
    gamma, beta = RNG.normal(size=6), RNG.normal(size=6)
    np.testing.assert_allclose(layer_norm(x, gamma, beta), layer_norm(x) * gamma + beta, rtol=1e-15)
    np.testing.assert_allclose(rms_norm(x, gamma), rms_norm(x) * gamma, rtol=1e-15)
    np.testing.assert_allclose(layer_norm(3 * x + 7, eps=0.0), layer_norm(x, eps=0.0), atol=1e-14)
    np.testing.assert_allclose(rms_norm(3 * x, eps=0.0), rms_norm(x, eps=0.0), atol=1e-14)
    y = layer_norm(x, eps=0.0)
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-15)
    np.testing.assert_allclose(y.var(axis=-1), 1, rtol=1e-14)
    np.testing.assert_allclose(np.mean(rms_norm(x, eps=0.0) ** 2, axis=-1), 1, rtol=1e-14)
    # each row on its own: a row's result does not depend on the others (unlike batch norm)
    np.testing.assert_array_equal(layer_norm(x)[2], layer_norm(x[2]))


def test_default_eps_follows_pytorch():
    x = np.array([[1e-3, -1e-3, 2e-3]])
    ms = np.mean(x ** 2)
    np.testing.assert_allclose(rms_norm(x), x / np.sqrt(ms + EPS64), rtol=1e-14)  # eps=None: finfo(dtype).eps
    x32 = x.astype(np.float32)
    np.testing.assert_allclose(rms_norm(x32), x32 / np.sqrt(np.mean(x32 ** 2) + np.finfo(np.float32).eps), rtol=1e-6)
    d = x - x.mean()
    np.testing.assert_allclose(layer_norm(x), d / np.sqrt(np.mean(d ** 2) + 1e-5), rtol=1e-14)  # 1e-5
    assert np.all(layer_norm(np.full((2, 4), 5.0)) == 0)  # a constant row is 0, not NaN


def _fd(f, x, g, h=1e-6):
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        out[idx] = np.sum(g * (f(x + e) - f(x - e))) / (2 * h)
    return out


def test_vjps_match_central_differences():
    x = RNG.normal(size=(3, 5)) * 2 + 1
    g = RNG.normal(size=(3, 5))
    gamma, beta = RNG.normal(size=5), RNG.normal(size=5)
    grads = layer_norm_vjp(x, g, gamma)
    np.testing.assert_allclose(grads.x, _fd(lambda v: layer_norm(v, gamma, beta), x, g), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grads.gamma, _fd(lambda c: layer_norm(x, c, beta), gamma, g), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grads.beta, _fd(lambda c: layer_norm(x, gamma, c), beta, g), rtol=1e-6, atol=1e-8)
    rgrads = rms_norm_vjp(x, g, gamma, eps=1e-6)
    np.testing.assert_allclose(rgrads.x, _fd(lambda v: rms_norm(v, gamma, eps=1e-6), x, g), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(rgrads.gamma, _fd(lambda c: rms_norm(x, c, eps=1e-6), gamma, g), rtol=1e-6, atol=1e-8)
    # the shift and the scale directions are in the null space of the Jacobians
    assert abs(np.sum(layer_norm_vjp(x, g, eps=0.0).x * 1.0)) < 1e-12  # sum over a row of dx = 0
    np.testing.assert_allclose(np.sum(rms_norm_vjp(x, g, eps=0.0).x * x, axis=-1), 0, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_and_shape_kept(dtype):
    x = (RNG.normal(size=(2, 3, 8)) * 4).astype(dtype)
    for f in (layer_norm, rms_norm):
        y = f(x)
        assert y.dtype == dtype and y.shape == x.shape
        ref = f(x.astype(np.float64), eps=1e-5 if f is layer_norm else float(np.finfo(dtype).eps))
        np.testing.assert_allclose(y.astype(np.float64), ref, rtol=4 * np.finfo(dtype).eps, atol=4 * np.finfo(dtype).eps)
    for grads in (layer_norm_vjp(x, np.ones_like(x)), rms_norm_vjp(x, np.ones_like(x))):
        assert all(g.dtype == dtype for g in grads) and grads.x.shape == x.shape and grads.gamma.shape == (8,)


def test_float16_rows_whose_squares_overflow_float16():
    x = np.array([[60000.0, -60000.0, 30000.0, 0.0]], np.float16)  # x^2 is far beyond 65504
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = rms_norm(x)
    exact = x.astype(np.float64) / np.sqrt(np.mean(x.astype(np.float64) ** 2))
    np.testing.assert_allclose(y.astype(np.float64), exact, rtol=1e-3)


def test_no_warning_at_extremes_and_nan_rows():
    rows = np.array([[1.7e308, -1.7e308, 1.0, 0.0], [5e-324, 0.0, -5e-324, 0.0], [np.inf, 1.0, 2.0, 3.0],
                     [np.nan, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0], [-np.inf, np.inf, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for f in (layer_norm, rms_norm):
                for eps in (0.0, 1e-5, None):
                    if f is layer_norm and eps is None:
                        continue
                    y = f(rows, eps=eps)
                    assert np.isfinite(y[:2]).all() and np.isnan(y[2:4]).all() and np.isnan(y[5]).all()
                    assert np.all(y[4] == 0)
                    f.__name__ == "layer_norm" and layer_norm_vjp(rows, np.ones_like(rows), eps=eps)
            rms_norm_vjp(rows, np.ones_like(rows))
    np.testing.assert_allclose(layer_norm(rows[:1], eps=0.0)[0], layer_norm(np.array([1.0, -1.0, 0.0, 0.0]), eps=0.0),
                               rtol=1e-15, atol=1e-16)


def test_bad_input_is_refused_by_name():
    x = np.zeros((2, 3))
    for f in (layer_norm, rms_norm):
        with pytest.raises(ValueError, match=r"x must have at least one dimension"):
            f(1.0)
        with pytest.raises(ValueError, match=r"x must have at least one feature along the last axis, got size 0"):
            f(np.zeros((2, 0)))
        with pytest.raises(ValueError, match=r"gamma must be a number or have shape \(3,\) \(one per feature\), got \(2,\)"):
            f(x, np.ones(2))
        with pytest.raises(ValueError, match=r"eps must be non-negative, got -1.0"):
            f(x, eps=-1.0)
        with pytest.raises(ValueError, match=r"eps must be finite"):
            f(x, eps=float("nan"))
        with pytest.raises(TypeError, match=r"eps must be a real number, got str"):
            f(x, eps="1e-5")
        with pytest.raises(TypeError, match=r"x must be a real number.*got str"):
            f("abc")
        with pytest.raises(TypeError, match=r"gamma must be a real number"):
            f(x, "g")
    with pytest.raises(ValueError, match=r"beta must be a number or have shape \(3,\)"):
        layer_norm(x, None, np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"g must have the shape of x \(2, 3\), got \(3,\)"):
        layer_norm_vjp(x, np.ones(3))
    with pytest.raises(ValueError, match=r"g must have the shape of x"):
        rms_norm_vjp(x, np.ones((3, 2)))
    assert actlab.layer_norm is layer_norm and actlab.rms_norm_vjp is rms_norm_vjp
