"""ex08 and ex09's references, checked independently: finite differences, the teaching network's
GatedFeedForward block, and the fully masked row against PyTorch's definition written out."""
from __future__ import annotations

import numpy as np
import pytest

from actlab.blocks import GatedFeedForward
from actlab.exercises import ex08, ex09


def test_ex08_reference_matches_finite_differences_and_the_block():
    rng = np.random.default_rng(3)
    for n in (None, 3):
        x, W_in, W_out = ex08.random_block(rng, n, 5, 4)
        g = rng.normal(size=x.shape)
        numeric = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[idx] = 1e-6
            numeric[idx] = np.sum(g * (ex08.reference_ffn(x + e, W_in, W_out) - ex08.reference_ffn(x - e, W_in, W_out))) / 2e-6
        np.testing.assert_allclose(ex08.reference_grad(x, W_in, W_out, g), numeric, rtol=1e-6, atol=1e-9)
    block = GatedFeedForward(5, 4, "swiglu", rng=0)
    x = rng.normal(size=(3, 5))
    g = rng.normal(size=(3, 5))
    np.testing.assert_allclose(ex08.reference_ffn(x, block.params["W_in"], block.params["W_out"]), block.forward(x))
    np.testing.assert_allclose(ex08.reference_grad(x, block.params["W_in"], block.params["W_out"], g), block.backward(g))


def test_ex08_saturated_cases_reach_minus_1000():
    x, W_in, W_out = ex08.saturated_block(np.random.default_rng(0), 3, 4, 5)
    b = (x @ W_in)[:, 5:]
    assert b.min() == pytest.approx(-1000.0) and b.max() == pytest.approx(1000.0)
    with np.errstate(over="ignore"):
        naive = (x @ W_in)[:, :5] * b / (1 + np.exp(-b))
    assert np.isfinite(ex08.reference_ffn(x, W_in, W_out)).all() and np.isfinite(naive).all()


def test_ex08_widths_and_counts():
    assert [c.expected for c in ex08.public_cases() if c.function == "swiglu_width"] == [2048, 11008]
    assert [c.expected for c in ex08.public_cases() if c.function == "ffn_params"] == [4718592, 4718592]


def _pytorch_safe_softmax(scores, mask, scale):
    """PyTorch's SDPA (its _safe_softmax): softmax with -inf where masked, rows all -inf set to 0."""
    z = np.where(mask, scale * np.asarray(scores, np.float64), -np.inf)
    out = np.zeros_like(z)
    for i, row in enumerate(z):
        if np.all(row == -np.inf):
            continue
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


def test_ex09_reference_matches_the_definition_in_every_case():
    for case in ex09.public_cases() + ex09.hidden_cases(np.random.default_rng(5)):
        if case.function != "attention_softmax":
            continue
        scores = case.args[0]
        mask = case.args[1] if len(case.args) > 1 and case.args[1] is not None else np.ones(scores.shape, bool)
        scale = case.args[2] if len(case.args) > 2 else 1.0
        rtol = 2e-3 if scores.dtype == np.float16 else 1e-5 if scores.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(case.expected.astype(np.float64), _pytorch_safe_softmax(scores, mask, scale),
                                   rtol=rtol, atol=1e-3 if scores.dtype == np.float16 else 1e-15, err_msg=case.id)
        assert case.expected.dtype == scores.dtype


def test_ex09_float16_attention_case_overflows_in_float16():
    case = [c for c in ex09.hidden_cases(np.random.default_rng(0)) if "65504" in c.id and c.function == "attention"][0]
    q, k = case.args[0], case.args[1]
    with np.errstate(over="ignore"):
        assert np.isinf(q @ k.T).any()  # what computing in float16 gives
    assert np.isfinite(case.expected).all() and case.expected.dtype == np.float16
