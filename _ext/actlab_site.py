"""The course site: a Korean and an English book, two Sphinx builds of the same sources.

tools/build_book.py builds each book of ``actlab_books`` (``_config.yml``) with its own ``language``
and table of contents, into ``_build/html/<language>/``. Sphinx and the themes translate the
interface themselves (their Korean catalogues, and ours in ``_ext/locale/`` for the strings they
lack: ``locale_dirs``); each book has its own search index in its own language. This extension adds
what Sphinx has no setting for:

* The language switch: every page links to its twin in the other book (``actlab-language-switch.html``
  and ``<link rel="alternate" hreflang>``). A twin is the same path with ``ko`` <-> ``en`` as a path
  segment or name part (``chapters/ko/01_x`` <-> ``chapters/en/01_x``, ``intro`` <-> ``intro_en``);
  a page whose twin is not in the other book's toc is a build warning (an error under ``-W``).
* The Korean search language (korean_search.py; Sphinx has none).
* The book's title (``actlab_books``) and the logo's alternative text in the book's language.
* sphinx-book-theme's catalogue ("booktheme") with our Korean corrections in front of it (Sphinx
  only reads the "sphinx" catalogue from ``locale_dirs``).
* The setup cell of a notebook (tag ``setup``: the Colab install) is left out of its web page.
* ``{{ clone_command }}`` for the landing pages, from ``repository.url`` (the one place it is written),
  and ``{{ forbidden_modules }}``: the grader's one list (``actlab.exercises.FORBIDDEN_MODULES``).
* Readable anchors for headings docutils can only number (``#id3``: a Korean heading): the heading's
  words, Hangul kept (``#기울기-소실``); the numbered id stays as a second anchor, so old links work.
* The bibliography's labels are author-year (bibliography_style.py), as the chapters cite.
* The themes' build templates (``THEME_BUILD_FILES``) are not published.
* Offline: MathJax lives in ``_static/vendor/`` and is loaded by ``mathjax_path`` only (Jupyter Book
  adds every ``.js`` under ``_static`` to every page); sphinx-thebe's loader, which names a CDN, is
  dropped (thebe is off).
"""
from __future__ import annotations

import gettext
import hashlib
import re
from pathlib import Path

import sphinx.locale
import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.i18n import CatalogInfo

import bibliography_style
from korean_search import GLOSSARY, SearchKorean

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
LOCALE = HERE / "locale"
# What the switch says, in the language it leads to (a reader looks for their own language's name).
SWITCH_LABEL = {"ko": "한국어", "en": "English"}
SWITCH_TITLE = {"ko": "이 페이지를 한국어로 보기", "en": "Read this page in English"}
# What it says on a phone, where the header's buttons must fit in 390 px.
SWITCH_SHORT = {"ko": "한", "en": "EN"}
# Files the themes put in _static that are templates for their own build, not pages: published, they
# are pages of raw Jinja that load files that do not exist.
THEME_BUILD_FILES = ("webpack-macros.html", "sbt-webpack-macros.html")
# Pages Sphinx writes itself, in both books under the same name.
GENERATED_PAGES = {"search"}


def other_language(config) -> str:
    return next(lang for lang in config.actlab_books if lang != config.language)


def twin_candidates(pagename: str, lang: str, other: str) -> list[str]:
    """Names the same page has in the other book, most likely first."""
    if pagename in GENERATED_PAGES:
        return [pagename]
    swapped = re.sub(rf"(?<![^/_]){lang}(?![^/_])", other, pagename)
    candidates = [swapped] if swapped != pagename else []
    if pagename.endswith(f"_{lang}"):
        candidates.append(pagename[: -len(lang) - 1] + ("" if other == "ko" else f"_{other}"))
    elif lang == "ko":
        candidates.append(f"{pagename}_{other}")  # intro -> intro_en
    return candidates


def toc_docnames(toc: Path) -> set[str]:
    """Every page a toc lists (root, parts, chapters, sections), without suffixes."""
    found: set[str] = set()

    def walk(entry):
        if isinstance(entry, dict):
            if "file" in entry:
                found.add(re.sub(r"\.(md|ipynb)$", "", str(entry["file"])))
            for value in entry.values():
                walk(value)
        elif isinstance(entry, list):
            for item in entry:
                walk(item)
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    found.add(re.sub(r"\.(md|ipynb)$", "", str(data["root"])))
    walk(data.get("parts", []) or data.get("chapters", []))
    return found


def find_twin(app: Sphinx, pagename: str) -> str | None:
    config = app.config
    other = other_language(config)
    pages = toc_docnames(Path(app.srcdir) / config.actlab_books[other]["toc"]) | GENERATED_PAGES
    return next((c for c in twin_candidates(pagename, config.language, other) if c in pages), None)


def _on_config_inited(app: Sphinx, config) -> None:
    if config.language not in config.actlab_books:
        raise ValueError(f"language {config.language!r} is not one of actlab_books: {sorted(config.actlab_books)}")
    book = config.actlab_books[config.language]
    config.html_title = book["title"]
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
    # book theme writes its translated "Search...".
    options.pop("search_bar_text", None)
    options.setdefault("article_header_end", ["actlab-language-switch.html", "article-header-buttons.html"])
    # pydata-sphinx-theme 0.17 adds a top bar holding only a second search field unless told otherwise;
    # the book theme has its search field in the sidebar.
    options.setdefault("navbar_persistent", [])
    # pydata-sphinx-theme writes "<title> - Home" in English whatever the language.
    home = sphinx.locale.get_translation("sphinx")("%(title)s - Home")
    options["logo"] = {**(options.get("logo") or {}), "alt_text": str(home) % {"title": book["title"]}}
    config.html_theme_options = options
    # Without a default colour mode the theme logs a console error on a reader's first visit.
    config.html_context = {"default_mode": "auto", **config.html_context}
    # The landing pages show the clone command; the address comes from `repository.url` (set once).
    url = options.get("repository_url", "")
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.setdefault("repository_url", url)
    substitutions.setdefault("clone_command", f"`git clone {url}`")
    substitutions.setdefault("forbidden_modules", forbidden_modules_markdown(config.language))
    config.myst_substitutions = substitutions
    # myst-nb adds require.js and the widget manager from a CDN to pages whose notebook stores widget
    # state; ours never do (explorers keep no output), and the site must work offline.
    config.nb_ipywidgets_js = {}
    # Author-year labels in the book's language ("He et al. 2015", "He 외 2015").
    config.bibtex_default_style = bibliography_style.style_name(config.language)


def forbidden_modules_markdown(language: str) -> str:
    """The modules a graded function must not use, as the grader enforces them: `a`, `b` and `c`."""
    from actlab.exercises import FORBIDDEN_MODULES
    names = [f"`{name}`" for name in FORBIDDEN_MODULES]
    if language == "ko":
        return ", ".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


NUMBERED_ID = re.compile(r"id\d+")


def heading_slug(title: str) -> str:
    """``기울기 소실과 폭발`` -> ``기울기-소실과-폭발``: lower case, spaces as hyphens, letters (Hangul
    included), digits, ``-`` and ``_`` kept (GitHub's rule, which MyST's heading anchors follow), but
    not leading digits ("1. 소프트맥스" -> ``소프트맥스``): an id must be a valid CSS selector too (Sphinx's
    search looks up ``#id`` to cut a result's summary)."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
    return re.sub(r"^[\d\-_]+", "", slug).strip("-")


def _readable_heading_ids(app: Sphinx, doctree) -> None:
    """docutils makes ids from ASCII letters only, so a Korean heading gets ``id3``; give it its own
    words first and keep ``id3`` as a second id (an empty anchor beside it: links to it still work)."""
    for section in doctree.findall(nodes.section):
        ids = section["ids"]
        if not ids or not all(NUMBERED_ID.fullmatch(i) for i in ids) or not section.children:
            continue
        slug = heading_slug(section[0].astext())
        if not slug or NUMBERED_ID.fullmatch(slug):
            continue
        unique, n = slug, 1
        while unique in doctree.ids:
            unique, n = f"{slug}-{n}", n + 1
        section["ids"].insert(0, unique)
        doctree.ids[unique] = section


def _drop_theme_build_files(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        for name in THEME_BUILD_FILES:
            (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def _put_our_catalogues_first(app: Sphinx) -> None:
    """Our corrections to the themes' own catalogues ("booktheme") go in front of them.

    Sphinx reads only the "sphinx" catalogue from ``locale_dirs`` (and puts ours first itself); the
    book theme registers "booktheme" in its setup, before this extension can.
    """
    folder = LOCALE / app.config.language / "LC_MESSAGES"
    for po in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        domain = po.stem
        if domain == "sphinx":
            continue
        catalog = CatalogInfo(str(folder), domain, "utf-8")
        if catalog.is_outdated():
            catalog.write_mo(app.config.language)
        with open(catalog.mo_path, "rb") as fp:
            ours = gettext.GNUTranslations(fp)
        theirs = sphinx.locale.translators.get(("general", domain))
        if theirs is not None and type(theirs) is not gettext.NullTranslations:
            ours.add_fallback(theirs)
        sphinx.locale.translators[("general", domain)] = ours


def _on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    other = other_language(app.config)
    twin = find_twin(app, pagename)
    if twin:
        # The books are siblings: _build/html/ko/ and _build/html/en/.
        url = "../" * (pagename.count("/") + 1) + f"{other}/{twin}.html"
        context["actlab_twin_url"] = url
        context["actlab_twin_lang"] = other
        context["actlab_twin_label"] = SWITCH_LABEL[other]
        context["actlab_twin_short"] = SWITCH_SHORT[other]
        context["actlab_twin_title"] = SWITCH_TITLE[other]
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" hreflang="{other}" href="{url}" />')


def _on_page_context_late(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Here, after the other extensions have added their scripts (MathJax on pages with math, ...).
    context["script_files"] = [js for js in context.get("script_files", []) if _keep_script(js)]
    if "body" in context:
        # docutils writes a reference list (the references pages) as role="list" holding entries with
        # role="doc-biblioentry", a role DPUB-ARIA 1.1 deprecates (its entries are list items): screen
        # readers then announce a list without items (axe-core: aria-required-children).
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _keep_script(js) -> bool:
    name = str(getattr(js, "filename", js) or "")
    body = str(getattr(js, "attributes", {}).get("body", ""))
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
    other = other_language(app.config)
    for docname in sorted(env.found_docs):
        if find_twin(app, docname) is None:
            logger.warning("page %s has no twin in the %s book (%s lists none of: %s)", docname, other,
                           app.config.actlab_books[other]["toc"],
                           ", ".join(twin_candidates(docname, app.config.language, other)), location=docname)


def _source_digest() -> str:
    """A digest of this extension's files, the site's own assets (_static/*, not vendored ones) and the
    glossary (the Korean search's synonyms).

    Sphinx notices neither code changes nor, when no page is outdated, changed static files (it copies
    them only while writing pages); a config value with this digest makes both rebuild every page.
    """
    files = sorted([*(p for p in HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                      and p.suffix != ".mo"),
                    *(p for p in (HERE.parent / "_static").glob("*") if p.is_file()),
                    *[p for p in [GLOSSARY] if p.exists()]])
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:16]


def setup(app: Sphinx) -> dict:
    # language -> {toc: the book's toc file, title: the book's title}
    app.add_config_value("actlab_books", {}, "env", dict)
    # Changing the extension (or its templates, catalogues) rebuilds every page.
    app.add_config_value("actlab_site_digest", _source_digest(), "env", str)
    app.add_search_language(SearchKorean)
    app.connect("config-inited", _on_config_inited, priority=900)
    app.connect("builder-inited", _put_our_catalogues_first)
    # Before the themes (500): they render the header templates to drop empty ones.
    app.connect("html-page-context", _on_page_context, priority=100)
    app.connect("html-page-context", _on_page_context_late, priority=900)
    app.connect("env-check-consistency", _check_twins)
    app.connect("doctree-read", _leave_out_setup_cells)
    app.connect("doctree-read", _readable_heading_ids, priority=400)  # before the toc collector (500)
    app.connect("build-finished", _drop_theme_build_files)
    bibliography_style.register()
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
