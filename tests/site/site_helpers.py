"""Helpers shared by the website tests (imported by conftest.py and the test modules)."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ACTLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("Debian's Chromium is needed for the browser tests: install it with "
                "`sudo apt-get install chromium fonts-nanum` (python3 make.py test does this when run as root)")
ARTIFACTS = ROOT / "test-artifacts"


def site_html_dir() -> Path:
    return Path(os.environ.get("ACTLAB_SITE_HTML", ROOT / "_build" / "html")).resolve()


def book_dir() -> Path:
    """The book folder the site was built from (the parent of _build/html)."""
    return site_html_dir().parent.parent


def toc_pages() -> list[tuple[str, str]]:
    """(docname, part caption) for every page of _toc.yml, the root first."""
    toc = yaml.safe_load((book_dir() / "_toc.yml").read_text(encoding="utf-8"))
    pages = [(toc["root"], "")]
    for part in toc["parts"]:
        pages += [(chapter["file"], part["caption"]) for chapter in part["chapters"]]
    return pages


def book_config() -> dict:
    return yaml.safe_load((book_dir() / "_config.yml").read_text(encoding="utf-8"))



def open_page(page, path: str) -> None:
    """Open a site page and wait until it has loaded everything and MathJax has typeset it."""
    page.goto(page.base_url + path, wait_until="load")
    settle(page)


def settle(page, quiet_ms: int = 150, timeout_ms: int = 10_000) -> None:
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
