r"""Weight initialisation (가중치 초기화): the variance of the first weights decides whether signals survive depth.

Every initialiser has the signature ``init(fan_in, fan_out, rng, *, size=None, **params)`` and
returns an array of shape ``size`` (default ``(fan_in, fan_out)``, the layout of :class:`~actlab.layers.Dense`,
which computes ``x @ W + b``). ``rng`` is a ``numpy.random.Generator`` or an integer seed.

==================  ===========================================  ==========================
name                distribution                                 variance
==================  ===========================================  ==========================
xavier_uniform      U(-a, a), a = gain·√(6 / (fan_in + fan_out))  gain²·2 / (fan_in + fan_out)
xavier_normal       N(0, gain²·2 / (fan_in + fan_out))            gain²·2 / (fan_in + fan_out)
he_normal           N(0, 2 / fan_in)                              2 / fan_in
he_uniform          U(-a, a), a = √(6 / fan_in)                   2 / fan_in
lecun_normal        N(0, 1 / fan_in)                              1 / fan_in
lecun_uniform       U(-a, a), a = √(3 / fan_in)                   1 / fan_in
normal              N(0, std²)  (``std`` required)                 std²
zeros               0                                             0
==================  ===========================================  ==========================

``glorot_*`` are the same as ``xavier_*`` (Glorot & Bengio, 2010) and ``kaiming_*`` the same as
``he_*`` (He et al., 2015). Xavier keeps the variance of tanh/sigmoid layers roughly constant
forwards and backwards; He doubles it because ReLU zeroes half of its inputs; LeCun suits SELU.

>>> W = xavier_uniform(3, 2, rng=0)
>>> W.shape
(3, 2)
"""
from __future__ import annotations

import math
import numbers
from typing import Callable

import numpy as np

from ._validate import check_int, check_real

#: What every ``seed``/``rng`` argument accepts: an integer seed, or a generator used as it is.
SeedLike = int | np.random.Generator

__all__ = [
    "INITIALIZERS", "get_initializer", "initialize", "as_rng", "default_init_for",
    "xavier_uniform", "xavier_normal", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform",
    "normal", "zeros",
]


def as_rng(seed: SeedLike, name: str = "seed") -> np.random.Generator:
    """A ``numpy.random.Generator`` from an integer seed (or the generator itself, unchanged)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an integer or a numpy.random.Generator, got {type(seed).__name__} {seed!r:.40}")
    if seed < 0:
        raise ValueError(f"{name} must be non-negative, got {seed}")
    return np.random.default_rng(int(seed))


def _shape(fan_in, fan_out, size):
    fan_in = check_int("fan_in", fan_in)
    fan_out = check_int("fan_out", fan_out)
    if size is None:
        return fan_in, fan_out, (fan_in, fan_out)
    if isinstance(size, numbers.Integral):
        size = (size,)
    return fan_in, fan_out, tuple(check_int("size", s) for s in size)


def xavier_uniform(fan_in: int, fan_out: int, rng: SeedLike = 0, *, size: int | tuple[int, ...] | None = None,
                   gain: float = 1.0) -> np.ndarray:
    r"""Xavier/Glorot uniform: :math:`U(-a, a)`, :math:`a = \text{gain}\sqrt{6/(n_{in}+n_{out})}`."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    limit = check_real("gain", gain, positive=True) * math.sqrt(6.0 / (fan_in + fan_out))
    return as_rng(rng, "rng").uniform(-limit, limit, size=size)


def xavier_normal(fan_in: int, fan_out: int, rng: SeedLike = 0, *, size: int | tuple[int, ...] | None = None,
                  gain: float = 1.0) -> np.ndarray:
    r"""Xavier/Glorot normal: :math:`N(0, \sigma^2)`, :math:`\sigma = \text{gain}\sqrt{2/(n_{in}+n_{out})}`."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    std = check_real("gain", gain, positive=True) * math.sqrt(2.0 / (fan_in + fan_out))
    return as_rng(rng, "rng").normal(0.0, std, size=size)


def he_normal(fan_in: int, fan_out: int, rng: SeedLike = 0, *,
              size: int | tuple[int, ...] | None = None) -> np.ndarray:
    r"""He/Kaiming normal: :math:`N(0, 2/n_{in})`, for ReLU layers."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    return as_rng(rng, "rng").normal(0.0, math.sqrt(2.0 / fan_in), size=size)


def he_uniform(fan_in: int, fan_out: int, rng: SeedLike = 0, *,
               size: int | tuple[int, ...] | None = None) -> np.ndarray:
    r"""He/Kaiming uniform: :math:`U(-a, a)`, :math:`a = \sqrt{6/n_{in}}` (variance :math:`2/n_{in}`)."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    limit = math.sqrt(6.0 / fan_in)
    return as_rng(rng, "rng").uniform(-limit, limit, size=size)


def lecun_normal(fan_in: int, fan_out: int, rng: SeedLike = 0, *,
                 size: int | tuple[int, ...] | None = None) -> np.ndarray:
    r"""LeCun normal: :math:`N(0, 1/n_{in})`, the initialisation SELU's self-normalisation assumes."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    return as_rng(rng, "rng").normal(0.0, math.sqrt(1.0 / fan_in), size=size)


def lecun_uniform(fan_in: int, fan_out: int, rng: SeedLike = 0, *,
                  size: int | tuple[int, ...] | None = None) -> np.ndarray:
    r"""LeCun uniform: :math:`U(-a, a)`, :math:`a = \sqrt{3/n_{in}}` (variance :math:`1/n_{in}`)."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    limit = math.sqrt(3.0 / fan_in)
    return as_rng(rng, "rng").uniform(-limit, limit, size=size)


def normal(fan_in: int, fan_out: int, rng: SeedLike = 0, *, size: int | tuple[int, ...] | None = None,
           std: float | None = None) -> np.ndarray:
    r"""Plain :math:`N(0, \text{std}^2)`, whatever the fan: with a large ``std`` gradients explode."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    if std is None:
        raise TypeError("std is required for init='normal' (for example init_params={'std': 0.01})")
    std = check_real("std", std, positive=True)
    return as_rng(rng, "rng").normal(0.0, std, size=size)


def zeros(fan_in: int, fan_out: int, rng: SeedLike = 0, *,
          size: int | tuple[int, ...] | None = None) -> np.ndarray:
    """All zeros: every unit of a layer then computes the same thing (the symmetry problem)."""
    fan_in, fan_out, size = _shape(fan_in, fan_out, size)
    return np.zeros(size)


INITIALIZERS = {
    "xavier_uniform": xavier_uniform, "xavier_normal": xavier_normal,
    "glorot_uniform": xavier_uniform, "glorot_normal": xavier_normal,
    "he_normal": he_normal, "he_uniform": he_uniform,
    "kaiming_normal": he_normal, "kaiming_uniform": he_uniform,
    "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform,
    "normal": normal, "zeros": zeros,
}

# ReLU-like units zero about half their inputs, so they get He; SELU gets LeCun; the rest Xavier.
_HE_ACTIVATIONS = {"relu", "relu6", "leaky_relu", "prelu", "elu", "celu", "gelu", "silu", "swish",
                   "mish", "hard_swish", "maxout"}


def get_initializer(name: str, argument: str = "init") -> Callable[..., np.ndarray]:
    """The initialiser called ``name``; a clear ValueError lists the known names otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"{argument} must be the name of an initialiser (a str), got {type(name).__name__} {name!r:.40}")
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(f"{argument}={name!r} is not a known initialiser; choose one of {sorted(INITIALIZERS)}") from None


def initialize(name: str, fan_in: int, fan_out: int, rng: SeedLike = 0, *,
               size: int | tuple[int, ...] | None = None, **params) -> np.ndarray:
    """``INITIALIZERS[name](fan_in, fan_out, rng, size=size, **params)`` with a clear error for bad names or params."""
    init = get_initializer(name)
    try:
        return init(fan_in, fan_out, rng, size=size, **params)
    except TypeError as err:
        if "unexpected keyword" in str(err):
            raise TypeError(f"init_params {sorted(params)} do not fit init={name!r} ({err})") from None
        raise


def default_init_for(activation: str) -> str:
    """The usual initialiser for a hidden activation: He for ReLU-like, LeCun for SELU, else Xavier."""
    if activation in _HE_ACTIVATIONS:
        return "he_normal"
    if activation == "selu":
        return "lecun_normal"
    return "xavier_normal"
