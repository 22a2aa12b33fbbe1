r"""Gated linear units (GLU family) and their vector-Jacobian products.

Each function takes one array, splits it into two halves :math:`a, b` along ``axis`` (default the
last; its size must be even) and lets the second half gate the first, exactly as
``torch.nn.functional.glu`` does:

=========  =================================  ==============================================
function   value                              paper
=========  =================================  ==============================================
glu        :math:`a \odot \sigma(b)`          Dauphin et al. (2017)
reglu      :math:`a \odot \mathrm{ReLU}(b)`   Shazeer (2020)
geglu      :math:`a \odot \mathrm{GELU}(b)`   Shazeer (2020)
swiglu     :math:`a \odot \mathrm{SiLU}(b)`   Shazeer (2020)
=========  =================================  ==============================================

In a feed-forward block the two halves are two linear maps of the same input, ``x @ W`` with ``W``
of width ``2 h`` (see :class:`actlab.blocks.GatedFeedForward`). The output has half the size of
the input along ``axis``.

``<name>_vjp(x, g)`` is the gradient with respect to ``x`` of :math:`\langle g, f(x)\rangle`,
the shape of ``x``: :math:`\partial/\partial a = g \odot f(b)` in the first half and
:math:`\partial/\partial b = g \odot a \odot f'(b)` in the second.

Dtypes: float16, float32 and float64 are kept; float16 is computed in float32 and rounded once.
NumPy has no bfloat16; round float32 results with :func:`actlab.precision.to_bfloat16` to see what
bfloat16 would store. Accuracy is that of the gate (a few ulp, :mod:`actlab.activations`) plus half
an ulp for the product. The product is undefined only where one factor is infinite and the other
exactly 0 (:math:`\infty \cdot 0`, e.g. :math:`a = \infty` with :math:`\sigma(-\infty) = 0`):
NaN there, silently, as in PyTorch.

>>> glu([1.0, 2.0, 0.0, 0.0])  # a = [1, 2], b = [0, 0]: sigma(0) = 1/2
array([0.5, 1. ])
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from . import activations as A
from ._validate import as_float_array, check_axis

__all__ = ["glu", "reglu", "geglu", "swiglu", "glu_vjp", "reglu_vjp", "geglu_vjp", "swiglu_vjp", "GATES"]

#: name -> (gate function, gate derivative) of the elementwise activation that gates the first half.
GATES = {
    "glu": (A.sigmoid, A.sigmoid_derivative),
    "reglu": (A.relu, A.relu_derivative),
    "geglu": (A.gelu, A.gelu_derivative),
    "swiglu": (A.silu, A.silu_derivative),
}


def _halves(x, axis):
    arr = as_float_array(x, "x")
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension to be split into two halves (got a scalar)")
    axis = check_axis("axis", axis, arr.ndim)
    n = arr.shape[axis]
    if n % 2:
        raise ValueError(f"x must have an even size along axis={axis} to be split into two halves, got {n}")
    work = arr.astype(np.float32) if arr.dtype == np.float16 else arr
    a, b = np.split(work, 2, axis=axis)
    return arr.dtype, a, b, axis


def _gate_params(name, approximate):
    return {"approximate": approximate} if name == "geglu" else {}


def _forward(name, x, axis, approximate="none"):
    dtype, a, b, _ = _halves(x, axis)
    gate = GATES[name][0](b, **_gate_params(name, approximate))
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 is NaN (undefined); a product may pass the float16 max
        return (a * gate).astype(dtype, copy=False)


def _vjp(name, x, g, axis, approximate="none"):
    dtype, a, b, axis = _halves(x, axis)
    g = as_float_array(g, "g")
    if g.shape != a.shape:
        raise ValueError(f"g must have the shape of {name}(x) {a.shape}, got {g.shape}")
    g = g.astype(a.dtype, copy=False)
    fn, derivative = GATES[name]
    params = _gate_params(name, approximate)
    with np.errstate(invalid="ignore", over="ignore"):
        da = g * fn(b, **params)
        db = g * a * derivative(b, **params)
        return np.concatenate([da, db], axis=axis).astype(dtype, copy=False)


def glu(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Gated linear unit: :math:`a \odot \sigma(b)` with :math:`a, b` the two halves of ``x`` along ``axis``.

    >>> glu([[2.0, -1.0, 100.0, 0.0]])
    array([[ 2. , -0.5]])
    """
    return _forward("glu", x, axis)


def reglu(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""ReGLU: :math:`a \odot \mathrm{ReLU}(b)`.

    >>> reglu([3.0, 3.0, 2.0, -2.0])
    array([6., 0.])
    """
    return _forward("reglu", x, axis)


def geglu(x: ArrayLike, axis: int = -1, approximate: Literal["none", "tanh"] = "none") -> np.ndarray:
    r"""GEGLU: :math:`a \odot \mathrm{GELU}(b)`; ``approximate`` as in :func:`actlab.gelu`.

    >>> geglu([2.0, 1.0]).round(6)
    array([1.682689])
    """
    return _forward("geglu", x, axis, approximate)


def swiglu(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""SwiGLU: :math:`a \odot \mathrm{SiLU}(b) = a \odot b\,\sigma(b)`.

    >>> swiglu([2.0, 1.0]).round(6)
    array([1.462117])
    """
    return _forward("swiglu", x, axis)


def glu_vjp(x: ArrayLike, g: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Gradient of :math:`\langle g, \mathrm{glu}(x)\rangle` w.r.t. ``x``: :math:`[g\sigma(b),\ g a \sigma(b)(1 - \sigma(b))]`.

    >>> glu_vjp([1.0, 0.0], [1.0])
    array([0.5 , 0.25])
    """
    return _vjp("glu", x, g, axis)


def reglu_vjp(x: ArrayLike, g: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Gradient of :math:`\langle g, \mathrm{reglu}(x)\rangle` w.r.t. ``x`` (ReLU'(0) = 0, as in PyTorch).

    >>> reglu_vjp([3.0, 2.0], [1.0])
    array([2., 3.])
    """
    return _vjp("reglu", x, g, axis)


def geglu_vjp(x: ArrayLike, g: ArrayLike, axis: int = -1,
              approximate: Literal["none", "tanh"] = "none") -> np.ndarray:
    r"""Gradient of :math:`\langle g, \mathrm{geglu}(x)\rangle` w.r.t. ``x``.

    >>> geglu_vjp([1.0, 0.0], [1.0])
    array([0. , 0.5])
    """
    return _vjp("geglu", x, g, axis, approximate)


def swiglu_vjp(x: ArrayLike, g: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Gradient of :math:`\langle g, \mathrm{swiglu}(x)\rangle` w.r.t. ``x``: :math:`[g\,\mathrm{SiLU}(b),\ g a\,\mathrm{SiLU}'(b)]`.

    >>> swiglu_vjp([1.0, 0.0], [1.0])
    array([0. , 0.5])
    """
    return _vjp("swiglu", x, g, axis)
