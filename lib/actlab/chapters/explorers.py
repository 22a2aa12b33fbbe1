r"""Interactive explorers (ipywidgets) and their static twins (SVG grids) on one draw function.

An :class:`Explorer` joins a draw function to controls::

    def draw(ax, alpha):
        plotting.plot_activation("leaky_relu", ax=ax, params={"alpha": alpha})

    ex = Explorer(draw, alpha=slider("α", 0.0, 0.5, 0.01, value=0.1))
    ex            # in a notebook: the sliders and the figure; moving a slider redraws
    ex.set(alpha=0.3)          # what a test (or a cell) does instead of dragging
    ex.figure.axes[0].lines    # the plotted data, readable without a browser
    ex.static_twin([{"alpha": 0.0}, {"alpha": 0.1}, {"alpha": 0.3}])   # the website's version

``draw`` is called with the control values as keywords. If its first parameter is not a control,
it also gets somewhere to draw: a :class:`~matplotlib.figure.Figure` when that parameter is named
``fig``, else the axes of a fresh figure (one Axes, or an array for ``panels=(rows, cols)``).
A draw function without that parameter makes its own figure and returns it (or leaves it current).

Only ipywidgets API shared by 7.x (Colab has run 7.7) and 8.x is used: FloatSlider, IntSlider,
Dropdown, Output, HBox, VBox, ``observe(..., names="value")``. Explorer outputs are never stored in
the notebooks (their cells are tagged ``nbval-ignore-output``/``remove-output``); the static twin,
drawn by the same function, is what the website and nbval see.

Ready explorer (chapters 4 and 5): :func:`activation_explorer` (leaky_relu/prelu/elu/celu alpha,
swish/softplus beta), with :func:`activation_twin`. The chapters' own explorers are in their modules.
"""
from __future__ import annotations

import inspect
import itertools
from dataclasses import dataclass

import numpy as np

from ..registry import ACTIVATIONS

__all__ = ["Control", "slider", "int_slider", "dropdown", "Explorer", "static_twin",
           "PARAMETER_RANGES", "activation_explorer", "activation_twin"]

@dataclass(frozen=True)
class Control:
    """One control: ``kind`` is "float", "int" or "dropdown"."""
    kind: str
    label: str
    value: object
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple = ()

    def check(self, name: str, value):
        """``value`` if this control can take it, else a ValueError/TypeError naming ``name``."""
        if self.kind == "dropdown":
            allowed = [v for _, v in self.options]
            if value not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        if self.kind == "int" and int(value) != value:
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if not self.min <= value <= self.max:
            raise ValueError(f"{name} must be in [{self.min}, {self.max}], got {value!r}")
        return int(value) if self.kind == "int" else float(value)

    def make_widget(self):
        """The ipywidgets control (FloatSlider, IntSlider or Dropdown) showing this control's value."""
        import ipywidgets as w

        common = dict(description=self.label, value=self.value, continuous_update=False,
                      style={"description_width": "initial"})
        if self.kind == "float":
            return w.FloatSlider(min=self.min, max=self.max, step=self.step, **common)
        if self.kind == "int":
            return w.IntSlider(min=self.min, max=self.max, step=self.step, **common)
        return w.Dropdown(options=list(self.options), description=self.label, value=self.value,
                          style={"description_width": "initial"})


def slider(label: str, min: float, max: float, step: float | None = None, value: float | None = None) -> Control:
    """A float slider from ``min`` to ``max`` (``step`` default: 1/100 of the range; ``value``: ``min``)."""
    lo, hi = float(min), float(max)
    if not lo < hi:
        raise ValueError(f"min must be below max, got min={min!r}, max={max!r}")
    step = (hi - lo) / 100 if step is None else float(step)
    if step <= 0:
        raise ValueError(f"step must be positive, got {step!r}")
    value = lo if value is None else float(value)
    if not lo <= value <= hi:
        raise ValueError(f"value must be in [{lo}, {hi}], got {value!r}")
    return Control("float", label, value, lo, hi, step)


def int_slider(label: str, min: int, max: int, value: int | None = None, step: int = 1) -> Control:
    """An integer slider from ``min`` to ``max`` (``value`` default: ``min``)."""
    if int(min) != min or int(max) != max or not min < max:
        raise ValueError(f"min and max must be integers with min < max, got {min!r}, {max!r}")
    value = int(min) if value is None else value
    if int(value) != value or not min <= value <= max:
        raise ValueError(f"value must be an integer in [{min}, {max}], got {value!r}")
    return Control("int", label, int(value), int(min), int(max), int(step))


def dropdown(label: str, options, value=None) -> Control:
    """A menu; ``options`` are values or ``(shown label, value)`` pairs (``value`` default: the first)."""
    pairs = tuple((str(o[0]), o[1]) if isinstance(o, tuple) and len(o) == 2 else (str(o), o) for o in options)
    if not pairs:
        raise ValueError("options must not be empty")
    value = pairs[0][1] if value is None else value
    if value not in [v for _, v in pairs]:
        raise ValueError(f"value must be one of the options {[v for _, v in pairs]}, got {value!r}")
    return Control("dropdown", label, value, options=pairs)


def _target_kind(draw, names) -> str | None:
    """"fig", "axes" or None: what ``draw`` wants as its first argument besides the controls."""
    try:
        params = list(inspect.signature(draw).parameters.values())
    except (TypeError, ValueError):
        return None
    if not params or params[0].name in names or params[0].kind not in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        return None
    return "fig" if params[0].name in ("fig", "figure") else "axes"


def _render(draw, target, values, panels, size):
    """Call ``draw`` once on a fresh figure; returns the figure (closed in pyplot, so shown only on request)."""
    from matplotlib import pyplot as plt

    from .. import plotting

    plotting.use_style()
    if target is None:
        result = draw(**values)
        fig = result if hasattr(result, "savefig") else getattr(result, "figure", None) or plt.gcf()
    elif target == "fig":  # an empty figure: draw() lays out its own axes
        fig = plt.figure(figsize=size or plt.rcParams["figure.figsize"])
        result = draw(fig, **values)
    else:
        fig, axes = plotting.new_figure(*panels, size=size)
        result = draw(axes, **values)
    if target is not None and hasattr(result, "savefig"):
        fig = result
    plt.close(fig)
    return fig


class Explorer:
    """Controls + a draw function; see the module docstring.

    ``panels=(rows, cols)`` and ``size=(w, h)`` shape the figure handed to ``draw``.
    """

    def __init__(self, draw, *, panels: tuple[int, int] = (1, 1), size: tuple[float, float] | None = None,
                 **controls: Control):
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {type(draw).__name__}")
        if not controls:
            raise ValueError("an Explorer needs at least one control (slider, int_slider, dropdown)")
        for name, control in controls.items():
            if not isinstance(control, Control):
                raise TypeError(f"control {name!r} must be made by slider(), int_slider() or dropdown(), "
                                f"got {type(control).__name__}")
        self.draw = draw
        self.controls = dict(controls)
        self.panels = tuple(panels)
        self.size = size
        self._target = _target_kind(draw, self.controls)
        self.values = {name: c.value for name, c in self.controls.items()}
        self._widgets = None
        self._output = None
        self._box = None
        self._updating = False
        self.figure = None
        self.redraw()

    # -- state ------------------------------------------------------------------------------
    def set(self, **values) -> "Explorer":
        """Move controls programmatically (as a user would) and redraw once; returns self."""
        for name, value in values.items():
            if name not in self.controls:
                raise TypeError(f"unknown control {name!r}; this explorer has {sorted(self.controls)}")
            values[name] = self.controls[name].check(name, value)
        self.values.update(values)
        if self._widgets is not None:
            self._updating = True
            try:
                for name, value in values.items():
                    self._widgets[name].value = value
            finally:
                self._updating = False
        self.redraw()
        return self

    def redraw(self):
        """Draw the current values into a new figure (``self.figure``) and show it in the widget."""
        old = self.figure
        self.figure = _render(self.draw, self._target, dict(self.values), self.panels, self.size)
        if old is not None and old is not self.figure:
            old.clear()
        self._show()
        return self.figure

    # -- widgets ----------------------------------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets box (controls above, figure below); built on first use."""
        if self._box is None:
            import ipywidgets as w

            self._widgets = {name: c.make_widget() for name, c in self.controls.items()}
            for name, widget in self._widgets.items():
                widget.observe(self._on_change(name), names="value")
            self._output = w.Output()
            self._box = w.VBox([w.HBox(list(self._widgets.values())), self._output])
            self._show()
        return self._box

    def _on_change(self, name):
        def handler(change):
            if self._updating:
                return
            self.values[name] = change["new"]
            self.redraw()
        return handler

    def _show(self):
        from ..notebook import in_kernel

        if self._output is None or not in_kernel():  # no front end to show it (plain Python, tests)
            return
        from IPython.display import clear_output, display

        with self._output:
            clear_output(wait=True)
            display(self.figure)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def __repr__(self):
        return f"Explorer({', '.join(f'{k}={v!r}' for k, v in self.values.items())})"

    # -- static twin ------------------------------------------------------------------------
    def static_twin(self, values_list=None, *, grid: dict | None = None, ncols: int = 3,
                    size: tuple[float, float] | None = None):
        """:func:`static_twin` with this explorer's draw function, labels and current values as defaults."""
        return static_twin(self.draw, values_list, grid=grid, ncols=ncols, size=size,
                           defaults=self.values, labels={k: c.label for k, c in self.controls.items()},
                           controls=self.controls)


def _settings(values_list, grid, defaults) -> list[dict]:
    if (values_list is None) == (grid is None):
        raise ValueError("give exactly one of values_list (a list of dicts) or grid (name -> list of values)")
    if grid is not None:
        names = list(grid)
        settings = [dict(zip(names, combo)) for combo in itertools.product(*(list(grid[n]) for n in names))]
    else:
        settings = [dict(v) for v in values_list]
    if not settings:
        raise ValueError("the static twin needs at least one setting")
    return [{**defaults, **s} for s in settings]


def _format(value) -> str:
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


def static_twin(draw, values_list=None, *, grid: dict | None = None, ncols: int = 3,
                size: tuple[float, float] | None = None, defaults: dict | None = None,
                labels: dict | None = None, controls: dict | None = None):
    """One panel per setting, drawn by ``draw(ax, **values)``: the explorer as a static SVG figure.

    ``values_list`` is a list of dicts; ``grid`` a dict name -> values (every combination, rows
    follow the first name). A panel without a title gets one from the values ("α = 0.1").

    >>> fig = static_twin(lambda ax, t: ax.plot([0, 1], [0, t]), grid={"t": [1, 2, 3]})   # doctest: +SKIP
    """
    from matplotlib import pyplot as plt

    from .. import plotting

    settings = _settings(values_list, grid, dict(defaults or {}))
    if controls:
        for s in settings:
            for name, value in s.items():
                if name in controls:
                    controls[name].check(name, value)
    if _target_kind(draw, set(settings[0])) != "axes":
        raise TypeError("static_twin needs a draw function whose first parameter is the axes (draw(ax, **values))")
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    if grid is not None and len(grid) == 2:
        ncols = len(list(grid.values())[1])
    ncols = min(int(ncols), len(settings))
    nrows = -(-len(settings) // ncols)
    fig, axes = plotting.new_figure(nrows, ncols, squeeze=False, size=size or (3.2 * ncols, 2.7 * nrows))
    labels = dict(labels or {})
    varying = [k for k in settings[0] if len({repr(s[k]) for s in settings}) > 1] or list(settings[0])
    for ax, values in itertools.zip_longest(np.ravel(axes), settings):
        if values is None:
            ax.set_visible(False)
            continue
        draw(ax, **values)
        if not ax.get_title():
            ax.set_title(", ".join(f"{labels.get(k, k)} = {_format(values[k])}" for k in varying))
    plt.figure(fig.number)  # leave it current so the inline backend shows it
    return fig


# ---- ready explorers -------------------------------------------------------------------------

#: name -> (parameter, min, max, step) for the one-parameter activations.
PARAMETER_RANGES = {
    "leaky_relu": ("alpha", 0.0, 0.5, 0.01),
    "prelu": ("alpha", 0.0, 0.5, 0.01),
    "elu": ("alpha", 0.1, 3.0, 0.1),
    "celu": ("alpha", 0.1, 3.0, 0.1),
    "swish": ("beta", 0.1, 10.0, 0.1),
    "softplus": ("beta", 0.25, 5.0, 0.25),
}
_SYMBOL = {"alpha": "α", "beta": "β"}


def _activation_draw(name: str, param: str, x, ylim):
    from .. import plotting

    def draw(ax, **values):
        plotting.plot_activation(name, ax=ax, params={param: values[param]}, x=x)
        ax.set_ylim(*ylim)
    return draw


def _check_name(name):
    if name not in PARAMETER_RANGES:
        raise ValueError(f"name must be one of {sorted(PARAMETER_RANGES)} (activations with one parameter), got {name!r}")
    return PARAMETER_RANGES[name]


def activation_explorer(name: str, value: float | None = None, *, x=None, ylim=(-2.0, 4.0)) -> Explorer:
    """A slider for the parameter of ``name`` (alpha or beta), redrawing the function and its derivative.

    >>> ex = activation_explorer("leaky_relu")   # doctest: +SKIP
    """
    param, lo, hi, step = _check_name(name)
    x = np.linspace(-4.0, 4.0, 321) if x is None else np.asarray(x, dtype=float)
    value = ACTIVATIONS[name].defaults[param] if value is None else value
    return Explorer(_activation_draw(name, param, x, ylim), size=(5.0, 3.4),
                    **{param: slider(_SYMBOL[param], lo, hi, step, value=value)})


def activation_twin(name: str, values=None, *, x=None, ylim=(-2.0, 4.0), ncols: int = 3):
    """The static twin of :func:`activation_explorer`: one panel per parameter value."""
    param, lo, hi, _ = _check_name(name)
    x = np.linspace(-4.0, 4.0, 321) if x is None else np.asarray(x, dtype=float)
    values = list(values) if values is not None else [lo, ACTIVATIONS[name].defaults[param], hi]
    return static_twin(_activation_draw(name, param, x, ylim), [{param: v} for v in values], ncols=ncols,
                       labels={param: _SYMBOL[param]},
                       controls={param: slider(_SYMBOL[param], lo, hi, value=lo)})
