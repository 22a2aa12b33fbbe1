"""The generated exercise notebooks agree with their source, with each other, and with the checks.

* the answer key (exercises/solutions/{ko,en}/) has the source's cells, in the notebook's language;
* the student notebook (exercises/{ko,en}/) is the key with every solution region replaced by
  ``raise NotImplementedError`` and nothing else changed: a student notebook out of date with its key fails;
* the key's stored check outputs are what the checks print today (nbval re-runs them too, in CI),
  and show every public check passing without claiming more; the student's show 0 passed.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from exercise_sources import ROOT, cells, namespace

import actlab
from actlab import exercises

LANGS = ("ko", "en")
GENERATOR = ROOT / "tools" / "build_notebooks.py"
PAIRS = [(e, lang) for e in sorted(exercises.EXERCISES) for lang in LANGS]


def _paths(exercise_id, lang):
    name = exercises.get(exercise_id).SLUG + ".ipynb"
    return ROOT / "exercises" / "solutions" / lang / name, ROOT / "exercises" / lang / name


def _load(path: Path) -> dict:
    if not path.exists():
        if not GENERATOR.exists():
            pytest.skip("tools/build_notebooks.py does not exist yet")
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `python3 make.py notebooks exercises`")
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def _text_outputs(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append("".join(o["text"]) if isinstance(o["text"], list) else o["text"])
        elif "data" in o:
            t = o["data"].get("text/plain", "")
            out.append("".join(t) if isinstance(t, list) else t)
        elif o.get("output_type") == "error":
            out.append("Traceback " + o.get("ename", ""))
    return "".join(out)


def _body(nb) -> list[dict]:
    """The notebook's cells after the generated setup cell (the only one allowed to differ by language)."""
    return nb["cells"][1:]


def _source_cells(exercise_id, lang) -> list[tuple[str, str, str]]:
    """(cell_type, role, text) of the source's cells for one language, in order."""
    out = []
    for kind, text in cells(exercise_id, lang):
        words = kind.split()
        if words[0] == "md":
            if lang in words[1:]:
                out.append(("markdown", "md", text))
        else:
            out.append(("code", words[1] if len(words) > 1 else "plain", text))
    return out


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[^\n]*", re.M | re.S)
_RAISE = re.compile(r"^([ \t]*)raise NotImplementedError  # ([^\n]+)$", re.M)


def _without_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


@pytest.mark.parametrize("exercise_id,lang", PAIRS)
def test_key_follows_its_source(exercise_id, lang):
    key = _load(_paths(exercise_id, lang)[0])
    expected = _source_cells(exercise_id, lang)
    body = _body(key)
    assert len(body) == len(expected), "answer key out of date: run `python3 make.py notebooks exercises/src`"
    for cell, (kind, role, text) in zip(body, expected):
        assert cell["cell_type"] == kind
        want = _without_markers(text) if role == "solution" else text
        assert _norm(_src(cell)) == _norm(want), "answer key out of date: run `python3 make.py notebooks exercises/src`"
        if role in ("solution", "check"):
            assert role in cell["metadata"].get("tags", [])
    setup = _src(key["cells"][0])
    assert "import actlab" in setup and f'"{lang}"' in setup


@pytest.mark.parametrize("exercise_id,lang", PAIRS)
def test_student_notebook_is_the_key_with_solutions_stripped(exercise_id, lang):
    key_path, student_path = _paths(exercise_id, lang)
    key, student = _load(key_path), _load(student_path)
    expected = _source_cells(exercise_id, lang)
    assert len(student["cells"]) == len(key["cells"]), "student notebook out of date with its key"
    assert _src(key["cells"][0]) == _src(student["cells"][0])
    stubs = 0
    for k, s, (kind, role, text) in zip(_body(key), _body(student), expected):
        assert k["cell_type"] == s["cell_type"] == kind
        if role != "solution":
            assert _src(k) == _src(s), "student notebook out of date with its key"
            continue
        ss = _src(s)
        assert "SOLUTION" not in ss
        comments = [c for _, c in _RAISE.findall(ss)]
        assert len(comments) == text.count("### BEGIN SOLUTION")
        if lang == "ko":
            assert all(re.search("[가-힣]", c) for c in comments), "the stub comment is in Korean"
        stubs += len(comments)
        assert _norm(_RAISE.sub(r"\1raise NotImplementedError", ss)) == \
            _norm(_REGION.sub(r"\1raise NotImplementedError", text)), "student notebook out of date with its key"
        assert "solution" in s["metadata"].get("tags", [])
        # the student's version still defines every function, so the check cells can name it
        compile(ss, "<stub>", "exec")
    assert stubs == len(exercises.get(exercise_id).FUNCTIONS)


def _check_cells(nb):
    return [c for c in _body(nb) if c["cell_type"] == "code" and "actlab.exercises.check(" in _src(c)]


@pytest.mark.parametrize("exercise_id,lang", PAIRS)
def test_stored_check_outputs(exercise_id, lang):
    key_path, student_path = _paths(exercise_id, lang)
    key, student = _load(key_path), _load(student_path)
    ns_key, ns_student = namespace(exercise_id), namespace(exercise_id, student=True)
    checked = set()
    before = actlab.get_language()
    actlab.set_language(lang)
    try:
        for nb, ns, is_key in ((key, ns_key, True), (student, ns_student, False)):
            for cell in _check_cells(nb):
                assert "check" in cell.get("metadata", {}).get("tags", []), "check cells carry the tag `check`"
                stored = _text_outputs(cell)
                fresh = io.StringIO()
                with contextlib.redirect_stdout(fresh):
                    exec(compile(_src(cell), "<check cell>", "exec"), {**ns, "actlab": actlab})  # noqa: S102
                assert stored == fresh.getvalue(), "stored check output differs from what the check prints now"
                last = stored.strip().splitlines()[-1]
                m = re.search(r"(\d+)/(\d+) public checks passed", last) or re.search(r"공개 검사 (\d+)개 중 (\d+)개를", last)
                assert m, last
                passed, total = (int(m.group(1)), int(m.group(2))) if lang == "en" else (int(m.group(2)), int(m.group(1)))
                assert passed == (total if is_key else 0)
                assert ("More checks run at grading time." if lang == "en" else "채점할 때는 검사가 더 실행됩니다.") in last
                lowered = stored.lower()
                assert "all tests passed" not in lowered and "traceback" not in lowered
                if is_key:
                    checked.update(re.findall(r"^✓ (\w+)/", stored, re.M))
    finally:
        actlab.set_language(before)
    assert checked == set(exercises.get(exercise_id).FUNCTIONS), "every function has a check cell in the key"


@pytest.mark.parametrize("exercise_id,lang", PAIRS)
def test_no_cell_stores_an_error(exercise_id, lang):
    for path in _paths(exercise_id, lang):
        nb = _load(path)
        for cell in nb["cells"]:
            for o in cell.get("outputs", []):
                assert o.get("output_type") != "error", f"{path.name}: a cell raised {o.get('ename')}"
