"""tools/nbsource.py and tools/build_notebooks.py: reading MyST sources, errors with file:line, twins, stubs,
alt text, and one end-to-end run (generate -> execute -> nbval passes) on tests/notebooks/data/sample.md."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import build_notebooks
import nbsource
from nbcheck import ROOT, program, same_program

SAMPLE = Path(__file__).parent / "data" / "sample.md"
URL = "https://github.com/example/course"


def write(tmp_path, text, kind="chapters", name="01_t.md") -> Path:
    path = tmp_path / kind / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_reads_into_cells_with_languages_kinds_alt_text_and_lines():
    nb = nbsource.read(SAMPLE)
    kinds = [(c.cell_type, c.metadata.get("lang") or (c.metadata.get("tags") or ["plain"])[0]) for c in nb.cells]
    assert kinds == [("code", "setup"), ("markdown", "ko"), ("markdown", "en"), ("code", "plain"), ("code", "ko"),
                     ("code", "en"), ("code", "plain"), ("markdown", "ko"), ("markdown", "en"), ("code", "explorer"),
                     ("code", "plain"), ("code", "volatile")]
    figure = nb.cells[6]
    assert figure.metadata["alt"] == {"ko": "리키 ReLU와 그 도함수의 그래프입니다.", "en": "Leaky ReLU and its derivative."}
    assert figure.source.startswith("plotting.plot_activation")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert figure.metadata["line"] == 57 and lines[56] == "```{code-cell} ipython3"
    assert lines[nb.cells[7].metadata["line"] - 1] == '+++ {"lang": "ko"}'


def test_the_sample_is_a_notebook_jupytext_opens_and_saves_unchanged():
    """An author's JupyterLab (jupytext) reads the source as a notebook and writes back the same cells."""
    import jupytext

    nb = jupytext.read(SAMPLE)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst"
    again = jupytext.reads(jupytext.writes(nb, fmt="myst"), fmt="myst")
    assert [(c.cell_type, c.source, c.metadata) for c in again.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in nb.cells]


def test_build_makes_twins_with_setup_cell_tags_alt_and_stable_ids():
    source = nbsource.read(SAMPLE)
    ko = nbsource.build(source, "ko", stem="sample", url=URL)
    en = nbsource.build(source, "en", stem="sample", url=URL)
    assert ko.cells[0].source == nbsource.setup_source("ko", URL)
    assert 'actlab.notebook.setup("en")' in en.cells[0].source and f"git+{URL}" in en.cells[0].source
    assert sum("actlab.notebook.setup(" in c.source for c in ko.cells) == 1, "the source's own setup cell is replaced"
    code = lambda nb: [c for c in nb.cells[1:] if c.cell_type == "code"]  # noqa: E731
    assert [c.metadata.get("tags") for c in code(ko)] == [c.metadata.get("tags") for c in code(en)]
    assert all(same_program(a.source, b.source) for a, b in zip(code(ko), code(en), strict=True)), \
        "the same program: comments and translated text aside"
    assert ko.cells[2].source.endswith("# 0에서의 기울기\nslope = sigmoid_derivative(0.0)  # 최댓값")
    assert en.cells[2].source.endswith("# the slope at 0\nslope = sigmoid_derivative(0.0)  # the largest")
    assert (ko.cells[3].source, en.cells[3].source) == ('print(f"0에서의 기울기: {slope}")', 'print(f"slope at 0: {slope}")')
    md = [c.source for c in ko.cells if c.cell_type == "markdown"]
    assert md[0].startswith("# 예제") and len(md) == 2
    explorer = next(c for c in ko.cells if "explorer" in c.metadata.get("tags", []))
    assert explorer.metadata["tags"] == ["nbval-ignore-output", "remove-output", "explorer"]
    volatile = ko.cells[-1]
    assert volatile.metadata["tags"] == ["nbval-ignore-output", "volatile"]
    figure = ko.cells[4]
    assert figure.metadata == {"mystnb": {"image": {"alt": "리키 ReLU와 그 도함수의 그래프입니다."}}}
    assert en.cells[4].metadata["mystnb"]["image"]["alt"] == "Leaky ReLU and its derivative."
    assert ko.cells[3].metadata == {}, "nothing of the source's metadata (line, lang) leaks into a notebook"
    again = nbsource.build(source, "ko", stem="sample", url=URL)
    assert [c.id for c in again.cells] == [c.id for c in ko.cells]
    assert len({c.id for c in ko.cells}) == len(ko.cells)
    nbformat.validate(ko)
    assert ko.metadata["kernelspec"]["name"] == "python3" and ko.metadata["language_info"]["name"] == "python"
    assert ko.metadata["actlab"]["lang"] == "ko"


@pytest.mark.parametrize("code,ko,en", [
    ("x = 1  # ko: 하나 # en: one", "x = 1  # 하나", "x = 1  # one"),
    ("x = 1  # en: one", "x = 1", "x = 1  # one"),
    ("    # ko: 들여쓴 주석\n    # en: an indented comment\n    y = 2", "    # 들여쓴 주석\n    y = 2",
     "    # an indented comment\n    y = 2"),
    ("# a comment for both\nz = 3  # both", "# a comment for both\nz = 3  # both", "# a comment for both\nz = 3  # both"),
    ("#ko:붙인 주석\n#en:no spaces", "# 붙인 주석", "# no spaces"),
])
def test_language_comments_go_to_their_notebook_only(code, ko, en):
    assert (nbsource.localize(code, "ko"), nbsource.localize(code, "en")) == (ko, en)


def cell(source, **meta) -> str:
    """A MyST code cell with metadata ``meta``."""
    head = "".join(f":{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
    return f"```{{code-cell}} ipython3\n{head}{chr(10) if head else ''}{source}\n```\n\n"


def md(lang, text) -> str:
    return f'+++ {{"lang": "{lang}"}}\n\n{text}\n\n'


SOLUTION = '''def f(x):
    """Doc."""
    ### BEGIN SOLUTION
    y = x + 1
    return y
    ### END SOLUTION


def g(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION'''
EXERCISE = md("ko", "# 과제") + md("en", "# Exercise") + cell(SOLUTION, tags=["solution"]) + \
    cell('print("check")', tags=["check"])


def test_exercise_sources_give_answer_key_and_student_notebooks(tmp_path):
    src = write(tmp_path, EXERCISE, kind="exercises", name="ex09_t.md")
    out = nbsource.notebooks_for(src, url=URL)
    base = tmp_path / "exercises"
    assert set(out) == {base / "solutions" / "ko" / "ex09_t.ipynb", base / "solutions" / "en" / "ex09_t.ipynb",
                        base / "ko" / "ex09_t.ipynb", base / "en" / "ex09_t.ipynb"}
    key = out[base / "solutions" / "en" / "ex09_t.ipynb"].cells[2].source
    assert "y = x + 1" in key and "BEGIN SOLUTION" not in key
    student_ko = out[base / "ko" / "ex09_t.ipynb"].cells[2].source
    student_en = out[base / "en" / "ex09_t.ipynb"].cells[2].source
    assert "y = x + 1" not in student_ko and '"""Doc."""' in student_ko
    assert re.findall(r"^    raise NotImplementedError  # (.*)$", student_ko, re.M) == ["여기에 코드를 작성하세요"] * 2
    assert re.findall(r"^    raise NotImplementedError  # (.*)$", student_en, re.M) == ["write your code here"] * 2
    assert program(student_ko) == program(student_en), "the twins differ in the stub's comment only"
    assert student_ko != student_en
    compile(student_en, "student", "exec")
    assert out[base / "ko" / "ex09_t.ipynb"].cells[3].metadata["tags"] == ["check"]


@pytest.mark.parametrize("text,line,message", [
    (md("ko", "hi") + '+++ {"lang": "fr"}\n\nbonjour\n', 5, "needs its language"),
    ("# 제목\n\n" + cell("x = 1"), 1, "needs its language"),
    (cell("x = 1", tags=["explorre"]), 1, "unknown tag(s) ['explorre']"),
    (cell("x = 1", tags=["explorer", "volatile"]), 1, "one kind per cell"),
    (cell("ex", tags=["explorer"]) + md("ko", "텍스트"), 1, "followed by its static twin"),
    (cell("ex", tags=["explorer"]), 1, "the file ends"),
    (md("ko", "글") + cell("x = 1", tags=["setup"]), 5, "only be the first cell"),
    (cell("x = 1", tags=["solution"]), 1, "exercises only"),
    (cell("plot()", alt={"ko": "그림"}), 1, "alt: {ko: ..., en: ...}"),
    (cell("plot()", alt={"ko": "그림", "en": ""}), 1, "both non-empty"),
    (cell("ex", tags=["explorer"], alt={"ko": "그림", "en": "x"}) + cell("twin()"), 1, "on its static twin"),
    (md("ko", "글") + cell(""), 5, "empty code cell"),
    (cell("x = 1\n### BEGIN SOLUTION"), 1, "not tagged 'solution'"),
    (cell('print("하나")', lang="ko") + md("ko", "글"), 1, "other-language version right before or after"),
    (cell('print("하나")', lang="ko") + cell('print("둘")', lang="ko"), 1, "other-language version"),
    (cell('print("x")', lang="de"), 1, "'ko' or 'en', got 'de'"),
    (md("ko", "글") + "```{code-cell} ipython3\n---\nalt:\n  ko: 그림\n  en: Left: the sigmoid\n---\nplot()\n```\n", 5,
     "needs quotes"),
])
def test_bad_chapter_sources_fail_with_file_and_line(tmp_path, text, line, message):
    src = write(tmp_path, text)
    with pytest.raises(nbsource.SourceError) as err:
        nbsource.read(src)
    assert f"01_t.md:{line}:" in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize("text,line,message", [
    (md("ko", "글") + cell("def f():\n    return 1", tags=["solution"]), 5, "one or more regions"),
    (cell("def f():\n    ### BEGIN SOLUTION\n    return 1", tags=["solution"]), 1, "each closed"),
    (cell("def f():\n    ### END SOLUTION", tags=["solution"]), 1, "each closed"),
    (cell("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
          "    ### END SOLUTION", tags=["solution"]), 1, "none nested"),
    (cell("x = 1\n### END SOLUTION", tags=["check"]), 1, "not tagged 'solution'"),
])
def test_bad_solution_regions_fail_with_file_and_line(tmp_path, text, line, message):
    src = write(tmp_path, text, kind="exercises", name="ex01_t.md")
    with pytest.raises(nbsource.SourceError) as err:
        nbsource.read(src)
    assert f"ex01_t.md:{line}:" in str(err.value) and message in str(err.value)


def test_repository_url_comes_from_config():
    assert nbsource.repository_url() == "https://github.com/actlab-course/activation-functions"


def test_check_mode_reports_a_notebook_out_of_date(tmp_path, monkeypatch, capsys):
    """--check regenerates in memory and compares cells, tags and alt text with the stored notebook."""
    root = tmp_path
    (root / "_config.yml").write_text(f"repository:\n  url: {URL}\n")
    src = write(root, SAMPLE.read_text(encoding="utf-8"), name="sample.md")
    monkeypatch.setattr(nbsource, "ROOT", root)
    monkeypatch.setattr(build_notebooks, "ROOT", root)
    monkeypatch.setattr(nbsource, "repository_url", lambda root=root: URL)
    for path, nb in nbsource.notebooks_for(src, url=URL).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    assert build_notebooks.check([src]) == 0
    ko = root / "chapters" / "ko" / "sample.ipynb"
    nb = nbformat.read(ko, as_version=4)
    nb.cells[3].source += "\nprint('edited by hand')"
    nbformat.write(nb, ko)
    assert build_notebooks.check([src]) == 1
    assert "chapters/ko/sample.ipynb: out of date with its source from cell 3" in capsys.readouterr().err
    (root / "chapters" / "en" / "sample.ipynb").unlink()
    assert build_notebooks.check([src]) == 1
    assert "missing" in capsys.readouterr().err


def test_keep_outputs_carries_stored_outputs_over_only_when_comments_alone_changed():
    source = nbsource.read(SAMPLE)
    stored = nbsource.build(source, "en", stem="sample", url=URL)
    for i, c in enumerate(stored.cells):
        if c.cell_type == "code" and "explorer" not in c.metadata.get("tags", []):
            c.outputs, c.execution_count = [nbformat.v4.new_output("stream", text=f"out {i}\n")], i
    stored.metadata["language_info"]["version"] = "3.12"
    fresh = nbsource.build(source, "en", stem="sample", url=URL)
    fresh.cells[2].source += "  # a new comment"
    fresh.cells[1].source += "\n\nMore prose."
    assert build_notebooks.keep_outputs(fresh, stored) is None
    assert [c.get("outputs") for c in fresh.cells] == [c.get("outputs") for c in stored.cells]
    assert fresh.cells[3].execution_count == 3 and fresh.metadata["language_info"]["version"] == "3.12"
    for edit in (lambda c: c.source.replace("0.0", "1.0"), lambda c: c.source + "\nprint(2)"):
        changed = nbsource.build(source, "en", stem="sample", url=URL)
        changed.cells[2].source = edit(changed.cells[2])
        assert build_notebooks.keep_outputs(changed, stored) == "code cell 1 changed beyond its comments"
    fewer = nbsource.build(source, "en", stem="sample", url=URL)
    fewer.cells.pop(3)
    assert "code cells stored" in build_notebooks.keep_outputs(fewer, stored)


def test_a_failing_cell_is_reported_at_its_line_in_the_source(tmp_path, monkeypatch):
    src = write(tmp_path, SAMPLE.read_text(encoding="utf-8"), name="sample.md")
    monkeypatch.setattr(nbsource, "ROOT", tmp_path)
    monkeypatch.setattr(build_notebooks, "ROOT", tmp_path)
    en = tmp_path / "chapters" / "en" / "sample.ipynb"
    assert build_notebooks.source_line(en, 3) == " at chapters/src/sample.md:51"  # the English print cell
    assert build_notebooks.source_line(tmp_path / "chapters" / "ko" / "sample.ipynb", 3) == \
        " at chapters/src/sample.md:45"
    assert build_notebooks.source_line(en, 0) == " in the generated setup cell"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The sample generated and executed as `make.py notebooks` does (fresh kernel, own folder as cwd)."""
    root = tmp_path_factory.mktemp("e2e")
    src = root / "chapters" / "src" / "sample.md"
    src.parent.mkdir(parents=True)
    shutil.copy(SAMPLE, src)
    paths = {}
    for path, nb in nbsource.notebooks_for(src, url=URL).items():
        path_str, text, problems, _ = build_notebooks.execute(str(path), nbformat.writes(nb))
        assert text, problems
        assert not problems, problems
        Path(path_str).write_text(text, encoding="utf-8")
        paths[path.parent.name] = path
    return paths


def test_the_source_itself_runs_as_a_notebook(tmp_path):
    """What an author's JupyterLab does with a source: jupytext reads it, a kernel runs every cell."""
    import jupytext

    src = write(tmp_path, SAMPLE.read_text(encoding="utf-8"), name="sample.md")
    _, text, problems, _ = build_notebooks.execute(str(src.with_suffix(".ipynb")),
                                                  nbformat.writes(jupytext.read(src)))
    assert text, problems
    ran = nbformat.reads(text, as_version=4)
    printed = "".join(o.get("text", "") for c in ran.cells if c.cell_type == "code" for o in c.outputs)
    assert "0에서의 기울기: 0.25" in printed and "slope at 0: 0.25" in printed, "both versions of a pair run"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_executed_sample_has_svg_figures_no_widget_state_and_no_timing(executed, lang):
    nb = nbformat.read(executed[lang], as_version=4)
    raw = json.loads(executed[lang].read_text(encoding="utf-8"))
    assert "widgets" not in raw["metadata"]
    assert "execution" not in json.dumps([c["metadata"] for c in raw["cells"]])
    by_tag = {t: c for c in nb.cells for t in c.metadata.get("tags", [])}
    assert by_tag["explorer"].outputs == []
    assert by_tag["volatile"].outputs and by_tag["volatile"].outputs[0]["name"] == "stdout"
    figure = nb.cells[4]
    svgs = [o["data"]["image/svg+xml"] for o in figure.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1 and len(figure.outputs) == 1, "one SVG, no Figure repr (the ';' is honoured)"
    assert "<dc:date>" not in svgs[0]
    assert ("ActlabGothic-" in svgs[0]) == (lang == "ko"), "Hangul legend only in the Korean twin"
    assert {"ko": "0에서의 기울기: 0.25", "en": "slope at 0: 0.25"}[lang] in nb.cells[3].outputs[0]["text"]
    twin = nb.cells[-2]
    assert any("image/svg+xml" in o.get("data", {}) for o in twin.outputs)


def test_nbval_passes_on_the_executed_sample(executed):
    """The stored outputs (figures included) are what a fresh kernel produces, as nbval checks them."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-c", "pytest.ini", str(executed["ko"]),
                             str(executed["en"])], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "14 passed" in result.stdout, result.stdout[-500:]
