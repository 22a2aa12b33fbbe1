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
                        f"then {DEFAULT_SEED}); the grader restarts itself without it at once, but the shell that "
                        "ran it may still show it in `ps`: prefer the variable or a file")
    p.add_argument("--seed-file", default=None, help="read the seed from this file (keep it private)")


SEED_FROM_ENV = "ACTLAB_GRADE_SEED_FROM"  # set with the seed when the command re-runs itself without --seed


def _resolve_seed(args) -> tuple[int, str]:
    """(seed, where it came from: "--seed", "$ACTLAB_GRADE_SEED", "--seed-file PATH" or "default")."""
    if args.seed is not None:
        return _seed(args.seed), "--seed"
    if os.environ.get(SEED_ENV):
        source = "--seed" if os.environ.get(SEED_FROM_ENV) == "--seed" else f"${SEED_ENV}"
        value = os.environ.pop(SEED_ENV)
        os.environ.pop(SEED_FROM_ENV, None)
        return _seed(value), source
    if args.seed_file:
        try:
            with open(args.seed_file, encoding="utf-8") as fh:
                return _seed(fh.read()), f"--seed-file {args.seed_file}"
        except OSError as err:
            raise UsageError(f"cannot read --seed-file {args.seed_file}: {err.strerror or err}") from None
    return DEFAULT_SEED, "default"


def _say_seed(source: str) -> None:
    """Say which seed the hidden checks use (never the seed itself)."""
    if source == "default":
        print(f"actlab-grade: warning: no seed given (--seed-file, ${SEED_ENV} or --seed): the hidden checks use "
              f"the default seed {DEFAULT_SEED}, whose inputs anyone with the course repository can compute",
              file=sys.stderr)
    else:
        print(f"actlab-grade: hidden checks' seed from {source}", file=sys.stderr)


def _seed_off_the_command_line(argv: list[str]) -> None:
    """``--seed VALUE`` is on this process's command line, which every process on the machine can
    read (``/proc/PID/cmdline``, ``ps``), a submission under ``--isolation builtin`` included. Run
    the same command again without it, the seed passed in the environment (readable only by this
    user, and not at all once the process made itself non-dumpable); the child processes get a
    fresh environment without it. The shell or script that started the grader may still show it:
    prefer --seed-file or $ACTLAB_GRADE_SEED."""
    rest, value, i = [], None, 0
    while i < len(argv):
        a = argv[i]
        if a == "--seed" and i + 1 < len(argv):
            value, i = argv[i + 1], i + 2
            continue
        if a.startswith("--seed="):
            value = a[len("--seed="):]
        else:
            rest.append(a)
        i += 1
    if value is None:
        return
    env = {**os.environ, SEED_ENV: value, SEED_FROM_ENV: "--seed"}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", "actlab.grade", *rest], env)


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
    p.add_argument("--allow-incomplete", action="store_true",
                   help="accept a grading run that did not finish, or one shard (refused by default)")
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
    p.add_argument("--allow-incomplete", action="store_true",
                   help="accept a grading run that did not finish, or one shard (refused by default: "
                        "--missing zero would give 0 to students not graded yet)")
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
    wrong = [f"{name} must be {rule}, got {value:g}" for name, value, rule, bad in (
        ("--timeout", args.timeout, "> 0", args.timeout <= 0),
        ("--memory", args.memory, ">= 64", args.memory < 64),
        ("--output-limit", args.output_limit, ">= 1", args.output_limit < 1),
        ("--workers", args.workers or 0, ">= 1", args.workers is not None and args.workers < 1)) if bad]
    if wrong:
        raise UsageError("; ".join(wrong))
    seed, source = _resolve_seed(args)
    _hide_from_children()
    settings = Settings(Limits(timeout=args.timeout, memory_mb=args.memory, output_mb=args.output_limit),
                        lang=args.lang, class_lang=args.class_lang, reveal_hidden=args.reveal_hidden,
                        isolation=args.isolation)
    done, reused = [0], [0]

    def progress(result):
        done[0] += 1
        reused[0] += result.reused
        if not args.quiet:
            r = result.row
            print(f"[{done[0]}] {r['submission']}: {r['status']} {r['score']}/{r['max_score']}",
                  file=sys.stderr, flush=True)

    try:
        rows = grade_batch(args.exercise, args.submissions, args.out, workers=args.workers, seed=seed,
                           settings=settings, shard=parse_shard(args.shard), feedback_dir=args.feedback_dir,
                           id_from=args.id_from, fresh=args.fresh, progress=progress,
                           hide_files=[args.seed_file] if args.seed_file else [], on_start=lambda: _say_seed(source))
    except Interrupted as stop:
        print(f"actlab-grade: interrupted: {len(stop.rows)} of {stop.total} submissions graded -> {args.out}; "
              "run the same command again to grade the rest", file=sys.stderr)
        return 130
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    print(f"{len(rows)} submissions -> {args.out} (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + "; "
          f"{reused[0]} reused from the journal of an earlier run, {done[0] - reused[0]} graded now)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``actlab-grade`` command; returns the exit status (0 done, 2 a mistake in the command, 130 Ctrl-C)."""
    if argv is None:
        _seed_off_the_command_line(sys.argv[1:])
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
            seed, source = _resolve_seed(args)
            _say_seed(source)
            path = build_autograder(args.exercise, args.out, seed=seed, timeout=args.timeout,
                                    class_lang=args.class_lang)
            print(f"Gradescope autograder -> {path}", file=sys.stderr)
            return 0
        if command == "report":
            from .report import write_report

            args = _report_parser().parse_args(argv[1:])
            write_report(args.grades, args.out, lang=args.lang, allow_incomplete=args.allow_incomplete)
            print(f"class report -> {args.out}", file=sys.stderr)
            return 0
        if command == "export":
            from .lms import export_grades

            args = _export_parser().parse_args(argv[1:])
            n = export_grades(args.grades, args.roster, args.out, lms=args.lms, column=args.column,
                              missing=args.missing, allow_incomplete=args.allow_incomplete)
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
