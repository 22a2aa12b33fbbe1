r"""Elementwise activation functions and their derivatives, in the style of ``jax.nn``.

Every function takes a real number, a list or an array and returns the same shape in the same
floating dtype (float16, float32 and float64 are kept; integers give float64; a scalar in gives a
NumPy scalar out, as NumPy's ufuncs do: the signatures read ``ArrayLike -> np.ndarray`` where
``jax.nn``'s read ``ArrayLike -> Array``). None of them warns about overflow or invalid values
anywhere on the real line, and NaN in gives NaN out, derivatives included.

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
celu               1 at x = 0 (continuous there for every alpha)
=================  =========================================================

Accuracy (float64, measured by ``tests/lib`` against mpmath at 60 digits, tails and subnormal
results included): within 4 ulp for every function except exact GELU (8 ulp: SciPy's erfc and
erfcx carry up to ~5 ulp themselves) and GELU's tanh form, whose left tail is ill-conditioned
(the error stays within what one ulp of input error causes). Derivatives: 4 ulp (GELU 8) plus
the conditioning near their own zeros, where any formula loses relative accuracy.

Speed: every kernel is branch-free NumPy with ``out=`` (no ``np.where`` on data-dependent masks,
which costs more than all the arithmetic), and peaks at the result plus at most one temporary
the size of the input (exact GELU, computed in float64 for accuracy, works block by block and
peaks at the result plus a few small blocks). See
``benchmarks/bench_activations.py``.
"""
from __future__ import annotations

import functools
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ._validate import as_float_array, check_real

__all__ = [
    "identity", "step", "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "prelu", "elu",
    "selu", "celu", "gelu", "silu", "swish", "mish", "softplus", "softsign", "hard_sigmoid",
    "hard_swish", "hard_tanh", "log_sigmoid",
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


def _sigmoid_into(z, out, tmp):
    """out = sigmoid(z) with ``tmp`` as scratch (``tmp`` may be ``z``; ``out`` must not be).

    e^min(z,0) / (1 + e^-|z|): both exponents are <= 0, so nothing overflows and neither tail
    cancels. Two arrays and seven in-place passes: no temporary beyond ``tmp``.
    """
    np.minimum(z, 0, out=out)
    np.exp(out, out=out)
    np.abs(z, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    tmp += 1
    out /= tmp
    return out


def _over_one_plus_exp(num, negz):
    """num / (1 + e^negz) (num = None means 1), computed in place in ``negz`` and returned.

    One exp and four passes: the fast form of sigmoid(z), x sigmoid(z) and friends, accurate to a
    couple of ulp wherever e^negz is finite (nothing cancels: both terms of 1 + e^negz are
    positive). Where e^negz would overflow (negz > log(max) - 1, far in the left tail only) the
    few elements are recomputed from the overflow-free e^z / (1 + e^z), so tiny and subnormal
    results stay right instead of collapsing to 0 through num / inf.
    """
    far = negz > np.log(np.finfo(negz.dtype).max) - 1.0
    tail = far.any()
    if tail:
        z = -negz[far]
        s = np.empty_like(z)
        _sigmoid_into(z, s, z)
        if num is not None:  # the gate is 0 or tiny here: ±inf * 0 has the limit 0
            big = np.finfo(s.dtype).max
            s *= np.clip(num[far], -big, big)
    with np.errstate(over="ignore", invalid="ignore"):  # only at the `far` elements (inf, inf/inf),
        np.exp(negz, out=negz)                          # which are replaced below
        negz += 1
        if num is None:
            np.reciprocal(negz, out=negz)
        else:
            np.divide(num, negz, out=negz)
    if tail:
        negz[far] = s
    return negz


def _times_x(gate, x, tmp, zero_side=-1):
    """gate *= x in place, giving the limit 0 (not inf * 0 = NaN) where the gate vanishes at ±inf.

    ``zero_side`` says on which side the gate tends to 0 (-1: x -> -inf, as for silu or gelu);
    x is clamped to the finite range on that side only, so the other infinity passes through.
    Branch-free: a np.where with a data-dependent mask costs as much as all the other passes.
    """
    big = np.finfo(x.dtype).max
    if zero_side < 0:
        gate *= np.maximum(x, -big, out=tmp)
    elif zero_side > 0:
        gate *= np.minimum(x, big, out=tmp)
    else:
        gate *= x
    return gate


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
    return _sigmoid_into(x, np.empty_like(x), np.empty_like(x))


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
def identity(x: ArrayLike) -> np.ndarray:
    r"""Identity: :math:`f(x) = x`. Returns a copy, so the result never aliases the input.

    >>> identity([-1.0, 2.0])
    array([-1.,  2.])
    """
    return x.copy()


@elementwise
def step(x: ArrayLike) -> np.ndarray:
    r"""Heaviside step: :math:`f(x) = 1` for :math:`x > 0`, else :math:`0` (so ``step(0) == 0``).

    >>> step([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    out = np.sign(x)  # sign keeps NaN, and is one fast pass where heaviside is a slow loop
    return np.maximum(out, 0, out=out)


@elementwise
def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""Logistic sigmoid: :math:`\sigma(x) = 1 / (1 + e^{-x})`, range :math:`(0, 1)`.

    >>> float(sigmoid(0.0)), float(sigmoid(-1000.0))
    (0.5, 0.0)
    """
    return _over_one_plus_exp(None, np.negative(x))


@elementwise
def tanh(x: ArrayLike) -> np.ndarray:
    r"""Hyperbolic tangent: :math:`\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})`, range :math:`(-1, 1)`.

    >>> float(tanh(0.0))
    0.0
    """
    return np.tanh(x)


@elementwise
def relu(x: ArrayLike) -> np.ndarray:
    r"""Rectified linear unit: :math:`\max(0, x)`.

    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return np.maximum(x, 0)


@elementwise
def relu6(x: ArrayLike) -> np.ndarray:
    r"""ReLU capped at 6: :math:`\min(\max(0, x), 6)`.

    >>> relu6([-1.0, 3.0, 9.0])
    array([0., 3., 6.])
    """
    return np.clip(x, 0, 6)


@elementwise
def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: :math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise (PyTorch's default 0.01).

    >>> leaky_relu([-100.0, 5.0])
    array([-1.,  5.])
    """
    alpha = check_real("alpha", alpha)
    return _leaky(x, alpha)


def _leaky(x, alpha):
    # max(x, alpha x) when alpha <= 1, min(x, alpha x) when alpha > 1: the same two branches as
    # "x if x > 0 else alpha x", without a data-dependent select. alpha = 0 is ReLU (and keeps
    # relu(-inf) = 0 where 0 * -inf would be NaN).
    if alpha == 0:
        return np.maximum(x, 0)
    with np.errstate(over="ignore"):  # |alpha| > 1 may push alpha * x past the float max: inf
        out = np.multiply(x, alpha)
    return (np.maximum if alpha <= 1 else np.minimum)(out, x, out=out)


def prelu(x: ArrayLike, alpha: ArrayLike = 0.25) -> np.ndarray:
    r"""Parametric ReLU: Leaky ReLU whose :math:`\alpha` is learned (a scalar or one per channel).

    ``alpha`` may be a number or an array that broadcasts against ``x``; 0.25 is PyTorch's initial value.

    >>> prelu([-4.0, 4.0], alpha=0.25)
    array([-1.,  4.])
    """
    return _prelu(x, alpha)


@elementwise
def _prelu(x, alpha):
    a = _prelu_alpha(alpha, x)
    if np.ndim(a) == 0:
        return _leaky(x, a)
    with np.errstate(over="ignore", invalid="ignore"):  # 0 * -inf: replaced by the limit 0 below
        ax = np.where(a == 0, 0, a * x)
    return np.where(x > 0, x, ax)


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
def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    r"""Exponential linear unit: :math:`x` for :math:`x > 0`, :math:`\alpha(e^x - 1)` otherwise.

    >>> round(float(elu(-1.0)), 6)
    -0.632121
    """
    alpha = check_real("alpha", alpha)
    # max(x, 0) + alpha expm1(min(x, 0)): each side adds an exact 0 to the other branch
    out = np.minimum(x, 0)
    np.expm1(out, out=out)
    out *= alpha
    out += np.maximum(x, 0)
    return out


@elementwise
def selu(x: ArrayLike) -> np.ndarray:
    r"""Scaled ELU: :math:`\lambda\,\mathrm{ELU}_\alpha(x)` with :math:`\lambda \approx 1.0507`, :math:`\alpha \approx 1.6733`.

    >>> round(float(selu(1.0)), 6)
    1.050701
    """
    out = np.minimum(x, 0)
    np.expm1(out, out=out)
    out *= SELU_LAMBDA * SELU_ALPHA
    pos = np.maximum(x, 0)
    with np.errstate(over="ignore"):  # lambda * x beyond the float max is inf, correctly rounded
        pos *= SELU_LAMBDA
    out += pos
    return out


@elementwise
def celu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    r"""Continuously differentiable ELU: :math:`\max(0, x) + \min(0, \alpha(e^{x/\alpha} - 1))`, :math:`\alpha > 0`.

    >>> round(float(celu(-1.0, alpha=2.0)), 6)
    -0.786939
    """
    alpha = check_real("alpha", alpha, positive=True)
    out = np.minimum(x, 0)
    with np.errstate(over="ignore"):  # a tiny alpha sends x / alpha to -inf, and expm1 to -1: right
        out /= alpha
    np.expm1(out, out=out)
    out *= alpha
    out += np.maximum(x, 0)
    return out


_EXP_600 = 2.6503965530043108e-261  # e^-600: rescales the far-tail results (see _gauss_parts)


def _gauss_parts(a, tail_scale=False):
    """For a = |x| (float64, clipped to [0, 40]): E = exp(-a^2/2) and t = Phi(-a), a few ulp each.

    phi(a) = E / sqrt(2 pi). For a >= 2, t = erfcx(a/sqrt2)/2 * E. Rounding a^2 to double would
    cost a^2/2 ulp in exp (hundreds for a > 20), so a is split as h + l with h = round(64 a)/64:
    h^2 is exact, and exp(-a^2/2) = exp(-h^2/2) * exp(-l (a + h)/2) with the second argument small
    and accurate. The textbook erfc(-x/sqrt2)/2 (PyTorch's formula) is off by ~a^2/2 ulp in the
    left tail (about 300 ulp at x = -25; the tests measure both against mpmath). Below a = 1 it
    is the better one (SciPy's erfcx has up to ~7 ulp near 0, its erfc up to ~4 ulp below 1 and
    ~9 ulp above), so t = erfc(a/sqrt2)/2 there.
    With ``tail_scale`` (all a > 35) E and t come back times e^600 (the h^2 argument stays exact
    when shifted by 600), so a result that ends subnormal is rounded once, at the final e^-600.
    """
    h = a * 64.0
    np.rint(h, out=h)
    h /= 64.0
    t = a + h
    h -= a
    t *= h  # -(a - h)(a + h): lo = a - h is exact
    t *= 0.5
    np.exp(t, out=t)
    h += a
    h *= h
    h *= -0.5
    if tail_scale:
        h += 600.0  # exact: h^2/2 is a multiple of 2^-13 below 2^10
    np.exp(h, out=h)
    h *= t  # E
    np.multiply(a, _INV_SQRT_2, out=t)
    special.erfcx(t, out=t)
    t *= 0.5
    t *= h
    if not tail_scale:
        near = a < 1.0
        if near.any():
            t[near] = 0.5 * special.erfc(a[near] * _INV_SQRT_2)
    return h, t


_GELU_CHUNK = 1 << 16  # elements per block: float64 temporaries stay small (and cache-friendly)


def _gelu_exact(x, derivative=False):
    """x Phi(x), or its derivative, in the dtype of x, a few ulp everywhere.

    Branch-free through Phi(x) = 1 - Phi(-|x|) for x >= 0:
    gelu(x) = max(x, 0) - |x| Phi(-|x|), gelu'(x) = w if x < 0 else 1 - w with
    w = Phi(-|x|) - |x| phi(x). Computed in float64, block by block, so the peak memory is
    the result plus a few blocks whatever the input size and dtype.
    """
    flat = x.reshape(-1)
    out = np.empty(flat.shape, x.dtype)
    for start in range(0, flat.size, _GELU_CHUNK):
        block = flat[start:start + _GELU_CHUNK]
        out[start:start + _GELU_CHUNK] = _gelu_exact_block(block.astype(np.float64), derivative)
    return out.reshape(x.shape)


def _gelu_exact_block(xd, derivative):
    """One float64 block. Elements below -35, whose results are at most 1e-264, are recomputed
    with E scaled by e^600 so that a subnormal result is rounded only once."""
    a = np.abs(xd)
    np.minimum(a, 40.0, out=a)  # Phi(-40) underflows; NaN stays NaN
    result = _gelu_from_parts(xd, a, *_gauss_parts(a), derivative)
    tail = xd < -35.0
    if tail.any():
        at = np.abs(xd[tail])
        np.minimum(at, 40.0, out=at)
        E, t = _gauss_parts(at, tail_scale=True)
        result[tail] = _gelu_from_parts(xd[tail], at, E, t, derivative) * _EXP_600
    return result


def _gelu_from_parts(xd, a, E, t, derivative):
    if not derivative:
        t *= a
        out = np.maximum(xd, 0)
        out -= t
        return out
    E *= a
    E *= _INV_SQRT_2PI
    t -= E  # w = Phi(-|x|) - |x| phi(x)
    s = np.greater_equal(xd, 0).astype(np.float64)
    np.multiply(s, -2.0, out=a)  # a is the caller's scratch from here on
    a += 1.0  # -1 for x >= 0, +1 for x < 0
    t *= a
    t += s
    return t


@elementwise
def gelu(x: ArrayLike, approximate: Literal["none", "tanh"] = "none") -> np.ndarray:
    r"""Gaussian error linear unit: :math:`x\,\Phi(x)`, or its tanh approximation.

    ``approximate="none"`` (the default, as in PyTorch; JAX defaults to ``True``) uses the exact
    normal CDF :math:`\Phi`; ``approximate="tanh"`` uses
    :math:`\tfrac12 x\,(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715x^3)))`.

    >>> round(float(gelu(1.0)), 6), round(float(gelu(1.0, approximate="tanh")), 6)
    (0.841345, 0.841192)
    """
    if _gelu_mode(approximate) == "tanh":
        # 1/2 (1 + tanh z) = sigmoid(2z): the same value without cancellation in the left tail.
        # x sigmoid(2z) = x / (1 + e^-2z) with -2z = -x (a + b x^2)
        with np.errstate(over="ignore"):  # x^2 -> inf for huge x: 2z = ±inf, the gate saturates
            t = np.multiply(x, x)
            t *= -2 * _SQRT_2_OVER_PI * 0.044715
            t -= 2 * _SQRT_2_OVER_PI
            t *= x
        return _over_one_plus_exp(x, t)
    return _gelu_exact(x)


def _gelu_mode(approximate):
    if not isinstance(approximate, str) or approximate not in ("none", "tanh"):
        raise ValueError(f'approximate must be "none" or "tanh", got {approximate!r}')
    return approximate


@elementwise
def silu(x: ArrayLike) -> np.ndarray:
    r"""Sigmoid linear unit: :math:`x\,\sigma(x)` (Swish with :math:`\beta = 1`).

    >>> round(float(silu(1.0)), 6)
    0.731059
    """
    return _over_one_plus_exp(x, np.negative(x))


@elementwise
def swish(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    r"""Swish: :math:`x\,\sigma(\beta x)`; :math:`\beta = 1` is SiLU.

    >>> round(float(swish(1.0, beta=2.0)), 6)
    0.880797
    """
    beta = check_real("beta", beta)
    if beta == 0:
        return x * 0.5  # sigma(0) = 1/2; -0 * inf would be NaN below
    with np.errstate(over="ignore"):  # beta x beyond the float max is ±inf: the gate saturates
        negbx = np.multiply(x, -beta)
    return _over_one_plus_exp(x, negbx)


@elementwise
def mish(x: ArrayLike) -> np.ndarray:
    r"""Mish: :math:`x \tanh(\mathrm{softplus}(x))`.

    >>> round(float(mish(1.0)), 6)
    0.865098
    """
    # tanh(log(1 + e^x)) = n / (n + 2) with n = e^x (e^x + 2): one exp instead of exp, log1p
    # and tanh, and no cancellation in the left tail (n ~ 2 e^x). Above x = 20 the ratio is 1 to
    # double precision, and e^40 is finite even in float32.
    out = np.minimum(x, 20.0)
    np.exp(out, out=out)
    tmp = out + 2.0
    out *= tmp
    np.add(out, 2.0, out=tmp)
    out /= tmp
    return _times_x(out, x, tmp)


@elementwise
def softplus(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    r"""Softplus: :math:`\frac1\beta \log(1 + e^{\beta x})`, the smooth ReLU.

    As in PyTorch, where :math:`\beta x > \text{threshold}` it returns :math:`x` itself (relative
    error below 2e-9 at the default threshold 20).

    >>> round(float(softplus(0.0)), 6), float(softplus(1000.0))
    (0.693147, 1000.0)
    """
    beta = check_real("beta", beta, positive=True)
    threshold = check_real("threshold", threshold)
    # max(x, 0) + log1p(e^-|beta x|) / beta, with the log term zeroed where beta x > threshold so
    # that x comes back exactly there (PyTorch). max(x, 0) rather than max(beta x, 0) / beta,
    # which would round. A multiply by the mask instead of np.where: no data-dependent branch.
    with np.errstate(over="ignore"):
        bx = np.multiply(x, beta)
    e = np.abs(bx)
    np.negative(e, out=e)
    np.exp(e, out=e)
    e *= np.less_equal(bx, threshold)
    np.log1p(e, out=e)
    if beta != 1:
        e /= beta
    out = np.maximum(x, 0, out=bx)
    out += e
    return out


@elementwise
def softsign(x: ArrayLike) -> np.ndarray:
    r"""Softsign: :math:`x / (1 + |x|)`, range :math:`(-1, 1)`.

    >>> float(softsign(1.0))
    0.5
    """
    big = np.finfo(x.dtype).max
    out = np.clip(x, -big, big)  # softsign(±inf) = ±1
    den = np.abs(out)
    den += 1
    out /= den
    return out


@elementwise
def hard_sigmoid(x: ArrayLike) -> np.ndarray:
    r"""Hard sigmoid as in PyTorch: :math:`\mathrm{ReLU6}(x + 3) / 6`.

    >>> hard_sigmoid([-4.0, 0.0, 4.0])
    array([0. , 0.5, 1. ])
    """
    out = np.add(x, 3)
    np.clip(out, 0, 6, out=out)
    out /= 6
    return out


@elementwise
def hard_swish(x: ArrayLike) -> np.ndarray:
    r"""Hard swish as in PyTorch: :math:`x\,\mathrm{ReLU6}(x + 3) / 6`.

    >>> hard_swish([-4.0, 1.0, 4.0])
    array([-0.        ,  0.66666667,  4.        ])
    """
    out = np.add(x, 3)
    np.clip(out, 0, 6, out=out)
    out /= 6  # divide first: x * 6 would overflow near the float max
    return _times_x(out, x, np.empty_like(x))


@elementwise
def hard_tanh(x: ArrayLike) -> np.ndarray:
    r"""Hard tanh: :math:`\min(\max(x, -1), 1)`.

    >>> hard_tanh([-3.0, 0.5, 3.0])
    array([-1. ,  0.5,  1. ])
    """
    return np.clip(x, -1, 1)


@elementwise
def log_sigmoid(x: ArrayLike) -> np.ndarray:
    r"""Log-sigmoid: :math:`\log\sigma(x) = -\mathrm{softplus}(-x) = \min(x, 0) - \log(1 + e^{-|x|})`.

    Both terms are never positive, so nothing cancels and neither tail overflows:
    ``log_sigmoid(-1000) == -1000`` where ``log(sigmoid(-1000))`` is ``log(0) = -inf``, and
    ``log_sigmoid(40)`` is :math:`-e^{-40}`, not the 0 of ``log(1.0)``. Unlike softplus it has
    no threshold (PyTorch's ``logsigmoid`` has none either). Binary cross-entropy from logits
    is ``-(y log_sigmoid(z) + (1 - y) log_sigmoid(-z))``.

    >>> float(log_sigmoid(0.0)) == -float(np.log(2.0)), float(log_sigmoid(-1000.0))
    (True, -1000.0)
    """
    e = np.abs(x)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=e)
    out = np.minimum(x, 0)
    out -= e
    return out


# ---------------------------------------------------------------------------------------------
# Derivatives, named <function>_derivative; the registry pairs them with their functions.

@elementwise
def identity_derivative(x: ArrayLike) -> np.ndarray:
    """d/dx x = 1."""
    return _keep_nan(x, np.ones_like(x))


@elementwise
def step_derivative(x: ArrayLike) -> np.ndarray:
    """0 everywhere: why the step function cannot be trained by gradient descent."""
    return _keep_nan(x, np.zeros_like(x))


@elementwise
def sigmoid_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, at most 1/4 (at 0)."""
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


@elementwise
def tanh_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`\tanh'(x) = 1 - \tanh^2(x) = \mathrm{sech}^2(x)`, at most 1 (at 0)."""
    return _sech2(x)


@elementwise
def relu_derivative(x: ArrayLike) -> np.ndarray:
    """1 for x > 0, 0 for x <= 0 (relu'(0) = 0, as in PyTorch and JAX)."""
    return np.heaviside(x, 0)


@elementwise
def relu6_derivative(x: ArrayLike) -> np.ndarray:
    """1 on the open interval (0, 6), 0 elsewhere (corners included)."""
    return np.heaviside(x, 0) * np.heaviside(6 - x, 0)


@elementwise
def leaky_relu_derivative(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """1 for x > 0, alpha for x <= 0."""
    alpha = check_real("alpha", alpha)
    return _keep_nan(x, np.where(x > 0, 1, alpha).astype(x.dtype))


def prelu_derivative(x: ArrayLike, alpha: ArrayLike = 0.25) -> np.ndarray:
    """1 for x > 0, alpha for x <= 0 (derivative with respect to x)."""
    return _prelu_derivative(x, alpha)


@elementwise
def _prelu_derivative(x, alpha):
    a = _prelu_alpha(alpha, x)
    return _keep_nan(x, np.where(x > 0, 1, a).astype(x.dtype))


@elementwise
def elu_derivative(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    r"""1 for x > 0, :math:`\alpha e^x` for x <= 0."""
    alpha = check_real("alpha", alpha)
    return np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0)))  # NaN reaches the left branch


@elementwise
def selu_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`\lambda` for x > 0, :math:`\lambda\alpha e^x` for x <= 0."""
    return SELU_LAMBDA * np.where(x > 0, 1, SELU_ALPHA * np.exp(np.minimum(x, 0)))


@elementwise
def celu_derivative(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    r"""1 for x > 0, :math:`e^{x/\alpha}` for x <= 0 (continuous at 0)."""
    alpha = check_real("alpha", alpha, positive=True)
    return np.where(x > 0, 1, np.exp(_scaled(np.minimum(x, 0), 1 / alpha)))


@elementwise
def gelu_derivative(x: ArrayLike, approximate: Literal["none", "tanh"] = "none") -> np.ndarray:
    r""":math:`\Phi(x) + x\varphi(x)` (exact), or the derivative of the tanh approximation."""
    if _gelu_mode(approximate) == "tanh":
        xc = np.clip(x, -100, 100)
        z2 = 2 * _SQRT_2_OVER_PI * (xc + 0.044715 * xc**3)
        s, sm = _sigmoid(z2), _sigmoid(-z2)
        return s + _x_times(x, 2 * s * sm * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * xc**2))
    return _gelu_exact(x, derivative=True)


@elementwise
def silu_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`\sigma(x)(1 + x(1 - \sigma(x)))`; negative only for x below about -1.28."""
    s = _sigmoid(x)
    return s + _x_times(x, s * _sigmoid(-x))


@elementwise
def swish_derivative(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    r""":math:`\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))`."""
    beta = check_real("beta", beta)
    s = _sigmoid(_scaled(x, beta))
    return s + _x_times(x, beta * s * _sigmoid(_scaled(x, -beta)))


@elementwise
def mish_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`\tanh(\mathrm{sp}(x)) + x\,\mathrm{sech}^2(\mathrm{sp}(x))\,\sigma(x)`."""
    # The same value as e^x w / d^2 with w = 4(x + 1) + 4e^2x + e^3x + e^x (4x + 6) and
    # d = e^2x + 2e^x + 2: the sum of tanh(sp) and x sech^2(sp) sigma(x) cancels by a factor of
    # ~6 near x = -1 (20 ulp), this form only where the derivative itself vanishes (x = -1.19).
    # Above 20 the derivative is 1 to double precision; below -1000 e^x is 0 and so is the result.
    xc = np.clip(x, -1000.0, 20.0)
    e = np.exp(xc)
    w = 4 * xc + 6
    w *= e
    w += 4 * (xc + 1)
    e2 = e * e
    d = e2 + 2 * e
    d += 2
    w += 4 * e2
    e2 *= e
    w += e2
    w *= e
    d *= d
    w /= d
    return w


@elementwise
def softplus_derivative(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    r""":math:`\sigma(\beta x)`, and exactly 1 above the threshold (as PyTorch)."""
    beta = check_real("beta", beta, positive=True)
    threshold = check_real("threshold", threshold)
    bx = _scaled(x, beta)
    return np.where(bx > threshold, 1, _sigmoid(bx)).astype(x.dtype)


@elementwise
def softsign_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`1 / (1 + |x|)^2`."""
    return (1 / (1 + np.abs(x))) ** 2  # square after dividing: (1 + |x|)^2 overflows first


@elementwise
def hard_sigmoid_derivative(x: ArrayLike) -> np.ndarray:
    """1/6 strictly between -3 and 3, 0 elsewhere."""
    return np.heaviside(x + 3, 0) * np.heaviside(3 - x, 0) / 6


@elementwise
def hard_swish_derivative(x: ArrayLike) -> np.ndarray:
    """0 for x < -3, x/3 + 1/2 for -3 <= x <= 3, 1 for x > 3 (PyTorch's branches)."""
    # (2x + 3) / 6 rather than x/3 + 1/2: 2x + 3 is exact near the root at -1.5 (Sterbenz)
    inner = np.clip(x, -4, 4)  # keeps 2x + 3 finite for huge x (that branch is not chosen there)
    inner *= 2
    inner += 3
    inner /= 6
    return _keep_nan(x, np.where(x < -3, 0, np.where(x <= 3, inner, 1)))


@elementwise
def hard_tanh_derivative(x: ArrayLike) -> np.ndarray:
    """1 strictly between -1 and 1, 0 elsewhere."""
    return np.heaviside(x + 1, 0) * np.heaviside(1 - x, 0)


@elementwise
def log_sigmoid_derivative(x: ArrayLike) -> np.ndarray:
    r""":math:`\sigma(-x) = 1 / (1 + e^{x})`: 1 far left, 1/2 at 0, 0 far right."""
    return _over_one_plus_exp(None, x.copy())
