"""ex08 and ex09 under the grader: a submission whose function calls the library's own
implementation scores 0 for it (the delegation rule), and so does a function that calls it (ex09's
attention uses the student's attention_softmax); the honest functions keep their points."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from actlab.grade import Limits, Settings, grade_batch

ROOT = Path(__file__).resolve().parents[2]

DELEGATING = {
    "ex08": (("swiglu_ffn",), "def swiglu_ffn(x, W_in, W_out):\n    return actlab.swiglu(x @ W_in) @ W_out\n"),
    "ex09": (("attention_softmax", "attention"),
             "def attention_softmax(scores, mask=None, scale=1.0):\n"
             "    return actlab.attention_softmax(scores, mask, scale=scale)\n"),
}


@pytest.mark.parametrize("ex", sorted(DELEGATING))
def test_delegating_to_the_library_scores_zero(ex, tmp_path):
    key = sorted((ROOT / "exercises" / "solutions" / "en").glob(f"{ex}_*.ipynb"))[0]
    nb = nbformat.read(key, as_version=4)
    zeroed, code = DELEGATING[ex]
    nb.cells.append(nbformat.v4.new_code_cell(code))
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(nb, subs / "delegating.ipynb")
    (subs / "key.ipynb").write_bytes(key.read_bytes())
    rows = {r["submission"]: r for r in grade_batch(ex, [subs], tmp_path / "grades.csv", workers=2, seed=3,
                                                   settings=Settings(Limits(timeout=20)))}
    assert rows["key"]["score"] == rows["key"]["max_score"], rows["key"]
    scores = dict(item.split("=") for item in rows["delegating"]["functions"].split(";"))
    key_scores = dict(item.split("=") for item in rows["key"]["functions"].split(";"))
    for name, value in scores.items():
        if name in zeroed:
            assert value.startswith("0/"), rows["delegating"]
        else:  # the other functions keep their points
            assert value == key_scores[name], rows["delegating"]
    feedback = (tmp_path / "grades_feedback" / "delegating.txt").read_text(encoding="utf-8")
    assert "actlab" in feedback
