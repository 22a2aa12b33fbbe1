"""actlab.chapters.ch08_maxout: chapter 8's Maxout unit, tangent fits of x², bounds, training and figures."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import actlab  # noqa: E402
from actlab import leaky_relu, maxout_grad, relu  # noqa: E402
from actlab.chapters import ch08_maxout as mp  # noqa: E402
from actlab.tables import display_width  # noqa: E402
from actlab.datasets import two_moons  # noqa: E402
from actlab.layers import Dense  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
    actlab.set_language("ko")


def kink_grid(ks, low=-1.0, high=1.0):
    """A grid of [low, high] that contains every kink of square_tangents(k) for k in ks."""
    steps = int(np.lcm.reduce(list(ks))) * 2
    return np.linspace(low, high, steps + 1)


# ---- one unit ----------------------------------------------------------------------------------
def test_unit_is_the_maximum_of_its_pieces_and_winners_the_argmax():
    w, b = np.array([-1.0, 0.25, 1.5]), np.array([-0.4, 0.1, -0.6])
    x = np.linspace(-2, 2, 41)
    z = mp.pieces(x, w, b)
    assert z.shape == (41, 3)
    np.testing.assert_array_equal(z, np.stack([wj * x + bj for wj, bj in zip(w, b)], axis=1))
    np.testing.assert_array_equal(mp.unit(x, w, b), z.max(axis=1))
    np.testing.assert_array_equal(mp.winners(x, w, b), z.argmax(axis=1))
    assert mp.winners([-1.5, 0.0, 1.5], w, b).tolist() == [0, 1, 2]
    assert mp.unit(np.zeros((2, 3)), w, b).shape == (2, 3)   # any input shape


def test_relu_leaky_relu_and_abs_are_two_piece_units():
    x = np.linspace(-3, 3, 601)
    np.testing.assert_allclose(mp.unit(x, [1.0, 0.0], [0.0, 0.0]), relu(x), rtol=0, atol=1e-12)
    np.testing.assert_allclose(mp.unit(x, [1.0, -1.0], [0.0, 0.0]), np.abs(x), rtol=0, atol=1e-12)
    for alpha in (0.0, 0.01, 0.1, 0.5, 1.0):
        np.testing.assert_allclose(mp.unit(x, [1.0, alpha], [0.0, 0.0]), leaky_relu(x, alpha=alpha),
                                   rtol=0, atol=1e-12)
    # above 1 the slope alpha wins on the positive side: not Leaky ReLU any more
    assert not np.allclose(mp.unit(x, [1.0, 2.0], [0.0, 0.0]), leaky_relu(x, alpha=2.0))


def test_ties_go_to_the_lowest_index():
    assert mp.winners(0.0, [1.0, 0.0], [0.0, 0.0]) == 0
    assert mp.winners(0.0, [0.0, 1.0], [0.0, 0.0]) == 0
    assert mp.winners(0.0, [0.0, 0.0, 0.0], [0.0, 1.0, 1.0]) == 1


def test_as_layer_computes_the_unit_and_routes_the_gradient_to_the_winner():
    w, b = mp.square_tangents(3)
    layer = mp.as_layer(w, b)
    x = np.array([[-0.9], [0.1], [0.5]])
    np.testing.assert_array_equal(layer.forward(x)[:, 0], mp.unit(x[:, 0], w, b))
    grad_x = layer.backward(np.array([[1.0], [2.0], [3.0]]))
    np.testing.assert_array_equal(layer.delta, np.diag([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(layer.grads["W"], [[-0.9, 0.2, 1.5]])
    np.testing.assert_array_equal(layer.grads["b"], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(grad_x[:, 0], np.array([1.0, 2.0, 3.0]) * w[[0, 1, 2]])
    np.testing.assert_array_equal(layer.delta, maxout_grad(layer.z, 3, [[1.0], [2.0], [3.0]]))
    w2, b2 = mp.unit_of(layer)
    np.testing.assert_array_equal(w2, w)
    np.testing.assert_array_equal(b2, b)


def test_the_order_of_the_pieces_decides_the_derivative_at_a_tie():
    for slopes, expected in (([1.0, 0.0], 1.0), ([0.0, 1.0], 0.0)):
        layer = mp.as_layer(slopes, [0.0, 0.0])
        layer.forward(np.array([[0.0]]))
        assert layer.backward(np.array([[1.0]])).item() == expected


def test_bad_units_name_the_argument():
    with pytest.raises(ValueError, match="b must have the shape of w"):
        mp.unit([0.0], [1.0, 0.0], [0.0])
    with pytest.raises(ValueError, match="w must be a non-empty 1-D"):
        mp.pieces([0.0], [[1.0, 0.0]], [[0.0, 0.0]])
    with pytest.raises(TypeError, match="x must"):
        mp.unit("x", [1.0], [0.0])
    with pytest.raises(ValueError, match="layer must be a Maxout layer"):
        mp.unit_of(Dense(1, 1, "relu"))
    with pytest.raises(TypeError, match="target must be a callable"):
        mp.max_error([1.0], [0.0], 3.0, [0.0])


# ---- tangent fits of x² ------------------------------------------------------------------------
def test_tangent_points_are_the_midpoints_scaled_by_the_spread():
    np.testing.assert_allclose(mp.tangent_points(4), [-0.75, -0.25, 0.25, 0.75])
    np.testing.assert_allclose(mp.tangent_points(4, spread=2.0), [-1.5, -0.5, 0.5, 1.5])
    np.testing.assert_allclose(mp.tangent_points(2, low=0.0, high=4.0), [1.0, 3.0])
    assert mp.tangent_points(1).tolist() == [0.0]


@pytest.mark.parametrize("k", [1, 2, 5, 8])
def test_square_tangents_touch_the_parabola_and_stay_below_it(k):
    w, b = mp.square_tangents(k)
    t = mp.tangent_points(k)
    np.testing.assert_allclose(w * t + b, t**2, atol=1e-15)     # they touch at t
    np.testing.assert_allclose(w, 2 * t)                        # with the parabola's slope
    x = np.linspace(-3, 3, 2001)
    assert np.all(mp.pieces(x, w, b) <= x[:, None] ** 2 + 1e-15)


@pytest.mark.parametrize("k", range(1, 13))
def test_max_error_of_the_tangents_is_h_squared_over_four(k):
    w, b = mp.square_tangents(k)
    err = mp.max_error(w, b, np.square, kink_grid(range(1, 13)))
    assert abs(err - 1.0 / k**2) < 1e-12
    assert abs(mp.tangent_error_bound(k) - 1.0 / k**2) < 1e-15
    assert abs(mp.square_tangent_error(mp.tangent_points(k)) - 1.0 / k**2) < 1e-15
    # on another interval: h = (high - low)/k
    assert mp.tangent_error_bound(k, 0.0, 3.0) == pytest.approx((3.0 / k) ** 2 / 4)


def test_the_error_shrinks_fourfold_when_k_doubles():
    errs = [mp.max_error(*mp.square_tangents(k), np.square, kink_grid([2, 4, 8, 16])) for k in (2, 4, 8, 16)]
    np.testing.assert_allclose(np.array(errs[:-1]) / np.array(errs[1:]), 4.0, rtol=1e-9)


@given(points=st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=6))
def test_square_tangent_error_is_the_largest_gap_on_a_fine_grid(points):
    w, b = mp.tangents(points, np.square, lambda t: 2 * t)
    x = np.linspace(-1, 1, 4001)
    exact = mp.square_tangent_error(points)
    measured = mp.max_error(w, b, np.square, x)
    assert measured <= exact + 1e-12
    assert measured >= exact - 2e-3   # the grid step is 5e-4: the true maximum lies within it


def test_the_midpoints_beat_other_spreads():
    for k in (2, 3, 4, 8):
        best = mp.square_tangent_error(mp.tangent_points(k))
        for s in (0.5, 0.8, 0.95, 1.05, 1.2, 1.5):
            assert mp.square_tangent_error(mp.tangent_points(k, s)) > best


def test_bad_tangent_arguments_name_themselves():
    with pytest.raises(ValueError, match="k must be at least 1"):
        mp.tangent_points(0)
    with pytest.raises(TypeError, match="k must be an integer"):
        mp.square_tangents(2.5)
    with pytest.raises(ValueError, match="spread must be positive"):
        mp.tangent_points(3, spread=0.0)
    with pytest.raises(ValueError, match="low must be below high"):
        mp.tangent_error_bound(3, 1.0, -1.0)
    with pytest.raises(ValueError, match="points must be a non-empty"):
        mp.tangents([], np.square, np.square)
    with pytest.raises(TypeError, match="f and df must be callables"):
        mp.tangents([0.0], np.square, 2.0)


# ---- convexity -----------------------------------------------------------------------------------
def test_lower_bound_for_non_convex_functions():
    assert mp.convex_fit_lower_bound(lambda t: -t**2, -1, 1) == 0.5
    assert mp.convex_fit_lower_bound(np.sin, 0, np.pi) == pytest.approx(0.5)
    # measured on the interval it is given: on [-pi, pi] the worst triple is -pi/3, pi/3, pi
    assert mp.convex_fit_lower_bound(np.sin, -np.pi, np.pi) == pytest.approx(3 * np.sqrt(3) / 8, abs=1e-12)
    assert mp.convex_fit_lower_bound(np.square, -1, 1) == 0.0            # convex: no obstruction
    assert mp.convex_fit_lower_bound(np.abs, -2, 1) == 0.0
    with pytest.raises(ValueError, match="low must be below high"):
        mp.convex_fit_lower_bound(np.sin, 1.0, 0.0)
    with pytest.raises(TypeError, match="f must be a callable"):
        mp.convex_fit_lower_bound("sin", 0.0, 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_no_maxout_unit_beats_the_lower_bound(seed):
    rng = np.random.default_rng(seed)
    x3 = np.array([-1.0, 0.0, 1.0])
    for _ in range(200):
        k = int(rng.integers(1, 9))
        w, b = rng.normal(size=k), rng.normal(size=k) - 0.5
        assert mp.max_error(w, b, lambda t: -t**2, x3) >= 0.5 - 1e-12
    # and the constant -0.5 reaches it
    assert mp.max_error([0.0], [-0.5], lambda t: -t**2, np.linspace(-1, 1, 201)) == 0.5


@pytest.mark.parametrize("seed", range(3))
def test_a_random_unit_passes_the_midpoint_test(seed):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=6), rng.normal(size=6)
    p, q = rng.normal(size=1000) * 3, rng.normal(size=1000) * 3
    gap = (mp.unit(p, w, b) + mp.unit(q, w, b)) / 2 - mp.unit((p + q) / 2, w, b)
    assert gap.min() >= -1e-12


# ---- training ------------------------------------------------------------------------------------
def test_training_one_unit_on_x_squared_leaves_pieces_unused():
    xt = np.linspace(-1, 1, 201)
    w, b, history = mp.fit_unit(xt, xt**2, k=8, seed=0, epochs=300, lr=0.05)
    assert w.shape == b.shape == (8,)
    assert history.loss[-1] < history.loss[0]
    used = np.unique(mp.winners(xt, w, b))
    assert 1 <= used.size < 8
    # the unused pieces get exactly no gradient
    layer = mp.as_layer(w, b)
    layer.forward(xt[:, None])
    layer.backward(layer.a - xt[:, None] ** 2)
    zero = np.flatnonzero(layer.grads["W"][0] == 0)
    assert set(zero) == set(range(8)) - set(used.tolist())
    # and the hand-set tangents are far better
    assert mp.max_error(w, b, np.square, xt) > 2 * mp.tangent_error_bound(8)


def test_fit_unit_is_deterministic_and_checks_its_data():
    xt = np.linspace(-1, 1, 51)
    a = mp.fit_unit(xt, -xt**2, k=4, seed=3, epochs=20)
    b = mp.fit_unit(xt, -xt**2, k=4, seed=3, epochs=20)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[2].loss == b[2].loss
    with pytest.raises(ValueError, match="y must have one value per x"):
        mp.fit_unit(xt, xt[:-1], k=2)
    with pytest.raises(ValueError, match="k must be at least 1"):
        mp.fit_unit(xt, xt, k=0)


SPECS = {
    "Maxout (k = 2) 2-4-4-2": dict(sizes=[2, 4, 4, 2], activation="maxout", maxout_k=2),
    "ReLU 2-4-4-2": dict(sizes=[2, 4, 4, 2], activation="relu"),
    "ReLU 2-6-6-2": dict(sizes=[2, 6, 6, 2], activation="relu"),
}


def _train(X, y, specs, epochs):
    """The chapter's training loop (its cell): one MLP per spec, Adam, mini-batches of 32, seed 0."""
    from actlab.network import MLP

    results = {}
    for label, kwargs in specs.items():
        net = MLP(seed=0, **kwargs)
        results[label] = (net, net.fit(X, y, epochs=epochs, lr=0.01, optimizer="adam", batch_size=32, seed=0))
    return results


def test_the_chapters_networks_count_parameters_and_learn():
    X, y = two_moons(100, noise=0.2, seed=0)
    results = _train(X, y, SPECS, epochs=15)
    assert [net.n_params for net, _ in results.values()] == [74, 42, 74]
    for net, history in results.values():
        assert len(history.loss) == 15 and history.accuracy[-1] > 0.7
    again = _train(X, y, {"m": SPECS["Maxout (k = 2) 2-4-4-2"]}, epochs=15)
    assert again["m"][1].loss == results["Maxout (k = 2) 2-4-4-2"][1].loss


def test_network_table_in_both_languages():
    X, y = two_moons(60, noise=0.2, seed=1)
    results = _train(X, y, SPECS, epochs=3)
    for lang, head in (("ko", "파라미터"), ("en", "parameters")):
        actlab.set_language(lang)
        lines = mp.network_table(results).splitlines()
        assert head in lines[0] and len(lines) == 4
        for line, (label, (net, hist)) in zip(lines[1:], results.items()):
            assert line.startswith(label)
            n, loss, acc = line[len(label):].split()
            assert (int(n), loss, acc) == (net.n_params, f"{hist.loss[-1]:.4f}", f"{hist.accuracy[-1]:.3f}")
        # right-aligned columns end in the same place (Hangul counts two columns)
        ends = {display_width(line) for line in lines}
        assert len(ends) == 1
    with pytest.raises(ValueError, match="results must not be empty"):
        mp.network_table({})


# ---- figures -------------------------------------------------------------------------------------
def test_plot_unit_draws_thin_pieces_a_thick_maximum_and_the_target():
    w, b = mp.square_tangents(4)
    fig = mp.plot_unit(w, b, target=np.square)
    ax = fig.axes[0]
    widths = [line.get_linewidth() for line in ax.lines]
    assert len(ax.lines) == 4 + 1 + 1
    assert max(widths[:4]) < widths[4]                      # pieces thinner than the maximum
    x, h = ax.lines[4].get_data()
    np.testing.assert_allclose(h, mp.unit(x, w, b))
    assert ax.lines[5].get_linestyle() == "--"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["조각", "맥스아웃 (최댓값)", "목표 함수"]
    actlab.set_language("en")
    fig = mp.plot_unit(w, b)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["piece", "Maxout (maximum)"]
    with pytest.raises(TypeError, match="target must be a callable"):
        mp.plot_unit(w, b, target=[1, 2])


def test_plot_units_one_panel_per_unit_with_its_own_grid():
    units = [mp.square_tangents(2), (np.array([0.0]), np.array([-0.5])), mp.square_tangents(3)]
    fig = mp.plot_units(units, xs=[None, None, np.linspace(-3, 3, 11)], titles=["a", "b", "c"],
                        targets=[np.square, None, np.sin])
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]
    assert axes[2].lines[-1].get_xdata()[0] == -3.0
    assert axes[0].get_legend() is not None and axes[1].get_legend() is None
    with pytest.raises(ValueError, match="not both"):
        mp.plot_units(units, np.linspace(-1, 1, 5), xs=[None] * 3)
    with pytest.raises(ValueError, match="one entry per unit"):
        mp.plot_units(units, titles=["a"])
    with pytest.raises(ValueError, match="units must hold"):
        mp.plot_units([])


def test_plot_error_vs_k_shows_the_points_on_the_bound():
    ks = [2, 3, 4]
    errs = [mp.tangent_error_bound(k) for k in ks]
    fig = mp.plot_error_vs_k(ks, errs)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[1].get_ydata(), errs)
    with pytest.raises(ValueError, match="errors must have one value per k"):
        mp.plot_error_vs_k(ks, errs[:2])


def test_plot_boundaries_titles_carry_parameters_and_accuracy():
    X, y = two_moons(60, noise=0.2, seed=1)
    results = _train(X, y, SPECS, epochs=2)
    actlab.set_language("en")
    fig = mp.plot_boundaries(results, X, y, resolution=11)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("Maxout (k = 2) 2-4-4-2\n74 parameters, accuracy ")
    assert "42 parameters" in titles[1]


def test_explorer_redraws_and_the_twin_shows_every_setting():
    ex = mp.tangent_explorer()
    assert ex.values == {"k": 3, "spread": 1.0}
    ex.set(k=5, spread=1.0)
    ax = ex.figure.axes[0]
    assert ax.get_title() == "k = 5, s = 1: 최대 오차 0.0400"
    assert len(ax.lines) == 5 + 1 + 1
    ex.set(k=2, spread=0.5)
    assert ex.figure.axes[0].get_title().endswith("0.5625")
    with pytest.raises(ValueError, match="k must be in"):
        ex.set(k=9)
    with pytest.raises(ValueError, match="spread must be in"):
        ex.set(spread=2.0)

    actlab.set_language("en")
    fig = mp.tangent_twin((2, 8), (0.5, 1.0, 1.5))
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 6
    assert titles[1] == "k = 2, s = 1: max error 0.2500"
    assert titles[4] == "k = 8, s = 1: max error 0.0156"
    with pytest.raises(ValueError, match="k must be in"):
        mp.tangent_twin((2, 12))


def test_trained_and_tangent_units_side_by_side_in_both_languages():
    w, b = np.array([1.0, -1.0, 0.0]), np.array([-0.5, -0.5, 0.0])
    fig = mp.plot_trained_vs_tangents(w, b)
    assert [ax.get_title() for ax in fig.axes] == ["x², k = 3: 학습한 유닛", "x², k = 3: 접선 유닛"]
    x, h = fig.axes[1].lines[3].get_data()           # 3 pieces, then the maximum
    np.testing.assert_allclose(h, mp.unit(x, *mp.square_tangents(3)))
    actlab.set_language("en")
    fig = mp.plot_trained_vs_tangents(w, b)
    assert [ax.get_title() for ax in fig.axes] == ["x², k = 3: trained unit", "x², k = 3: tangent unit"]
