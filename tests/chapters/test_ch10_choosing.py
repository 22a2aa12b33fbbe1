"""Chapter 10: the summary table comes from the registry in each language and renders as a table
with math in MyST; the experiments behind the advice are deterministic and show what the text says."""
import re

import numpy as np
import pytest

from actlab import ACTIVATIONS
from actlab.i18n import set_language
from actlab.chapters.ch10_choosing import (HiddenResult, compare_hidden, fit_regression_outputs, hidden_table,
                                          measure_costs, plot_hidden_comparison, regression_target, summary_table)

EXTRA_ROWS = 2  # softmax and Maxout after the registry


def cells_of(line):
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


# ---- the table -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_table_has_a_row_per_activation_plus_softmax_and_maxout(lang):
    lines = summary_table(lang=lang).splitlines()
    assert len(lines) == 2 + len(ACTIVATIONS) + EXTRA_ROWS
    for line, entry in zip(lines[2:], ACTIVATIONS.values()):
        cells = cells_of(line)
        assert len(cells) == 7, line
        assert cells[0] == entry.label(lang)
        assert cells[1] == "$" + entry.formula.replace("|", r"\vert ") + "$"
        assert cells[5] == entry.strengths[lang] and cells[6] == entry.weaknesses[lang]
    assert cells_of(lines[-2])[0] == {"ko": "소프트맥스", "en": "Softmax"}[lang]
    assert cells_of(lines[-1])[0] == {"ko": "맥스아웃", "en": "Maxout"}[lang]
    assert all(len(cells_of(line)) == 7 for line in lines)


def test_math_cells_hold_no_bar_that_would_split_the_row():
    # softsign's |x| is written \vert: MyST splits rows at every unescaped "|", even inside $...$,
    # and an escaped "\|" would reach MathJax as the double bar ‖
    for line in summary_table(lang="en").splitlines()[2:]:
        for cell in cells_of(line)[1:4]:
            assert cell.startswith("$") and cell.endswith("$") and "|" not in cell, cell
    assert r"1 + \vert x\vert" in summary_table(lang="en", names=["softsign"])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_myst_parses_the_table_with_math_in_its_cells(lang):
    """What the website does with the Markdown output (nb_render_markdown_format: myst, dollarmath)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
    tokens = md.parse(summary_table(lang=lang, costs={"relu": 1.0}))
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 1 + len(ACTIVATIONS) + EXTRA_ROWS
    inline = [t for t in tokens if t.type == "inline"]
    maths = [c for t in inline for c in (t.children or []) if c.type == "math_inline"]
    assert len(maths) == 3 * (len(ACTIVATIONS) + EXTRA_ROWS)  # formula, range, derivative in every row
    softsign = [m.content for m in maths if "softsign" in m.content]
    assert softsign and all("\\vert" in m and "|" not in m for m in softsign)
    html = md.render(summary_table(lang=lang))
    assert html.count("<tr>") == 1 + len(ACTIVATIONS) + EXTRA_ROWS


def test_headers_follow_the_language():
    assert summary_table(lang="ko").startswith("| 함수 |")
    assert summary_table(lang="en").startswith("| Function |")
    assert not re.search("[가-힣]", summary_table(lang="en", names=["relu", "sigmoid"]))
    assert not re.search("[가-힣]", summary_table(lang="en"))


def test_costs_are_relative_to_relu_and_fill_the_column():
    costs = measure_costs(names=["relu", "sigmoid"], n=10_000, repeat=2)
    assert set(costs) == {"relu", "sigmoid", "softmax", "maxout"}
    assert costs["relu"] == 1.0 and all(c > 0 for c in costs.values())
    table = summary_table(lang="en", names=["relu", "sigmoid"], costs=costs)
    assert f"{costs['sigmoid']:.1f}×" in table and "—" not in table
    full = summary_table(lang="en", costs=costs)
    assert "k× the weighted sums" in cells_of(full.splitlines()[-1])[4]
    assert "—" in full  # functions that were not timed


def test_without_costs_the_cost_column_is_a_dash():
    for line in summary_table(lang="ko").splitlines()[2:]:
        assert cells_of(line)[4] == "—"


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="lang"):
        summary_table(lang="fr")
    with pytest.raises(ValueError, match="n must"):
        measure_costs(n=0)
    with pytest.raises(ValueError, match="names"):
        measure_costs(names=["nope"], n=100)
    with pytest.raises(ValueError, match="names"):
        summary_table(lang="en", names=["softmax"])


# ---- hidden layers -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_comparison():
    return compare_hidden(["relu", "sigmoid", "tanh"], epochs=20, seeds=(0, 1))


def test_comparison_is_deterministic_and_complete(small_comparison):
    again = compare_hidden(["relu", "sigmoid", "tanh"], epochs=20, seeds=(0, 1))
    assert again == small_comparison
    for name, r in small_comparison.items():
        assert isinstance(r, HiddenResult) and r.name == name
        assert len(r.loss) == len(r.accuracy) == 2 and len(r.curve) == 21
        assert r.hidden == (16, 16, 16, 16) and r.epochs == 20 and r.seeds == (0, 1)
        assert r.lr == 0.01 and r.batch_size == 64
        assert r.curve[-1] == pytest.approx(r.mean_loss)
        assert all(0 <= a <= 1 for a in r.accuracy)


def test_sigmoid_hidden_layers_learn_slowly_and_starve_the_first_layer(small_comparison):
    relu, sigmoid, tanh = (small_comparison[n] for n in ("relu", "sigmoid", "tanh"))
    assert relu.mean_loss < 0.2 < 0.7 < sigmoid.mean_loss
    assert relu.mean_accuracy > 0.9 > 0.6 > sigmoid.mean_accuracy
    assert sigmoid.grad_ratio < 0.05 < 0.2 < min(relu.grad_ratio, tanh.grad_ratio)
    assert relu.curve[-1] < relu.curve[0]


def test_other_data_and_sizes():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10)
    y = np.array([0, 1, 1, 0] * 10)
    r = compare_hidden(["tanh"], data=(X, y), hidden=(8,), epochs=60, lr=0.05, batch_size=8, seeds=(0,))
    assert r["tanh"].accuracy[0] == 1.0 and r["tanh"].hidden == (8,)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_hidden_table_is_sorted_by_loss_and_in_the_language(small_comparison, lang):
    text = hidden_table(small_comparison, lang=lang)
    lines = text.splitlines()
    assert "20" in lines[0] and "[16, 16, 16, 16]" in lines[0] and "0.01" in lines[0] and "64" in lines[0]
    body = lines[2:]
    assert len(body) == 3
    order = sorted(small_comparison.values(), key=lambda r: r.mean_loss)
    for line, r in zip(body, order):
        assert line.startswith(ACTIVATIONS[r.name].label(lang))
        assert f"{r.mean_loss:.3f}" in line and f"{r.mean_accuracy:.2f}" in line and f"{r.grad_ratio:.2g}" in line
        assert f"{min(r.loss):.3f}–{max(r.loss):.3f}" in line
    assert ("손실" in lines[1]) == (lang == "ko")
    assert "‖∇W1‖/‖∇W4‖" in lines[1]


def test_hidden_table_columns_line_up_with_hangul():
    r = compare_hidden(["tanh", "relu"], epochs=1, seeds=(0,))
    lines = hidden_table(r, lang="ko").splitlines()[1:]
    from actlab.tables import display_width

    assert len({display_width(line) for line in lines}) == 1


def test_plot_has_one_curve_per_activation(small_comparison):
    set_language("en")
    fig = plot_hidden_comparison(small_comparison)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["ReLU", "Sigmoid", "Tanh"]
    assert ax.get_yscale() == "log"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_comparison_rejects_bad_arguments():
    with pytest.raises(ValueError, match="names"):
        compare_hidden(["nope"])
    with pytest.raises(ValueError, match="names"):
        compare_hidden([])
    with pytest.raises(TypeError, match="hidden"):
        compare_hidden(["relu"], hidden=16)
    with pytest.raises(ValueError, match="hidden"):
        compare_hidden(["relu"], hidden=(16, 0))
    with pytest.raises(TypeError, match="seeds"):
        compare_hidden(["relu"], seeds=())
    with pytest.raises(ValueError, match="epochs"):
        compare_hidden(["relu"], epochs=0)
    with pytest.raises(ValueError, match="lr"):
        compare_hidden(["relu"], lr=-1.0)
    with pytest.raises(ValueError, match="data"):
        compare_hidden(["relu"], data=(np.zeros((4, 2)), np.zeros(4)))  # float labels
    with pytest.raises(TypeError, match="results"):
        hidden_table({"relu": 1.0})
    with pytest.raises(TypeError, match="results"):
        plot_hidden_comparison({})


# ---- output layers -------------------------------------------------------------------------------
def test_regression_needs_an_unbounded_output():
    target = regression_target(np.linspace(-1, 1, 101))
    assert target.min() == -1.0 and target.max() == 2.0
    r = fit_regression_outputs()
    assert set(r) == {"identity", "sigmoid", "floor"}
    assert r["identity"] < 0.01 < 0.3 < r["floor"] <= r["sigmoid"]
    assert fit_regression_outputs() == r  # deterministic


def test_regression_floor_is_the_clipped_error():
    x = np.linspace(-1, 1, 50)
    y = regression_target(x)
    floor = np.mean((y - np.clip(y, 0, 1)) ** 2)
    assert fit_regression_outputs(["identity"], n=50, epochs=1)["floor"] == pytest.approx(floor)


def test_regression_rejects_bad_arguments():
    with pytest.raises(ValueError, match="outputs"):
        fit_regression_outputs(["softmax"])
    with pytest.raises(ValueError, match="outputs"):
        fit_regression_outputs([])
    with pytest.raises(ValueError, match="activation"):
        fit_regression_outputs(activation="nope")
    with pytest.raises(ValueError, match="n must"):
        fit_regression_outputs(n=1)
