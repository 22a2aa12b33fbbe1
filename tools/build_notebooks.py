"""Generate the course notebooks from their bilingual sources, execute them and store their outputs.

    python3 make.py notebooks                         every source (chapters/src, exercises/src)
    python3 make.py notebooks chapters/src/03_sigmoid_tanh.md exercises/src/ex02_sigmoid_tanh.md
    python3 make.py notebooks chapters/ko/03_sigmoid_tanh.ipynb   (a notebook means its source)
    python3 make.py notebooks chapters/src            (a folder: every source in it)
    .venv/bin/python tools/build_notebooks.py --check  regenerate in memory; fail if a stored
                                                       notebook differs from its source (cells, tags,
                                                       alt text; not outputs) or has no source
    .venv/bin/python tools/build_notebooks.py --no-execute PATHS   write the notebooks without outputs
    .venv/bin/python tools/build_notebooks.py --keep-outputs PATHS regenerate without running: keep the
                                                       stored outputs, allowed only where no code changed
                                                       but its comments (prose, tags, alt text may change)

Each notebook runs in a fresh kernel with its own folder as working directory, two at a time. The
outputs of explorer cells are dropped (no widget state, no model ids); no timing metadata is kept.
Source format (jupytext MyST notebooks): see tools/nbsource.py. Exit status 1 on a bad source or a
failing cell, with the file and line.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import tokenize
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import nbformat  # noqa: E402

import nbsource  # noqa: E402
from nbsource import ROOT, SourceError  # noqa: E402

TIMEOUT = 900  # seconds per cell; the slowest training cells take well under a minute
WORKERS = 2


def kernel_env() -> dict:
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    # The kernel must show figures inline; actlab.notebook.setup() switches to the inline backend
    # anyway, but an inherited MPLBACKEND=Agg would still apply to anything imported before it.
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # debugpy's frozen-modules note goes to stderr otherwise
    return env


def finish(nb) -> list[str]:
    """Drop what must not be stored; return problems worth reporting (stderr, missing glyphs)."""
    problems = []
    nb.metadata.pop("widgets", None)
    # the exact Python that ran it is the machine's, not the notebook's: keep only major.minor
    info = nb.metadata.get("language_info", {})
    if "version" in info:
        info["version"] = ".".join(str(info["version"]).split(".")[:2])
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        tags = cell.metadata.get("tags", [])
        if "explorer" in tags:
            cell.outputs = []
            continue
        for out in cell.outputs:
            out.pop("metadata", None) if out.get("output_type") == "stream" else None
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {index}: stderr: {out.get('text', '')[:300]!r}")
            text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
            if "Glyph" in text and "missing" in text:
                problems.append(f"cell {index}: missing glyph: {text[:200]!r}")
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {}):
                problems.append(f"cell {index}: a widget outside an explorer cell (its output would be stored)")
    return problems


@contextlib.contextmanager
def ipc_kernel():
    """A python3 kernel manager that talks over IPC sockets in a folder of its own (removed on leaving)
    instead of TCP ports: two kernels started at the same moment by two workers could pick the same
    free port, and one of them then waited forever. Its kernel is shut down on leaving too: nbclient
    shuts down only the kernels of the managers it makes itself."""
    from jupyter_client.manager import KernelManager

    sockets = tempfile.mkdtemp(prefix="actlab-kernel-")
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
    try:
        yield km
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)


def execute(path_str: str, nb_json: str) -> tuple[str, str, list[str], float]:
    """Run one notebook in a fresh kernel; returns (path, notebook json, problems, seconds)."""
    with ipc_kernel() as km:
        return _execute(path_str, nb_json, km)


def _execute(path_str: str, nb_json: str, km) -> tuple[str, str, list[str], float]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path_str)
    nb = nbformat.reads(nb_json, as_version=4)
    path.parent.mkdir(parents=True, exist_ok=True)
    # store_widget_state stays on: nbclient 0.11's output-widget hook fails without it; the
    # state is dropped again in finish().
    client = NotebookClient(nb, km=km, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute(cwd=str(path.parent), env=kernel_env())
    except CellExecutionError as err:
        cell_index = next((i for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
                           if o.get("output_type") == "error"), None)
        return path_str, "", [f"cell {cell_index} failed:\n{err}", cell_index], time.perf_counter() - start
    except Exception as err:  # noqa: BLE001 - a kernel that dies or times out: report, don't hang the pool
        return path_str, "", [f"execution failed: {type(err).__name__}: {err}"], time.perf_counter() - start
    problems = finish(nb)
    return path_str, nbformat.writes(nb), problems, time.perf_counter() - start


def _without_comments(code: str):
    try:
        tokens = tokenize.generate_tokens(io.StringIO(code).readline)
        return [(t.type, t.string) for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError):  # not Python (a magic): compared as written
        return code


def keep_outputs(nb, stored) -> str | None:
    """Give ``nb`` the outputs of ``stored`` when their code differs in comments only; else say why not."""
    new_code = [c for c in nb.cells if c.cell_type == "code"]
    old_code = [c for c in stored.cells if c.cell_type == "code"]
    if len(new_code) != len(old_code):
        return f"{len(old_code)} code cells stored, {len(new_code)} now"
    for i, (new, old) in enumerate(zip(new_code, old_code)):
        if _without_comments(new.source) != _without_comments(old.source):
            return f"code cell {i} changed beyond its comments"
        explorer = "explorer" in new.metadata.get("tags", [])
        new.outputs = [] if explorer else old.outputs
        new.execution_count = old.execution_count
    nb.metadata["language_info"] = stored.metadata.get("language_info", nb.metadata["language_info"])
    return None


def source_line(path: Path, cell_index) -> str:
    """' at <source>:<line>' for cell ``cell_index`` of the generated notebook ``path``."""
    src = nbsource.source_of(path)
    if src is None or cell_index is None:
        return ""
    if cell_index == 0:
        return " in the generated setup cell"
    lang = next(lang for p, lang, _ in nbsource.targets(src) if p == path.resolve())
    cells = nbsource.cells_for(nbsource.read(src), lang)
    line = cells[cell_index - 1].metadata.get("line") if cell_index - 1 < len(cells) else None
    return f" at {src.relative_to(ROOT)}:{line}" if line else ""


def resolve(paths: list[str]) -> list[Path]:
    """Sources named by the arguments (source files, generated notebooks or folders); all by default."""
    if not paths:
        return nbsource.all_sources()
    found: list[Path] = []
    for arg in paths:
        p = (Path.cwd() / arg).resolve()
        if p.is_dir():
            inside = [s for s in nbsource.all_sources() if p in s.parents or
                      any(p == t.parent or p in t.parents for t, _, _ in nbsource.targets(s))]
            if not inside:
                raise SystemExit(f"{arg}: no notebook sources there or generated there")
            found += inside
        elif p.suffix == ".md":
            if not p.exists():
                raise SystemExit(f"{arg}: no such source")
            found.append(p)
        elif p.suffix == ".ipynb":
            src = nbsource.source_of(p)
            if src is None:
                raise SystemExit(f"{arg}: no source in chapters/src or exercises/src makes this notebook")
            found.append(src)
        else:
            raise SystemExit(f"{arg}: expected a .md source, a generated .ipynb or a folder")
    return list(dict.fromkeys(found))


def generate(sources: list[Path]) -> dict[Path, nbformat.NotebookNode]:
    url = nbsource.repository_url()
    out: dict[Path, nbformat.NotebookNode] = {}
    errors = []
    for src in sources:
        try:
            out.update(nbsource.notebooks_for(src, url=url))
        except SourceError as err:
            errors.append(str(err))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        raise SystemExit(1)
    return out


def check(sources: list[Path]) -> int:
    """0 if every stored notebook matches its source (and every stored notebook has one)."""
    expected = generate(sources)
    origin = {path: src for src in sources for path, _, _ in nbsource.targets(src)}
    bad = []
    for path, nb in expected.items():
        rel = path.relative_to(ROOT)
        if not path.exists():
            bad.append(f"{rel}: missing (run: python3 make.py notebooks {origin[path].relative_to(ROOT)})")
            continue
        stored = nbformat.read(path, as_version=4)
        want, have = nbsource.structure(nb), nbsource.structure(stored)
        if want != have or stored.metadata.get("actlab") != nb.metadata.get("actlab"):
            first = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
            bad.append(f"{rel}: out of date with its source from cell {first} "
                       f"(run: python3 make.py notebooks {rel})")
    if len(sources) == len(nbsource.all_sources()):
        for folder in ("chapters/ko", "chapters/en", "exercises/ko", "exercises/en",
                       "exercises/solutions/ko", "exercises/solutions/en"):
            for nb_path in sorted((ROOT / folder).glob("*.ipynb")):
                if nb_path.resolve() not in expected:
                    bad.append(f"{nb_path.relative_to(ROOT)}: no source makes this notebook")
    for line in bad:
        print(line, file=sys.stderr)
    print(f"checked {len(expected)} notebooks from {len(sources)} sources: "
          f"{'all in sync' if not bad else f'{len(bad)} problem(s)'}")
    return 1 if bad else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="sources, generated notebooks or folders (default: all)")
    parser.add_argument("--check", action="store_true", help="compare stored notebooks with their sources")
    parser.add_argument("--no-execute", action="store_true", help="write notebooks without running them")
    parser.add_argument("--keep-outputs", action="store_true",
                        help="write notebooks with their stored outputs, when no code changed but comments")
    parser.add_argument("-j", "--jobs", type=int, default=WORKERS, help="notebooks run at once (default 2)")
    args = parser.parse_args(argv)
    sources = resolve(args.paths)
    if args.check:
        return check(sources)
    notebooks = generate(sources)
    if args.no_execute:
        for path, nb in notebooks.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            print(f"wrote {path.relative_to(ROOT)} (not executed)")
        return 0
    if args.keep_outputs:
        failed = 0
        for path, nb in notebooks.items():
            rel = path.relative_to(ROOT)
            why = keep_outputs(nb, nbformat.read(path, as_version=4)) if path.exists() else "not stored yet"
            if why:
                failed += 1
                print(f"NOT WRITTEN {rel}: {why} (run: python3 make.py notebooks {rel})", file=sys.stderr)
                continue
            nbformat.write(nb, path)
            print(f"wrote {rel} (stored outputs kept)")
        return 1 if failed else 0
    failed = 0
    # spawn, not fork: each worker starts clean (no inherited zmq/asyncio state from the parent)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(execute, str(path), nbformat.writes(nb)) for path, nb in notebooks.items()]
        for fut in as_completed(futures):
            path_str, text, problems, seconds = fut.result()
            rel = Path(path_str).relative_to(ROOT)
            if not text:
                failed += 1
                where = source_line(Path(path_str), problems[-1]) if len(problems) > 1 else ""
                print(f"FAILED {rel} ({seconds:.1f} s){where}\n{problems[0]}", file=sys.stderr)
                continue
            Path(path_str).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
            print(f"wrote {rel} ({seconds:.1f} s)")
            for p in problems:
                print(f"  WARNING {rel}: {p}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
