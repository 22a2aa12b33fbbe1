r"""ex05 (after chapter 7): the sparsity and the dead units of a ReLU layer.

Given pre-activations ``z`` of shape ``(batch, units)`` (row = one input, column = one unit), the
student writes

* ``sparsity(z)``: the fraction of entries of ReLU(z) that are exactly 0 (that is, z <= 0);
* ``dead_units(z)``: a boolean array of shape ``(units,)``, True for a unit whose ReLU output is 0
  for every input in the batch;
* ``dead_fraction(z)``: the fraction of dead units.

Hidden cases: random layers with negative biases, an all-negative layer (everything dead), an
all-positive one, exact zeros (ReLU(0) = 0, so z = 0 counts as zero), a batch of one, float32.
"""
from __future__ import annotations

import numpy as np

from .cases import Case

SLUG = "ex05_sparsity"
FUNCTIONS = ("sparsity", "dead_units", "dead_fraction")
TITLE = {"ko": "ReLU 층의 희소성과 죽은 유닛", "en": "Sparsity and dead units of a ReLU layer"}

HINTS = {
    "sparsity": {"ko": "ReLU(z)가 0인 곳은 z <= 0인 곳입니다 (z = 0 포함). 전체 원소 중 그 비율을 float로 돌려주세요.",
                 "en": "ReLU(z) is 0 exactly where z <= 0 (z = 0 included); return that fraction of all entries as a float."},
    "dead_units": {"ko": "열(column) 하나가 유닛 하나입니다. 배치의 모든 행에서 z <= 0인 열이 죽은 유닛입니다: "
                         "np.all(..., axis=0). 결과는 bool 배열입니다.",
                   "en": "one column is one unit; a unit is dead when z <= 0 in every row of the batch: "
                         "np.all(..., axis=0). The result is a boolean array."},
    "dead_fraction": {"ko": "죽은 유닛의 수를 전체 유닛 수로 나누세요.", "en": "the number of dead units over the number of units."},
}


def _reference(function, z):
    off = np.asarray(z) <= 0
    if function == "sparsity":
        return float(off.mean())
    dead = off.all(axis=0)
    return dead if function == "dead_units" else float(dead.mean())


def case(name, function, z, points=1.0):
    return Case(f"{function}/{name}", function, (z,), _reference(function, z), points=points, arg_names=("z",),
                rtol=1e-12, atol=1e-12, check_dtype=function == "dead_units", hint=HINTS[function])


def public_z():
    """A batch of 4 inputs through a layer of 5 units; units 1 and 4 never fire."""
    return np.array([
        [1.5, -0.5, -2.0, 0.3, -1.0],
        [-0.2, -1.0, 0.7, 1.1, -0.1],
        [0.4, -2.5, -0.3, -0.6, -3.0],
        [-1.0, -0.1, 1.2, 0.2, -0.4],
    ])


def public_cases() -> list[Case]:
    z = public_z()
    healthy = np.array([[0.5, -1.0, 2.0], [-0.5, 1.0, -2.0]])
    cases = []
    for f in FUNCTIONS:
        cases.append(case("example", f, z))
        cases.append(case("no-dead-units", f, healthy))
    return cases


def hidden_cases(rng: np.random.Generator) -> list[Case]:
    batch, units = (int(v) for v in rng.integers(20, 60, size=2))
    bias = np.where(rng.random(units) < 0.3, -6.0, rng.normal(size=units))
    layer = rng.normal(size=(batch, units)) + bias
    zeros = np.round(rng.normal(size=(6, 5)))  # many exact zeros
    zeros[:, 2] = np.minimum(zeros[:, 2], 0) * 0  # a unit whose z is exactly 0 throughout: dead
    cases = []
    for f in FUNCTIONS:
        cases.append(case("hidden-random-layer", f, layer, points=2))
        cases.append(case("hidden-all-negative", f, -np.abs(rng.normal(size=(7, 4))) - 0.1))
        cases.append(case("hidden-all-positive", f, np.abs(rng.normal(size=(3, 6))) + 0.1))
        cases.append(case("hidden-exact-zeros", f, zeros, points=2))
        cases.append(case("hidden-batch-of-one", f, rng.normal(size=(1, 8))))
        cases.append(case("hidden-float32", f, layer[:10].astype(np.float32)))
        cases.append(case("hidden-one-unit", f, rng.normal(size=(5, 1)) - 1))
    return cases
