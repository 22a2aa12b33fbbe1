"""actlab against what PyTorch itself returned (tests/lib/data/torch_reference.npz, written by
make_torch_reference.py beside it with torch 2.13.0 on the CPU; PyTorch is not needed here):
softmax's NaN and scaled_dot_product_attention's zeros for a fully masked row, F.glu's split,
F.logsigmoid in both tails, F.layer_norm's and F.rms_norm's default eps."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import actlab

REF = np.load(Path(__file__).parent / "data" / "torch_reference.npz")


def test_reference_was_written_by_pytorch():
    assert str(REF["torch_version"]).startswith("2.")


def test_softmax_is_nan_on_a_fully_masked_row_like_torch_softmax():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = actlab.softmax(REF["softmax_in"])
    np.testing.assert_allclose(ours, REF["softmax_out"], rtol=1e-15, atol=0)  # NaN in the same places
    assert np.isnan(REF["softmax_out"][1]).all()


@pytest.mark.parametrize("scale,key", [(None, "sdpa_out"), (0.3, "sdpa_out_scale")])
def test_attention_matches_torch_sdpa_with_a_fully_masked_query(scale, key):
    got = actlab.scaled_dot_product_attention(REF["sdpa_q"], REF["sdpa_k"], REF["sdpa_v"], REF["sdpa_mask"], scale=scale)
    np.testing.assert_allclose(got, REF[key], rtol=1e-12, atol=1e-15)
    assert np.all(REF[key][2] == 0)  # PyTorch's own output: zeros for the query that sees nothing


def test_glu_splits_like_torch():
    x = REF["glu_in"]
    np.testing.assert_allclose(actlab.glu(x), REF["glu_out_last"], rtol=1e-15)
    np.testing.assert_allclose(actlab.glu(x[:2], axis=0), REF["glu_out_first"], rtol=1e-15)


def test_log_sigmoid_matches_torch_in_both_tails():
    ours = actlab.log_sigmoid(REF["logsigmoid_in"])
    # within one subnormal step: at x = 745 the exact value -e^-745 is the smallest subnormal, which
    # actlab keeps and PyTorch (2.13, CPU) returns as 0
    np.testing.assert_allclose(ours, REF["logsigmoid_out"], rtol=1e-15, atol=5e-324)
    assert ours[REF["logsigmoid_in"] == 745.0][0] == -5e-324


def test_norms_use_torchs_default_eps():
    y = REF["norm_in"]
    np.testing.assert_allclose(actlab.layer_norm(y), REF["layer_norm_out"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(actlab.rms_norm(y), REF["rms_norm_out"], rtol=1e-12)
    # eps=None is the dtype's machine epsilon: visible on float32 rows of size 1e-3
    np.testing.assert_allclose(actlab.rms_norm(REF["norm_in32"]), REF["rms_norm_out32"], rtol=2e-6)
    assert not np.allclose(actlab.rms_norm(REF["norm_in32"], eps=1e-6), REF["rms_norm_out32"], rtol=2e-6)
