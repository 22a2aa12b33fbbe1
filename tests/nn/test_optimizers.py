"""Optimiser steps by hand, convergence on a tiny quadratic, and gradient clipping."""
import numpy as np
import pytest

from actlab.optimizers import SGD, Adam, RMSProp, clip_by_global_norm, clip_by_value, global_norm, make_optimizer

A = np.diag([1.0, 10.0])  # f(x) = x·Ax/2, an ill-conditioned bowl with its minimum at 0


def quad_grad(x):
    return A @ x


def test_sgd_step_by_hand():
    p = [np.array([1.0, -2.0]), np.array([[3.0]])]
    SGD(lr=0.1).step(p, [np.array([10.0, 10.0]), np.array([[-1.0]])])
    assert np.allclose(p[0], [0.0, -3.0]) and np.allclose(p[1], [[3.1]])


def test_momentum_steps_by_hand():
    p = [np.array([0.0])]
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step(p, [np.array([1.0])])  # v = 1
    opt.step(p, [np.array([1.0])])  # v = 0.9 + 1 = 1.9
    assert p[0][0] == pytest.approx(-0.1 - 0.19)


def test_adam_first_steps_by_hand():
    p = [np.array([1.0, 1.0])]
    opt = Adam(lr=0.01)
    opt.step(p, [np.array([1e-3, 50.0])])
    # after bias correction the first step is lr * g / |g| whatever the gradient's scale
    assert np.allclose(p[0], [0.99, 0.99], atol=1e-7)
    g2 = np.array([-2.0, 1.0])
    m = 0.9 * 0.1 * np.array([1e-3, 50.0]) + 0.1 * g2
    v = 0.999 * 0.001 * np.array([1e-3, 50.0]) ** 2 + 0.001 * g2 ** 2
    expected = p[0] - 0.01 * (m / (1 - 0.9 ** 2)) / (np.sqrt(v / (1 - 0.999 ** 2)) + 1e-8)
    opt.step(p, [g2])
    assert np.allclose(p[0], expected, rtol=1e-12)


def test_rmsprop_first_step_by_hand():
    p = [np.array([0.0])]
    RMSProp(lr=0.01, rho=0.9).step(p, [np.array([4.0])])
    assert p[0][0] == pytest.approx(-0.01 * 4.0 / (np.sqrt(0.1 * 16.0) + 1e-8))


@pytest.mark.parametrize("name, lr, params, steps", [
    ("sgd", 0.15, {}, 200), ("sgd", 0.05, {"momentum": 0.9}, 300), ("adam", 0.1, {}, 500), ("rmsprop", 0.01, {}, 500),
])
def test_optimisers_minimise_a_quadratic(name, lr, params, steps):
    x = np.array([3.0, -2.0])
    opt = make_optimizer(name, lr, **params)
    for _ in range(steps):
        opt.step([x], [quad_grad(x)])
    assert np.linalg.norm(x) < 0.05


def test_momentum_beats_plain_sgd_on_the_ill_conditioned_bowl():
    runs = {}
    for momentum in (0.0, 0.9):
        x = np.array([3.0, -2.0])
        opt = SGD(lr=0.02, momentum=momentum)
        for _ in range(100):
            opt.step([x], [quad_grad(x)])
        runs[momentum] = np.linalg.norm(x)
    assert runs[0.9] < runs[0.0] / 10


def test_clip_by_global_norm_bounds_the_norm_and_keeps_the_direction():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)) * 10, rng.normal(size=5) * 10]
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(global_norm(grads)) and norm > 1.0
    assert global_norm(clipped) == pytest.approx(1.0)
    for g, c in zip(grads, clipped):
        assert np.allclose(c, g / norm)
    small = [np.array([0.1, 0.2])]
    same, _ = clip_by_global_norm(small, 1.0)
    assert np.array_equal(same[0], small[0])


def test_clip_by_value():
    out = clip_by_value([np.array([-5.0, 0.3, 7.0])], 1.0)
    assert out[0].tolist() == [-1.0, 0.3, 1.0]


def test_state_is_per_parameter():
    a, b = np.array([0.0]), np.array([0.0])
    opt = SGD(lr=1.0, momentum=0.5)
    opt.step([a, b], [np.array([1.0]), np.array([-1.0])])
    opt.step([a, b], [np.array([0.0]), np.array([0.0])])
    assert a[0] == pytest.approx(-1.5) and b[0] == pytest.approx(1.5)
