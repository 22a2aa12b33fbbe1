"""The site as a reader uses it, in Chromium, offline: the language switch, Korean search, launch
buttons, rendered math, Hangul in figures, static twins of the widgets, copy buttons; screenshots of
the landing pages and a chapter in each language go to test-artifacts/."""
from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from site_helpers import book_config, book_dir, open_page, site_html_dir, toc_pages

# The pages of the toc that exist (test_static_site.py fails while some are missing).
PAGES = [name for name, _ in toc_pages() if (site_html_dir() / f"{name}.html").exists()]
NOTEBOOK_PAGES = [name for name in PAGES if (book_dir() / f"{name}.ipynb").exists()]
HANGUL = re.compile("[\uac00-\ud7a3]")
PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "와", "과", "도", "만", "에게", "까지",
             "부터", "보다", "처럼", "에서는", "으로는", "입니다", "이라는", "란", "이란", "에는", "로는"]


def language_of(docname: str) -> str:
    return "en" if "en" in re.split(r"[/_]", docname) else "ko"


def article_text(docname: str) -> str:
    html = (site_html_dir() / f"{docname}.html").read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article.bd-article")
    return article.get_text(" ") if article else ""


def first_page(language: str, kind: str = "chapters", having: str | None = None) -> str:
    for name in NOTEBOOK_PAGES:
        if name.startswith(f"{kind}/{language}/"):
            html = (site_html_dir() / f"{name}.html").read_text(encoding="utf-8")
            if having is None or having in html:
                return name
    pytest.skip(f"no {kind} page in {language}" + (f" with {having!r}" if having else ""))


@pytest.mark.parametrize("start", ["intro_en", "chapters/ko/03_sigmoid_tanh", "exercises/en/ex04_softmax",
                                   "glossary/ko", "search"])
def test_the_language_switch_lands_on_the_twin(page, site, start):
    if not any((book_dir() / f"{start}{suffix}").exists() for suffix in (".md", ".ipynb")) and start != "search":
        pytest.skip(f"{start} does not exist yet (test_every_page_of_the_toc_exists fails meanwhile)")
    open_page(page, f"{start}.html")
    lang = page.evaluate("document.documentElement.lang")
    assert lang == language_of(start)
    with page.expect_navigation():
        page.click("a.actlab-language-switch")
    page.wait_for_load_state("load")
    other = {"ko": "en", "en": "ko"}[lang]
    assert page.evaluate("document.documentElement.lang") == other
    landed = page.url[len(page.base_url):].split("?")[0].removesuffix(".html")
    expected = {"intro": "intro_en", "intro_en": "intro", "search": "search_en"}.get(start) or \
        re.sub(rf"(?<![^/_]){lang}(?![^/_])", other, start)
    assert landed == expected
    # and back again
    page.click("a.actlab-language-switch")
    page.wait_for_load_state("load")
    assert page.url[len(page.base_url):].removesuffix(".html") == start
    assert page.problems.all() == []


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



def test_the_language_switch_keeps_the_search_query(page, site):
    search(page, "intro", "활성화를")
    korean = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    with page.expect_navigation():
        page.click("a.actlab-language-switch")
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; }", timeout=20_000)
    assert page.url.split("?")[0].endswith("/search_en.html")
    assert page.input_value(".bd-search-container input[name=q]") == "활성화를"
    english = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    assert sorted(english) == sorted(korean)  # the same pages, the English ones first
    assert language_of(re.sub(r"\.html.*$", "", english[0])) == "en"
    assert page.problems.all() == []

def search(page, start: str, query: str) -> list[str]:
    """Type ``query`` into the page's search box, submit, and return the result page names."""
    open_page(page, f"{start}.html")
    page.click(".bd-sidebar-primary .search-button-field")  # opens the theme's search dialog
    box = page.locator("#pst-search-dialog form.bd-search input[name=q]")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; }", timeout=20_000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    return [re.sub(r"\.html(#.*|\?.*)?$", "", h) for h in hrefs]


@pytest.mark.parametrize("query, stem", [("활성화를", "활성화"), ("함수는", "함수")])
def test_korean_search_finds_the_word_with_any_particle(page, site, query, stem):
    results = search(page, "intro", query)
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.url.split("?")[0].endswith("/search.html")
    # Every page with the word, bare or with a particle, is found, and each result has the word.
    forms = {stem} | {stem + particle for particle in PARTICLES}
    expected = {name for name in PAGES if forms & set(re.findall(r"\w+", article_text(name)))}
    assert expected, f"no page contains {stem}"
    assert expected <= set(results), sorted(expected - set(results))
    assert all(stem in article_text(name) for name in results)
    assert query == stem or any(query not in re.findall(r"\w+", article_text(name)) for name in results), \
        f"every result has {query} exactly as typed: the particle handling is not tested by this site"
    # Pages in the reader's language come first.
    languages = [language_of(r) for r in results]
    assert languages == sorted(languages, key=lambda lang: lang != "ko")
    assert page.problems.all() == []



def test_search_summaries_quote_the_article_and_mark_the_korean_stem(page, site):
    """Each result's summary is a passage of that page's article (not its table of contents or
    header buttons), the Korean stem is marked in it whatever particle was typed, and no Korean
    word in the summaries is broken across lines."""
    search(page, "intro", "함수는")
    page.wait_for_function("() => { const items = document.querySelectorAll('#search-results ul.search li');"
                           " return items.length > 0 && [...items].every(li => li.querySelector('p.context')); }",
                           timeout=20_000)
    items = page.eval_on_selector_all("#search-results ul.search li", """items => items.map(li => ({
        href: li.querySelector('a').getAttribute('href'),
        summary: li.querySelector('p.context').textContent,
        marked: [...li.querySelectorAll('p.context .highlighted')].map(s => s.textContent)}))""")
    assert len(items) >= 5
    for item in items:
        name = re.sub(r"\.html(#.*|\?.*)?$", "", item["href"])
        html = BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        article = html.select_one("article.bd-article")
        for element in article.select(".headerlink, script, style"):
            element.decompose()
        text = re.sub(r"\s+", "", article.get_text())
        summary = re.sub(r"\s+", "", item["summary"]).removeprefix("...").removesuffix("...")
        assert summary in text, f"{name}: the summary is not from the article: {item['summary'][:120]!r}"
        assert "함수" in item["marked"], f"{name}: the stem is not marked in {item['summary'][:120]!r}"
    # (Formulas stay TeX source here, as in Sphinx; a long one may wrap anywhere.)
    assert [w for w in page.evaluate(BROKEN_WORDS_JS, "#search-results") if HANGUL.search(w)] == []
    assert page.problems.all() == []

def test_english_search_is_stemmed_and_runs_on_the_english_search_page(page, site):
    results = search(page, "intro_en", "Activations")
    assert page.url.split("?")[0].endswith("/search_en.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    summary = page.text_content("#search-results .search-summary")
    assert not HANGUL.search(summary), summary  # the result strings are English here
    expected = {name for name in PAGES if re.search(r"\bactivations?\b", article_text(name), re.I)}
    assert expected <= set(results)
    assert language_of(results[0]) == "en"


def test_launch_buttons_point_at_this_notebook(page, site):
    name = first_page("ko")
    open_page(page, f"{name}.html")
    repo = book_config()["repository"]["url"].rstrip("/")
    owner_repo = repo.split("github.com/")[1]
    hrefs = page.eval_on_selector_all(".dropdown-launch-buttons a", "as => as.map(a => a.href)")
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/main/{name}.ipynb" in hrefs
    assert f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/{name}.ipynb" in hrefs
    assert page.problems.all() == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_math_is_rendered_by_the_local_mathjax(page, site, language):
    name = first_page(language, having='class="math')
    open_page(page, f"{name}.html")
    rendered = page.locator("mjx-container").count()
    sources = page.locator(".math").count()
    assert rendered >= 1 and rendered >= sources
    assert page.evaluate("MathJax.version").startswith("3.")
    assert page.problems.all() == []


def test_figures_of_korean_chapters_show_hangul(page, site):
    """Figures are SVG with text as paths: the Hangul labels are drawn from a Korean font's glyphs."""
    checked = 0
    for name in NOTEBOOK_PAGES:
        if not name.startswith("chapters/ko/"):
            continue
        soup = BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        for img in soup.select(".cell_output img[src$='.svg']"):
            svg = (site / name).parent.joinpath(img["src"]).resolve().read_text(encoding="utf-8")
            labels = [c for c in re.findall(r"<!-- (.*?) -->", svg) if HANGUL.search(c)]
            fonts = set(re.findall(r'<path id="([A-Za-z][\w]*?)-[0-9a-f]+"', svg))
            if labels:
                assert fonts - {"DejaVuSans", "DejaVuSans-Bold"}, f"{img['src']}: Hangul without a Korean font"
                checked += 1
                if checked == 1:
                    open_page(page, f"{name}.html")
                    loaded = page.evaluate("""(src) => [...document.querySelectorAll('img')]
                        .filter(i => i.getAttribute('src') === src).map(i => i.complete && i.naturalWidth > 0)""",
                                           img["src"])
                    assert loaded and all(loaded)
    assert checked, "no Korean chapter has a figure with Hangul labels"
    assert page.problems.all() == []


def test_explorer_cells_show_their_static_twin(site):
    """An explorer's live output is removed from the page; the next cell's figure stands in for it."""
    explorers = 0
    for name in NOTEBOOK_PAGES:
        soup = BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        cells = soup.select("div.cell")
        for i, cell in enumerate(cells):
            if "tag_remove-output" in cell.get("class", []):
                explorers += 1
                assert cell.select_one(".cell_output") is None, name
                assert i + 1 < len(cells) and cells[i + 1].select_one(".cell_output img, .cell_output svg"), \
                    f"{name}: the explorer in cell {i} has no static twin after it"
        assert "application/vnd.jupyter.widget-view+json" not in str(soup), name
    if not explorers:
        pytest.skip("no explorer cells in the notebooks yet")


@pytest.mark.parametrize("language, label", [("ko", "복사"), ("en", "Copy")])
def test_code_cells_have_copy_buttons(page, site, language, label):
    name = first_page(language)
    open_page(page, f"{name}.html")
    inputs = page.locator(".cell_input div.highlight pre").count()
    assert inputs >= 1
    buttons = page.locator(".cell_input button.copybtn")
    assert buttons.count() == inputs
    assert buttons.first.get_attribute("data-tooltip") == label
    assert page.problems.all() == []


@pytest.mark.parametrize("path, shot", [("intro.html", "landing-ko"), ("intro_en.html", "landing-en"),
                                        ("chapter:ko", "chapter-ko"), ("chapter:en", "chapter-en")])
def test_screenshots(page, site, artifacts, path, shot):
    if path.startswith("chapter:"):
        path = first_page(path.split(":")[1], having='class="math') + ".html"
    open_page(page, path)
    out = artifacts / f"site-{shot}.png"
    page.screenshot(path=str(out), full_page=False)
    assert out.stat().st_size > 10_000
    assert page.problems.all() == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_math_in_markdown_outputs_is_rendered(page, site, language):
    """Chapter 10's summary table is a Markdown output with math in its cells: in the browser every
    formula in it is typeset by MathJax, and no raw $ or \\( is left to read."""
    def markdown_with_math(name):
        cells = json.loads((book_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        return any("$" in "".join(out["data"]["text/markdown"]) and "|" in "".join(out["data"]["text/markdown"])
                   for cell in cells for out in cell.get("outputs", []) if "text/markdown" in out.get("data", {}))
    names = [name for name in NOTEBOOK_PAGES if name.startswith(f"chapters/{language}/") and markdown_with_math(name)]
    if not names:
        pytest.skip(f"no {language} chapter has a Markdown table output with math yet")
    open_page(page, f"{names[0]}.html")
    table = page.locator(".cell_output table").first
    assert table.count() == 1, "the Markdown output's table was not rendered as a table"
    formulas = table.locator(".math").count()
    assert formulas >= 1
    assert table.locator(".math mjx-container").count() == formulas
    text = table.inner_text()
    assert "$" not in text and "\\(" not in text, text[:200]
    assert page.problems.all() == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_tables_do_not_break_words(page, site, language):
    """No word in a table is broken across lines: a wide table (chapter 10's summary, printed by code)
    scrolls sideways instead (Korean text once came out one syllable per line in a column 2 em wide)."""
    names = [name for name in PAGES if language_of(name) == language and
             BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
             .select_one("article.bd-article table td")]
    if not names:
        pytest.skip(f"no {language} page has a table")
    for name in names:
        open_page(page, f"{name}.html")
        broken = page.evaluate(BROKEN_WORDS_JS, "article.bd-article table")
        assert not broken, f"{name}: words broken across lines: {broken[:20]}"
    assert page.problems.all() == []



@pytest.mark.parametrize("name", ["intro", "chapters/ko/10_choosing", "exercises/ko/ex01_collapse_layers",
                                  "glossary/en"])
def test_korean_words_are_not_broken_in_the_navigation(page, site, name):
    """The sidebar (site's table of contents), the page's table of contents and the previous/next
    links wrap Korean titles between words (과제 1. 두 선형 층을 하나로 합치기, not 합치 / 기)."""
    if not (site / f"{name}.html").exists():
        pytest.skip(f"{name} is not built")
    for width in (1280, 1000):
        page.set_viewport_size({"width": width, "height": 900})
        open_page(page, f"{name}.html")
        broken = page.evaluate(BROKEN_WORDS_JS, ".bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area, "
                                                "article.bd-article")
        assert [w for w in broken if HANGUL.search(w)] == [], f"{name} at {width}px"
    assert page.problems.all() == []

def test_the_site_works_opened_from_files(browser, site):
    """From a USB stick (file://, no server, no network): pages, MathJax with its fonts, and the Korean
    search work, with no failed request and no console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            problems.append(f"blocked: {route.request.url}")
            route.abort()
    context.route("**/*", only_files)
    page = context.new_page()
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(f"uncaught: {err}"))
    # A missing file fails with ERR_FILE_NOT_FOUND; ERR_ABORTED is a load cut short by going on to the
    # next page (a late favicon).
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url} ({req.failure})")
            if "ERR_ABORTED" not in (req.failure or "") else None)
    base = site.as_uri() + "/"
    try:
        page.goto(base + "index.html", wait_until="load")
        page.wait_for_url(re.compile(r"/intro\.html$"))
        name = first_page("ko", having='class="math')
        page.goto(base + f"{name}.html", wait_until="load")
        page.evaluate("async () => { await MathJax.startup.promise; await document.fonts.ready; }")
        assert page.locator("mjx-container").count() >= 1
        assert page.evaluate("[...document.fonts].some(f => f.family.startsWith('MJXTEX') && f.status === 'loaded')")
        page.goto(base + "search.html?q=" + "활성화를", wait_until="load")
        page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                               " return s && s.textContent.trim().length > 0; }", timeout=20_000)
        assert page.locator("#search-results ul.search li a").count() >= 2
        page.wait_for_timeout(300)  # summaries would be fetched (and refused) now
    finally:
        context.close()
    assert problems == [], "\n".join(problems[:20])
