"""``actlab-grade``: grade a batch of exercise notebooks, each in its own sandboxed process.

    actlab-grade EXERCISE SUBMISSION... --out grades.csv [options]
    actlab-grade merge SHARD.csv... --out grades.csv

EXERCISE is ex01..ex07 (or a module / .py file defining FUNCTIONS, TITLE, public_cases and
hidden_cases); SUBMISSION is a notebook or a directory of notebooks. The student id is the file
name without ``.ipynb`` (``--id parent``: the folder's name). Each submission gets one CSV row
(``submission, exercise, score, max_score, status, feedback, functions``; status ``ok``,
``error``, ``timeout`` or ``invalid``) and a feedback file in its notebook's language. See the
instructor guide (guide/instructor_en.md) for everything else.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys

from .core import (COLUMNS, DEFAULT_SEED, STATUSES, Exercise, Settings, UsageError, grade_batch,
                   grade_submission, load_exercise, merge)
from .sandbox import Limits

__all__ = ["main", "grade_batch", "grade_submission", "load_exercise", "merge", "Settings", "Limits",
           "Exercise", "COLUMNS", "STATUSES", "DEFAULT_SEED", "UsageError"]

SEED_ENV = "ACTLAB_GRADE_SEED"


def _seed(text: str) -> int:
    """An integer seed as given, or any other text (a passphrase) hashed to one."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="actlab-grade",
        description="Grade exercise notebooks, each in its own sandboxed process; one CSV row per submission.",
        epilog="Merge shard outputs: actlab-grade merge shard*.csv --out grades.csv")
    p.add_argument("exercise", help="ex01..ex07, a module name, or a .py file with the checks")
    p.add_argument("submissions", nargs="+", help="notebooks (.ipynb) or directories holding them")
    p.add_argument("--out", required=True, help="the CSV to write (a journal goes beside it: OUT.journal)")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: one per core)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per submission (default 10)")
    p.add_argument("--memory", type=int, default=1024, help="MB of address space per submission (default 1024)")
    p.add_argument("--output-limit", type=int, default=16, help="MB a submission may print or write (default 16)")
    p.add_argument("--seed", default=None,
                   help=f"instructor seed for the hidden checks (default: ${SEED_ENV}, then --seed-file, "
                        f"then {DEFAULT_SEED}); visible to other users in `ps`, so prefer the variable or a file")
    p.add_argument("--seed-file", default=None, help="read the seed from this file (keep it private)")
    p.add_argument("--shard", default=None, help="I/N: grade only the I-th of N parts of the sorted batch")
    p.add_argument("--lang", choices=("ko", "en"), default=None,
                   help="feedback language (default: each notebook's own, else ko)")
    p.add_argument("--feedback-dir", default=None, help="where feedback files go (default: OUT_STEM_feedback/)")
    p.add_argument("--id", choices=("stem", "parent"), default="stem", dest="id_from",
                   help="student id: file name without .ipynb (default) or the folder's name")
    p.add_argument("--fresh", action="store_true", help="ignore the journal of an earlier run and grade everything again")
    p.add_argument("--reveal-hidden", action="store_true", help="show hidden checks' inputs and expected values in feedback")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return p


def _merge_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="actlab-grade merge", description="Merge shard CSVs into one sorted CSV.")
    p.add_argument("inputs", nargs="+", help="the shards' CSV files")
    p.add_argument("--out", required=True)
    return p


def _hide_from_children() -> None:
    """Make this process non-dumpable: a submission running as the same user then cannot read
    its memory or /proc/<pid>/environ (where the seed may be)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["merge"]:
            args = _merge_parser().parse_args(argv[1:])
            rows = merge(args.inputs, args.out)
            print(f"{len(rows)} rows -> {args.out}", file=sys.stderr)
            return 0
        args = _parser().parse_args(argv)
        if args.seed is not None:
            seed = _seed(args.seed)
        elif os.environ.get(SEED_ENV):
            seed = _seed(os.environ[SEED_ENV])
        elif args.seed_file:
            with open(args.seed_file, encoding="utf-8") as fh:
                seed = _seed(fh.read())
        else:
            seed = DEFAULT_SEED
        if args.timeout <= 0 or args.memory < 64 or args.output_limit < 1 or (args.workers or 1) < 1:
            raise UsageError("--timeout must be > 0, --memory >= 64, --output-limit >= 1, --workers >= 1")
        _hide_from_children()
        from .core import parse_shard

        settings = Settings(Limits(timeout=args.timeout, memory_mb=args.memory, output_mb=args.output_limit),
                            lang=args.lang, reveal_hidden=args.reveal_hidden)
        done = [0]

        def progress(result):
            done[0] += 1
            if not args.quiet:
                r = result.row
                print(f"[{done[0]}] {r['submission']}: {r['status']} {r['score']}/{r['max_score']}",
                      file=sys.stderr, flush=True)

        rows = grade_batch(args.exercise, args.submissions, args.out, workers=args.workers, seed=seed,
                           settings=settings, shard=parse_shard(args.shard), feedback_dir=args.feedback_dir,
                           id_from=args.id_from, fresh=args.fresh, progress=progress,
                           hide_files=[args.seed_file] if args.seed_file else [])
        counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
        print(f"{len(rows)} submissions -> {args.out} (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")",
              file=sys.stderr)
        return 0
    except UsageError as err:
        print(f"actlab-grade: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"actlab-grade: error: {err}", file=sys.stderr)
        return 2
