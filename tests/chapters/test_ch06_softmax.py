"""actlab.chapters.ch06_softmax: the softmax Jacobian and chapter 6's two figures."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import actlab  # noqa: E402
from actlab import sigmoid, softmax, softmax_jvp  # noqa: E402
from actlab.chapters import ch06_softmax as sp  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
    actlab.set_language("ko")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jacobian_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=2.0, size=5)
    h = 1e-6
    numeric = np.stack([(softmax(x + h * e) - softmax(x - h * e)) / (2 * h) for e in np.eye(5)], axis=1)
    np.testing.assert_allclose(sp.jacobian(x), numeric, atol=1e-9)


def test_jacobian_rows_sum_to_zero_symmetric_and_agrees_with_jvp():
    x = np.array([0.0, 1.0, 2.0])
    jac = sp.jacobian(x)
    np.testing.assert_allclose(jac.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(jac, jac.T)
    v = np.array([0.3, -1.0, 2.0])
    np.testing.assert_allclose(jac @ v, softmax_jvp(x, v), atol=1e-15)
    # the diagonal is s(1 - s): for two classes, the sigmoid's derivative
    s = softmax(x)
    np.testing.assert_allclose(np.diag(jac), s * (1 - s))


def test_jacobian_is_finite_for_large_logits():
    jac = sp.jacobian([1000.0, 1001.0, 1002.0])
    np.testing.assert_allclose(jac, sp.jacobian([0.0, 1.0, 2.0]), atol=1e-15)


@pytest.mark.parametrize("bad", [np.zeros((2, 2)), np.array([])])
def test_jacobian_rejects_non_vectors_naming_x(bad):
    with pytest.raises(ValueError, match="x must"):
        sp.jacobian(bad)


def test_plot_softmax_draws_probabilities_and_jacobian():
    x = np.array([0.0, 1.0, 2.0])
    fig = sp.plot_softmax(x)
    left, right = fig.axes[:2]
    heights = [patch.get_height() for patch in left.patches]
    np.testing.assert_allclose(heights, softmax(x))
    np.testing.assert_allclose(np.asarray(right.collections[0].get_array()).reshape(3, 3), sp.jacobian(x))
    assert not right.images, "a raster image would put a PNG inside the SVG"
    labels = {t.get_text() for t in right.texts}
    assert f"{sp.jacobian(x)[0, 1]:+.3f}".replace("-", "\u2212") in labels
    assert not any("-" in t for t in labels), "ASCII hyphen instead of the minus sign"


def test_plot_softmax_titles_follow_the_language():
    actlab.set_language("en")
    title_en = sp.plot_softmax([0.0, 1.0]).axes[1].get_title()
    actlab.set_language("ko")
    title_ko = sp.plot_softmax([0.0, 1.0]).axes[1].get_title()
    assert "Jacobian" in title_en and "야코비" in title_ko


@pytest.mark.parametrize("bad", [[1.0], np.zeros((2, 2)), np.zeros(9)])
def test_plot_softmax_rejects_bad_logits(bad):
    with pytest.raises(ValueError, match="x must"):
        sp.plot_softmax(bad)


def test_two_classes_softmax_equals_sigmoid_of_difference():
    z = np.linspace(-6, 6, 121)
    fig = sp.plot_two_classes(z)
    (soft, sig), (dsoft, dsig) = (ax.get_lines() for ax in fig.axes[:2])
    np.testing.assert_allclose(soft.get_ydata(), sigmoid(z), atol=1e-15)
    np.testing.assert_allclose(sig.get_ydata(), sigmoid(z))
    np.testing.assert_allclose(dsoft.get_ydata(), dsig.get_ydata(), atol=1e-15)
    assert dsig.get_ydata().max() == pytest.approx(0.25)


def test_two_classes_rejects_a_scalar_z():
    with pytest.raises(ValueError, match="z must"):
        sp.plot_two_classes(3.0)


def test_plot_softmax_negative_logits_use_the_minus_sign():
    fig = sp.plot_softmax([-1.0, 0.5, 2.0])
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "\u22121" and not any("-" in t for t in ticks)
