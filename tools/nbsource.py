"""Bilingual notebook sources -> Korean and English notebooks (structure only; no execution here).

A source (``chapters/src/NN_topic.md``, ``exercises/src/exNN_topic.md``) is a sequence of cells,
each starting with a marker line::

    %% md ko            Markdown for the Korean notebook only
    %% md en            Markdown for the English notebook only
    %% code             a code cell, identical in both notebooks
    %% code explorer    an ipywidgets explorer: tags nbval-ignore-output, remove-output; outputs never
                        stored. The next cell must be a code cell: its static twin.
    %% code volatile    output varies between runs (timings): tag nbval-ignore-output
    %% code solution    (exercises) full code in the answer key; in the student notebook each region
                        ``### BEGIN SOLUTION`` .. ``### END SOLUTION`` becomes ``raise NotImplementedError``
    %% code check       (exercises) a check cell, tagged ``check``

Words after the marker words are ignored only when they start with ``#`` or ``(`` (a comment);
anything else is an error, so a misspelt kind is never silently dropped. Inside a code cell, lines

    %% alt ko: <text>
    %% alt en: <text>

(anywhere in the cell, usually right after the marker or at its end) give the alt text of the
cell's figure in each language; they are removed from the code and stored in the cell metadata as
``mystnb: {image: {alt: ...}}``, which myst-nb puts on the image in the website.

Every notebook starts with the generated setup cell (:func:`setup_source`), the one cell allowed
to differ between twins.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("ko", "en")
CODE_KINDS = ("plain", "explorer", "volatile", "solution", "check")
EXERCISE_ONLY = ("solution", "check")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
TAGS = {
    "plain": [],
    "explorer": ["nbval-ignore-output", "remove-output", "explorer"],
    "volatile": ["nbval-ignore-output", "volatile"],
    "solution": ["solution"],
    "check": ["check"],
}
# one comment in both languages, so that the Korean and English notebooks keep identical code cells
STUB_COMMENT = "여기에 코드를 작성하세요 (write your code here)"
SETUP_COMMENT = {
    "ko": "# Colab에서 실행할 때만 actlab을 설치합니다. 그다음 언어, 그림(SVG, 한글 글꼴), 출력 형식을 설정합니다.",
    "en": "# Installs actlab only when running in Colab, then sets the language, figures (SVG, Hangul font) and print format.",
}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3", "mimetype": "text/x-python",
                 "file_extension": ".py", "codemirror_mode": {"name": "ipython", "version": 3},
                 "nbconvert_exporter": "python"}

_MARKER = re.compile(r"^%%(?:\s|$)")
_ALT = re.compile(r"^%%\s+alt\s+(\S+?)\s*:\s?(.*)$")


class SourceError(ValueError):
    """A malformed source; the message starts with ``file:line:``."""


@dataclass
class Cell:
    kind: str                 # "md" or "code"
    line: int                 # 1-based line of the marker
    lang: str | None = None   # md cells: "ko" or "en"
    role: str = "plain"       # code cells: one of CODE_KINDS
    source: str = ""
    alt: dict = field(default_factory=dict)


def _err(path, line, msg):
    return SourceError(f"{path}:{line}: {msg}")


def _parse_marker(path, lineno, text) -> Cell:
    words = text.split()[1:]
    rest_ok = lambda rest: not rest or rest[0].startswith(("#", "("))  # noqa: E731
    if not words:
        raise _err(path, lineno, "empty marker: expected '%% md ko', '%% md en' or '%% code [kind]'")
    if words[0] == "md":
        if len(words) < 2 or words[1] not in LANGS:
            raise _err(path, lineno, f"'%% md' needs a language, 'ko' or 'en': {text.strip()!r}")
        if not rest_ok(words[2:]):
            raise _err(path, lineno, f"unexpected words after '%% md {words[1]}': {' '.join(words[2:])!r}")
        return Cell("md", lineno, lang=words[1])
    if words[0] == "code":
        role = "plain"
        rest = words[1:]
        if rest and not rest[0].startswith(("#", "(")):
            if rest[0] not in CODE_KINDS[1:]:
                raise _err(path, lineno, f"unknown code cell kind {rest[0]!r}; expected one of "
                                         f"{', '.join(CODE_KINDS[1:])} (or nothing)")
            role, rest = rest[0], rest[1:]
        if not rest_ok(rest):
            raise _err(path, lineno, f"unexpected words after the marker: {' '.join(rest)!r}")
        return Cell("code", lineno, role=role)
    if words[0] == "alt":
        raise _err(path, lineno, "'%% alt' lines belong inside a code cell (after '%% code ...')")
    raise _err(path, lineno, f"unknown marker {text.strip()!r}; expected '%% md ko', '%% md en' or '%% code [kind]'")


def parse(path, text: str | None = None, *, exercise: bool | None = None) -> list[Cell]:
    """The cells of a source file, checked; raises :class:`SourceError` with ``file:line``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if text is None else text
    try:
        shown = path.resolve().relative_to(ROOT)
    except ValueError:
        shown = path
    if exercise is None:
        exercise = "exercises" in path.resolve().parts
    cells: list[Cell] = []
    body: list[str] = []

    def close():
        if cells:
            cell = cells[-1]
            cell.source = "\n".join(body).strip("\n")
            if not cell.source.strip():
                raise _err(shown, cell.line, f"empty {cell.kind} cell")
            body.clear()

    for lineno, line in enumerate(text.splitlines(), start=1):
        alt = _ALT.match(line)
        if alt:
            if not cells or cells[-1].kind != "code":
                raise _err(shown, lineno, "'%% alt' lines belong inside a code cell (after '%% code ...')")
            lang, words = alt.group(1), alt.group(2).strip()
            if lang not in LANGS:
                raise _err(shown, lineno, f"'%% alt' needs a language, 'ko' or 'en', got {lang!r}")
            if not words:
                raise _err(shown, lineno, f"empty alt text for {lang!r}")
            if lang in cells[-1].alt:
                raise _err(shown, lineno, f"second '%% alt {lang}' line in the same cell")
            cells[-1].alt[lang] = words
            continue
        if _MARKER.match(line):
            close()
            cells.append(_parse_marker(shown, lineno, line))
            continue
        if not cells:
            if line.strip():
                raise _err(shown, lineno, "text before the first marker line ('%% md ko', '%% code', ...)")
            continue
        body.append(line.rstrip())
    close()
    if not cells:
        raise _err(shown, 1, "no cells: a source needs at least one '%% md ko' / '%% md en' / '%% code' marker")

    for i, cell in enumerate(cells):
        if cell.kind != "code":
            continue
        if cell.role in EXERCISE_ONLY and not exercise:
            raise _err(shown, cell.line, f"'%% code {cell.role}' is for exercises only (exercises/src/)")
        if cell.alt and set(cell.alt) != set(LANGS):
            missing = sorted(set(LANGS) - set(cell.alt))
            raise _err(shown, cell.line, f"alt text given for {sorted(cell.alt)} but not for {missing}")
        if cell.role == "explorer":
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if nxt is None or nxt.kind != "code" or nxt.role in ("explorer", "solution", "check"):
                where = f"line {nxt.line} is a {nxt.kind} cell" if nxt else "the file ends"
                raise _err(shown, cell.line, f"an explorer cell must be followed by its static twin, a code "
                                             f"cell drawing the same information for a few settings; {where}")
            if cell.alt:
                raise _err(shown, cell.line, "an explorer's outputs are never stored: put the alt text on its static twin")
        if cell.role == "solution":
            _solution_regions(shown, cell)
        if BEGIN in cell.source and cell.role != "solution":
            raise _err(shown, cell.line, f"{BEGIN!r} found in a '%% code {cell.role}' cell; use '%% code solution'")
    return cells


def _solution_regions(shown, cell: Cell) -> int:
    depth, count = 0, 0
    for offset, line in enumerate(cell.source.splitlines(), start=1):
        s = line.strip()
        if s == BEGIN:
            if depth:
                raise _err(shown, cell.line + offset, f"{BEGIN!r} inside another solution region")
            depth, count = 1, count + 1
        elif s == END:
            if not depth:
                raise _err(shown, cell.line + offset, f"{END!r} without {BEGIN!r}")
            depth = 0
    if depth:
        raise _err(shown, cell.line, f"{BEGIN!r} without {END!r}")
    if not count:
        raise _err(shown, cell.line, f"a solution cell needs at least one {BEGIN!r} ... {END!r} region")
    return count


def answer_key(code: str) -> str:
    """The solution cell as the answer key shows it: the region markers removed, the code kept."""
    return "\n".join(line for line in code.splitlines() if line.strip() not in (BEGIN, END))


def stub(code: str, lang: str) -> str:
    """The student's version: each solution region becomes ``raise NotImplementedError  # <comment>``."""
    out, inside = [], False
    for line in code.splitlines():
        s = line.strip()
        if s == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}raise NotImplementedError  # {STUB_COMMENT}")
            inside = True
        elif s == END:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


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


def build(cells: list[Cell], lang: str, *, student: bool = False, stem: str = "notebook",
          source_path: str = "", url: str | None = None) -> nbformat.NotebookNode:
    """The notebook (no outputs) for ``lang``; ``student=True`` stubs the solution regions."""
    url = url or repository_url()
    nb = new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO),
                   "actlab": {"lang": lang, "source": source_path,
                              "variant": "student" if student else "full"}}
    nb.nbformat, nb.nbformat_minor = 4, 5
    setup = new_code_cell(setup_source(lang, url), metadata={"tags": ["setup"]})
    out = [setup]
    for cell in cells:
        if cell.kind == "md":
            if cell.lang == lang:
                out.append(new_markdown_cell(cell.source))
            continue
        code = cell.source
        if cell.role == "solution":
            code = stub(code, lang) if student else answer_key(code)
        metadata = {}
        tags = list(TAGS[cell.role])
        if tags:
            metadata["tags"] = tags
        if cell.alt:
            metadata["mystnb"] = {"image": {"alt": cell.alt[lang]}}
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
    cells = parse(src)
    try:
        rel = str(src.relative_to(ROOT))
    except ValueError:
        rel = src.name
    url = url or repository_url()
    return {path: build(cells, lang, student=student, stem=src.stem, source_path=rel, url=url)
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
