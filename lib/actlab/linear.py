r"""Linear neurons: the perceptron, stacks of linear layers and why they collapse (chapters 1 and 2).

A layer is a pair ``(W, b)`` with ``W`` of shape ``(n_out, n_in)`` and ``b`` of shape ``(n_out,)``;
it maps one example per row, ``x @ W.T + b``, so ``x`` may be ``(n_in,)`` or a batch ``(..., n_in)``.

* :func:`perceptron` -- a weighted sum plus a bias, then the step function: outputs 0 or 1.
* :func:`forward` -- run a stack of layers, with an optional activation after each hidden layer.
* :func:`collapse` -- the single layer ``(W, b)`` equal to a stack of linear layers:
  :math:`W = W_L \cdots W_1`, :math:`b = W_L(\cdots(W_2 b_1 + b_2)\cdots) + b_L`.
* :func:`affine_formula` -- a weighted sum written out, e.g. ``ŷ = 1.5·x₁ − 5·x₂ + 2.25``.
* :func:`best_linear_classifier` -- the best accuracy any straight line reaches on 2-D points
  (XOR: 3 of 4), found by sweeping directions and thresholds.

>>> layers = [(np.array([[1.0, -2.0], [0.5, 1.0]]), np.array([0.5, -1.0])),
...           (np.array([[2.0, -1.0]]), np.array([0.25]))]
>>> W, b = collapse(layers)
>>> W, b
(array([[ 1.5, -5. ]]), array([2.25]))
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_int
from .activations import step

__all__ = ["perceptron", "forward", "collapse", "affine_formula", "best_linear_classifier",
           "LinearClassifier"]


def _layer(W, b, i: int) -> tuple[np.ndarray, np.ndarray]:
    W = as_float_array(W, f"layers[{i}] W")
    b = as_float_array(b, f"layers[{i}] b")
    if W.ndim != 2:
        raise ValueError(f"layers[{i}] W must be a matrix (n_out, n_in), got shape {W.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"layers[{i}] b must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
    return W, b


def _layers(layers) -> list[tuple[np.ndarray, np.ndarray]]:
    if isinstance(layers, tuple) and len(layers) == 2 and np.ndim(layers[0]) == 2:
        raise TypeError("layers must be a list of (W, b) pairs; wrap a single layer as [(W, b)]")
    checked = [_layer(W, b, i) for i, (W, b) in enumerate(layers)]
    if not checked:
        raise ValueError("layers must hold at least one (W, b) pair")
    for i in range(1, len(checked)):
        if checked[i][0].shape[1] != checked[i - 1][0].shape[0]:
            raise ValueError(f"layers[{i}] W takes {checked[i][0].shape[1]} inputs but layers[{i - 1}] "
                             f"gives {checked[i - 1][0].shape[0]}")
    return checked


def perceptron(x: ArrayLike, w: ArrayLike, b: ArrayLike) -> np.ndarray:
    r"""Rosenblatt's perceptron: :math:`\mathrm{step}(w \cdot x + b)`, 1 if the weighted sum is positive, else 0.

    ``x`` has shape ``(n,)`` or ``(..., n)`` (one example per row), ``w`` shape ``(n,)``, ``b`` a number.

    >>> perceptron([[0, 0], [0, 1], [1, 0], [1, 1]], [1.0, 1.0], -1.5)   # AND
    array([0., 0., 0., 1.])
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    if w.ndim != 1 or x.shape[-1:] != w.shape:
        raise ValueError(f"w must have shape ({x.shape[-1] if x.ndim else 1},) to match x {x.shape}, got {w.shape}")
    if b.ndim != 0:
        raise ValueError(f"b must be a single number, got shape {b.shape}")
    return step(x @ w + b)


def forward(x: ArrayLike, layers: Sequence, activation: Callable | None = None) -> np.ndarray:
    r"""Run ``x`` through ``layers``; ``activation`` (if given) follows every layer but the last.

    With ``activation=None`` every layer is linear and the result equals the single layer
    :func:`collapse` returns.

    >>> forward([1.0, 2.0], [(np.eye(2), np.zeros(2)), (np.array([[1.0, 1.0]]), np.array([0.5]))])
    array([3.5])
    """
    x = as_float_array(x, "x")
    checked = _layers(layers)
    if x.shape[-1:] != (checked[0][0].shape[1],):
        raise ValueError(f"x must end in {checked[0][0].shape[1]} inputs for layers[0], got shape {x.shape}")
    for i, (W, b) in enumerate(checked):
        x = x @ W.T + b
        if activation is not None and i < len(checked) - 1:
            x = activation(x)
    return x


def collapse(layers: Sequence) -> tuple[np.ndarray, np.ndarray]:
    r"""The one linear layer equal to a stack of linear layers (no activation between them).

    :math:`W_2(W_1 x + b_1) + b_2 = (W_2 W_1) x + (W_2 b_1 + b_2)`, applied layer after layer, so
    ``W = W_L @ ... @ W_1`` and the biases pass through every later matrix.

    >>> W, b = collapse([(np.array([[2.0]]), np.array([1.0])), (np.array([[3.0]]), np.array([-1.0]))])
    >>> float(W[0, 0]), float(b[0])     # 3(2x + 1) - 1 = 6x + 2
    (6.0, 2.0)
    """
    checked = _layers(layers)
    W, b = checked[0]
    for W_next, b_next in checked[1:]:
        W, b = W_next @ W, W_next @ b + b_next
    return W, b


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def affine_formula(w: ArrayLike, b: ArrayLike, *, output: str = "ŷ", variable: str = "x",
                   digits: int = 4) -> str:
    """Write ``w·x + b`` out as text with a true minus sign, e.g. ``ŷ = 1.5·x₁ − 5·x₂ + 2.25``.

    ``w`` is a vector (one output) or a ``(1, n)`` matrix; ``b`` a number or a length-1 vector;
    coefficients are rounded to ``digits`` decimals and zeros kept, so every input shows.

    >>> affine_formula([1.5, -5.0], 2.25)
    'ŷ = 1.5·x₁ − 5·x₂ + 2.25'
    """
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    if w.ndim == 2 and w.shape[0] == 1:
        w = w[0]
    if b.shape == (1,):
        b = b[0]
    if w.ndim != 1 or np.ndim(b) != 0:
        raise ValueError(f"affine_formula needs one output: w of shape (n,) and a single b, got {w.shape} and {np.shape(b)}")
    digits = check_int("digits", digits, minimum=0)
    terms = [(float(c), f"·{variable}{str(i + 1).translate(_SUBSCRIPTS)}") for i, c in enumerate(w)]
    terms.append((float(b), ""))
    text = ""
    for k, (coef, name) in enumerate(terms):
        sign = "−" if coef < 0 and _number(abs(coef), digits) != "0" else "+"
        magnitude = _number(abs(coef), digits)
        if k == 0:
            text = ("−" if sign == "−" else "") + magnitude + name
        else:
            text += f" {sign} {magnitude}{name}"
    return f"{output} = {text}"


class LinearClassifier:
    """A straight-line classifier ``predict(x) = 1 if w·x + b > 0 else 0`` (callable on a batch)."""

    def __init__(self, w, b):
        self.w = as_float_array(w, "w")
        self.b = float(b)

    def __call__(self, x):
        return self.predict(x)

    def decision_function(self, x):
        """The signed score ``x @ w + b``: positive on the side of class 1."""
        return as_float_array(x, "x") @ self.w + self.b

    def predict(self, x):
        """1.0 where :meth:`decision_function` is positive, else 0.0."""
        return (self.decision_function(x) > 0).astype(np.float64)

    def __repr__(self):
        return f"LinearClassifier(w={np.array2string(self.w, precision=4)}, b={self.b:.4g})"


def best_linear_classifier(X: ArrayLike, y: ArrayLike,
                           n_directions: int = 360) -> tuple[float, LinearClassifier]:
    """The best accuracy a straight line reaches on 2-D points ``X`` with 0/1 labels ``y``.

    Sweeps ``n_directions`` unit normals ``w`` over the full circle; for each, every threshold
    between consecutive projections ``w·x`` (and beyond both ends) is tried. For points in general
    position, a fine enough sweep finds the optimum. Returns ``(accuracy, classifier)``; among lines
    with the best accuracy the one farthest from its nearest point wins (ties: the first direction
    swept), so the result is deterministic and the line does not graze a point.

    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 1, 1, 0])   # XOR
    >>> best_linear_classifier(X, y)[0]
    0.75
    """
    X = as_float_array(X, "X")
    y = as_float_array(y, "y")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold one 0/1 label per row of X ({X.shape[0]}), got shape {y.shape}")
    n_directions = check_int("n_directions", n_directions, minimum=4)
    best_key, best = (-1.0, -1.0), None
    angles = np.arange(n_directions) * (2 * np.pi / n_directions)
    for angle in angles:
        w = np.array([np.cos(angle), np.sin(angle)])
        p = X @ w
        values = np.unique(p)
        thresholds = np.concatenate([[values[0] - 1.0], (values[:-1] + values[1:]) / 2, [values[-1] + 1.0]])
        # predict 1 where p > t: accuracy for every threshold at once
        acc = ((p[None, :] > thresholds[:, None]) == (y[None, :] == 1)).mean(axis=1)
        # among equally accurate lines prefer the widest margin (w is a unit vector: a distance)
        margin = np.min(np.abs(p[None, :] - thresholds[:, None]), axis=1)
        for k in np.flatnonzero(acc == acc.max()):
            key = (float(acc[k]), float(np.round(margin[k], 9)))
            if key > best_key:
                best_key, best = key, LinearClassifier(w, -thresholds[k])
    return best_key[0], best
