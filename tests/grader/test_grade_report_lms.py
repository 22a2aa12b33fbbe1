"""Where grades go: the class report (one offline HTML file) and the Canvas / Moodle gradebook export."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import pytest

from actlab.grade.core import COLUMNS, csv_bytes
from actlab.grade.report import class_summary, render


def _row(sid, score, status="ok", failed="", flags="", functions=None):
    return {"submission": sid, "exercise": "ex05", "score": str(score), "max_score": "10", "status": status,
            "feedback": f"summary of {sid}", "functions": functions or f"sparsity={min(score, 4)}/4;dead_units={max(score - 4, 0)}/6",
            "failed_checks": failed, "flags": flags}


ROWS = [_row("a", 10), _row("b", 10), _row("c", 6, failed="dead_units/example;dead_units/hidden-random-layer"),
        _row("d", 4, "error", failed="dead_units/example"), _row("e", 8, flags="cell_error"),
        _row("f", 0, "invalid"), _row("g", 2, "timeout", failed="dead_units/example")]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "actlab.grade", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_summary_counts_rates_and_the_submissions_that_need_a_look():
    s = class_summary(ROWS)
    assert s["counts"] == {"ok": 4, "error": 1, "timeout": 1, "invalid": 1}
    rates = {cid: rate for cid, rate, _ in s["checks"]}
    assert rates["dead_units/example"] == pytest.approx(1 - 3 / 6)  # of the 6 readable submissions
    assert s["checks"][0][0] == "dead_units/example"  # the most common mistake first
    from actlab.exercises import ex05

    assert len(s["checks"]) == len(ex05.public_cases()) + len(ex05.hidden_cases(__import__("numpy").random.default_rng(0)))
    assert rates[ex05.public_cases()[0].id] == 1.0  # a check nobody failed is listed too
    assert dict((cid, hidden) for cid, _, hidden in s["checks"])["dead_units/hidden-random-layer"] is True
    assert [r["submission"] for r in s["look"]] == ["d", "e", "f", "g"]  # not ok, or ok with a failing cell


def test_report_is_one_offline_html_file_with_an_svg_histogram(tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_bytes(csv_bytes(ROWS))
    out = tmp_path / "sub" / "report.html"
    proc = run("report", grades, "--out", out, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "<script" not in text and "<link" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing from another host
    assert re.search(r"<td class=\"s-ok\">ok</td><td class=\"n\">4</td>", text)
    bars = re.findall(r'<rect [^>]*><title>([^<]*)</title>', text)
    assert sum(int(t.rsplit(": ", 1)[1]) for t in bars) == len(ROWS)  # every score is in the figure
    assert "Submissions that need a look (4)" in text
    ko = render(ROWS, "ko")
    assert "살펴볼 제출물 (4개)" in ko and "숨은 검사" in ko


def test_report_refuses_a_journal_and_a_mixed_csv(tmp_path):
    journal = tmp_path / "g.csv.journal"
    journal.write_text('{"key": "x"}\n')
    proc = run("report", journal, "--out", tmp_path / "r.html")
    assert proc.returncode == 2 and "is a journal" in proc.stderr
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(csv_bytes([ROWS[0], {**ROWS[1], "exercise": "ex02"}]))
    proc = run("report", mixed, "--out", tmp_path / "r.html")
    assert proc.returncode == 2 and "several exercises" in proc.stderr


# -- LMS export --------------------------------------------------------------------------------

ROSTER = ("\ufeffsubmission,Student,ID,SIS User ID,SIS Login ID,Section,Email address,ID number\n"
          'a,"Kim, Ana",101,s1,ana,A,ana@uni.kr,2024001\n'
          "b,Lee Bo,102,s2,bo,A,bo@uni.kr,2024002\n"
          "c,Park Chan,103,s3,chan,B,chan@uni.kr,2024003\n")


@pytest.fixture
def graded(tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_bytes(csv_bytes(ROWS[:3]))
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")  # with the BOM a spreadsheet writes
    return grades, roster


def _read(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_canvas_gradebook_import(graded, tmp_path):
    grades, roster = graded
    out = tmp_path / "canvas.csv"
    proc = run("export", grades, "--roster", roster, "--lms", "canvas", "--out", out, "--column", "Exercise 5 (4242)")
    assert proc.returncode == 0, proc.stderr
    rows = _read(out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 5 (4242)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]
    assert rows[2:] == [["Kim, Ana", "101", "s1", "ana", "A", "10"], ["Lee Bo", "102", "s2", "bo", "A", "10"],
                        ["Park Chan", "103", "s3", "chan", "B", "6"]]


def test_moodle_gradebook_import(graded, tmp_path):
    grades, roster = graded
    out = tmp_path / "moodle.csv"
    assert run("export", grades, "--roster", roster, "--lms", "moodle", "--out", out).returncode == 0
    assert _read(out) == [["Email address", "ID number", "ex05"], ["ana@uni.kr", "2024001", "10"],
                          ["bo@uni.kr", "2024002", "10"], ["chan@uni.kr", "2024003", "6"]]


def test_students_missing_on_either_side_are_named(tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_bytes(csv_bytes([ROWS[0], ROWS[1], _row("zed", 3)]))  # zed is not in the roster, c has no row
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "out.csv"
    proc = run("export", grades, "--roster", roster, "--lms", "canvas", "--out", out)
    assert proc.returncode == 2 and not out.exists()
    assert "not in the roster: zed" in proc.stderr and "no graded submission: c" in proc.stderr, proc.stderr
    grades.write_bytes(csv_bytes([ROWS[0], ROWS[1]]))  # only c is missing now
    assert run("export", grades, "--roster", roster, "--lms", "moodle", "--out", out, "--missing", "blank").returncode == 0
    assert _read(out)[-1] == ["chan@uni.kr", "2024003", ""]
    assert run("export", grades, "--roster", roster, "--lms", "moodle", "--out", out, "--missing", "zero").returncode == 0
    assert _read(out)[-1] == ["chan@uni.kr", "2024003", "0"]


def test_a_roster_without_the_ids_the_lms_needs_is_refused(graded, tmp_path):
    grades, _ = graded
    roster = tmp_path / "names.csv"
    roster.write_text("submission,Student\na,Ana\nb,Bo\nc,Chan\n", encoding="utf-8")
    proc = run("export", grades, "--roster", roster, "--lms", "moodle", "--out", tmp_path / "o.csv")
    assert proc.returncode == 2 and "Email address" in proc.stderr
    roster.write_text("name,Email address\nAna,a@x\n", encoding="utf-8")
    proc = run("export", grades, "--roster", roster, "--lms", "moodle", "--out", tmp_path / "o.csv")
    assert proc.returncode == 2 and "no 'submission' column" in proc.stderr


def test_columns_are_the_contract_then_the_report_columns():
    assert COLUMNS == ("submission", "exercise", "score", "max_score", "status", "feedback", "functions",
                       "failed_checks", "flags")
