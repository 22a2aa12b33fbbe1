"""actlab.chapters.ch02_nonlinearity: chapter 2's XOR experiments (training only; figures are checked by the notebook tests)."""
import numpy as np
import pytest

from actlab.linear import best_linear_classifier
from actlab.chapters.ch02_nonlinearity import XOR_X, XOR_Y, accuracy, train_xor


def test_the_data_is_xor():
    assert np.array_equal(XOR_Y, (XOR_X[:, 0] != XOR_X[:, 1]).astype(int))


def test_a_nonlinear_hidden_layer_solves_xor():
    net, history = train_xor(hidden=4, activation="tanh", seed=0)
    assert accuracy(net) == 1.0 == history.accuracy[-1]
    assert history.loss[-1] < 0.05 < history.loss[0]
    proba = net.predict_proba(XOR_X)[:, 1]
    assert np.all((proba > 0.5) == (XOR_Y == 1))


@pytest.mark.parametrize("hidden", [1, 2, 8])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identity_activation_never_beats_the_best_line(hidden, seed):
    net, _ = train_xor(hidden=hidden, activation="identity", seed=seed)
    assert accuracy(net) <= best_linear_classifier(XOR_X, XOR_Y)[0] == 0.75


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_one_hidden_unit_is_not_enough(activation):
    # one unit: the output is a monotone function of a single projection w·x, like a line
    for seed in range(3):
        net, _ = train_xor(hidden=1, activation=activation, seed=seed)
        assert accuracy(net) <= 0.75


def test_training_is_deterministic_for_a_seed():
    a, ha = train_xor(hidden=3, activation="relu", seed=5)
    b, hb = train_xor(hidden=3, activation="relu", seed=5)
    assert ha.loss == hb.loss
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="activation must be one of"):
        train_xor(hidden=2, activation="swishy")
    with pytest.raises(ValueError, match="hidden"):
        train_xor(hidden=0)


def test_accuracy_table_lists_every_network_in_both_languages():
    import actlab
    from actlab.chapters.ch02_nonlinearity import accuracy_table, train_grid

    results = train_grid(hidden_sizes=(1, 4), activations=("identity", "tanh"))
    assert set(results) == {("identity", 1), ("identity", 4), ("tanh", 1), ("tanh", 4)}
    try:
        # rows are named as the language writes the function (the registry's name_ko / name_en)
        for lang, word, identity in (("ko", "은닉 유닛", "항등 함수"), ("en", "hidden units", "Identity")):
            actlab.set_language(lang)
            lines = accuracy_table(results).splitlines()
            assert word in lines[0] and lines[0].split()[-2:] == ["1", "4"]
            rows = {" ".join(line.split()[:-2]): [float(v) for v in line.split()[-2:]] for line in lines[1:]}
            assert set(rows) == {identity, "tanh" if lang == "ko" else "Tanh"}
            assert rows[identity][1] <= 0.75
            tanh_row = rows["tanh" if lang == "ko" else "Tanh"]
            assert tanh_row == [results[("tanh", 1)][1], results[("tanh", 4)][1]]
    finally:
        actlab.set_language("ko")


def test_explorer_retrains_and_its_twin_shows_every_network():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from actlab.chapters.ch02_nonlinearity import train_grid, xor_explorer, xor_twin

    import actlab
    from actlab import ACTIVATIONS

    actlab.set_language("ko")
    ex = xor_explorer()
    assert ex.values == {"hidden": 2, "activation": "tanh"}
    ex.set(hidden=1, activation="identity")
    assert ex.figure.axes[0].get_title().startswith("항등 함수, 은닉 유닛 1개")
    with pytest.raises(ValueError):
        ex.set(hidden=9)
    results = train_grid(hidden_sizes=(1, 2), activations=("identity", "relu"))
    fig = xor_twin(results)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 4
    for (act, hidden), (_, acc) in results.items():
        assert any(t.startswith(f"{ACTIVATIONS[act].name_ko}, 은닉 유닛 {hidden}개") and f"{acc:.2f}" in t
                   for t in titles)
    plt.close("all")


@pytest.mark.parametrize("activation", ["silu", "gelu"])
def test_one_non_monotone_hidden_unit_solves_xor(activation):
    # the chapter's claim: the monotone argument fails for SiLU and GELU, and training finds such a unit
    net, _ = train_xor(hidden=1, activation=activation, seed=0)
    assert accuracy(net) == 1.0
    unit = net.weight_layers[0]
    z = (XOR_X @ unit.params["W"] + unit.params["b"])[:, 0]
    # class 1 is not a half-line of z: a class-0 value lies between the two class-1 values
    ones, zeros = np.sort(z[XOR_Y == 1]), z[XOR_Y == 0]
    assert np.any((zeros > ones[0]) & (zeros < ones[1]))


def test_single_unit_and_fit_figures_label_in_the_active_language():
    import actlab
    from actlab.chapters.ch02_nonlinearity import plot_fits, plot_single_units

    nets = {a: train_xor(hidden=1, activation=a, seed=0)[0] for a in ("relu", "silu")}
    try:
        for lang, word in (("ko", "클래스"), ("en", "class")):
            actlab.set_language(lang)
            fig = plot_single_units(nets)
            assert len(fig.axes) == 2
            assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [f"{word} 0", f"{word} 1"]
            x = np.linspace(-1, 1, 5)
            fig = plot_fits(x, x**2, {2: x, 8: x**2})
            assert len(fig.axes[0].get_lines()) == 3
    finally:
        actlab.set_language("ko")
