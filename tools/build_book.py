"""Build the website: the Korean and the English book from the stored notebook outputs, warnings as errors.

    python tools/build_book.py                 clean build of both books
    python tools/build_book.py --incremental   keep the previous builds; rebuild what changed
    python tools/build_book.py --book DIR      build another book folder (same layout)

The books are listed in _config.yml (``sphinx.config.actlab_books``: language -> toc and title). Each
is one Sphinx build of the same sources with its own ``language`` and toc (Jupyter Book's
``build_sphinx``, what ``jupyter-book build --toc`` runs), into ``_build/<language>/html``; the two
run side by side. The site is then put together in ``_build/html``:

    _build/html/ko/...   the Korean book (the default landing: _build/html/index.html leads there)
    _build/html/en/...   the English book
    _build/html/<page>.html, search.html, search_en.html, genindex.html
                         redirects from the addresses of the one-build site (query and #anchor kept)
    _build/html/_sources/, _images/, objects.inv
                         the downloads, figures and inventory at their old addresses too

How long a clean and an unchanged rebuild take is measured by benchmarks/bench_book.py.

While the book is being written, pages listed in a toc may not exist yet. Then the build says so
loudly, leaves them out (a trimmed copy of the toc in _build/) and does not treat warnings as errors,
so that everybody's test run still gets a site; tests/site/test_static_site.py fails until every
page exists. Once they all exist, the build is strict again by itself.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Pages Sphinx writes in every book under one name; at the site root the other books' get a suffix.
ROOT_ALIASES = {"search.html": "search{suffix}.html"}
# Addresses of the one-build site with no page of that name any more, and where they lead now.
RETIRED = {"genindex.html": "intro.html"}  # the index was empty (no index entries): the landing page


def books(book: Path) -> dict[str, dict]:
    """language -> {toc, title}, the default (landing) language first."""
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["actlab_books"]


def toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def missing_pages(book: Path, toc_name: str) -> list[str]:
    toc = yaml.safe_load((book / toc_name).read_text(encoding="utf-8"))
    return [f for f in toc_files(toc) if not any((book / f"{f}{suffix}").exists() for suffix in (".md", ".ipynb"))]


def trimmed_toc(book: Path, toc_name: str, missing: list[str]) -> Path:
    """A copy of the toc without the missing pages, in _build/ (never committed)."""
    toc = yaml.safe_load((book / toc_name).read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in missing]
    toc["parts"] = [part for part in toc.get("parts", []) if part["chapters"]]
    path = book / "_build" / f"{Path(toc_name).stem}.partial.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_one(book: Path, language: str, toc: Path, strict: bool) -> int:
    """One Sphinx build of the book in ``language`` (run in its own process: Sphinx keeps global state).

    -W (warnings are errors) when ``strict``, -n (every reference must resolve), --keep-going.
    """
    from jupyter_book.sphinx import build_sphinx

    out = book / "_build" / language
    result = build_sphinx(book, out / "html", doctreedir=out / ".doctrees", path_config=str(book / "_config.yml"),
                          noconfig=True, quiet=True, warningiserror=strict, keep_going=True,
                          confoverrides={"language": language, "external_toc_path": toc.as_posix(), "nitpicky": True,
                                         "latex_individualpages": False})
    if isinstance(result, BaseException):
        print(f"[book] {language}: {type(result).__name__}: {result}", file=sys.stderr, flush=True)
        return 1
    return result


def redirect_page(target: str, lang: str, title: str) -> str:
    """A page that forwards to ``target`` (relative), keeping the query (a search) and the #anchor."""
    url = html.escape(target, quote=True)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f'<link rel="canonical" href="{url}">\n'
            f'<script>location.replace({target!r} + location.search + location.hash);</script>\n'
            f'<meta http-equiv="refresh" content="0; url={url}">\n</head>\n'
            f'<body><p><a href="{url}">{html.escape(title)}</a></p></body>\n</html>\n')


def page_title(page: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
    return html.unescape(match.group(1).strip()) if match else page.stem


def assemble(book: Path, languages: list[str]) -> Path:
    """_build/html: each book in its folder, the landing page and the old addresses at the root."""
    site = book / "_build" / "html"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    default = languages[0]
    for lang in languages:
        built = book / "_build" / lang / "html"
        try:  # hard links: the books are large (MathJax) and rebuilt in place by Sphinx anyway
            shutil.copytree(built, site / lang, copy_function=os.link)
        except OSError:
            shutil.rmtree(site / lang, ignore_errors=True)
            shutil.copytree(built, site / lang)
        # Downloads and figures at their old addresses (the books' files, merged).
        for folder in ("_sources", "_images"):
            if (built / folder).is_dir():
                shutil.copytree(built / folder, site / folder, dirs_exist_ok=True)
    if (site / default / "objects.inv").exists():
        shutil.copy2(site / default / "objects.inv", site / "objects.inv")
    # Every page of every book answers at its old address too (the one-build site had them all at the root).
    for lang in languages:
        suffix = "" if lang == default else f"_{lang}"
        for page in sorted((site / lang).rglob("*.html")):
            rel = page.relative_to(site / lang).as_posix()
            if rel.split("/")[0] in ("_static", "_sources", "_images") or rel == "index.html":
                continue
            alias = ROOT_ALIASES.get(rel, rel).format(suffix=suffix)
            path = site / alias
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            target = "../" * alias.count("/") + f"{lang}/{rel}"
            path.write_text(redirect_page(target, lang, page_title(page)), encoding="utf-8")
    for old, new in [*RETIRED.items(), ("index.html", "intro.html")]:
        target = site / default / new
        (site / old).write_text(redirect_page(f"{default}/{new}", default, page_title(target)), encoding="utf-8")
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incremental", action="store_true", help="do not delete the previous builds first")
    parser.add_argument("--book", type=Path, default=ROOT, help="the book folder (default: the repository)")
    parser.add_argument("--one", metavar="LANGUAGE", help=argparse.SUPPRESS)  # internal: build one book
    parser.add_argument("--toc", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--lenient", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    book = args.book.resolve()
    if args.one:
        return build_one(book, args.one, args.toc, strict=not args.lenient)

    languages = list(books(book))
    if not args.incremental:
        # What a build writes: the pages, Sphinx's saved environment, the extracted outputs.
        for name in ("html", *languages):
            shutil.rmtree(book / "_build" / name, ignore_errors=True)
    start = time.perf_counter()
    children = {}
    for lang in languages:
        toc_name = books(book)[lang]["toc"]
        missing = missing_pages(book, toc_name)
        command = [sys.executable, __file__, "--book", str(book), "--one", lang]
        if missing:
            print(f"[book] WARNING: {len(missing)} pages of {toc_name} do not exist yet: {', '.join(missing)}\n"
                  f"[book] WARNING: building the {lang} book without them, warnings NOT fatal "
                  "(tests/site fails until they exist)", flush=True)
            command += ["--toc", str(trimmed_toc(book, toc_name, missing)), "--lenient"]
        else:
            command += ["--toc", str(book / toc_name)]
        children[lang] = subprocess.Popen(command, cwd=book)
    codes = {lang: child.wait() for lang, child in children.items()}
    kind = "incremental build" if args.incremental else "clean build"
    print(f"[book] {kind} of the books {', '.join(languages)}: {time.perf_counter() - start:.1f} s "
          f"(exit {', '.join(str(c) for c in codes.values())})", flush=True)
    if any(codes.values()):
        print("[book] the build failed or warned (warnings are errors): see the messages above", flush=True)
        return next(c for c in codes.values() if c)
    site = assemble(book, languages)
    print(f"[book] site: {site / 'index.html'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
