"""Chapter 10: the summary table comes from the registry in each language and renders as a table
with math in MyST; the experiments behind the advice are deterministic and show what the text says."""
import re

import numpy as np
import pytest

from actlab import ACTIVATIONS
from actlab.i18n import set_language
from actlab import activations as A
from actlab.softmax import softmax
from actlab.chapters.ch10_choosing import (TEXTBOOK, Costs, HiddenResult, compare_hidden, cost_label, cost_table,
                                          fit_regression_outputs, hidden_table, measure_costs, plot_hidden_comparison,
                                          regression_target, stored_costs, summary_table, textbook_function)

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
        assert cells[1] == "$" + entry.formula_in(lang).replace("|", r"\vert ") + "$"
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


# ---- the cost column ----------------------------------------------------------------------------
def test_costs_are_relative_to_relu_and_fill_the_column():
    costs = measure_costs(names=["sigmoid"], n=10_000, repeat=2)
    assert isinstance(costs, Costs)
    assert set(costs.textbook) == set(costs.actlab) == {"relu", "sigmoid"}
    assert costs.textbook["relu"] == 1.0 and all(c > 0 for c in [*costs.textbook.values(), *costs.actlab.values()])
    assert costs.settings["n"] == 10_000 and costs.settings["repeat"] == 2 and costs.settings["baseline"] == "np.maximum(x, 0)"
    assert costs.machine["numpy"] == np.__version__ and costs.machine["cores"] >= 1
    table = summary_table(lang="en", names=["relu", "sigmoid"], costs=costs)
    assert f"{costs.textbook['sigmoid']:.1f}×" in table and "—" not in table
    full = summary_table(lang="en", costs=measure_costs(names=["maxout"], n=1000, repeat=1))
    assert "k× the weighted sums" in cells_of(full.splitlines()[-1])[4]
    assert "—" in full  # functions that were not timed
    assert "maxout" not in measure_costs(names=["maxout"], n=1000, repeat=1).actlab  # a layer, not a function


def test_textbook_code_computes_the_activation_it_times():
    """What the cost column times is the activation itself, written as a user would (default parameters)."""
    x = np.linspace(-12, 12, 2400)  # rows of 100 for softmax
    x2 = x[::-1].copy()
    for name in TEXTBOOK:
        got = textbook_function(name)(x, x2)
        if name == "gelu_tanh":
            want = A.gelu(x, approximate="tanh")
        elif name == "softmax":
            want = softmax(x.reshape(-1, 100), axis=1)
        elif name == "maxout":
            want = np.maximum(x, x2)
        else:
            want = ACTIVATIONS[name].fn(x)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=name)
    assert set(ACTIVATIONS) <= set(TEXTBOOK)
    with pytest.raises(ValueError, match="name must"):
        textbook_function("nope")


def test_stored_costs_cover_every_entry_and_say_where_they_were_measured():
    costs = stored_costs()
    assert set(costs.textbook) == set(TEXTBOOK) and set(costs.actlab) == set(TEXTBOOK) - {"maxout"}
    assert costs.textbook["relu"] == 1.0 and all(c >= 0 for c in costs.textbook.values())
    assert costs.settings["statistic"] == "median" and costs.settings["repeat"] >= 11
    assert costs.settings["n"] >= 100_000 and costs.settings["dtype"] == "float64"
    assert {"cpu", "cores", "system", "python", "numpy", "scipy"} <= set(costs.machine)
    assert stored_costs() is costs  # read once


def test_stored_costs_are_package_data():
    """The wheel (Colab installs one) must carry the numbers chapter 10 reads."""
    import tomllib
    from pathlib import Path

    import actlab.chapters

    root = Path(__file__).resolve().parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "activation_costs.json" in package_data.get("actlab.chapters", []) or \
        "chapters/activation_costs.json" in package_data.get("actlab", [])
    assert (Path(actlab.chapters.__file__).parent / "activation_costs.json").is_file()


def test_prose_claims_hold_for_the_stored_costs():
    """Chapter 10 states these about the stored cost column (both languages); they must stay true
    when benchmarks/bench_activation_costs.py --write stores new numbers (else rewrite the prose).
    Each claim keeps a margin, so that a remeasurement on the same machine does not flip it."""
    t = stored_costs().textbook
    others = set(t) - {"relu", "identity"}
    close = {name for name in others if t[name] < 1.5}
    assert close == CLOSE_TO_RELU and all(t[name] < 1.45 for name in close)
    assert all(t[name] >= 2.0 * 1.1 for name in others - close)  # "every other one costs 2x or more"
    assert t["identity"] < 0.1  # returning x costs nothing
    for name in ("leaky_relu", "prelu", "step"):  # no exponential, yet np.where / np.heaviside cost more
        assert t[name] > 5 * t["relu6"] and t[name] > 2 * stored_costs().actlab[name], name
    ranking = sorted(t, key=t.get, reverse=True)
    assert set(ranking[:2]) == MOST_EXPENSIVE and t[ranking[1]] > 1.3 * t[ranking[2]]
    assert t["mish"] > 1.3 * t["softplus"]  # Mish is softplus plus a tanh and a product
    assert t["gelu_tanh"] > 1.2 * t["gelu"]  # in NumPy the usual tanh approximation saves nothing
    assert 0.8 < t["gelu"] / t["softplus"] < 1.25  # the textbook exact GELU costs about what softplus does
    assert stored_costs().actlab["gelu"] > 1.5 * t["gelu"]  # actlab's exact GELU takes the longer, accurate path
    one_exp = ("sigmoid", "silu", "swish", "elu", "selu", "celu", "tanh")  # "about 10 to 18 times"
    assert all(9.5 < t[name] < 18.5 for name in one_exp)
    assert min(t["softplus"], t["log_sigmoid"], t["gelu"]) > 1.2 * max(t[name] for name in one_exp)


# what chapter 10's prose says (see test_prose_claims_hold_for_the_stored_costs)
CLOSE_TO_RELU = {"hard_tanh", "relu6", "maxout"}
MOST_EXPENSIVE = {"mish", "gelu_tanh"}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_cost_table_lists_every_entry_cheapest_first_with_the_machine(lang):
    costs = stored_costs()
    lines = cost_table(costs, lang=lang).splitlines()
    assert ("함수" in lines[0]) == (lang == "ko")
    body, footer = lines[1:-1], lines[-1]
    assert cost_table(costs, lang=lang, footer=False).splitlines() == lines[:-1]
    assert len(body) == len(TEXTBOOK)
    order = sorted(TEXTBOOK, key=lambda n: (costs.textbook[n], n))
    for line, name in zip(body, order):
        assert line.startswith(cost_label(name, lang)) and TEXTBOOK[name] in line, line
        assert f"{costs.textbook[name]:.1f}×" in line
    assert costs.machine["cpu"] in footer and costs.machine["numpy"] in footer and costs.settings["date"] in footer
    assert f"{costs.settings['n']:,}" in footer
    if lang == "en":
        assert not re.search("[가-힣]", cost_table(costs, lang="en"))
    with pytest.raises(TypeError, match="costs"):
        cost_table({"relu": 1.0})


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
    with pytest.raises(ValueError, match="multiple of 100"):
        measure_costs(n=150)
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
