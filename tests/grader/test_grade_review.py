"""What an instructor's review of a fake class found (each test failed before its fix):
an oversized return value, a hang or a crash in a late cell, code in the setup cell, the wrong
exercise's notebook, misnamed files, an interrupted run exported, Canvas's "Points Possible" row,
and the seed on the grader's command line."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from actlab.grade import Limits, Settings, UsageError, grade_batch
from actlab.grade.core import collect, csv_bytes, manifest_path
from actlab.grade.lms import export_grades
from actlab.grade.report import write_report

from grader_notebooks import FAKE, GOOD, notebook, write

TIMEOUT = 5.0
SETUP_WITH_ANSWERS = ("import os, subprocess, sys\ntry:\n    import google.colab  # noqa: F401\nexcept ImportError:\n"
                      "    pass\nimport actlab\nactlab.notebook.setup(\"en\")\n"
                      "import numpy as np\nSCALE = 2\n\ndef double(x):\n    return SCALE * x\n\n"
                      "def softsign(x):\n    return x / (1 + np.abs(x))\n")


def _answers_in_setup_cell() -> str:
    cells = [new_code_cell(SETUP_WITH_ANSWERS), new_markdown_cell("# Practice"), new_code_cell("print('hi')")]
    return nbformat.writes(new_notebook(cells=cells))


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    subs = root / "subs"
    subs.mkdir()
    names = {
        # a mistaken broadcast: 7 to 17 MB per call, more than the 16 MB output limit together
        "huge_value": notebook(["import numpy as np",
                                "def double(x):\n    return 2 * x * np.ones((300000,) + np.shape(x))",
                                GOOD[2]]),
        # the functions are right (cells 3-5), then cell 6 never ends or crashes the interpreter
        "loop_after": notebook([*GOOD, "while True:\n    pass"]),
        "segfault_after": notebook([*GOOD, "import ctypes\nctypes.string_at(0)"]),
        # a cell that swallows every interruption: the time limit kills the process, the rerun grades
        "stubborn_after": notebook([*GOOD, "import time\nwhile True:\n    try:\n        time.sleep(10)\n"
                                           "    except BaseException:\n        pass"]),
        "setup_answers": _answers_in_setup_cell(),
        "other_exercise": notebook(["import numpy as np", "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))"]),
    }
    for name, text in names.items():
        write(subs, name, text)
    warnings = []
    rows = grade_batch(FAKE, [subs], root / "out" / "grades.csv", workers=2, seed=7, warn=warnings.append,
                       settings=Settings(Limits(timeout=TIMEOUT, memory_mb=768)))
    return {"rows": {r["submission"]: r for r in rows}, "warnings": warnings,
            "feedback": root / "out" / "grades_feedback", "root": root}


def _feedback(review, name):
    return (review["feedback"] / f"{name}.txt").read_text(encoding="utf-8")


def test_an_oversized_return_value_fails_its_check_only(review):
    row = review["rows"]["huge_value"]
    assert (row["status"], row["functions"]) == ("ok", "double=0/4;softsign=4/4"), row
    assert "too_large" in row["flags"].split(";")
    assert "돌려준 값이 너무 큽니다" in _feedback(review, "huge_value")


def test_oversized_values_summing_over_the_cases_do_not_end_the_run(tmp_path):
    # each value (about 0.9 MB) is under the per-check bound, but together they are more than
    # the 2 MB the results may take: the checks past their share fail, the run and softsign go on
    write(tmp_path, "medium", notebook(["import numpy as np",
                                        "def double(x):\n    return 2 * x + np.zeros((110000, 1))", GOOD[2]]))
    rows = grade_batch(FAKE, [tmp_path / "medium.ipynb"], tmp_path / "o" / "g.csv", workers=1, warn=lambda t: None,
                       settings=Settings(Limits(timeout=TIMEOUT, memory_mb=768, output_mb=2)))
    assert (rows[0]["status"], rows[0]["functions"]) == ("ok", "double=0/4;softsign=4/4"), rows[0]


def test_a_cell_that_never_ends_after_the_functions_keeps_their_points_and_is_named(review):
    row = review["rows"]["loop_after"]
    assert (row["status"], row["score"]) == ("timeout", "8"), row
    text = _feedback(review, "loop_after")
    assert "셀 6 (1번째 줄): 셀 실행에 쓸 수 있는 2.5초를 넘어 멈췄습니다" in text  # the loop's line
    assert "노트북을 실행하는 동안 생긴 문제" in text and "셀 번호는 노트북 맨 위 셀을 1로" in text


@pytest.mark.parametrize("name, status, how", [("segfault_after", "error", "SIGSEGV"),
                                               ("stubborn_after", "timeout", "제한 시간 5초")])
def test_a_crash_or_kill_in_a_late_cell_keeps_the_functions_before_it(review, name, status, how):
    row = review["rows"][name]
    assert (row["status"], row["score"]) == (status, "8"), row
    assert "cell_crash" in row["flags"].split(";")
    text = _feedback(review, name)
    assert "셀 6: 이 셀을 실행하다가 프로세스가 끝났습니다" in text and how in text


def test_answers_written_in_the_setup_cell_are_graded_and_said(review):
    row = review["rows"]["setup_answers"]
    assert (row["status"], row["score"]) == ("ok", "8"), row
    assert "setup_code" in row["flags"].split(";")
    text = _feedback(review, "setup_answers")  # the notebook is in English
    assert "cell 1 is the setup cell, which grading does not run: only the definitions in it (SCALE, double, softsign)" in text


def test_another_exercises_notebook_is_flagged(review):
    row = review["rows"]["other_exercise"]
    assert (row["score"], "no_functions" in row["flags"].split(";")) == ("0", True), row
    assert "채점하는 함수(double, softsign)가 하나도 정의되어 있지 않습니다" in row["feedback"]
    assert not any("define none of the graded functions" in w for w in review["warnings"])  # 1 of 6: no class warning


def test_a_class_of_another_exercise_gets_a_warning(tmp_path):
    for sid in ("a", "b"):
        write(tmp_path, sid, notebook(["def sigmoid(x):\n    return x"]))
    write(tmp_path, "c", notebook(GOOD))
    warnings = []
    (tmp_path / "o" / "g_feedback").mkdir(parents=True)
    (tmp_path / "o" / "g_feedback" / "gone.txt").write_text("from an earlier run")
    grade_batch(FAKE, [tmp_path], tmp_path / "o" / "g.csv", workers=2, warn=warnings.append,
                settings=Settings(Limits(timeout=TIMEOUT)))
    assert any("2 of 3 notebooks define none of the graded functions (double, softsign)" in w for w in warnings), warnings
    assert any("1 file(s) in" in w and "gone.txt" in w for w in warnings), warnings  # a stale feedback file is named


def test_misnamed_files_are_listed_and_an_empty_folder_is_an_error(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "20240013.IPYNB").write_text(notebook(GOOD), encoding="utf-8")
    (subs / "20240009.ipynb.txt").write_text(notebook(GOOD), encoding="utf-8")
    (subs / "notes").mkdir()
    (subs / "notes" / "readme.md").write_text("x")
    skipped = []
    assert list(collect([subs], skipped=skipped)) == ["20240013"]
    assert sorted(Path(p).name for p in skipped) == ["20240009.ipynb.txt", "readme.md"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError, match="no notebooks"):
        collect([empty])
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(empty), "--out", str(tmp_path / "g.csv")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "no notebooks (.ipynb) found" in proc.stderr, proc.stderr


def test_the_duplicate_id_message_follows_the_id_rule(tmp_path):
    for folder in ("x/20240001", "y/20240001"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "ex02.ipynb").write_text("{}")
    with pytest.raises(UsageError, match="name of the folder holding the notebook"):
        collect([tmp_path / "x", tmp_path / "y"], id_from="parent")


def _graded_csv(tmp_path, ids, graded, shard=(1, 1)):
    out = tmp_path / "g.csv"
    rows = [{"submission": s, "exercise": "ex02", "score": "10", "max_score": "48", "status": "ok", "feedback": "",
             "functions": "", "failed_checks": "", "flags": ""} for s in graded]
    out.write_bytes(csv_bytes(rows))
    manifest_path(out).write_text(json.dumps({"format": 1, "exercise": "ex02", "shard": list(shard), "ids": ids}))
    return out


def test_export_and_report_refuse_an_interrupted_run(tmp_path):
    grades = _graded_csv(tmp_path, ["s1", "s2", "s3"], ["s1"])
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,Username\ns1,u1\ns2,u2\ns3,u3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="is incomplete: 2 of its 3 submissions have no row"):
        export_grades(grades, roster, tmp_path / "m.csv", lms="moodle", missing="zero")
    with pytest.raises(UsageError, match="is incomplete"):
        write_report(grades, tmp_path / "r.html")
    assert export_grades(grades, roster, tmp_path / "m.csv", lms="moodle", missing="zero", allow_incomplete=True) == 3
    shard = _graded_csv(tmp_path, ["s1"], ["s1"], shard=(1, 2))
    with pytest.raises(UsageError, match="shard 1/2"):
        write_report(shard, tmp_path / "r.html")


def test_canvas_points_possible_row_is_not_a_student(tmp_path):
    grades = _graded_csv(tmp_path, ["20240001"], ["20240001"])
    roster = tmp_path / "roster.csv"
    roster.write_text('Student,ID,SIS User ID,SIS Login ID,Section,Exercise 2 (123456),submission\n'
                      '    Points Possible,,,,,48,\n'
                      '"Student, Test",9999,,,AF 101,,\n'
                      '"Doe, Jane",1001,20240001,jdoe,AF 101,,20240001\n', encoding="utf-8")
    out = tmp_path / "canvas.csv"
    assert export_grades(grades, roster, out, lms="canvas", missing="zero") == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "    Points Possible,,,,,48" and lines[2:] == ['"Doe, Jane",1001,20240001,jdoe,AF 101,10']


def test_the_seed_is_not_on_the_graders_command_line(tmp_path):
    secret = "my-secret-seed-value"
    reader = ("import os\ntext = open(f'/proc/{os.getppid()}/cmdline', 'rb').read().replace(b'\\0', b' ').decode()\n"
              "raise ValueError('PARENT ' + text)")
    write(tmp_path, "spy", notebook([reader, *GOOD]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTLAB_GRADE_SEED")}
    out = tmp_path / "g.csv"
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(tmp_path / "spy.ipynb"), "--out", str(out),
                           "--isolation", "builtin", "--timeout", str(TIMEOUT), "--seed", secret],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "hidden checks' seed from --seed" in proc.stderr
    text = (tmp_path / "g_feedback" / "spy.txt").read_text(encoding="utf-8")
    assert "PARENT " in text and "actlab.grade" in text  # it did read the grader's command line
    assert secret not in text and secret not in out.read_text(encoding="utf-8")
    with open(out, newline="", encoding="utf-8") as fh:
        assert next(csv.DictReader(fh))["score"] == "8"


def test_the_seed_source_is_said_and_a_default_seed_warned(tmp_path):
    write(tmp_path, "a", notebook(GOOD))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTLAB_GRADE_SEED")}
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(tmp_path / "a.ipynb"),
                           "--out", str(tmp_path / "g.csv"), "--timeout", str(TIMEOUT)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0 and "no seed given" in proc.stderr and "default seed 0" in proc.stderr, proc.stderr
    assert "0 reused from the journal of an earlier run, 1 graded now" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(tmp_path / "a.ipynb"),
                           "--out", str(tmp_path / "g.csv"), "--timeout", str(TIMEOUT)],
                          capture_output=True, text=True, timeout=120, env={**env, "ACTLAB_GRADE_SEED": "0"})
    assert "seed from $ACTLAB_GRADE_SEED" in proc.stderr and "1 reused from the journal of an earlier run, 0 graded now" in proc.stderr, proc.stderr


def test_workers_0_names_only_the_wrong_option(tmp_path):
    write(tmp_path, "a", notebook(GOOD))
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(tmp_path), "--out", str(tmp_path / "g.csv"),
                           "--workers", "0"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--workers must be >= 1, got 0" in proc.stderr
    assert "--timeout" not in proc.stderr and "--memory" not in proc.stderr, proc.stderr
