"""actlab.chapters.explorers without a browser: moving a control (programmatically or through the widget)
redraws, and the plotted data change as they should; static twins draw one panel per setting."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

import actlab  # noqa: E402
from actlab import ACTIVATIONS, softmax  # noqa: E402
from actlab.chapters import ch06_softmax, explorers  # noqa: E402


@pytest.fixture(autouse=True)
def _cleanup():
    yield
    plt.close("all")


def function_line(fig):
    """The activation's curve (the first line with more than two points) of a one-panel figure."""
    line = next(l for l in fig.axes[0].lines if len(l.get_xdata()) > 2)
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata())


@pytest.mark.parametrize("name", sorted(explorers.PARAMETER_RANGES))
def test_activation_explorer_redraws_the_function_for_the_new_parameter(name):
    param, lo, hi, _ = explorers.PARAMETER_RANGES[name]
    ex = explorers.activation_explorer(name)
    x, y_default = function_line(ex.figure)
    np.testing.assert_allclose(y_default, ACTIVATIONS[name].fn(x, **{param: ACTIVATIONS[name].defaults[param]}))
    new = hi if ACTIVATIONS[name].defaults[param] != hi else lo
    first = ex.figure
    ex.set(**{param: new})
    assert ex.figure is not first and ex.values[param] == new
    x, y_new = function_line(ex.figure)
    np.testing.assert_allclose(y_new, ACTIVATIONS[name].fn(x, **{param: new}))
    assert not np.allclose(y_new, y_default)


def test_moving_the_widget_redraws_like_a_user_would():
    ex = explorers.activation_explorer("leaky_relu")
    box = ex.widget
    slider = box.children[0].children[0]
    assert (slider.min, slider.max, slider.value) == (0.0, 0.5, 0.01)
    slider.value = 0.4
    x, y = function_line(ex.figure)
    assert ex.values["alpha"] == 0.4
    np.testing.assert_allclose(y[x < 0], 0.4 * x[x < 0])
    ex.set(alpha=0.2)  # set() moves the widget too, and draws once
    assert slider.value == 0.2


def test_softmax_temperature_explorer_sharpens_and_flattens():
    ex = ch06_softmax.softmax_temperature_explorer()
    heights = lambda: np.array([p.get_height() for p in ex.figure.axes[0].patches])  # noqa: E731
    z = np.array(ch06_softmax.DEFAULT_LOGITS)
    np.testing.assert_allclose(heights(), softmax(z))
    ex.set(temperature=0.1)
    sharp = heights()
    ex.set(temperature=5.0)
    flat = heights()
    np.testing.assert_allclose(flat, softmax(z / 5.0))
    assert sharp.max() > 0.99 and flat.max() < softmax(z).max()
    assert np.isclose(sharp.sum(), 1) and np.isclose(flat.sum(), 1)


def test_set_rejects_unknown_controls_and_out_of_range_values_by_name():
    ex = explorers.activation_explorer("elu")
    with pytest.raises(TypeError, match="beta"):
        ex.set(beta=1.0)
    with pytest.raises(ValueError, match="alpha"):
        ex.set(alpha=100.0)
    with pytest.raises(TypeError, match="alpha"):
        ex.set(alpha="big")
    with pytest.raises(ValueError, match="name"):
        explorers.activation_explorer("relu")


def test_generic_explorer_with_dropdown_int_slider_and_figure_target():
    calls = []

    def draw(fig, name, k):
        calls.append((name, k))
        ax = fig.subplots()
        x = np.linspace(-1, 1, 5)
        ax.plot(x, ACTIVATIONS[name].fn(k * x))

    ex = explorers.Explorer(draw, name=explorers.dropdown("f", [("ReLU", "relu"), ("tanh", "tanh")]),
                            k=explorers.int_slider("k", 1, 5, value=2))
    assert calls == [("relu", 2)]
    ex.set(name="tanh", k=3)
    assert calls[-1] == ("tanh", 3) and len(calls) == 2  # one redraw for two controls
    np.testing.assert_allclose(ex.figure.axes[0].lines[0].get_ydata(), np.tanh(3 * np.linspace(-1, 1, 5)))
    with pytest.raises(ValueError, match="k must be an integer"):
        ex.set(k=2.5)
    with pytest.raises(ValueError, match="name must be one of"):
        ex.set(name="gelu")


def test_explorer_whose_draw_makes_its_own_figure():
    def draw(scale):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, scale])
        return fig

    ex = explorers.Explorer(draw, scale=explorers.slider("s", 0.0, 2.0, value=1.0))
    ex.set(scale=2.0)
    assert ex.figure.axes[0].lines[0].get_ydata()[1] == 2.0


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_static_twins_draw_one_titled_panel_per_setting(lang):
    actlab.set_language(lang)
    fig = explorers.activation_twin("swish", [0.5, 1.0, 4.0])
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert len(titles) == 3 and all(ACTIVATIONS["swish"].label(lang) in t for t in titles)
    assert "β = 4" in titles[2]
    fig = ch06_softmax.softmax_temperature_twin(temperatures=(0.5, 2.0))
    assert [ax.get_title() for ax in fig.axes] == [ch06_softmax.MESSAGES("softmax_title", t=t) for t in (0.5, 2.0)]
    actlab.set_language("ko")


def test_softmax_twin_writes_negative_logits_with_a_real_minus_sign():
    fig = ch06_softmax.softmax_temperature_twin(logits=(1.0, -1.0), temperatures=(1.0,))
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["1", "\u22121"]


def test_static_twin_from_an_explorer_and_from_a_grid():
    ex = explorers.activation_explorer("elu")
    fig = ex.static_twin([{"alpha": 0.5}, {"alpha": 2.0}])
    assert len([a for a in fig.axes if a.get_visible()]) == 2

    def draw(ax, a, b):
        ax.plot([0, 1], [a, b])

    grid = explorers.static_twin(draw, grid={"a": [0, 1], "b": [2, 3, 4]})
    assert len(grid.axes) == 6
    assert grid.axes[5].get_title() == "a = 1, b = 4"
    with pytest.raises(ValueError, match="exactly one"):
        explorers.static_twin(draw, [{"a": 0, "b": 1}], grid={"a": [0]})
    with pytest.raises(ValueError, match="alpha"):
        ex.static_twin([{"alpha": 50.0}])


def test_controls_validate_their_arguments():
    with pytest.raises(ValueError, match="min"):
        explorers.slider("s", 1.0, 0.0)
    with pytest.raises(ValueError, match="value"):
        explorers.slider("s", 0.0, 1.0, value=2.0)
    with pytest.raises(ValueError, match="options"):
        explorers.dropdown("d", [])
    with pytest.raises(TypeError, match="control 'x'"):
        explorers.Explorer(lambda x: None, x=3)
