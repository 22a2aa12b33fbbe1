"""Export a graded class to a learning management system's gradebook import (Canvas, Moodle).

    actlab-grade export grades/ex02.csv --roster roster.csv --lms canvas --out canvas_ex02.csv

The grader knows students by file name (the ``submission`` column); the gradebook knows them by
its own ids. The instructor's **roster** (CSV, UTF-8) maps one to the other: a ``submission``
column, plus the columns the LMS identifies students by, named as the LMS names them:

* **Canvas** (Grades → Import): ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``
  - the first columns of Canvas's own gradebook export, so the simplest roster is that export with a
  ``submission`` column added. At least one of ``ID``, ``SIS User ID``, ``SIS Login ID`` is needed.
  The output has those five columns, then one assignment column (``--column``; for an existing
  assignment Canvas's header such as ``Exercise 2 (123456)``), with a ``Points Possible`` row first.
* **Moodle** (Grades → Import → CSV file): one or more of ``Email address``, ``ID number``,
  ``Username`` (map it under "Identify user by"), then the grade item's column (``--column``).

Every graded submission must be in the roster and every roster student must have a graded row;
otherwise one error names who is missing on which side (``--missing blank`` or ``zero`` exports
roster students without a submission anyway).
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from .core import UsageError, check_complete, read_grades, write_atomic

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_IDS = ("ID", "SIS User ID", "SIS Login ID")
MOODLE_IDS = ("Email address", "ID number", "Username")
LMS = ("canvas", "moodle")


def _names(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def read_roster(path: str | os.PathLike) -> list[dict]:
    """The roster's rows (UTF-8, a BOM allowed: spreadsheets write one); checked for a
    ``submission`` column and unique submission ids."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip() for f in (reader.fieldnames or [])]
            rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    except OSError as err:
        raise UsageError(f"cannot read the roster {path}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise UsageError(f"the roster {path} is not UTF-8 text (save it as CSV UTF-8)") from None
    if "submission" not in fields:
        raise UsageError(f"the roster {path} has no 'submission' column (the grader's student id: "
                         f"the notebook's file name without .ipynb); its columns are {', '.join(fields) or 'none'}")
    rows = [row for row in rows if _is_student(row)]
    seen, twice = set(), []
    for row in rows:
        sid = row["submission"]
        if sid in seen:
            twice.append(sid)
        seen.add(sid)
    if twice:
        raise UsageError(f"the roster {path} lists these submission ids twice: {_names(twice)}")
    return rows


def _is_student(row: dict) -> bool:
    """False for the rows of a Canvas gradebook export that are not students: "Points Possible"
    (its second row) and "Student, Test" (Canvas's test student) without a submission id."""
    name = row.get("Student", "").strip()
    return not (name == "Points Possible" or (name == "Student, Test" and not row.get("submission")))


def export_grades(grades: str | os.PathLike, roster: str | os.PathLike, out: str | os.PathLike, *, lms: str,
                  column: str | None = None, missing: str = "error", allow_incomplete: bool = False) -> int:
    """Write ``out``, the ``lms`` ("canvas" or "moodle") gradebook import of the grades CSV
    ``grades``, through ``roster``; returns the number of students written.

    ``missing``: what to do with roster students who have no graded row: "error" (default),
    "blank" (an empty cell: the LMS leaves the grade as it is) or "zero". A grading run that did not
    finish (or one shard) is refused unless ``allow_incomplete``: ``zero`` would otherwise give 0 to
    students who handed in but were not graded yet.
    """
    if lms not in LMS:
        raise UsageError(f"--lms must be one of {', '.join(LMS)}, got {lms!r}")
    rows = read_grades(grades)
    if not allow_incomplete:
        check_complete(grades, rows)
    exercises = sorted({r["exercise"] for r in rows})
    if len(exercises) > 1:
        raise UsageError(f"{grades} holds several exercises ({', '.join(exercises)}): export one at a time")
    people = read_roster(roster)
    wanted = CANVAS_IDS if lms == "canvas" else MOODLE_IDS
    present = [c for c in wanted if people and c in people[0]]
    if not present:
        raise UsageError(f"the roster {roster} has none of the columns {lms.capitalize()} identifies students by: "
                         f"{', '.join(wanted)}")
    by_sid = {r["submission"]: r for r in rows}
    unknown = sorted(set(by_sid) - {p["submission"] for p in people})
    no_id = [p.get("Student") or p.get("Username") or p.get("Email address") or "?" for p in people if not p["submission"]]
    if no_id:
        raise UsageError(f"{len(no_id)} roster row(s) have an empty 'submission' column: {_names(no_id)} "
                         f"(fill in each student's id in {Path(roster).name}, or delete rows that are not students)")
    absent = [p["submission"] for p in people if p["submission"] not in by_sid]
    problems = []
    if unknown:
        problems.append(f"{len(unknown)} graded submission(s) are not in the roster: {_names(unknown)} "
                        f"(add them to {Path(roster).name}'s 'submission' column)")
    if absent and missing == "error":
        problems.append(f"{len(absent)} roster student(s) have no graded submission: {_names(absent)} "
                        "(--missing blank or --missing zero exports them anyway)")
    if problems:
        raise UsageError("; ".join(problems))
    column = column or (exercises[0] if exercises else "grade")
    max_score = rows[0]["max_score"] if rows else ""

    def grade(person):
        row = by_sid.get(person["submission"])
        if row is None:
            return "" if missing == "blank" else "0"
        return row["score"]

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if lms == "canvas":
        writer.writerow([*CANVAS_COLUMNS, column])
        writer.writerow(["    Points Possible", "", "", "", "", max_score])
        for p in people:
            writer.writerow([*(p.get(c, "") for c in CANVAS_COLUMNS), grade(p)])
    else:
        writer.writerow([*present, column])
        for p in people:
            writer.writerow([*(p[c] for c in present), grade(p)])
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give the CSV file to write")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, buf.getvalue().encode("utf-8"))
    return len(people)
