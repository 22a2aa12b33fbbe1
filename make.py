#!/usr/bin/env python3
"""The course's command runner. Needs only Python 3.11+; it sets up everything else itself.

    python3 make.py book [--serve] [--port 8000]   build the website (and serve it on localhost)
    python3 make.py test [pytest args...]          install what the tests need, then run every test
                                                   (or what the pytest arguments select: -x, -m "not slow"...)
    python3 make.py lab [jupyter lab args...]      open the notebooks in JupyterLab (widgets included)
    python3 make.py notebooks [paths...]           re-execute notebooks and store their outputs
    python3 make.py bench                          the speed and memory benchmarks (numbers for README)

Everything goes into a virtual environment in ``.venv`` (pinned by requirements*.txt), created on
first use and refreshed when those files change. Written with the standard library only, so that
a fresh machine needs nothing but Python to run it (make, nox or tox would need installing first).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def say(msg: str) -> None:
    print(f"[make] {msg}", flush=True)


def run(*cmd, check=True, **kw) -> int:
    say(" ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=check, **kw).returncode


def python_version(python) -> str | None:
    """``"3.12"`` for a working interpreter, None for a missing one or a pyenv shim that refuses to run."""
    try:
        out = subprocess.run([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def base_python() -> tuple[str, str]:
    """The interpreter for .venv: the version in runtime.txt when the machine has it, else this one.

    runtime.txt is what Binder runs and matches Colab's Python, so tests run on it wherever possible;
    any Python 3.11+ still works (the notebooks' stored outputs do not depend on the minor version).
    """
    here = "%d.%d" % sys.version_info[:2]
    wanted = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    if wanted == here:
        return sys.executable, here
    candidates = [shutil.which(f"python{wanted}"), f"/usr/bin/python{wanted}", f"/usr/local/bin/python{wanted}",
                  *sorted(Path("/root/.pyenv/versions").glob(f"{wanted}*/bin/python{wanted}")),
                  *sorted(Path.home().glob(f".pyenv/versions/{wanted}*/bin/python{wanted}"))]
    for candidate in filter(None, candidates):
        if python_version(candidate) == wanted:
            return str(candidate), wanted
    say(f"runtime.txt asks for Python {wanted}, not found here; using this Python {here}")
    return sys.executable, here


def requirements_digest(requirements: str, version: str) -> str:
    files = [ROOT / requirements, ROOT / "requirements.txt", EXCLUDED, ROOT / "pyproject.toml"]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files) + version.encode()).hexdigest()


def installed(requirements: str, version: str) -> bool:
    """Whether .venv holds ``requirements`` as they are now (a stamp records the files' digest)."""
    stamp = VENV / f".installed-{Path(requirements).stem}"
    return PY.exists() and stamp.exists() and stamp.read_text() == requirements_digest(requirements, version)


def ensure_venv(requirements: str) -> None:
    """Create .venv and install ``requirements`` into it unless the same files are installed already."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}); run make.py with python3.11+")
    python, version = base_python()
    if installed(requirements, version):
        return
    if requirements == "requirements.txt" and installed("requirements-test.txt", version):
        return  # the test requirements include requirements.txt
    if not PY.exists() or python_version(PY) != version:
        say(f"creating {VENV.name} with Python {version} ({python})")
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    install(requirements)
    (VENV / f".installed-{Path(requirements).stem}").write_text(requirements_digest(requirements, version))


#: uv installs the pinned lists into .venv: on this project's 2-core machine, into a fresh venv with
#: no cache, 24 s where pip took 208 s (same files, same moment). Pinned like everything else.
UV = "uv==0.13.9"
#: Packages kept out of .venv (why: in the file).
EXCLUDED = ROOT / "requirements-excluded.txt"


def excluded() -> list[str]:
    return [line.strip() for line in EXCLUDED.read_text().splitlines() if line.strip() and not line.startswith("#")]


def install(requirements: str) -> None:
    """Install ``requirements`` into .venv with uv, or with pip where uv cannot (e.g. a machine whose
    packages come only from an index configured for pip, which uv does not read)."""
    try:
        run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", UV)
        # --compile-bytecode as pip does: uv leaves it out, and then every process compiles what it
        # imports (the grader's sandboxed children, which see .venv read-only, on every submission)
        run(BIN / "uv", "pip", "install", "-q", "--compile-bytecode", "--python", PY, "-r", ROOT / requirements,
            "--excludes", EXCLUDED)
        # a .venv made before the exclusion still has them
        run(BIN / "uv", "pip", "uninstall", "-q", "--python", PY, *excluded())
        return
    except (subprocess.CalledProcessError, OSError) as err:
        say(f"uv could not install {requirements} ({err}); installing with pip instead")
    run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", ROOT / requirements)
    run(PY, "-m", "pip", "uninstall", "--disable-pip-version-check", "-q", "-y", *excluded())  # pip cannot exclude


def venv_env(one_blas_thread: bool = False) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("MPLBACKEND", "Agg")
    if one_blas_thread:
        # the tests run two workers (each with its kernels) on two cores, and the course's matrices
        # are small: with OpenBLAS's default of a thread per core the workers' threads fight over the
        # cores (nbval of chapters 9-10, ko and en side by side: 28.0 s, against 23.8 s with one thread)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, "1")
    return env


def cmd_book(args) -> None:
    ensure_venv("requirements.txt")
    run(PY, ROOT / "tools" / "build_book.py", env=venv_env(), cwd=ROOT)
    if args.serve:
        html = ROOT / "_build" / "html"
        say(f"serving {html} at http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        try:
            run(PY, "-m", "http.server", str(args.port), "--bind", "127.0.0.1", "--directory", html, env=venv_env())
        except KeyboardInterrupt:
            pass


def ensure_browser() -> None:
    """Debian's Chromium and a Hangul font for the browser tests; installed here when we are root."""
    if shutil.which("chromium") and Path("/usr/share/fonts/truetype/nanum").exists() and shutil.which("bwrap"):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env, check=False)
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-nanum", "bubblewrap", env=env, check=False)
    if not shutil.which("chromium"):
        say("Chromium is not installed and cannot be installed here (not root, or no apt-get): the browser "
            "tests will be reported as SKIPPED. Install it with: sudo apt-get install chromium fonts-nanum")


def selected(pytest_args: list[str], folder: Path) -> bool:
    """Whether ``pytest_args`` may run tests in ``folder``: yes unless they name test paths, none of
    them in it or around it (``-m``/``-k`` are not looked at: running too much is only slower)."""
    paths = [Path(a.split("::")[0]).resolve() for a in pytest_args
             if not a.startswith("-") and Path(a.split("::")[0]).exists()]
    return not paths or any(p.is_relative_to(folder) or folder.is_relative_to(p) for p in paths)


def start_colab_env() -> subprocess.Popen | None:
    """Build (or check) the Colab tests' environment in the background while the book builds; the
    tests wait for it (tests/colab/colab_env.py)."""
    if os.name != "posix":
        return None
    log = VENV / "colab-env.log"
    say(f"building the Colab tests' environment in the background (log: {log.relative_to(ROOT)})")
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, ROOT / "tests" / "colab" / "colab_env.py"], stdout=out,
                                stderr=subprocess.STDOUT, cwd=ROOT)


def cmd_test(args) -> None:
    ensure_venv("requirements-test.txt")
    colab = start_colab_env() if selected(args.pytest_args, ROOT / "tests" / "colab") else None
    ensure_browser()
    env = venv_env(one_blas_thread=True)
    if os.environ.get("CI"):
        env["HYPOTHESIS_PROFILE"] = "ci"
    if selected(args.pytest_args, ROOT / "tests" / "site"):
        run(PY, ROOT / "tools" / "build_book.py", env=env, cwd=ROOT)
    # one worker per test file or notebook, the Colab tests spread item by item, in the order
    # conftest.py gives (longest first); options given after these override them
    pytest = [PY, "-m", "pytest", "-n", str(min(2, os.cpu_count() or 1)), "--dist", "loadfile",
              "--no-loadscope-reorder", *args.pytest_args]
    try:
        code = run(*pytest, env=env, cwd=ROOT, check=False)
    finally:
        if colab is not None and colab.poll() is None:
            colab.terminate()  # the tests never waited for it (none of them ran)
            colab.wait()
    sys.exit(code)


def cmd_lab(args) -> None:
    """JupyterLab (with ipywidgets' extension) in .venv, on this folder, on the loopback interface."""
    ensure_venv("requirements.txt")
    env = venv_env()
    env.pop("MPLBACKEND")  # kernels draw inline
    cmd = [str(PY), "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}", "--ServerApp.ip=127.0.0.1"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")  # containers and CI run as root; Jupyter refuses root otherwise
    cmd += args.lab_args
    say(" ".join(cmd) + "   (Ctrl-C stops)")
    if os.name == "posix":
        os.execve(cmd[0], cmd, env)  # JupyterLab in this process: Ctrl-C and signals reach it directly
    try:
        run(*cmd, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        pass


def cmd_notebooks(args) -> None:
    ensure_venv("requirements-test.txt")
    run(PY, ROOT / "tools" / "build_notebooks.py", *args.paths, env=venv_env(one_blas_thread=True), cwd=ROOT)


def cmd_bench(args) -> None:
    ensure_venv("requirements-test.txt")
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        run(PY, script, env=venv_env(), cwd=ROOT)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    book = sub.add_parser("book", help="build the website into _build/html")
    book.add_argument("--serve", action="store_true", help="then serve it on http://127.0.0.1:PORT/")
    book.add_argument("--port", type=int, default=8000)
    book.set_defaults(func=cmd_book)
    test = sub.add_parser("test", help="run every test (installs what they need); the rest goes to pytest")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest (-x, -m 'not slow', paths...)")
    test.set_defaults(func=cmd_test)
    lab = sub.add_parser("lab", help="open the notebooks in JupyterLab; the rest goes to jupyter lab")
    lab.add_argument("lab_args", nargs=argparse.REMAINDER, help="passed on to jupyter lab (--no-browser, --port 8889...)")
    lab.set_defaults(func=cmd_lab)
    nbs = sub.add_parser("notebooks", help="re-execute notebooks and store their outputs")
    nbs.add_argument("paths", nargs="*", help="notebooks or folders (default: all)")
    nbs.set_defaults(func=cmd_notebooks)
    bench = sub.add_parser("bench", help="run the benchmarks")
    bench.set_defaults(func=cmd_bench)
    if argv[:1] in (["test"], ["lab"]):
        # everything after the command belongs to pytest or JupyterLab, options included (argparse's
        # REMAINDER would reject a leading option such as -x)
        args = parser.parse_args(argv[:1])
        setattr(args, f"{'pytest' if argv[0] == 'test' else 'lab'}_args", argv[1:])
    else:
        args = parser.parse_args(argv)
    return args


def main() -> None:
    args = parse_args(sys.argv[1:])
    try:
        args.func(args)
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode or 1)


if __name__ == "__main__":
    main()
