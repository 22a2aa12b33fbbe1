r"""Elementwise activation functions and their derivatives, in the style of ``jax.nn``.

Every function takes a real number, a list or an array and returns the same shape in the same
floating dtype (float16, float32 and float64 are kept; integers give float64; a scalar in gives a
NumPy scalar out). None of them warns about overflow or invalid values anywhere on the real line,
and NaN in gives NaN out, derivatives included.

Conventions at kinks follow PyTorch (and JAX where they agree) and are tested:

=================  =========================================================
function           derivative at the kink
=================  =========================================================
step               0 everywhere (the Dirac impulse at 0 is not represented)
relu               0 at x = 0
relu6, hard_tanh   0 at both corners (the open interval gets slope 1)
hard_sigmoid       0 at x = ±3 (slope 1/6 strictly inside)
hard_swish         the inner branch at both corners: -1/2 at -3, 3/2 at 3
leaky_relu, prelu  alpha at x = 0 (the left branch owns 0)
elu, selu          the left branch at 0: alpha and lambda*alpha
=================  =========================================================
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import special

from ._validate import as_float_array, check_real

__all__ = [
    "identity", "step", "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "prelu", "elu",
    "selu", "celu", "gelu", "silu", "swish", "mish", "softplus", "softsign", "hard_sigmoid",
    "hard_swish", "hard_tanh",
]
__all__ += [name + "_derivative" for name in __all__]

#: SELU's constants from Klambauer et al. (2017), to the digits the paper prints.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946

_SQRT_2_OVER_PI = 0.7978845608028654  # sqrt(2/pi), for GELU's tanh approximation
_INV_SQRT_2 = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327


def elementwise(kernel):
    """Validate ``x``, compute float16 in float32, and hand back the caller's dtype and shape."""

    @functools.wraps(kernel)
    def wrapper(x, *args, **kwargs):
        arr = as_float_array(x, "x")
        work = arr.astype(np.float32) if arr.dtype == np.float16 else arr
        # kernels see at least 1-d arrays: on 0-d input NumPy returns scalars, which refuse out=
        out = np.asarray(kernel(work.reshape(-1) if work.ndim == 0 else work, *args, **kwargs))
        out = out.reshape(arr.shape)
        if out.dtype != arr.dtype:
            with np.errstate(over="ignore"):  # a float16 result beyond 65504 rounds to inf, correctly
                out = out.astype(arr.dtype)
        return out[()] if out.ndim == 0 else out

    return wrapper


def _keep_nan(x, out):
    """Put NaN back where ``x`` is NaN: for derivatives built from comparisons, which drop it."""
    return np.where(np.isnan(x), x, out)


def _scaled(x, factor):
    """factor * x, clipped to the finite range: the gates below saturate long before it matters."""
    big = np.finfo(x.dtype).max
    with np.errstate(over="ignore"):
        return np.clip(factor * x, -big, big)


def _x_times(x, gate):
    """x * gate, with the limit 0 (not NaN) where x is infinite and the gate has underflowed to 0."""
    with np.errstate(invalid="ignore"):
        y = x * gate
    return np.where(np.isinf(x) & (gate == 0), 0 * gate, y)


def _sigmoid(x):
    # e^min(x,0) / (1 + e^-|x|): both exponents are <= 0, so nothing overflows and neither tail
    # cancels. Written with out= so the peak is the result plus one temporary.
    num = np.minimum(x, 0)
    np.exp(num, out=num)
    den = np.abs(x)
    np.negative(den, out=den)
    np.exp(den, out=den)
    den += 1
    num /= den
    return num


def _softplus(x):
    # max(x, 0) + log1p(e^-|x|): exact to rounding on both tails, never overflows.
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _sech2(x):
    # sech^2(x) = 4 e^-2|x| / (1 + e^-2|x|)^2, with no overflow for large |x|.
    e = np.exp(-np.abs(x))
    e *= e  # e^-2|x| without forming 2|x|, which overflows near the float max
    return 4 * e / (1 + e) ** 2


# ---------------------------------------------------------------------------------------------
# The functions

@elementwise
def identity(x):
    r"""Identity: :math:`f(x) = x`. Returns a copy, so the result never aliases the input.

    >>> identity([-1.0, 2.0])
    array([-1.,  2.])
    """
    return x.copy()


@elementwise
def step(x):
    r"""Heaviside step: :math:`f(x) = 1` for :math:`x > 0`, else :math:`0` (so ``step(0) == 0``).

    >>> step([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    return np.heaviside(x, 0)


@elementwise
def sigmoid(x):
    r"""Logistic sigmoid: :math:`\sigma(x) = 1 / (1 + e^{-x})`, range :math:`(0, 1)`.

    >>> float(sigmoid(0.0)), float(sigmoid(-1000.0))
    (0.5, 0.0)
    """
    return _sigmoid(x)


@elementwise
def tanh(x):
    r"""Hyperbolic tangent: :math:`\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})`, range :math:`(-1, 1)`.

    >>> float(tanh(0.0))
    0.0
    """
    return np.tanh(x)


@elementwise
def relu(x):
    r"""Rectified linear unit: :math:`\max(0, x)`.

    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return np.maximum(x, 0)


@elementwise
def relu6(x):
    r"""ReLU capped at 6: :math:`\min(\max(0, x), 6)`.

    >>> relu6([-1.0, 3.0, 9.0])
    array([0., 3., 6.])
    """
    return np.clip(x, 0, 6)


@elementwise
def leaky_relu(x, alpha=0.01):
    r"""Leaky ReLU: :math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise (PyTorch's default 0.01).

    >>> leaky_relu([-100.0, 5.0])
    array([-1.,  5.])
    """
    alpha = check_real("alpha", alpha)
    with np.errstate(over="ignore"):  # |alpha| > 1 may push alpha * x past the float max: inf
        return np.where(x > 0, x, alpha * x)


def prelu(x, alpha=0.25):
    r"""Parametric ReLU: Leaky ReLU whose :math:`\alpha` is learned (a scalar or one per channel).

    ``alpha`` may be a number or an array that broadcasts against ``x``; 0.25 is PyTorch's initial value.

    >>> prelu([-4.0, 4.0], alpha=0.25)
    array([-1.,  4.])
    """
    return _prelu(x, alpha)


@elementwise
def _prelu(x, alpha):
    a = _prelu_alpha(alpha, x)
    with np.errstate(over="ignore"):
        return np.where(x > 0, x, a * x)


def _prelu_alpha(alpha, x):
    if np.ndim(alpha) == 0:
        return check_real("alpha", alpha)
    a = as_float_array(alpha, "alpha").astype(x.dtype)
    if not np.all(np.isfinite(a)):
        raise ValueError("alpha must be finite everywhere")
    try:
        np.broadcast_shapes(a.shape, x.shape)
    except ValueError:
        raise ValueError(f"alpha of shape {a.shape} does not broadcast against x of shape {x.shape}") from None
    return a


@elementwise
def elu(x, alpha=1.0):
    r"""Exponential linear unit: :math:`x` for :math:`x > 0`, :math:`\alpha(e^x - 1)` otherwise.

    >>> round(float(elu(-1.0)), 6)
    -0.632121
    """
    alpha = check_real("alpha", alpha)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@elementwise
def selu(x):
    r"""Scaled ELU: :math:`\lambda\,\mathrm{ELU}_\alpha(x)` with :math:`\lambda \approx 1.0507`, :math:`\alpha \approx 1.6733`.

    >>> round(float(selu(1.0)), 6)
    1.050701
    """
    with np.errstate(over="ignore"):  # lambda * x beyond the float max is inf, correctly rounded
        return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))


@elementwise
def celu(x, alpha=1.0):
    r"""Continuously differentiable ELU: :math:`\max(0, x) + \min(0, \alpha(e^{x/\alpha} - 1))`, :math:`\alpha > 0`.

    >>> round(float(celu(-1.0, alpha=2.0)), 6)
    -0.786939
    """
    alpha = check_real("alpha", alpha, positive=True)
    return np.where(x > 0, x, alpha * np.expm1(_scaled(np.minimum(x, 0), 1 / alpha)))


def _normal_cdf(x):
    """Phi(x) to a few ulp everywhere, including the far left tail where erfc(-x/sqrt2) is not."""
    # For x < 0, Phi(x) = erfcx(-x/sqrt2) * exp(-x^2/2) / 2. erfcx is well conditioned; the
    # exponent is computed as the exact sum hi + lo of x*x (Dekker's product), because rounding
    # x^2 to double costs |x|^2/2 ulp in exp, hundreds of ulp for x < -20.
    xn = np.clip(x, -40.0, 0.0).astype(np.float64)  # Phi underflows to 0 below -38.5
    split = 134217729.0 * xn  # 2**27 + 1
    xh = split - (split - xn)
    xl = xn - xh
    hi = xn * xn
    lo = ((xh * xh - hi) + 2 * xh * xl) + xl * xl
    left = 0.5 * special.erfcx(-xn * _INV_SQRT_2) * np.exp(-0.5 * hi) * (1 - 0.5 * lo)
    right = 0.5 * special.erfc(-x * _INV_SQRT_2)
    return np.where(x < 0, left, right).astype(x.dtype)


@elementwise
def gelu(x, approximate="none"):
    r"""Gaussian error linear unit: :math:`x\,\Phi(x)`, or its tanh approximation.

    ``approximate="none"`` (the default, as in PyTorch; JAX defaults to ``True``) uses the exact
    normal CDF :math:`\Phi`; ``approximate="tanh"`` uses
    :math:`\tfrac12 x\,(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715x^3)))`.

    >>> round(float(gelu(1.0)), 6), round(float(gelu(1.0, approximate="tanh")), 6)
    (0.841345, 0.841192)
    """
    if _gelu_mode(approximate) == "tanh":
        # 1/2 (1 + tanh z) = sigmoid(2z): the same value without cancellation in the left tail.
        xc = np.clip(x, -100, 100)  # beyond this the factor is exactly 0 or 1; keeps x^3 finite
        return _x_times(x, _sigmoid(2 * _SQRT_2_OVER_PI * (xc + 0.044715 * xc**3)))
    return _x_times(x, _normal_cdf(x))


def _gelu_mode(approximate):
    if approximate not in ("none", "tanh"):
        raise ValueError(f'approximate must be "none" or "tanh", got {approximate!r}')
    return approximate


@elementwise
def silu(x):
    r"""Sigmoid linear unit: :math:`x\,\sigma(x)` (Swish with :math:`\beta = 1`).

    >>> round(float(silu(1.0)), 6)
    0.731059
    """
    return _x_times(x, _sigmoid(x))


@elementwise
def swish(x, beta=1.0):
    r"""Swish: :math:`x\,\sigma(\beta x)`; :math:`\beta = 1` is SiLU.

    >>> round(float(swish(1.0, beta=2.0)), 6)
    0.880797
    """
    beta = check_real("beta", beta)
    return _x_times(x, _sigmoid(_scaled(x, beta)))


@elementwise
def mish(x):
    r"""Mish: :math:`x \tanh(\mathrm{softplus}(x))`.

    >>> round(float(mish(1.0)), 6)
    0.865098
    """
    return _x_times(x, np.tanh(_softplus(x)))


@elementwise
def softplus(x, beta=1.0, threshold=20.0):
    r"""Softplus: :math:`\frac1\beta \log(1 + e^{\beta x})`, the smooth ReLU.

    As in PyTorch, where :math:`\beta x > \text{threshold}` it returns :math:`x` itself (relative
    error below 2e-9 at the default threshold 20).

    >>> round(float(softplus(0.0)), 6), float(softplus(1000.0))
    (0.693147, 1000.0)
    """
    beta = check_real("beta", beta, positive=True)
    threshold = check_real("threshold", threshold)
    bx = _scaled(x, beta)
    return np.where(bx > threshold, x, _softplus(np.minimum(bx, threshold)) / beta)


@elementwise
def softsign(x):
    r"""Softsign: :math:`x / (1 + |x|)`, range :math:`(-1, 1)`.

    >>> float(softsign(1.0))
    0.5
    """
    x = np.clip(x, -np.finfo(x.dtype).max, np.finfo(x.dtype).max)  # softsign(±inf) = ±1
    return x / (1 + np.abs(x))


@elementwise
def hard_sigmoid(x):
    r"""Hard sigmoid as in PyTorch: :math:`\mathrm{ReLU6}(x + 3) / 6`.

    >>> hard_sigmoid([-4.0, 0.0, 4.0])
    array([0. , 0.5, 1. ])
    """
    return np.clip(x + 3, 0, 6) / 6


@elementwise
def hard_swish(x):
    r"""Hard swish as in PyTorch: :math:`x\,\mathrm{ReLU6}(x + 3) / 6`.

    >>> hard_swish([-4.0, 1.0, 4.0])
    array([-0.        ,  0.66666667,  4.        ])
    """
    return _x_times(x, np.clip(x + 3, 0, 6) / 6)  # divide first: x * 6 would overflow near the float max


@elementwise
def hard_tanh(x):
    r"""Hard tanh: :math:`\min(\max(x, -1), 1)`.

    >>> hard_tanh([-3.0, 0.5, 3.0])
    array([-1. ,  0.5,  1. ])
    """
    return np.clip(x, -1, 1)


# ---------------------------------------------------------------------------------------------
# Derivatives, named <function>_derivative; the registry pairs them with their functions.

@elementwise
def identity_derivative(x):
    """d/dx x = 1."""
    return _keep_nan(x, np.ones_like(x))


@elementwise
def step_derivative(x):
    """0 everywhere: why the step function cannot be trained by gradient descent."""
    return _keep_nan(x, np.zeros_like(x))


@elementwise
def sigmoid_derivative(x):
    r""":math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, at most 1/4 (at 0)."""
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


@elementwise
def tanh_derivative(x):
    r""":math:`\tanh'(x) = 1 - \tanh^2(x) = \mathrm{sech}^2(x)`, at most 1 (at 0)."""
    return _sech2(x)


@elementwise
def relu_derivative(x):
    """1 for x > 0, 0 for x <= 0 (relu'(0) = 0, as in PyTorch and JAX)."""
    return np.heaviside(x, 0)


@elementwise
def relu6_derivative(x):
    """1 on the open interval (0, 6), 0 elsewhere (corners included)."""
    return np.heaviside(x, 0) * np.heaviside(6 - x, 0)


@elementwise
def leaky_relu_derivative(x, alpha=0.01):
    """1 for x > 0, alpha for x <= 0."""
    alpha = check_real("alpha", alpha)
    return _keep_nan(x, np.where(x > 0, 1, alpha).astype(x.dtype))


def prelu_derivative(x, alpha=0.25):
    """1 for x > 0, alpha for x <= 0 (derivative with respect to x)."""
    return _prelu_derivative(x, alpha)


@elementwise
def _prelu_derivative(x, alpha):
    a = _prelu_alpha(alpha, x)
    return _keep_nan(x, np.where(x > 0, 1, a).astype(x.dtype))


@elementwise
def elu_derivative(x, alpha=1.0):
    r"""1 for x > 0, :math:`\alpha e^x` for x <= 0."""
    alpha = check_real("alpha", alpha)
    return np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0)))  # NaN reaches the left branch


@elementwise
def selu_derivative(x):
    r""":math:`\lambda` for x > 0, :math:`\lambda\alpha e^x` for x <= 0."""
    return SELU_LAMBDA * np.where(x > 0, 1, SELU_ALPHA * np.exp(np.minimum(x, 0)))


@elementwise
def celu_derivative(x, alpha=1.0):
    r"""1 for x > 0, :math:`e^{x/\alpha}` for x <= 0 (continuous at 0)."""
    alpha = check_real("alpha", alpha, positive=True)
    return np.where(x > 0, 1, np.exp(_scaled(np.minimum(x, 0), 1 / alpha)))


@elementwise
def gelu_derivative(x, approximate="none"):
    r""":math:`\Phi(x) + x\varphi(x)` (exact), or the derivative of the tanh approximation."""
    if _gelu_mode(approximate) == "tanh":
        xc = np.clip(x, -100, 100)
        z2 = 2 * _SQRT_2_OVER_PI * (xc + 0.044715 * xc**3)
        s, sm = _sigmoid(z2), _sigmoid(-z2)
        return s + _x_times(x, 2 * s * sm * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * xc**2))
    xc = np.clip(x, -40, 40)  # phi(40) underflows; keeps x*x finite
    return _normal_cdf(x) + xc * _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


@elementwise
def silu_derivative(x):
    r""":math:`\sigma(x)(1 + x(1 - \sigma(x)))`; negative only for x below about -1.28."""
    s = _sigmoid(x)
    return s + _x_times(x, s * _sigmoid(-x))


@elementwise
def swish_derivative(x, beta=1.0):
    r""":math:`\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))`."""
    beta = check_real("beta", beta)
    s = _sigmoid(_scaled(x, beta))
    return s + _x_times(x, beta * s * _sigmoid(_scaled(x, -beta)))


@elementwise
def mish_derivative(x):
    r""":math:`\tanh(\mathrm{sp}(x)) + x\,\mathrm{sech}^2(\mathrm{sp}(x))\,\sigma(x)`."""
    sp = _softplus(x)
    return np.tanh(sp) + _x_times(x, _sech2(sp) * _sigmoid(x))


@elementwise
def softplus_derivative(x, beta=1.0, threshold=20.0):
    r""":math:`\sigma(\beta x)`, and exactly 1 above the threshold (as PyTorch)."""
    beta = check_real("beta", beta, positive=True)
    threshold = check_real("threshold", threshold)
    bx = _scaled(x, beta)
    return np.where(bx > threshold, 1, _sigmoid(bx)).astype(x.dtype)


@elementwise
def softsign_derivative(x):
    r""":math:`1 / (1 + |x|)^2`."""
    return (1 / (1 + np.abs(x))) ** 2  # square after dividing: (1 + |x|)^2 overflows first


@elementwise
def hard_sigmoid_derivative(x):
    """1/6 strictly between -3 and 3, 0 elsewhere."""
    return np.heaviside(x + 3, 0) * np.heaviside(3 - x, 0) / 6


@elementwise
def hard_swish_derivative(x):
    """0 for x < -3, x/3 + 1/2 for -3 <= x <= 3, 1 for x > 3 (PyTorch's branches)."""
    return _keep_nan(x, np.where(x < -3, 0, np.where(x <= 3, x / 3 + 0.5, 1)))


@elementwise
def hard_tanh_derivative(x):
    """1 strictly between -1 and 1, 0 elsewhere."""
    return np.heaviside(x + 1, 0) * np.heaviside(1 - x, 0)
