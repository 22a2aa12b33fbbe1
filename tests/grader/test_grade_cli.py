"""The command line: exit status, merge, and a seed the submission cannot read."""
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader_notebooks import FAKE, GOOD, notebook, write

SECRET = "s3cr3t-seed-4242"

# Looks for the seed everywhere a process can look; double() is right only if it found it.
SNOOP = r'''
import os, glob
found = SECRET_NAME in os.environ or any(SECRET_VALUE in v for v in os.environ.values())
for pattern in ("/proc/*/environ", "/proc/*/cmdline", "/proc/self/fd/*", "../*", "../../*", "/tmp/*"):
    for path in glob.glob(pattern):
        try:
            with open(path, "rb") as fh:
                if SECRET_VALUE.encode() in fh.read(1 << 20):
                    found = True
        except Exception:
            pass
'''.replace("SECRET_NAME", repr("ACTLAB_GRADE_SEED")).replace("SECRET_VALUE", repr(SECRET))


def run(*args, env=None, cwd=None):
    full = {k: v for k, v in os.environ.items() if k != "ACTLAB_GRADE_SEED"}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "actlab.grade", *map(str, args)], capture_output=True,
                          text=True, env=full, cwd=cwd, timeout=120)


def rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["submission"]: r for r in csv.DictReader(fh)}


def test_seed_is_not_reachable_from_the_submission(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (tmp_path / "seed.txt").write_text(SECRET)
    write(subs, "snoop", notebook(["import numpy as np", SNOOP,
                                   "def double(x):\n    return 2 * x if found else 0 * x",
                                   "def softsign(x):\n    return x / (1 + np.abs(x))"]))
    write(subs, "good", notebook(GOOD))
    out = tmp_path / "grades.csv"
    proc = run(FAKE, subs, "--out", out, "--timeout", "5", "--workers", "2",
               env={"ACTLAB_GRADE_SEED": SECRET})
    assert proc.returncode == 0, proc.stderr
    got = rows(out)
    assert got["good"]["score"] == "8"
    assert got["snoop"]["functions"] == "double=0/4;softsign=4/4", got["snoop"]
    for path in [out, *tmp_path.joinpath("grades_feedback").iterdir()]:
        assert SECRET not in path.read_text(encoding="utf-8")


def test_seed_changes_hidden_inputs_only():
    from actlab.grade import load_exercise

    a, b, a2 = load_exercise(FAKE, 1), load_exercise(FAKE, 2), load_exercise(FAKE, 1)
    public = [i for i in range(len(a.cases)) if i not in a.hidden]
    assert a.hidden and a.hidden == b.hidden
    assert all(a.cases[i].args[0].tobytes() == b.cases[i].args[0].tobytes() for i in public)
    assert all(a.cases[i].args[0].tobytes() != b.cases[i].args[0].tobytes() for i in a.hidden)
    assert a.cases_json == a2.cases_json and a.key == a2.key != b.key
    assert "expected" not in a.cases_json  # the child gets arguments only


def test_usage_errors_exit_2(tmp_path):
    write(tmp_path, "a", notebook(GOOD))
    assert run(FAKE, tmp_path / "a.ipynb", "--out", tmp_path / "g.csv", "--shard", "3/2").returncode == 2
    assert run("no_such_exercise_xyz", tmp_path / "a.ipynb", "--out", tmp_path / "g.csv").returncode == 2
    assert run(FAKE, tmp_path / "a.ipynb").returncode == 2  # --out missing


def test_duplicate_student_ids_are_refused(tmp_path):
    for d in ("ko", "en"):
        (tmp_path / d).mkdir()
        write(tmp_path / d, "alice", notebook(GOOD))
    proc = run(FAKE, tmp_path / "ko", tmp_path / "en", "--out", tmp_path / "g.csv")
    assert proc.returncode == 2 and "alice" in proc.stderr
    proc = run(FAKE, tmp_path / "ko", "--out", tmp_path / "g.csv", "--id", "parent")
    assert proc.returncode == 0 and list(rows(tmp_path / "g.csv")) == ["ko"]


def test_missing_file_gets_an_invalid_row(tmp_path):
    out = tmp_path / "g.csv"
    proc = run(FAKE, tmp_path / "ghost.ipynb", "--out", out)
    assert proc.returncode == 0
    assert rows(out)["ghost"]["status"] == "invalid"


def test_shards_and_merge_on_the_command_line(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(5):
        write(subs, f"s{i}", notebook(GOOD if i % 2 else GOOD[:2]))
    whole = tmp_path / "whole.csv"
    assert run(FAKE, subs, "--out", whole, "--workers", "2").returncode == 0
    for i in (1, 2):
        assert run(FAKE, subs, "--out", tmp_path / f"part{i}.csv", "--shard", f"{i}/2", "--workers", "1").returncode == 0
    merged = tmp_path / "merged.csv"
    proc = run("merge", tmp_path / "part1.csv", tmp_path / "part2.csv", "--out", merged)
    assert proc.returncode == 0, proc.stderr
    assert merged.read_bytes() == whole.read_bytes()
    assert run("merge", tmp_path / "part1.csv", tmp_path / "nope.csv", "--out", merged).returncode == 2


def test_entry_point_is_declared():
    from importlib.metadata import entry_points

    eps = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert eps.get("actlab-grade") == "actlab.grade:main"
