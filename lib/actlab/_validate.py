"""Argument checks shared by the library: one place that decides what counts as bad input.

Every public function turns its array argument into a floating NumPy array through
:func:`as_float_array` and its scalar parameters through :func:`check_real`, so the error
messages name the argument and what was expected in the same words everywhere.
"""
from __future__ import annotations

import numbers

import numpy as np

#: dtypes returned unchanged; integers become float64; everything else is refused.
FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def as_float_array(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a float16/32/64 array (integers give float64) or raise a clear error."""
    if x is None:
        raise TypeError(f"{name} must be a real number or an array of real numbers, got None")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {type(x).__name__} {x!r:.40}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of real numbers ({err})") from None
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype not in FLOAT_DTYPES:
            raise TypeError(f"{name} has dtype {arr.dtype}; expected float16, float32, float64 or an integer dtype")
        return arr
    if kind in "iu":
        return arr.astype(np.float64)
    if kind == "c":
        raise TypeError(f"{name} must be real, got a complex array (dtype {arr.dtype}); activations are defined on the real line")
    if kind == "b":
        raise TypeError(f"{name} must hold numbers, got booleans; convert explicitly, e.g. {name}.astype(float)")
    raise TypeError(f"{name} must be a real number or an array of real numbers, got dtype {arr.dtype}")


def check_real(name: str, value, *, positive: bool = False, nonzero: bool = False) -> float:
    """Return ``value`` as a Python float if it is a finite real number meeting the conditions."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r:.40}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    if nonzero and value == 0:
        raise ValueError(f"{name} must be non-zero, got {value}")
    return value


def check_int(name: str, value, *, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r:.40}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_axis(name: str, axis, ndim: int) -> int:
    """Return ``axis`` normalised to ``0..ndim-1`` or raise naming the argument."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(axis).__name__} {axis!r:.40}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an input with {ndim} dimension(s)")
    return int(axis) % ndim
