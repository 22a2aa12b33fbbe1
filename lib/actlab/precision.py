r"""Low-precision floating-point formats: their limits, and rounding to bfloat16 without a bfloat16 dtype.

=========  ====  ========  ==============  =====================  ======================
format     bits  mantissa  largest         smallest normal        machine epsilon
=========  ====  ========  ==============  =====================  ======================
float16    16    10 + 1    65504           6.1e-5                 9.8e-4 (2^-10)
bfloat16   16    7 + 1     3.39e38         1.18e-38               7.8e-3 (2^-7)
float32    32    23 + 1    3.40e38         1.18e-38               1.2e-7 (2^-23)
=========  ====  ========  ==============  =====================  ======================

float16 trades range for precision; bfloat16 keeps float32's exponent (so its range) and drops
16 bits of mantissa. NumPy has float16 but no bfloat16. :func:`to_bfloat16` rounds to the nearest
bfloat16 value (ties to even, subnormals and overflow to infinity included, as hardware does) and
returns it in a float32 array, which holds every bfloat16 value exactly: the usual picture of
mixed precision, where values are stored in bfloat16 and computed in float32. The tests check it
bit for bit against ``ml_dtypes.bfloat16`` (the type JAX uses); the library itself does not need
``ml_dtypes``. Computing a function "in bfloat16" here means computing it in float32 and rounding
the result, which is what a bfloat16 kernel that accumulates in float32 returns.

>>> to_bfloat16([1.0, 1.00390625, 1.01171875, 65504.0]).tolist()  # 1 + 2^-8 ties to 1, 1 + 3 * 2^-8 to 1 + 2^-6
[1.0, 1.0, 1.015625, 65536.0]
"""
from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from ._validate import as_float_array

__all__ = ["to_bfloat16", "FloatFormat", "FORMATS", "round_to"]


class FloatFormat(NamedTuple):
    """Limits of a floating-point format (all plain Python floats)."""

    name: str
    bits: int
    mantissa_bits: int  # stored bits; the significand has one more
    max: float
    smallest_normal: float
    smallest_subnormal: float
    eps: float


def _from_finfo(name, dtype):
    info = np.finfo(dtype)
    return FloatFormat(name, info.bits, info.nmant, float(info.max), float(info.smallest_normal),
                       float(info.smallest_subnormal), float(info.eps))


#: "float16", "bfloat16", "float32", "float64" -> :class:`FloatFormat`.
FORMATS = MappingProxyType({
    "float16": _from_finfo("float16", np.float16),
    "bfloat16": FloatFormat("bfloat16", 16, 7, float(np.float32(2.0 ** 127 * (2 - 2.0 ** -7))),
                            2.0 ** -126, 2.0 ** -133, 2.0 ** -7),
    "float32": _from_finfo("float32", np.float32),
    "float64": _from_finfo("float64", np.float64),
})


def to_bfloat16(x):
    """Round ``x`` to the nearest bfloat16 value (ties to even); a float32 array holding it exactly.

    float64 input is rounded to float32 first (a double rounding that can differ from rounding
    float64 directly only at exact ties of the second rounding). NaN stays NaN.

    >>> float(to_bfloat16(3.0e38)), float(to_bfloat16(3.4e38))  # 3.4e38 rounds past the largest
    (3.00405527047391e+38, inf)
    """
    arr = as_float_array(x, "x")
    with np.errstate(over="ignore"):  # beyond float32's range is beyond bfloat16's: inf, correctly
        f = np.asarray(arr, dtype=np.float32)
    bits = f.view(np.uint32)
    # add half an ulp of bfloat16 minus one, plus the last kept bit (ties to even), then truncate;
    # a carry into the exponent rounds up a binade, or to inf past the largest value
    rounded = (bits + (np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1)))) & np.uint32(0xFFFF0000)
    out = rounded.view(np.float32)
    out = np.where(np.isnan(f), np.float32(np.nan), out)
    return out[()] if out.ndim == 0 else out


def round_to(x, fmt):
    """``x`` rounded to ``fmt`` ("float16", "bfloat16", "float32" or "float64"), as float64 values.

    Handy to compare formats side by side: each value is what that format would store.

    >>> round_to([0.1, 70000.0], "float16")
    array([0.09997559,        inf])
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {sorted(FORMATS)}, got {fmt!r:.40}")
    arr = as_float_array(x, "x")
    with np.errstate(over="ignore"):
        if fmt == "bfloat16":
            return np.asarray(to_bfloat16(arr), dtype=np.float64)
        return np.asarray(arr, dtype=fmt).astype(np.float64)
