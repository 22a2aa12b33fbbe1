"""The pages of the built site, split by language (two test files, so that pytest-xdist's
--dist loadfile runs them on two workers)."""
from __future__ import annotations

import re

from site_helpers import site_html_dir


def site_pages(language: str) -> list[str]:
    html = site_html_dir()
    if not html.exists():
        return ["intro.html"] if language == "ko" else ["intro_en.html"]  # the `site` fixture fails clearly
    pages = sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                   if p.relative_to(html).parts[0] not in ("_static", "_sources", "_images"))
    return [p for p in pages if ("en" in re.split(r"[/_.]", p)) == (language == "en")]


def check_page(page, path: str) -> None:
    from site_helpers import open_page, settle
    if path == "index.html":
        # Jupyter Book's index.html forwards to the landing page.
        with page.expect_navigation(url=re.compile(r"/intro\.html$")):
            page.goto(page.base_url + path)
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
