"""Arbitrary-precision references (mpmath, 60 digits) for the elementwise activations.

Written from the textbook definitions, independently of actlab's numerics: no clipping, no
erfcx, no stable rewrites. The tests compare actlab's float64 results against these in ulp.
Derivatives are analytic formulas here and are cross-checked against ``mpmath.diff`` of the
function references in the tests. Unique module name: tests/ has several helper modules.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 60

SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
SELU_LAMBDA = mp.mpf("1.0507009873554804934193349852946")


def _sig(z):
    return 1 / (1 + mp.exp(-z))


def _ncdf(x):
    return mp.erfc(-x / mp.sqrt(2)) / 2


def _npdf(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def _gelu_tanh_arg(x):
    return mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)


def _softplus(x, beta=1, threshold=20):
    x, beta = mp.mpf(x), mp.mpf(beta)
    if beta * x > threshold:
        return x
    return mp.log1p(mp.exp(beta * x)) / beta


FUNCTIONS = {
    "identity": lambda x: mp.mpf(x),
    "step": lambda x: mp.mpf(1) if x > 0 else mp.mpf(0),
    "sigmoid": lambda x: _sig(mp.mpf(x)),
    "tanh": lambda x: mp.tanh(mp.mpf(x)),
    "relu": lambda x: max(mp.mpf(x), mp.mpf(0)),
    "relu6": lambda x: min(max(mp.mpf(x), mp.mpf(0)), mp.mpf(6)),
    "leaky_relu": lambda x, alpha=0.01: mp.mpf(x) if x > 0 else mp.mpf(alpha) * x,
    "prelu": lambda x, alpha=0.25: mp.mpf(x) if x > 0 else mp.mpf(alpha) * x,
    "elu": lambda x, alpha=1.0: mp.mpf(x) if x > 0 else mp.mpf(alpha) * mp.expm1(x),
    "selu": lambda x: SELU_LAMBDA * (mp.mpf(x) if x > 0 else SELU_ALPHA * mp.expm1(x)),
    "celu": lambda x, alpha=1.0: max(mp.mpf(x), 0) + min(mp.mpf(0), mp.mpf(alpha) * mp.expm1(mp.mpf(x) / alpha)),
    "gelu": lambda x, approximate="none": (mp.mpf(x) * _ncdf(mp.mpf(x)) if approximate == "none"
                                          # (1 + tanh z)/2 = sigma(2z): 1 + tanh z cancels even at 60 digits
                                          else mp.mpf(x) * _sig(2 * _gelu_tanh_arg(mp.mpf(x)))),
    "silu": lambda x: mp.mpf(x) * _sig(mp.mpf(x)),
    "swish": lambda x, beta=1.0: mp.mpf(x) * _sig(mp.mpf(beta) * x),
    "mish": lambda x: mp.mpf(x) * mp.tanh(mp.log1p(mp.exp(mp.mpf(x)))),
    "softplus": _softplus,
    "softsign": lambda x: mp.mpf(x) / (1 + abs(mp.mpf(x))),
    "hard_sigmoid": lambda x: min(max(mp.mpf(x) + 3, 0), 6) / 6,
    "hard_swish": lambda x: mp.mpf(x) * min(max(mp.mpf(x) + 3, 0), 6) / 6,
    "hard_tanh": lambda x: min(max(mp.mpf(x), -1), 1),
    "log_sigmoid": lambda x: -mp.log1p(mp.exp(-mp.mpf(x))),
}


def _gelu_d(x, approximate="none"):
    x = mp.mpf(x)
    if approximate == "none":
        return _ncdf(x) + x * _npdf(x)
    s, sm = _sig(2 * _gelu_tanh_arg(x)), _sig(-2 * _gelu_tanh_arg(x))
    return s + 2 * x * s * sm * mp.sqrt(2 / mp.pi) * (1 + 3 * mp.mpf("0.044715") * x * x)


def _mish_d(x):
    x = mp.mpf(x)
    sp = mp.log1p(mp.exp(x))
    return mp.tanh(sp) + x * mp.sech(sp) ** 2 * _sig(x)


# Derivatives with the kink conventions of actlab's docstring table.
DERIVATIVES = {
    "identity": lambda x: mp.mpf(1),
    "step": lambda x: mp.mpf(0),
    "sigmoid": lambda x: _sig(mp.mpf(x)) * _sig(-mp.mpf(x)),  # not 1 - sigma: it cancels
    "tanh": lambda x: mp.sech(mp.mpf(x)) ** 2,
    "relu": lambda x: mp.mpf(1) if x > 0 else mp.mpf(0),
    "relu6": lambda x: mp.mpf(1) if 0 < x < 6 else mp.mpf(0),
    "leaky_relu": lambda x, alpha=0.01: mp.mpf(1) if x > 0 else mp.mpf(alpha),
    "prelu": lambda x, alpha=0.25: mp.mpf(1) if x > 0 else mp.mpf(alpha),
    "elu": lambda x, alpha=1.0: mp.mpf(1) if x > 0 else mp.mpf(alpha) * mp.exp(x),
    "selu": lambda x: SELU_LAMBDA * (1 if x > 0 else SELU_ALPHA * mp.exp(x)),
    "celu": lambda x, alpha=1.0: mp.mpf(1) if x > 0 else mp.exp(mp.mpf(x) / alpha),
    "gelu": _gelu_d,
    "silu": lambda x: _sig(mp.mpf(x)) * (1 + x * _sig(-mp.mpf(x))),
    "swish": lambda x, beta=1.0: _sig(mp.mpf(beta) * x) * (1 + mp.mpf(beta) * x * _sig(-mp.mpf(beta) * x)),
    "mish": _mish_d,
    "softplus": lambda x, beta=1.0, threshold=20.0: (mp.mpf(1) if beta * x > threshold else _sig(mp.mpf(beta) * x)),
    "softsign": lambda x: 1 / (1 + abs(mp.mpf(x))) ** 2,
    "hard_sigmoid": lambda x: mp.mpf(1) / 6 if -3 < x < 3 else mp.mpf(0),
    "hard_swish": lambda x: mp.mpf(0) if x < -3 else (mp.mpf(x) / 3 + mp.mpf(1) / 2 if x <= 3 else mp.mpf(1)),
    "hard_tanh": lambda x: mp.mpf(1) if -1 < x < 1 else mp.mpf(0),
    "log_sigmoid": lambda x: _sig(-mp.mpf(x)),
}

#: Points where a function or its derivative is not smooth; finite differences stay away from them.
KINKS = {
    "step": (0.0,), "relu": (0.0,), "relu6": (0.0, 6.0), "leaky_relu": (0.0,), "prelu": (0.0,),
    "elu": (0.0,), "selu": (0.0,), "celu": (0.0,), "softsign": (0.0,), "hard_sigmoid": (-3.0, 3.0),
    "hard_swish": (-3.0, 3.0), "hard_tanh": (-1.0, 1.0), "softplus": (20.0,),
}


def ulp_error(actual, ref, dtype=np.float64):
    """|actual - ref| in units in the last place of ``ref`` rounded to ``dtype`` (subnormals too)."""
    r = dtype(float(ref))
    a = dtype(actual)
    if np.isnan(r) or np.isnan(a):
        return 0.0 if np.isnan(r) and np.isnan(a) else np.inf
    if np.isinf(r) or np.isinf(a):
        return 0.0 if a == r else np.inf
    # the error against the exact value, not against the rounded one: half an ulp counts
    return float(abs(mp.mpf(float(a)) - ref) / mp.mpf(float(np.spacing(np.abs(r)))))


def condition(f, x, **params):
    """|x f'(x) / f(x)|: how many ulp of output error one ulp of input error causes."""
    x = mp.mpf(x)
    fx = f(x, **params)
    if fx == 0:
        return mp.inf
    return float(abs(x * mp.diff(lambda t: f(t, **params), x) / fx))
