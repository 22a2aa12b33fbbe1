"""Initialiser variances match their formulas over large seeded draws."""
import numpy as np
import pytest

from actlab.initializers import INITIALIZERS, default_init_for, initialize

FAN_IN, FAN_OUT = 300, 200  # 60 000 draws: the sample variance is within about 1 % of the truth

EXPECTED_VAR = {
    "xavier_uniform": 2 / (FAN_IN + FAN_OUT), "xavier_normal": 2 / (FAN_IN + FAN_OUT),
    "glorot_uniform": 2 / (FAN_IN + FAN_OUT), "glorot_normal": 2 / (FAN_IN + FAN_OUT),
    "he_normal": 2 / FAN_IN, "he_uniform": 2 / FAN_IN, "kaiming_normal": 2 / FAN_IN, "kaiming_uniform": 2 / FAN_IN,
    "lecun_normal": 1 / FAN_IN, "lecun_uniform": 1 / FAN_IN,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VAR))
def test_variance_formula(name):
    W = initialize(name, FAN_IN, FAN_OUT, rng=123)
    assert W.shape == (FAN_IN, FAN_OUT) and W.dtype == np.float64
    assert W.var() == pytest.approx(EXPECTED_VAR[name], rel=0.03)
    assert abs(W.mean()) < 0.03 * np.sqrt(EXPECTED_VAR[name])
    if "uniform" in name:  # the bound a = sqrt(3 var) is reached but not passed
        bound = np.sqrt(3 * EXPECTED_VAR[name])
        assert np.abs(W).max() <= bound and np.abs(W).max() > 0.99 * bound


def test_normal_with_given_std_and_gain():
    W = initialize("normal", FAN_IN, FAN_OUT, rng=1, std=2.5)
    assert W.std() == pytest.approx(2.5, rel=0.02)
    W = initialize("xavier_normal", FAN_IN, FAN_OUT, rng=1, gain=5 / 3)  # tanh's gain
    assert W.var() == pytest.approx((5 / 3) ** 2 * 2 / (FAN_IN + FAN_OUT), rel=0.03)
    assert np.all(initialize("zeros", 3, 4) == 0)


def test_seeded_and_aliases():
    assert np.array_equal(initialize("he_normal", 5, 4, rng=7), initialize("kaiming_normal", 5, 4, rng=7))
    assert np.array_equal(initialize("xavier_uniform", 5, 4, rng=7), initialize("glorot_uniform", 5, 4, rng=7))
    assert not np.array_equal(initialize("he_normal", 5, 4, rng=7), initialize("he_normal", 5, 4, rng=8))
    assert initialize("lecun_normal", 5, 4, rng=0, size=(5, 12)).shape == (5, 12)
    assert set(EXPECTED_VAR) | {"normal", "zeros"} == set(INITIALIZERS)


def test_defaults_follow_the_activation():
    assert default_init_for("relu") == "he_normal"
    assert default_init_for("tanh") == "xavier_normal"
    assert default_init_for("selu") == "lecun_normal"


def test_xavier_keeps_tanh_signals_and_tiny_normal_kills_them():
    from actlab.gradflow import activation_statistics

    good = activation_statistics(10, 64, "tanh", init="xavier_normal", seed=0)["a_std"]
    tiny = activation_statistics(10, 64, "tanh", init="normal", init_params={"std": 0.01}, seed=0)["a_std"]
    assert good[-1] > 0.1
    assert tiny[-1] < 1e-8 and np.all(np.diff(tiny) < 0)
