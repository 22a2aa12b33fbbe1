"""Isolation that matches its promise (issue 13): a submission graded from inside the course clone
reads no file of the clone (the answer key above all), of the instructor's home, or of the
grader's outputs, on every isolation path this machine offers; and each footer claims exactly
what its path gave."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actlab.grade.sandbox import bwrap_works

from grader_notebooks import FAKE, GOOD, IS_ROOT, notebook, write

ROOT = Path(__file__).resolve().parents[2]


def _paths() -> list[str]:
    found = []
    if bwrap_works():
        found.append("bwrap")
    if IS_ROOT:
        found.append("builtin")
    return found


PATHS = _paths()
# An ordinary user's builtin path hides nothing: its footer says so (test below); there is no leak
# test to run there. This machine's interpreter lives under a 0700 /root, so it cannot run as
# another user at all: the unprivileged paths are not offered here.
needs_a_path = pytest.mark.skipif(not PATHS, reason="no file-system isolation on this machine (not root, no bubblewrap)")

THIEF = r'''
import glob, os
def needed(path):  # on the way to the Python runtime or NumPy, which the child may see
    return any(a == path or a.startswith(path + "/") for a in ALLOWED)
def readable(path):
    try:
        if os.path.isdir(path):
            return any(not needed(os.path.join(path, e)) for e in os.listdir(path))
        with open(path, "rb") as fh:
            return bool(fh.read(1))
    except Exception:
        return False
TARGETS = TARGETS_HERE
leaked = [p for pattern in TARGETS for p in (glob.glob(pattern, recursive=True) or [pattern]) if readable(p)]
with open("mine.txt", "w") as fh:   # the control: its own working folder works
    fh.write("x")
control = readable("mine.txt")
key = None
for path in glob.glob(TARGETS[0], recursive=True):  # run the answer key, as the issue's exploit did
    try:
        import json
        nb = json.load(open(path))
        key = {}
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and "def " in "".join(cell["source"]):
                exec("".join(cell["source"]), key)
    except Exception:
        pass
'''


def _thief(home: Path, out_dir: Path, seed_file: Path) -> str:
    targets = [str(ROOT / "exercises" / "solutions" / "**" / "*.ipynb"),  # first: the one it execs
               str(ROOT / "README.md"), str(ROOT / "lib" / "actlab" / "exercises" / "ex02.py"),
               str(ROOT / "exercises" / "src"), str(ROOT), str(ROOT / ".git" / "HEAD"),
               str(home / "secret.txt"), str(home), str(out_dir / "previous.csv"), str(out_dir), str(seed_file),
               str(out_dir / "g.csv.journal"), "/root/.bashrc", os.path.expanduser("~root/.profile")]
    # hex, so that no path names a forbidden module ("lib/actlab/..."): the static screen would then
    # score double() 0 for delegation, and this test would pass for the wrong reason
    from actlab.grade.sandbox import numpy_dirs, python_dirs

    allowed = [*numpy_dirs(), *python_dirs()]
    return (THIEF.replace("TARGETS_HERE", f"[bytes.fromhex(h).decode() for h in {[t.encode().hex() for t in targets]!r}]")
            .replace("import glob, os", f"import glob, os\nALLOWED = {allowed!r}"))


@needs_a_path
@pytest.mark.parametrize("path", PATHS)
def test_a_submission_graded_inside_the_clone_reads_nothing_of_it(path, tmp_path):
    home, out_dir, subs = tmp_path / "home", tmp_path / "out", tmp_path / "subs"
    for d in (home, out_dir, subs):
        d.mkdir()
    (home / "secret.txt").write_text("the instructor's notes")
    (out_dir / "previous.csv").write_text("submission,score\nalice,10\n")
    seed_file = tmp_path / "seed.txt"
    seed_file.write_text("term-seed")
    write(subs, "thief", notebook(["import numpy as np", _thief(home, out_dir, seed_file),
                                   "def double(x):\n    return 2 * x if leaked else 0 * x",
                                   "def softsign(x):\n    return x / (1 + np.abs(x)) if control else 0 * x"]))
    env = {k: v for k, v in os.environ.items() if k != "ACTLAB_GRADE_SEED"}
    env["HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(subs), "--out", str(out_dir / "g.csv"),
                           "--isolation", path, "--seed-file", str(seed_file), "--timeout", "20"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with open(out_dir / "g.csv", newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert (ROOT / "exercises" / "solutions").is_dir() and (home / "secret.txt").exists()  # there to be read
    text = (out_dir / "g_feedback" / "thief.txt").read_text(encoding="utf-8")
    assert row["flags"] == "" and row["status"] == "ok", (row, text)  # not scored 0 by the screen: it ran
    assert row["functions"] == "double=0/4;softsign=4/4", (row, text)


@needs_a_path
@pytest.mark.parametrize("path", PATHS)
def test_the_footer_claims_exactly_what_the_path_gave(path, tmp_path):
    """Each claim in the feedback's last line is checked by the submission itself."""
    probe = f"import os\nsees_root = os.path.exists({str(ROOT / 'README.md')!r})\nuid = os.getuid()"
    write(tmp_path, "probe", notebook(["import numpy as np", probe,
                                       "def double(x):\n    return 2 * x if not sees_root else 0 * x",
                                       "def softsign(x):\n    return x / (1 + np.abs(x)) if uid != 0 else 0 * x"]))
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", FAKE, str(tmp_path / "probe.ipynb"),
                           "--out", str(tmp_path / "g.csv"), "--isolation", path, "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    footer = (tmp_path / "g_feedback" / "probe.txt").read_text(encoding="utf-8").splitlines()[-1]
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    if path == "bwrap":
        assert "only Python and NumPy visible, read-only (bubblewrap)" in footer and "no network" in footer, footer
    else:
        assert "course clone" in footer and "other files readable" in footer and "no network" in footer, footer
    assert row["functions"].startswith("double=4/4"), row  # the clone is out of sight, as claimed
    if IS_ROOT:
        assert "separate user" in footer and row["functions"].endswith("softsign=4/4"), (footer, row)


def test_without_isolation_the_footer_says_the_file_system_is_shared():
    from actlab.grade.feedback import isolation_text

    assert isolation_text(["files_shared", "limits"], "en") == "file system not isolated, limits"
    assert isolation_text(["files_shared", "limits"], "ko") == "파일 시스템은 격리하지 않음, 자원 제한"
    assert isolation_text([], "en") == "none"
