"""One Sphinx build, two languages: the Korean and the English half of the course site.

Sphinx has one ``language`` per project; this book has a Korean part and an English part. This
extension makes every page behave as a page of its own language:

* A page's language comes from its path: a path segment or name part ``en`` (``chapters/en/...``,
  ``glossary/en``, ``intro_en``) makes it English, everything else is Korean. Its twin is the same
  path with ``ko`` <-> ``en`` (``intro`` <-> ``intro_en``). A page of the table of contents without
  a twin is a build warning (so an error under ``-W``).
* While a page is written (body and template), the gettext catalogues of Sphinx and the themes are
  swapped for that page's language: Korean (Sphinx's own catalogue, plus the pydata theme strings it
  lacks, ``KO_THEME_STRINGS``) or English (no translation). Admonition titles, the search box,
  "previous / next", "On this page" and the launch-button labels therefore follow the page; three
  templates of sphinx-book-theme that hard-code English (sidebar toggles, the navigation's label) are
  overridden in ``templates/`` with translatable strings.
* The previous / next links stay in the page's language (the toc runs on from the last Korean page
  to the English landing page; a reader should not be led across).
* ``<html lang>``, the site title, the logo/home link, the search page (``search`` or ``search_en``)
  and the sidebar (only the parts of the page's language) are set per page, and the header gets a
  link to the twin page (``actlab-language-switch.html``), plus ``<link rel="alternate" hreflang>``.
* The search language ``ko`` from korean_search.py is registered (Sphinx has no Korean).
* The setup cell of a notebook (tag ``setup``: the Colab install) is left out of its web page.
* Offline: MathJax lives in ``_static/vendor/`` and is loaded by ``mathjax_path`` only; Jupyter Book
  adds every ``.js`` under ``_static`` to every page, so vendored files are taken out of that list.
"""
from __future__ import annotations

import functools
import hashlib
import gettext
import re
from pathlib import Path

import sphinx.locale
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from korean_search import SearchKoreanEnglish

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
LANGUAGES = ("ko", "en")
OTHER = {"ko": "en", "en": "ko"}
# What the switch says, in the language it leads to (a reader looks for their own language's name).
SWITCH_LABEL = {"ko": "한국어", "en": "English"}
SWITCH_TITLE = {"ko": "이 페이지를 한국어로 보기", "en": "Read this page in English"}
SEARCH_PAGE = {"ko": "search", "en": "search_en"}
# The logo's text for screen readers (pydata-sphinx-theme writes "<title> - Home" in English only).
LOGO_ALT = {"ko": "{title} 첫 페이지", "en": "{title} - Home"}

# Interface strings of pydata-sphinx-theme that neither it nor Sphinx translate into Korean.
KO_THEME_STRINGS = {
    "Click to expand": "펼치기",
    "Click to collapse": "접기",
    "Skip to main content": "본문으로 건너뛰기",
    "Back to top": "맨 위로",
    "Please activate JavaScript to enable the search functionality.": "검색하려면 JavaScript를 켜 주세요.",
    "Breadcrumb": "현재 위치",
    "Home": "처음",
    "Edit on %(provider)s": "%(provider)s에서 고치기",
    "Edit": "고치기",
    "Indices": "색인",
    "On this page": "이 페이지의 내용",
    "previous page": "이전 페이지",
    "next page": "다음 페이지",
    "Collapse Sidebar": "사이드바 접기",
    "Expand Sidebar": "사이드바 펼치기",
    "Section Navigation": "절 목록",
    "Color mode": "화면 모드",
    "Light": "밝게",
    "Dark": "어둡게",
    "System Settings": "시스템 설정",
    "Announcement": "알림",
    "Site navigation": "사이트 탐색",
    "Search": "검색",
    "Version warning": "버전 경고",
    "© Copyright %(copyright)s.": "© 저작권 %(copyright)s.",
    # Hard-coded in English by sphinx-book-theme; _ext/templates/ has its three templates with _().
    "Toggle primary sidebar": "전체 목차 열고 닫기",
    "Toggle secondary sidebar": "이 페이지의 목차 열고 닫기",
    "Main": "전체 목차",
}
# sphinx-book-theme's Korean catalogue lacks some strings and gets others wrong ("By" -> "으로").
KO_BOOKTHEME_STRINGS = {
    "Search": "검색",
    "By": "지은이:",
    "Launch interactive content": "실행 환경에서 열기",
    "Launch on": "실행:",  # followed by " Colab", " Binder"
    "Download this page": "이 페이지 내려받기",
    "Download source file": "원본 파일 내려받기",
    "Download notebook file": "노트북 파일 내려받기",
    "Print to PDF": "PDF로 인쇄",
    "Fullscreen mode": "전체 화면",
    "Source repository": "소스 저장소",
    "Source repositories": "소스 저장소",
    "Repository": "저장소",
    "Open issue": "이슈 열기",
    "Open an issue": "이슈 열기",
    "Suggest edit": "수정 제안",
    "Show source": "소스 보기",
    "Live Code": "코드 실행",
    "logo": "로고",
}
KO_STRINGS = {("general", "sphinx"): KO_THEME_STRINGS, ("general", "booktheme"): KO_BOOKTHEME_STRINGS}


def page_language(pagename: str) -> str:
    """``"en"`` when a path segment or a ``_``-separated part of the name is ``en``, else ``"ko"``."""
    return "en" if "en" in re.split(r"[/_]", pagename) else "ko"


def twin_candidates(pagename: str) -> list[str]:
    """Names the same page has in the other language, most likely first."""
    lang = page_language(pagename)
    other = OTHER[lang]
    swapped = re.sub(rf"(?<![^/_]){lang}(?![^/_])", other, pagename)
    candidates = [swapped] if swapped != pagename else []
    if lang == "ko":
        candidates.append(pagename + "_en")  # intro -> intro_en, search -> search_en
    elif pagename.endswith("_en"):
        candidates.append(pagename[:-3])  # intro_en -> intro
    return candidates


def find_twin(app: Sphinx, pagename: str) -> str | None:
    pages = set(app.env.found_docs) | set(SEARCH_PAGE.values())
    return next((c for c in twin_candidates(pagename) if c in pages), None)


class _DictTranslations(gettext.NullTranslations):
    """A catalogue from a dict, falling back to the catalogue it is put in front of."""

    def __init__(self, messages: dict[str, str], fallback: gettext.NullTranslations) -> None:
        super().__init__()
        self._messages = messages
        self.add_fallback(fallback)

    def gettext(self, message):
        if message in self._messages:
            return self._messages[message]
        return self._fallback.gettext(message)

    def ngettext(self, singular, plural, n):
        return self._fallback.ngettext(singular, plural, n)


class _Interface:
    """The gettext catalogues of one build, per language, and which language is installed now."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        keys = [key for key in sphinx.locale.translators if key[0] == "general"]
        korean = {key: sphinx.locale.translators[key] for key in keys}
        for key, strings in KO_STRINGS.items():
            if key in korean:
                korean[key] = _DictTranslations(strings, korean[key])
        self.catalogues = {"ko": korean, "en": {key: gettext.NullTranslations() for key in keys}}
        self.current = None
        self.install("ko")

    def install(self, lang: str) -> None:
        if lang == self.current:
            return
        sphinx.locale.translators.update(self.catalogues[lang])
        self.app.builder.templates.environment.install_gettext_translations(
            self.catalogues[lang][("general", "sphinx")])
        self.current = lang

    def wrap(self, method):
        """Run a builder method (first argument: the page name) with that page's language installed."""
        @functools.wraps(method)
        def in_page_language(pagename, *args, **kwargs):
            before = self.current
            self.install(page_language(pagename))
            try:
                return method(pagename, *args, **kwargs)
            finally:
                self.install(before)
        return in_page_language


def _on_config_inited(app: Sphinx, config) -> None:
    # First, so that the copies of the book theme's templates in _ext/templates (their English-only
    # strings made translatable) are found before the theme's own.
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    # Jupyter Book links every .js/.css under _static into every page; vendored libraries are loaded
    # where they are needed (MathJax by mathjax_path), so keep them out of that list.
    config.html_js_files = [f for f in config.html_js_files
                            if not str(f[0] if isinstance(f, tuple) else f).startswith("vendor/")]
    config.html_css_files = [f for f in config.html_css_files
                             if not str(f[0] if isinstance(f, tuple) else f).startswith("vendor/")]
    options = dict(config.html_theme_options)
    # Jupyter Book sets the search placeholder to the English "Search this book..."; without it the
    # book theme writes the translated "Search..." of each page's language.
    options.pop("search_bar_text", None)
    options.setdefault("article_header_end", ["actlab-language-switch.html", "article-header-buttons.html"])
    # pydata-sphinx-theme 0.17 adds a top bar holding only a second search field unless told otherwise;
    # the book theme has its search field in the sidebar.
    options.setdefault("navbar_persistent", [])
    # Without a default colour mode the theme logs a console error on a reader's first visit.
    config.html_context = {"default_mode": "auto", **config.html_context}
    config.html_theme_options = options
    # The landing pages show the clone command; the address comes from `repository.url` (set once).
    url = options.get("repository_url", "")
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.setdefault("repository_url", url)
    substitutions.setdefault("clone_command", f"`git clone {url}`")
    config.myst_substitutions = substitutions
    # myst-nb adds require.js and the widget manager from a CDN to pages whose notebook stores widget
    # state; ours never do (explorers keep no output), and the site must work offline.
    config.nb_ipywidgets_js = {}


def _on_builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    interface = _Interface(app)
    app.builder.write_doc = interface.wrap(app.builder.write_doc)
    app.builder.handle_page = interface.wrap(app.builder.handle_page)


def _collect_pages(app: Sphinx):
    if getattr(app.builder, "search", False):
        yield SEARCH_PAGE["en"], {}, "actlab-search.html"


_CAPTION = re.compile(r'<p aria-level="2" class="caption" role="heading"><span class="caption-text">(.*?)</span>\s*</p>\s*'
                      r'<ul[^>]*>.*?</ul>(?=\s*(?:<p aria-level="2" class="caption"|$))', re.S)
_HANGUL = re.compile("[\uac00-\ud7a3]")


def sidebar_for_language(html: str, lang: str) -> str:
    """Keep the parts of the sidebar whose caption is in ``lang`` (Korean captions are in Hangul)."""
    def keep(match: re.Match) -> str:
        caption_lang = "ko" if _HANGUL.search(match.group(1)) else "en"
        return match.group(0) if caption_lang == lang else ""
    return _CAPTION.sub(keep, html)


def _on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    lang = page_language(pagename)
    other = OTHER[lang]
    context["language"] = lang
    context["actlab_lang"] = lang
    titles = app.config.actlab_titles
    if titles.get(lang):
        context["docstitle"] = titles[lang]
    theme_logo = dict(context.get("theme_logo") or {})  # a copy: the theme changes it per page
    if not theme_logo.get("text"):
        theme_logo["alt_text"] = LOGO_ALT[lang].format(title=context.get("docstitle", ""))
    context["theme_logo"] = theme_logo
    twin = find_twin(app, pagename)
    original_pathto = context["pathto"]
    if twin:
        url = original_pathto(twin)
        context["actlab_twin_url"] = url
        context["actlab_twin_lang"] = other
        context["actlab_twin_label"] = SWITCH_LABEL[other]
        context["actlab_twin_title"] = SWITCH_TITLE[other]
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" hreflang="{other}" href="{url}" />')

    # The previous / next links (footer and <link rel>) stay in the page's language: the last Korean
    # page does not lead on to the English landing page, nor does that page lead back.
    relations = getattr(app.builder, "relations", {}).get(pagename) or (None, None, None)
    for key, accesskey, target in (("prev", "P", relations[1]), ("next", "N", relations[2])):
        if target and page_language(target) != lang:
            context[key] = None
            context["rellinks"] = [link for link in context.get("rellinks", []) if link[2] != accesskey]

    if lang == "en":
        root_twin = find_twin(app, app.config.root_doc)

        # The search box and the home (logo, breadcrumb) links of an English page lead to English pages.
        def pathto(otheruri, resource=False, *args):
            if not resource and otheruri == "search":
                otheruri = SEARCH_PAGE["en"]
            elif not resource and otheruri == app.config.root_doc and root_twin:
                otheruri = root_twin
            return original_pathto(otheruri, resource, *args)
        context["pathto"] = pathto
        # The Korean landing page heads the sidebar (html.home_page_in_navbar); the English part
        # lists its own landing page first instead.
        context["theme_home_page_in_toc"] = False



def _on_page_context_late(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # After pydata-sphinx-theme has put its sidebar function into the context.
    lang = page_language(pagename)
    # Here, after the other extensions have added their scripts (MathJax on pages with math, ...).
    context["script_files"] = [js for js in context.get("script_files", []) if _keep_script(js, lang)]
    generate = context.get("generate_toctree_html")
    if generate is not None:
        def generate_toctree_html(kind, *args, **kwargs):
            html = generate(kind, *args, **kwargs)
            return sidebar_for_language(str(html), lang) if kind == "sidebar" else html
        context["generate_toctree_html"] = generate_toctree_html


def _keep_script(js, lang: str) -> bool:
    name = str(getattr(js, "filename", js) or "")
    body = str(getattr(js, "attributes", {}).get("body", ""))
    if lang == "en" and name == "_static/translations.js":
        return False  # Sphinx's Korean strings for the search script; English needs none
    # Thebe is off (launch_buttons.thebe: false), yet sphinx-thebe, which Jupyter Book always loads,
    # puts its loader and the address of thebe on a CDN into every page.
    return not (name.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body)


def _leave_out_setup_cells(app: Sphinx, doctree) -> None:
    """The first cell of every notebook (tag ``setup``) installs actlab in Colab and sets the language:
    it is for running the notebook, so the web page starts with the chapter's title instead."""
    for node in list(doctree.findall(nodes.container)):
        if node.get("nb_element") == "cell_code" and "setup" in node.get("cell_metadata", {}).get("tags", []):
            node.parent.remove(node)


def _check_twins(app: Sphinx, env) -> None:
    for docname in sorted(env.found_docs):
        if find_twin(app, docname) is None:
            logger.warning("page %s has no twin in the other language (expected one of: %s)",
                           docname, ", ".join(twin_candidates(docname)), location=docname)


def _source_digest() -> str:
    """A digest of this extension's files and the site's own assets (_static/*, not vendored ones).

    Sphinx notices neither code changes nor, when no page is outdated, changed static files (it copies
    them only while writing pages); a config value with this digest makes both rebuild every page.
    """
    files = sorted([*(p for p in HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
                    *(p for p in (HERE.parent / "_static").glob("*") if p.is_file())])
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:16]


def setup(app: Sphinx) -> dict:
    app.add_config_value("actlab_titles", {}, "html", dict)
    # Changing the extension (or its templates) rebuilds every page.
    app.add_config_value("actlab_site_digest", _source_digest(), "env", str)
    app.add_search_language(SearchKoreanEnglish)
    app.connect("config-inited", _on_config_inited, priority=900)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-collect-pages", _collect_pages)
    # Before the themes (500): they render the header templates to drop empty ones, and read the links.
    app.connect("html-page-context", _on_page_context, priority=100)
    app.connect("html-page-context", _on_page_context_late, priority=900)
    app.connect("env-check-consistency", _check_twins)
    app.connect("doctree-read", _leave_out_setup_cells)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
