"""actlab.linear: the perceptron, forward passes, collapsing linear stacks, the best straight line."""
import numpy as np
import pytest

from actlab.linear import affine_formula, best_linear_classifier, collapse, forward, perceptron

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def random_layers(rng, sizes):
    return [(rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)) for n_in, n_out in zip(sizes, sizes[1:])]


def test_perceptron_computes_and_and_or():
    assert perceptron(XOR_X, [1.0, 1.0], -1.5).tolist() == [0, 0, 0, 1]
    assert perceptron(XOR_X, [1.0, 1.0], -0.5).tolist() == [0, 1, 1, 1]


def test_perceptron_outputs_only_zero_and_one_and_zero_at_zero():
    rng = np.random.default_rng(0)
    out = perceptron(rng.normal(size=(100, 3)), rng.normal(size=3), 0.3)
    assert set(np.unique(out)) <= {0.0, 1.0}
    assert perceptron([1.0, -1.0], [1.0, 1.0], 0.0) == 0.0  # weighted sum exactly 0 gives 0


def test_perceptron_rejects_mismatched_weights():
    with pytest.raises(ValueError, match="w must have shape"):
        perceptron(XOR_X, [1.0, 1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="b must be a single number"):
        perceptron(XOR_X, [1.0, 1.0], [0.0, 1.0])


@pytest.mark.parametrize("sizes", [(2, 2, 1), (3, 8, 8, 8, 2), (5, 1, 4), (4, 4)])
def test_collapse_equals_the_stack_for_any_input(sizes):
    rng = np.random.default_rng(len(sizes))
    layers = random_layers(rng, sizes)
    W, b = collapse(layers)
    assert W.shape == (sizes[-1], sizes[0]) and b.shape == (sizes[-1],)
    x = rng.normal(size=(50, sizes[0]))
    np.testing.assert_allclose(forward(x, layers), x @ W.T + b, rtol=1e-12, atol=1e-12)


def test_collapse_of_two_layers_is_the_textbook_formula():
    rng = np.random.default_rng(7)
    (W1, b1), (W2, b2) = random_layers(rng, (3, 4, 2))
    W, b = collapse([(W1, b1), (W2, b2)])
    np.testing.assert_allclose(W, W2 @ W1)
    np.testing.assert_allclose(b, W2 @ b1 + b2)


def test_forward_with_a_nonlinearity_no_longer_collapses():
    rng = np.random.default_rng(3)
    layers = random_layers(rng, (2, 4, 1))
    W, b = collapse(layers)
    x = rng.normal(size=(20, 2))
    assert not np.allclose(forward(x, layers, activation=np.tanh), x @ W.T + b)


def test_forward_applies_the_activation_to_hidden_layers_only():
    layers = [(np.array([[1.0]]), np.array([-5.0])), (np.array([[1.0]]), np.array([-5.0]))]
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    # hidden: relu(1 - 5) = 0; output: 0 - 5 = -5 (no relu on the output layer)
    assert forward([1.0], layers, activation=relu).tolist() == [-5.0]


def test_linear_activation_c_times_z_gives_c_to_the_power_of_depth():
    c = 2.0
    layers = [(np.eye(3), np.zeros(3))] * 4
    z = np.array([-1.0, 0.5, 3.0])
    out = forward(z, layers, activation=lambda t: c * t)
    np.testing.assert_allclose(out, c ** 3 * z)  # an activation after each of the 3 hidden layers


def test_layers_are_checked():
    with pytest.raises(ValueError, match=r"layers\[1\] W takes 3 inputs"):
        collapse([(np.ones((2, 2)), np.zeros(2)), (np.ones((1, 3)), np.zeros(1))])
    with pytest.raises(ValueError, match=r"layers\[0\] b must have shape"):
        collapse([(np.ones((2, 2)), np.zeros(3))])
    with pytest.raises(TypeError, match="list of"):
        collapse((np.ones((2, 2)), np.zeros(2)))
    with pytest.raises(ValueError, match="at least one"):
        collapse([])
    with pytest.raises(ValueError, match="x must end in 2"):
        forward(np.ones(3), [(np.ones((2, 2)), np.zeros(2))])


def test_affine_formula_writes_true_minus_signs_and_subscripts():
    assert affine_formula([1.5, -5.0], 2.25) == "ŷ = 1.5·x₁ − 5·x₂ + 2.25"
    assert affine_formula(np.array([[-0.25, 0.0]]), np.array([-1.0])) == "ŷ = −0.25·x₁ + 0·x₂ − 1"
    assert affine_formula([1 / 3], 0.0, digits=3, output="h") == "h = 0.333·x₁ + 0"


def test_affine_formula_matches_collapse_of_the_chapter_network():
    layers = [(np.array([[1.0, -2.0], [0.5, 1.0]]), np.array([0.5, -1.0])),
              (np.array([[2.0, -1.0]]), np.array([0.25]))]
    assert affine_formula(*collapse(layers)) == "ŷ = 1.5·x₁ − 5·x₂ + 2.25"


def test_xor_is_not_linearly_separable_but_and_is():
    acc, clf = best_linear_classifier(XOR_X, np.array([0, 1, 1, 0]))
    assert acc == 0.75
    assert (clf(XOR_X) == np.array([0, 1, 1, 0])).mean() == 0.75
    acc_and, clf_and = best_linear_classifier(XOR_X, np.array([0, 0, 0, 1]))
    assert acc_and == 1.0 and clf_and(XOR_X).tolist() == [0, 0, 0, 1]


def test_best_line_is_at_least_as_good_as_random_lines():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)  # a checkerboard: not separable
    acc, _ = best_linear_classifier(X, y, n_directions=720)
    for _ in range(200):
        w, b = rng.normal(size=2), rng.normal()
        assert ((X @ w + b > 0) == (y == 1)).mean() <= acc + 1e-12
    assert acc < 1.0


def test_best_linear_classifier_checks_its_input():
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        best_linear_classifier(np.ones((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="0/1 label"):
        best_linear_classifier(XOR_X, np.array([0, 2, 1, 0]))


def test_best_line_keeps_its_distance_from_the_points():
    _, clf = best_linear_classifier(XOR_X, np.array([0, 1, 1, 0]))
    distance = np.abs(XOR_X @ clf.w + clf.b) / np.linalg.norm(clf.w)
    assert distance.min() > 0.3  # the widest 3-of-4 line is sqrt(2)/4 ≈ 0.354 from its nearest point
