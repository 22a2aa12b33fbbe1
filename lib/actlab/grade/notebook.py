"""Reading a submitted notebook in the trusted parent: is it a notebook, which code runs, which language.

The code that runs is what the student writes: every code cell except the setup cell (the first
one, which installs and imports actlab) and the check cells (tagged ``check``: they run the
library's public checks, which grading replaces).
IPython syntax (``%magic``, ``!shell``, ``%%cell``) becomes ``get_ipython()`` calls that the child
turns into no-ops, so a notebook with a ``%timeit`` line still grades.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..i18n import LANGUAGES
from .feedback import MESSAGES

_SETUP = re.compile(r"google\.colab|notebook\.setup\s*\(|set_language\s*\(")
_LANG = re.compile(r"""(?:notebook\.setup|setup|set_language)\s*\(\s*(?:lang\s*=\s*)?["'](ko|en)["']""")


_RAW_LANG = re.compile(r"""(?:notebook\.setup|set_language)\s*\(\s*(?:lang\s*=\s*)?\\?["'](ko|en)\\?["']""")


class InvalidNotebook(ValueError):
    """The file is not a notebook the grader can read. ``key`` names the reason in the feedback
    catalogue (``invalid_json``, ...); :meth:`text` gives it in either language, ``str()`` in English."""

    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return MESSAGES(self.key, lang=lang, **self.fields)


def sniff_language(data: bytes | None) -> str | None:
    """The language of a file that is not a readable notebook, from its setup call if one is
    still in it (a notebook cut short or hand-edited keeps its first cell): "ko", "en" or None."""
    if not data:
        return None
    found = _RAW_LANG.search(data[: 1 << 20].decode("utf-8", "replace"))
    return found.group(1) if found else None


@dataclass
class Submission:
    cells: list = field(default_factory=list)   # [(cell number, python source)], numbered from 1
    lang: str | None = None                      # from the setup cell or the metadata, if any
    syntax_errors: list = field(default_factory=list)
    setup_code: tuple = ()                       # (cell number, names) when the setup cell defines something


_DEFINITIONS = ("FunctionDef", "AsyncFunctionDef", "ClassDef", "Import", "ImportFrom", "Assign", "AnnAssign")


def setup_definitions(source: str) -> tuple[str, list[str]]:
    """The setup cell is not run while grading (it installs and imports actlab). A student who
    wrote an answer in it anyway keeps it: its top-level definitions (functions, classes,
    imports, assignments) as source with every other line blank (so line numbers stay), and the
    names of the functions, classes and variables it defines (empty: nothing of the student's)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "", []
    lines = source.splitlines()
    keep = [""] * len(lines)
    names = []
    for node in tree.body:
        if type(node).__name__ not in _DEFINITIONS:
            continue
        for i in range(node.lineno - 1, node.end_lineno):
            keep[i] = lines[i]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return "\n".join(keep) + "\n", names


def _transformer():
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # IPython is not a dependency of grading: fall back to a line filter
        return None
    return TransformerManager()


_TM = None


def to_python(source: str) -> str:
    """IPython cell source -> plain Python (magics and shell escapes become get_ipython() calls)."""
    global _TM
    if "%" not in source and "!" not in source and "?" not in source:
        return source
    if _TM is None:
        _TM = _transformer() or False
    if _TM:
        try:
            return _TM.transform_cell(source)
        except Exception:  # noqa: BLE001 - fall through to the line filter
            pass
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _fill_missing_ids(raw: dict) -> bool:
    """Give cells without an id one (Jupyter before 2021 wrote none; nbformat would warn on stderr
    for each such notebook, and will one day refuse them). True if anything changed."""
    if raw.get("nbformat") != 4 or not isinstance(raw.get("nbformat_minor"), int) or raw["nbformat_minor"] < 5:
        return False
    cells = raw.get("cells")
    if not isinstance(cells, list):
        return False
    changed = False
    for i, cell in enumerate(cells):
        if isinstance(cell, dict) and "id" not in cell:
            cell["id"] = f"actlab-grade-{i}"
            changed = True
    return changed


def read_submission(data: bytes) -> Submission:
    """Parse and validate ``data`` (the notebook file's bytes); raise InvalidNotebook if it is not one."""
    import nbformat

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidNotebook("invalid_utf8", reason=err.reason, start=err.start) from None
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        line, col, msg = getattr(err, "lineno", "?"), getattr(err, "colno", "?"), getattr(err, "msg", str(err))
        raise InvalidNotebook("invalid_json", line=line, column=col, message=msg) from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise InvalidNotebook("invalid_no_cells")
    major = raw.get("nbformat")
    if major not in (3, 4):
        raise InvalidNotebook("invalid_nbformat", version=repr(major)[:20])
    if _fill_missing_ids(raw):
        text = json.dumps(raw)
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001 - nbformat raises several kinds
        message = " ".join(str(err).split())[:200]
        raise InvalidNotebook("invalid_schema", type=type(err).__name__, message=message) from None

    sub = Submission()
    meta = nb.metadata if isinstance(nb.metadata, dict) else {}
    own = meta.get("actlab")
    if isinstance(own, dict) and own.get("lang") in LANGUAGES:
        sub.lang = own["lang"]
    if sub.lang is None and meta.get("language") in LANGUAGES:
        sub.lang = meta["language"]
    first_code = True
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if first_code:
            first_code = False
            if _SETUP.search(source):
                found = _LANG.search(source)
                if found and sub.lang is None:
                    sub.lang = found.group(1)
                code, names = setup_definitions(to_python(source))
                if names:
                    sub.setup_code = (number, tuple(names))
                    sub.cells.append((number, code))
                continue
        tags = cell.get("metadata", {}).get("tags", []) or []
        if "check" in tags:
            continue  # a check cell whose tag got lost still runs: its actlab call is a harmless stand-in
        sub.cells.append((number, to_python(source)))
    return sub
