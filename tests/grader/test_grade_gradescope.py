"""Gradescope end to end: build the autograder zip with the command, run its setup.sh, then its
run_autograder in a temporary AUTOGRADER_ROOT for an answer key, a stub and a non-notebook, and
read results.json as Gradescope would (its autograder specification)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)


def _env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ACTLAB_GRADE_SEED", "PYTHONPATH")}
    # python3 on PATH is this interpreter, whose packages satisfy requirements.txt: nothing is downloaded
    env.update(PATH=f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}", AUTOGRADER_ROOT=str(root),
               PIP_NO_INDEX="1")
    return env


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gradescope")
    zpath = tmp / "dist" / "autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "actlab.grade", "gradescope", "ex02", "--out", str(zpath),
                           "--seed", "777"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return zpath


@pytest.fixture(scope="module")
def installed(autograder, tmp_path_factory):
    """An AUTOGRADER_ROOT after Gradescope's image build (setup.sh run once, as Gradescope does)."""
    root = tmp_path_factory.mktemp("image")
    _install(autograder, root)
    return root


def _install(zpath: Path, root: Path) -> None:
    """What Gradescope does with the zip: unpack into source/, run setup.sh, copy run_autograder."""
    source = root / "source"
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(source)
        for info in zf.infolist():  # zipfile does not restore the executable bit
            os.chmod(source / info.filename, (info.external_attr >> 16) & 0o777)
    setup = subprocess.run(["bash", str(source / "setup.sh")], cwd=source, env=_env(root),
                           capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    shutil.copy(source / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()


def _grade(image: Path, root: Path, notebook: Path | None, extra: Path | None = None) -> dict:
    """One submission in a fresh container of the image: its own copy of the root (``extra``: more
    files uploaded beside the notebook, copied first)."""
    root = root / "autograder"
    shutil.copytree(image, root, symlinks=True)
    if extra is not None:
        shutil.copytree(extra, root / "submission", dirs_exist_ok=True)
    if notebook is not None:
        shutil.copy(notebook, root / "submission" / notebook.name)
    proc = subprocess.run([str(root / "run_autograder")], cwd=root, env=_env(root), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_the_zip_holds_what_gradescope_asks_for(autograder):
    with zipfile.ZipFile(autograder) as zf:
        names = set(zf.namelist())
        config = json.loads(zf.read("config.json"))
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "requirements.txt", "lib/actlab/grade/core.py",
            "lib/actlab/exercises/ex02.py"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert not any(n.startswith("lib/actlab/fonts/") or "__pycache__" in n for n in names)
    assert not any("solutions" in n for n in names)  # the answer key is not needed to grade
    assert (config["exercise"], config["seed"]) == ("ex02", 777)


def test_answer_key_scores_full_marks_with_one_test_per_function_and_kind(installed, tmp_path):
    key = sorted((ROOT / "exercises" / "solutions" / "en").glob("ex02_*.ipynb"))[0]
    results = _grade(installed, tmp_path, key)
    from actlab.grade import load_exercise

    ex = load_exercise("ex02", 777)
    assert results["score"] == ex.max_score
    tests = results["tests"]
    assert [t["name"] for t in tests] == [f"{f}: {kind} checks" for f in ex.functions for kind in ("public", "hidden")]
    assert sum(t["max_score"] for t in tests) == ex.max_score and all(t["score"] == t["max_score"] for t in tests)
    assert {t["visibility"] for t in tests if "hidden" in t["name"]} == {"after_published"}
    assert {t["visibility"] for t in tests if "public" in t["name"]} == {"visible"}
    first, second = results["output"].splitlines()[:2]
    assert first == f"Graded file: {key.name}" and second.startswith("Status: ok") and "Isolation:" in results["output"]


def test_a_stub_in_korean_scores_zero_with_korean_feedback(installed, tmp_path):
    stub = sorted((ROOT / "exercises" / "ko").glob("ex02_*.ipynb"))[0]
    results = _grade(installed, tmp_path, stub)
    assert results["score"] == 0 and all(t["status"] == "failed" for t in results["tests"])
    assert results["tests"][0]["name"] == "sigmoid: 공개 검사"
    assert "아직 구현하지 않았습니다" in results["tests"][0]["output"]
    assert "숨은 검사" in results["tests"][1]["name"] and results["tests"][1]["visibility"] == "after_published"


def test_hidden_checks_do_not_show_inputs(installed, tmp_path):
    import nbformat

    key = sorted((ROOT / "exercises" / "solutions" / "en").glob("ex02_*.ipynb"))[0]
    nb = nbformat.read(key, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("def tanh(x):\n    return np.clip(np.tanh(x), -0.99, 0.99)"))
    wrong = tmp_path / "ex02_wrong.ipynb"
    nbformat.write(nb, wrong)
    results = _grade(installed, tmp_path, wrong)
    hidden = next(t for t in results["tests"] if t["name"] == "tanh: hidden checks")
    assert hidden["score"] < hidden["max_score"] and "hidden check" in hidden["output"]
    assert "expected:" not in hidden["output"] and "input:" not in hidden["output"]


def test_no_notebook_submitted(installed, tmp_path):
    results = _grade(installed, tmp_path, None)
    assert results["score"] == 0 and ".ipynb" in results["output"]
    assert "제출물에 .ipynb 파일이 없습니다" in results["output"] and "no .ipynb file was submitted" in results["output"]


def test_of_several_notebooks_the_exercises_newest_is_graded_and_named(installed, tmp_path):
    import os

    key = sorted((ROOT / "exercises" / "solutions" / "en").glob("ex02_*.ipynb"))[0]
    stub = sorted((ROOT / "exercises" / "en").glob("ex02_*.ipynb"))[0]
    extra = tmp_path / "extra"
    (extra / "old").mkdir(parents=True)
    shutil.copy(stub, extra / "old" / key.name)  # the same name, an older copy
    os.utime(extra / "old" / key.name, (1_000_000_000, 1_000_000_000))
    shutil.copy(stub, extra / "scratch.ipynb")  # newest, but not named after the exercise
    results = _grade(installed, tmp_path, key, extra=extra)
    from actlab.grade import load_exercise

    assert results["score"] == load_exercise("ex02", 777).max_score
    first = results["output"].splitlines()[0]
    assert first.startswith(f"Graded file: {key.name} (the 2 other notebook(s) uploaded were not graded: ")
    assert "scratch.ipynb" in first and f"old/{key.name}" in first
