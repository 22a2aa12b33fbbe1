"""A small exercise for the grader's tests (the real ones live in actlab.exercises).

Two functions: ``double(x) = 2 x`` and ``softsign(x) = x / (1 + |x|)``; 2 public and 2 hidden
cases each, one point per case (max 8).
"""
import numpy as np

from actlab.exercises.cases import Case

NAME = "fake"
FUNCTIONS = ("double", "softsign")
TITLE = {"ko": "연습용 과제", "en": "Practice exercise"}


def _double(x):
    return 2 * x


def _softsign(x):
    return x / (1 + np.abs(x))


def _cases(prefix, inputs):
    out = []
    for k, x in enumerate(inputs):
        out.append(Case(f"{prefix}-double-{k}", "double", (x,), _double(x), arg_names=("x",)))
        out.append(Case(f"{prefix}-softsign-{k}", "softsign", (x,), _softsign(x), arg_names=("x",)))
    return out


def public_cases():
    return _cases("public", [np.array([-1.0, 0.0, 2.0]), np.linspace(-3, 3, 7)])


def hidden_cases(rng):
    return _cases("hidden", [rng.normal(size=5) * 100, rng.uniform(-1e3, 1e3, size=(2, 3))])
