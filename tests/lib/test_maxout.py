"""maxout, maxout_argmax, maxout_grad: groups of k consecutive entries, ties to the lowest index."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from actlab import maxout, maxout_argmax, maxout_grad


def _loop_maxout(z, k):
    """Reference by explicit loops over a 1-d input."""
    units = len(z) // k
    values, winners = [], []
    for u in range(units):
        group = list(z[u * k:(u + 1) * k])
        best = 0
        for j in range(1, k):
            if group[j] > group[best]:  # strict: a tie keeps the earlier piece
                best = j
        values.append(group[best])
        winners.append(best)
    return np.array(values), np.array(winners)


@settings(max_examples=80)
@given(st.integers(1, 5), st.integers(1, 6), st.data())
def test_matches_a_loop_reference_with_many_ties(k, units, data):
    # small integers make ties common, which is where the rule matters
    z = data.draw(hnp.arrays(np.float64, k * units, elements=st.integers(-2, 2).map(float)))
    values, winners = _loop_maxout(z, k)
    np.testing.assert_array_equal(maxout(z, k), values)
    np.testing.assert_array_equal(maxout_argmax(z, k), winners)
    g = data.draw(hnp.arrays(np.float64, units, elements=st.floats(-10, 10)))
    grad = maxout_grad(z, k, g)
    expect = np.zeros_like(z)
    expect[np.arange(units) * k + winners] = g
    np.testing.assert_array_equal(grad, expect)


def test_ties_go_to_the_lowest_index():
    z = np.array([3.0, 3.0, 3.0, 1.0, 5.0, 5.0])
    assert maxout_argmax(z, k=3).tolist() == [0, 1]
    np.testing.assert_array_equal(maxout_grad(z, 3, [1.0, 2.0]), [1.0, 0, 0, 0, 2.0, 0])
    # ties between -0.0 and 0.0 are ties too
    assert maxout_argmax(np.array([-0.0, 0.0]), k=2).tolist() == [0]


def test_gradient_matches_finite_differences_off_ties():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 12))
    w = rng.normal(size=(3, 4))  # loss = sum(w * maxout(z, 3))
    grad = maxout_grad(z, 3, w)
    h = 1e-6
    fd = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        fd[idx] = (np.sum(w * maxout(zp, 3)) - np.sum(w * maxout(zm, 3))) / (2 * h)
    np.testing.assert_allclose(grad, fd, atol=1e-8)
    # the gradient is never split or duplicated: each unit's gradient lands once
    np.testing.assert_allclose(grad.reshape(3, 4, 3).sum(-1), w)
    assert np.count_nonzero(grad) == w.size


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_axis(axis):
    rng = np.random.default_rng(1)
    shape = [4, 6, 8]
    z = rng.normal(size=shape)
    moved = np.moveaxis(z, axis, -1)
    expect = np.moveaxis(moved.reshape(moved.shape[:-1] + (-1, 2)).max(-1), -1, axis)
    np.testing.assert_array_equal(maxout(z, 2, axis=axis), expect)
    g = rng.normal(size=expect.shape)
    grad = maxout_grad(z, 2, g, axis=axis)
    assert grad.shape == z.shape
    # each winner gets its unit's gradient: sum of grad * z equals sum of g * maxout
    assert np.sum(grad * z) == pytest.approx(np.sum(g * expect))


def test_k_one_is_the_identity_and_k_equal_size_is_the_max():
    z = np.array([[1.0, -2.0, 3.0]])
    np.testing.assert_array_equal(maxout(z, 1), z)
    np.testing.assert_array_equal(maxout(z, 3), [[3.0]])


def test_maxout_can_equal_relu():
    # pieces (x, 0): maxout is ReLU; the course's exercise relies on this
    x = np.linspace(-3, 3, 13)
    z = np.stack([x, np.zeros_like(x)], axis=-1).reshape(-1)
    np.testing.assert_array_equal(maxout(z, 2), np.maximum(x, 0))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtypes(dtype):
    z = np.arange(6, dtype=dtype)
    assert maxout(z, 2).dtype == dtype
    assert maxout_grad(z, 2, np.ones(3, dtype=dtype)).dtype == dtype
    assert maxout([1, 2, 3, 4], 2).dtype == np.float64
    assert maxout_argmax(z, 2).dtype.kind == "i"


def test_nan_wins_its_group_and_takes_the_gradient():
    z = np.array([1.0, np.nan, 2.0, 0.0])
    out = maxout(z, 2)
    assert np.isnan(out[0]) and out[1] == 2
    assert maxout_argmax(z, 2).tolist() == [1, 0]
    np.testing.assert_array_equal(maxout_grad(z, 2, [5.0, 6.0]), [0.0, 5.0, 6.0, 0.0])


def test_infinities():
    z = np.array([-np.inf, -np.inf, np.inf, 1.0])
    np.testing.assert_array_equal(maxout(z, 2), [-np.inf, np.inf])
    assert maxout_argmax(z, 2).tolist() == [0, 0]
