"""Bad input: every error is a TypeError or ValueError whose message names the argument and says
what was expected."""
from __future__ import annotations

import numpy as np
import pytest

import actlab
from actlab import ACTIVATIONS, log_softmax, maxout, maxout_argmax, maxout_grad, softmax, softmax_jvp
from actlab._validate import as_float_array, check_axis, check_int, check_real

ALL_FUNCS = [e.fn for e in ACTIVATIONS.values()] + [e.derivative for e in ACTIVATIONS.values()]
IDS = [f.__name__ for f in ALL_FUNCS]

BAD_X = [
    ("a string", "1.0", TypeError, r"x must be a real number.*got str"),
    ("bytes", b"1", TypeError, r"x must be a real number.*got bytes"),
    ("None", None, TypeError, r"x must be a real number.*got None"),
    ("complex", np.array([1 + 2j]), TypeError, r"x must be real.*complex"),
    ("complex scalar", 1j, TypeError, r"x must be real.*complex"),
    ("object array", np.array([1.0, "a"], dtype=object), TypeError, r"x must be .*dtype object"),
    ("strings array", np.array(["1", "2"]), TypeError, r"x must be .*dtype <U1"),
    ("booleans", np.array([True, False]), TypeError, r"x must hold numbers, got booleans"),
    ("ragged list", [[1.0, 2.0], [3.0]], ValueError, r"x must be a rectangular array"),
    ("dict", {"a": 1}, TypeError, r"x must be a real number.*dtype object"),
    ("longdouble", np.array([1.0], dtype=np.longdouble), TypeError, r"x has dtype float128.*expected float16, float32, float64"),
]


@pytest.mark.parametrize("f", ALL_FUNCS, ids=IDS)
@pytest.mark.parametrize("label,x,err,pattern", BAD_X, ids=[b[0] for b in BAD_X])
def test_bad_x_is_refused_by_name(f, label, x, err, pattern):
    if label == "longdouble" and np.dtype(np.longdouble) == np.dtype(np.float64):
        pytest.skip("long double is float64 on this platform")
    with pytest.raises(err, match=pattern):
        f(x)


@pytest.mark.parametrize("f", [softmax, log_softmax], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("label,x,err,pattern", BAD_X, ids=[b[0] for b in BAD_X])
def test_bad_x_for_softmax(f, label, x, err, pattern):
    if label == "longdouble" and np.dtype(np.longdouble) == np.dtype(np.float64):
        pytest.skip("long double is float64 on this platform")
    with pytest.raises(err, match=pattern):
        f(x)


BAD_PARAMS = [
    (actlab.leaky_relu, {"alpha": float("nan")}, ValueError, r"alpha must be finite, got nan"),
    (actlab.leaky_relu, {"alpha": float("inf")}, ValueError, r"alpha must be finite"),
    (actlab.leaky_relu, {"alpha": "0.1"}, TypeError, r"alpha must be a real number, got str"),
    (actlab.leaky_relu, {"alpha": None}, TypeError, r"alpha must be a real number, got NoneType"),
    (actlab.leaky_relu, {"alpha": True}, TypeError, r"alpha must be a real number, got bool"),
    (actlab.leaky_relu, {"alpha": 1j}, TypeError, r"alpha must be a real number, got complex"),
    (actlab.leaky_relu_derivative, {"alpha": float("nan")}, ValueError, r"alpha must be finite"),
    (actlab.prelu, {"alpha": float("nan")}, ValueError, r"alpha must be finite"),
    (actlab.prelu, {"alpha": np.array([0.1, np.nan, 0.2])}, ValueError, r"alpha must be finite"),
    (actlab.prelu, {"alpha": np.array([0.1, 0.2])}, ValueError, r"alpha of shape \(2,\) does not broadcast against x of shape \(3,\)"),
    (actlab.prelu, {"alpha": "a"}, TypeError, r"alpha must be a real number"),
    (actlab.prelu_derivative, {"alpha": np.array([[0.1, 0.2]])}, ValueError, r"alpha of shape"),
    (actlab.elu, {"alpha": float("nan")}, ValueError, r"alpha must be finite"),
    (actlab.elu_derivative, {"alpha": "1"}, TypeError, r"alpha must be a real number"),
    (actlab.celu, {"alpha": 0.0}, ValueError, r"alpha must be positive, got 0.0"),
    (actlab.celu, {"alpha": -1.0}, ValueError, r"alpha must be positive, got -1.0"),
    (actlab.celu_derivative, {"alpha": 0}, ValueError, r"alpha must be positive"),
    (actlab.gelu, {"approximate": "foo"}, ValueError, r'approximate must be "none" or "tanh", got \'foo\''),
    (actlab.gelu, {"approximate": True}, ValueError, r"approximate must be"),
    (actlab.gelu, {"approximate": None}, ValueError, r"approximate must be"),
    (actlab.gelu, {"approximate": np.array(["tanh", "none"])}, ValueError, r"approximate must be"),
    (actlab.gelu_derivative, {"approximate": "exact"}, ValueError, r"approximate must be"),
    (actlab.swish, {"beta": float("nan")}, ValueError, r"beta must be finite"),
    (actlab.swish_derivative, {"beta": "2"}, TypeError, r"beta must be a real number"),
    (actlab.softplus, {"beta": 0.0}, ValueError, r"beta must be positive, got 0.0"),
    (actlab.softplus, {"beta": -1.0}, ValueError, r"beta must be positive, got -1.0"),
    (actlab.softplus, {"beta": float("nan")}, ValueError, r"beta must be finite"),
    (actlab.softplus_derivative, {"beta": 0}, ValueError, r"beta must be positive"),
    (actlab.softplus, {"threshold": float("nan")}, ValueError, r"threshold must be finite"),
    (actlab.softplus, {"threshold": "20"}, TypeError, r"threshold must be a real number"),
]


@pytest.mark.parametrize("f,params,err,pattern", BAD_PARAMS,
                         ids=[f"{b[0].__name__}-{list(b[1].items())[0][0]}={list(b[1].items())[0][1]!r}" for b in BAD_PARAMS])
def test_bad_parameters_are_refused_by_name(f, params, err, pattern):
    with pytest.raises(err, match=pattern):
        f(np.array([-1.0, 0.0, 2.0]), **params)


@pytest.mark.parametrize("f", ALL_FUNCS, ids=IDS)
def test_unknown_keyword_is_refused(f):
    with pytest.raises(TypeError, match="unexpected keyword argument 'gamma'"):
        f(1.0, gamma=2.0)


def test_softmax_arguments():
    x = np.zeros((2, 3))
    for f in (softmax, log_softmax):
        with pytest.raises(ValueError, match=r"axis=2 is out of range for an input with 2 dimension"):
            f(x, axis=2)
        with pytest.raises(ValueError, match=r"axis=-3 is out of range"):
            f(x, axis=-3)
        with pytest.raises(TypeError, match=r"axis must be an integer, got float"):
            f(x, axis=1.0)
        with pytest.raises(TypeError, match=r"axis must be an integer, got bool"):
            f(x, axis=True)
        with pytest.raises(ValueError, match=r"x must have at least one dimension"):
            f(3.0)
    with pytest.raises(ValueError, match=r"v must have the shape of x \(2, 3\), got \(3,\)"):
        softmax_jvp(x, np.zeros(3))
    with pytest.raises(TypeError, match=r"v must be a real number"):
        softmax_jvp(x, "v")
    with pytest.raises(ValueError, match=r"g must have the shape of x"):
        actlab.log_softmax_vjp(x, np.zeros(2))


def test_maxout_arguments():
    z = np.arange(6.0)
    with pytest.raises(ValueError, match=r"k=4 must divide the size of z along axis 0 \(6\)"):
        maxout(z, 4)
    with pytest.raises(ValueError, match=r"k must be at least 1, got 0"):
        maxout(z, 0)
    with pytest.raises(TypeError, match=r"k must be an integer, got float"):
        maxout(z, 2.0)
    with pytest.raises(TypeError, match=r"k must be an integer, got bool"):
        maxout_argmax(z, True)
    with pytest.raises(ValueError, match=r"axis=1 is out of range"):
        maxout(z, 2, axis=1)
    with pytest.raises(ValueError, match=r"z must have at least one dimension"):
        maxout(1.0, 1)
    with pytest.raises(TypeError, match=r"z must be a real number"):
        maxout("abc", 1)
    with pytest.raises(ValueError, match=r"grad_out must have the shape of maxout\(z, k\) \(3,\), got \(2,\)"):
        maxout_grad(z, 2, np.ones(2))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of maxout\(z, k\) \(2, 3\)"):
        maxout_grad(np.zeros((2, 6)), 2, np.ones((3, 2)))
    with pytest.raises(TypeError, match=r"grad_out must be a real number"):
        maxout_grad(z, 2, None)


def test_validators_directly():
    assert as_float_array([1, 2]).dtype == np.float64
    assert as_float_array(np.float32(1)).dtype == np.float32
    with pytest.raises(TypeError, match=r"weights must be a real number"):
        as_float_array("w", "weights")
    assert check_real("alpha", 2) == 2.0 and isinstance(check_real("alpha", np.float32(0.5)), float)
    with pytest.raises(ValueError, match=r"alpha must be non-zero"):
        check_real("alpha", 0.0, nonzero=True)
    assert check_int("k", np.int64(3)) == 3
    with pytest.raises(ValueError, match=r"k must be at least 2, got 1"):
        check_int("k", 1, minimum=2)
    assert check_axis("axis", -1, 3) == 2
    with pytest.raises(TypeError, match=r"axis must be an integer, got str"):
        check_axis("axis", "0", 2)
