"""softmax / log_softmax and their JVPs/VJPs: mpmath and SciPy references, invariants, extremes."""
from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special

from actlab import log_softmax, log_softmax_jvp, log_softmax_vjp, softmax, softmax_jvp, softmax_vjp

mp.mp.dps = 50

finite = st.floats(-500, 500, allow_nan=False, allow_infinity=False)
arrays_2d = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6), elements=finite)


def _mp_softmax(row):
    row = [mp.mpf(float(v)) for v in row]
    m = max(row)
    e = [mp.exp(v - m) for v in row]
    total = mp.fsum(e)
    return [v / total for v in e], [v - m - mp.log(total) for v in row]


def _ulps(actual, exact):
    return float(abs(mp.mpf(float(actual)) - exact) / mp.mpf(float(np.spacing(abs(float(exact)) or 5e-324))))


@settings(max_examples=80)
@given(st.lists(st.floats(-700, 700), min_size=1, max_size=12))
def test_matches_mpmath_to_a_few_ulp(values):
    x = np.array(values)
    s, ls = softmax(x), log_softmax(x)
    ms, mls = _mp_softmax(x)
    for a, e in zip(s, ms):
        if e > 1e-300:  # below that the ulp is subnormal
            assert _ulps(a, e) <= 8, (x, a, e)
    scale = float(np.max(np.abs(x)))
    for a, e in zip(ls, mls):
        # x_i - max(x) - log(sum): when it cancels, the error is an ulp of the inputs, not of the result
        assert _ulps(a, e) <= 8 or abs(float(a) - float(e)) <= 4 * np.spacing(scale), (x, a, e)


@settings(max_examples=80)
@given(arrays_2d, st.data())
def test_invariants(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    s = softmax(x, axis=axis)
    assert s.shape == x.shape and s.dtype == x.dtype
    assert np.all(s >= 0) and np.all(s <= 1)
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=0, atol=8 * np.finfo(float).eps * x.shape[axis])
    # shift invariance along the axis. x + c, SciPy's x - max and log_softmax are each rounded
    # to an ulp of a number up to |x| + |c| in size, and exp turns that absolute error into a
    # relative one of (|x| + |c|) eps: that conditioning is the tolerance (ours is tighter, see
    # test_matches_mpmath_to_a_few_ulp)
    c = data.draw(st.sampled_from([-512.0, -3.0, 0.25, 64.0]))
    cond = 4 * np.finfo(float).eps * (1 + np.max(np.abs(x)) + abs(c))
    np.testing.assert_allclose(softmax(x + c, axis=axis), s, rtol=cond, atol=1e-300)
    np.testing.assert_allclose(s, special.softmax(x, axis=axis), rtol=cond, atol=1e-300)
    ls = log_softmax(x, axis=axis)
    np.testing.assert_allclose(ls, special.log_softmax(x, axis=axis), rtol=1e-13, atol=cond)
    np.testing.assert_allclose(np.exp(ls), s, rtol=cond, atol=1e-300)


def test_axis_handling_matches_transpose():
    x = np.random.default_rng(0).normal(size=(4, 5, 6))
    for axis in range(-3, 3):
        moved = np.moveaxis(x, axis, -1)
        np.testing.assert_allclose(softmax(x, axis=axis), np.moveaxis(softmax(moved), -1, axis), rtol=1e-15)
        np.testing.assert_allclose(log_softmax(x, axis=axis), np.moveaxis(log_softmax(moved), -1, axis), rtol=1e-15)


def test_extremes_from_the_issue_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = softmax([1000.0, 1001.0, 1002.0])
        np.testing.assert_allclose(s, softmax([0.0, 1.0, 2.0]), rtol=1e-15)
        assert np.isfinite(s).all()
        ls = log_softmax([1000.0, 1001.0, 1002.0])
        np.testing.assert_allclose(ls, log_softmax([0.0, 1.0, 2.0]), rtol=1e-15)
        s = softmax([-np.inf, 0.0, 0.0, -np.inf])
        np.testing.assert_array_equal(s, [0.0, 0.5, 0.5, 0.0])
        ls = log_softmax([-np.inf, 0.0])
        assert ls[0] == -np.inf and ls[1] == 0
        s = softmax([-1e308, 1e308])
        np.testing.assert_array_equal(s, [0.0, 1.0])
        assert softmax([-1000.0, 0.0])[0] == 0 and log_softmax([-1000.0, 0.0])[0] == -1000
        # undefined slices give NaN silently (as PyTorch), the other rows are unaffected
        s = softmax(np.array([[-np.inf, -np.inf], [np.inf, 0.0], [np.nan, 1.0], [1.0, 1.0]]))
        assert np.isnan(s[:3]).all() and (s[3] == 0.5).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(dtype):
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 60000.0]], dtype=dtype)
    for f in (softmax, log_softmax):
        y = f(x)
        assert y.dtype == dtype
        np.testing.assert_allclose(y.astype(np.float64), f(x.astype(np.float64)),
                                   rtol=2 * np.finfo(dtype).eps, atol=2 * np.finfo(dtype).eps)
    v = np.ones_like(x)
    for jvp in (softmax_jvp, log_softmax_jvp, log_softmax_vjp):
        assert jvp(x, v).dtype == dtype


def test_integers_and_lists_give_float64():
    assert softmax([1, 2, 3]).dtype == np.float64
    assert log_softmax(np.array([1, 2], dtype=np.int32)).dtype == np.float64


def _jacobian(f, x, h=1e-6):
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


@settings(max_examples=40)
@given(hnp.arrays(np.float64, st.integers(1, 7), elements=st.floats(-5, 5)), st.integers(0, 2**32 - 1))
def test_jvp_and_vjp_match_jacobians(x, seed):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=x.shape)
    s = softmax(x)
    J = np.diag(s) - np.outer(s, s)  # analytic Jacobian of softmax
    np.testing.assert_allclose(J, _jacobian(softmax, x), atol=1e-8)
    np.testing.assert_allclose(softmax_jvp(x, v), J @ v, atol=1e-14)
    np.testing.assert_allclose(softmax_vjp(x, v), J.T @ v, atol=1e-14)
    JL = np.eye(x.size) - s[None, :]  # d log_softmax_i / d x_j = delta_ij - s_j
    np.testing.assert_allclose(JL, _jacobian(log_softmax, x), atol=1e-8)
    np.testing.assert_allclose(log_softmax_jvp(x, v), JL @ v, atol=1e-13)
    np.testing.assert_allclose(log_softmax_vjp(x, v), JL.T @ v, atol=1e-13)


def test_jvp_along_an_axis():
    rng = np.random.default_rng(1)
    x, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for axis in (0, 1, -1):
        h = 1e-6
        fd = (softmax(x + h * v, axis=axis) - softmax(x - h * v, axis=axis)) / (2 * h)
        np.testing.assert_allclose(softmax_jvp(x, v, axis=axis), fd, atol=1e-9)
        fd = (log_softmax(x + h * v, axis=axis) - log_softmax(x - h * v, axis=axis)) / (2 * h)
        np.testing.assert_allclose(log_softmax_jvp(x, v, axis=axis), fd, atol=1e-9)


def test_vjp_is_the_gradient_of_a_loss():
    # d/dx of sum(g * log_softmax(x)) is log_softmax_vjp(x, g): cross-entropy's gradient s - y
    x = np.array([0.3, -1.2, 2.0, 0.0])
    y = np.array([0.0, 0.0, 1.0, 0.0])
    np.testing.assert_allclose(-log_softmax_vjp(x, y), softmax(x) - y, atol=1e-15)


def test_jvp_has_no_warnings_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = softmax_jvp([1000.0, 1001.0, -np.inf], [1.0, -1.0, 5.0])
        assert np.isfinite(out).all() and out[2] == 0
