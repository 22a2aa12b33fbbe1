"""to_bfloat16 against ml_dtypes bit for bit, the format table against NumPy/ml_dtypes, round_to."""
from __future__ import annotations

import doctest

import ml_dtypes
import numpy as np
import pytest

import actlab.precision as P
from actlab.precision import FORMATS, round_to, to_bfloat16


def test_doctests():
    assert doctest.testmod(P, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def test_rounding_matches_ml_dtypes_bit_for_bit():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2 ** 32, size=400_000, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    x = x[~np.isnan(x)]
    special = np.array([0.0, -0.0, np.inf, -np.inf, 1.0, 1.00390625, 1.01171875, 3.3895314e38, 3.3961776e38,
                        3.4028235e38, 1e-40, 9.2e-41, 4.6e-41, 1.4e-45, 65504.0], np.float32)
    for arr in (x, special, -special):
        ours = to_bfloat16(arr)
        theirs = arr.astype(ml_dtypes.bfloat16).astype(np.float32)
        assert ours.dtype == np.float32
        np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))
    assert np.isnan(to_bfloat16(np.array([np.nan, 1.0])))[0]


def test_format_table_agrees_with_numpy_and_ml_dtypes():
    bf = ml_dtypes.finfo(ml_dtypes.bfloat16)
    f = FORMATS["bfloat16"]
    assert f.max == float(bf.max) and f.smallest_normal == float(bf.smallest_normal)
    assert f.smallest_subnormal == float(bf.smallest_subnormal) and f.eps == float(bf.eps)
    assert f.mantissa_bits == bf.nmant and f.bits == 16
    assert FORMATS["float16"].max == 65504.0 and FORMATS["float16"].eps == 2.0 ** -10
    assert FORMATS["float32"].max == float(np.finfo(np.float32).max)
    with pytest.raises(TypeError):
        FORMATS["float8"] = f


def test_round_to():
    x = [0.1, 1e-8, 70000.0, 3.0e38]
    with np.errstate(over="ignore"):  # the reference's own cast of 70000 to float16
        expected = np.array(x).astype(np.float16).astype(np.float64)
    np.testing.assert_array_equal(round_to(x, "float16"), expected)
    np.testing.assert_array_equal(round_to(x, "bfloat16"),
                                  np.array(x, np.float32).astype(ml_dtypes.bfloat16).astype(np.float64))
    assert round_to(x, "float64").tolist() == x
    with pytest.raises(ValueError, match=r"fmt must be one of \['bfloat16', 'float16', 'float32', 'float64'\], got 'fp8'"):
        round_to(x, "fp8")
    with pytest.raises(TypeError, match=r"x must be a real number"):
        to_bfloat16("1.0")
