"""The built site, read as files: two books (Korean, English), every page there in its book's
language and linked to its twin in the other book, the old addresses still answering, no raw
template, Markdown or MyST syntax in front of a reader, launch buttons that point at the page's
notebook, internal links that resolve, and nothing from a CDN."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString

from site_helpers import (HANGUL, LANGUAGES, OTHER, ROOT, book_config, book_dir, books, built_pages, docname_of,
                          expected_twin, language_of, page_path, site_html_dir, source_exists, toc, toc_pages)

# (book, docname) of every page of both tocs.
PAGES = [(lang, name) for lang in LANGUAGES for name, _ in toc_pages(lang)]
NOTEBOOK_PAGES = [(lang, name) for lang, name in PAGES if (book_dir() / f"{name}.ipynb").exists()]
ADDRESSES_BEFORE_SPLIT = [line for line in (Path(__file__).with_name("addresses_before_split.txt"))
                          .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=None)
def soup(relpath: str) -> BeautifulSoup:
    return BeautifulSoup((site_html_dir() / relpath).read_text(encoding="utf-8"), "html.parser")


def page_id(item) -> str:
    return page_path(*item)


# --- the two books -------------------------------------------------------------------------------
def test_the_books_are_korean_first_then_english():
    assert list(books()) == ["ko", "en"]  # the first book is the landing
    assert book_config()["sphinx"]["config"]["language"] == "ko"
    assert toc("ko")["root"] == "intro" and toc("en")["root"] == "intro_en"


def test_the_two_tocs_are_twins():
    """Page for page, part for part: the English toc is the Korean one with ko -> en in every path,
    Korean captions in the Korean toc, English ones in the English toc."""
    ko, en = toc("ko"), toc("en")
    assert [len(part["chapters"]) for part in ko["parts"]] == [len(part["chapters"]) for part in en["parts"]]
    assert [expected_twin(name) for name, _ in toc_pages("ko")] == [name for name, _ in toc_pages("en")]
    for lang in LANGUAGES:
        for name, caption in toc_pages(lang):
            assert language_of(name) == lang, (lang, name)
            assert not caption or bool(HANGUL.search(caption)) == (lang == "ko"), (lang, caption)


def test_every_notebook_of_a_book_is_in_its_toc():
    """A new chapter or exercise notebook (chapters/ko/11_x.ipynb, exercises/en/ex08_y.ipynb) must be
    listed in its book's toc, or it would be left out of the site (only_build_toc_files)."""
    for lang in LANGUAGES:
        listed = {name for name, _ in toc_pages(lang)}
        on_disk = {str(p.relative_to(book_dir()).with_suffix("")) for folder in ("chapters", "exercises")
                   for p in (book_dir() / folder / lang).glob("*.ipynb")}
        assert on_disk <= listed, f"notebooks missing from {books()[lang]['toc']}: {sorted(on_disk - listed)}"


def test_every_page_of_the_toc_exists():
    """While the book is written, build_book.py leaves missing pages out; this test keeps that visible."""
    missing = [name for _, name in PAGES if not source_exists(name)]
    assert not missing, f"pages listed in the tocs that do not exist: {missing}"


def test_answer_keys_are_not_published(site):
    assert not list(site.rglob("solutions"))
    assert not list(site.rglob("*solution*"))


@pytest.mark.parametrize("item", PAGES + [(lang, "search") for lang in LANGUAGES], ids=page_id)
def test_each_page_is_built_in_its_language_with_a_switch_to_its_twin(site, item):
    lang, docname = item
    if docname != "search" and not source_exists(docname):
        pytest.skip(f"{docname} does not exist yet (test_every_page_of_the_toc_exists fails meanwhile)")
    path = page_path(lang, docname)
    if not (site / path).exists():
        pytest.fail(f"{path} was not built")
    page = soup(path)
    assert page.html["lang"] == lang
    switch = page.select_one("a.actlab-language-switch")
    assert switch is not None, "no language switch"
    twin = (site / path).parent.joinpath(switch["href"]).resolve()
    assert twin.exists(), switch["href"]
    assert docname_of(str(twin.relative_to(site))) == (OTHER[lang], expected_twin(docname))
    assert switch["hreflang"] == OTHER[lang]
    alternate = page.select_one(f'link[rel=alternate][hreflang="{OTHER[lang]}"]')
    assert alternate is not None and alternate["href"] == switch["href"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_book_searches_its_own_pages_in_its_own_language(site, lang):
    """One search index per book: it lists that book's pages only, and it is built by the book's
    search language (Korean: words indexed without their particles as well)."""
    index = (site / lang / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(re.fullmatch(r"Search\.setIndex\((.*)\)\s*", index, re.S).group(1))
    assert data["docnames"] and all(language_of(name) == lang for name in data["docnames"]), data["docnames"]
    assert set(data["docnames"]) == {name for name, _ in toc_pages(lang)}
    korean_terms = [term for term in data["terms"] if HANGUL.search(term)]
    if lang == "ko":
        assert "함수" in data["terms"] and "활성화" in data["terms"]
    else:
        assert "activ" in data["terms"]  # Porter stems
    options = (site / lang / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    assert re.search(rf"LANGUAGE: '{lang}'", options), options
    assert lang == "ko" or len(korean_terms) < 0.05 * len(data["terms"])


def test_every_address_of_the_one_build_site_still_resolves(site):
    """Each address the one-build site had (tests/site/addresses_before_split.txt) is a file of the
    new site: a page at its old address is a redirect to the same page in its book, keeping the query
    and the #anchor; downloads (_sources/) and the inventory are there as they were."""
    wrong = []
    for address in ADDRESSES_BEFORE_SPLIT:
        path = site / address
        if not path.is_file():
            wrong.append(f"{address}: missing")
            continue
        if not address.endswith(".html"):
            continue
        text = path.read_text(encoding="utf-8")
        refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)"', text)
        if not refresh:
            wrong.append(f"{address}: not a redirect")
            continue
        target = path.parent.joinpath(refresh.group(1)).resolve()
        if not target.is_file():
            wrong.append(f"{address}: leads to {refresh.group(1)}, which does not exist")
            continue
        lang, docname = docname_of(str(target.relative_to(site)))
        old = address.removesuffix(".html")
        expected = {"index": ("ko", "intro"), "genindex": ("ko", "intro"), "search": ("ko", "search"),
                    "search_en": ("en", "search")}.get(old, (language_of(old), old))
        if (lang, docname) != expected:
            wrong.append(f"{address}: leads to {lang}/{docname}, expected {expected}")
        if "location.search + location.hash" not in text:
            wrong.append(f"{address}: the redirect drops the query or the anchor")
    assert not wrong, "\n".join(wrong)


def test_the_site_lands_on_the_korean_book(site):
    refresh = re.search(r'url=([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    assert refresh and refresh.group(1) == "ko/intro.html"


@pytest.mark.parametrize("item", [("ko", "intro"), ("en", "intro_en"), ("ko", "search"), ("en", "search")], ids=page_id)
def test_interface_strings_follow_the_page_language(site, item):
    lang, docname = item
    page = soup(page_path(lang, docname))
    skip_link = page.select_one("#pst-skip-link a").get_text(strip=True)
    for form in page.select("form.bd-search"):
        action = form["action"] if form["action"] != "#" else f"{docname}.html"  # "#": this page
        target = (site / page_path(lang, docname)).parent.joinpath(action).resolve()
        assert target == (site / lang / "search.html").resolve(), form["action"]
        placeholder = form.select_one("input")["placeholder"]
        assert placeholder.startswith("검색" if lang == "ko" else "Search"), placeholder
    if lang == "ko":
        assert skip_link == "본문으로 건너뛰기"
    else:
        assert skip_link == "Skip to main content"
        assert not page.find("script", src=re.compile("translations.js"))  # Sphinx's Korean JS strings


# What may stay as it is on a page of either language: names, file types, key labels, the switch's label.
LANGUAGE_NEUTRAL = {"Colab", "Binder", ".ipynb", ".pdf", ".md", "Ctrl", "K", "English", "한국어"}
NAMES = ["Colab", "Binder", "PDF", "GitHub", "JavaScript"]


def interface_strings(page: BeautifulSoup) -> list[tuple[str, str]]:
    """The interface a reader sees or hears outside the article: texts and tooltip/label attributes
    (print-only parts, hidden on screen, the switch, and the lists of page and section titles left out)."""
    page = BeautifulSoup(str(page), "html.parser")
    for hidden in page.select("article.bd-article, .onlyprint, script, style, a.actlab-language-switch, "
                              "head, .bd-sidebar-primary .bd-sidenav, nav.page-toc ul, .prev-next-title"):
        hidden.decompose()
    strings = [("text", t.strip()) for t in page.find_all(string=True)
               if t.strip() and type(t) is NavigableString]
    for element in page.find_all(True):
        for attr in ("title", "aria-label", "placeholder", "alt", "data-tooltip"):
            if element.get(attr):
                strings.append((attr, element[attr].strip()))
    return [(kind, text) for kind, text in strings if text not in LANGUAGE_NEUTRAL]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_interface_string_is_in_the_other_language(site, lang):
    """Korean pages: no English-only button tooltip, label or footer; English pages: no Hangul at all
    outside the article (the table of contents and page titles are the pages' own, not the interface)."""
    wrong = []
    for path in built_pages(lang):
        # Names stay as they are inside a translated string ("Binder 로고", "지은이: <author>").
        names = [books()[lang]["title"], book_config()["author"], *NAMES]
        for kind, text in interface_strings(soup(path)):
            rest = text
            for name in names:
                rest = rest.replace(name, "")
            hangul = bool(HANGUL.search(rest))
            latin = re.search(r"[A-Za-z]{3,}", rest)
            if (lang == "ko" and latin) or (lang == "en" and hangul):
                wrong.append(f"{path}: {kind} {text[:80]!r}")
    assert not wrong, "\n".join(sorted(set(wrong))[:60])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_previous_and_next_stay_in_the_book(site, lang):
    """The footer's previous/next links (and <link rel=prev/next>) lead to pages of the same book,
    which form one chain: the first has no "previous", the last no "next"."""
    pages = [page_path(lang, name) for name, _ in toc_pages(lang) if (site / page_path(lang, name)).exists()]
    for path in pages:
        page = soup(path)
        links = [a["href"] for a in page.select(".prev-next-area a[href]")]
        links += [link["href"] for link in page.select("link[rel=prev], link[rel=next]")]
        for href in links:
            target = (site / path).parent.joinpath(href.split("#")[0]).resolve()
            assert target.relative_to(site).parts[0] == lang, (path, href)
    first, last = soup(pages[0]), soup(pages[-1])
    assert first.select_one(".prev-next-area a.left-prev") is None, pages[0]
    assert first.select_one(".prev-next-area a.right-next") is not None, pages[0]
    assert last.select_one(".prev-next-area a.right-next") is None, pages[-1]
    assert last.select_one(".prev-next-area a.left-prev") is not None, pages[-1]


# --- what a reader must never see -------------------------------------------------------------------
# Syntax that only a failed rendering leaves in the text of a page: (what, pattern).
RAW_SYNTAX = [
    ("template or MyST substitution", re.compile(r"\{\{|\}\}|\{%|%\}")),
    ("Markdown bold or italic", re.compile(r"\*\*\S(?:.*?\S)?\*\*|(?<![\w*])\*[^\s*](?:[^*]*?[^\s*])?\*(?![\w*])|(?<!\w)__\S.*?__(?!\w)")),
    ("MyST role", re.compile(r"\{[a-z][\w:-]*\}`")),
    ("MyST directive or code fence", re.compile(r"```|:::|^\s*\{[a-z][\w:-]*\}", re.M)),
    ("Markdown link", re.compile(r"\]\([^)\s]*\)")),
    ("Markdown heading", re.compile(r"(?:^|\n)\s*#{1,6} \S")),
    ("math delimiters outside math", re.compile(r"\$\$|(?<![\\\w])\$[^$\s](?:[^$]*[^$\s])?\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|sum|mathrm|text|sigma|alpha)\b")),
    ("HTML comment or escaped tag", re.compile(r"<!--|-->|</?[a-z]+[ >/]")),
]


def reader_text(page: BeautifulSoup) -> str:
    """The article's text as a reader gets it: code (input and printed output), math (MathJax's
    source), scripts and the buttons' hidden labels are not prose and are left out."""
    article = BeautifulSoup(str(page.select_one("article.bd-article") or ""), "html.parser")
    for element in article.select("pre, code, kbd, .math, .highlight, script, style, .headerlink, .cell_input"):
        element.decompose()
    return "\n".join(block.get_text(" ") for block in article.find_all(["p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3",
                                                                          "h4", "h5", "h6", "div"], recursive=True)
                     if not block.find(["p", "li", "td", "th", "dt", "dd", "div", "h1", "h2", "h3", "h4"]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_raw_template_markdown_or_myst_syntax_reaches_a_reader(site, lang):
    """Every built page of the book: no {{ substitution }}, **bold** left as asterisks, {role}`...`,
    ``` or ::: fences, [text](link), $math$ outside math or <tags> shown as text."""
    found = []
    for path in built_pages(lang):
        page = soup(path)
        text = reader_text(page) + "\n" + (page.title.get_text() if page.title else "")
        for what, pattern in RAW_SYNTAX:
            for match in pattern.finditer(text):
                start = max(match.start() - 30, 0)
                found.append(f"{path}: {what}: ...{text[start:match.end() + 30]!r}")
    assert not found, f"{len(found)} pieces of raw syntax:\n" + "\n".join(found[:40])


# A Korean particle is written against its noun; after bold or code that CommonMark would not close
# next to a letter, authors put a space in ("**채점 프로세스(신뢰함)** 가"), which reads as a stray space.
PARTICLE_AFTER_SPACE = re.compile(r"</(?:strong|em|code|span)>\s+(?:가|이|을|를|은|는|의|에|에서|와|과|로|으로|도|만)(?=[\s.,)])")


def test_no_korean_particle_is_cut_off_from_its_word(site):
    found = [f"{path}: ...{m.group(0)!r}" for path in built_pages("ko")
             for m in PARTICLE_AFTER_SPACE.finditer(str(soup(path).select_one("article.bd-article")))]
    assert not found, "\n".join(found)
    assert PARTICLE_AFTER_SPACE.search("<strong>채점 프로세스(신뢰함)</strong> 가 노트북을")


def test_the_raw_syntax_check_finds_what_it_looks_for():
    """The patterns above catch the defects the site once had (and leave plain prose alone)."""
    defects = ["저장소를 복제({{ clone_command }})한 뒤", "입력은 **시드(seed)**에서 만들어집니다", "see {cite}`glorot2010`",
               "```python", ":::{note}", "[용어집](glossary/ko.md)", "$$x^2$$", "the sigmoid $\\sigma(x)$ is", "## 요약"]
    for defect in defects:
        assert any(pattern.search(defect) for _, pattern in RAW_SYNTAX), defect
    prose = ["ReLU(x) = max(0, x)이고 2 * 3 = 6입니다.", "Costs $5 or 5 $ (not math).", "a_b and x * y",
             "Chapter 10 (choosing) [optional]."]
    for text in prose:
        assert not any(pattern.search(text) for _, pattern in RAW_SYNTAX), text


def test_the_books_have_no_empty_index_page(site):
    """The books have no index entries: no genindex page (its old address leads to the landing page)."""
    for lang in LANGUAGES:
        assert not (site / lang / "genindex.html").exists()
        assert not [a for path in built_pages(lang) for a in soup(path).select("a[href$='genindex.html']")]


MARKDOWN_OUTPUT = "text/markdown"


def notebook_markdown_outputs(docname: str) -> list[str]:
    notebook = json.loads((book_dir() / f"{docname}.ipynb").read_text(encoding="utf-8"))
    return ["".join(output["data"][MARKDOWN_OUTPUT]) if isinstance(output["data"][MARKDOWN_OUTPUT], list)
            else output["data"][MARKDOWN_OUTPUT]
            for cell in notebook["cells"] for output in cell.get("outputs", [])
            if MARKDOWN_OUTPUT in output.get("data", {})]


@pytest.mark.parametrize("item", [item for item in NOTEBOOK_PAGES if notebook_markdown_outputs(item[1])] or
                         [pytest.param(None, marks=pytest.mark.skip(reason="no notebook has a Markdown output"))],
                         ids=lambda item: page_id(item) if item else "none")
def test_markdown_outputs_render_tables_and_math(site, item):
    """IPython.display.Markdown outputs (chapter 10's summary table) are parsed as MyST
    (nb_render_markdown_format: myst): pipes become a table and $...$ becomes math for MathJax."""
    lang, docname = item
    if not (site / page_path(lang, docname)).exists():
        pytest.fail(f"{docname}.html was not built")
    outputs = soup(page_path(lang, docname)).select(".cell_output")
    for markdown in notebook_markdown_outputs(docname):
        dollars = len(re.findall(r"(?<!\\)\$", markdown))
        rows = [line for line in markdown.splitlines() if re.match(r"\s*\|.*\|\s*$", line)]
        first_cell = re.sub(r"[*_`]", "", rows[0].strip("| ").split("|")[0]).strip() if rows else None
        matches = [out for out in outputs
                   if first_cell is None or any(th.get_text(strip=True) == first_cell for th in out.select("th"))]
        assert matches, f"no rendered output for the Markdown output starting {markdown[:60]!r}"
        out = matches[0]
        text = out.get_text()
        if rows:
            table = out.select_one("table")
            assert table is not None and len(table.select("tr")) == len(rows) - 1, "the table was not parsed"
            assert not re.search(r"\|\s*-{3,}", text), "raw Markdown table syntax in the page"
        assert len(out.select(".math")) == dollars // 2, "not every $...$ became math"
        assert "$" not in text, "a raw $ is left in the output"


@pytest.mark.parametrize("item", [("ko", "intro"), ("en", "intro_en"), ("ko", "glossary/ko"), ("en", "guide/instructor_en")],
                         ids=page_id)
def test_the_sidebar_lists_the_pages_of_the_book(site, item):
    lang, docname = item
    path = page_path(lang, docname)
    nav = soup(path).select_one(".bd-sidebar-primary")
    captions = [c.get_text(strip=True) for c in nav.select(".caption-text")]
    assert captions == [part["caption"] for part in toc(lang)["parts"]]
    links = [a["href"] for a in nav.select("a.reference.internal[href]")]
    targets = {docname_of(str((site / path).parent.joinpath(href.split("#")[0] or Path(docname).name + ".html")
                              .resolve().relative_to(site))) for href in links}
    assert targets == {(lang, name) for name, _ in toc_pages(lang)}


@pytest.mark.parametrize("item", NOTEBOOK_PAGES, ids=page_id)
def test_launch_buttons_open_this_notebook_in_colab_and_binder(site, item):
    lang, docname = item
    config = book_config()
    repo = config["repository"]["url"].rstrip("/")
    owner_repo = urlsplit(repo).path.strip("/")
    branch = config["repository"]["branch"]
    assert branch == "main"
    links = [a["href"] for a in soup(page_path(lang, docname)).select("a[href]")]
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{docname}.ipynb"
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{docname}.ipynb"
    assert colab in links, f"no Colab link {colab}"
    assert binder in links, f"no Binder link {binder}"


@pytest.mark.parametrize("item", NOTEBOOK_PAGES, ids=page_id)
def test_notebook_pages_start_with_their_title_not_the_colab_setup(site, item):
    article = soup(page_path(*item)).select_one("article.bd-article")
    assert "actlab.notebook.setup(" not in article.get_text()
    first = article.find(["h1", "div"], recursive=True)
    assert first.name == "h1" or first.find("h1") is not None


def test_binder_runs_the_pinned_environment():
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^jupyter-book==1\.", requirements, re.M)
    assert re.search(r"^-e \.$", requirements, re.M), "Binder must install actlab itself"
    # The site is built and published on the same Python as Binder runs (and CI, through make.py).
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text()
    versions = re.findall(r"python-version:\s*[\"']?([\d.]+)", deploy)
    assert versions and set(versions) == {runtime.removeprefix("python-")}, (versions, runtime)


# --- internal links -------------------------------------------------------------------------------
_ids_cache: dict[Path, set[str]] = {}


def _ids(path: Path) -> set[str]:
    if path not in _ids_cache:
        text = path.read_text(encoding="utf-8", errors="replace")
        _ids_cache[path] = set(re.findall(r'\s(?:id|name)="([^"]+)"', text))
    return _ids_cache[path]


def test_every_internal_link_and_reference_resolves(site):
    broken = []
    root_pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if p.relative_to(site).parts[0]
                        not in ("ko", "en", "_sources", "_images"))  # the redirects
    for rel in built_pages() + root_pages:
        path = site / rel
        for tag in soup(rel).find_all(["a", "link", "script", "img", "source", "iframe", "embed", "object"]):
            for attr in ("href", "src", "data"):
                url = tag.get(attr)
                if not url or url.startswith(("mailto:", "data:", "javascript:", "tel:")):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue  # external: checked by test_no_resource_comes_from_another_host
                target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    broken.append(f"{rel}: {attr}={url} (no file)")
                elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target):
                    broken.append(f"{rel}: {attr}={url} (no anchor)")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


# --- offline: nothing is loaded from another host ---------------------------------------------------
CDN_HOSTS = re.compile(r"cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|"
                       r"fonts\.gstatic\.com|code\.jquery\.com|requirejs\.org|cdn\.mathjax\.org|polyfill\.io|"
                       r"cdn\.plot\.ly|cdn\.bokeh\.org|ajax\.googleapis\.com")
# The vendored MathJax bundle names a CDN only for its speech-rule engine, which only its accessibility
# menu loads; the menu is switched off (_config.yml: mathjax3_config.options.enableMenu = false), and the
# browser tests fail on any request that leaves the local server.
INERT_CDN_MENTIONS = {f"{lang}/_static/vendor/mathjax/tex-chtml.js" for lang in LANGUAGES}
RESOURCE_ATTRS = {"script": "src", "link": "href", "img": "src", "source": "src", "iframe": "src", "embed": "src",
                  "object": "data", "video": "src", "audio": "src", "track": "src", "input": "src"}


def _external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip()))


def test_no_resource_comes_from_another_host(site):
    problems = []
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix not in {".html", ".css", ".js", ".svg"}:
            continue
        rel = str(path.relative_to(site))
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            page = soup(rel) if rel in built_pages() else BeautifulSoup(text, "html.parser")
            for tag, attr in RESOURCE_ATTRS.items():
                for element in page.find_all(tag):
                    if element.get(attr) and _external(element[attr]):
                        problems.append(f"{rel}: <{tag} {attr}={element[attr]}>")
                    if tag == "img" and element.get("srcset") and "//" in element["srcset"]:
                        problems.append(f"{rel}: <img srcset={element['srcset']}>")
            for script in page.find_all("script"):
                if script.string and CDN_HOSTS.search(script.string):
                    problems.append(f"{rel}: inline script names {CDN_HOSTS.search(script.string).group(0)}")
            for style in page.find_all("style"):
                if style.string and re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(url\()?\s*['\"]?(https?:)?//", style.string):
                    problems.append(f"{rel}: inline style loads from another host")
        elif path.suffix == ".css":
            for match in re.finditer(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)|@import\s+['\"]((?:https?:)?//[^'\"]+)", text):
                problems.append(f"{rel}: {match.group(0)[:120]}")
        elif path.suffix == ".svg":
            for match in re.finditer(r"(?:href|src)\s*=\s*['\"]((?:https?:)?//[^'\"]+)", text):
                if not match.group(1).startswith(("http://www.w3.org/", "https://www.w3.org/")):
                    problems.append(f"{rel}: {match.group(0)[:120]}")
        if path.suffix in {".js", ".css"} and rel not in INERT_CDN_MENTIONS and CDN_HOSTS.search(text):
            problems.append(f"{rel}: names {CDN_HOSTS.search(text).group(0)}")
    assert not problems, "\n".join(problems[:50])


def test_mathjax_is_served_from_the_site_with_its_fonts_and_license(site):
    vendor = site / "ko" / "_static" / "vendor" / "mathjax"
    assert (vendor / "tex-chtml.js").stat().st_size > 100_000
    assert len(list((vendor / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))) >= 20
    assert "Apache License" in (ROOT / "_static" / "vendor" / "mathjax" / "LICENSE").read_text()
    scripts = [s.get("src", "") for s in soup("ko/intro.html").find_all("script")]
    assert not any("mathjax" in s.lower() and _external(s) for s in scripts)


def test_no_widget_manager_or_require_js_is_injected(site):
    for rel in built_pages():
        sources = [s.get("src", "") for s in soup(rel).find_all("script")]
        assert not [s for s in sources if re.search(r"require(\.min)?\.js|html-manager|embed-amd", s)], rel


def test_every_figure_has_alt_text(site):
    missing = []
    for rel in built_pages():
        article = soup(rel).select_one("article.bd-article")
        for img in article.find_all("img") if article else []:
            alt = (img.get("alt") or "").strip()
            if len(alt) < 10 or re.search(r"\.(svg|png|jpe?g)$", alt):
                missing.append(f"{rel}: {img.get('src')} alt={alt!r}")
    assert not missing, "figures without a description:\n" + "\n".join(missing)


# --- search synonyms, heading anchors, references, published files, the landing pages -------------
def search_index(lang: str) -> dict:
    index = (site_html_dir() / lang / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(re.fullmatch(r"Search\.setIndex\((.*)\)\s*", index, re.S).group(1))


def indexed_pages(index: dict, term: str) -> set[str]:
    files = set()
    for terms in (index["terms"], index["titleterms"]):
        found = terms.get(term, [])
        files |= {index["docnames"][f] for f in ([found] if isinstance(found, int) else found)}
    return files


def test_korean_search_finds_a_term_by_its_other_names(site):
    """The Korean book indexes each word under its synonyms (the glossary's English and Korean forms,
    Hangul spellings of names kept in Latin): 렐루 finds the pages that write ReLU, sigmoid the pages
    that write 시그모이드."""
    index = search_index("ko")
    relu = indexed_pages(index, "렐루")
    assert {"chapters/ko/04_relu_family", "glossary/ko"} <= relu, sorted(relu)
    assert relu == indexed_pages(index, "relu"), "렐루 and ReLU must find the same pages"
    sigmoid = indexed_pages(index, "sigmoid")
    assert "chapters/ko/03_sigmoid_tanh" in sigmoid and sigmoid == indexed_pages(index, "시그모이드")
    assert "chapters/ko/06_softmax" in {index["docnames"][f] for f in
                                        ([index["titleterms"]["softmax"]] if isinstance(index["titleterms"].get("softmax"), int)
                                         else index["titleterms"].get("softmax", []))}


def test_korean_headings_have_readable_anchors_and_keep_their_old_ones(site):
    """A Korean heading's anchor is its words (#기울기-소실), not docutils' #id3; the numbered id stays
    beside it, so that links made before (an old #idN) still land on the heading."""
    numbered, kept, readable = [], 0, 0
    for path in built_pages("ko"):
        for section in soup(path).select("article.bd-article section[id]"):
            heading = section.find(re.compile(r"^h[1-6]$"))
            if heading is None or not HANGUL.search(heading.get_text()):
                continue
            if re.fullmatch(r"id\d+", section["id"]):
                numbered.append(f"{path}#{section['id']} ({heading.get_text(strip=True)[:30]})")
            elif HANGUL.search(section["id"]):
                readable += 1
                # Sphinx's search looks the anchor up as a CSS selector: #1-x would throw.
                assert re.match(r"[^\W\d_]", section["id"]), f"{path}#{section['id']}: not a valid CSS id selector"
                old = section.find("span", id=re.compile(r"^id\d+$"), recursive=False)
                kept += old is not None
    assert not numbered, f"{len(numbered)} Korean headings with a numbered anchor:\n" + "\n".join(numbered[:20])
    assert readable >= 20 and kept >= 20, (readable, kept)
    # The address the browser test opens (an old link to chapter 3's first numbered anchor) still resolves.
    assert "id1" in _ids(site / "ko" / "chapters" / "ko" / "03_sigmoid_tanh.html")
    for address in ADDRESSES_BEFORE_SPLIT:
        if "#" in address:
            page, anchor = address.split("#", 1)
            target = next(site.glob(f"*/{page}"), None)
            assert target is not None and anchor in _ids(target), address


@pytest.mark.parametrize("lang", LANGUAGES)
def test_references_are_labelled_by_author_and_year_with_one_link(site, lang):
    """[He et al. 2015] (Korean: [He 외 2015]), as the chapters cite, not pybtex's [HZRS15]; each entry
    links its address once (no "URL: ..., arXiv:..." pointing to the same page twice)."""
    page = soup(page_path(lang, f"references/{lang}"))
    entries = page.select("article.bd-article .citation")
    assert len(entries) >= 20
    et_al = "et al." if lang == "en" else "외"
    label = re.compile(rf"^\S.* (?:{re.escape(et_al)} )?\d{{4}}[a-z]?$")
    labels = [e.select_one(".label").get_text(strip=True).strip("[]") for e in entries]
    assert all(label.match(text) for text in labels), [t for t in labels if not label.match(t)][:5]
    assert any(f"He {et_al} 2015" in text for text in labels), labels
    assert labels == sorted(labels, key=str.casefold) or len(set(labels)) == len(labels)
    doubled = [e.get_text(" ", strip=True)[:80] for e in entries if len(e.select("a.reference.external")) != 1]
    assert not doubled, f"entries without exactly one link: {doubled[:5]}"


def test_the_themes_build_templates_are_not_published(site):
    """sphinx-book-theme's webpack-macros.html (raw Jinja, links to files that do not exist) is no page."""
    published = sorted(str(p.relative_to(site)) for p in site.glob("*/_static/**/*.html"))
    assert not published, published


@pytest.mark.parametrize("item", [("ko", "intro"), ("en", "intro_en")], ids=page_id)
def test_the_landing_page_lists_the_modules_the_grader_forbids(site, item):
    """The grading paragraph names exactly the grader's one list (actlab.exercises.FORBIDDEN_MODULES)."""
    from actlab.exercises import FORBIDDEN_MODULES
    article = soup(page_path(*item)).select_one("article.bd-article")
    paragraph = next(p for p in article.find_all("p") if any(c.get_text() == "actlab-grade" for c in p.find_all("code")))
    named = [c.get_text() for c in paragraph.find_all("code") if c.get_text() != "actlab-grade"]
    assert named == list(FORBIDDEN_MODULES), named
