"""The site as a reader uses it, in Chromium, offline: the language switch between the two books,
the Korean search (particles, multi-word order, one language per book), launch buttons, rendered math,
Hangul in figures and text drawn from a real font (no tofu), static twins of the widgets, copy
buttons; screenshots of the landing pages and a chapter in each language go to test-artifacts/."""
from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest
from bs4 import BeautifulSoup

from site_helpers import (HANGUL, LANGUAGES, OTHER, book_config, book_dir, docname_of, expected_twin,
                          open_page, page_path, site_html_dir, toc_pages)
from site_pages import BROKEN_WORDS_JS

# (book, docname) of the pages of the tocs that exist (test_static_site.py fails while some are missing).
PAGES = [(lang, name) for lang in LANGUAGES for name, _ in toc_pages(lang)
         if (site_html_dir() / page_path(lang, name)).exists()]
NOTEBOOK_PAGES = [(lang, name) for lang, name in PAGES if (book_dir() / f"{name}.ipynb").exists()]
PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "와", "과", "도", "만", "에게", "까지",
             "부터", "보다", "처럼", "에서는", "으로는", "입니다", "이라는", "란", "이란", "에는", "로는"]


@lru_cache(maxsize=None)  # the search tests ask for every page's text, several times
def article_text(lang: str, docname: str) -> str:
    html = (site_html_dir() / page_path(lang, docname)).read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article.bd-article")
    return article.get_text(" ") if article else ""


def first_page(language: str, kind: str = "chapters", having: str | None = None) -> str:
    """The path of the first notebook page of ``kind`` in the book of ``language`` (with ``having`` in it)."""
    for lang, name in NOTEBOOK_PAGES:
        if lang == language and name.startswith(f"{kind}/{language}/"):
            html = (site_html_dir() / page_path(lang, name)).read_text(encoding="utf-8")
            if having is None or having in html:
                return page_path(lang, name)
    pytest.skip(f"no {kind} page in {language}" + (f" with {having!r}" if having else ""))


def landed(page) -> tuple[str, str]:
    """(book, docname) of the page the browser shows."""
    return docname_of(page.url[len(page.base_url):].split("?")[0].split("#")[0])


@pytest.mark.parametrize("start", [("en", "intro_en"), ("ko", "chapters/ko/03_sigmoid_tanh"),
                                   ("en", "exercises/en/ex04_softmax"), ("ko", "glossary/ko"), ("ko", "search")],
                         ids=lambda item: page_path(*item))
def test_the_language_switch_lands_on_the_twin(page, site, start):
    lang, docname = start
    if not (site / page_path(lang, docname)).exists():
        pytest.skip(f"{docname} does not exist yet (test_every_page_of_the_toc_exists fails meanwhile)")
    open_page(page, page_path(lang, docname))
    assert page.evaluate("document.documentElement.lang") == lang
    with page.expect_navigation():
        page.click("a.actlab-language-switch")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == OTHER[lang]
    assert landed(page) == (OTHER[lang], expected_twin(docname))
    # and back again
    with page.expect_navigation():
        page.click("a.actlab-language-switch")
    page.wait_for_load_state("load")
    assert landed(page) == (lang, docname)
    assert page.problems.all() == []


@pytest.mark.parametrize("old, new", [("index.html", "ko/intro.html"), ("intro_en.html", "en/intro_en.html"),
                                      ("chapters/ko/03_sigmoid_tanh.html#id1", "ko/chapters/ko/03_sigmoid_tanh.html#id1"),
                                      ("search_en.html?q=sigmoid", "en/search.html?q=sigmoid")])
def test_old_addresses_lead_to_the_same_page_in_its_book(page, site, old, new):
    """The one-build site's addresses (bookmarks, links from elsewhere) keep working, query and
    anchor included (tests/site/test_static_site.py checks every old address as files)."""
    with page.expect_navigation(url=page.base_url + new):
        page.goto(page.base_url + old)
    page.wait_for_load_state("load")
    assert page.url == page.base_url + new
    assert page.problems.all() == []






@pytest.mark.parametrize("start, query", [("ko/intro.html", "활성화를"), ("ko/search.html?q=ReLU", "ReLU")])
def test_the_language_switch_keeps_the_search_query(page, site, start, query):
    """After a search made in the search dialog, and on a search page opened by its address (a link, a
    bookmark: the case a reader reported), every switch on the page and the click lead to the other
    book's search page with the same query, which runs there."""
    if start.startswith("ko/search.html"):
        page.goto(page.base_url + start, wait_until="domcontentloaded")
    else:
        search(page, start, query)
    hrefs = page.eval_on_selector_all("a.actlab-language-switch", "as => as.map(a => a.href)")
    assert hrefs and all(new_query(href) == query for href in hrefs), hrefs
    with page.expect_navigation():
        page.click("a.actlab-language-switch")
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; }", timeout=20_000)
    assert landed(page) == ("en", "search")
    assert new_query(page.url) == query
    assert page.input_value(".bd-search-container input[name=q]") == query
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.problems.all() == []


def new_query(url: str) -> str | None:
    from urllib.parse import parse_qs, urlsplit
    return parse_qs(urlsplit(url).query).get("q", [None])[0]


def search_page_results(page, lang: str, query: str) -> list[tuple[str, str]]:
    """The results of the book's search page for ``query`` (opened by its address), in order."""
    from urllib.parse import quote
    page.goto(page.base_url + f"{lang}/search.html?q={quote(query)}", wait_until="load")
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; }", timeout=20_000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    return [docname_of(re.sub(r"[#?].*$", "", h)[len(page.base_url):]) for h in hrefs]


def chapter(lang: str, number: str) -> tuple[str, str]:
    names = [name for name, _ in toc_pages(lang) if name.startswith(f"chapters/{lang}/{number}_")]
    if not names:
        pytest.skip(f"no chapter {number} in the {lang} book")
    return lang, names[0]


# (book, query, chapter number of the page whose title names it, which comes first)
TITLE_QUERIES = [("ko", "기울기 소실", "09"), ("ko", "소프트맥스", "06"), ("en", "softmax", "06"), ("ko", "softmax", "06"),
                 ("ko", "시그모이드", "03"), ("en", "vanishing gradient", "09")]


def test_the_page_whose_title_names_the_query_ranks_first(page, site):
    """A reader searching a chapter's subject gets that chapter first (the scorer's title bonus),
    not a page that merely uses the words more often; in the Korean book an English name finds the
    Korean title (softmax -> 6. 소프트맥스: the glossary's synonyms)."""
    wrong = []
    for lang, query, number in TITLE_QUERIES:
        results = search_page_results(page, lang, query)
        if not results or results[0] != chapter(lang, number):
            wrong.append(f"{lang} {query!r}: {results[:3]}, expected {chapter(lang, number)} first")
    assert not wrong, "\n".join(wrong)
    assert page.problems.all() == []


def test_korean_search_knows_hangul_spellings_and_shows_formulas_as_text(page, site):
    """렐루 (ReLU in Hangul) finds chapter 4 and the glossary, which write ReLU; "렐루 함수" too, and
    no summary shows TeX source (\\( \\frac \\sigma ...): formulas are turned into plain text."""
    for query in ("렐루", "렐루 함수"):
        results = search_page_results(page, "ko", query)
        assert chapter("ko", "04") in results, (query, results)
        assert ("ko", "glossary/ko") in results, (query, results)
    results = search_page_results(page, "ko", "시그모이드")
    page.wait_for_function("() => { const items = document.querySelectorAll('#search-results ul.search li');"
                           " return items.length > 0 && [...items].every(li => li.querySelector('p.context')); }",
                           timeout=20_000)
    summaries = page.eval_on_selector_all("#search-results p.context", "ps => ps.map(p => p.textContent)")
    raw = [s for s in summaries if re.search(r"\\[()\[\]]|\\[a-zA-Z]+|\$", s)]
    assert not raw, f"TeX source in search summaries: {raw[:3]}"
    assert any("σ" in s for s in summaries), "no summary shows the sigmoid's formula (as text): the check checks nothing"
    assert page.problems.all() == []


def search(page, start: str, query: str) -> list[tuple[str, str]]:
    """Type ``query`` into the search box of the page ``start``, submit, and return the results as
    (book, docname)."""
    open_page(page, start)
    page.click(".bd-sidebar-primary .search-button-field")  # opens the theme's search dialog
    box = page.locator("#pst-search-dialog form.bd-search input[name=q]")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; }", timeout=20_000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    return [docname_of(re.sub(r"[#?].*$", "", h)[len(page.base_url):]) for h in hrefs]


def holds(lang: str, docname: str, stem: str) -> bool:
    """The page's article has the word, bare or with a particle."""
    forms = {stem} | {stem + particle for particle in PARTICLES}
    return bool(forms & set(re.findall(r"\w+", article_text(lang, docname))))


@pytest.mark.parametrize("query, stem", [("활성화를", "활성화"), ("함수는", "함수")])
def test_korean_search_finds_the_word_with_any_particle(page, site, query, stem):
    results = search(page, "ko/intro.html", query)
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert landed(page) == ("ko", "search")
    # Every page with the word, bare or with a particle, is found, and each result has the word.
    expected = {item for item in PAGES if item[0] == "ko" and holds(*item, stem)}
    assert expected, f"no page contains {stem}"
    assert expected <= set(results), sorted(expected - set(results))
    assert all(stem in article_text(*item) for item in results)
    assert query == stem or any(query not in re.findall(r"\w+", article_text(*item)) for item in results), \
        f"every result has {query} exactly as typed: the particle handling is not tested by this site"
    # The Korean book's search lists Korean pages only.
    assert {lang for lang, _ in results} == {"ko"}
    assert page.problems.all() == []


def test_a_search_of_two_korean_words_lists_pages_with_both_first(page, site):
    """"활성화 함수": the pages holding both words come first, then those holding one of them
    (Sphinx alone scored a page by its best word, so pages of 함수 alone were mixed in)."""
    results = search(page, "ko/intro.html", "활성화 함수")
    both = [item for item in results if holds(*item, "활성화") and holds(*item, "함수")]
    one = [item for item in results if item not in both]
    assert both and one, (both, one)  # the site has both kinds, so the order is tested
    assert results[:len(both)] == both, f"a page with one word ranks above one with both: {results}"
    # Every Korean page with either word is listed.
    either = {item for item in PAGES if item[0] == "ko" and (holds(*item, "활성화") or holds(*item, "함수"))}
    assert either <= set(results), sorted(either - set(results))
    assert page.problems.all() == []


def test_search_summaries_quote_the_article_and_mark_the_korean_stem(page, site):
    """Each result's summary is a passage of that page's article (not its table of contents or
    header buttons), the Korean stem is marked in it whatever particle was typed, and no Korean
    word in the summaries is broken across lines."""
    search(page, "ko/intro.html", "함수는")
    page.wait_for_function("() => { const items = document.querySelectorAll('#search-results ul.search li');"
                           " return items.length > 0 && [...items].every(li => li.querySelector('p.context')); }",
                           timeout=20_000)
    items = page.eval_on_selector_all("#search-results ul.search li", """items => items.map(li => ({
        href: li.querySelector('a').href,
        summary: li.querySelector('p.context').textContent,
        marked: [...li.querySelectorAll('p.context .highlighted')].map(s => s.textContent)}))""")
    assert len(items) >= 5
    for item in items:
        path = re.sub(r"[#?].*$", "", item["href"])[len(page.base_url):]
        html = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
        article = html.select_one("article.bd-article")
        for element in article.select(".headerlink, script, style"):
            element.decompose()
        # Summaries show formulas as plain text, made by the site's texToText (actlab-site.js).
        formulas = article.select(".math")
        for element, plain in zip(formulas, page.evaluate("ts => ts.map(texToText)", [f.get_text() for f in formulas])):
            element.string = f" {plain} "
        text = re.sub(r"\s+", "", article.get_text())
        summary = re.sub(r"\s+", "", item["summary"]).removeprefix("...").removesuffix("...")
        assert summary in text, f"{path}: the summary is not from the article: {item['summary'][:120]!r}"
        assert "함수" in item["marked"], f"{path}: the stem is not marked in {item['summary'][:120]!r}"
    # (A long formula may wrap anywhere.)
    assert [w for w in page.evaluate(BROKEN_WORDS_JS, "#search-results") if HANGUL.search(w)] == []
    assert page.problems.all() == []


def test_english_search_is_stemmed_and_lists_english_pages(page, site):
    results = search(page, "en/intro_en.html", "Activations")
    assert landed(page) == ("en", "search")
    assert page.evaluate("document.documentElement.lang") == "en"
    summary = page.text_content("#search-results .search-summary")
    assert not HANGUL.search(summary), summary  # the result strings are English here
    expected = {item for item in PAGES if item[0] == "en" and re.search(r"\bactivations?\b", article_text(*item), re.I)}
    assert expected <= set(results)
    assert {lang for lang, _ in results} == {"en"}


def test_launch_buttons_point_at_this_notebook(page, site):
    path = first_page("ko")
    name = docname_of(path)[1]
    open_page(page, path)
    repo = book_config()["repository"]["url"].rstrip("/")
    owner_repo = repo.split("github.com/")[1]
    hrefs = page.eval_on_selector_all(".dropdown-launch-buttons a", "as => as.map(a => a.href)")
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/main/{name}.ipynb" in hrefs
    assert f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/{name}.ipynb" in hrefs
    assert page.problems.all() == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_math_is_rendered_by_the_local_mathjax(page, site, language):
    open_page(page, first_page(language, having='class="math'))
    rendered = page.locator("mjx-container").count()
    sources = page.locator(".math").count()
    assert rendered >= 1 and rendered >= sources
    assert page.evaluate("MathJax.version").startswith("3.")
    assert page.problems.all() == []


def hangul_glyphs(svg: str) -> tuple[set[str], set[str], bool]:
    """(the Hangul syllables of the figure's labels, the glyphs of the Korean font it draws,
    whether it draws a .notdef glyph). Matplotlib writes each label as a comment, then one <use>
    of a glyph path per character; a glyph's id is the font's name and the glyph's index in hex."""
    syllables = {c for label in re.findall(r"<!-- (.*?) -->", svg) for c in label if HANGUL.match(c)}
    fonts = re.findall(r'xlink:href="#([A-Za-z][\w]*?)-([0-9a-f]+)"', svg)
    korean = {index for font, index in fonts if not font.startswith("DejaVu")}
    return syllables, korean, any(index == "0" for _, index in fonts)


def test_figures_of_korean_chapters_draw_hangul_from_a_korean_font(page, site):
    """Figures are SVG with text as paths: each Hangul syllable of a label is drawn by its own glyph
    of a Korean font. A figure made without one would draw every syllable as the same empty box
    (glyph 0, .notdef), which this counts."""
    checked = 0
    for lang, name in NOTEBOOK_PAGES:
        if not name.startswith("chapters/ko/"):
            continue
        path = page_path(lang, name)
        soup = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
        for img in soup.select(".cell_output img[src$='.svg']"):
            svg = (site / path).parent.joinpath(img["src"]).resolve().read_text(encoding="utf-8")
            syllables, glyphs, notdef = hangul_glyphs(svg)
            if not syllables:
                continue
            assert not notdef, f"{img['src']}: a character drawn as .notdef (tofu)"
            assert len(glyphs) >= len(syllables), \
                f"{img['src']}: {len(syllables)} Hangul syllables drawn with {len(glyphs)} Korean glyphs"
            checked += 1
            if checked == 1:
                open_page(page, path)
                loaded = page.evaluate("""(src) => [...document.querySelectorAll('img')]
                    .filter(i => i.getAttribute('src') === src).map(i => i.complete && i.naturalWidth > 0)""",
                                       img["src"])
                assert loaded and all(loaded)
    assert checked, "no Korean chapter has a figure with Hangul labels"
    assert page.problems.all() == []


def test_the_figure_check_sees_tofu():
    """hangul_glyphs tells a figure drawn with a Korean font from one drawn in tofu."""
    good = ('<!-- 활성화 --><use xlink:href="#ActlabGothic-840"/><use xlink:href="#ActlabGothic-885"/>'
            '<use xlink:href="#ActlabGothic-433"/>')
    tofu = '<!-- 활성화 --><use xlink:href="#DejaVuSans-0"/>' * 3
    syllables, glyphs, notdef = hangul_glyphs(good)
    assert len(glyphs) >= len(syllables) == 3 and not notdef
    syllables, glyphs, notdef = hangul_glyphs(tofu)
    assert notdef and len(glyphs) < len(syllables)


def test_explorer_cells_show_their_static_twin(site):
    """An explorer's live output is removed from the page; the next cell's figure stands in for it."""
    explorers = 0
    for item in NOTEBOOK_PAGES:
        soup = BeautifulSoup((site / page_path(*item)).read_text(encoding="utf-8"), "html.parser")
        cells = soup.select("div.cell")
        for i, cell in enumerate(cells):
            if "tag_remove-output" in cell.get("class", []):
                explorers += 1
                assert cell.select_one(".cell_output") is None, item
                assert i + 1 < len(cells) and cells[i + 1].select_one(".cell_output img, .cell_output svg"), \
                    f"{item}: the explorer in cell {i} has no static twin after it"
        assert "application/vnd.jupyter.widget-view+json" not in str(soup), item
    if not explorers:
        pytest.skip("no explorer cells in the notebooks yet")


@pytest.mark.parametrize("language, label", [("ko", "복사"), ("en", "Copy")])
def test_code_cells_have_copy_buttons(page, site, language, label):
    open_page(page, first_page(language))
    inputs = page.locator(".cell_input div.highlight pre").count()
    assert inputs >= 1
    buttons = page.locator(".cell_input button.copybtn")
    assert buttons.count() == inputs
    assert buttons.first.get_attribute("data-tooltip") == label
    assert page.problems.all() == []


# Draws each character of ``chars`` alone, in the font the page gives ``selector``, and returns the
# pixels of each drawing. A character no installed font has is drawn as the same empty box (tofu).
DRAW_CHARACTERS_JS = """([selector, chars]) => {
    const style = getComputedStyle(document.querySelector(selector));
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const ctx = canvas.getContext('2d');
    ctx.font = `${style.fontStyle} ${style.fontWeight} 48px ${style.fontFamily}`;
    return chars.map(c => {
        ctx.clearRect(0, 0, 64, 64);
        ctx.fillText(c, 4, 52);
        return canvas.toDataURL();
    });
}"""


def distinct_drawings(page, selector: str, chars: list[str]) -> int:
    return len(set(page.evaluate(DRAW_CHARACTERS_JS, [selector, chars])))


@pytest.mark.parametrize("path, shot", [("ko/intro.html", "landing-ko"), ("en/intro_en.html", "landing-en"),
                                        ("chapter:ko", "chapter-ko"), ("chapter:en", "chapter-en")])
def test_screenshots_show_real_glyphs(page, site, artifacts, path, shot):
    """Screenshots for a person to look at (test-artifacts/), and what can be checked by machine:
    the heading's characters are drawn by a real font, each its own shape (tofu draws every
    character it lacks as the same box), and the screenshot is not blank."""
    from PIL import Image, ImageStat
    if path.startswith("chapter:"):
        path = first_page(path.split(":")[1], having='class="math')
    open_page(page, path)
    heading = page.text_content("article.bd-article h1").strip()
    chars = sorted({c for c in heading if c.isalpha()})
    if page.evaluate("document.documentElement.lang") == "ko":
        chars = [c for c in chars if HANGUL.match(c)]
    assert len(chars) >= 3, heading
    assert distinct_drawings(page, "article.bd-article h1", chars) == len(chars), \
        f"the heading {heading!r} is drawn with the same box for different characters (tofu)"
    # The check itself: characters no font has (private use) all come out as one drawing.
    assert distinct_drawings(page, "article.bd-article h1", ["\ue000", "\ue001", "\ue002"]) == 1
    out = artifacts / f"site-{shot}.png"
    page.screenshot(path=str(out), full_page=False)
    with Image.open(out) as image:
        assert image.size == (1280, 900)
        assert max(ImageStat.Stat(image.convert("L")).stddev) > 10, "the screenshot is blank"
    assert page.problems.all() == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_math_in_markdown_outputs_is_rendered(page, site, language):
    """Chapter 10's summary table is a Markdown output with math in its cells: in the browser every
    formula in it is typeset by MathJax, and no raw $ or \\( is left to read."""
    def markdown_with_math(name):
        cells = json.loads((book_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        return any("$" in "".join(out["data"]["text/markdown"]) and "|" in "".join(out["data"]["text/markdown"])
                   for cell in cells for out in cell.get("outputs", []) if "text/markdown" in out.get("data", {}))
    names = [name for lang, name in NOTEBOOK_PAGES if lang == language and name.startswith(f"chapters/{language}/")
             and markdown_with_math(name)]
    if not names:
        pytest.skip(f"no {language} chapter has a Markdown table output with math yet")
    open_page(page, page_path(language, names[0]))
    table = page.locator(".cell_output table").first
    assert table.count() == 1, "the Markdown output's table was not rendered as a table"
    formulas = table.locator(".math").count()
    assert formulas >= 1
    assert table.locator(".math mjx-container").count() == formulas
    text = table.inner_text()
    assert "$" not in text and "\\(" not in text, text[:200]
    assert page.problems.all() == []


@pytest.mark.parametrize("name", ["ko/intro", "ko/chapters/ko/10_choosing", "ko/exercises/ko/ex01_collapse_layers",
                                  "en/glossary/en"])
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
        page.wait_for_url(re.compile(r"/ko/intro\.html$"))
        page.goto(base + first_page("ko", having='class="math'), wait_until="load")
        page.evaluate("async () => { await MathJax.startup.promise; await document.fonts.ready; }")
        assert page.locator("mjx-container").count() >= 1
        assert page.evaluate("[...document.fonts].some(f => f.family.startsWith('MJXTEX') && f.status === 'loaded')")
        page.goto(base + "ko/search.html?q=" + "활성화를", wait_until="load")
        page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                               " return s && s.textContent.trim().length > 0; }", timeout=20_000)
        assert page.locator("#search-results ul.search li a").count() >= 2
        page.wait_for_timeout(300)  # summaries would be fetched (and refused) now
    finally:
        context.close()
    assert problems == [], "\n".join(problems[:20])
