"""Elementwise activations and derivatives: accuracy against mpmath, kinks, dtypes, extremes.

Every per-activation test is parametrized over ``ACTIVATIONS`` (plus a few non-default
parameter values), so a new registry entry is tested without touching this file; a new entry
without an mpmath reference fails ``test_every_entry_has_a_reference``.
"""
from __future__ import annotations

import functools
import inspect
import re
import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import actlab
import actlab.activations as A
import mpref_activations as R
from actlab import ACTIVATIONS

# (name, params): the registry defaults, then other parameter values worth a reference check
CASES = [(name, {}) for name in ACTIVATIONS] + [
    ("leaky_relu", {"alpha": 0.2}), ("leaky_relu", {"alpha": 1.5}), ("leaky_relu", {"alpha": -0.5}),
    ("prelu", {"alpha": 0.1}), ("elu", {"alpha": 0.5}), ("celu", {"alpha": 2.0}),
    ("gelu", {"approximate": "tanh"}), ("swish", {"beta": 2.0}), ("swish", {"beta": 0.5}),
    ("softplus", {"beta": 2.0}), ("softplus", {"beta": 0.5, "threshold": 10.0}),
]
IDS = [name + "".join(f"-{k}={v}" for k, v in p.items()) for name, p in CASES]

RNG = np.random.default_rng(20240601)
# A deterministic grid: the centre densely, both tails out to where everything saturates or
# underflows (±40 covers GELU's subnormal tail; ±800 sigmoid's), tiny magnitudes, and
# random points so that no special structure of the grid hides an error.
GRID = np.unique(np.concatenate([
    np.linspace(-8, 8, 161), RNG.uniform(-40, 40, 120), RNG.uniform(-3, 3, 60),
    -np.logspace(-30, np.log10(800), 60), np.logspace(-30, np.log10(800), 60),
    np.linspace(-38.6, -35, 15),
]))


def _kink_distance(name, x):
    kinks = R.KINKS.get(name, ())
    return min((abs(x - k) for k in kinks), default=np.inf)


def _params_for_ref(name, params):
    defaults = dict(ACTIVATIONS[name].defaults)
    defaults.update(params)
    if name == "softplus":
        defaults.setdefault("threshold", 20.0)
    return defaults


@functools.lru_cache(maxsize=None)
def _ref(kind, name, items, x):
    table = R.FUNCTIONS if kind == "f" else R.DERIVATIVES
    return table[name](x, **dict(items))


def ref(kind, name, params, x):
    return _ref(kind, name, tuple(sorted(params.items())), float(x))


def fn_tolerance(name, params, x):
    """Allowed ulp error of the function at x."""
    if name == "gelu" and params.get("approximate") == "tanh":
        # the tanh formula is ill-conditioned in its left tail (|x f'/f| ~ 0.21 |x|^3) and its
        # constants are not doubles; allow what one ulp of input error would cause
        return 4 + 2 * R.condition(R.FUNCTIONS["gelu"], x, approximate="tanh")
    if name == "gelu":
        return 8  # SciPy's erfc/erfcx carry up to ~5 ulp of their own
    return 4


def test_every_entry_has_a_reference():
    assert set(ACTIVATIONS) == set(R.FUNCTIONS) == set(R.DERIVATIVES)


@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_values_match_mpmath_float64(name, params):
    p = _params_for_ref(name, params)
    y = ACTIVATIONS[name].fn(GRID, **params)
    worst = []
    for x, yi in zip(GRID, y):
        err = R.ulp_error(yi, ref("f", name, p, x))
        tol = 4 if err <= 4 else fn_tolerance(name, params, x)
        if err > tol:
            worst.append((x, yi, float(ref("f", name, p, x)), err, tol))
    assert not worst, f"{name}{params}: {len(worst)} points beyond tolerance, e.g. {worst[:3]}"


def _derivative_tolerance(name, p, x):
    """4 ulp (8 for GELU: SciPy's erf family, and the tanh form's sum cancels ~3x near its minimum),
    plus what the conditioning |x f''/f'| of the derivative itself forces (near its zeros)."""
    base = 8 if name == "gelu" else 4
    if _kink_distance(name, x) < 1e-6:
        return base
    return base + 2 * R.condition(R.DERIVATIVES[name], x, **p)


@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_derivatives_match_mpmath_float64(name, params):
    p = _params_for_ref(name, params)
    d = ACTIVATIONS[name].derivative(GRID, **params)
    bad = []
    for x, di in zip(GRID, d):
        err = R.ulp_error(di, ref("d", name, p, x))
        if err > 4 and err > _derivative_tolerance(name, p, x):
            bad.append((x, di, float(ref("d", name, p, x)), err))
    assert not bad, f"{name}'{params}: {len(bad)} points beyond tolerance, e.g. {bad[:3]}"


@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_reference_derivatives_are_derivatives(name, params):
    """The oracle's own check: the analytic reference derivative equals mpmath.diff of the reference."""
    p = _params_for_ref(name, params)
    rng = np.random.default_rng(7)
    for x in rng.uniform(-7, 7, 12):
        if _kink_distance(name, x) < 1e-3:
            continue
        numeric = mp.diff(lambda t: R.FUNCTIONS[name](t, **p), mp.mpf(float(x)))
        assert abs(numeric - R.DERIVATIVES[name](float(x), **p)) < mp.mpf(10) ** -30


@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_derivatives_match_central_differences(name, params):
    """actlab's derivative against central differences of actlab's function, in float64, off the kinks."""
    entry = ACTIVATIONS[name]
    x = np.random.default_rng(3).uniform(-6, 6, 400)
    x = x[[_kink_distance(name, v) > 1e-3 for v in x]]
    h = 1e-6 * np.maximum(1, np.abs(x))
    fd = (entry.fn(x + h, **params) - entry.fn(x - h, **params)) / (2 * h)
    np.testing.assert_allclose(entry.derivative(x, **params), fd, rtol=1e-6, atol=1e-8)


@settings(max_examples=60)
@given(st.sampled_from(range(len(CASES))), st.floats(-60, 60, allow_subnormal=False))
def test_random_points_match_mpmath(case, x):
    name, params = CASES[case]
    p = _params_for_ref(name, params)
    y = ACTIVATIONS[name].fn(np.float64(x), **params)
    err = R.ulp_error(y, ref("f", name, p, x))
    assert err <= 4 or err <= fn_tolerance(name, params, x), (name, params, x, y, err)


@settings(max_examples=60)
@given(st.sampled_from(range(len(CASES))), st.floats(-30, 30, width=32))
def test_float32_is_accurate_in_float32_ulps(case, x):
    """float32 in, float32 out, within a few float32 ulp of the exact value."""
    name, params = CASES[case]
    p = _params_for_ref(name, params)
    x32 = np.float32(x)
    y = ACTIVATIONS[name].fn(np.array([x32]), **params)
    assert y.dtype == np.float32
    exact = ref("f", name, p, float(x32))
    err = R.ulp_error(y[0], exact, np.float32)
    tol = 4 + (2 * R.condition(R.FUNCTIONS[name], float(x32), **p) if name == "gelu" else 0)
    assert err <= tol, (name, params, x32, y[0], float(exact), err)


# ---------------------------------------------------------------------------------------------
# GELU's left tail

def _naive_gelu(x):
    # the textbook formula, also PyTorch's: erfc of a large argument loses ~x^2/2 ulp
    return x * 0.5 * special.erfc(-x / np.sqrt(2))


def test_exact_gelu_left_tail_is_accurate_where_the_naive_formula_is_not():
    xs = np.concatenate([np.linspace(-38.4, -3, 300), [-20.0, -25.0, -30.0, -37.9]])
    ours = np.array([R.ulp_error(v, ref("f", "gelu", {"approximate": "none"}, x)) for x, v in zip(xs, actlab.gelu(xs))])
    naive = np.array([R.ulp_error(v, ref("f", "gelu", {"approximate": "none"}, x)) for x, v in zip(xs, _naive_gelu(xs))])
    assert ours.max() <= 8, (xs[ours.argmax()], ours.max())
    # measured here: the naive formula is ~200-700 ulp off for x in [-38, -20]
    assert naive[xs < -20].max() > 100
    derr = [R.ulp_error(v, ref("d", "gelu", {"approximate": "none"}, x))
            for x, v in zip(xs, actlab.gelu_derivative(xs))]
    assert max(derr) <= 8, max(derr)


def test_exact_gelu_left_tail_is_negative_not_zero():
    for x in (-10.0, -20.0, -30.0, -37.0, -38.4):
        y = actlab.gelu(x)
        assert y < 0, (x, y)  # the exact value is a tiny negative number, not -0
        assert np.signbit(actlab.gelu_derivative(x)) or actlab.gelu_derivative(x) < 0


# ---------------------------------------------------------------------------------------------
# Kinks: the conventions in the module docstring, value by value

KINK_VALUES = {  # (function, x, params) -> derivative there
    ("step", 0.0, ()): 0.0, ("relu", 0.0, ()): 0.0, ("relu6", 0.0, ()): 0.0, ("relu6", 6.0, ()): 0.0,
    ("hard_tanh", -1.0, ()): 0.0, ("hard_tanh", 1.0, ()): 0.0,
    ("hard_sigmoid", -3.0, ()): 0.0, ("hard_sigmoid", 3.0, ()): 0.0,
    ("hard_swish", -3.0, ()): -0.5, ("hard_swish", 3.0, ()): 1.5,
    ("leaky_relu", 0.0, ()): 0.01, ("leaky_relu", 0.0, (("alpha", 0.3),)): 0.3,
    ("prelu", 0.0, ()): 0.25, ("elu", 0.0, ()): 1.0, ("elu", 0.0, (("alpha", 0.5),)): 0.5,
    ("selu", 0.0, ()): A.SELU_LAMBDA * A.SELU_ALPHA, ("celu", 0.0, ()): 1.0,
}


@pytest.mark.parametrize("key", list(KINK_VALUES), ids=[f"{k[0]}@{k[1]}{dict(k[2])}" for k in KINK_VALUES])
def test_derivative_at_kinks(key):
    name, x, params = key
    got = ACTIVATIONS[name].derivative(x, **dict(params))
    assert got == pytest.approx(KINK_VALUES[key], rel=1e-15, abs=0), (key, got)


def test_kink_conventions_are_documented():
    doc = A.__doc__
    table = doc[doc.index("function"):]
    for name in {k[0] for k in KINK_VALUES}:
        assert re.search(rf"\b{name}\b", table), f"{name} missing from the kink table"
    assert "step(0) == 0" in A.step.__doc__
    assert actlab.step(0.0) == 0 and actlab.step(1e-300) == 1 and actlab.step(-1e-300) == 0


def test_values_at_kinks_and_corners():
    assert actlab.relu6(6.0) == 6 and actlab.hard_tanh(-1.0) == -1
    assert actlab.hard_sigmoid(-3.0) == 0 and actlab.hard_sigmoid(3.0) == 1
    assert actlab.hard_swish(-3.0) == 0 and actlab.hard_swish(3.0) == 3
    assert actlab.elu(0.0) == 0 and actlab.celu(0.0) == 0 and actlab.selu(0.0) == 0


# ---------------------------------------------------------------------------------------------
# Definitions that are easy to get subtly wrong

def test_selu_constants_are_the_papers_closed_forms():
    # Klambauer et al. (2017), eq. 14: alpha_01 and lambda_01 for fixed point (mean 0, var 1)
    mp.mp.dps = 60
    e, pi, erfc, sqrt = mp.e, mp.pi, mp.erfc, mp.sqrt
    alpha = -sqrt(2 / pi) / (erfc(1 / sqrt(2)) * mp.exp(mp.mpf(1) / 2) - 1)
    lam = (1 - erfc(1 / sqrt(2)) * sqrt(e)) * sqrt(2 * pi) / sqrt(
        2 * erfc(sqrt(2)) * e**2 + pi * erfc(1 / sqrt(2)) ** 2 * e - 2 * (2 + pi) * erfc(1 / sqrt(2)) * sqrt(e) + pi + 2)
    assert abs(alpha - mp.mpf("1.6732632423543772848170429916717")) < 1e-30
    assert abs(lam - mp.mpf("1.0507009873554804934193349852946")) < 1e-30
    assert A.SELU_ALPHA == float(alpha) and A.SELU_LAMBDA == float(lam)
    assert actlab.SELU_ALPHA is A.SELU_ALPHA


def test_hard_sigmoid_and_hard_swish_follow_pytorch():
    x = np.linspace(-5, 5, 1001)
    relu6 = np.minimum(np.maximum(x + 3, 0), 6)
    np.testing.assert_allclose(actlab.hard_sigmoid(x), relu6 / 6, rtol=2e-16, atol=0)
    np.testing.assert_allclose(actlab.hard_swish(x), x * relu6 / 6, rtol=3e-16, atol=1e-300)
    # not Keras' 0.2 x + 0.5: at x = 2 PyTorch's is 5/6
    assert actlab.hard_sigmoid(2.0) == pytest.approx(5 / 6, rel=1e-15)


def test_softplus_threshold_returns_x_like_pytorch():
    x = np.array([20.000001, 25.0, 30.0, 100.0, 1e300])
    np.testing.assert_array_equal(actlab.softplus(x), x)
    np.testing.assert_array_equal(actlab.softplus_derivative(x), np.ones_like(x))
    # relative error of returning x instead of log1p(e^x) is below 2e-9 above the threshold
    for xi in np.linspace(20.000001, 40, 50):
        exact = mp.log1p(mp.exp(mp.mpf(xi)))
        assert abs((actlab.softplus(xi) - exact) / exact) < 2e-9
    assert actlab.softplus(20.0) == pytest.approx(20 + np.exp(-20.0), rel=1e-15)  # at the threshold: the formula
    # beta scales the threshold test: beta x > threshold
    assert actlab.softplus(10.5, beta=2.0) == 10.5
    assert actlab.softplus(9.5, beta=2.0) != 9.5


def test_defaults_follow_the_issue():
    expect = {"leaky_relu": {"alpha": 0.01}, "prelu": {"alpha": 0.25}, "elu": {"alpha": 1.0},
              "celu": {"alpha": 1.0}, "gelu": {"approximate": "none"}, "swish": {"beta": 1.0},
              "softplus": {"beta": 1.0, "threshold": 20.0}}
    for name, params in expect.items():
        sig = inspect.signature(getattr(actlab, name))
        assert {k: sig.parameters[k].default for k in params} == params
    np.testing.assert_array_equal(actlab.swish(GRID), actlab.silu(GRID))
    assert actlab.gelu(1.0) != actlab.gelu(1.0, approximate="tanh")


# ---------------------------------------------------------------------------------------------
# Types, shapes, dtypes

ALL_FUNCS = [(n, e.fn) for n, e in ACTIVATIONS.items()] + [(n + "'", e.derivative) for n, e in ACTIVATIONS.items()]
FUNC_IDS = [n for n, _ in ALL_FUNCS]


@pytest.mark.parametrize("name,f", ALL_FUNCS, ids=FUNC_IDS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_and_shape_are_kept(name, f, dtype):
    for shape in [(), (0,), (7,), (3, 4), (2, 1, 3)]:
        x = np.linspace(-4, 4, int(np.prod(shape)) or 0).astype(dtype).reshape(shape)
        y = f(x)
        assert y.dtype == dtype and y.shape == shape, (name, dtype, shape, y.dtype, np.shape(y))
        ref = f(x.astype(np.float64))
        np.testing.assert_allclose(np.asarray(y, np.float64), ref, rtol=4 * np.finfo(dtype).eps,
                                   atol=4 * np.finfo(dtype).eps)


@pytest.mark.parametrize("name,f", ALL_FUNCS, ids=FUNC_IDS)
def test_scalars_lists_and_integers(name, f):
    y = f(2)
    assert isinstance(y, np.float64), type(y)
    assert f([1, -2, 3]).dtype == np.float64
    np.testing.assert_array_equal(f(np.array([1, -2, 3], dtype=np.int8)), f(np.array([1.0, -2.0, 3.0])))
    np.testing.assert_array_equal(f(np.array([5], dtype=np.uint64)), f([5.0]))
    assert f(1.5) == f(np.float64(1.5)) == f([1.5])[0]
    x = np.array([-1.0, 0.5, 3.0])
    before = x.copy()
    f(x)
    np.testing.assert_array_equal(x, before)  # the input is never modified in place


def test_identity_returns_a_copy():
    x = np.array([1.0, 2.0])
    y = actlab.identity(x)
    y[0] = 5
    assert x[0] == 1


EXTREMES = np.array([-np.inf, -1.7e308, -1e10, -1000.0, -745.0, -709.5, -40.0, -5e-324, -0.0, 0.0,
                     5e-324, 1e-310, 709.5, 745.0, 1000.0, 1e10, 1.7e308, np.inf])


@pytest.mark.parametrize("name,f", ALL_FUNCS, ids=FUNC_IDS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_no_warning_anywhere_on_the_real_line(name, f, dtype):
    with np.errstate(over="ignore"):
        x = EXTREMES.astype(dtype)  # casting 1e308 to float16 is the test's business, not f's
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = f(x)
            f(np.float64(-1000.0)), f(1000.0)
    assert not np.isnan(y).any(), (name, dtype, y)
    assert y.dtype == dtype


@pytest.mark.parametrize("name,f", ALL_FUNCS, ids=FUNC_IDS)
def test_nan_propagates(name, f):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in (np.float16, np.float32, np.float64):
            y = f(np.array([np.nan, 1.0, np.nan, -1.0], dtype=dtype))
            assert np.isnan(y[[0, 2]]).all() and not np.isnan(y[[1, 3]]).any(), (name, dtype, y)
        assert np.isnan(f(float("nan")))


def test_limits_at_infinity():
    inf = np.inf
    expect = {"sigmoid": (0, 1), "tanh": (-1, 1), "relu": (0, inf), "softplus": (0, inf),
              "softsign": (-1, 1), "elu": (-1, inf), "selu": (-A.SELU_LAMBDA * A.SELU_ALPHA, inf),
              "gelu": (0, inf), "silu": (0, inf), "mish": (0, inf), "hard_swish": (0, inf),
              "swish": (0, inf), "leaky_relu": (-inf, inf), "step": (0, 1), "hard_tanh": (-1, 1)}
    for name, (lo, hi) in expect.items():
        got = ACTIVATIONS[name].fn(np.array([-inf, inf]))
        assert got[0] == pytest.approx(lo) and got[1] == pytest.approx(hi), (name, got)
    assert actlab.swish(np.array([-inf, inf]), beta=-1.0).tolist() == [-inf, 0.0]
    assert actlab.leaky_relu(-inf, alpha=0.0) == 0


def test_extreme_values_from_the_issue():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert actlab.sigmoid(-1000.0) == 0 and actlab.sigmoid(1000.0) == 1
        assert actlab.softplus(1000.0) == 1000 and actlab.softplus(-1000.0) == 0
        assert 0 < actlab.sigmoid(-720.0) < 1e-300  # subnormal, not flushed to 0
        assert actlab.sigmoid(-720.0) == pytest.approx(float(mp.exp(-720)), rel=1e-13)


@settings(max_examples=40)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=30))
def test_monotone_functions_are_monotone(values):
    x = np.sort(np.array(values))
    for name in ("sigmoid", "tanh", "relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "celu",
                 "softplus", "softsign", "hard_sigmoid", "hard_tanh", "step", "identity"):
        y = ACTIVATIONS[name].fn(x)
        assert np.all(np.diff(y) >= 0), (name, x, y)
        assert np.all(ACTIVATIONS[name].derivative(x) >= 0), name


@settings(max_examples=40)
@given(st.floats(-30, 30))
def test_symmetries(x):
    assert actlab.sigmoid(x) + actlab.sigmoid(-x) == pytest.approx(1, abs=4.5e-16)
    assert actlab.tanh(-x) == -actlab.tanh(x) and actlab.softsign(-x) == -actlab.softsign(x)
    if abs(x) <= 20:  # above the threshold softplus returns x itself (PyTorch), off by e^-x
        assert actlab.softplus(x) - actlab.softplus(-x) == pytest.approx(x, abs=1e-14 * max(1, abs(x)))
    assert actlab.gelu(x) - actlab.gelu(-x) == pytest.approx(x, abs=1e-14 * max(1, abs(x)))
    assert actlab.silu(x) - actlab.silu(-x) == pytest.approx(x, abs=1e-14 * max(1, abs(x)))


def test_prelu_with_per_channel_alpha():
    x = np.array([[-2.0, -2.0, 3.0], [-1.0, 4.0, -5.0]])
    alpha = np.array([0.1, 0.0, 2.0])
    np.testing.assert_array_equal(actlab.prelu(x, alpha=alpha), np.where(x > 0, x, alpha * x))
    np.testing.assert_array_equal(actlab.prelu_derivative(x, alpha=alpha),
                                  np.where(x > 0, 1.0, np.broadcast_to(alpha, x.shape)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert actlab.prelu(np.array([-np.inf]), alpha=np.array([0.0]))[0] == 0


def test_exact_gelu_blocks_join_seamlessly():
    """Exact GELU works in blocks of 2^16 elements: large, odd-sized and strided inputs agree
    with the same values computed a few at a time."""
    x = np.random.default_rng(5).normal(0, 12, (3, 70_001))
    for arr in (x, x[:, ::3], x.T, x.astype(np.float32)):
        for f in (actlab.gelu, actlab.gelu_derivative):
            whole = f(arr)
            assert whole.shape == arr.shape and whole.dtype == arr.dtype
            pieces = np.array([f(v) for v in arr.reshape(-1)[::997]])
            np.testing.assert_array_equal(whole.reshape(-1)[::997], pieces)
