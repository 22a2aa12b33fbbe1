"""Helpers shared by the website tests (imported by conftest.py and the test modules).

The site is two books, each built by Sphinx in its own language: ``_build/html/ko/`` and
``_build/html/en/``. A page is addressed by its book and its docname: ``("ko", "chapters/ko/01_x")``
is ``ko/chapters/ko/01_x.html``.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ACTLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("Debian's Chromium is needed for the browser tests: install it with "
                "`sudo apt-get install chromium fonts-nanum` (python3 make.py test does this when run as root)")
ARTIFACTS = ROOT / "test-artifacts"
LANGUAGES = ("ko", "en")
OTHER = {"ko": "en", "en": "ko"}
HANGUL = re.compile("[\uac00-\ud7a3]")
# Folders of a built book that hold no pages.
NOT_PAGES = ("_static", "_sources", "_images")


def site_html_dir() -> Path:
    return Path(os.environ.get("ACTLAB_SITE_HTML", ROOT / "_build" / "html")).resolve()


def book_dir() -> Path:
    """The book folder the site was built from (the parent of _build/html)."""
    return site_html_dir().parent.parent


@lru_cache(maxsize=None)
def book_config() -> dict:
    return yaml.safe_load((book_dir() / "_config.yml").read_text(encoding="utf-8"))


def books() -> dict[str, dict]:
    """language -> {toc, title}, as _config.yml lists the books."""
    return book_config()["sphinx"]["config"]["actlab_books"]


@lru_cache(maxsize=None)
def toc(lang: str) -> dict:
    return yaml.safe_load((book_dir() / books()[lang]["toc"]).read_text(encoding="utf-8"))


def toc_pages(lang: str) -> list[tuple[str, str]]:
    """(docname, part caption) for every page of the book's toc, the root first."""
    pages = [(toc(lang)["root"], "")]
    for part in toc(lang)["parts"]:
        pages += [(chapter["file"], part["caption"]) for chapter in part["chapters"]]
    return pages


def source_exists(docname: str) -> bool:
    return any((book_dir() / f"{docname}{suffix}").exists() for suffix in (".md", ".ipynb"))


def language_of(docname: str) -> str:
    """The book a docname belongs to: a path segment or name part ``en`` makes it English."""
    return "en" if "en" in re.split(r"[/_]", docname) else "ko"


def expected_twin(docname: str) -> str:
    """The same page in the other book: intro <-> intro_en, search <-> search, else ko <-> en in the path."""
    special = {"intro": "intro_en", "intro_en": "intro", "search": "search"}
    if docname in special:
        return special[docname]
    lang = language_of(docname)
    return re.sub(rf"(?<![^/_]){lang}(?![^/_])", OTHER[lang], docname)


def page_path(lang: str, docname: str) -> str:
    """The page's address relative to the site root."""
    return f"{lang}/{docname}.html"


def built_pages(lang: str | None = None) -> list[str]:
    """Addresses (relative to the site root) of every page of the books (redirects at the root left out)."""
    html = site_html_dir()
    found = []
    for book in ([lang] if lang else LANGUAGES):
        found += sorted(str(p.relative_to(html)) for p in (html / book).rglob("*.html")
                        if p.relative_to(html / book).parts[0] not in NOT_PAGES)
    return found


def docname_of(path: str) -> tuple[str, str]:
    """``"ko/chapters/ko/01_x.html"`` -> ``("ko", "chapters/ko/01_x")``."""
    lang, rest = path.split("/", 1)
    return lang, re.sub(r"\.html$", "", rest)


def open_page(page, path: str) -> None:
    """Open a site page and wait until it has loaded everything and MathJax has typeset it."""
    page.goto(page.base_url + path, wait_until="load")
    settle(page)


def settle(page, quiet_ms: int = 100, timeout_ms: int = 10_000) -> None:
    """Wait for MathJax, the fonts, and then for no request in flight during ``quiet_ms``
    (Playwright's "networkidle" waits a fixed 500 ms, which adds up over every page of the site)."""
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
        if (document.fonts) { await document.fonts.ready; }
    }""")
    quiet = waited = 0
    while quiet < quiet_ms and waited < timeout_ms:
        page.wait_for_timeout(50)
        waited += 50
        quiet = quiet + 50 if page.problems.in_flight <= 0 else 0
