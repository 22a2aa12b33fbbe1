"""One batch of honest and hostile submissions, graded once; the tests read its CSV and feedback.

Each hostile submission must get its row with the right status, must not raise its score, and
must not stop or damage the rest of the batch.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
from pathlib import Path

import pytest

from actlab.grade import COLUMNS, STATUSES, Limits, Settings, grade_batch, merge
from actlab.grade.core import csv_bytes

from grader_notebooks import FAKE, GOOD, IS_ROOT, STUB, needs_root, notebook, write

TIMEOUT = 5.0  # generous: CI runs other tests beside these
# right for |x| < 9 (the public inputs), wrong for the hidden ones (|x| up to 1000)
WRONG_SOFTSIGN = GOOD[:2] + ["def softsign(x):\n    return np.clip(x / (1 + np.abs(x)), -0.9, 0.9)"]
WRONG_BOTH = ["import numpy as np", "def double(x):\n    return 3 * x", "def softsign(x):\n    return np.tanh(x)"]


def hostile(paths):
    """name -> cells. ``paths`` holds absolute paths a hostile submission tries to damage."""
    rm = ("import os, shutil\n"
          "for p in %r:\n"
          "    shutil.rmtree(p, ignore_errors=True)\n"
          "    try:\n        os.remove(p)\n    except OSError:\n        pass\n"
          "shutil.rmtree('..', ignore_errors=True)\n") % (paths,)
    return {
        "loop_forever": ["while True:\n    pass", *GOOD],
        "slow_function": ["import numpy as np",
                          "def double(x):\n    while True:\n        try:\n            pass\n        except Exception:\n            pass",
                          GOOD[2]],
        "sys_exit": [*GOOD, "import sys\nsys.exit(3)"],
        "os_exit": [*GOOD, "import os\nos._exit(0)"],
        "kill_self": [*GOOD, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"],
        "print_gigabytes": ["while True:\n    print('x' * 1_000_000)", *GOOD],
        "memory_bomb": ["import numpy as np\nhog = np.ones(10**10)", *GOOD],
        "memory_bytes": ["hog = bytearray(8 * 1024**3)", *GOOD],
        "remove_files": [rm, *GOOD],
        "patch_numpy": ["import numpy as np\n"
                        "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                        "np.testing.assert_allclose = lambda *a, **k: None\n"
                        "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)", *WRONG_BOTH],
        "patch_checks": ["import actlab, actlab.exercises.cases as cases\n"
                         "cases.Case.check = lambda self, actual: cases.Verdict(True, {}, 'passed')\n"
                         "actlab.exercises.check = lambda *a, **k: None\n"
                         "import sys\nfor name in list(sys.modules):\n"
                         "    if 'grade' in name or 'runner' in name:\n"
                         "        sys.modules[name].encode = None", *WRONG_BOTH],
        "patch_results": ["import numpy as np",
                          "import builtins\n_real = builtins.isinstance\n"
                          "builtins.isinstance = lambda o, t: True",
                          "def double(x):\n    return 3 * x",
                          "def softsign(x):\n    return x"],
        "fake_exceptions": ["class MemoryError(Exception): pass",
                            "def double(x):\n    raise MemoryError('pretend')",
                            "def softsign(x):\n    raise SystemExit(0)"],
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grader_batch")
    subs, out_dir = root / "submissions", root / "out"
    subs.mkdir()
    out_dir.mkdir()
    canary = root / "canary.txt"
    canary.write_text("still here")
    names = {"good": notebook(GOOD), "good_en": notebook(GOOD, lang="en"), "stub": notebook(STUB),
             "wrong_softsign": notebook(WRONG_SOFTSIGN), "wrong_both": notebook(WRONG_BOTH),
             "untagged_check": notebook([*GOOD, 'import actlab\nactlab.exercises.check("fake", globals())'], check_cell=False),
             "magics": notebook(["%matplotlib inline\n!ls", *GOOD, "%timeit double(1.0)\nx = !echo hi"]),
             "plots": notebook([*GOOD, "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
                                       "ax.plot([1, 2], [3, 4])\nplt.show()"]),
             "invalid_json": '{"cells": [',
             "not_a_notebook": json.dumps({"hello": "world"}),
             "wrong_nbformat": json.dumps({"nbformat": 99, "nbformat_minor": 0, "cells": [], "metadata": {}})}
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    names["no_matplotlib"] = notebook([
        "import numpy as np\nimport matplotlib\nimport matplotlib.pyplot as plt\nreal = hasattr(matplotlib, '__file__')",
        "def double(x):\n    return 0 * x if real else 2 * x", GOOD[2]])
    if IS_ROOT:  # as an ordinary user nothing stops these: they would really fork and connect
        names["fork_bomb"] = notebook([*GOOD, "import os\nwhile True:\n    os.fork()"])
        names["network"] = notebook([
            "import numpy as np\nimport socket\ntry:\n    socket.create_connection(('127.0.0.1', %d), timeout=1).close()\n"
            "    online = True\nexcept OSError:\n    online = False" % port,
            "def double(x):\n    return 2 * x if online else 0 * x", GOOD[2]])
    out = out_dir / "grades.csv"
    damage = [str(out_dir), str(out), str(out) + ".journal", str(subs), str(subs / "good.ipynb"), str(canary)]
    for name, cells in hostile(damage).items():
        names[name] = notebook(cells)
    for name, text in names.items():
        write(subs, name, text)
    settings = Settings(Limits(timeout=TIMEOUT, memory_mb=768))
    rows = grade_batch(FAKE, [subs], out, workers=2, seed=1234, settings=settings)
    try:
        listener.accept()
        contacted = True
    except BlockingIOError:
        contacted = False
    listener.close()
    return {"rows": {r["submission"]: r for r in rows}, "contacted": contacted, "out": out, "subs": subs, "names": sorted(names),
            "canary": canary, "settings": settings, "feedback": out_dir / "grades_feedback", "root": root}


def feedback(batch, name):
    return (batch["feedback"] / f"{name}.txt").read_text(encoding="utf-8")


def test_every_submission_has_one_row_sorted_and_complete(batch):
    with open(batch["out"], newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS and COLUMNS[:7] == (
            "submission", "exercise", "score", "max_score", "status", "feedback", "functions")  # the contract
        rows = list(reader)
    assert [r["submission"] for r in rows] == batch["names"]
    assert all(r["status"] in STATUSES and r["exercise"] == "fake" and r["max_score"] == "8" for r in rows)
    assert not [p for p in batch["out"].parent.iterdir() if ".tmp-" in p.name]
    for name in batch["names"]:
        assert (batch["feedback"] / f"{name}.txt").stat().st_size > 0


@pytest.mark.parametrize("name, score, status", [
    ("good", "8", "ok"), ("good_en", "8", "ok"), ("stub", "0", "ok"), ("magics", "8", "ok"),
    ("untagged_check", "8", "ok"),
    ("plots", "8", "ok"), ("wrong_both", "0", "ok"),
])
def test_scores(batch, name, score, status):
    row = batch["rows"][name]
    assert (row["score"], row["status"]) == (score, status), row


def test_wrong_variant_scores_partial(batch):
    row = batch["rows"]["wrong_softsign"]
    assert row["status"] == "ok"
    assert row["score"] == "6" and row["functions"] == "double=4/4;softsign=2/4", row


def test_feedback_follows_the_notebook_language(batch):
    assert "점수: 8 / 8" in feedback(batch, "good")
    assert "Score: 8 / 8" in feedback(batch, "good_en")
    stub = feedback(batch, "stub")
    assert "아직 구현하지 않았습니다" in stub and "Traceback" not in stub


def test_hidden_cases_are_not_revealed(batch):
    text = feedback(batch, "wrong_softsign")
    assert "숨은 검사" in text
    hidden_lines = [line for line in text.splitlines() if "hidden-" in line]
    assert hidden_lines and all("기댓값:" not in line for line in hidden_lines)


@pytest.mark.parametrize("name", ["invalid_json", "not_a_notebook", "wrong_nbformat"])
def test_invalid_notebooks(batch, name):
    row = batch["rows"][name]
    assert (row["status"], row["score"]) == ("invalid", "0")
    assert "노트북 파일로 읽을 수 없습니다" in row["feedback"]


def test_infinite_loop_times_out(batch):
    # the loop is in cell 3, before the functions: the cells may take half of the 5 s; the cell is named
    row = batch["rows"]["loop_forever"]
    assert (row["status"], row["score"]) == ("timeout", "0")
    assert "셀 3에서 셀 실행 시간 2.5초를 넘어 멈췄습니다" in row["feedback"]
    assert "time_limit" in row["flags"].split(";")
    assert "셀 번호는 노트북 맨 위 셀을 1로" in feedback(batch, "loop_forever")


@pytest.mark.parametrize("name, text", [("os_exit", "종료 코드 0"), ("kill_self", "SIGKILL")])
def test_a_process_that_ends_before_the_checks_is_an_error(batch, name, text):
    row = batch["rows"][name]
    assert row["status"] == "error" and text in row["feedback"], row


def test_sys_exit_in_a_cell_after_the_functions_is_ok_with_a_note(batch):
    # sys.exit raises SystemExit: that cell ends, the others ran, as with allow_errors; every check
    # ran, so the score can be trusted: status ok, the cell noted (issue 13: not "error" with full marks)
    row = batch["rows"]["sys_exit"]
    assert (row["status"], row["score"], row["flags"]) == ("ok", "8", "cell_error"), row
    assert "셀 6" in row["feedback"] and "검사는 모두 실행했습니다" in row["feedback"]


def test_error_never_comes_with_every_check_run(batch):
    """``error`` means some check has no result, or a cell crashed the process (then the cells before
    it were graded): never full marks otherwise, and the feedback says which did not run."""
    for name, row in batch["rows"].items():
        if row["status"] == "error" and "cell_crash" not in row["flags"].split(";"):
            assert float(row["score"]) < float(row["max_score"]), row
            assert "실행하기 전에 프로세스가 끝났습니다" in feedback(batch, name), name
        if row["status"] == "ok":
            assert "실행하기 전에 프로세스가 끝났습니다" not in feedback(batch, name), name


@pytest.mark.parametrize("name", ["os_exit", "kill_self"])
def test_a_process_that_dies_in_a_cell_keeps_the_functions_defined_before_it(batch, name):
    # cell 6 ends the process; the notebook is run again up to cell 5 and its functions graded
    row = batch["rows"][name]
    assert (row["status"], row["score"]) == ("error", "8"), row
    assert "cell_crash" in row["flags"].split(";")
    assert "셀 6에서 프로세스가 끝났습니다" in row["feedback"]
    assert "셀 6: 이 셀을 실행하다가 프로세스가 끝났습니다" in feedback(batch, name)


def test_printing_gigabytes_is_capped(batch):
    row = batch["rows"]["print_gigabytes"]
    assert "출력 제한 16 MB" in row["feedback"] and "output_limit" in row["flags"].split(";"), row
    assert (row["status"], row["score"]) == ("ok", "8")  # the cap ends that cell; every check still ran


@pytest.mark.parametrize("name", ["memory_bomb", "memory_bytes"])
def test_memory_bomb_is_noted_with_a_memory_message(batch, name):
    row = batch["rows"][name]
    assert "메모리 제한 768 MB" in row["feedback"] and "memory_limit" in row["flags"].split(";"), row
    assert (row["status"], row["score"]) == ("ok", "8")  # the cell that hit the limit ended; the checks ran


@needs_root
def test_deleting_files_around_it_damages_nothing(batch):
    assert batch["canary"].read_text() == "still here"
    assert (batch["subs"] / "good.ipynb").exists()
    assert Path(str(batch["out"]) + ".journal").exists()
    assert batch["rows"]["remove_files"]["score"] == "8"


@pytest.mark.parametrize("name", ["patch_numpy", "patch_checks", "patch_results"])
def test_tampering_in_its_own_process_gains_nothing(batch, name):
    assert batch["rows"][name]["score"] == "0", batch["rows"][name]


def test_fake_exception_classes_do_not_fool_the_status(batch):
    row = batch["rows"]["fake_exceptions"]
    assert (row["status"], row["score"]) == ("ok", "0")


def test_regrading_gives_the_same_csv(batch, tmp_path):
    out = tmp_path / "again.csv"
    grade_batch(FAKE, [batch["subs"]], out, workers=2, seed=1234, settings=batch["settings"])
    assert out.read_bytes() == batch["out"].read_bytes()


def test_journal_resumes_without_regrading(batch, tmp_path):
    """A run that finds every row in the journal grades nothing and writes the same CSV."""
    out = tmp_path / "resumed.csv"
    journal = Path(str(batch["out"]) + ".journal")
    (tmp_path / "resumed.csv.journal").write_bytes(journal.read_bytes() + b'{"cut short')
    seen = []
    grade_batch(FAKE, [batch["subs"]], out, workers=2, seed=1234, settings=batch["settings"],
                progress=lambda r: seen.append(r.cpu_seconds))
    assert out.read_bytes() == batch["out"].read_bytes()
    assert len(seen) == len(batch["names"]) and not any(seen)  # nothing ran again


def test_another_seed_is_another_batch(batch, tmp_path):
    out = tmp_path / "seed.csv"
    (tmp_path / "seed.csv.journal").write_bytes(Path(str(batch["out"]) + ".journal").read_bytes())
    seen = []
    grade_batch(FAKE, [batch["subs"] / "good.ipynb"], out, workers=1, seed=99, settings=batch["settings"],
                progress=lambda r: seen.append(r.cpu_seconds))
    assert seen and seen[0] > 0  # the journal's rows belong to seed 1234: graded again


def test_a_changed_grader_does_not_reuse_journal_rows(tmp_path, monkeypatch):
    """The journal key covers the grader's own code: rows an older grader wrote are graded again."""
    import actlab.grade.core as core
    from actlab.grade import load_exercise

    rule = tmp_path / "screen_rule.py"
    rule.write_text("A = 1\n")
    monkeypatch.setattr(core, "GRADER_FILES", (*core.GRADER_FILES, rule))
    before = load_exercise(FAKE, 0).key
    assert load_exercise(FAKE, 0).key == before
    rule.write_text("A = 2\n")
    assert load_exercise(FAKE, 0).key != before
    assert all(Path(f).is_file() for f in core.GRADER_FILES[:-1])


def test_shards_merge_into_the_unsharded_csv(batch, tmp_path):
    """Shards graded from the journal (same rows), merged, equal the whole batch's CSV."""
    journal = Path(str(batch["out"]) + ".journal").read_bytes()
    outs = []
    for i in (1, 2, 3):
        out = tmp_path / f"shard{i}.csv"
        (tmp_path / f"shard{i}.csv.journal").write_bytes(journal)
        rows = grade_batch(FAKE, [batch["subs"]], out, workers=2, seed=1234, settings=batch["settings"],
                           shard=(i, 3))
        assert [r["submission"] for r in rows] == batch["names"][i - 1::3]
        outs.append(out)
    merged = tmp_path / "merged.csv"
    merge(outs, merged)
    assert merged.read_bytes() == batch["out"].read_bytes()


def test_csv_bytes_sorts_and_quotes():
    rows = [{"submission": "b", "exercise": "e", "score": "1", "max_score": "2", "status": "ok",
             "feedback": 'a, "b"\nc', "functions": "f=1/2"},
            {"submission": "a", "exercise": "e", "score": "0", "max_score": "2", "status": "invalid",
             "feedback": "x", "functions": "f=0/2"}]
    text = csv_bytes(rows).decode()
    assert text.splitlines()[1].startswith("a,") and list(csv.DictReader(io.StringIO(text, newline="")))[1]["feedback"] == 'a, "b"\nc'


def test_isolation_is_reported(batch):
    """In the feedback's language: Korean words in a Korean file, the sandbox's names in an English one."""
    from actlab.grade.sandbox import isolation_mode

    ko, en = feedback(batch, "good").splitlines()[-1], feedback(batch, "good_en").splitlines()[-1]
    words = {"limits": "자원 제한"}
    if isolation_mode() == "bwrap":
        words.update({"no network": "네트워크 차단", "only Python and NumPy visible": "파이썬과 NumPy만"})
    elif IS_ROOT:
        words.update({"no network": "네트워크 차단", "course clone": "강의 저장소"})
    else:
        words.update({"file system not isolated": "파일 시스템은 격리하지 않음"})
    if IS_ROOT:
        words["separate user"] = "별도 사용자"
    for what in words:
        assert what in en and words[what] in ko, (en, ko)
    iso = ko.split("격리:")[1]
    assert ko.startswith("채점 조건:") and not re.search("[A-Za-z]{4,}", iso.replace("NumPy", "").replace("bubblewrap", "")), ko


def test_environment_is_untouched(batch):
    assert "ACTLAB_GRADE_SEED" not in os.environ


def test_display_modules_are_stand_ins(batch):
    """Plotting code runs against a silent stand-in: matplotlib is never imported while grading."""
    assert batch["rows"]["no_matplotlib"]["functions"] == "double=4/4;softsign=4/4"


def test_grading_process_never_imports_matplotlib(tmp_path):
    import subprocess
    import sys

    write(tmp_path, "a", notebook(GOOD))
    code = ("import sys\nfrom actlab.grade import grade_batch\n"
            f"grade_batch({FAKE!r}, [{str(tmp_path / 'a.ipynb')!r}], {str(tmp_path / 'g.csv')!r}, workers=1)\n"
            "import importlib.util\nfrom actlab.grade import load_exercise\n"
            "for i in range(1, 8):\n"
            "    if importlib.util.find_spec(f'actlab.exercises.ex0{i}'):\n"
            "        load_exercise(f'ex0{i}', 0)\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


@needs_root
def test_fork_bomb_is_stopped(batch):
    row = batch["rows"]["fork_bomb"]
    assert (row["status"], row["score"], row["flags"]) == ("ok", "8", "cell_error"), row
    assert "BlockingIOError" in feedback(batch, "fork_bomb")


@needs_root
def test_no_network(batch):
    assert batch["rows"]["network"]["functions"] == "double=0/4;softsign=4/4"
    assert not batch["contacted"]


def test_a_function_that_loops_forever_costs_only_its_own_checks(batch):
    row = batch["rows"]["slow_function"]
    assert (row["status"], row["functions"]) == ("timeout", "double=0/4;softsign=4/4"), row
    assert "0.5초" in row["feedback"]  # the per-call CPU budget: timeout / 10


def test_a_grader_failure_on_one_submission_does_not_stop_the_batch(tmp_path, monkeypatch):
    import actlab.grade.core as core

    real = core.run_child

    def flaky(cells, *args, **kwargs):
        if any("boom" in src for _, src in cells):
            raise RuntimeError("simulated grader bug")
        return real(cells, *args, **kwargs)

    monkeypatch.setattr(core, "run_child", flaky)
    write(tmp_path, "a", notebook(GOOD))
    write(tmp_path, "b", notebook([*GOOD, "boom = 1"]))
    out = tmp_path / "out" / "g.csv"
    rows = {r["submission"]: r for r in grade_batch(FAKE, [tmp_path], out, workers=2)}
    assert rows["a"]["score"] == "8" and rows["b"]["status"] == "error"
    assert "simulated grader bug" in rows["b"]["feedback"]
    journal = Path(str(out) + ".journal").read_text(encoding="utf-8")
    assert '"a"' in journal and '"b"' not in journal  # the failed one is graded again next time
