"""actlab.chapters.ch11_modern_networks: chapter 11's figures, labels and the attention explorer."""
from __future__ import annotations

import doctest

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import actlab  # noqa: E402
from actlab import attention_softmax  # noqa: E402
from actlab.chapters import ch11_modern_networks as ch11  # noqa: E402


@pytest.fixture(autouse=True)
def _clean():
    yield
    plt.close("all")
    actlab.set_language("ko")


def test_doctests():
    assert doctest.testmod(ch11).failed == 0


@pytest.mark.parametrize("value,text", [(0.0239, "0.0239"), (2.571e-13, "2.57e-13"), (1.987e9, "1.99e+09"),
                                        (91.23, "91.2"), (4.4, "4.4")])
def test_fmt(value, text):
    assert ch11.fmt(value) == text


def test_labels_follow_the_language_and_keep_tanh():
    assert ch11.label("sigmoid") == "시그모이드" and ch11.label("tanh") == "tanh"
    actlab.set_language("en")
    assert ch11.label("sigmoid") == "Sigmoid" and ch11.label("tanh") == "tanh"
    assert ch11.MESSAGES("residual", name="ReLU") == "ReLU + residual"


def test_every_message_has_korean_and_no_hangul_in_english():
    for key in ch11.MESSAGES.keys():
        assert any("\uac00" <= c <= "\ud7a3" for c in ch11.MESSAGES(key, lang="ko", name="x", depth=1, mean=0.0,
                                                                     std=1.0, d=4, mode="m", top=0.5)) \
            or key in ("plain", "exp"), key  # names that stay Latin in Korean
        assert not any("\uac00" <= c <= "\ud7a3" for c in ch11.MESSAGES(key, lang="en", name="x", depth=1, mean=0.0,
                                                                         std=1.0, d=4, mode="m", top=0.5)), key


def test_plot_residual_draws_each_network_once_solid_plain_dashed_residual():
    norms = {("sigmoid", 20, False): np.logspace(-12, 0, 20), ("sigmoid", 20, True): np.ones(20),
             ("relu", 50, True): np.full(50, 1e9)}
    fig = ch11.plot_residual(norms)
    assert len(fig.axes) == 2
    first = fig.axes[0]
    styles = sorted(line.get_linestyle() for line in first.lines)
    assert styles == ["-", "--"] and first.get_yscale() == "log"
    np.testing.assert_allclose(first.lines[0].get_ydata(), np.logspace(-12, 0, 20))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["시그모이드", "시그모이드 + 잔차", "ReLU + 잔차"]


def test_plot_normalised_titles_state_mean_and_std():
    rng = np.random.default_rng(0)
    fig = ch11.plot_normalised({"raw": 3 + 5 * rng.normal(size=500), "layer_norm": rng.normal(size=500)})
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0].startswith("정규화 전") and "평균" in titles[0]


def test_plot_gates_and_hard_draw_the_library_functions():
    fig = ch11.plot_gates(np.linspace(-2, 2, 5))
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), actlab.sigmoid(np.linspace(-2, 2, 5)))
    fig = ch11.plot_hard(np.linspace(-4, 4, 9))
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), actlab.hard_sigmoid(np.linspace(-4, 4, 9)))
    np.testing.assert_allclose(fig.axes[1].lines[2].get_ydata(),
                               actlab.hard_swish(np.linspace(-4, 4, 9)) - actlab.silu(np.linspace(-4, 4, 9)))


def test_plot_attention_has_both_curves_on_log_x():
    fig = ch11.plot_attention([4, 16], {"unscaled": [0.3, 0.6], "scaled": [0.2, 0.2]},
                              {"unscaled": [0.26, 0.2], "scaled": [0.22, 0.23]})
    assert fig.axes[0].get_xscale() == "log" and len(fig.axes[0].lines) == 2


def test_attention_weights_and_the_explorer():
    w = ch11.attention_weights(64, scaled=True)
    assert w.shape == (16,) and w.sum() == pytest.approx(1.0)
    assert ch11.attention_weights(1024, scaled=False).max() > ch11.attention_weights(1024, scaled=True).max()
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(1, 4)), rng.normal(size=(16, 4))
    np.testing.assert_allclose(ch11.attention_weights(4, scaled=False), attention_softmax(q @ k.T)[0])
    ex = ch11.attention_explorer(d=64, scaled=True)
    heights = sorted(p.get_height() for p in ex.figure.axes[0].patches)[::-1]
    np.testing.assert_allclose(heights, np.sort(ch11.attention_weights(64, True))[::-1])
    ex.set(d=1024, scaled=False)
    assert "1024" in ex.figure.axes[0].get_title()
    with pytest.raises(ValueError, match="d must be one of"):
        ex.set(d=5)


def test_attention_twin_has_one_panel_per_setting():
    fig = ch11.attention_twin(dims=(4, 64))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    assert "d = 4" in visible[0].get_title() and "나누지 않음" in visible[0].get_title()


def test_precision_error_finds_float16_limits():
    x, err = ch11.precision_error("exp", "float16", np.array([-20.0, -1.0, 0.5, 11.0, 12.0]))
    assert err[0] == 1.0 and err[-1] == 10.0  # 0 where e^-20 is not; inf (shown as 10) past 11.09
    assert np.all(err[1:4] <= 2.0 ** -11 * 1.001)  # one rounding of a normal result
    _, naive = ch11.precision_error("sigmoid_naive", "float16", np.array([-12.0, -5.0]))
    _, stable = ch11.precision_error("sigmoid_actlab", "float16", np.array([-12.0, -5.0]))
    assert naive[0] == 1.0 and stable[0] < 0.01 and naive[1] < 0.001
    _, sp = ch11.precision_error("softplus_naive", "bfloat16", np.array([50.0, 100.0]))
    _, sp_ok = ch11.precision_error("softplus_actlab", "bfloat16", np.array([50.0, 100.0]))
    assert sp[1] == 10.0 and np.all(sp_ok < 0.01)
    with pytest.raises(ValueError, match="function must be one of"):
        ch11.precision_error("tanh", "float16")


def test_precision_explorer_and_twin():
    ex = ch11.precision_explorer("exp", "float16")
    line = ex.figure.axes[0].lines[0]
    x, err = ch11.precision_error("exp", "float16")
    np.testing.assert_allclose(line.get_ydata(), np.clip(err, 1e-9, 10.0))
    ex.set(fmt="bfloat16", function="softplus_naive")
    assert "bfloat16" in ex.figure.axes[0].get_title()
    fig = ch11.precision_twin(functions=("exp", "sigmoid_actlab"), formats=("float16",))
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2
