r"""Layer normalisation and RMS normalisation over the last axis, with their vector-Jacobian products.

=============  =====================================================================  ==========================
function       value (over the last axis, :math:`n` features)                          paper
=============  =====================================================================  ==========================
layer_norm     :math:`\gamma \odot (x - \mu)/\sqrt{\sigma^2 + \epsilon} + \beta`       Ba et al. (2016)
rms_norm       :math:`\gamma \odot x/\sqrt{\overline{x^2} + \epsilon}`                  Zhang and Sennrich (2019)
=============  =====================================================================  ==========================

:math:`\mu` and :math:`\sigma^2` (biased) are the mean and variance of each row; unlike batch
normalisation nothing depends on the other rows of the batch, so training and evaluation compute
the same thing. ``eps`` defaults to PyTorch's: 1e-5 for ``layer_norm``
(``torch.nn.functional.layer_norm``), and the machine epsilon of the input's dtype for
``rms_norm`` (``torch.nn.functional.rms_norm`` with ``eps=None``).

Numerics: each row is first scaled by a power of two (exact) so that neither the sum of squares
nor the mean overflows or underflows (rows of 1e200 or 1e-200 normalise like rows of 1); the mean
is corrected by a second pass, so rows far from 0 (1e8 + noise) keep their relative accuracy; the
denominator is ``hypot(std, sqrt(eps))``. float16 is computed in float32 and rounded once, as
PyTorch does for half precision; NumPy has no bfloat16 (see :mod:`actlab.precision`). A row of
equal values gives 0 (then :math:`\beta`). NaN or infinity in a row gives NaN for that row.

``*_vjp(x, g, ...)`` return ``(dx, dgamma[, dbeta])``: the gradient of :math:`\langle g, y\rangle`
with respect to ``x`` (shape of ``x``) and to the parameters (summed over all other axes).

>>> layer_norm([[1.0, 2.0, 3.0]], eps=0.0).round(6)
array([[-1.224745,  0.      ,  1.224745]])
>>> rms_norm([[3.0, 4.0]], eps=0.0).round(6)  # mean square 12.5
array([[0.848528, 1.131371]])
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_real

__all__ = ["layer_norm", "rms_norm", "layer_norm_vjp", "rms_norm_vjp", "LayerNormGrads", "RMSNormGrads"]


class LayerNormGrads(NamedTuple):
    """What :func:`layer_norm_vjp` returns: the gradients with respect to ``x``, ``gamma`` and ``beta``."""

    x: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray


class RMSNormGrads(NamedTuple):
    """What :func:`rms_norm_vjp` returns: the gradients with respect to ``x`` and ``gamma``."""

    x: np.ndarray
    gamma: np.ndarray


def _prepare(x, eps, default_eps):
    arr = as_float_array(x, "x")
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension: normalisation is over the last axis (got a scalar)")
    if arr.shape[-1] == 0:
        raise ValueError("x must have at least one feature along the last axis, got size 0")
    if eps is None:
        eps = float(np.finfo(arr.dtype).eps) if default_eps is None else default_eps
    eps = check_real("eps", eps)
    if eps < 0:
        raise ValueError(f"eps must be non-negative, got {eps}")
    work = arr.astype(np.float32) if arr.dtype == np.float16 else arr
    return arr.dtype, work, eps


def _param(value, name, n, dtype):
    if value is None:
        return None
    p = as_float_array(value, name)
    if p.shape not in ((), (n,)):
        raise ValueError(f"{name} must be a number or have shape ({n},) (one per feature), got {p.shape}")
    return p.astype(dtype, copy=False)


def _row_scale(top, dtype):
    """2^k per row with max|x| / 2^k in [1, 2): dividing by it is exact and keeps squares finite
    (2^k itself stays finite even for rows holding the float max)."""
    top = np.where(np.isfinite(top) & (top > 0), top, 1.0).astype(dtype)
    _, exponent = np.frexp(top)
    return np.ldexp(np.ones_like(top), exponent - 1)


def _normalise(x, eps, center):
    """(x_hat, inv) with x_hat = (x - mean) * inv, inv = 1 / sqrt(var + eps) (or the RMS forms).

    Rows whose largest magnitude lies where squares and their sum can neither overflow nor lose
    the result to underflow (the usual case) take the direct path; only other inputs pay for the
    power-of-two scaling and the hypot.
    """
    with np.errstate(invalid="ignore"):
        top = np.max(np.abs(x), axis=-1, keepdims=True)
    info = np.finfo(x.dtype)
    n = x.shape[-1]
    direct = bool(np.all((top <= np.sqrt(info.max / (8 * n))) & (top >= np.sqrt(info.smallest_normal) * 2 ** 12)
                         | (top == 0)))
    with np.errstate(invalid="ignore", over="ignore", under="ignore", divide="ignore"):
        if direct:
            d = x
        else:
            scale = _row_scale(top, x.dtype)
            d = x / scale
        if center:
            d = d - np.mean(d, axis=-1, keepdims=True)
            d -= np.mean(d, axis=-1, keepdims=True)  # second pass: removes the rounding of the first mean
        var = np.mean(d * d, axis=-1, keepdims=True)
        if direct:
            denom = np.sqrt(var + eps)
            a = 1.0
            inv = 1.0 / denom
        else:
            # sqrt(var + eps) in the scaled units: hypot(spread * s, sqrt(eps)) / s, arranged so that
            # neither factor overflows: for s < 1 multiply the spread, for s >= 1 divide sqrt(eps)
            small = scale < 1
            a = np.where(small, scale, 1.0)
            b = np.where(small, 1.0, 1.0 / scale)
            denom = np.hypot(np.sqrt(var) * a, np.sqrt(eps) * b)  # = sqrt(var + eps) * b
            inv = b / denom
        factor = np.where(denom == 0, 0.0, a / denom).astype(x.dtype)  # a constant row with eps = 0: 0
        inv = np.where(denom == 0, 0.0, inv)
        x_hat = d * factor
    undefined = ~np.isfinite(top)  # a row holding inf or NaN: inf / inf, no normalised value
    if undefined.any():
        x_hat = np.where(undefined, np.nan, x_hat)
        inv = np.where(undefined, np.nan, inv)
    return x_hat.astype(x.dtype, copy=False), inv


def layer_norm(x: ArrayLike, gamma: ArrayLike | None = None, beta: ArrayLike | None = None, *,
               eps: float = 1e-5) -> np.ndarray:
    r"""Layer normalisation over the last axis: :math:`\gamma \odot (x - \mu)/\sqrt{\sigma^2 + \epsilon} + \beta`.

    ``gamma`` and ``beta`` are numbers or arrays of shape ``(n,)`` (default 1 and 0).

    >>> layer_norm([[0.0, 10.0]], gamma=[1.0, 2.0], beta=[0.5, 0.0], eps=0.0)
    array([[-0.5,  2. ]])
    """
    dtype, x, eps = _prepare(x, eps, 1e-5)
    n = x.shape[-1]
    g, b = _param(gamma, "gamma", n, x.dtype), _param(beta, "beta", n, x.dtype)
    y, _ = _normalise(x, eps, center=True)
    if g is not None:
        y = y * g
    if b is not None:
        y = y + b
    return y.astype(dtype, copy=False)


def rms_norm(x: ArrayLike, gamma: ArrayLike | None = None, *, eps: float | None = None) -> np.ndarray:
    r"""RMS normalisation over the last axis: :math:`\gamma \odot x / \sqrt{\tfrac1n\sum_i x_i^2 + \epsilon}`.

    No mean is subtracted and there is no :math:`\beta`. ``eps=None`` is the machine epsilon of
    the input's dtype (PyTorch's default).

    >>> rms_norm([[1.0, -1.0, 1.0, -1.0]], gamma=2.0, eps=0.0)
    array([[ 2., -2.,  2., -2.]])
    """
    dtype, x, eps = _prepare(x, eps, None)
    g = _param(gamma, "gamma", x.shape[-1], x.dtype)
    y, _ = _normalise(x, eps, center=False)
    if g is not None:
        y = y * g
    return y.astype(dtype, copy=False)


def _cotangent(g, x, dtype):
    g = as_float_array(g, "g")
    if g.shape != x.shape:
        raise ValueError(f"g must have the shape of x {x.shape}, got {g.shape}")
    return g.astype(x.dtype, copy=False)


def _sum_but_last(a):
    return a.reshape(-1, a.shape[-1]).sum(axis=0)


def layer_norm_vjp(x: ArrayLike, g: ArrayLike, gamma: ArrayLike | None = None, *,
                   eps: float = 1e-5) -> LayerNormGrads:
    r"""Gradients of :math:`\langle g, \mathrm{layer\_norm}(x)\rangle`: ``(dx, dgamma, dbeta)``.

    .. math:: \frac{\partial}{\partial x} = \frac{1}{\sqrt{\sigma^2+\epsilon}}
              \big(h - \overline{h} - \hat x\,\overline{h\,\hat x}\big),\quad h = \gamma \odot g

    (bars are means over the last axis; :math:`\beta` does not enter ``dx``).

    >>> layer_norm_vjp([[1.0, 3.0]], [[1.0, 1.0]], eps=0.0).x  # a shift changes nothing
    array([[0., 0.]])
    """
    dtype, x, eps = _prepare(x, eps, 1e-5)
    g = _cotangent(g, x, dtype)
    gam = _param(gamma, "gamma", x.shape[-1], x.dtype)
    x_hat, inv = _normalise(x, eps, center=True)
    h = g if gam is None else g * gam
    with np.errstate(invalid="ignore", over="ignore"):
        dx = h - np.mean(h, axis=-1, keepdims=True) - x_hat * np.mean(h * x_hat, axis=-1, keepdims=True)
        dx *= inv
    dgamma = _sum_but_last(g * x_hat)
    dbeta = _sum_but_last(g)
    return LayerNormGrads(dx.astype(dtype, copy=False), dgamma.astype(dtype, copy=False),
                          dbeta.astype(dtype, copy=False))


def rms_norm_vjp(x: ArrayLike, g: ArrayLike, gamma: ArrayLike | None = None, *,
                 eps: float | None = None) -> RMSNormGrads:
    r"""Gradients of :math:`\langle g, \mathrm{rms\_norm}(x)\rangle`: ``(dx, dgamma)``.

    .. math:: \frac{\partial}{\partial x} = \frac{1}{\sqrt{\overline{x^2}+\epsilon}}
              \big(h - \hat x\,\overline{h\,\hat x}\big),\quad h = \gamma \odot g

    >>> rms_norm_vjp([[2.0, 2.0]], [[1.0, 1.0]], eps=0.0).x  # scaling x changes nothing
    array([[0., 0.]])
    """
    dtype, x, eps = _prepare(x, eps, None)
    g = _cotangent(g, x, dtype)
    gam = _param(gamma, "gamma", x.shape[-1], x.dtype)
    x_hat, inv = _normalise(x, eps, center=False)
    h = g if gam is None else g * gam
    with np.errstate(invalid="ignore", over="ignore"):
        dx = h - x_hat * np.mean(h * x_hat, axis=-1, keepdims=True)
        dx *= inv
    dgamma = _sum_but_last(g * x_hat)
    return RMSNormGrads(dx.astype(dtype, copy=False), dgamma.astype(dtype, copy=False))
