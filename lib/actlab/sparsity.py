r"""Sparsity (희소성), dead units and dropout (드롭아웃) masks: the measurements of chapter 7.

Arrays of layer outputs have shape ``(inputs, units)``: one row per input, one column per unit.

* :func:`zero_fraction`: the fraction of outputs that are exactly 0 (for ReLU: where :math:`z \le 0`),
  overall, per input (``axis=1``) or per unit (``axis=0``).
* :func:`dead_units` / :func:`dead_fraction`: a unit is *dead on a data set* when its output is 0 for
  every input of that data set; its gradient is then 0 for every input too, so it never recovers.
* :func:`dropout_mask` / :func:`dropout`: random masks for the comparison. ReLU's zeros are decided
  by the input (the same input always gives the same mask); dropout's are drawn at random every time.

>>> a = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
>>> zero_fraction(a), zero_fraction(a, axis=1), dead_units(a)
(0.6666666666666666, array([0.66666667, 0.66666667]), array([ True, False, False]))
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_axis, check_real
from .initializers import SeedLike, as_rng

if TYPE_CHECKING:  # the network imports training, which imports this module
    from .network import Network

__all__ = ["zero_fraction", "dead_units", "dead_fraction", "layer_zero_fractions", "layer_dead_fractions",
           "dropout_mask", "dropout", "mask_agreement"]


def _outputs(a, name="a"):
    a = as_float_array(a, name)
    if a.ndim != 2:
        raise ValueError(f"{name} must have shape (inputs, units), got {a.shape}")
    return a


def zero_fraction(a: ArrayLike, axis: int | None = None) -> float | np.ndarray:
    """The fraction of entries of ``a`` that are exactly 0: a float, or per row (``axis=1``) / column (``axis=0``).

    >>> zero_fraction(np.array([[0.0, 3.0], [0.0, 0.0]]), axis=0)
    array([1. , 0.5])
    """
    a = as_float_array(a, "a")
    if axis is None:
        return float(np.mean(a == 0))
    return np.mean(a == 0, axis=check_axis("axis", axis, a.ndim))


def dead_units(a: ArrayLike) -> np.ndarray:
    """Boolean per unit (column): True when the unit outputs exactly 0 for every input (row) of ``a``."""
    return np.all(_outputs(a) == 0, axis=0)


def dead_fraction(a: ArrayLike) -> float:
    """The fraction of units of ``a`` (shape ``(inputs, units)``) that are dead on these inputs."""
    return float(np.mean(dead_units(a)))


def layer_zero_fractions(net: Network, X: ArrayLike) -> np.ndarray:
    """:func:`zero_fraction` of every weight layer of ``net`` on ``X`` (evaluation mode), shape (layers,)."""
    return np.array([zero_fraction(a) for _, a in net.layer_outputs(X)])


def layer_dead_fractions(net: Network, X: ArrayLike) -> np.ndarray:
    """:func:`dead_fraction` of every weight layer of ``net`` on ``X`` (evaluation mode), shape (layers,)."""
    return np.array([dead_fraction(a) for _, a in net.layer_outputs(X)])


def dropout_mask(shape: int | tuple[int, ...], rate: float, seed: SeedLike = 0) -> np.ndarray:
    """A boolean keep-mask: each entry is False (dropped) with probability ``rate``, independently.

    ``seed`` is an integer or a ``numpy.random.Generator`` (pass the same generator to get a new mask each call).
    """
    rate = check_real("rate", rate)
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    return as_rng(seed, "seed").random(shape) >= rate


def dropout(a: ArrayLike, rate: float, seed: SeedLike = 0) -> np.ndarray:
    r"""Inverted dropout: ``(a * mask / (1 - rate), mask)``; the division keeps the expected output unchanged."""
    a = as_float_array(a, "a")
    mask = dropout_mask(a.shape, rate, seed)
    return a * mask / (1.0 - rate), mask


def mask_agreement(mask1: ArrayLike, mask2: ArrayLike) -> float:
    """The fraction of positions where two masks agree (both on or both off)."""
    m1, m2 = np.asarray(mask1, dtype=bool), np.asarray(mask2, dtype=bool)
    if m1.shape != m2.shape:
        raise ValueError(f"mask2 must have the shape of mask1 {m1.shape}, got {m2.shape}")
    return float(np.mean(m1 == m2))
