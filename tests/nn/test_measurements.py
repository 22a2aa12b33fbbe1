"""datasets, sparsity and gradflow: the measurement helpers of chapters 7 and 9."""
import numpy as np
import pytest

from actlab import datasets
from actlab.gradcheck import numerical_gradient, relative_error
from actlab.gradflow import (activation_statistics, chain_gradients, derivative_bound, gradient_flow,
                             max_derivative)
from actlab.network import MLP
from actlab.sparsity import (dead_fraction, dead_units, dropout, dropout_mask, layer_dead_fractions,
                             layer_zero_fractions, mask_agreement, zero_fraction)


@pytest.mark.parametrize("name, kwargs, classes", [
    ("two_moons", {"n": 101}, 2), ("circles", {"n": 80}, 2), ("spirals", {"n": 100, "classes": 4}, 4),
])
def test_classification_datasets(name, kwargs, classes):
    make = datasets.DATASETS[name]
    X, y = make(**kwargs, seed=5)
    assert X.shape == (kwargs["n"], 2) and X.dtype == np.float64 and y.shape == (kwargs["n"],)
    assert sorted(set(y.tolist())) == list(range(classes))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    X2, y2 = make(**kwargs, seed=5)
    X3, _ = make(**kwargs, seed=6)
    assert np.array_equal(X, X2) and np.array_equal(y, y2) and not np.array_equal(X, X3)


def test_xor_and_regression():
    X, y = datasets.xor()
    assert (X.sum(axis=1) == 1).astype(int).tolist() == y.tolist()
    x, t = datasets.regression_1d(21)
    assert x.shape == t.shape == (21, 1) and x.min() == -1 and x.max() == 1
    assert np.allclose(t, x ** 2)
    _, noisy = datasets.regression_1d(21, noise=0.1, seed=1)
    assert 0 < np.abs(noisy - x ** 2).max() < 0.5
    circle_X, circle_y = datasets.circles(200, noise=0.0, factor=0.3)
    radius = np.linalg.norm(circle_X, axis=1)
    assert np.allclose(radius[circle_y == 0], 1.0) and np.allclose(radius[circle_y == 1], 0.3)


def test_zero_fraction_and_dead_units():
    a = np.array([[0.0, 2.0, 0.0, 1.0],
                  [0.0, 0.0, 0.0, 3.0],
                  [0.0, 1.0, 0.0, 0.0]])
    assert zero_fraction(a) == pytest.approx(8 / 12)
    assert zero_fraction(a, axis=1).tolist() == pytest.approx([0.5, 0.75, 0.75])
    assert zero_fraction(a, axis=0).tolist() == pytest.approx([1.0, 1 / 3, 1.0, 1 / 3])
    assert dead_units(a).tolist() == [True, False, True, False]
    assert dead_fraction(a) == 0.5
    assert dead_fraction(np.maximum(np.array([[-1.0, 0.0], [-2.0, 0.0]]), 0)) == 1.0  # z = 0 counts as zero


def test_layer_fractions_agree_with_a_relu_network_by_hand():
    X, _ = datasets.two_moons(100, seed=0)
    net = MLP([2, 16, 16, 2], "relu", bias=-0.5, seed=0)
    z1 = X @ net.layers[0].params["W"] + net.layers[0].params["b"]
    zeros = layer_zero_fractions(net, X)
    assert zeros.shape == (3,) and zeros[0] == pytest.approx(np.mean(z1 <= 0))
    dead = layer_dead_fractions(net, X)
    assert dead[0] == pytest.approx(np.mean(np.all(z1 <= 0, axis=0)))
    assert dead[-1] == 0.0


def test_dropout_masks_are_seeded_random_and_relu_masks_are_not():
    mask = dropout_mask((200, 300), rate=0.3, seed=1)
    assert mask.dtype == bool and mask.mean() == pytest.approx(0.7, abs=0.01)
    assert np.array_equal(mask, dropout_mask((200, 300), rate=0.3, seed=1))
    rng = np.random.default_rng(2)
    first, second = dropout_mask((50, 40), 0.5, rng), dropout_mask((50, 40), 0.5, rng)
    assert 0.4 < mask_agreement(first, second) < 0.6  # a new mask for every mini-batch
    a = np.abs(np.random.default_rng(3).normal(size=(1000, 50))) + 0.1
    out, keep = dropout(a, 0.25, seed=4)
    assert np.array_equal(out[~keep], np.zeros((~keep).sum()))
    assert out.mean() == pytest.approx(a.mean(), rel=0.02)  # inverted dropout keeps the expectation
    z = np.random.default_rng(5).normal(size=(8, 20))
    assert mask_agreement(z > 0, z > 0) == 1.0  # ReLU's mask is a function of the input


def test_sigmoid_gradients_vanish_with_depth():
    ratios = {d: gradient_flow(d, 32, "sigmoid", seed=0).ratio() for d in (5, 10, 20)}
    assert ratios[5] > ratios[10] > ratios[20]
    assert ratios[20] < 1e-9
    flow = gradient_flow(20, 32, "sigmoid", seed=0)
    assert flow.weight_grad_norm.shape == flow.delta_norm.shape == (20,)
    assert flow.layers.tolist() == list(range(1, 21)) and flow.init == "xavier_normal"
    # the backpropagated signal shrinks at every layer on its way to the input
    assert np.all(np.diff(flow.delta_norm) > 0)


def test_relu_with_he_keeps_gradients_and_large_init_explodes():
    healthy = gradient_flow(20, 64, "relu", seed=0)
    assert healthy.init == "he_normal" and 0.05 < healthy.ratio() < 20
    exploding = gradient_flow(20, 64, "relu", init="normal", init_params={"std": 0.5}, seed=0)
    assert exploding.weight_grad_norm.min() > 1e6 * healthy.weight_grad_norm.max()
    assert exploding.a_std[-1] > 1e6 * exploding.a_std[0]


def test_batch_norm_rescues_sigmoid_depth():
    plain = gradient_flow(20, 32, "sigmoid", seed=0)
    normed = gradient_flow(20, 32, "sigmoid", batch_norm=True, seed=0)
    assert normed.ratio() > 1e3 * plain.ratio()


def test_derivative_bounds():
    assert max_derivative("sigmoid") == pytest.approx(0.25, abs=1e-12)
    assert max_derivative("tanh") == pytest.approx(1.0, abs=1e-12)
    assert max_derivative("relu") == 1.0
    assert np.allclose(derivative_bound("sigmoid", [0, 5, 10, 20]), 0.25 ** np.array([0, 5, 10, 20]))


def test_chain_gradients_match_finite_differences_and_the_network():
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(3, 3)) for _ in range(4)]
    bs = [rng.normal(size=3) for _ in range(4)]
    x = rng.normal(size=(5, 3))
    g_out = rng.normal(size=(5, 3))
    chain = chain_gradients(x, Ws, bs, "sigmoid", grad_output=g_out)
    for l in range(4):
        numeric = numerical_gradient(lambda: float(np.sum(g_out * chain_gradients(x, Ws, bs, grad_output=g_out).a[-1])),
                                     Ws[l])
        assert relative_error(chain.grad_W[l], numeric) < 1e-7
    # scalar chain: the product formula and the 0.25^L bound
    w = np.array([1.0, -0.5, 2.0, 0.8, 1.0])
    scalar = chain_gradients(0.3, w)
    sig = lambda v: 1 / (1 + np.exp(-v))
    a = [0.3]
    for wl in w:
        a.append(sig(wl * a[-1]))
    d = [ai * (1 - ai) for ai in a[1:]]
    expected_first = a[0] * np.prod(d) * np.prod(w[1:])
    assert scalar.grad_W[0][0, 0] == pytest.approx(expected_first, rel=1e-12)
    assert abs(expected_first) <= abs(a[0]) * 0.25 ** 5 * np.prod(np.abs(w[1:]))
    assert scalar.grad_norms.shape == (5,)


def test_chain_gradients_agree_with_exercise_ex07_reference():
    ex07 = pytest.importorskip("actlab.exercises.ex07")
    rng = np.random.default_rng(1)
    x, Ws, bs = ex07.random_chain(rng, 6, 4)
    g = rng.normal(size=4)
    ours = chain_gradients(x[None, :], [W.T for W in Ws], list(bs), grad_output=g[None, :]).grad_norms
    assert np.allclose(ours, ex07.reference_gradient_norms(x, Ws, bs, g), rtol=1e-10)


def test_activation_statistics_shapes():
    stats = activation_statistics(7, 16, "relu", seed=0)
    assert set(stats) == {"z_mean", "z_std", "a_mean", "a_std", "zero_fraction"}
    assert all(v.shape == (7,) for v in stats.values())
    assert np.all((stats["zero_fraction"] > 0.2) & (stats["zero_fraction"] < 0.8))
