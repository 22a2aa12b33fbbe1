r"""Softmax and log-softmax along an axis, with their Jacobian-vector products.

Both subtract the maximum along ``axis`` first, which changes nothing mathematically and keeps
``exp`` from overflowing (``softmax([1000, 1001, 1002])`` is fine). Entries of ``-inf`` get
probability 0. A slice that is entirely ``-inf``, or holds ``+inf`` or NaN, has no defined softmax
and gives NaN, silently, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

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
    """x - max(x) along axis; a non-finite maximum is replaced by 0 so no inf - inf arises."""
    m = np.max(x, axis=axis, keepdims=True)
    m[~np.isfinite(m)] = 0
    return np.subtract(x, m)


def softmax(x, axis=-1):
    r"""Softmax: :math:`\mathrm{softmax}(x)_i = e^{x_i} / \sum_k e^{x_k}` along ``axis``.

    >>> softmax([0.0, 1.0, 2.0]).round(3)
    array([0.09 , 0.245, 0.665])
    """
    dtype, x, axis = _prepare(x, axis)
    e = _shifted(x, axis)
    np.exp(e, out=e)
    with np.errstate(invalid="ignore", divide="ignore"):  # only undefined slices reach 0/0 or inf/inf
        e /= np.sum(e, axis=axis, keepdims=True)
    return e.astype(dtype, copy=False)


def log_softmax(x, axis=-1):
    r"""Log-softmax: :math:`x_i - \log\sum_k e^{x_k}`, computed without forming the softmax.

    >>> log_softmax([0.0, 0.0]).round(6)
    array([-0.693147, -0.693147])
    """
    dtype, x, axis = _prepare(x, axis)
    z = _shifted(x, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        z -= np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
    return z.astype(dtype, copy=False)


def _tangent(v, x, dtype):
    v = as_float_array(v, "v")
    if v.shape != x.shape:
        raise ValueError(f"v must have the shape of x {x.shape}, got {v.shape}")
    return v.astype(np.float32 if dtype == np.float16 else dtype, copy=False)


def softmax_jvp(x, v, axis=-1):
    r"""Jacobian of softmax times ``v``: :math:`s \odot (v - \langle s, v\rangle)` with :math:`s = \mathrm{softmax}(x)`.

    The Jacobian :math:`\mathrm{diag}(s) - s s^\top` is symmetric, so this is also the VJP.
    """
    dtype, xw, axis = _prepare(x, axis)
    v = _tangent(v, xw, dtype)
    s = softmax(xw, axis=axis)
    return (s * (v - np.sum(s * v, axis=axis, keepdims=True))).astype(dtype, copy=False)


softmax_vjp = softmax_jvp


def log_softmax_jvp(x, v, axis=-1):
    r"""Jacobian of log-softmax times ``v``: :math:`v - \langle s, v\rangle`."""
    dtype, xw, axis = _prepare(x, axis)
    v = _tangent(v, xw, dtype)
    s = softmax(xw, axis=axis)
    return (v - np.sum(s * v, axis=axis, keepdims=True)).astype(dtype, copy=False)


def log_softmax_vjp(x, g, axis=-1):
    r"""Transposed Jacobian of log-softmax times ``g``: :math:`g - s \sum_k g_k` (what backprop needs)."""
    dtype, xw, axis = _prepare(x, axis)
    g = _tangent(g, xw, dtype)
    s = softmax(xw, axis=axis)
    return (g - s * np.sum(g, axis=axis, keepdims=True)).astype(dtype, copy=False)
