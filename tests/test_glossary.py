"""One glossary for the whole course (glossary.yml): the pages follow it and Korean text keeps to it."""
from __future__ import annotations

import ast
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


def sources() -> list[Path]:
    return sorted((ROOT / "chapters" / "src").glob("*.md")) + sorted((ROOT / "exercises" / "src").glob("*.md"))


_CELL_MARKER = re.compile(r"^(\+\+\+.*|`{3,}\{(?:code|raw)-cell\}.*)$", re.M)


def korean_prose(source_text: str) -> str:
    """The Korean Markdown cells of a bilingual source (jupytext MyST: ``+++ {"lang": "ko"}``)."""
    parts = _CELL_MARKER.split(source_text)
    return "\n".join(body for marker, body in zip(parts[1::2], parts[2::2])
                     if marker.startswith("+++") and '"lang": "ko"' in marker)


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
        if t.get("latin"):  # a name Korean texts keep in Latin letters: its Korean long name is a variant
            assert t["ko"].isascii() and any(re.search("[가-힣]", v) for v in t["avoid"]), t
        else:
            assert re.search("[가-힣]", t["ko"]), f"{t['ko']!r} is not Korean"
        for where, phrase in t.get("defined_once", {}).items():
            assert any(v in phrase for v in t["avoid"]) and t["ko"] in phrase, (t["ko"], where, phrase)
        assert not re.search("[가-힣]", t["note_en"]), t["en"]
        assert t["ko"] not in seen_ko and t["en"] not in seen_en, f"duplicate term {t['ko']} / {t['en']}"
        assert t["ko"] not in t["avoid"], f"{t['ko']} lists itself as a variant to avoid"
        seen_ko.add(t["ko"])
        seen_en.add(t["en"])


def test_glossary_pages_are_generated_from_the_yaml():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_glossary.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _occurrences(text: str, word: str) -> list[int]:
    """Where ``word`` occurs in ``text``, leaving out occurrences inside a longer glossary term
    (그래디언트 inside 서브그래디언트, 경사 inside 경사 하강법)."""
    longer = [t["ko"] for t in TERMS if word in t["ko"] and t["ko"] != word]
    found = []
    for m in re.finditer(re.escape(word), text):
        inside = False
        for term in longer:
            offset = term.find(word)
            while offset >= 0:
                start = m.start() - offset
                if start >= 0 and text.startswith(term, start):
                    inside = True
                offset = term.find(word, offset + 1)
        if not inside:
            found.append(m.start())
    return found


def _variants_in(text: str, where: str | None = None) -> list[str]:
    """The variants in ``text``; ``where`` (a chapter's file stem, ``03_sigmoid_tanh``) allows each
    ``defined_once`` phrase of that chapter once: only its first occurrence is set aside."""
    for t in TERMS:
        phrase = t.get("defined_once", {}).get(where)
        if phrase:
            text = text.replace(phrase, " ", 1)
    return [f"{v} (use {t['ko']})" for t in TERMS for v in t["avoid"] if _occurrences(text, v)]


def test_variant_check_sees_through_longer_terms():
    assert _variants_in("서브그래디언트(subgradient)와 경사 하강법") == []
    assert _variants_in("그래디언트 소실") == ["그래디언트 (use 기울기)", "그래디언트 소실 (use 기울기 소실)"]
    assert _variants_in("얇은 신경망") == ["얇은 신경망 (use 부분 신경망)"]


def test_a_variant_is_allowed_once_only_in_its_defining_phrase_and_chapter():
    phrase = "하이퍼볼릭 탄젠트(hyperbolic tangent, tanh)"
    variant = ["하이퍼볼릭 탄젠트 (use tanh)"]
    assert _variants_in(f"시그모이드와 {phrase}의 식", where="03_sigmoid_tanh") == []
    assert _variants_in(f"{phrase}의 식. tanh는 {phrase}", where="03_sigmoid_tanh") == variant  # twice
    assert _variants_in(f"{phrase}의 식", where="04_relu_family") == variant  # another chapter
    assert _variants_in("하이퍼볼릭 탄젠트는", where="03_sigmoid_tanh") == variant  # not the defining phrase


DEFINED_ONCE = [(where, t["ko"], phrase) for t in TERMS for where, phrase in t.get("defined_once", {}).items()]


@pytest.mark.parametrize("where,term,phrase", DEFINED_ONCE, ids=[w + ":" + k for w, k, _ in DEFINED_ONCE])
def test_a_defining_phrase_stands_exactly_once_in_its_chapter(where, term, phrase):
    source = ROOT / "chapters" / "src" / f"{where}.md"
    notebook = ROOT / "chapters" / "ko" / f"{where}.ipynb"
    assert korean_prose(source.read_text(encoding="utf-8")).count(phrase) == 1, (source.name, phrase)
    assert "\n".join(notebook_texts(notebook)[0]).count(phrase) == 1, (notebook.name, phrase)


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_korean_prose_of_the_sources_uses_the_glossary_terms(path):
    """The sources, where authors write: the generated notebooks follow (and are checked too)."""
    found = _variants_in(korean_prose(path.read_text(encoding="utf-8")), where=path.stem)
    assert not found, f"{path.name}: variant terms in Korean prose {found}"


@pytest.mark.parametrize("path", korean_notebooks() + korean_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_korean_text_uses_the_glossary_terms(path):
    if path.suffix == ".ipynb":
        markdown, outputs = notebook_texts(path)
        text = "\n".join(markdown + outputs)
    else:
        text = path.read_text(encoding="utf-8")
    found = _variants_in(text, where=path.stem)
    assert not found, f"{path.name}: variant terms {found}"


def korean_strings(path: Path) -> str:
    """The string literals of a module that hold Hangul: its Korean messages, labels and notes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return "\n".join(node.value for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)
                     and re.search("[가-힣]", node.value))


def test_library_messages_use_the_glossary_terms():
    found = {str(p.relative_to(ROOT)): _variants_in(korean_strings(p))
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
        where = _occurrences(prose, t["ko"])
        if not where:
            continue
        i = where[0]
        after = prose[i + len(t["ko"]): i + len(t["ko"]) + 2]
        if not re.match(r"\s?\([A-Za-z]", after):
            context = prose[max(0, i - 15): i + len(t["ko"]) + 15].replace("\n", " ")
            missing.append(f"{t['ko']} ({t['en']}): ...{context}...")
    assert not missing, f"{path.name}: first use without the English in parentheses:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", [p for p in korean_notebooks() if "chapters" in p.parts],
                         ids=lambda p: p.name)
def test_terms_carry_their_english_only_once_in_each_chapter(path):
    """After its first use a term stands alone: no English stacked in parentheses again and again."""
    markdown, _ = notebook_texts(path)
    prose = _prose_lines("\n".join(markdown))
    repeated = []
    for t in TERMS:
        # "(softmax" after 소프트맥스, not "(log-softmax" after 로그 소프트맥스 (another term)
        first_word = re.escape(t["en"].split()[0].lower())
        english = [i for i in _occurrences(prose, t["ko"])
                   if re.match(rf"\s?\({first_word}", prose[i + len(t["ko"]):].lower())]
        if len(english) > 1:
            repeated.append(f"{t['ko']} ({t['en']}): {len(english)} times")
    assert not repeated, f"{path.name}: English repeated after the first use:\n" + "\n".join(repeated)
