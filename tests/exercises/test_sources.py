"""The exercise sources: structure the checks rely on, and the answer key kept out of site and package."""
from __future__ import annotations

import ast
import re

import pytest
import yaml
from exercise_sources import ROOT, cells, stub

from actlab import exercises

EX_IDS = sorted(exercises.EXERCISES)


def _defined(code: str) -> list[str]:
    return [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_each_solution_cell_is_followed_by_its_check_cell(exercise_id):
    source = cells(exercise_id)
    solved = []
    for i, (kind, text) in enumerate(source):
        if kind != "code solution":
            continue
        names = _defined(text)
        assert names and text.count("### BEGIN SOLUTION") == len(names), "one solution region per function"
        nxt_kind, nxt = source[i + 1]
        assert nxt_kind == "code check", f"the cell after {names} must be its check cell"
        call = re.fullmatch(r'actlab\.exercises\.check\("(ex\d\d)", globals\(\), functions=(\[.*\])\)\s*', nxt)
        assert call, nxt
        assert call.group(1) == exercise_id and ast.literal_eval(call.group(2)) == names
        for name in names:  # every function keeps its docstring in the student's version
            fn = next(n for n in ast.parse(stub(text)).body if isinstance(n, ast.FunctionDef) and n.name == name)
            assert ast.get_docstring(fn), f"{name} needs a docstring"
        solved += names
    assert solved == list(exercises.get(exercise_id).FUNCTIONS), "solution cells define FUNCTIONS, in order"


@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_both_languages_have_the_same_sections(exercise_id):
    md = {lang: [t for k, t in cells(exercise_id) if k == f"md {lang}"] for lang in ("ko", "en")}
    assert len(md["ko"]) == len(md["en"])
    for ko, en in zip(md["ko"], md["en"]):
        assert re.findall(r"`[a-z_]+\(", ko) == re.findall(r"`[a-z_]+\(", en), "same functions named in both"
        assert ko.count("$$") == en.count("$$")
    ko_text = "\n".join(md["ko"])
    assert re.search("[가-힣]", ko_text) and not re.search("[가-힣]", "\n".join(md["en"]))
    assert "NumPy만 사용합니다" in ko_text and "Use NumPy only" in "\n".join(md["en"])
    assert "숨은 검사(hidden check)" in ko_text and "hidden" in "\n".join(md["en"])


def test_the_answer_key_is_kept_out_of_the_site_and_the_package():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    excluded = config.get("exclude_patterns", [])
    assert any(p.startswith("exercises/solutions") for p in excluded)
    assert any(p.startswith("exercises/src") for p in excluded)
    assert "solutions" not in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "solutions" not in (ROOT / "_toc_en.yml").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'package-dir = { "" = "lib" }' in pyproject  # only lib/ is packaged: exercises/ never is
    assert not list((ROOT / "lib").rglob("*.ipynb")) and not list((ROOT / "lib").rglob("ex0*.md"))
    for path in (ROOT / "lib" / "actlab" / "exercises").glob("*.py"):
        assert "### BEGIN SOLUTION" not in path.read_text(encoding="utf-8"), path


def test_the_command_that_regenerates_the_notebooks_is_documented_for_instructors():
    """The answer key and the student notebooks come from exercises/src by one command: the guide says which."""
    for lang in ("ko", "en"):
        guide = (ROOT / "guide" / f"instructor_{lang}.md").read_text(encoding="utf-8")
        assert "python3 make.py notebooks exercises/src/" in guide, lang
        assert "### BEGIN SOLUTION" in guide and "raise NotImplementedError" in guide, lang
    make = (ROOT / "make.py").read_text(encoding="utf-8")
    assert 'add_parser("notebooks"' in make


def test_the_built_wheel_and_sdist_hold_no_answer_key(tmp_path):
    """Build both from a copy of the tracked files (building in the checkout would leave build/ there)."""
    import shutil
    import subprocess
    import sys
    import tarfile
    import zipfile

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the tracked files")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    src = tmp_path / "src"
    for name in filter(None, files.decode().split("\0")):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    assert (src / "exercises" / "solutions").is_dir()
    dist = tmp_path / "dist"
    dist.mkdir()
    for hook in ("build_wheel", "build_sdist"):  # what pip and `python -m build` call, one process each
        proc = subprocess.run([sys.executable, "-c", f"import sys\nfrom setuptools import build_meta\n"
                               f"build_meta.{hook}(sys.argv[1])", str(dist)],
                              cwd=src, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    wheel, = dist.glob("actlab-*.whl")
    sdist, = dist.glob("actlab-*.tar.gz")
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = zf.namelist()
    with tarfile.open(sdist) as tf:
        in_sdist = [m.name.split("/", 1)[-1] for m in tf.getmembers()]
    for names in (in_wheel, in_sdist):
        assert any(n.endswith("actlab/grade/core.py") for n in names)
        leaked = [n for n in names if "solutions" in n or n.endswith(".ipynb") or n.startswith("exercises/")
                  or "BEGIN SOLUTION" in n]
        assert not leaked, leaked
