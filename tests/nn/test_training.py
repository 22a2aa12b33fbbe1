"""Training: XOR, determinism, hooks (Recorder), dead units, clipping inside fit, early stop."""
import warnings

import numpy as np
import pytest

from actlab.datasets import two_moons, xor
from actlab.layers import BatchNorm, Dense
from actlab.network import MLP, Network
from actlab.optimizers import Adam
from actlab.training import History, Hook, Recorder, fit

XOR_SETUP = dict(sizes=[2, 4, 2], activation="tanh", seed=0)
XOR_FIT = dict(epochs=300, lr=0.5, optimizer="sgd", momentum=0.9)


def test_xor_reaches_full_accuracy_from_the_fixed_seed():
    X, y = xor()
    net = MLP(**XOR_SETUP)
    history = net.fit(X, y, **XOR_FIT)
    assert history.accuracy[-1] == 1.0
    assert history.accuracy[0] < 1.0  # it learned it, rather than starting there
    assert history.loss[-1] < 0.01 < history.loss[0]
    assert np.array_equal(net.predict(X), y)
    proba = net.predict_proba(X)
    assert proba.shape == (4, 2) and np.allclose(proba.sum(axis=1), 1.0)


def test_a_linear_network_cannot_learn_xor():
    X, y = xor()
    history = MLP([2, 4, 2], "identity", seed=0).fit(X, y, **XOR_FIT)
    assert max(history.accuracy) <= 0.75


def test_xor_with_a_single_sigmoid_output():
    X, y = xor()
    net = MLP([2, 4, 1], "tanh", loss="binary_cross_entropy", seed=0)
    assert net.fit(X, y, **XOR_FIT).accuracy[-1] == 1.0
    assert net.predict_proba(X).shape == (4, 2)


@pytest.mark.parametrize("kwargs", [
    dict(optimizer="sgd", momentum=0.9, lr=0.1, batch_size=16),
    dict(optimizer="adam", lr=0.01, batch_size=32, clip=1.0),
])
def test_same_seed_gives_identical_history(kwargs):
    X, y = two_moons(100, seed=3)

    def run(seed):
        net = MLP([2, 16, 16, 2], "relu", seed=seed, batch_norm=True)
        rec = Recorder()
        hist = net.fit(X, y, epochs=8, seed=seed, hooks=[rec], **kwargs)
        return hist, rec.as_arrays(), net.parameters()

    h1, r1, p1 = run(7)
    h2, r2, p2 = run(7)
    h3, _, _ = run(8)
    assert h1.as_dict() == h2.as_dict()
    assert all(np.array_equal(r1[k], r2[k]) for k in r1)
    assert all(np.array_equal(a, b) for a, b in zip(p1, p2))
    assert h1.loss != h3.loss


def test_recording_does_not_change_training():
    X, y = two_moons(64, seed=0)
    a = MLP([2, 8, 2], "relu", batch_norm=True, seed=0)
    b = MLP([2, 8, 2], "relu", batch_norm=True, seed=0)
    ha = a.fit(X, y, epochs=5, lr=0.1, batch_size=16)
    hb = b.fit(X, y, epochs=5, lr=0.1, batch_size=16, hooks=[Recorder(every_steps=2)])
    assert ha.as_dict() == hb.as_dict()
    bn_a, bn_b = a.batch_norms()[0], b.batch_norms()[0]
    assert np.array_equal(bn_a.running_mean, bn_b.running_mean)
    assert np.array_equal(bn_a.running_var, bn_b.running_var)


def test_recorder_shapes_and_values():
    X, y = two_moons(50, seed=0)
    net = MLP([2, 6, 5, 2], "tanh", seed=0)
    rec = Recorder()
    net.fit(X, y, epochs=4, lr=0.1, hooks=[rec])
    arrays = rec.as_arrays()
    for name in Recorder.FIELDS:
        assert arrays[name].shape == (5, 3), name  # before training + 4 epochs, 3 weight layers
    assert arrays["epoch"].tolist() == [0, 1, 2, 3, 4]
    assert len(rec.layer_names) == 3
    # the first record is the untrained network, measured by hand
    fresh = MLP([2, 6, 5, 2], "tanh", seed=0)
    z, a = fresh.layer_outputs(X)[0]
    assert arrays["z_std"][0, 0] == pytest.approx(z.std()) and arrays["a_mean"][0, 0] == pytest.approx(a.mean())
    _, grads = fresh.loss_and_grads(X, y)
    assert arrays["weight_grad_norm"][0, 0] == pytest.approx(np.linalg.norm(grads[0]))
    assert np.all(arrays["weight_grad_norm"] > 0) and np.all(arrays["delta_norm"] > 0)
    assert np.all(arrays["dead_fraction"] == 0)  # tanh is never exactly 0 here


def test_recorder_every_steps_and_other_data():
    X, y = two_moons(40, seed=0)
    Xv, yv = two_moons(30, seed=1)
    rec = Recorder(Xv, yv, every_steps=3)
    hist = MLP([2, 4, 2], "relu", seed=0).fit(X, y, epochs=3, lr=0.1, batch_size=10, hooks=[rec])
    assert hist.steps == 12
    assert rec.as_arrays()["step"].tolist() == [0, 3, 6, 9, 12]
    assert rec.dead_fraction.shape == (5, 2)


def test_a_constructed_dead_unit_is_detected_and_stays_dead():
    X, y = two_moons(80, seed=0)  # inputs lie within about [-1.5, 2.5]
    net = MLP([2, 4, 2], "relu", seed=0)
    hidden = net.layers[0]
    hidden.params["W"][:, 1] = 0.0
    hidden.params["b"][1] = -5.0  # unit 1: z = -5 for every input
    hidden.params["b"][[0, 2, 3]] = 3.0  # the others fire for every input at first
    rec = Recorder()
    net.fit(X, y, epochs=20, lr=0.1, hooks=[rec])
    assert rec.dead_fraction[0, 0] == 0.25
    assert np.all(rec.dead_fraction[:, 0] == 0.25)  # zero gradient: it never comes back
    assert hidden.params["b"][1] == -5.0 and np.all(hidden.params["W"][:, 1] == 0.0)


def test_leaky_relu_keeps_the_constructed_unit_alive():
    X, y = two_moons(80, seed=0)
    net = MLP([2, 4, 2], "leaky_relu", seed=0)
    net.layers[0].params["W"][:, 1] = 0.0
    net.layers[0].params["b"][1] = -5.0
    rec = Recorder()
    net.fit(X, y, epochs=20, lr=0.1, hooks=[rec])
    assert np.all(rec.dead_fraction == 0)
    assert net.layers[0].params["b"][1] != -5.0  # it received gradient


def test_a_large_learning_rate_kills_relu_units():
    X, y = two_moons(200, seed=0)
    fast, slow = Recorder(), Recorder()
    MLP([2, 64, 64, 2], "relu", seed=0).fit(X, y, epochs=10, lr=5.0, hooks=[fast])
    MLP([2, 64, 64, 2], "relu", seed=0).fit(X, y, epochs=10, lr=0.05, hooks=[slow])
    assert fast.dead_fraction[0, 0] == slow.dead_fraction[0, 0] == 0.0  # same start, nothing dead
    assert fast.dead_fraction[-1, 0] > 0.5
    assert slow.dead_fraction[-1, 0] < 0.1


def test_clip_bounds_every_step():
    X, y = two_moons(60, seed=0)
    seen = []

    class Spy(Hook):
        def on_step_end(self, net, step, epoch):
            seen.append(np.sqrt(sum(np.sum(g * g) for g in net.gradients())))

    net = MLP([2, 8, 2], "relu", init="normal", init_params={"std": 3.0}, seed=0)
    before = [p.copy() for p in net.parameters()]
    hist = fit(net, X, y, epochs=1, lr=1.0, clip=0.5, hooks=[Spy()])
    step = np.sqrt(sum(np.sum((p - q) ** 2) for p, q in zip(net.parameters(), before)))
    assert hist.grad_norm[0] == pytest.approx(seen[0]) and seen[0] > 0.5  # the raw norm is recorded
    assert step == pytest.approx(0.5)  # one full-batch step of lr * clipped gradient


def test_exploding_run_stops_with_a_reason():
    X, y = two_moons(50, seed=0)
    net = MLP([2] + [32] * 6 + [2], "relu", init="normal", init_params={"std": 20.0}, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fit reports the explosion instead of flooding the notebook with warnings
        hist = net.fit(X, y, epochs=50, lr=1.0)
    assert hist.stopped is not None and "non-finite" in hist.stopped
    assert len(hist.loss) < 50 and not np.isfinite(hist.loss[-1])


def test_regression_history_has_no_accuracy():
    from actlab.datasets import regression_1d

    X, y = regression_1d(50)
    net = MLP([1, 16, 1], "tanh", loss="mse", seed=0)
    hist = net.fit(X, y, epochs=200, optimizer="adam", lr=0.02)
    assert hist.accuracy == [] and len(hist.loss) == 200
    assert hist.loss[-1] < 0.1 * hist.loss[0]
    assert net.predict(X).shape == (50, 1)


def test_maxout_network_learns_a_toy_task():
    X, y = two_moons(100, noise=0.1, seed=0)
    net = MLP([2, 8, 2], "maxout", maxout_k=3, seed=0)
    assert net.fit(X, y, epochs=200, optimizer="adam", lr=0.02).accuracy[-1] >= 0.95


def test_network_from_explicit_layers_and_optimizer_object():
    X, y = xor()
    rng = np.random.default_rng(0)
    net = Network([Dense(2, 8, "relu", rng=rng), BatchNorm(8), Dense(8, 2, rng=rng)])
    hist = net.fit(X, y, epochs=200, optimizer=Adam(lr=0.05))
    assert isinstance(hist, History) and hist.accuracy[-1] == 1.0
    assert len(net.parameters()) == 6 and net.n_params == 2 * 8 + 8 + 16 + 8 * 2 + 2


def test_batch_norm_modes():
    bn = BatchNorm(3, momentum=0.5)
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(10, 3))
    y = bn.forward(x, training=True)
    assert np.allclose(y.mean(axis=0), 0, atol=1e-12) and np.allclose(y.std(axis=0), 1, atol=1e-3)
    assert np.allclose(bn.running_mean, 0.5 * x.mean(axis=0))
    assert np.allclose(bn.running_var, 0.5 + 0.5 * x.var(axis=0, ddof=1))
    one = bn.forward(x[:1], training=False)  # evaluation: one input alone, running statistics
    assert np.allclose(one, (x[:1] - bn.running_mean) / np.sqrt(bn.running_var + bn.eps))


def test_every_recorded_quantity_has_a_label_in_both_languages():
    from actlab.training import LABELS

    for name in (*Recorder.FIELDS, "loss", "accuracy", "grad_norm", "epoch", "layer"):
        assert LABELS(name, lang="ko") and LABELS(name, lang="en")
        assert LABELS(name, lang="ko") != LABELS(name, lang="en")
