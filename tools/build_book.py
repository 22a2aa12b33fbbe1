"""Build the website from the stored notebook outputs, warnings as errors, and report how long it took.

    python tools/build_book.py                 clean build, then an unchanged rebuild (both timed)
    python tools/build_book.py --incremental   keep the previous build; rebuild what changed, then time
                                               an unchanged rebuild
    python tools/build_book.py --book DIR      build another book folder (same layout)

Both timings are printed as the build's report (the targets: a clean build under 60 s on 2 cores,
an unchanged rebuild under 5 s). The exit status is non-zero when either build fails or warns.

While the book is being written, pages listed in _toc.yml may not exist yet. Then the build says so
loudly, leaves them out (a trimmed copy of the toc in _build/) and does not treat warnings as errors,
so that everybody's test run still gets a site; tests/site/test_static_site.py fails until every
page exists. Once they all exist, the build is strict again by itself.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def missing_pages(book: Path) -> list[str]:
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [f for f in files if not any((book / f"{f}{suffix}").exists() for suffix in (".md", ".ipynb"))]


def trimmed_toc(book: Path, missing: list[str]) -> Path:
    """A copy of _toc.yml without the missing pages, in _build/ (never committed)."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in missing]
    toc["parts"] = [part for part in toc.get("parts", []) if part["chapters"]]
    path = book / "_build" / "_toc.partial.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build(book: Path, toc: Path | None = None) -> tuple[int, float]:
    """One ``jupyter-book build``: -W (warnings are errors), -n (every reference must resolve)."""
    command = [str(JUPYTER_BOOK), "build", str(book), "--nitpick", "--keep-going", "--quiet"]
    if toc is None:
        command.insert(3, "--warningiserror")
    else:
        command += ["--toc", str(toc)]
    start = time.perf_counter()
    code = subprocess.run(command, cwd=book).returncode
    return code, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incremental", action="store_true", help="do not delete the previous build first")
    parser.add_argument("--book", type=Path, default=ROOT, help="the book folder (default: the repository)")
    args = parser.parse_args()
    book = args.book.resolve()
    out = book / "_build"

    if not args.incremental:
        # What jupyter-book writes: the pages, Sphinx's saved environment, the extracted outputs.
        for name in ("html", ".doctrees", "jupyter_execute"):
            shutil.rmtree(out / name, ignore_errors=True)
    missing = missing_pages(book)
    toc = None
    if missing:
        print(f"[book] WARNING: {len(missing)} pages of _toc.yml do not exist yet: {', '.join(missing)}\n"
              "[book] WARNING: building without them, warnings NOT fatal (tests/site fails until they exist)",
              flush=True)
        toc = trimmed_toc(book, missing)
    code, first = build(book, toc)
    kind = "incremental build" if args.incremental else "clean build"
    print(f"[book] {kind}: {first:.1f} s (exit {code})", flush=True)
    if code:
        print("[book] the build failed or warned (warnings are errors): see the messages above", flush=True)
        return code
    code, again = build(book, toc)
    print(f"[book] unchanged rebuild: {again:.1f} s (exit {code})", flush=True)
    print(f"[book] site: {out / 'html' / 'index.html'}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
