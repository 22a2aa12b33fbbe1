"""Write the glossary pages glossary/ko.md and glossary/en.md, and the library's copy of the terms
lib/actlab/glossary.json (package data, read by actlab.i18n.term), from glossary.yml (the one source).

    python3 tools/build_glossary.py           write the pages and the library's copy
    python3 tools/build_glossary.py --check   exit 1 if one of them is out of date
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

HEAD = {
    "ko": "# 용어집\n\n강의 전체에서 개념 하나에 한국어 용어 하나만 씁니다. 각 장에서 처음 나올 때는 "
          "영어를 괄호 안에 함께 적습니다. 예: 활성화 함수(activation function). 손실, 정확도, 에포크처럼 "
          "강의 내내 쓰는 일상적인 말은 예외입니다.\n\n"
          "| 한국어 | English | 뜻 |\n| --- | --- | --- |\n",
    "en": "# Glossary\n\nThe course uses one Korean term per concept everywhere; this is the list, with the "
          "English term used in the English pages.\n\n"
          "| English | 한국어 | Meaning |\n| --- | --- | --- |\n",
}


def load_terms() -> list[dict]:
    return yaml.safe_load((ROOT / "glossary.yml").read_text(encoding="utf-8"))["terms"]


def render(lang: str, terms: list[dict]) -> str:
    key = (lambda t: t["ko"]) if lang == "ko" else (lambda t: t["en"].lower())
    rows = []
    for t in sorted(terms, key=key):
        first, second = (t["ko"], t["en"]) if lang == "ko" else (t["en"], t["ko"])
        rows.append(f"| {first} | {second} | {t['note_' + lang]} |\n")
    return HEAD[lang] + "".join(rows)


def library_terms(terms: list[dict]) -> str:
    """English term -> its Korean and English forms: what the library's messages need (no notes,
    so a Colab install carries a few kilobytes, not the pages)."""
    table = {t["en"]: {"ko": t["ko"], "en": t["en"]} for t in sorted(terms, key=lambda t: t["en"].lower())}
    return json.dumps(table, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    terms = load_terms()
    stale = []
    outputs = [(ROOT / "glossary" / f"{lang}.md", render(lang, terms)) for lang in ("ko", "en")]
    outputs.append((ROOT / "lib" / "actlab" / "glossary.json", library_terms(terms)))
    for path, text in outputs:
        if "--check" in sys.argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python3 tools/build_glossary.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
