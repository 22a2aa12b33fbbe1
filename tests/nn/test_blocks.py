"""Residual, LayerNorm, RMSNorm and GatedFeedForward blocks: gradients against finite differences,
the identity path's gradient, training inside a Network, parameter counts, errors."""
from __future__ import annotations

import doctest

import numpy as np
import pytest

import actlab.blocks as B
from actlab import layer_norm, rms_norm, swiglu
from actlab.blocks import GatedFeedForward, LayerNorm, Residual, RMSNorm, ffn_params, gated_hidden_width
from actlab.layers import Dense
from actlab.network import Network


def test_doctests():
    assert doctest.testmod(B, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def _loss(layer, x, g):
    return float(np.sum(g * layer.forward(x, training=True)))


def _check_gradients(layer, x, h=1e-6, rtol=1e-5, atol=1e-8):
    """Backward against central differences, for the input and every parameter."""
    rng = np.random.default_rng(2)
    g = rng.normal(size=layer.forward(x, training=True).shape)
    layer.forward(x, training=True)
    dx = layer.backward(g)
    grads = {k: v.copy() for k, v in layer.all_grads().items()}
    fd = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        fd[idx] = (_loss(layer, x + e, g) - _loss(layer, x - e, g)) / (2 * h)
    np.testing.assert_allclose(dx, fd, rtol=rtol, atol=atol)
    for name, p in layer.all_params().items():
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = _loss(layer, x, g)
            p[idx] = old - h
            down = _loss(layer, x, g)
            p[idx] = old
            num[idx] = (up - down) / (2 * h)
        np.testing.assert_allclose(grads[name], num, rtol=rtol, atol=atol, err_msg=name)


X = np.random.default_rng(0).normal(size=(5, 4))


@pytest.mark.parametrize("make", [
    lambda: LayerNorm(4), lambda: RMSNorm(4),
    lambda: Residual(Dense(4, 4, "tanh", rng=1)),
    lambda: Residual([Dense(4, 6, "relu", rng=1, bias=0.1), Dense(6, 4, "identity", rng=2)]),
    lambda: Residual(Dense(4, 4, "sigmoid", rng=1), norm="layer", position="pre"),
    lambda: Residual(Dense(4, 4, "sigmoid", rng=1), norm="layer", position="post"),
    lambda: Residual(GatedFeedForward(4, 6, rng=3), norm="rms"),
    lambda: GatedFeedForward(4, 3, "glu", rng=1), lambda: GatedFeedForward(4, 3, "geglu", bias=True, rng=1),
    lambda: GatedFeedForward(4, 3, "reglu", rng=1),
], ids=["layernorm", "rmsnorm", "residual", "residual2", "prenorm", "postnorm", "rms-swiglu", "glu", "geglu-bias", "reglu"])
def test_gradients_match_finite_differences(make):
    _check_gradients(make(), X.copy())


def test_identity_path_carries_the_gradient():
    """A residual block whose F passes no gradient (saturated sigmoid) still hands back g itself."""
    block = Residual(Dense(4, 4, "sigmoid", rng=0, bias=60.0))
    block.forward(X)
    g = np.random.default_rng(1).normal(size=X.shape)
    np.testing.assert_allclose(block.backward(g), g, rtol=1e-12)
    plain = Dense(4, 4, "sigmoid", rng=0, bias=60.0)
    plain.forward(X)
    assert np.abs(plain.backward(g)).max() < 1e-20


def test_layer_forward_values():
    ln = LayerNorm(4)
    ln.params["gamma"][:] = 2.0
    np.testing.assert_allclose(ln.forward(X), 2 * layer_norm(X))
    np.testing.assert_array_equal(RMSNorm(4).forward(X), rms_norm(X))  # eps=None: the dtype's epsilon, as torch
    assert not np.array_equal(RMSNorm(4, eps=0.5).forward(X), rms_norm(X))
    ff = GatedFeedForward(4, 3, rng=0)
    np.testing.assert_allclose(ff.forward(X), swiglu(X @ ff.params["W_in"]) @ ff.params["W_out"], rtol=1e-14)
    block = Residual(Dense(4, 4, "tanh", rng=0), norm="layer", position="post")
    np.testing.assert_allclose(block.forward(X), layer_norm(X + np.tanh(X @ block.inner[0].params["W"])), rtol=1e-13)


def test_parameter_counts_at_two_thirds_width():
    for d in (96, 768, 3072):  # multiples of 3: 2/3 of 4d is a whole number
        h = gated_hidden_width(d)
        ff = GatedFeedForward(d, h, rng=0) if d <= 768 else None
        assert ffn_params(d, h, gated=True) == ffn_params(d, 4 * d) == 8 * d * d
        if ff is not None:
            assert ff.n_params == 3 * d * h
    assert gated_hidden_width(4096, multiple_of=256) == 11008  # LLaMA-7B's feed-forward width
    assert ffn_params(4, 3, gated=True, bias=True) == 3 * 4 * 3 + 2 * 3 + 4
    assert GatedFeedForward(4, 3, bias=True, rng=0).n_params == ffn_params(4, 3, gated=True, bias=True)


def test_trains_inside_a_network():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = Network([Dense(4, 8, "identity", rng=0),
                   Residual(GatedFeedForward(8, 16, rng=1), norm="rms"),
                   Residual(Dense(8, 8, "relu", rng=2), norm="layer", position="post"),
                   Dense(8, 2, "identity", rng=3)])
    names = [n for n, _ in net.named_parameters()]
    assert "layer2.f1.W_in" in names and "layer2.norm.gamma" in names and "layer3.norm.beta" in names
    assert len(net.parameters()) == len(net.gradients())
    before = net.evaluate(X, y)[0]
    history = net.fit(X, y, epochs=60, lr=0.01, optimizer="adam", batch_size=16, seed=0)
    assert history.loss[-1] < 0.5 * before


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"layers must map a width to the same width for x \+ F\(x\), got 4 -> 3"):
        Residual(Dense(4, 3, "relu"))
    with pytest.raises(TypeError, match=r"layers must be an actlab layer or a non-empty list"):
        Residual([])
    with pytest.raises(ValueError, match=r"norm must be None, 'layer' or 'rms', got 'batch'"):
        Residual(Dense(4, 4), norm="batch")
    with pytest.raises(ValueError, match=r"position must be 'pre' or 'post', got 'mid'"):
        Residual(Dense(4, 4), norm="layer", position="mid")
    with pytest.raises(ValueError, match=r"gate must be one of \['geglu', 'glu', 'reglu', 'swiglu'\], got 'relu'"):
        GatedFeedForward(4, 3, "relu")
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 4\), got \(2, 3\)"):
        LayerNorm(4).forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"eps must be positive"):
        RMSNorm(4, eps=0.0)
    with pytest.raises(ValueError, match=r"d_model must be at least 1"):
        gated_hidden_width(0)
