"""actlab.chapters.ch09_vanishing_exploding: chapter 9's measurements, tables, figures, clipping runs and explorer."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import actlab  # noqa: E402
from actlab import gradflow  # noqa: E402
from actlab import ACTIVATIONS  # noqa: E402
from actlab.chapters import ch09_vanishing_exploding as gp  # noqa: E402
from actlab.tables import display_width  # noqa: E402


@pytest.fixture(autouse=True)
def _clean():
    yield
    plt.close("all")
    actlab.set_language("ko")


# ---- formatting and tables ---------------------------------------------------------------------
@pytest.mark.parametrize("value,text", [(0.5344, "0.534"), (1.666, "1.67"), (20.64, "20.6"), (7.634e-13, "7.63e-13"),
                                        (2.003e7, "2.00e+07"), (0.00105, "0.00105"), (9.99e-4, "9.99e-04"),
                                        (0.0, "0"), (-3.21e-4, "-3.21e-04"), (float("inf"), "inf"),
                                        (float("nan"), "nan")])
def test_fmt_gives_three_significant_digits(value, text):
    assert gp.fmt(value) == text


@pytest.mark.parametrize("lang,corner", [("ko", "층"), ("en", "layer")])
def test_layer_table_lists_every_layer_and_the_chosen_ones(lang, corner):
    actlab.set_language(lang)
    text = gp.layer_table({"a": [1.0, 2.5, 3e-9], "b": [4.0, 5.0, 6.0]})
    lines = text.splitlines()
    assert lines[0].split() == [corner, "a", "b"]  # the layer column headed in the active language
    assert [line.split() for line in lines[1:]] == [["1", "1", "4"], ["2", "2.5", "5"], ["3", "3.00e-09", "6"]]
    picked = gp.layer_table({"a": [1.0, 2.5, 3e-9]}, layers=(1, 3)).splitlines()
    assert [line.split()[0] for line in picked[1:]] == ["1", "3"]


@pytest.mark.parametrize("columns,layers,match", [({}, None, "columns"), ({"a": [1, 2], "b": [1]}, None, "columns"),
                                                  ({"a": [1, 2]}, (3,), "layers"), ({"a": [1, 2]}, (0,), "layers")])
def test_layer_table_rejects_bad_input_naming_the_argument(columns, layers, match):
    with pytest.raises(ValueError, match=match):
        gp.layer_table(columns, layers)


def test_tables_align_hangul_columns():
    actlab.set_language("ko")
    text = gp.compare_table(gp.batch_norm_groups(depth=5))
    rows = text.splitlines()[1:]
    # right-aligned columns: every row ends at the same display column (a Hangul syllable counts twice)
    assert len({display_width(r) for r in rows}) == 1
    assert "배치 정규화" in rows[0]
    assert [r.split(",")[0] for r in rows[1:]] == ["시그모이드", "tanh", "ReLU"]  # the registry's Korean names


# ---- measurements --------------------------------------------------------------------------------
def test_flow_is_gradient_flow_with_the_named_initialiser_and_is_remembered():
    f = gp.flow("relu", 5, "he")
    ref = gradflow.gradient_flow(5, gp.WIDTH, "relu", "he_normal", seed=0)
    np.testing.assert_array_equal(f.weight_grad_norm, ref.weight_grad_norm)
    assert f.init == "he_normal" and gp.flow("relu", 5, "he") is f
    assert gp.flow("tanh", 5, "small").init == "normal"
    assert gp.flow("tanh", 5, "default").init == "xavier_normal"
    assert gp.flow("relu", 5, "default").init == "he_normal"


@pytest.mark.parametrize("depth", gp.DEPTHS)
def test_sigmoid_gradients_vanish_below_the_derivative_bound_and_relu_tanh_do_not(depth):
    grid = gp.flow_grid(depths=(depth,))
    sig = grid[("sigmoid", depth)]
    # from the first hidden layer to the last, L - 1 derivatives are multiplied in
    assert sig.ratio() < 0.25 ** (depth - 1)
    assert sig.delta_norm[0] / sig.delta_norm[-1] < 0.25 ** (depth - 1)
    # every layer down shrinks the backpropagated signal by about max σ' = 0.25: σ' ≤ 0.25, and
    # Xavier weights scale a vector by about 1 (a single layer's weights may add a little)
    per_layer = sig.delta_norm[:-1] / sig.delta_norm[1:]
    assert 0.15 < np.exp(np.mean(np.log(per_layer))) < 0.25
    assert np.all(per_layer < 0.3)
    for act in ("tanh", "relu"):
        assert 0.05 < grid[(act, depth)].ratio() < 20


@pytest.mark.parametrize("lang,names", [("ko", ("시그모이드", "ReLU")), ("en", ("Sigmoid", "ReLU"))])
def test_ratio_table_prints_every_ratio_and_the_bound_row(lang, names):
    actlab.set_language(lang)
    grid = gp.flow_grid(activations=("sigmoid", "relu"), depths=(5, 10))
    *table, note = gp.ratio_table(grid).splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in table}
    assert list(rows) == ["L", *names, "0.25^(L-1)*"]  # rows named as the registry names them in this language
    assert rows["L"][1:] == ["5", "10"]
    assert rows[names[0]] == [gp.fmt(grid[("sigmoid", d)].ratio()) for d in (5, 10)]
    assert rows[names[1]] == [gp.fmt(grid[("relu", d)].ratio()) for d in (5, 10)]
    # L - 1 factors from the last hidden layer down to the first: 0.25^4 and 0.25^9
    assert [float(v) for v in rows["0.25^(L-1)*"]] == pytest.approx([0.25**4, 0.25**9], rel=5e-3)
    # the footnote says the row bounds the derivatives' product only, not the ratio, in this language
    assert note.startswith("* ") and "σ′" in note and note == gp.MESSAGES("bound_note")
    assert ("상한" in note) == (lang == "ko") and ("bound" in note) == (lang == "en")
    assert "0.25^(L-1)" not in gp.ratio_table(grid, bound=None)
    assert "*" not in gp.ratio_table(grid, bound=None)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_tables_name_registry_rows_in_the_language_and_keep_other_titles(lang):
    actlab.set_language(lang)
    nets = {"Xavier": gp.flow("tanh", 5, "xavier")}
    compare = gp.compare_table({"tanh": nets, "relu": {"He": gp.flow("relu", 5, "he")}, "mine": nets})
    assert [line.split()[0] for line in compare.splitlines()[2:]] == [ACTIVATIONS["tanh"].label(lang), "ReLU", "mine"]
    assert gp.init_table(nets, title="tanh").splitlines()[0].startswith(ACTIVATIONS["tanh"].label(lang) + ": ")
    twin = gp.twin_table(depth=5, activations=("sigmoid", "tanh", "relu"), inits=("xavier",)).splitlines()
    assert [line.split()[0] for line in twin[2:]] == [ACTIVATIONS[a].label(lang) for a in ("sigmoid", "tanh", "relu")]
    assert ACTIVATIONS["sigmoid"].label(lang) == {"ko": "시그모이드", "en": "Sigmoid"}[lang]
    assert ACTIVATIONS["tanh"].label("ko") == "tanh"  # the glossary's choice: Korean texts write tanh


def test_large_weights_explode_with_relu_by_about_s_sqrt_n_over_sqrt2_per_layer():
    large, he = gp.flow("relu", 10, "large"), gp.flow("relu", 10, "he")
    predicted = 1.0 * np.sqrt(gp.WIDTH / 2)  # s·√n·rms ReLU' = 5.66
    growth = np.exp(np.mean(np.log(large.delta_norm[:-1] / large.delta_norm[1:])))
    assert 0.8 * predicted < growth < 1.2 * predicted
    assert np.all(large.weight_grad_norm > 1e14) and np.all(he.weight_grad_norm < 10)
    he_growth = np.exp(np.mean(np.log(he.delta_norm[:-1] / he.delta_norm[1:])))
    assert 0.8 < he_growth < 1.2
    assert gp.flow("tanh", 20, "large").ratio() > 1e5


def test_initialisation_keeps_or_loses_the_signal():
    small, xavier = gp.flow("tanh", 20, "small"), gp.flow("tanh", 20, "xavier")
    shrink = np.exp(np.mean(np.log(small.a_std[1:] / small.a_std[:-1])))
    assert shrink == pytest.approx(0.01 * np.sqrt(gp.WIDTH), rel=0.05)  # s·√n = 0.08 per layer
    assert xavier.a_std.min() > 0.1
    relu_x, relu_he = gp.flow("relu", 20, "xavier"), gp.flow("relu", 20, "he")
    assert relu_x.a_std[-1] < 1e-3 < 0.25 < relu_he.a_std.min()


def test_batch_norm_groups_cure_the_sigmoid_and_the_large_tanh():
    groups = gp.batch_norm_groups([("sigmoid", "xavier"), ("tanh", "large")], depth=20)
    (sig_off, sig_on), (tanh_off, tanh_on) = [list(g.values()) for g in groups.values()]
    assert sig_off.ratio() < 1e-10 and 0.1 < sig_on.ratio() < 10
    assert tanh_off.ratio() > 1e5 and 0.1 < tanh_on.ratio() < 10
    assert np.allclose(sig_on.z_std, 1.0, atol=1e-3)  # batch statistics: every layer standardised
    lines = gp.compare_table(groups).splitlines()
    assert len(lines) == 4 and lines[2].split()[-2:] == [gp.fmt(sig_off.ratio()), gp.fmt(sig_on.ratio())]
    first = gp.compare_table(groups, "first").splitlines()
    assert first[2].split()[-1] == gp.fmt(sig_on.weight_grad_norm[0])


def test_compare_table_marks_missing_cells():
    text = gp.compare_table({"a": {"x": gp.flow("tanh", 5, "xavier")}, "b": {"y": gp.flow("relu", 5, "he")}})
    assert text.splitlines()[2].split()[-1] == "-"


@pytest.mark.parametrize("call,error,match", [
    (lambda: gp.flow("swishy", 5), ValueError, "activation"),
    (lambda: gp.flow("relu", 0), ValueError, "depth"),
    (lambda: gp.flow("relu", 5, "bogus"), ValueError, "init"),
    (lambda: gp.flow("relu", 5, 3), TypeError, "init"),
    (lambda: gp.flow_grid(activations=()), ValueError, "activations"),
    (lambda: gp.flow_grid(depths=(2.5,)), TypeError, "depths"),
    (lambda: gp.init_table({"a": gp.flow("relu", 5)}, "bogus"), ValueError, "field"),
    (lambda: gp.init_table({}, "a_std"), ValueError, "flows"),
    (lambda: gp.compare_table({}), ValueError, "groups"),
    (lambda: gp.compare_table({"a": {}}, "last"), ValueError, "field"),
    (lambda: gp.ratio_table(gp.flow_grid(depths=(5,)), bound="nope"), ValueError, "bound"),
    (lambda: gp.clipping_run(clip=-1.0), ValueError, "clip"),
    (lambda: gp.clipping_run(lr=0), ValueError, "lr"),
    (lambda: gp.plot_flows({}), ValueError, "groups"),
    (lambda: gp.plot_flows({"a": {"x": gp.flow("relu", 5)}}, fields="bogus"), ValueError, "fields"),
    (lambda: gp.plot_clipping({}, lr=0.1, clip=1.0), ValueError, "runs"),
    (lambda: gp.plot_clipping({"a": gp.clipping_run(1.0)}, lr=0.1, clip=1.0, ceiling=0), ValueError, "ceiling"),
    (lambda: gp.twin_table(field="mean"), ValueError, "field"),
    (lambda: gp.gradient_twin(inits=("xavier", "huge")), ValueError, "init"),
])
def test_bad_input_is_rejected_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- gradient clipping and optimisers ---------------------------------------------------------------
def test_clipping_turns_a_diverging_run_into_a_training_one():
    free, free_steps = gp.clipping_run(clip=None)
    clipped, steps = gp.clipping_run(clip=1.0)
    assert free.stopped is not None and not np.isfinite(free.loss[-1])
    assert clipped.stopped is None and clipped.steps == 250 and clipped.loss[-1] < 0.1
    # plain SGD: each update is lr times the clipped gradient, so its size is lr·min(‖g‖, clip)
    expected = 0.1 * np.minimum(steps.grad_norm, 1.0)
    np.testing.assert_allclose(steps.update_norm, expected, rtol=1e-9)
    assert max(steps.grad_norm) > 1.0  # clipping did act
    # the same initial network and batches: the first gradient is the same in both runs
    assert free_steps.grad_norm[0] == pytest.approx(steps.grad_norm[0], rel=1e-12)
    # StepNorms sees the gradient before clipping, as History does (largest per epoch)
    assert max(steps.grad_norm[:5]) == pytest.approx(clipped.grad_norm[0], rel=1e-12)


def test_without_clipping_the_update_is_the_whole_gradient():
    history, steps = gp.clipping_run(clip=None, lr=0.01, depth=3, epochs=2)
    assert history.stopped is None
    np.testing.assert_allclose(steps.update_norm, 0.01 * np.asarray(steps.grad_norm), rtol=1e-9)


def test_adaptive_optimisers_move_the_first_layer_where_sgd_does_not():
    sgd, adam = gp.optimizer_run("sgd", lr=0.5), gp.optimizer_run("adam", lr=0.01)
    assert sgd.change.shape == adam.change.shape == (7,)
    assert sgd.change[0] < 0.01 < 1.0 < adam.change[0]
    assert adam.history.accuracy[-1] > 0.8 and sgd.history.accuracy[-1] < 0.6


# ---- figures -------------------------------------------------------------------------------------------
def test_plot_depths_draws_every_activation_and_a_bound_falling_by_a_quarter_per_layer():
    grid = gp.flow_grid(depths=(5, 10))
    fig = gp.plot_depths(grid)
    assert len(fig.axes) == 2
    ax = fig.axes[1]
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert len(lines) == 4
    assert [line.get_label() for line in lines[:3]] == [ACTIVATIONS[a].label() for a in gp.SHOWN_ACTIVATIONS]
    np.testing.assert_allclose(lines[0].get_ydata(), grid[("sigmoid", 10)].weight_grad_norm)
    bound = lines[-1].get_ydata()
    np.testing.assert_allclose(bound[:-1] / bound[1:], 0.25)
    assert bound[-1] == grid[("sigmoid", 10)].weight_grad_norm[-1]


@pytest.mark.parametrize("value,text", [(1e-20, "10⁻²⁰"), (1.0, "10⁰"), (1e30, "10³⁰"), (3e5, ""), (0.0, ""),
                                        (float("nan"), "")])
def test_log_tick_labels_are_powers_of_ten_in_plain_text(value, text):
    assert gp._power_of_ten(value) == text


def test_plot_flows_has_one_row_per_field_and_leaves_gaps_for_values_a_log_axis_cannot_show():
    flows = {"He": gp.flow("relu", 5, "he"), "Xavier": gp.flow("relu", 5, "xavier")}
    fig = gp.plot_flows({"relu": flows, "again": flows}, fields=("a_std", "weight_grad_norm"))
    assert len(fig.axes) == 4
    np.testing.assert_allclose(fig.axes[2].get_lines()[0].get_ydata(), flows["He"].weight_grad_norm)  # row 2: gradients
    np.testing.assert_allclose(fig.axes[0].get_lines()[1].get_ydata(), flows["Xavier"].a_std)
    assert np.isnan(gp._positive([1.0, 0.0, np.inf, -1.0])[1:]).all()


def test_plot_clipping_shows_the_limit_and_labels_follow_the_language():
    runs = {"free": gp.clipping_run(clip=None), "clipped": gp.clipping_run(clip=1.0)}
    for lang, word in (("ko", "손실"), ("en", "loss")):
        actlab.set_language(lang)
        fig = gp.plot_clipping(runs, lr=0.1, clip=1.0)
        assert word in fig.axes[2].get_title()
        limit = [line for line in fig.axes[1].get_lines() if line.get_label() == gp.MESSAGES("limit")]
        assert len(limit) == 1 and limit[0].get_ydata()[0] == pytest.approx(0.1)
        # the diverging run's 1e30 gradients are drawn at the ceiling, as triangles
        free_line = fig.axes[0].get_lines()[0]
        assert np.nanmax(free_line.get_ydata()) == 1e8
        triangles = [line for line in fig.axes[0].get_lines() if line.get_marker() == "^"]
        assert len(triangles) == 1 and np.all(triangles[0].get_ydata() == 1e8)
        assert max(runs["free"][1].grad_norm[:7]) > 1e8


# ---- explorer and static twin ------------------------------------------------------------------------
def test_explorer_redraws_for_depth_activation_and_init():
    ex = gp.gradient_explorer()
    assert ex.values == {"depth": 10, "activation": "sigmoid", "init": "xavier"}
    line = ex.figure.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), gp.flow("sigmoid", 10, "xavier").weight_grad_norm)
    ex.set(depth=25, activation="relu", init="large")
    ax = ex.figure.axes[0]
    assert ax.get_title().startswith("ReLU, N(0, 1)")
    assert gp.fmt(gp.flow("relu", 25, "large").ratio()) in ax.get_title()
    assert len(ax.get_lines()[0].get_xdata()) == 25
    with pytest.raises(ValueError):
        ex.set(depth=31)
    with pytest.raises(ValueError):
        ex.set(init="bogus")


def test_twin_has_one_panel_per_combination_on_one_shared_axis():
    acts, inits = ("sigmoid", "relu"), ("small", "he", "large")
    fig = gp.gradient_twin(depth=8, activations=acts, inits=inits)
    assert len(fig.axes) == 6
    assert len({ax.get_ylim() for ax in fig.axes}) == 1
    titles = [ax.get_title() for ax in fig.axes]
    for title, (a, i) in zip(titles, [(a, i) for a in acts for i in inits]):
        assert title.startswith(f"{ACTIVATIONS[a].label()}, {gp.init_label(i)}")
        assert gp.fmt(gp.flow(a, 8, i).ratio()) in title
    low, high = fig.axes[0].get_ylim()
    everything = np.concatenate([gp.flow(a, 8, i).weight_grad_norm for a in acts for i in inits])
    assert low <= everything.min() and everything.max() <= high


def test_twin_table_in_both_languages():
    for lang, title in (("ko", "첫 층"), ("en", "first")):
        actlab.set_language(lang)
        lines = gp.twin_table(depth=8, activations=("tanh",), inits=("xavier", "large"), field="first").splitlines()
        assert title in lines[0]
        assert lines[1].split()[-3:] == ["Xavier", "N(0,", "1)"]
        assert lines[2].split()[1:] == [gp.fmt(gp.flow("tanh", 8, i).weight_grad_norm[0]) for i in ("xavier", "large")]


def test_init_label_names_the_default_choice():
    actlab.set_language("en")
    assert gp.init_label("default", "relu") == "default (He)"
    assert gp.init_label("default", "tanh") == "default (Xavier)"
    assert gp.init_label("small") == "N(0, 0.01²)"


def test_network_holds_the_weights_and_data_that_flow_measures():
    """The chapter's cell runs its own passes on these arrays: they must be the ones flow() measured."""
    from actlab import ACTIVATIONS

    Ws, bs, X, y = gp.network("tanh", 4)
    f = ACTIVATIONS["tanh"]
    zs, acts = [], [X]
    for W, b in zip(Ws[:-1], bs[:-1]):
        zs.append(acts[-1] @ W + b)
        acts.append(f.fn(zs[-1]))
    delta = 2 * (acts[-1] @ Ws[-1] + bs[-1] - y) / len(y)
    norms = []
    for l in range(4, 0, -1):
        delta = (delta @ Ws[l].T) * f.derivative(zs[l - 1])
        norms.append(np.linalg.norm(acts[l - 1].T @ delta))
    np.testing.assert_allclose(norms[::-1], gp.flow("tanh", 4).weight_grad_norm, rtol=1e-10)
    assert gp.network("tanh", 4, "large")[0][0].std() > 5 * Ws[0].std()


def test_ratio_table_takes_per_layer_norms():
    rows = {line.split()[0]: line.split()[1:] for line in gp.ratio_table({("relu", 3): [8.0, 1.0, 2.0]}).splitlines()}
    assert rows["ReLU"] == ["4"]
