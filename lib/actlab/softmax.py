r"""Softmax and log-softmax along an axis, with their Jacobian-vector products.

Inputs whose exponentials can neither overflow nor underflow take ``exp(x) / sum(exp(x))``
directly (the usual logits); any other input subtracts the maximum along ``axis`` first, which
changes nothing mathematically and keeps ``exp`` from overflowing (``softmax([1000, 1001,
1002])`` is fine), with the rounding error of that subtraction recovered exactly (TwoSum), so
both paths are accurate to a few ulp. Entries of ``-inf`` get
probability 0. A slice that is entirely ``-inf``, or holds ``+inf`` or NaN, has no defined softmax
and gives NaN, silently, as PyTorch does.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_axis

__all__ = ["softmax", "log_softmax", "softmax_jvp", "log_softmax_jvp", "softmax_vjp", "log_softmax_vjp"]


def _prepare(x, axis):
    arr = as_float_array(x, "x")
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension for softmax (got a scalar)")
    axis = check_axis("axis", axis, arr.ndim)
    work = arr.astype(np.float32) if arr.dtype == np.float16 else arr
    return arr.dtype, work, axis


def _shifted(x, axis):
    """d = x - max(x) along axis, and its exact rounding error err (x - max = d + err exactly).

    Rounding x - max costs up to |x - max| / 2 ulp in exp(x - max): ~16 ulp at a gap of 29,
    hundreds in the far tail. Knuth's TwoSum recovers the error, and exp(d) (1 + err) is then
    right to a few ulp. Where d is infinite err is NaN and is replaced (exp(d) is 0 there).
    """
    m = np.max(x, axis=axis, keepdims=True)
    m[m == -np.inf] = 0  # an all -inf slice: 0/0 below; a +inf maximum: inf - inf, NaN (PyTorch)
    with np.errstate(over="ignore", invalid="ignore"):  # -1e308 - 1e308 = -inf, exp -> 0: right
        d = np.subtract(x, m)
        bb = np.subtract(d, x)
        err = np.subtract(d, bb)
        np.subtract(x, err, out=err)
        bb += m
        err -= bb
    np.fmax(err, -0.5, out=err)  # NaN (from an infinite d) -> -0.5; real errors are < 1e-13
    return d, err


def _direct(x, axis):
    """True when exp(x) itself can neither overflow (nor its sum) nor underflow to a subnormal.

    Then softmax = exp(x) / sum(exp(x)) needs no shift at all: exp of the exact input is right to
    an ulp, where exp(x - max) pays for the rounding of x - max (or for correcting it). The
    common case (logits of moderate size) takes this path; anything else the shifted one.
    """
    if x.size == 0:
        return False
    info = np.finfo(x.dtype)
    hi = np.log(info.max) - np.log(x.shape[axis]) - 1.0
    lo = np.log(info.smallest_normal)
    return bool(np.max(x) <= hi and np.min(x) >= lo)  # False for NaN or infinities


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Softmax: :math:`\mathrm{softmax}(x)_i = e^{x_i} / \sum_k e^{x_k}` along ``axis``.

    >>> softmax([0.0, 1.0, 2.0]).round(3)
    array([0.09 , 0.245, 0.665])
    """
    dtype, x, axis = _prepare(x, axis)
    if _direct(x, axis):
        e = np.exp(x)
    else:
        e, err = _shifted(x, axis)
        np.exp(e, out=e)
        err += 1
        e *= err
    with np.errstate(invalid="ignore", divide="ignore"):  # only undefined slices reach 0/0 or inf/inf
        e /= np.sum(e, axis=axis, keepdims=True)
    return e.astype(dtype, copy=False)


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Log-softmax: :math:`x_i - \log\sum_k e^{x_k}`, computed without forming the softmax.

    >>> log_softmax([0.0, 0.0]).round(6)
    array([-0.693147, -0.693147])
    """
    dtype, x, axis = _prepare(x, axis)
    z, err = _shifted(x, axis)
    # log of the sum as log1p of the terms other than the maximum's (which is exactly 1): where
    # one entry dominates, log(1 + small) would lose small's low bits, and the result near 0
    # many ulp. err matters for each term's own size, not in the sum (|d| e^d < 0.37).
    e = np.exp(z)
    top = np.argmax(x, axis=axis, keepdims=True)
    e_top = np.take_along_axis(e, top, axis=axis)  # 1, or 0 for an all -inf slice, or NaN
    np.put_along_axis(e, top, 0.0, axis=axis)
    rest = np.sum(e, axis=axis, keepdims=True)
    rest += e_top - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        z -= np.log1p(rest)
    z += err
    return z.astype(dtype, copy=False)


def _tangent(v, x, dtype, name="v"):
    v = as_float_array(v, name)
    if v.shape != x.shape:
        raise ValueError(f"{name} must have the shape of x {x.shape}, got {v.shape}")
    return v.astype(np.float32 if dtype == np.float16 else dtype, copy=False)


def softmax_jvp(x: ArrayLike, v: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Jacobian of softmax times ``v``: :math:`s \odot (v - \langle s, v\rangle)` with :math:`s = \mathrm{softmax}(x)`.

    The Jacobian :math:`\mathrm{diag}(s) - s s^\top` is symmetric, so this is also the VJP.
    """
    dtype, xw, axis = _prepare(x, axis)
    v = _tangent(v, xw, dtype)
    s = softmax(xw, axis=axis)
    return (s * (v - np.sum(s * v, axis=axis, keepdims=True))).astype(dtype, copy=False)


softmax_vjp = softmax_jvp


def log_softmax_jvp(x: ArrayLike, v: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Jacobian of log-softmax times ``v``: :math:`v - \langle s, v\rangle`."""
    dtype, xw, axis = _prepare(x, axis)
    v = _tangent(v, xw, dtype)
    s = softmax(xw, axis=axis)
    return (v - np.sum(s * v, axis=axis, keepdims=True)).astype(dtype, copy=False)


def log_softmax_vjp(x: ArrayLike, g: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Transposed Jacobian of log-softmax times ``g``: :math:`g - s \sum_k g_k` (what backprop needs)."""
    dtype, xw, axis = _prepare(x, axis)
    g = _tangent(g, xw, dtype, "g")
    s = softmax(xw, axis=axis)
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(dtype, copy=False)
