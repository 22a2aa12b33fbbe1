"""Helpers for the notebook tests: which notebooks exist, their twins, their prose and outputs."""
from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import nbsource  # noqa: E402

#: Folders holding generated notebooks, as (Korean folder, English folder).
TWIN_FOLDERS = [("chapters/ko", "chapters/en"), ("exercises/ko", "exercises/en"),
                ("exercises/solutions/ko", "exercises/solutions/en")]

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")


def notebooks() -> list[Path]:
    return sorted(p for pair in TWIN_FOLDERS for folder in pair for p in (ROOT / folder).glob("*.ipynb"))


def twin_pairs() -> list[tuple[Path, Path]]:
    """(ko, en) paths, including pairs where one side is missing (the test reports it)."""
    pairs = []
    for ko, en in TWIN_FOLDERS:
        names = sorted({p.name for p in (ROOT / ko).glob("*.ipynb")} | {p.name for p in (ROOT / en).glob("*.ipynb")})
        pairs += [(ROOT / ko / n, ROOT / en / n) for n in names]
    return pairs


_FSTRING_START, _FSTRING_MIDDLE, _FSTRING_END = (getattr(tokenize, name, -1 - i) for i, name in
                                                 enumerate(("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")))


def program(code: str) -> list[tuple]:
    """The code's tokens without comments or layout, each string as ("S", its text): an f-string's text
    (Python 3.12 tokens) comes whole after its {fields}, which are program like any other token."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):  # not Python (a magic): compared as written
        return [("code", code)]
    out, texts = [], []
    for t in tokens:
        if t.type in (tokenize.COMMENT, tokenize.NL):
            continue
        if t.type == _FSTRING_START:
            texts.append("")
            out.append((t.type, t.string))
        elif t.type == _FSTRING_MIDDLE:
            texts[-1] += t.string
        elif t.type == _FSTRING_END:
            out.append(("S", texts.pop()))
        else:  # a NEWLINE's text is "" on a last line without "\n": a comment line after it must not count
            out.append(("S", t.string) if t.type == tokenize.STRING else
                       (t.type, "" if t.type == tokenize.NEWLINE else t.string))
    return out


def same_program(ko_code: str, en_code: str) -> bool:
    """Twins' rule: the same tokens, comments aside, except strings whose Korean text is a translation
    (holds Hangul). A string without Hangul (a name, a format) must be the same in both."""
    ko, en = program(ko_code), program(en_code)
    return len(ko) == len(en) and all(a == b or (a[0] == b[0] == "S" and HANGUL.search(a[1])) for a, b in zip(ko, en))


def lang_of(path: Path) -> str:
    return "ko" if path.parent.name == "ko" else "en"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def read(path: Path):
    return nbformat.read(path, as_version=4)


def prose(markdown: str, *, inline_math: bool = True) -> str:
    """Markdown without what is not prose: fenced code, display math, inline code, link targets, URLs,
    HTML tags; inline math too unless ``inline_math`` (``$\\sigma'(0) = 0.25$`` states a number)."""
    text = re.sub(r"^(```|~~~).*?^\1", " ", markdown, flags=re.S | re.M)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", " ", text, flags=re.S)
    if not inline_math:
        text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>\n]+>", " ", text)
    return text


def output_texts(nb) -> list[str]:
    """Every textual output of a notebook (streams, text/plain, text/markdown, text/html, errors)."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            elif out.get("output_type") == "error":
                texts.append("\n".join(out.get("traceback", [])))
            else:
                data = out.get("data", {})
                for key in ("text/plain", "text/markdown", "text/html", "text/latex"):
                    if key in data:
                        texts.append(data[key] if isinstance(data[key], str) else "".join(data[key]))
    return texts


def has_image(cell) -> bool:
    return any(key.startswith("image/") for out in cell.get("outputs", []) for key in out.get("data", {}))
