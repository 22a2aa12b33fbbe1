r"""The softmax inside attention: scaled, masked, and defined for a row with nothing left to attend to.

Scaled dot-product attention (Vaswani et al. 2017) is
:math:`\mathrm{softmax}(QK^\top/\sqrt{d})\,V`: each query's scores against every key are scaled,
entries the mask forbids are set to :math:`-\infty` (probability exactly 0), and the softmax of
each row weighs the values.

A **fully masked row** (every entry forbidden, or every score :math:`-\infty`) has no softmax:
:math:`0/0`. :func:`actlab.softmax`, like ``torch.softmax``, returns NaN there. Attention gives
**zeros** instead: the query attends to nothing and its output is the zero vector, and no NaN
reaches the next layer or the gradients. PyTorch's ``scaled_dot_product_attention`` does the same
since pull request pytorch/pytorch#131863 (August 2024: its math path calls ``_safe_softmax``,
which replaces the rows whose entries are all :math:`-\infty` by 0); the tests compare both
behaviours with outputs PyTorch 2.13 itself produced (``tests/lib/data/torch_reference.npz``).

The mask is boolean and broadcasts against the scores, ``True`` meaning *may attend* (PyTorch's
convention for a boolean ``attn_mask``). Scores are scaled and normalised in float32 for float16
input (and in the input's precision otherwise) and rounded once, so large float16 scores neither
overflow nor lose the softmax: the result is right in float16 wherever the float32 one is.
NumPy has no bfloat16 (see :mod:`actlab.precision`). A row holding NaN or :math:`+\infty` has no
defined softmax and gives NaN, as in PyTorch.

>>> attention_softmax([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], mask=[[True, True, False], [False, False, False]])
array([[0.26894142, 0.73105858, 0.        ],
       [0.        , 0.        , 0.        ]])
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_axis, check_real
from .softmax import softmax

__all__ = ["attention_softmax", "attention_softmax_vjp", "scaled_dot_product_attention", "causal_mask"]


def causal_mask(n: int, m: int | None = None) -> np.ndarray:
    """The ``(n, m)`` boolean mask of causal (decoder) attention: query ``i`` may attend to keys ``j <= i``.

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    from ._validate import check_int

    n = check_int("n", n)
    m = n if m is None else check_int("m", m)
    return np.tri(n, m, dtype=bool)


def _check_mask(mask, shape):
    if mask is None:
        return None
    arr = np.asarray(mask)
    if arr.dtype != np.bool_:
        raise TypeError(f"mask must be a boolean array (True = may attend), got dtype {arr.dtype}")
    try:
        np.broadcast_shapes(arr.shape, shape)
    except ValueError:
        raise ValueError(f"mask of shape {arr.shape} does not broadcast against scores of shape {shape}") from None
    if np.broadcast_shapes(arr.shape, shape) != tuple(shape):
        raise ValueError(f"mask of shape {arr.shape} would enlarge scores of shape {shape}; it must broadcast to it")
    return arr


def _scaled_scores(scores, mask, scale, axis):
    arr = as_float_array(scores, "scores")
    if arr.ndim == 0:
        raise ValueError("scores must have at least one dimension (got a scalar)")
    axis = check_axis("axis", axis, arr.ndim)
    scale = check_real("scale", scale, positive=True)
    mask = _check_mask(mask, arr.shape)
    work = arr.astype(np.float32) if arr.dtype == np.float16 else arr
    with np.errstate(over="ignore"):
        z = work * work.dtype.type(scale) if scale != 1 else work.copy()
    over = np.isinf(z) & np.isfinite(work)
    if over.any():  # a finite score scaled past the float max: the largest finite value, not +inf (NaN)
        z[over] = np.copysign(np.finfo(z.dtype).max, z[over])
    if mask is not None:
        z = np.where(mask, z, -np.inf)
    return arr.dtype, z, axis


def _safe_softmax(z, axis):
    empty = np.all(z == -np.inf, axis=axis, keepdims=True)
    s = softmax(z, axis=axis)
    if empty.any():
        s = np.where(empty, 0, s)
    return s


def attention_softmax(scores: ArrayLike, mask: ArrayLike | None = None, *, scale: float = 1.0,
                      axis: int = -1) -> np.ndarray:
    r"""Softmax of ``scale * scores`` along ``axis``, masked entries 0, a fully masked row all 0.

    ``mask``: booleans broadcasting to ``scores``, ``True`` where attention is allowed. ``scale``:
    a positive number, usually :math:`1/\sqrt{d}` for queries and keys of dimension :math:`d`.

    >>> attention_softmax([[30000.0, 29990.0]], scale=0.125).round(4)  # fine even as float16
    array([[0.7773, 0.2227]])
    """
    dtype, z, axis = _scaled_scores(scores, mask, scale, axis)
    return _safe_softmax(z, axis).astype(dtype, copy=False)


def attention_softmax_vjp(scores: ArrayLike, g: ArrayLike, mask: ArrayLike | None = None, *,
                          scale: float = 1.0, axis: int = -1) -> np.ndarray:
    r"""Gradient of :math:`\langle g, \mathrm{attention\_softmax}(\text{scores})\rangle` w.r.t. ``scores``.

    :math:`\text{scale}\cdot s \odot (g - \langle s, g\rangle)` along ``axis``: 0 at masked
    entries and in fully masked rows.

    >>> attention_softmax_vjp([[0.0, 0.0]], [[1.0, 0.0]])
    array([[ 0.25, -0.25]])
    """
    dtype, z, axis = _scaled_scores(scores, mask, scale, axis)
    g = as_float_array(g, "g")
    if g.shape != z.shape:
        raise ValueError(f"g must have the shape of scores {z.shape}, got {g.shape}")
    g = g.astype(z.dtype, copy=False)
    s = _safe_softmax(z, axis)
    out = s * (g - np.sum(s * g, axis=axis, keepdims=True))
    out *= scale
    return out.astype(dtype, copy=False)


def scaled_dot_product_attention(q: ArrayLike, k: ArrayLike, v: ArrayLike, mask: ArrayLike | None = None, *,
                                 scale: float | None = None) -> np.ndarray:
    r"""Attention: :math:`\mathrm{attention\_softmax}(QK^\top, \text{mask}, \text{scale})\,V`.

    ``q``: ``(..., n, d)``, ``k``: ``(..., m, d)``, ``v``: ``(..., m, d_v)``; ``mask`` broadcasts to
    ``(..., n, m)``; ``scale`` defaults to :math:`1/\sqrt{d}` (as ``torch.nn.functional.
    scaled_dot_product_attention``). A fully masked query gets the zero vector. float16 inputs are
    computed in float32 and rounded once.

    >>> q = k = np.eye(2); v = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> scaled_dot_product_attention(q, k, v, mask=causal_mask(2)).round(4)
    array([[1.    , 0.    ],
           [0.3302, 0.6698]])
    """
    q, k, v = (as_float_array(a, name) for a, name in ((q, "q"), (k, "k"), (v, "v")))
    for a, name in ((q, "q"), (k, "k"), (v, "v")):
        if a.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., length, features), got shape {a.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same feature size, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must hold the same number of keys, got {k.shape[-2]} and {v.shape[-2]}")
    dtype = np.result_type(q, k, v)
    work = np.float32 if dtype == np.float16 else dtype
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = np.matmul(q.astype(work), np.swapaxes(k.astype(work), -1, -2))
    weights = attention_softmax(scores, mask, scale=scale)
    return np.matmul(weights, v.astype(work)).astype(dtype, copy=False)
