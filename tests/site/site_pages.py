"""Every page of one book, opened once in Chromium: the checks made on that one visit.

The pages are split by book into two test files, so that pytest-xdist's --dist loadfile runs them on
two workers; each worker keeps one browser and one browser context for its whole file.
"""
from __future__ import annotations

import functools
import re

from site_helpers import built_pages, open_page, site_html_dir

# axe-core's WCAG 2.0 level A and AA rules (https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}, "resultTypes": ["violations"]}


def site_pages(language: str) -> list[str]:
    if not (site_html_dir() / language).exists():
        return [f"{language}/index.html"]  # the `site` fixture fails clearly
    return built_pages(language)


@functools.lru_cache(maxsize=None)
def axe_script() -> str:
    """axe.min.js as the pinned PyPI package axe-playwright-python ships it (requirements-test.txt)."""
    from importlib.resources import files
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    page.evaluate(axe_script())
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(n["target"][0] if len(n["target"]) == 1
                                                                      else str(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]]


def check_page(page, path: str) -> None:
    if path.endswith("/index.html"):
        # Sphinx's index.html of each book forwards to the book's landing page.
        with page.expect_navigation(url=re.compile(r"/intro(_en)?\.html$")):
            page.goto(page.base_url + path)
        page.wait_for_load_state("load")
        from site_helpers import settle
        settle(page)
    else:
        open_page(page, path)
    assert page.title(), "the page has no title"
    assert page.problems.all() == [], f"{path}:\n" + "\n".join(page.problems.all())
    # Every formula is typeset, none with a TeX error (MathJax shows those in red, without a console error).
    math = page.evaluate("""() => ({
        sources: document.querySelectorAll('.math').length,
        typeset: document.querySelectorAll('.math mjx-container').length,
        errors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent)
            // an undefined macro is drawn as its name in red (MathJax's noundefined extension)
            .concat([...document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
                    .map(e => 'undefined: ' + e.textContent))})""")
    assert not math["errors"], f"{path}: TeX errors: {math['errors'][:5]}"
    assert math["typeset"] >= math["sources"], f"{path}: {math['sources'] - math['typeset']} formulas not typeset"
    # Accessibility: no violation of axe-core's WCAG 2 A/AA rules, on the page as a reader gets it.
    violations = axe_violations(page)
    assert not violations, f"{path}: accessibility violations:\n" + "\n".join(violations)
