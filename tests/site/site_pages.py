"""Every page of one book, opened once in Chromium: the checks made on that one visit (loading offline
without errors, math typeset, no word broken in a table, axe-core's WCAG 2 A/AA rules, and the layout
at desktop and phone width: header buttons on screen, nothing cut or making the page scroll sideways
outside a scroll container, grader feedback wrapped, wide tables in a scroll box that fits the window).

The pages are split by book into two test files, so that pytest-xdist's --dist loadfile runs them on
two workers; each worker keeps one browser and one browser context for its whole file.
"""
from __future__ import annotations

import functools
import re

from site_helpers import built_pages, open_page, site_html_dir

# Words of the text under ``selector`` that the browser broke across lines (a line may break at
# spaces, hyphens, dashes, slashes, brackets and the middle dot).
BROKEN_WORDS_JS = """(selector) => {
        const broken = [];
        for (const table of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.parentElement.closest('.math, mjx-container')) continue;
                const re = /[^\\s\\-\u2010\u2013\u2014/()\u00b7]+/g;  // lines may break at -, dashes, /, brackets, ·
                let m;
                while ((m = re.exec(node.data)) !== null) {
                    const range = document.createRange();
                    range.setStart(node, m.index);
                    range.setEnd(node, m.index + m[0].length);
                    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                    if (lines.size > 1) broken.push(m[0]);
                }
            }
        }
        return broken;
    }"""


# What does not fit the window: header buttons beyond its right edge; article content that makes the
# page scroll sideways or is cut, unless it sits in a scroll container that is itself on screen (code
# blocks, outputs, wide tables and display formulas scroll); grader feedback (check cells) that needs
# sideways scrolling at all; a table wider than the column outside a focusable scroll box with
# actlab-scrolls (its scrollbar and edge shadows), or taller than the window (its scrollbar off screen).
LAYOUT_JS = """() => {
    const W = document.documentElement.clientWidth, H = window.innerHeight;
    const problems = [];
    const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    for (const e of document.querySelectorAll('.bd-header-article :is(a, button, label)')) {
        if (!shown(e) || e.closest('.dropdown-menu')) continue;
        const r = e.getBoundingClientRect();
        if (r.right > W + 0.5 || r.left < -0.5)
            problems.push(`header button off screen (${Math.round(r.left)}..${Math.round(r.right)} px): ` +
                          (e.getAttribute('aria-label') || e.title || e.textContent.trim()).slice(0, 40));
    }
    if (document.documentElement.scrollWidth > W + 0.5)
        problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${W} px`);
    for (const e of document.querySelectorAll('.bd-article :is(p, li, dt, dd, h1, h2, h3, h4, code, a, img, mjx-container, table, pre)')) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= W + 0.5) continue;
        let scroller = null;
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o === 'auto' || o === 'scroll') { scroller = a; break; }
        }
        if (!scroller || scroller.getBoundingClientRect().right > W + 0.5)
            problems.push(`cut at the right (${Math.round(r.right)} px): <${e.tagName.toLowerCase()}> ${e.textContent.trim().slice(0, 50)}`);
    }
    for (const pre of document.querySelectorAll('.bd-article .cell.tag_check .cell_output pre')) {
        if (pre.scrollWidth > pre.clientWidth + 1)
            problems.push(`check output needs sideways scrolling: ${pre.textContent.trim().slice(0, 50)}`);
    }
    for (const table of document.querySelectorAll('.bd-article table')) {
        const box = table.parentElement;
        if (table.getBoundingClientRect().width <= box.clientWidth + 1) continue;
        const what = (table.querySelector('th, td') || table).textContent.trim().slice(0, 30);
        if (!box.classList.contains('actlab-scrolls') || box.tabIndex !== 0)
            problems.push(`a wide table without its scroll box: ${what}`);
        else if (box.getBoundingClientRect().height > H + 0.5)
            problems.push(`a wide table's scrollbar is below the window (${Math.round(box.getBoundingClientRect().height)} px tall): ${what}`);
    }
    return problems;
}"""
PHONE = {"width": 390, "height": 844}


def layout_problems(page, viewport: dict | None = None) -> list[str]:
    """LAYOUT_JS's findings, at ``viewport`` if given (after the page's resize handlers have run)."""
    if viewport:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(350)  # the theme's and the site's resize handlers are debounced (200 ms)
    return page.evaluate(LAYOUT_JS)


# axe-core's WCAG 2.0 level A and AA rules (https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md).
# No preload: it fetches every stylesheet again for the one rule that reads CSS (css-orientation-lock, WCAG 2.1).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}, "resultTypes": ["violations"],
               "preload": False}


def site_pages(language: str) -> list[str]:
    if not (site_html_dir() / language).exists():
        return [f"{language}/index.html"]  # the `site` fixture fails clearly
    return built_pages(language)


@functools.lru_cache(maxsize=None)
def axe_script() -> str:
    """axe.min.js as the pinned PyPI package axe-playwright-python ships it (requirements-test.txt)."""
    from importlib.resources import files
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, skip_code: bool = False) -> list[str]:
    """axe-core's violations on the page; ``skip_code`` leaves out the code cells' source (their
    highlighted tokens are more than half of axe's work on a chapter)."""
    page.evaluate(axe_script())
    context = {"exclude": [[".cell_input"]]} if skip_code else None
    result = page.evaluate("([context, options]) => axe.run(context || document, options)", [context, AXE_OPTIONS])
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
    # No word in a table is broken across lines: a wide table (chapter 10's summary, printed by code)
    # scrolls sideways instead (Korean text once came out one syllable per line in a column 2 em wide).
    broken = page.evaluate(BROKEN_WORDS_JS, "article.bd-article table")
    assert not broken, f"{path}: words broken across lines in a table: {broken[:20]}"
    # Accessibility: no violation of axe-core's WCAG 2 A/AA rules, on the page as a reader gets it.
    # The English book's code cells are the Korean book's, token for token (the twin test of
    # tests/notebooks), highlighted by the same lexer and stylesheet: axe checks them in the Korean book.
    violations = axe_violations(page, skip_code=path.startswith("en/"))
    assert not violations, f"{path}: accessibility violations:\n" + "\n".join(violations)
    # Everything fits the window, on a desktop and on a phone (390 px): see LAYOUT_JS.
    for viewport in (None, PHONE):
        problems = layout_problems(page, viewport)
        width = viewport["width"] if viewport else page.viewport_size["width"]
        assert not problems, f"{path} at {width} px:\n" + "\n".join(problems[:10])
