"""actlab.chapters.ch07_sparsity_dying_relu: chapter 7's runs, the thinner network, the figures, the dying-ReLU explorer."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import actlab  # noqa: E402
from actlab.chapters import ch07_sparsity_dying_relu as sp  # noqa: E402
from actlab.network import MLP  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
    actlab.set_language("ko")


# ---- runs ------------------------------------------------------------------------------------------
def test_negative_units_marks_columns_that_are_never_positive():
    z = np.array([[-1.0, 0.0, 2.0], [-3.0, 0.0, -1.0]])
    assert sp.negative_units(z).tolist() == [True, True, False]
    with pytest.raises(ValueError, match="z must have shape"):
        sp.negative_units(np.zeros(3))
    with pytest.raises(TypeError, match="z"):
        sp.negative_units("zeros")


def test_large_learning_rate_kills_half_of_layer_one_for_good_and_leaky_relu_has_no_dead_unit():
    relu = sp.train("relu", lr=2.0)
    assert relu.dead.shape == (sp.EPOCHS + 1, 2)
    assert relu.dead[0, 0] == 0.0
    assert relu.dead[-1, 0] == pytest.approx(33 / 64)
    # a dead unit of the first layer sees the fixed data: it never comes back
    assert np.all(np.diff(relu.dead[:, 0]) >= 0)
    assert relu.units.revived(0) == 0
    # deeper units can come back as the layer before them changes
    assert relu.units.revived(1) > 0
    # for ReLU, "dead" and "z <= 0 for every input" are the same thing
    np.testing.assert_array_equal(relu.dead, relu.negative)

    leaky = sp.train("leaky_relu", lr=2.0)
    assert leaky.dead.max() == 0.0
    assert leaky.negative[-1, 0] > 0.5        # pushed to the negative side all the same...
    assert leaky.units.revived(0) >= 1        # ...but some come back


def _unit_gradient_norms(net):
    """Per unit of hidden layer 1: the norm of its column of dL/dW and its bias gradient on the whole data."""
    net.loss_and_grads(sp.X_MOONS, sp.Y_MOONS)
    layer = net.weight_layers[0]
    return np.sqrt(np.sum(layer.grads["W"] ** 2, axis=0) + layer.grads["b"] ** 2)


def test_dead_units_get_exactly_zero_gradient_and_leaky_negative_units_do_not():
    relu, leaky = sp.train("relu", lr=2.0), sp.train("leaky_relu", lr=2.0)
    dead = relu.units.masks[0][-1]
    assert dead.sum() == 33
    assert np.all(_unit_gradient_norms(relu.net)[dead] == 0.0)
    negative = leaky.units.masks[0][-1]
    # Leaky ReLU does not keep more units on the positive side: it keeps a (smaller) gradient in them
    assert negative.sum() == 38 > dead.sum()
    grads = _unit_gradient_norms(leaky.net)
    assert np.all(grads[negative] > 0.0) and np.median(grads[negative]) < np.median(grads[~negative])


def test_plain_sgd_never_moves_a_dead_unit_and_momentum_does():
    plain = sp.train("relu", lr=2.0)
    assert len(plain.units.moved[0]) == sp.EPOCHS and sum(plain.units.moved[0]) == 0
    assert sum(plain.units.moved[1]) > 0    # deeper layers: units come back as their inputs change
    heavy = sp.train("relu", lr=0.3, momentum=0.9)
    assert sum(heavy.units.moved[0]) > 0 and heavy.units.revived(0) >= 1
    assert sp.train("leaky_relu", lr=2.0).units.revived(0) == 2
    with pytest.raises(ValueError, match="optimizer"):
        sp.train("relu", optimizer="rmsprop")
    with pytest.raises(ValueError, match="momentum"):
        sp.train("relu", optimizer="adam", momentum=0.9)


def test_negative_bias_freezes_relu_at_ln2_while_leaky_relu_learns():
    relu = sp.train("relu", lr=0.5, bias=-2.0)
    assert relu.dead[0, 1] == 1.0 == relu.dead[-1, 1]
    # the output no longer depends on the input, and no constant beats ln 2 on two balanced classes
    out = relu.net.forward(sp.X_MOONS)
    np.testing.assert_array_equal(out, np.broadcast_to(out[0], out.shape))
    assert relu.loss.min() >= np.log(2.0) - 1e-9 and relu.loss.max() < np.log(2.0) + 0.02
    assert relu.history.accuracy[-1] == 0.5
    leaky = sp.train("leaky_relu", lr=0.5, bias=-2.0)
    assert leaky.loss[-1] < 0.6 and leaky.history.accuracy[-1] > 0.7


def test_a_healthy_run_learns_and_its_hidden_layers_are_sparse():
    run = sp.train("relu", lr=0.5)
    assert run.history.accuracy[-1] == 1.0
    zeros = run.recorder.zero_fraction
    assert 0.4 < zeros[0, 0] < 0.6 and 0.4 < zeros[-1, 0] < 0.6
    assert run.dead[-1, 0] == 0.0


def test_runs_are_cached_and_deterministic():
    a = sp.train("relu", lr=0.75, bias=0.25)
    assert sp.train("relu", lr=0.75, bias=0.25) is a
    net = MLP(list(sp.SIZES), "relu", bias=0.25, seed=0)
    history = net.fit(sp.X_MOONS, sp.Y_MOONS, epochs=sp.EPOCHS, lr=0.75, batch_size=sp.BATCH_SIZE, seed=0)
    assert history.loss == a.history.loss


@pytest.mark.parametrize("kwargs, error, name", [
    ({"activation": "relu6x"}, ValueError, "activation"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": "big"}, TypeError, "lr"),
    ({"bias": float("nan")}, ValueError, "bias"),
    ({"epochs": 0}, ValueError, "epochs"),
])
def test_train_rejects_bad_arguments_naming_them(kwargs, error, name):
    with pytest.raises(error, match=name):
        sp.train(**kwargs)


def test_unit_recorder_counts_units_that_come_back():
    rec = sp.UnitRecorder()
    rec.masks = [[np.array([True, True, False]), np.array([True, False, True]), np.array([True, True, True])]]
    rec.moved = [[0, 0]]
    # unit 0 never comes back; unit 1 does (record 2); unit 2 becomes negative and stays
    assert rec.revived(0) == 1
    np.testing.assert_allclose(rec.fraction()[:, 0], [2 / 3, 2 / 3, 1.0])
    with pytest.raises(ValueError, match="layer"):
        rec.revived(-1)


# ---- the thinner network ---------------------------------------------------------------------------
def test_active_units_differ_between_inputs_and_count_patterns():
    net = sp.train("relu", lr=0.5).net
    a, b = sp.active_units(net, sp.X_MOONS[10])[0], sp.active_units(net, sp.X_MOONS[150])[0]
    assert (a.sum(), b.sum(), (a & b).sum()) == (26, 33, 18)
    assert [m.shape for m in sp.active_units(net, sp.X_MOONS[0])] == [(64,), (64,)]


def test_active_units_rejects_more_than_one_input():
    net = sp.train("relu", lr=0.5).net
    with pytest.raises(ValueError, match="x must be one input"):
        sp.active_units(net, sp.X_MOONS[:2])


# ---- figures ---------------------------------------------------------------------------------------
def test_zero_histograms_count_every_input_once_per_layer():
    fig = sp.plot_zero_histograms(sp.train("relu", lr=0.5).net, sp.X_MOONS)
    axes = [ax for ax in fig.axes if ax.patches]
    assert len(axes) == 2
    for ax in axes:
        assert sum(p.get_height() for p in ax.patches) == 200
    assert [ax.get_title() for ax in axes] == ["은닉층 1", "은닉층 2"]


def test_active_units_figure_states_the_counts_in_both_languages():
    net = sp.train("relu", lr=0.5).net
    fig = sp.plot_active_units(net, sp.X_MOONS, sp.Y_MOONS, 10, 150)
    assert [ax.get_title() for ax in fig.axes[1:3]] == ["입력 A: 켜진 유닛 26/64", "입력 B: 켜진 유닛 33/64"]
    actlab.set_language("en")
    fig = sp.plot_active_units(net, sp.X_MOONS, sp.Y_MOONS, 10, 150)
    assert fig.axes[2].get_title() == "input B: 33/64 units on"
    with pytest.raises(ValueError, match="second"):
        sp.plot_active_units(net, sp.X_MOONS, sp.Y_MOONS, 10, 200)


def test_mask_figures_have_one_row_per_mask_and_check_lengths():
    on = np.arange(64) % 3 == 0
    actlab.set_language("en")
    fig = sp.plot_relu_dropout([on, on], [on, ~on, on])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["ReLU, pass 1", "ReLU, pass 2", "dropout, draw 1", "dropout, draw 2", "dropout, draw 3"]
    with pytest.raises(ValueError, match="same length"):
        sp.plot_masks({"a": on, "b": on[:10]})
    with pytest.raises(ValueError, match="masks"):
        sp.plot_masks({})
    with pytest.raises(ValueError, match="relu_masks"):
        sp.plot_relu_dropout([], [on])


def test_plot_runs_draws_each_layer_of_each_run():
    fig = sp.plot_runs({"ReLU": sp.train("relu", lr=2.0), "Leaky ReLU": sp.train("leaky_relu", lr=2.0)})
    left, right = fig.axes
    assert len(left.lines) == 4 and len(right.lines) == 2
    np.testing.assert_allclose(left.lines[0].get_ydata(), sp.train("relu", lr=2.0).dead[:, 0])
    with pytest.raises(ValueError, match="runs"):
        sp.plot_runs({"x": 1})


# ---- explorer and twin -----------------------------------------------------------------------------
def test_explorer_retrains_for_new_values_and_checks_its_ranges():
    actlab.set_language("en")
    ex = sp.dying_explorer()
    assert ex.values == {"lr": 0.5, "bias": 0.0}
    ex.set(lr=2.0, bias=0.0)
    ax = ex.figure.axes[0]
    assert ax.get_title().startswith("learning rate = 2, initial bias = 0")
    assert "end: dead 0.52, 0.67" in ax.get_title()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), sp.train("relu", lr=2.0).dead[:, 0])
    with pytest.raises(ValueError, match="bias"):
        ex.set(bias=-5.0)
    with pytest.raises(ValueError, match="lr"):
        ex.set(lr=0.0)


def test_twin_shows_every_setting_with_one_legend():
    fig = sp.dying_twin((0.5, 2.0), (0.0, -2.0))
    main = fig.axes[:4]
    titles = [ax.get_title().splitlines()[0] for ax in main]
    assert titles == ["학습률 = 0.5, 초기 편향 = 0", "학습률 = 0.5, 초기 편향 = \u22122",
                      "학습률 = 2, 초기 편향 = 0", "학습률 = 2, 초기 편향 = \u22122"]
    assert [ax.get_legend() is not None for ax in main] == [True, False, False, False]
    with pytest.raises(ValueError, match="lrs"):
        sp.dying_twin((0.0,), (0.0,))
    with pytest.raises(ValueError, match="bias"):
        sp.dying_twin((0.5,), (-4.0,))   # outside the explorer's slider
