"""The real exercises ex01..ex09: the answer key scores full marks, the student notebook 0, and a
key with one function broken scores partial.

Uses the generated notebooks (exercises/solutions/{ko,en}/, exercises/{ko,en}/) when they exist;
otherwise builds both from exercises/src/exNN_*.md the way the generator does (solution regions
become ``raise NotImplementedError`` in the student version).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from actlab.grade import Limits, Settings, grade_batch, load_exercise

from grader_notebooks import notebook, write

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = [f"ex0{i}" for i in range(1, 10)]


def _cells_from_source(path: Path, lang: str, student: bool) -> list[str]:
    cells, kind, lines = [], None, []
    for line in path.read_text(encoding="utf-8").splitlines() + ["%% end"]:
        if line.startswith("%% "):
            if kind and kind[0] == "code" and "check" not in kind and "explorer" not in kind:
                cells.append(_stub("\n".join(lines)) if student and "solution" in kind else "\n".join(lines))
            kind, lines = line[3:].split(), []
        else:
            lines.append(line)
    return cells


def _stub(code: str) -> str:
    return re.sub(r"^([ \t]*)### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*",
                  lambda m: f"{m.group(1)}raise NotImplementedError", code, flags=re.S | re.M)


def _notebooks(ex: str, tmp: Path) -> dict:
    """name -> path: key_ko, key_en, student_ko, student_en."""
    found = {}
    for lang in ("ko", "en"):
        for kind, folder in (("key", ROOT / "exercises" / "solutions" / lang), ("student", ROOT / "exercises" / lang)):
            hits = sorted(folder.glob(f"{ex}_*.ipynb"))
            if hits:
                found[f"{kind}_{lang}"] = hits[0]
    if len(found) == 4:
        return found
    sources = sorted((ROOT / "exercises" / "src").glob(f"{ex}_*.md"))
    if not sources:
        pytest.skip(f"no notebooks and no source for {ex} yet")
    for lang in ("ko", "en"):
        for kind in ("key", "student"):
            found[f"{kind}_{lang}"] = write(tmp, f"{kind}_{lang}",
                                            notebook(_cells_from_source(sources[0], lang, kind == "student"),
                                                     lang=lang, check_cell=False))
    return found


@pytest.mark.parametrize("ex", EXERCISES)
def test_answer_key_full_marks_student_zero_broken_partial(ex, tmp_path):
    if not (ROOT / "lib" / "actlab" / "exercises" / f"{ex}.py").exists():
        pytest.skip(f"actlab.exercises.{ex} does not exist yet")
    (tmp_path / "src").mkdir()
    books = _notebooks(ex, tmp_path / "src")
    exercise = load_exercise(ex, seed=7)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, path in books.items():
        (subs / f"{name}.ipynb").write_bytes(Path(path).read_bytes())
    # the answer key with its last function replaced by one that returns None
    import nbformat

    nb = nbformat.read(books["key_ko"], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"def {exercise.functions[-1]}(*args, **kwargs):\n    return None"))
    nbformat.write(nb, subs / "broken_ko.ipynb")
    rows = {r["submission"]: r for r in grade_batch(
        ex, [subs], tmp_path / "grades.csv", workers=2, seed=7, settings=Settings(Limits(timeout=20)))}
    top = rows["key_ko"]["max_score"]
    for lang in ("ko", "en"):
        key = rows[f"key_{lang}"]
        assert (key["status"], key["score"]) == ("ok", top), (key, (tmp_path / "grades_feedback" / f"key_{lang}.txt").read_text())
        student = rows[f"student_{lang}"]
        assert student["score"] == "0" and student["status"] == "ok", student
    broken = rows["broken_ko"]
    assert 0 < float(broken["score"]) < float(top), broken
    assert f"{exercise.functions[-1]}=0/" in broken["functions"]
