"""Finite-difference checks of every layer type, every loss and whole networks."""
import numpy as np
import pytest

from actlab.datasets import regression_1d, spirals, two_moons
from actlab.gradcheck import check_layer, check_loss, check_network, numerical_gradient, relative_error
from actlab.layers import BatchNorm, Dense, Maxout
from actlab.network import MLP

TOL = 1e-6


def inputs(rows=7, cols=3, seed=0):
    # values well away from the kinks of relu & co. at this scale (|z| of order 1, eps 1e-6)
    return np.random.default_rng(seed).normal(size=(rows, cols))


@pytest.mark.parametrize("activation, params", [
    ("identity", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", {"alpha": 0.1}),
    ("elu", {"alpha": 0.7}), ("selu", None), ("gelu", None), ("gelu", {"approximate": "tanh"}),
    ("swish", {"beta": 1.5}), ("softplus", None), ("mish", None), ("softsign", None),
])
def test_dense_layer(activation, params):
    layer = Dense(3, 4, activation, activation_params=params, bias=0.1, rng=1)
    errors = check_layer(layer, inputs())
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < TOL, errors


def test_prelu_learns_one_slope_per_unit():
    layer = Dense(3, 4, "prelu", activation_params={"alpha": 0.1}, bias=-0.2, rng=1)
    assert layer.params["alpha"].tolist() == [0.1] * 4
    errors = check_layer(layer, inputs())
    assert set(errors) == {"x", "W", "b", "alpha"}
    assert max(errors.values()) < TOL, errors
    X, y = spirals(30, classes=3, seed=0)
    assert max(check_network(MLP([2, 5, 3], "prelu", seed=0), X, y).values()) < TOL


def test_dense_with_batch_norm():
    errors = check_layer(Dense(3, 4, "tanh", batch_norm=True, rng=2), inputs(seed=3))
    assert set(errors) == {"x", "W", "bn.gamma", "bn.beta"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("k", [1, 2, 4])
def test_maxout_layer(k):
    errors = check_layer(Maxout(3, 5, k, rng=4), inputs(seed=5))
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_layer(training):
    bn = BatchNorm(4)
    rng = np.random.default_rng(6)
    bn.params["gamma"][:] = rng.uniform(0.5, 2.0, size=4)
    bn.params["beta"][:] = rng.normal(size=4)
    bn.running_mean[:] = rng.normal(size=4)
    bn.running_var[:] = rng.uniform(0.5, 2.0, size=4)
    x = 2.0 * rng.normal(size=(8, 4)) + 1.0
    errors = check_layer(bn, x, training=training)
    assert max(errors.values()) < TOL, errors
    assert not bn.frozen  # check_layer restores the flag


@pytest.mark.parametrize("loss, output, target", [
    ("mse", np.random.default_rng(0).normal(size=(5, 2)), np.random.default_rng(1).normal(size=(5, 2))),
    ("softmax_cross_entropy", np.random.default_rng(2).normal(size=(6, 3)), np.array([0, 2, 1, 1, 0, 2])),
    ("softmax_cross_entropy", np.random.default_rng(3).normal(size=(4, 3)),
     np.random.default_rng(4).dirichlet(np.ones(3), size=4)),
    ("binary_cross_entropy", np.random.default_rng(5).normal(size=(6, 1)), np.array([0, 1, 1, 0, 1, 0])),
])
def test_losses(loss, output, target):
    assert check_loss(loss, output, target) < TOL


def test_losses_values():
    from actlab.losses import binary_cross_entropy, mse, softmax_cross_entropy

    z = np.array([[2.0, -1.0, 0.5]])
    expected = -np.log(np.exp(-1.0) / np.exp(z).sum())
    assert softmax_cross_entropy(z, [1])[0] == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy(np.array([[0.3]]), [1])[0] == pytest.approx(-np.log(1 / (1 + np.exp(-0.3))), rel=1e-12)
    assert mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))[0] == pytest.approx(2.5)
    # stable on extreme logits: a confident wrong answer costs about the logit gap, not inf
    loss, grad = softmax_cross_entropy(np.array([[1000.0, -1000.0]]), [1])
    assert loss == pytest.approx(2000.0) and np.all(np.isfinite(grad))
    loss, grad = binary_cross_entropy(np.array([[-800.0]]), [1])
    assert loss == pytest.approx(800.0) and np.all(np.isfinite(grad))


@pytest.mark.parametrize("kwargs", [
    dict(activation="tanh"), dict(activation="relu"), dict(activation=["sigmoid", "elu"]),
    dict(activation="leaky_relu", activation_params={"alpha": 0.2}),
    dict(activation="maxout", maxout_k=3), dict(activation="relu", batch_norm=True),
])
def test_whole_network_softmax(kwargs):
    X, y = spirals(30, classes=3, seed=0)
    errors = check_network(MLP([2, 5, 4, 3], seed=0, **kwargs), X, y)
    assert len(errors) >= 6
    assert max(errors.values()) < TOL, errors


def test_whole_network_binary_and_regression():
    X, y = two_moons(20, seed=1)
    assert max(check_network(MLP([2, 6, 1], "tanh", loss="binary_cross_entropy", seed=1), X, y).values()) < TOL
    X, y = regression_1d(15, noise=0.1, seed=2)
    net = MLP([1, 6, 6, 1], "sigmoid", loss="mse", output_activation="tanh", seed=2)
    assert max(check_network(net, X, y).values()) < TOL


def test_check_detects_a_wrong_backward():
    """The check can fail: a Dense layer that forgets the activation's derivative is caught."""
    layer = Dense(3, 4, "tanh", rng=0)
    layer.activation = layer.activation.__class__(**{**layer.activation.__dict__,
                                                      "derivative": lambda z: np.ones_like(z)})
    assert check_layer(layer, inputs())["W"] > 1e-3


def test_numerical_gradient_and_relative_error():
    x = np.array([1.0, -2.0, 0.5])
    grad = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    assert np.allclose(grad, 3 * x ** 2, rtol=1e-8)
    assert np.array_equal(x, [1.0, -2.0, 0.5])  # restored
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
