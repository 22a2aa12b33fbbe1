"""One glossary for the whole course (glossary.yml): the pages follow it and Korean text keeps to it."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TERMS = yaml.safe_load((ROOT / "glossary.yml").read_text(encoding="utf-8"))["terms"]


def korean_notebooks() -> list[Path]:
    return sorted(
        p for folder in ("chapters/ko", "exercises/ko", "exercises/solutions/ko")
        for p in (ROOT / folder).glob("*.ipynb")
    )


def korean_pages() -> list[Path]:
    pages = [ROOT / "intro.md", *sorted((ROOT / "guide").glob("*_ko.md"))]
    return [p for p in pages if p.exists()]


def notebook_texts(path: Path) -> tuple[list[str], list[str]]:
    """(markdown cell sources, text outputs) of a notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown, outputs = [], []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            markdown.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain") or ""
            outputs.append("".join(text))
    return markdown, outputs


def test_glossary_entries_are_complete_and_unique():
    seen_ko, seen_en = set(), set()
    for t in TERMS:
        assert {"ko", "en", "avoid", "note_ko", "note_en"} <= set(t), t
        assert re.search("[가-힣]", t["ko"]), f"{t['ko']!r} is not Korean"
        assert not re.search("[가-힣]", t["note_en"]), t["en"]
        assert t["ko"] not in seen_ko and t["en"] not in seen_en, f"duplicate term {t['ko']} / {t['en']}"
        assert t["ko"] not in t["avoid"], f"{t['ko']} lists itself as a variant to avoid"
        seen_ko.add(t["ko"])
        seen_en.add(t["en"])


def test_glossary_pages_are_generated_from_the_yaml():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_glossary.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _variants_in(text: str) -> list[str]:
    return [f"{v} (use {t['ko']})" for t in TERMS for v in t["avoid"] if v in text]


@pytest.mark.parametrize("path", korean_notebooks() + korean_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_korean_text_uses_the_glossary_terms(path):
    if path.suffix == ".ipynb":
        markdown, outputs = notebook_texts(path)
        text = "\n".join(markdown + outputs)
    else:
        text = path.read_text(encoding="utf-8")
    assert not _variants_in(text), f"{path.name}: variant terms {_variants_in(text)}"


def test_library_messages_use_the_glossary_terms():
    found = {str(p.relative_to(ROOT)): _variants_in(p.read_text(encoding="utf-8"))
             for p in (ROOT / "lib" / "actlab").rglob("*.py")}
    assert not {k: v for k, v in found.items() if v}


def _prose_lines(markdown: str) -> str:
    """Markdown without headings, math and code, where a first use with its English belongs."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`", " ", text, flags=re.S)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("path", [p for p in korean_notebooks() if "chapters" in p.parts],
                         ids=lambda p: p.name)
def test_terms_carry_their_english_at_first_use_in_each_chapter(path):
    """The first time a glossary term appears in a chapter's prose it is followed by (English)."""
    markdown, _ = notebook_texts(path)
    prose = _prose_lines("\n".join(markdown))
    missing = []
    for t in TERMS:
        if not t.get("first_use_english", True):
            continue
        i = prose.find(t["ko"])
        if i < 0:
            continue
        after = prose[i + len(t["ko"]): i + len(t["ko"]) + 2]
        if not re.match(r"\s?\([A-Za-z]", after):
            context = prose[max(0, i - 15): i + len(t["ko"]) + 15].replace("\n", " ")
            missing.append(f"{t['ko']} ({t['en']}): ...{context}...")
    assert not missing, f"{path.name}: first use without the English in parentheses:\n" + "\n".join(missing)
