"""The built site, read as files: every page is there, in its language, linked to its twin, with
launch buttons that point at its notebook, internal links that resolve, and nothing from a CDN."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString

from site_helpers import ROOT, book_config, book_dir, site_html_dir, toc_pages

CHAPTERS = ["01_linear_neurons", "02_nonlinearity", "03_sigmoid_tanh", "04_relu_family", "05_smooth_activations",
            "06_softmax", "07_sparsity_dying_relu", "08_maxout", "09_vanishing_exploding", "10_choosing"]
EXERCISES = ["ex01_collapse_layers", "ex02_sigmoid_tanh", "ex03_relu_family", "ex04_softmax", "ex05_sparsity",
             "ex06_maxout", "ex07_gradient_chain"]
PAGES = [name for name, _ in toc_pages()]
NOTEBOOK_PAGES = [name for name in PAGES if (book_dir() / f"{name}.ipynb").exists()]


def language_of(docname: str) -> str:
    return "en" if "en" in re.split(r"[/_]", docname) else "ko"


def expected_twin(docname: str) -> str:
    """The same page in the other language: intro <-> intro_en, else the path with ko <-> en."""
    special = {"intro": "intro_en", "intro_en": "intro"}
    if docname in special:
        return special[docname]
    lang = language_of(docname)
    return re.sub(rf"(?<![^/_]){lang}(?![^/_])", {"ko": "en", "en": "ko"}[lang], docname)


@lru_cache(maxsize=None)
def soup(relpath: str) -> BeautifulSoup:
    return BeautifulSoup((site_html_dir() / relpath).read_text(encoding="utf-8"), "html.parser")


def built_pages() -> list[str]:
    html = site_html_dir()
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0] in ("_static", "_sources", "_images"))


def test_the_toc_has_a_korean_and_an_english_part_with_every_page():
    expected = {lang: ([] if lang == "ko" else ["intro_en"]) + [f"chapters/{lang}/{c}" for c in CHAPTERS]
                + [f"exercises/{lang}/{e}" for e in EXERCISES] + [f"glossary/{lang}", f"guide/instructor_{lang}"]
                for lang in ("ko", "en")}
    pages = toc_pages()
    assert pages[0] == ("intro", "")
    for lang in ("ko", "en"):
        assert [name for name, caption in pages[1:] if language_of(name) == lang] == expected[lang]
    # Each part holds pages of one language, and the Korean captions are Korean.
    for name, caption in pages[1:]:
        assert bool(re.search("[가-힣]", caption)) == (language_of(name) == "ko"), (name, caption)


def test_every_page_of_the_toc_exists():
    """While the book is written, build_book.py leaves missing pages out; this test keeps that visible."""
    missing = [name for name in PAGES if not any((book_dir() / f"{name}{s}").exists() for s in (".md", ".ipynb"))]
    assert not missing, f"pages listed in _toc.yml that do not exist: {missing}"


def test_answer_keys_are_not_published(site):
    assert not (site / "exercises" / "solutions").exists()
    assert not list(site.rglob("*solution*"))


@pytest.mark.parametrize("docname", PAGES)
def test_each_page_is_built_in_its_language_with_a_switch_to_its_twin(site, docname):
    if not any((book_dir() / f"{docname}{suffix}").exists() for suffix in (".md", ".ipynb")):
        pytest.skip(f"{docname} does not exist yet (test_every_page_of_the_toc_exists fails meanwhile)")
    if not (site / f"{docname}.html").exists():
        pytest.fail(f"{docname}.html was not built")
    page = soup(f"{docname}.html")
    lang = language_of(docname)
    assert page.html["lang"] == lang
    switch = page.select_one("a.actlab-language-switch")
    assert switch is not None, "no language switch"
    twin = (site / docname).parent.joinpath(switch["href"]).resolve()
    assert twin.exists(), switch["href"]
    twin_name = str(twin.relative_to(site).with_suffix(""))
    assert twin_name == expected_twin(docname)
    assert switch["hreflang"] == language_of(twin_name)


@pytest.mark.parametrize("docname", ["intro", "intro_en", "search", "search_en"])
def test_interface_strings_follow_the_page_language(site, docname):
    page = soup(f"{docname}.html")
    skip_link = page.select_one("#pst-skip-link a").get_text(strip=True)
    search_page = {"ko": "search.html", "en": "search_en.html"}[language_of(docname)]
    for form in page.select("form.bd-search"):
        action = form["action"] if form["action"] != "#" else f"{docname}.html"  # "#": this page
        assert action.endswith(search_page), form["action"]
        placeholder = form.select_one("input")["placeholder"]
        assert placeholder.startswith("검색" if language_of(docname) == "ko" else "Search"), placeholder
    if language_of(docname) == "ko":
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


def config_titles() -> dict:
    return book_config()["sphinx"]["config"]["actlab_titles"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_interface_string_is_in_the_other_language(site, lang):
    """Korean pages: no English-only button tooltip, label or footer; English pages: no Hangul at all
    outside the article (the table of contents and page titles are the pages' own, not the interface)."""
    wrong = []
    for docname in PAGES + ["search", "search_en"]:
        if language_of(docname) != lang or not (site / f"{docname}.html").exists():
            continue
        # Names stay as they are inside a translated string ("Binder 로고", "지은이: <author>").
        names = [config_titles()[lang], book_config()["author"], *NAMES]
        for kind, text in interface_strings(soup(f"{docname}.html")):
            rest = text
            for name in names:
                rest = rest.replace(name, "")
            hangul = bool(re.search("[가-힣]", rest))
            latin = re.search(r"[A-Za-z]{3,}", rest)
            if (lang == "ko" and latin) or (lang == "en" and hangul):
                wrong.append(f"{docname}: {kind} {text[:80]!r}")
    assert not wrong, "\n".join(sorted(set(wrong))[:60])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_previous_and_next_stay_in_the_page_language(site, lang):
    """The toc runs on from the last Korean page into the English part: the footer's previous/next
    links (and <link rel=prev/next>) must not lead a reader across."""
    pages = [name for name in PAGES if language_of(name) == lang and (site / f"{name}.html").exists()]
    for docname in pages:
        page = soup(f"{docname}.html")
        links = [a["href"] for a in page.select(".prev-next-area a[href]")]
        links += [link["href"] for link in page.select("link[rel=prev], link[rel=next]")]
        for href in links:
            target = (site / docname).parent.joinpath(href.split("#")[0]).resolve()
            assert language_of(str(target.relative_to(site).with_suffix(""))) == lang, (docname, href)
    # Each language's pages form one chain: the first has no "previous", the last no "next".
    first, last = soup(f"{pages[0]}.html"), soup(f"{pages[-1]}.html")
    assert first.select_one(".prev-next-area a.left-prev") is None, pages[0]
    assert first.select_one(".prev-next-area a.right-next") is not None, pages[0]
    assert last.select_one(".prev-next-area a.right-next") is None, pages[-1]
    assert last.select_one(".prev-next-area a.left-prev") is not None, pages[-1]


MARKDOWN_OUTPUT = "text/markdown"


def notebook_markdown_outputs(docname: str) -> list[str]:
    notebook = json.loads((book_dir() / f"{docname}.ipynb").read_text(encoding="utf-8"))
    return ["".join(output["data"][MARKDOWN_OUTPUT]) if isinstance(output["data"][MARKDOWN_OUTPUT], list)
            else output["data"][MARKDOWN_OUTPUT]
            for cell in notebook["cells"] for output in cell.get("outputs", [])
            if MARKDOWN_OUTPUT in output.get("data", {})]


@pytest.mark.parametrize("docname", [name for name in NOTEBOOK_PAGES if notebook_markdown_outputs(name)] or
                         [pytest.param(None, marks=pytest.mark.skip(reason="no notebook has a Markdown output"))])
def test_markdown_outputs_render_tables_and_math(site, docname):
    """IPython.display.Markdown outputs (chapter 10's summary table) are parsed as MyST
    (nb_render_markdown_format: myst): pipes become a table and $...$ becomes math for MathJax."""
    if not (site / f"{docname}.html").exists():
        pytest.fail(f"{docname}.html was not built")
    outputs = soup(f"{docname}.html").select(".cell_output")
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


@pytest.mark.parametrize("docname", ["intro", "intro_en", "glossary/ko", "guide/instructor_en"])
def test_the_sidebar_lists_only_pages_of_the_page_language(site, docname):
    nav = soup(f"{docname}.html").select_one(".bd-sidebar-primary")
    captions = [c.get_text(strip=True) for c in nav.select(".caption-text")]
    assert len(captions) == 3, captions
    links = [a["href"] for a in nav.select("a.reference.internal[href]")]
    assert len(links) >= 3
    for href in links:
        target = (site / docname).parent.joinpath(href.split("#")[0] or Path(docname).name + ".html").resolve()
        assert language_of(str(target.relative_to(site).with_suffix(""))) == language_of(docname), href


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_launch_buttons_open_this_notebook_in_colab_and_binder(site, docname):
    config = book_config()
    repo = config["repository"]["url"].rstrip("/")
    owner_repo = urlsplit(repo).path.strip("/")
    branch = config["repository"]["branch"]
    assert branch == "main"
    links = [a["href"] for a in soup(f"{docname}.html").select("a[href]")]
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{docname}.ipynb"
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{docname}.ipynb"
    assert colab in links, f"no Colab link {colab}"
    assert binder in links, f"no Binder link {binder}"


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_notebook_pages_start_with_their_title_not_the_colab_setup(site, docname):
    article = soup(f"{docname}.html").select_one("article.bd-article")
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
    for rel in built_pages():
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
INERT_CDN_MENTIONS = {"_static/vendor/mathjax/tex-chtml.js"}
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
    vendor = site / "_static" / "vendor" / "mathjax"
    assert (vendor / "tex-chtml.js").stat().st_size > 100_000
    assert len(list((vendor / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))) >= 20
    assert "Apache License" in (ROOT / "_static" / "vendor" / "mathjax" / "LICENSE").read_text()
    scripts = [s.get("src", "") for s in soup("intro.html").find_all("script")]
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
