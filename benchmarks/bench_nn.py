"""Speed of the teaching network: the runs chapters 2, 7, 8 and 9 make, timed (best of --repeat).

    python benchmarks/bench_nn.py [--repeat 5]

Timings vary with the machine: they belong here, not in the tests.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from actlab.datasets import two_moons, xor
from actlab.gradflow import gradient_flow
from actlab.network import MLP
from actlab.training import Recorder


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def xor_run():
    X, y = xor()
    net = MLP([2, 4, 2], "tanh", seed=0)
    hist = net.fit(X, y, epochs=300, lr=0.5, optimizer="sgd", momentum=0.9)
    return f"accuracy {hist.accuracy[-1]:.0%}, 100 % from epoch {hist.accuracy.index(1.0) + 1}"


def dying_relu_run():
    X, y = two_moons(200, seed=0)
    rec = Recorder()
    MLP([2, 64, 64, 2], "relu", seed=0).fit(X, y, epochs=50, lr=5.0, batch_size=32, hooks=[rec])
    return f"dead fraction of hidden layer 1 after 50 epochs: {rec.dead_fraction[-1, 0]:.2f}"


def gradflow_run():
    ratios = [gradient_flow(d, 64, act, seed=0).ratio() for act in ("sigmoid", "tanh", "relu") for d in (5, 10, 20)]
    return "9 networks, first/last-layer ratios " + " ".join(f"{r:.1e}" for r in ratios)


def deep_training_run():
    X, y = two_moons(200, seed=0)
    hist = MLP([2] + [32] * 20 + [2], "relu", seed=0, batch_norm=True).fit(
        X, y, epochs=30, optimizer="adam", lr=0.01, batch_size=32, hooks=[Recorder()])
    return f"20 hidden layers + batch norm, accuracy {hist.accuracy[-1]:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    np.random.seed(0)  # nothing uses the global generator; this only makes that obvious
    for name, fn in [("XOR, 300 epochs full batch (chapter 2)", xor_run),
                     ("dying ReLU, 2x64 ReLU, 50 epochs, Recorder (chapter 7)", dying_relu_run),
                     ("gradient flow, sigmoid/tanh/relu at depth 5/10/20 (chapter 9)", gradflow_run),
                     ("training 20 layers with batch norm + Recorder, 30 epochs (chapter 9)", deep_training_run)]:
        seconds, result = best(fn, args.repeat)
        print(f"{name}: {seconds * 1000:.0f} ms  ({result})")


if __name__ == "__main__":
    main()
