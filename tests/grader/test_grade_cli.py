"""The command line: exit status, merge, and a seed the submission cannot read."""
import csv
import json
import os
import signal
import subprocess
import sys
import time
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


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


@pytest.mark.parametrize("case", ["no such folder", "out is a folder", "workers 0", "unknown exercise"])
def test_mistakes_in_the_command_exit_2_before_grading_anything(tmp_path, case):
    """Issue 13: each of these used to grade (or fail after grading everything)."""
    subs = tmp_path / "subs"
    subs.mkdir()
    write(subs, "a", notebook(GOOD))
    out = tmp_path / "out" / "g.csv"
    args = {"no such folder": [FAKE, subs, tmp_path / "nosuchdir", "--out", out],
            "out is a folder": [FAKE, subs, "--out", tmp_path],
            "workers 0": [FAKE, subs, "--out", out, "--workers", "0"],
            "unknown exercise": ["ex99", subs, "--out", out]}[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written: no CSV, journal, feedback
    expected = {"no such folder": "nosuchdir", "out is a folder": "is a folder", "workers 0": "--workers",
                "unknown exercise": "ex01, ex02, ex03, ex04, ex05, ex06, ex07"}[case]
    assert expected in proc.stderr, proc.stderr


def test_duplicate_student_ids_are_refused(tmp_path):
    for d in ("ko", "en"):
        (tmp_path / d).mkdir()
        write(tmp_path / d, "alice", notebook(GOOD))
    proc = run(FAKE, tmp_path / "ko", tmp_path / "en", "--out", tmp_path / "g.csv")
    assert proc.returncode == 2 and "alice" in proc.stderr
    proc = run(FAKE, tmp_path / "ko", "--out", tmp_path / "g.csv", "--id", "parent")
    assert proc.returncode == 0 and list(rows(tmp_path / "g.csv")) == ["ko"]


def test_a_missing_file_is_a_mistake_in_the_command(tmp_path):
    out = tmp_path / "g.csv"
    proc = run(FAKE, tmp_path / "ghost.ipynb", "--out", out)
    assert proc.returncode == 2 and "ghost.ipynb" in proc.stderr
    assert not out.exists()


def test_an_unreadable_notebook_is_still_a_student_with_an_invalid_row(tmp_path):
    write(tmp_path, "broken", '{"cells": [')
    out = tmp_path / "g.csv"
    assert run(FAKE, tmp_path / "broken.ipynb", "--out", out).returncode == 0
    assert rows(out)["broken"]["status"] == "invalid"


def test_class_language_is_used_for_files_of_no_detectable_language(tmp_path):
    """A truncated file has no setup call left to tell its language: --class-lang decides."""
    write(tmp_path, "cut", notebook(GOOD, lang="en")[:40])  # cut before the setup cell
    write(tmp_path, "ko_nb", notebook(GOOD, lang="ko"))
    out = tmp_path / "g.csv"
    assert run(FAKE, tmp_path, "--out", out, "--class-lang", "en").returncode == 0
    got = rows(out)
    assert got["cut"]["status"] == "invalid" and got["cut"]["feedback"].startswith("not a notebook"), got["cut"]
    assert "점수: 8 / 8" in (tmp_path / "g_feedback" / "ko_nb.txt").read_text(encoding="utf-8")  # its own language wins
    assert run(FAKE, tmp_path, "--out", tmp_path / "k.csv").returncode == 0  # default: Korean
    assert rows(tmp_path / "k.csv")["cut"]["feedback"].startswith("노트북 파일로 읽을 수 없습니다")


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


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Four shards of five submissions (seed 1), one shard graded with seed 2, one of another exercise."""
    root = tmp_path_factory.mktemp("shards")
    subs = root / "subs"
    subs.mkdir()
    for i in range(5):
        write(subs, f"s{i}", notebook(GOOD if i % 2 else GOOD[:2]))
    out = root / "out"
    for i in (1, 2, 3, 4):
        assert run(FAKE, subs, "--out", out / f"ex-{i}.csv", "--shard", f"{i}/4", "--seed", "1", "--workers", "1").returncode == 0
    assert run(FAKE, subs, "--out", out / "seed2-4.csv", "--shard", "4/4", "--seed", "2", "--workers", "1").returncode == 0
    assert run("ex05", subs, "--out", out / "ex05-4.csv", "--shard", "4/4", "--seed", "1", "--workers", "1").returncode == 0
    assert run(FAKE, subs, "--out", root / "whole.csv", "--seed", "1", "--workers", "2").returncode == 0
    return root


def test_merge_writes_into_a_new_folder(shards):
    out = shards / "grades" / "nested" / "ex.csv"  # the guide's CI example: grades/ does not exist yet
    proc = run("merge", *(shards / "out" / f"ex-{i}.csv" for i in (1, 2, 3, 4)), "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == (shards / "whole.csv").read_bytes()


@pytest.mark.parametrize("inputs, says", [
    (["ex-1", "ex-2", "ex-3"], "shard 4/4 missing"),
    (["ex-1", "ex-2", "ex-3", "seed2-4"], "different seeds"),
    (["ex-1", "ex-2", "ex-3", "ex05-4"], "different exercises"),
    (["ex-1", "ex-2", "ex-3", "ex-4.csv.journal"], "is a journal"),
])
def test_merge_refuses_an_incomplete_or_mixed_set_in_one_sentence(shards, inputs, says):
    paths = [shards / "out" / (name if name.endswith("journal") else f"{name}.csv") for name in inputs]
    out = shards / "refused.csv"
    proc = run("merge", *paths, "--out", out)
    assert proc.returncode == 2 and says in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and len(proc.stderr) < 300, proc.stderr
    assert not out.exists()


def test_merge_refuses_a_shard_whose_run_was_cut_short(shards, tmp_path):
    import shutil

    for i in (1, 2, 3, 4):
        for suffix in ("", ".manifest.json"):
            shutil.copy(shards / "out" / f"ex-{i}.csv{suffix}", tmp_path / f"ex-{i}.csv{suffix}")
    lines = (tmp_path / "ex-1.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "ex-1.csv").write_text("".join(lines[:-1]), encoding="utf-8")  # one row lost (an interrupted run)
    proc = run("merge", *(tmp_path / f"ex-{i}.csv" for i in (1, 2, 3, 4)), "--out", tmp_path / "m.csv")
    assert proc.returncode == 2 and "ex-1.csv is incomplete" in proc.stderr, proc.stderr


def test_a_torn_last_journal_line_costs_no_regrade(tmp_path):
    """A crash can leave the journal's last line cut short: the next record must start on a new line."""
    subs = tmp_path / "subs"
    subs.mkdir()
    write(subs, "a", notebook(GOOD))
    out = tmp_path / "g.csv"
    journal = tmp_path / "g.csv.journal"
    journal.write_bytes(b'{"key": "torn by a crash", "sha": "')
    assert run(FAKE, subs, "--out", out).returncode == 0
    entries = journal.read_bytes().splitlines()
    assert len(entries) == 2 and json.loads(entries[1])["row"]["submission"] == "a"
    proc = run(FAKE, subs, "--out", out)
    assert proc.returncode == 0
    assert len(journal.read_bytes().splitlines()) == 2  # "a" came from the journal: not graded again


def test_ctrl_c_stops_within_seconds_writes_what_finished_and_resumes(tmp_path):
    """One SIGINT: queued work cancelled, running children killed, the CSV of the finished rows,
    exit 130, no traceback; the same command then grades only the rest."""
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("a_fast", "b_fast"):
        write(subs, name, notebook(GOOD))
    for i in range(4):
        write(subs, f"slow{i}", notebook(["import time\ntime.sleep(6)", *GOOD]))
    out = tmp_path / "g.csv"
    env = {k: v for k, v in os.environ.items() if k != "ACTLAB_GRADE_SEED"}
    cmd = [sys.executable, "-m", "actlab.grade", FAKE, str(subs), "--out", str(out), "--workers", "2", "--timeout", "30"]
    # Ctrl-C as a terminal gives it, even when this suite runs in the background (nohup, "&"), where
    # SIGINT comes ignored and an ignored SIGINT stays ignored in every child
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=default_sigint)
    seen = []
    for line in proc.stderr:  # wait until both fast ones are done and the slow ones are running
        seen.append(line)
        if line.startswith("[2]"):
            break
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    code = proc.wait(timeout=30)
    elapsed = time.monotonic() - start
    assert code == 130, (seen, rest)
    assert elapsed < 5, elapsed  # "within a few seconds" (each slow one takes 6 s)
    assert "Traceback" not in rest and "interrupted: 2 of 6" in rest, rest
    assert sorted(rows(out)) == ["a_fast", "b_fast"]
    journal = (tmp_path / "g.csv.journal").read_bytes().splitlines()
    assert len(journal) == 2
    again = run(*cmd[3:])
    assert again.returncode == 0, again.stderr
    assert sorted(rows(out)) == ["a_fast", "b_fast", "slow0", "slow1", "slow2", "slow3"]
    assert len((tmp_path / "g.csv.journal").read_bytes().splitlines()) == 6  # the first two were not graded again


def test_entry_point_is_declared():
    from importlib.metadata import entry_points

    eps = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert eps.get("actlab-grade") == "actlab.grade:main"
