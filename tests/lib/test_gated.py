"""GLU family: PyTorch's split convention, accuracy against mpmath in the tails, VJPs, dtypes, extremes, errors."""
from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest

import actlab
import actlab.gated as G
import mpref_activations as R

NAMES = ["glu", "reglu", "geglu", "swiglu"]
GATE_REF = {"glu": "sigmoid", "reglu": "relu", "geglu": "gelu", "swiglu": "silu"}
GATE_TOL = {"glu": 4, "reglu": 0, "geglu": 8, "swiglu": 4}  # the gate's own ulp budget (test_activations)

# gate inputs out to where every gate saturates or underflows; values of several magnitudes
B = np.concatenate([np.linspace(-8, 8, 81), -np.logspace(-20, np.log10(700), 25), np.logspace(-20, np.log10(700), 25),
                    np.linspace(-38, -30, 5)])
A_VALUES = np.array([-3e5, -1.5, -1e-7, 0.75, 2.0, 1e12])


def _pairs():
    a, b = np.meshgrid(A_VALUES, B, indexing="ij")
    return a.reshape(-1), b.reshape(-1)


def _ref(name, a, b):
    return R.mp.mpf(float(a)) * R.FUNCTIONS[GATE_REF[name]](float(b))


def _ref_db(name, a, b):
    return R.mp.mpf(float(a)) * R.DERIVATIVES[GATE_REF[name]](float(b))


def test_doctests():
    assert doctest.testmod(G, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


@pytest.mark.parametrize("name", NAMES)
def test_follows_torch_glu_split(name):
    """The first half is the value, the second half goes through the gate (torch.nn.functional.glu)."""
    x = np.random.default_rng(0).normal(size=(3, 8, 6))
    gate = actlab.ACTIVATIONS[GATE_REF[name]].fn
    for axis in (-1, 0, 1, 2, -2):
        a, b = np.split(x, 2, axis=axis) if x.shape[axis] % 2 == 0 else (None, None)
        if a is None:
            continue
        np.testing.assert_allclose(getattr(actlab, name)(x, axis=axis), a * gate(b), rtol=1e-15, atol=1e-300)
    assert getattr(actlab, name)(x).shape == (3, 8, 3)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_mpmath_in_the_tails(name):
    a, b = _pairs()
    x = np.stack([a, b], axis=-1)  # last axis: [a, b]
    y = getattr(actlab, name)(x)[:, 0]
    bad = []
    for ai, bi, yi in zip(a, b, y):
        exact = _ref(name, ai, bi)
        if abs(exact) < 1e-300:  # subnormal results: their ulp is absolute, not relative
            assert abs(yi) < 1e-290, (ai, bi, yi)
            continue
        err = R.ulp_error(yi, exact)
        if err > GATE_TOL[name] + 1:
            bad.append((ai, bi, yi, float(exact), err))
    assert not bad, f"{name}: {len(bad)} points beyond tolerance, e.g. {bad[:3]}"


@pytest.mark.parametrize("name", NAMES)
def test_vjp_matches_mpmath(name):
    a, b = _pairs()
    x = np.stack([a, b], axis=-1)
    g = np.ones((a.size, 1))
    d = getattr(actlab, name + "_vjp")(x, g)
    assert d.shape == x.shape
    for ai, bi, (da, db) in zip(a, b, d):
        if abs(bi) < 1e-6 and name == "reglu":
            continue  # ReLU's kink, tested below
        exact_a = R.FUNCTIONS[GATE_REF[name]](float(bi))
        if abs(exact_a) > 1e-300:
            assert R.ulp_error(da, exact_a) <= GATE_TOL[name] + 0.5, (ai, bi, da)
        exact_b = _ref_db(name, ai, bi)
        if abs(exact_b) > 1e-300:
            tol = GATE_TOL[name] + 1.5 + 2 * R.condition(R.DERIVATIVES[GATE_REF[name]], float(bi)) if name != "reglu" else 1
            assert R.ulp_error(db, exact_b) <= tol, (ai, bi, db, float(exact_b))
    assert actlab.reglu_vjp([2.0, 0.0], [1.0]).tolist() == [0.0, 0.0]  # ReLU'(0) = 0 (PyTorch)


@pytest.mark.parametrize("name", NAMES)
def test_vjp_matches_central_differences(name):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 6)) * 2
    x[np.abs(x) < 1e-3] = 0.5  # away from ReLU's kink
    g = rng.normal(size=(4, 3))
    f = getattr(actlab, name)
    h = 1e-6
    fd = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        fd[idx] = np.sum(g * (f(x + e) - f(x - e))) / (2 * h)
    np.testing.assert_allclose(getattr(actlab, name + "_vjp")(x, g), fd, rtol=1e-6, atol=1e-8)


def test_geglu_tanh_approximation():
    x = np.array([[1.5, -0.7, 0.3, 2.0]])
    a, b = x[:, :2], x[:, 2:]
    np.testing.assert_allclose(actlab.geglu(x, approximate="tanh"), a * actlab.gelu(b, approximate="tanh"), rtol=1e-15)
    assert not np.array_equal(actlab.geglu(x, approximate="tanh"), actlab.geglu(x))
    fd = (actlab.geglu(x + [0, 0, 0, 1e-6], approximate="tanh") - actlab.geglu(x - [0, 0, 0, 1e-6], approximate="tanh"))
    assert actlab.geglu_vjp(x, [[0.0, 1.0]], approximate="tanh")[0, 3] == pytest.approx(fd[0, 1] / 2e-6, rel=1e-6)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_and_shape_kept(name, dtype):
    x = np.linspace(-6, 6, 24).reshape(2, 3, 4).astype(dtype)
    y = getattr(actlab, name)(x)
    assert y.dtype == dtype and y.shape == (2, 3, 2)
    ref = getattr(actlab, name)(x.astype(np.float64))
    # the gate's few ulp plus the product's rounding, in the dtype's own ulp (float16 is computed in float32)
    np.testing.assert_allclose(y.astype(np.float64), ref, rtol=4 * np.finfo(dtype).eps, atol=np.finfo(dtype).tiny)
    d = getattr(actlab, name + "_vjp")(x, np.ones(y.shape, dtype))
    assert d.dtype == dtype and d.shape == x.shape


def test_float16_products_beyond_65504_are_inf_without_warning():
    x = np.array([300.0, 300.0], np.float16)  # 300 * relu(300) = 90000 > 65504
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            assert np.isinf(actlab.reglu(x))[0] and actlab.reglu(x).dtype == np.float16
            assert actlab.swiglu(x)[0] == np.inf


EXTREMES = np.array([-np.inf, -1.7e308, -1000.0, -40.0, -0.0, 0.0, 5e-324, 40.0, 1000.0, 1.7e308, np.inf])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_no_warning_at_extremes_and_nan_only_where_inf_meets_zero(name, dtype):
    with np.errstate(over="ignore"):
        e = EXTREMES.astype(dtype)
    a, b = np.meshgrid(e, e, indexing="ij")
    x = np.stack([a.reshape(-1), b.reshape(-1)], axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = getattr(actlab, name)(x)[:, 0]
            d = getattr(actlab, name + "_vjp")(x, np.ones((x.shape[0], 1), dtype))
    gate = actlab.ACTIVATIONS[GATE_REF[name]].fn(b.reshape(-1).astype(np.float64))
    av = a.reshape(-1)
    undefined = (np.isinf(av) & (gate == 0)) | ((av == 0) & np.isinf(gate))  # inf * 0 either way
    np.testing.assert_array_equal(np.isnan(y), undefined)
    assert y.dtype == dtype and d.dtype == dtype


def test_nan_propagates():
    for name in NAMES:
        y = getattr(actlab, name)(np.array([[np.nan, 1.0, 1.0, 2.0], [1.0, 2.0, np.nan, 1.0]]))
        assert np.isnan(y[0, 0]) and not np.isnan(y[0, 1]) and np.isnan(y[1, 0]) and not np.isnan(y[1, 1])


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_refused_by_name(name):
    f, vjp = getattr(actlab, name), getattr(actlab, name + "_vjp")
    with pytest.raises(ValueError, match=r"x must have an even size along axis=1 to be split into two halves, got 5"):
        f(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"x must have at least one dimension"):
        f(1.0)
    with pytest.raises(ValueError, match=r"axis=2 is out of range for an input with 2 dimension"):
        f(np.zeros((2, 4)), axis=2)
    with pytest.raises(TypeError, match=r"axis must be an integer, got float"):
        f(np.zeros((2, 4)), axis=1.0)
    with pytest.raises(TypeError, match=r"x must be a real number.*got str"):
        f("ab")
    with pytest.raises(TypeError, match=r"x must hold numbers, got booleans"):
        f(np.array([True, False]))
    with pytest.raises(ValueError, match=rf"g must have the shape of {name}\(x\) \(2, 2\), got \(2, 4\)"):
        vjp(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(TypeError, match=r"g must be a real number"):
        vjp(np.zeros((2, 4)), None)
    with pytest.raises(ValueError, match=r'approximate must be "none" or "tanh"'):
        actlab.geglu(np.zeros(4), approximate="fast")
