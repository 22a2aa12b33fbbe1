"""Bad input raises TypeError / ValueError whose message names the argument."""
import numpy as np
import pytest

from actlab import datasets, gradflow, sparsity
from actlab.initializers import initialize
from actlab.layers import BatchNorm, Dense, Maxout
from actlab.losses import binary_cross_entropy, mse, softmax_cross_entropy
from actlab.network import MLP, Network
from actlab.optimizers import SGD, Adam, clip_by_global_norm, make_optimizer
from actlab.training import Recorder, fit

X4 = np.zeros((4, 2))
Y4 = np.array([0, 1, 1, 0])
NET = MLP([2, 3, 2], "tanh", seed=0)

CASES = [
    # (callable, exception, words the message must contain)
    (lambda: MLP([2, 3, 2], "relux"), ValueError, ["activation", "relux"]),
    (lambda: MLP([2, 3, 2], 3), TypeError, ["activation"]),
    (lambda: MLP([2, 3, 2], ["relu", "tanh"]), ValueError, ["activation", "one per hidden layer"]),
    (lambda: MLP([2, 3, 2], "leaky_relu", activation_params={"beta": 1}), TypeError, ["activation_params", "alpha"]),
    (lambda: MLP([2, 3, 2], init="glorot"), ValueError, ["init", "glorot"]),
    (lambda: MLP([2, 3, 2], init="normal"), TypeError, ["std"]),
    (lambda: MLP([2, 3, 2], init="normal", init_params={"std": -1.0}), ValueError, ["std", "positive"]),
    (lambda: MLP([2, 3, 2], init="he_normal", init_params={"gain": 2}), TypeError, ["init_params"]),
    (lambda: MLP([2, 0, 2]), ValueError, ["sizes"]),
    (lambda: MLP([2]), ValueError, ["sizes"]),
    (lambda: MLP("2,3"), TypeError, ["sizes"]),
    (lambda: MLP([2, 3, 2], loss="hinge"), ValueError, ["loss", "hinge"]),
    (lambda: MLP([2, 3, 2], output_activation="sigmoid"), ValueError, ["output_activation"]),
    (lambda: MLP([2, 3, 2], seed=-1), ValueError, ["seed"]),
    (lambda: MLP([2, 3, 2], seed="a"), TypeError, ["seed"]),
    (lambda: Dense(2.5, 3), TypeError, ["in_features"]),
    (lambda: Maxout(2, 3, k=0), ValueError, ["k"]),
    (lambda: BatchNorm(3, momentum=2.0), ValueError, ["momentum"]),
    (lambda: BatchNorm(3).forward(np.zeros((1, 3)), training=True), ValueError, ["x", "2 rows"]),
    (lambda: Network([]), TypeError, ["layers"]),
    (lambda: NET.forward(np.zeros((4, 3))), ValueError, ["x", "(batch, 2)"]),
    (lambda: NET.forward("abc"), TypeError, ["X"]),
    (lambda: NET.fit(X4, Y4, lr=0), ValueError, ["lr", "positive"]),
    (lambda: NET.fit(X4, Y4, lr=-0.1), ValueError, ["lr"]),
    (lambda: NET.fit(X4, Y4, epochs=-1), ValueError, ["epochs"]),
    (lambda: NET.fit(X4, Y4, epochs=2.5), TypeError, ["epochs"]),
    (lambda: NET.fit(X4, Y4, batch_size=0), ValueError, ["batch_size"]),
    (lambda: NET.fit(X4, Y4, clip=-1.0), ValueError, ["clip"]),
    (lambda: NET.fit(X4, Y4, clip_value=0), ValueError, ["clip_value"]),
    (lambda: NET.fit(X4, Y4, optimizer="adagrad"), ValueError, ["optimizer", "adagrad"]),
    (lambda: NET.fit(X4, Y4, optimizer=Adam(), lr=0.1), ValueError, ["lr"]),
    (lambda: NET.fit(X4, Y4, momentum=1.5), ValueError, ["momentum"]),
    (lambda: NET.fit(X4, Y4, nesterov=True), TypeError, ["optimizer_params"]),
    (lambda: NET.fit(X4, Y4[:3]), ValueError, ["y"]),
    (lambda: NET.fit(X4, Y4, hooks=[print]), TypeError, ["hooks"]),
    (lambda: fit(NET, X4, np.array([0, 1, 2, 0])), ValueError, ["target", "0..1"]),
    (lambda: Recorder(X4), ValueError, ["y"]),
    (lambda: SGD(lr="fast"), TypeError, ["lr"]),
    (lambda: make_optimizer(3), TypeError, ["optimizer"]),
    (lambda: clip_by_global_norm([np.ones(2)], 0), ValueError, ["max_norm"]),
    (lambda: initialize("he_normal", 0, 3), ValueError, ["fan_in"]),
    (lambda: mse(np.zeros((3, 1)), np.zeros((2, 1))), ValueError, ["target"]),
    (lambda: softmax_cross_entropy(np.zeros(3), [0, 1, 2]), ValueError, ["logits"]),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), [0.5, 1]), TypeError, ["target"]),
    (lambda: binary_cross_entropy(np.zeros((2, 1)), [0, 2]), ValueError, ["target"]),
    (lambda: datasets.two_moons(n=1), ValueError, ["n"]),
    (lambda: datasets.circles(factor=1.5), ValueError, ["factor"]),
    (lambda: datasets.spirals(noise=-1), ValueError, ["noise"]),
    (lambda: datasets.regression_1d(fn="cube"), ValueError, ["fn"]),
    (lambda: sparsity.dead_units(np.zeros(3)), ValueError, ["a", "(inputs, units)"]),
    (lambda: sparsity.dropout_mask((2, 2), rate=1.0), ValueError, ["rate"]),
    (lambda: sparsity.zero_fraction(np.zeros((2, 2)), axis=2), ValueError, ["axis"]),
    (lambda: gradflow.gradient_flow(0), ValueError, ["depth"]),
    (lambda: gradflow.gradient_flow(3, width=4, activation="sigmoidd"), ValueError, ["activation"]),
    (lambda: gradflow.chain_gradients([1.0], [[[1.0, 2.0]], [[1.0, 2.0]]]), ValueError, ["weights", "layer 2"]),
    (lambda: gradflow.chain_gradients([1.0], [1.0, 2.0], grad_output=[1.0, 1.0]), ValueError, ["grad_output"]),
    (lambda: gradflow.derivative_bound("sigmoid", [1.5]), ValueError, ["depths"]),
]


@pytest.mark.parametrize("call, error, words", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
