"""Grader speed: 200 generated submissions (correct, partly wrong, stubs) on 2 workers, against
executing the same notebook in a Jupyter kernel with nbclient (what nbgrader-style grading costs).

    python benchmarks/bench_grader.py [--n 200] [--workers 2] [--exercise ex02] [--baseline 5]

Prints wall and CPU seconds per submission for both. CPU counts the parent and every child
process (kernels included; under bubblewrap, whose wait status hides the sandboxed process's
CPU time, each child's own report of it). Timings vary with the machine: they belong here, not in the tests.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "grader"))


def cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def make_submissions(ex: str, n: int, out: Path) -> Path:
    """n notebooks: a third the answer key, a third with one function broken, a third stubs."""
    import nbformat
    from test_grade_exercises import _notebooks

    from actlab.grade import load_exercise

    books = _notebooks(ex, out)
    key = nbformat.read(books["key_ko"], as_version=4)
    stub = nbformat.read(books["student_ko"], as_version=4)
    functions = load_exercise(ex, 0).functions
    subs = out / "submissions"
    subs.mkdir()
    for i in range(n):
        if i % 3 == 0:
            nb = key
        elif i % 3 == 1:
            nb = nbformat.from_dict(key)
            f = functions[i % len(functions)]
            nb.cells.append(nbformat.v4.new_code_cell(f"def {f}(*args):\n    return 0.0"))
        else:
            nb = stub
        nbformat.write(nb, subs / f"student{i:04d}.ipynb")
    return books["key_ko"]


def bench_grader(ex, subs: Path, out: Path, workers: int, isolation: str = "auto"):
    """Grade the generated batch once: (n, wall s, CPU s, statuses, rows)."""
    from actlab.grade import STATUSES, Limits, Settings, grade_batch

    n = len(list(subs.glob("*.ipynb")))
    children = []  # each submission's CPU as the grader measured it (under bubblewrap: as the child reported it)
    me = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    rows = grade_batch(ex, [subs], out / "grades.csv", workers=workers, seed=1,
                       settings=Settings(Limits(timeout=20), isolation=isolation),
                       progress=lambda r: children.append(r.cpu_seconds))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = after.ru_utime + after.ru_stime - me.ru_utime - me.ru_stime + sum(children)
    statuses = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    return n, wall, used, statuses, rows


def bench_nbclient(notebook: Path, repeats: int):
    import nbformat
    from nbclient import NotebookClient

    c0, t0 = cpu(), time.perf_counter()
    for _ in range(repeats):
        nb = nbformat.read(notebook, as_version=4)
        NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=True,
                       resources={"metadata": {"path": tempfile.mkdtemp()}}).execute()
    return (time.perf_counter() - t0) / repeats, (cpu() - c0) / repeats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--exercise", default="ex02")
    ap.add_argument("--baseline", type=int, default=5, help="nbclient runs of the answer key")
    ap.add_argument("--isolation", default="auto", help="auto (bubblewrap when it works), bwrap or builtin")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "src").mkdir()
        key = make_submissions(args.exercise, args.n, tmp / "src")
        n, wall, used, statuses, _ = bench_grader(args.exercise, tmp / "src" / "submissions", tmp, args.workers,
                                                  args.isolation)
        from actlab.grade.sandbox import isolation_mode

        mode = isolation_mode(args.isolation)
        base_wall, base_cpu = bench_nbclient(key, args.baseline)
    g_wall, g_cpu = wall / n, used / n
    print(f"exercise {args.exercise}: {n} submissions (correct / partly wrong / stubs), {args.workers} workers, "
          f"{os.cpu_count()} cores, isolation {mode}; statuses {statuses}")
    print(f"{'':32}{'wall s/submission':>20}{'CPU s/submission':>20}")
    print(f"{'actlab-grade (sandboxed)':32}{g_wall:20.3f}{g_cpu:20.3f}")
    print(f"{'nbclient, one kernel per run':32}{base_wall:20.3f}{base_cpu:20.3f}")
    print(f"speed-up: {base_wall / g_wall:.1f}x wall, {base_cpu / g_cpu:.1f}x CPU "
          f"(target: >= {TARGET_SPEEDUP}x, < 0.5 s CPU per submission)")
    print(verdict(g_wall, g_cpu, base_wall, statuses, n))


TARGET_SPEEDUP = 10  # issue 13: grading stays at least 10x faster than nbclient per submission


def verdict(g_wall: float, g_cpu: float, base_wall: float, statuses: dict, n: int) -> str:
    """The targets, checked: at least TARGET_SPEEDUP x faster than nbclient (wall), under 0.5 s CPU
    per submission, and every generated submission graded ok (a failing grader must not look fast)."""
    missed = []
    if base_wall / g_wall < TARGET_SPEEDUP:
        missed.append(f"{base_wall / g_wall:.1f}x faster than nbclient (target >= {TARGET_SPEEDUP}x)")
    if g_cpu >= 0.5:
        missed.append(f"{g_cpu:.3f} s CPU per submission (target < 0.5 s)")
    if statuses.get("ok", 0) != n:
        missed.append(f"statuses {statuses} (every generated submission should grade ok)")
    if missed:
        return "Targets missed:\n" + "\n".join(f"  - {m}" for m in missed)
    return (f"All targets met: >= {TARGET_SPEEDUP}x faster than nbclient, < 0.5 s CPU per submission, "
            "every submission ok.")


if __name__ == "__main__":
    main()
