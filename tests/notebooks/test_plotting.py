"""actlab.plotting: Hangul and the minus sign render from the bundled fonts, figures are deterministic
SVG, labels follow the active language, and the plotted data are the registry's functions."""
from __future__ import annotations

import logging
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

import actlab  # noqa: E402
from actlab import ACTIVATIONS, plotting  # noqa: E402

KOREAN_TITLE = "활성화 함수와 도함수 (기울기 소실)"


@pytest.fixture(autouse=True)
def _lang_and_cleanup():
    before = actlab.get_language()
    yield
    actlab.set_language(before)
    plt.close("all")


def glyph_id(font_path, char) -> str:
    """The id matplotlib gives ``char``'s outline in an SVG with text as paths: "<PostScript name>-<glyph index>"."""
    font = TTFont(font_path)
    return f"{font['name'].getDebugName(6)}-{font.getGlyphID(font.getBestCmap()[ord(char)]):x}"


def korean_figure():
    actlab.set_language("ko")
    fig, ax = plotting.new_figure()
    x = np.linspace(-3, 3, 61)
    ax.plot(x, np.tanh(x), label="하이퍼볼릭 탄젠트")
    ax.set_title(KOREAN_TITLE)
    ax.set_xlabel("입력 x")
    ax.set_ylabel("출력")
    ax.legend()
    return fig


def render_capturing(fig, caplog):
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        svg = plotting.figure_svg(fig)
    return svg, [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]


def test_korean_labels_and_negative_ticks_render_with_real_glyphs(caplog):
    fig = korean_figure()
    svg, messages = render_capturing(fig, caplog)
    assert not [m for m in messages if "glyph" in m.lower()], messages
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert any(t.startswith("\u2212") for t in ticks), f"expected negative tick labels with U+2212, got {ticks}"
    # Every Hangul syllable is drawn from the bundled face, the minus sign from DejaVu Sans.
    for char in set(re.sub(r"[^\uac00-\ud7a3]", "", KOREAN_TITLE + "입력출력하이퍼볼릭탄젠트")):
        assert f'id="{glyph_id(plotting.FONT_FILE, char)}"' in svg, f"no outline for {char!r} in the SVG"
    dejavu = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    assert f'id="{glyph_id(dejavu, chr(0x2212))}"' in svg, "the minus sign is not DejaVu Sans' U+2212"
    # No tofu: no glyph 0 (.notdef) of any font, and text is drawn as paths, not <text>.
    ids = re.findall(r'<path id="([^"]+)"', svg)
    assert ids and not [i for i in ids if re.fullmatch(r".+-0", i)], ids
    assert "<text" not in svg


def test_hangul_inside_mathtext_is_reported_not_silently_drawn_as_tofu(caplog):
    """Mathtext has no font fallback: Hangul must stay outside $...$ (the notebooks' stderr check catches it)."""
    actlab.set_language("ko")
    fig, ax = plotting.new_figure()
    ax.set_title("$x$의 값")
    _, messages = render_capturing(fig, caplog)
    assert any("glyph" in m.lower() for m in messages)


def test_the_same_figure_renders_byte_identical_twice():
    first = plotting.figure_svg(korean_figure())
    plt.close("all")
    second = plotting.figure_svg(korean_figure())
    assert first == second
    assert "<dc:date>" not in first
    actlab.set_language("en")
    a = plotting.figure_svg(plotting.plot_activations(["sigmoid", "elu", "gelu"], ncols=3))
    b = plotting.figure_svg(plotting.plot_activations(["sigmoid", "elu", "gelu"], ncols=3))
    assert a == b


def test_font_is_registered_from_the_package_and_carries_its_licence():
    plotting.register_font()
    path = font_manager.findfont(font_manager.FontProperties(family=plotting.HANGUL_FAMILY), fallback_to_default=False)
    assert path == str(plotting.FONT_FILE)
    assert (plotting.FONT_FILE.parent / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE") == 1
    cmap = TTFont(plotting.FONT_FILE).getBestCmap()
    assert all(u in cmap for u in range(0xAC00, 0xD7A4)), "every Hangul syllable must be in the subset"
    assert plotting.FONT_FILE.stat().st_size < 2_000_000


def test_notebook_setup_outside_a_kernel_sets_language_style_and_print_options():
    actlab.notebook.setup("en")
    assert actlab.get_language() == "en"
    assert matplotlib.rcParams["svg.fonttype"] == "path"
    assert matplotlib.rcParams["svg.hashsalt"] == plotting.STYLE["svg.hashsalt"]
    assert matplotlib.rcParams["font.family"][:2] == ["DejaVu Sans", plotting.HANGUL_FAMILY]
    assert np.get_printoptions()["precision"] == 4
    with pytest.raises(ValueError, match="lang"):
        actlab.notebook.setup("fr")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_plot_activation_titles_and_legend_follow_the_language(lang):
    actlab.set_language(lang)
    fig = plotting.plot_activation("sigmoid")
    ax = fig.axes[0]
    assert ax.get_title() == ACTIVATIONS["sigmoid"].label(lang)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [plotting.MESSAGES("function", lang=lang), plotting.MESSAGES("derivative", lang=lang)]
    assert legend[0] != plotting.MESSAGES("function", lang="en" if lang == "ko" else "ko")


def test_plot_activation_draws_the_function_and_derivative_with_params():
    x = np.linspace(-2, 2, 9)
    fig = plotting.plot_activation("leaky_relu", params={"alpha": 0.3}, x=x)
    lines = [l for l in fig.axes[0].lines if len(l.get_xdata()) == x.size]
    np.testing.assert_allclose(lines[0].get_ydata(), actlab.leaky_relu(x, alpha=0.3))
    np.testing.assert_allclose(lines[1].get_ydata(), actlab.leaky_relu_derivative(x, alpha=0.3))
    assert "0.3" in fig.axes[0].get_title()
    side = plotting.plot_activation("step", overlay=False)
    assert len(side.axes) == 2
    only = plotting.plot_activation("relu", derivative=False)
    assert only.axes[0].get_legend() is None


def test_plot_activation_rejects_bad_arguments_by_name():
    with pytest.raises(ValueError, match="name"):
        plotting.plot_activation("nope")
    with pytest.raises(ValueError, match="params"):
        plotting.plot_activation("relu", params={"alpha": 1.0})
    with pytest.raises(ValueError, match="x must"):
        plotting.plot_activation("relu", x=np.zeros((2, 2)))


def test_plot_activations_grid_has_one_visible_panel_per_name():
    names = ["sigmoid", "tanh", "relu", "elu", "gelu"]
    fig = plotting.plot_activations(names, ncols=3, params={"elu": {"alpha": 2.0}})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible][:3] == [ACTIVATIONS[n].label() for n in names[:3]]
    assert len(visible) == 5 and len(fig.axes) == 6
    with pytest.raises(ValueError, match="ncols"):
        plotting.plot_activations(names, ncols=0)
    with pytest.raises(ValueError, match="names"):
        plotting.plot_activations([])


def test_plot_decision_boundary_shades_probabilities_and_draws_each_class():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    fig = plotting.plot_decision_boundary(lambda g: (g[:, 0] > 0.5).astype(float), X, y, title="t")
    ax = fig.axes[0]
    assert ax.get_title() == "t"
    assert len(ax.collections) >= 3  # filled contours, the 0.5 boundary, the two classes
    with pytest.raises(ValueError, match="X must"):
        plotting.plot_decision_boundary(lambda g: g[:, 0], X[:, :1], y)
    with pytest.raises(ValueError, match="y must"):
        plotting.plot_decision_boundary(lambda g: g[:, 0], X, y[:3])


def test_plot_curves_one_line_per_series_and_log_scale():
    fig = plotting.plot_curves({"a": [1.0, 0.1, 0.01], "b": [1.0, 0.5, 0.25]}, "epoch", "loss", logy=True)
    ax = fig.axes[0]
    assert [l.get_label() for l in ax.lines] == ["a", "b"] and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="series"):
        plotting.plot_curves({}, "x", "y")
    with pytest.raises(ValueError, match="x has"):
        plotting.plot_curves({"a": [1, 2]}, "x", "y", x=[1, 2, 3])
