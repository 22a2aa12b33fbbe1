"""Bilingual notebook sources -> Korean and English notebooks (structure only; no execution here).

A source (``chapters/src/NN_topic.md``, ``exercises/src/exNN_topic.md``) is a jupytext MyST notebook:
JupyterLab with jupytext opens it as a notebook, runs it and saves it back. What the generator reads
from its cells:

* Markdown cells carry their language: ``+++ {"lang": "ko"}`` or ``+++ {"lang": "en"}``.
* Code cells are shared by both notebooks. A code cell may instead carry ``lang`` too when the two
  versions must differ in their message text: a ``ko`` cell and an ``en`` cell next to each other, the same
  program apart from comments and translated strings (the twin test checks this: a string may differ only
  where the Korean one holds Hangul).
* In a code cell, a comment starting ``# ko:`` or ``# en:`` belongs to one language: the other notebook
  drops it (a line holding only that comment is dropped whole), the marker itself is removed. Both can
  follow code on one line: ``x = 1  # ko: 한 개 # en: one``. (The markers are found anywhere on a line,
  inside strings too: a string holding ``# ko:`` needs writing otherwise.)
* The kind of a code cell is a tag (``:tags: [explorer]``); no tag is a plain cell:

  ``explorer``  an ipywidgets explorer: tagged nbval-ignore-output, remove-output in the notebooks, outputs
                never stored. The next cell must be a code cell, its static twin.
  ``volatile``  output varies between runs (timings): tagged nbval-ignore-output
  ``solution``  (exercises) the full code in the answer key; in the student notebook each region
                ``### BEGIN SOLUTION`` .. ``### END SOLUTION`` becomes ``raise NotImplementedError``
  ``check``     (exercises) a check cell
  ``setup``     only for running the source itself (optional, first cell): replaced by the generated
                setup cell (:func:`setup_source`), the one cell allowed to differ between twins.

* The alt text of a cell's figure, one per language, is cell metadata ``alt: {ko: ..., en: ...}``; the
  notebooks store it as ``mystnb: {image: {alt: ...}}``, which myst-nb puts on the image in the website.

jupytext reads the file; this module only checks and filters its cells. Errors name ``file:line:``.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import jupytext
import nbformat
from jupytext.myst import MystMetadataParsingError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("ko", "en")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
#: The tags a source's kind tag becomes in the notebooks (order as the notebooks have always stored them).
TAGS = {
    "explorer": ["nbval-ignore-output", "remove-output", "explorer"],
    "volatile": ["nbval-ignore-output", "volatile"],
    "solution": ["solution"],
    "check": ["check"],
}
KINDS = (*TAGS, "setup")
EXERCISE_ONLY = ("solution", "check")
STUB_COMMENT = {"ko": "여기에 코드를 작성하세요", "en": "write your code here"}
SETUP_COMMENT = {
    "ko": "# Colab에서 실행할 때만 actlab을 설치합니다. 그다음 언어, 그림(SVG, 한글 글꼴), 출력 형식을 설정합니다.",
    "en": "# Installs actlab only when running in Colab, then sets the language, figures (SVG, Hangul font) and print format.",
}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3", "mimetype": "text/x-python",
                 "file_extension": ".py", "codemirror_mode": {"name": "ipython", "version": 3},
                 "nbconvert_exporter": "python"}

# a comment for one language: "# ko: ..." / "# en: ...", on its own line or after code
_LANG_COMMENT = re.compile(r"[ \t]*#[ \t]?(ko|en):[ \t]?(.*?)(?=[ \t]*#[ \t]?(?:ko|en):|[ \t]*$)")
_REGION = re.compile(rf"^([ \t]*){re.escape(BEGIN)}\n.*?^[ \t]*{re.escape(END)}[ \t]*$", re.M | re.S)
_CELL_START = re.compile(r"^(\+\+\+|`{3,}\{(code|raw)-cell\})")


class SourceError(ValueError):
    """A malformed source; the message starts with ``file:line:``."""


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


def read(path, text: str | None = None, *, exercise: bool | None = None) -> nbformat.NotebookNode:
    """The source notebook, checked; raises :class:`SourceError` with ``file:line``.

    Each cell gets ``metadata.line`` (where it starts in the file) for later messages."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if text is None else text
    exercise = "exercises" in path.resolve().parts if exercise is None else exercise
    try:
        nb = jupytext.reads(text, fmt="myst")
    except MystMetadataParsingError as error:  # a cell's metadata is not YAML
        line = re.search(r"at line (\d+)", str(error))
        raise SourceError(f"{_shown(path)}:{line.group(1) if line else 1}: {error}\n(a YAML value holding ': ' "
                          f"needs quotes, e.g. en: 'Left: the sigmoid')") from None
    if not nb.cells:
        raise SourceError(f"{_shown(path)}:1: no cells")
    # jupytext keeps no line numbers: every cell but a marker-less first one starts with '+++' or a fence
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if _CELL_START.match(line)]
    starts = ([1] if len(starts) == len(nb.cells) - 1 else []) + starts
    for i, cell in enumerate(nb.cells):
        cell.metadata["line"] = starts[i] if len(starts) == len(nb.cells) else None
        problem = _problem(nb.cells, i, exercise)
        if problem:
            raise SourceError(f"{_shown(path)}:{cell.metadata['line'] or f'cell {i}'}: {problem}")
    return nb


def _problem(cells: list, i: int, exercise: bool) -> str | None:
    """What is wrong with cell ``i`` of a source (the first thing found), or None."""
    cell, nxt = cells[i], (cells[i + 1] if i + 1 < len(cells) else None)
    lang, tags, alt = cell.metadata.get("lang"), cell.metadata.get("tags", []), cell.metadata.get("alt")
    kind = tags[0] if len(tags) == 1 else "plain"
    marks = [line.strip() for line in cell.source.splitlines() if line.strip() in (BEGIN, END)]
    if cell.cell_type not in ("markdown", "code"):
        return f"a {cell.cell_type} cell; a source holds Markdown and code cells only"
    if not cell.source.strip():
        return f"empty {cell.cell_type} cell"
    if cell.cell_type == "markdown":
        return None if lang in LANGS else f'a Markdown cell needs its language: +++ {{"lang": "ko"}} or "en", got {lang!r}'
    if lang not in (None, *LANGS):
        return f"code cell language must be 'ko' or 'en', got {lang!r}"
    if lang and not any(0 <= j < len(cells) and cells[j].cell_type == "code"
                        and cells[j].metadata.get("lang") not in (None, lang) for j in (i - 1, i + 1)):
        return f"a code cell for {lang!r} only must have its other-language version right before or after it"
    if [t for t in tags if t not in KINDS]:
        return f"unknown tag(s) {[t for t in tags if t not in KINDS]}; a code cell's kind is one of {', '.join(KINDS)} (or none)"
    if len(tags) > 1:
        return f"one kind per cell, got {tags}"
    if kind == "setup" and i:
        return "a 'setup' cell can only be the first cell"
    if kind in EXERCISE_ONLY and not exercise:
        return f"'{kind}' cells are for exercises only (exercises/src/)"
    if alt is not None and not (isinstance(alt, dict) and set(alt) == set(LANGS)
                                and all(isinstance(v, str) and v.strip() for v in alt.values())):
        return f"alt text must be given as alt: {{ko: ..., en: ...}}, both non-empty; got {alt!r}"
    if kind == "explorer" and (nxt is None or nxt.cell_type != "code"
                               or set(nxt.metadata.get("tags", [])) & {"explorer", *EXERCISE_ONLY}):
        return (f"an explorer cell must be followed by its static twin, a code cell drawing the same information "
                f"for a few settings; {f'the next cell is a {nxt.cell_type} cell' if nxt else 'the file ends'}")
    if kind == "explorer" and alt is not None:
        return "an explorer's outputs are never stored: put the alt text on its static twin"
    if kind == "solution" and (not marks or marks != [BEGIN, END] * (len(marks) // 2)):
        return f"a solution cell needs one or more regions {BEGIN!r} ... {END!r}, each closed, none nested"
    if kind != "solution" and marks:
        return f"{BEGIN!r} or {END!r} in a cell not tagged 'solution'"
    return None


def localize(code: str, lang: str) -> str:
    """The code as the ``lang`` notebook shows it: comments marked for the other language removed."""
    out = []
    for line in code.splitlines():
        found = list(_LANG_COMMENT.finditer(line))
        if not found:
            out.append(line)
            continue
        head = line[: found[0].start()]
        mine = [m.group(2) for m in found if m.group(1) == lang]
        if not head.strip():
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# {text}" for text in mine]
        else:
            out.append(head + "".join(f"  # {text}" for text in mine))
    return "\n".join(out)


def answer_key(code: str) -> str:
    """The solution cell as the answer key shows it: the region markers removed, the code kept."""
    return "\n".join(line for line in code.splitlines() if line.strip() not in (BEGIN, END))


def stub(code: str, lang: str) -> str:
    """The student's version: each solution region becomes ``raise NotImplementedError  # <comment>``."""
    return _REGION.sub(lambda m: f"{m.group(1)}raise NotImplementedError  # {STUB_COMMENT[lang]}", code)


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``: the one place the address is written."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = (config.get("repository") or {}).get("url")
    if not url:
        raise SourceError(f"{root / '_config.yml'}: repository.url is not set")
    return url.rstrip("/")


def setup_source(lang: str, url: str) -> str:
    """The first cell of every notebook: install actlab in Colab only, then ``actlab.notebook.setup(lang)``."""
    return "\n".join([
        SETUP_COMMENT[lang],
        "import os, subprocess, sys",
        "try:",
        "    import google.colab  # noqa: F401",
        "except ImportError:",
        "    pass",
        "else:",
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q",',
        f'                    os.environ.get("ACTLAB_WHEEL", "actlab @ git+{url}")], check=True)',
        "import actlab",
        f'actlab.notebook.setup("{lang}")',
    ])


def _cell_id(stem: str, index: int, source: str) -> str:
    digest = hashlib.sha1(f"{stem}\0{source}".encode()).hexdigest()[:8]
    return f"c{index:03d}-{digest}"


def cells_for(source: nbformat.NotebookNode, lang: str) -> list:
    """The source's cells that go into the ``lang`` notebook after its setup cell, in order."""
    return [c for c in source.cells if c.metadata.get("lang", lang) == lang and "setup" not in c.metadata.get("tags", [])]


def build(source: nbformat.NotebookNode, lang: str, *, student: bool = False, stem: str = "notebook",
          source_path: str = "", url: str | None = None) -> nbformat.NotebookNode:
    """The notebook (no outputs) for ``lang``; ``student=True`` stubs the solution regions."""
    url = url or repository_url()
    nb = new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO),
                   "actlab": {"lang": lang, "source": source_path,
                              "variant": "student" if student else "full"}}
    nb.nbformat, nb.nbformat_minor = 4, 5
    out = [new_code_cell(setup_source(lang, url), metadata={"tags": ["setup"]})]
    for cell in cells_for(source, lang):
        if cell.cell_type == "markdown":
            out.append(new_markdown_cell(cell.source))
            continue
        kind = (cell.metadata.get("tags") or ["plain"])[0]
        code = localize(cell.source, lang)
        if kind == "solution":
            code = stub(code, lang) if student else answer_key(code)
        metadata = {"tags": list(TAGS[kind])} if kind in TAGS else {}
        if "alt" in cell.metadata:
            metadata["mystnb"] = {"image": {"alt": cell.metadata["alt"][lang]}}
        out.append(new_code_cell(code, metadata=metadata))
    for i, cell in enumerate(out):
        cell["id"] = _cell_id(stem, i, cell.source)
    nb.cells = out
    return nb


def targets(src: Path) -> list[tuple[Path, str, bool]]:
    """``(notebook path, lang, student)`` for every notebook made from ``src``."""
    src = Path(src).resolve()
    name = src.stem + ".ipynb"
    if src.parent.parent.name == "exercises":
        base = src.parent.parent
        return ([(base / "solutions" / lang / name, lang, False) for lang in LANGS]
                + [(base / lang / name, lang, True) for lang in LANGS])
    return [(src.parent.parent / lang / name, lang, False) for lang in LANGS]


def notebooks_for(src: Path, url: str | None = None) -> dict[Path, nbformat.NotebookNode]:
    """Every notebook of ``src``, unexecuted: ``{path: notebook}``."""
    src = Path(src).resolve()
    source = read(src)
    try:
        rel = str(src.relative_to(ROOT))
    except ValueError:
        rel = src.name
    url = url or repository_url()
    return {path: build(source, lang, student=student, stem=src.stem, source_path=rel, url=url)
            for path, lang, student in targets(src)}


def all_sources(root: Path | None = None) -> list[Path]:
    root = root or ROOT
    return sorted((root / "chapters" / "src").glob("*.md")) + sorted((root / "exercises" / "src").glob("*.md"))


def source_of(notebook: Path, root: Path | None = None) -> Path | None:
    """The source a generated notebook comes from, or None."""
    notebook = Path(notebook).resolve()
    for src in all_sources(root):
        if any(path == notebook for path, _, _ in targets(src)):
            return src
    return None


def structure(nb) -> list[tuple]:
    """What --check compares: cell types, sources, tags and alt text (not outputs, ids or counts)."""
    rows = []
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        rows.append((cell.cell_type, cell.source, tuple(meta.get("tags", [])),
                     repr(meta.get("mystnb", {})), cell.get("id")))
    return rows
