"""``actlab-grade``: grade a batch of exercise notebooks, each in its own sandboxed process.

    actlab-grade EXERCISE SUBMISSION... --out grades.csv [options]
    actlab-grade merge SHARD.csv... --out grades.csv
    actlab-grade gradescope EXERCISE --out autograder.zip
    actlab-grade report GRADES.csv --out report.html
    actlab-grade export GRADES.csv --roster ROSTER.csv --lms canvas|moodle --out import.csv

EXERCISE is ex01..ex09 (or a module / .py file defining FUNCTIONS, TITLE, public_cases and
hidden_cases); SUBMISSION is a notebook or a directory of notebooks. The student id is the file
name without ``.ipynb`` (``--id parent``: the folder's name). Each submission gets one CSV row
(``submission, exercise, score, max_score, status, feedback, functions, failed_checks, flags``;
status ``ok``, ``error``, ``timeout`` or ``invalid``: :data:`STATUS_MEANING`) and a feedback file
in its notebook's language. Exit 0 once every submission has its row, 2 for a mistake in the
command (before anything is graded), 130 after Ctrl-C (the finished rows are in the CSV; the same
command resumes). See the instructor guide (guide/instructor_en.md) for everything else.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys

from .core import (COLUMNS, DEFAULT_SEED, STATUS_MEANING, STATUSES, Exercise, Interrupted, Settings, UsageError,
                   grade_batch, grade_submission, load_exercise, merge, parse_shard, read_grades)
from .sandbox import ISOLATIONS, Limits

__all__ = ["main", "grade_batch", "grade_submission", "load_exercise", "merge", "read_grades", "Settings",
           "Limits", "Exercise", "COLUMNS", "STATUSES", "STATUS_MEANING", "DEFAULT_SEED", "UsageError",
           "Interrupted"]

SEED_ENV = "ACTLAB_GRADE_SEED"
SUBCOMMANDS = ("merge", "gradescope", "report", "export")


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are UsageError (one sentence, exit 2) like every other mistake."""

    def error(self, message):
        raise UsageError(f"{message} (see {self.prog} --help)")


def _seed(text: str) -> int:
    """An integer seed as given, or any other text (a passphrase) hashed to one."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _add_seed_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", default=None,
                   help=f"instructor seed for the hidden checks (default: ${SEED_ENV}, then --seed-file, "
                        f"then {DEFAULT_SEED}); visible to other users in `ps`, so prefer the variable or a file")
    p.add_argument("--seed-file", default=None, help="read the seed from this file (keep it private)")


def _resolve_seed(args) -> int:
    if args.seed is not None:
        return _seed(args.seed)
    if os.environ.get(SEED_ENV):
        return _seed(os.environ[SEED_ENV])
    if args.seed_file:
        try:
            with open(args.seed_file, encoding="utf-8") as fh:
                return _seed(fh.read())
        except OSError as err:
            raise UsageError(f"cannot read --seed-file {args.seed_file}: {err.strerror or err}") from None
    return DEFAULT_SEED


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="actlab-grade",
        description="Grade exercise notebooks, each in its own sandboxed process; one CSV row per submission.",
        epilog="Other commands: actlab-grade merge | gradescope | report | export (each with --help).")
    p.add_argument("exercise", help="ex01..ex09, a module name, or a .py file with the checks")
    p.add_argument("submissions", nargs="+", help="notebooks (.ipynb) or directories holding them")
    p.add_argument("--out", required=True, help="the CSV to write (a journal goes beside it: OUT.journal)")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: one per core)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per submission (default 10)")
    p.add_argument("--memory", type=int, default=1024, help="MB of address space per submission (default 1024)")
    p.add_argument("--output-limit", type=int, default=16, help="MB a submission may print or write (default 16)")
    _add_seed_options(p)
    p.add_argument("--shard", default=None, help="I/N: grade only the I-th of N parts of the sorted batch")
    p.add_argument("--lang", choices=("ko", "en"), default=None,
                   help="one feedback language for every file (default: each notebook's own)")
    p.add_argument("--class-lang", choices=("ko", "en"), default="ko",
                   help="the class's language: feedback language of files whose own cannot be told (default ko)")
    p.add_argument("--feedback-dir", default=None, help="where feedback files go (default: OUT_STEM_feedback/)")
    p.add_argument("--id", choices=("stem", "parent"), default="stem", dest="id_from",
                   help="student id: file name without .ipynb (default) or the folder's name")
    p.add_argument("--isolation", choices=ISOLATIONS, default="auto",
                   help="auto (default: bubblewrap when it works here, else builtin), bwrap, or builtin")
    p.add_argument("--fresh", action="store_true", help="ignore the journal of an earlier run and grade everything again")
    p.add_argument("--reveal-hidden", action="store_true", help="show hidden checks' inputs and expected values in feedback")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return p


def _merge_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="actlab-grade merge",
                description="Merge every shard CSV of one batch into one sorted CSV (the unsharded run's, byte for byte).")
    p.add_argument("inputs", nargs="+", help="the shards' CSV files (their .manifest.json beside them)")
    p.add_argument("--out", required=True)
    return p


def _gradescope_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="actlab-grade gradescope",
                description="Build a Gradescope autograder (setup.sh, run_autograder) for one exercise.")
    p.add_argument("exercise", help="ex01..ex09")
    p.add_argument("--out", required=True, help="the zip to write, e.g. autograder.zip")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per submission (default 60)")
    p.add_argument("--class-lang", choices=("ko", "en"), default="ko",
                   help="feedback language of a notebook whose own cannot be told (default ko)")
    _add_seed_options(p)
    return p


def _report_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="actlab-grade report", description="A class report: one self-contained HTML file.")
    p.add_argument("grades", help="the grades CSV of one exercise")
    p.add_argument("--out", required=True, help="the HTML file to write")
    p.add_argument("--lang", choices=("ko", "en"), default="ko", help="the report's language (default ko)")
    return p


def _export_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="actlab-grade export",
                description="Write a gradebook CSV that Canvas or Moodle imports, through a roster.")
    p.add_argument("grades", help="the grades CSV of one exercise")
    p.add_argument("--roster", required=True,
                   help="CSV with a 'submission' column (the grader's student id) and the LMS's own columns")
    p.add_argument("--lms", required=True, choices=("canvas", "moodle"))
    p.add_argument("--out", required=True, help="the CSV to import")
    p.add_argument("--column", default=None,
                   help="the gradebook column (Canvas: 'Exercise 2 (1234)' for an existing assignment; default: the exercise id)")
    p.add_argument("--missing", choices=("error", "blank", "zero"), default="error",
                   help="roster students without a graded submission: refuse (default), leave blank, or 0")
    return p


def _hide_from_children() -> None:
    """Make this process non-dumpable: a submission running as the same user then cannot read
    its memory or /proc/<pid>/environ (where the seed may be)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def _grade(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    seed = _resolve_seed(args)
    if args.timeout <= 0 or args.memory < 64 or args.output_limit < 1 or (args.workers is not None and args.workers < 1):
        raise UsageError("--timeout must be > 0, --memory >= 64, --output-limit >= 1, --workers >= 1")
    _hide_from_children()
    settings = Settings(Limits(timeout=args.timeout, memory_mb=args.memory, output_mb=args.output_limit),
                        lang=args.lang, class_lang=args.class_lang, reveal_hidden=args.reveal_hidden,
                        isolation=args.isolation)
    done = [0]

    def progress(result):
        done[0] += 1
        if not args.quiet:
            r = result.row
            print(f"[{done[0]}] {r['submission']}: {r['status']} {r['score']}/{r['max_score']}",
                  file=sys.stderr, flush=True)

    try:
        rows = grade_batch(args.exercise, args.submissions, args.out, workers=args.workers, seed=seed,
                           settings=settings, shard=parse_shard(args.shard), feedback_dir=args.feedback_dir,
                           id_from=args.id_from, fresh=args.fresh, progress=progress,
                           hide_files=[args.seed_file] if args.seed_file else [])
    except Interrupted as stop:
        print(f"actlab-grade: interrupted: {len(stop.rows)} of {stop.total} submissions graded -> {args.out}; "
              "run the same command again to grade the rest", file=sys.stderr)
        return 130
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    print(f"{len(rows)} submissions -> {args.out} (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")",
          file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``actlab-grade`` command; returns the exit status (0 done, 2 a mistake in the command, 130 Ctrl-C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
        if command == "merge":
            args = _merge_parser().parse_args(argv[1:])
            rows = merge(args.inputs, args.out)
            print(f"{len(rows)} rows -> {args.out}", file=sys.stderr)
            return 0
        if command == "gradescope":
            from .gradescope import build_autograder

            args = _gradescope_parser().parse_args(argv[1:])
            path = build_autograder(args.exercise, args.out, seed=_resolve_seed(args), timeout=args.timeout,
                                    class_lang=args.class_lang)
            print(f"Gradescope autograder -> {path}", file=sys.stderr)
            return 0
        if command == "report":
            from .report import write_report

            args = _report_parser().parse_args(argv[1:])
            write_report(args.grades, args.out, lang=args.lang)
            print(f"class report -> {args.out}", file=sys.stderr)
            return 0
        if command == "export":
            from .lms import export_grades

            args = _export_parser().parse_args(argv[1:])
            n = export_grades(args.grades, args.roster, args.out, lms=args.lms, column=args.column,
                              missing=args.missing)
            print(f"{n} students -> {args.out} ({args.lms})", file=sys.stderr)
            return 0
        return _grade(argv)
    except UsageError as err:
        print(f"actlab-grade: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"actlab-grade: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before grading started, or in a subcommand
        print("actlab-grade: interrupted", file=sys.stderr)
        return 130
