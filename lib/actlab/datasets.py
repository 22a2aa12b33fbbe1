r"""Small toy data sets, generated from a seed (never downloaded).

Every function returns ``(X, y)``: ``X`` of shape ``(n, features)`` in float64 and ``y`` integer class
labels of shape ``(n,)`` (or float targets of shape ``(n, 1)`` for regression). The same seed gives
the same data on every machine (``numpy.random.default_rng``).

>>> X, y = xor()
>>> X.tolist(), y.tolist()
([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import check_int, check_real
from .initializers import SeedLike, as_rng

__all__ = ["xor", "two_moons", "circles", "spirals", "regression_1d", "DATASETS"]


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four points of XOR: label 1 when exactly one input is 1. No line separates the classes."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0])


def _noise(name, noise):
    noise = check_real(name, noise)
    if noise < 0:
        raise ValueError(f"{name} must be non-negative, got {noise}")
    return noise


def two_moons(n: int = 200, noise: float = 0.1, seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below, shifted), ``n`` points in all."""
    n = check_int("n", n, minimum=2)
    noise = _noise("noise", noise)
    rng = as_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += rng.normal(0.0, noise, size=X.shape)
    return X, np.repeat([0, 1], [n0, n - n0])


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
            seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1)."""
    n = check_int("n", n, minimum=2)
    noise = _noise("noise", noise)
    factor = check_real("factor", factor, positive=True)
    if factor >= 1:
        raise ValueError(f"factor must be below 1 (the inner circle's radius), got {factor}")
    rng = as_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    X += rng.normal(0.0, noise, size=X.shape)
    return X, np.repeat([0, 1], [n0, n - n0])


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2,
            seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (the CS231n toy problem), about ``n / classes`` points each."""
    n = check_int("n", n, minimum=2)
    classes = check_int("classes", classes, minimum=2)
    noise = _noise("noise", noise)
    rng = as_rng(seed)
    sizes = [n // classes + (c < n % classes) for c in range(classes)]
    X, y = [], []
    for c, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, m) + rng.normal(0.0, noise, size=m)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(m, c))
    return np.vstack(X), np.concatenate(y)


def regression_1d(n: int = 100, noise: float = 0.0, fn: str | Callable[[np.ndarray], np.ndarray] = "square",
                  seed: SeedLike = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs evenly spaced on [-1, 1], targets ``fn(x)`` plus Gaussian noise; shapes (n, 1) and (n, 1).

    ``fn`` is ``"square"`` (x²), ``"abs"`` (|x|), ``"sin"`` (sin 3x) or a callable.
    """
    n = check_int("n", n, minimum=2)
    noise = _noise("noise", noise)
    targets = {"square": np.square, "abs": np.abs, "sin": lambda x: np.sin(3 * x)}
    if isinstance(fn, str):
        if fn not in targets:
            raise ValueError(f"fn={fn!r} is not known; choose one of {sorted(targets)} or pass a function")
        fn = targets[fn]
    elif not callable(fn):
        raise TypeError(f"fn must be a name or a function, got {type(fn).__name__}")
    rng = as_rng(seed)
    x = np.linspace(-1.0, 1.0, n)[:, None]
    return x, np.asarray(fn(x), dtype=float) + rng.normal(0.0, noise, size=(n, 1))


DATASETS = {"xor": xor, "two_moons": two_moons, "circles": circles, "spirals": spirals,
            "regression_1d": regression_1d}
