r"""Chapter 3 (03_sigmoid_tanh), the zig-zag figure: weight paths of one neuron under per-sample SGD.

A neuron :math:`z = w \cdot x` gets the gradient :math:`\partial L/\partial w = \delta\,x` from one
sample, with :math:`\delta = \partial L/\partial z` a single number. When every input :math:`x_i` is
positive (sigmoid outputs), every component of that gradient has the sign of :math:`\delta`: each step
moves all weights up together or all down together, and reaching weights of mixed signs takes a
zig-zag. :func:`plot_weight_paths` draws such paths in the :math:`(w_1, w_2)` plane; the chapter's
cells compute them. Labels follow the active language.
"""
from __future__ import annotations

import numpy as np

from ..i18n import Messages

__all__ = ["plot_weight_paths"]

MESSAGES = Messages({
    "target": {"ko": "목표 가중치", "en": "target weights"},
    "start": {"ko": "시작", "en": "start"},
})


def plot_weight_paths(paths: dict, target, *, steps: int | None = None):
    """One panel per ``label -> path`` (an ``(n, 2)`` array of weights after each step), the ``target``
    weights marked; ``steps`` keeps the first steps of each path only. Returns the figure."""
    from .. import plotting

    target = np.asarray(target, dtype=float)
    if target.shape != (2,):
        raise ValueError(f"target must hold two weights, got shape {target.shape}")
    fig, axes = plotting.new_figure(ncols=len(paths), size=(3.4 * len(paths), 3.4), squeeze=False)
    for ax, (label, path) in zip(axes[0], paths.items()):
        path = np.asarray(path, dtype=float)[: None if steps is None else steps + 1]
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"path {label!r} must have shape (n, 2), got {path.shape}")
        ax.plot(path[:, 0], path[:, 1], "-o", markersize=2.5, linewidth=1.0, color=plotting.OKABE_ITO["blue"])
        ax.plot(*path[0], "s", color="0.3", markersize=6, label=MESSAGES("start"))
        ax.plot(*target, "*", color=plotting.OKABE_ITO["vermillion"], markersize=13, label=MESSAGES("target"))
        ax.set_title(str(label))
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        ax.set_aspect("equal", adjustable="datalim")
    axes[0][0].legend(loc="lower left")
    return fig
