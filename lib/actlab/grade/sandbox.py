"""Starting one submission's child process (see runner.py for what happens inside it).

The parent gives the child only what it needs: a plan file on stdin (code and case arguments,
never expected values), an open results file, and an output file; a fresh environment without
the parent's variables (so no seed, no tokens); its own session, so a timeout kills the whole
process group. As root each worker slot has its own unused uid, so two submissions running at
once cannot signal or read each other, and RLIMIT_NPROC=1 for that uid stops forks.

Two ways to hide the file system, chosen by :func:`isolation_mode`:

* ``bwrap`` (bubblewrap, Debian's ``bubblewrap``, when it is installed and works here, as root or
  as an ordinary user with user namespaces): a whitelist. The child's root is an empty tmpfs
  holding only ``/usr`` and the Python installation (read-only), NumPy (read-only, at
  :data:`SANDBOX_SITE`), a private ``/proc`` and ``/dev`` and an empty ``/tmp``; no network.
  Nothing else exists for it: not the course clone, not the instructor's home, not the grader's
  output, whatever folder the grader runs from.
* ``builtin`` (today's fallback, where bubblewrap is missing or unusable): as root, the runner's own
  mounts hide a list of folders (:func:`hidden_dirs`); as an ordinary user, nothing is hidden.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

RUNNER = Path(__file__).with_name("runner.py")
ISOLATIONS = ("auto", "bwrap", "builtin")
SANDBOX_SITE = "/grader-site"  # where NumPy appears inside the bubblewrap sandbox
UID_BASE = 61000  # worker slots run as 61000, 61001, ... (ids no account uses)
PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # some CPUs need these for OpenBLAS to work


class Cancelled(Exception):
    """The batch was interrupted (Ctrl-C): the child was killed and its result must not count."""


@dataclass
class Limits:
    """What one submission may use. All limits apply on every isolation path."""

    timeout: float = 10.0     # wall-clock seconds for the whole submission
    memory_mb: int = 1024     # address space (RLIMIT_AS)
    output_mb: int = 16       # largest file the submission may write, its printed output included
    disk_mb: int = 64         # size of its private /tmp (root only)
    result_mb: int = 64       # the most the parent reads back

    @property
    def case_seconds(self) -> float:
        """CPU-time budget of one call of a graded function: a function that loops forever on one
        input fails its remaining cases, and the other functions are still checked."""
        return max(0.2, min(2.0, self.timeout / 10))

    @property
    def cells_seconds(self) -> float:
        """Wall-clock seconds all the notebook's cells may take together: half the time limit, so
        that a cell that never ends is stopped there and the functions defined before it are
        still graded in the other half."""
        return self.timeout / 2


@dataclass
class ChildRun:
    """What came back from one child: its JSON records, how it ended, its CPU time."""

    records: list = field(default_factory=list)  # the JSON lines the child wrote
    returncode: int | None = None
    timed_out: bool = False
    cpu_limit: bool = False
    output_tail: str = ""
    cpu_seconds: float = 0.0

    @property
    def done(self) -> bool:
        return any(r.get("done") is True for r in self.records)

    @property
    def isolation(self) -> list:
        for r in self.records:
            if "ready" in r and isinstance(r["ready"], list):
                return [str(x) for x in r["ready"]]
        return []


def site_dirs() -> list[str]:
    """The folder NumPy is installed in (the only one the child adds to its ``sys.path``)."""
    import numpy

    return [str(Path(numpy.__file__).resolve().parent.parent)]


def numpy_dirs() -> list[str]:
    """NumPy's package folder and, for wheels, the shared libraries beside it (``numpy.libs``)."""
    site = Path(site_dirs()[0])
    return [str(site / name) for name in ("numpy", "numpy.libs") if (site / name).is_dir()]


def python_dirs() -> list[str]:
    """The Python installation(s) the child runs from: the interpreter and its standard library."""
    exe_prefix = os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))
    return sorted({os.path.realpath(sys.base_prefix), exe_prefix})  # not a venv: the child runs the real interpreter


def _bwrap_args(disk_mb: int) -> list[str]:
    """bubblewrap's arguments for the whitelist view described in the module docstring."""
    args = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    if os.path.isfile("/etc/ld.so.cache"):  # where the dynamic loader finds NumPy's BLAS
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for d in python_dirs():
        if d != "/usr" and not d.startswith("/usr/"):
            # bubblewrap copies the modes of the folders above (a 0700 /root): an unprivileged child
            # could not reach the interpreter, so those (empty) folders are made 0755 first
            for parent in reversed(Path(d).parents[:-1]):
                args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", d, d]
    args += ["--perms", "0755", "--dir", SANDBOX_SITE]
    for d in numpy_dirs():
        args += ["--ro-bind", d, f"{SANDBOX_SITE}/{os.path.basename(d)}"]
    size = str(disk_mb << 20)
    args += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/tmp",
             "--size", size, "--tmpfs", "/dev/shm", "--chdir", "/tmp"]
    return args


@lru_cache(maxsize=None)
def bwrap_works() -> bool:
    """Is bubblewrap installed, and does it start NumPy in the sandbox on this machine (as this user)?"""
    exe = shutil.which("bwrap")
    if not exe:
        return False
    code = f"import sys; sys.path.append({SANDBOX_SITE!r}); import numpy"
    try:
        proc = subprocess.run([exe, *_bwrap_args(8), "--", os.path.realpath(sys.executable), "-I", "-S", "-c", code],
                              env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def isolation_mode(requested: str = "auto") -> str:
    """``bwrap`` or ``builtin``: ``auto`` takes bubblewrap when it works here. Asking for
    ``bwrap`` where it does not work is a mistake in the command (ValueError)."""
    if requested not in ISOLATIONS:
        raise ValueError(f"isolation must be one of {ISOLATIONS}, got {requested!r}")
    if requested == "builtin":
        return "builtin"
    if bwrap_works():
        return "bwrap"
    if requested == "bwrap":
        raise ValueError("--isolation bwrap: bubblewrap is not installed or does not work here "
                         "(Debian: apt-get install bubblewrap)")
    return "builtin"


_CLAIMS: dict = {}  # uid -> open lock file, held for the life of this process


def slot_uids(n: int) -> list[int | None]:
    """One unused uid per worker slot when running as root, else None (run as ourselves).

    Each uid is claimed with a lock file, so two graders running at once on one machine never
    share a uid (a submission could otherwise signal another run's submission); a claimed uid's
    leftover processes (from a grader that was killed) are killed before it is used.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return [None] * n
    import fcntl

    lock_dir = Path(tempfile.gettempdir()) / "actlab-grade-uids"
    lock_dir.mkdir(mode=0o700, exist_ok=True)
    uids, uid = [uid for uid in _CLAIMS][:n], UID_BASE
    while len(uids) < n:
        if uid not in _CLAIMS:
            try:
                pwd.getpwuid(uid)
            except KeyError:
                fh = open(lock_dir / f"{uid}.lock", "w")
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    fh.close()
                else:
                    _CLAIMS[uid] = fh
                    _kill_all_of(uid)
                    uids.append(uid)
        uid += 1
    return uids


def _kill_all_of(uid: int) -> None:
    """kill(-1) as ``uid``: ends every process that uid still has."""
    code = f"import os, signal\nos.setgid({uid})\nos.setuid({uid})\ntry:\n os.kill(-1, signal.SIGKILL)\nexcept OSError:\n pass"
    subprocess.run([sys.executable, "-I", "-S", "-c", code], env=child_env(), timeout=30,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _package_dir(name: str) -> str | None:
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(list(spec.submodule_search_locations)[0]).resolve())


def _clone_root() -> str | None:
    """The course clone the library is installed from in development mode (``pip install -e .``)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return str(parent)
    return None


def hidden_dirs(extra: Iterable[str] = ()) -> list[str]:
    """What the ``builtin`` path covers: the instructor's home, the grader's working folder, the
    course clone, the library, scipy, torch, and ``extra`` (submissions, grader output; files such
    as the journal or a seed file too). Folders that hold Python or NumPy are covered too: the
    child puts those two back (``keep``). Never ``/``, ``/usr`` or the temporary folder."""
    dirs = [_package_dir("actlab"), _package_dir("torch"), _package_dir("scipy"),
            os.path.expanduser("~"), os.getcwd(), _clone_root()]
    extra = sorted({str(Path(d).resolve()) for d in extra})
    extra = [d for d in extra if not any(Path(o) in Path(d).parents for o in extra)]  # nested: one mount
    if len(extra) > 32:  # e.g. one folder per student: cover their common parent instead
        extra = [os.path.commonpath(extra)]
    dirs += extra
    keep = [Path(p).resolve() for p in (tempfile.gettempdir(), "/usr", "/proc", "/dev")]
    files, folders = [], []
    for d in {str(Path(d).resolve()) for d in dirs if d}:
        if os.path.isfile(d):
            files.append(d)
        elif os.path.isdir(d) and not any(k == Path(d) or Path(d) in k.parents for k in keep):
            folders.append(d)  # (hiding / or /usr would hide the system, the temporary folder the child's /tmp)
    folders = [d for d in folders if not any(Path(o) in Path(d).parents for o in folders)]  # nested: one mount
    return sorted(files + folders)


def child_env() -> dict:
    """The child's whole environment: a fixed PATH and locale, one BLAS thread; nothing of the parent's
    (no seed, no tokens) but the CPU hints some machines need for OpenBLAS."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in PASS_ENV:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run_child(cells: list[tuple[int, str]], cases_json: str, limits: Limits, uid: int | None, hide: list[str], *,
              blocked: tuple = (), mode: str = "builtin", stop: threading.Event | None = None) -> ChildRun:
    """Run one submission's ``cells`` and its cases in a fresh sandboxed interpreter.

    ``blocked``: modules the child replaces by stand-ins; ``mode``: ``bwrap`` or ``builtin``
    (:func:`isolation_mode`); ``stop``: when set, the child is killed and :class:`Cancelled` raised.
    """
    if stop is not None and stop.is_set():
        raise Cancelled()
    tmp = tempfile.mkdtemp(prefix="actlab-grade-")
    run = ChildRun()
    try:
        work = os.path.join(tmp, "work")
        os.mkdir(work, 0o700)
        if uid is not None:
            os.chown(work, uid, uid)
        results_path = os.path.join(tmp, "results.jsonl")
        rfd = os.open(results_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        ofd = os.open(os.path.join(tmp, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        bwrap = mode == "bwrap"
        settings = {
            "results_fd": rfd,
            "blocked": list(blocked),
            "sitedirs": [SANDBOX_SITE] if bwrap else site_dirs(),
            "sandbox": {"mode": mode, "workdir": work, "uid": uid, "cpu_seconds": limits.timeout,
                        "memory_mb": limits.memory_mb, "output_mb": limits.output_mb,
                        "disk_mb": limits.disk_mb, "hide": [] if bwrap else hide,
                        "keep": [] if bwrap else [*python_dirs(), *numpy_dirs()],
                        "parent": None if bwrap else os.getpid()},
            "cells": cells,
            "case_seconds": limits.case_seconds,
            "cells_seconds": limits.cells_seconds,
            "results_bytes": min(limits.output_mb, limits.result_mb) << 20,
        }
        plan_path = os.path.join(tmp, "plan.json")
        with open(plan_path, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(settings)[:-1] + ', "cases": ' + cases_json + "}")
        command = [os.path.realpath(sys.executable), "-I", "-S", "-c", _runner_source()]
        if bwrap:
            command = [shutil.which("bwrap") or "bwrap", *_bwrap_args(limits.disk_mb), "--", *command]
        start = time.monotonic()
        with open(plan_path, "rb") as plan:
            proc = subprocess.Popen(
                command, stdin=plan, stdout=ofd, stderr=ofd,
                pass_fds=(rfd,), env=child_env(), cwd=work, start_new_session=True)
        os.close(rfd)
        os.close(ofd)
        try:
            _, status, usage = _wait(proc, limits.timeout - (time.monotonic() - start), stop)
        except subprocess.TimeoutExpired:
            run.timed_out = True
            _kill_group(proc)
            _, status, usage = _wait(proc, None)
        except Cancelled:
            _kill_group(proc)
            _wait(proc, None)
            raise
        run.returncode = os.waitstatus_to_exitcode(status)
        if bwrap and run.returncode is not None and 128 < run.returncode < 128 + signal.NSIG:
            run.returncode = 128 - run.returncode  # bubblewrap reports a child killed by signal N as exit 128 + N
        run.cpu_seconds = usage.ru_utime + usage.ru_stime
        if run.returncode == -signal.SIGXCPU:
            run.cpu_limit = True
        _kill_group(proc)  # anything it left behind in its process group
        run.records = _read_records(results_path, limits.result_mb << 20)
        if bwrap:  # wait4 counted bubblewrap only: add what the sandboxed process says it used (statistics, never a score)
            reported = next((r.get("cpu") for r in run.records if r.get("done") is True), 0)
            if isinstance(reported, (int, float)) and 0 <= reported <= limits.timeout + 5:
                run.cpu_seconds += float(reported)
        run.output_tail = _tail(os.path.join(tmp, "output.txt"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run


@lru_cache(maxsize=None)
def _runner_source() -> str:
    return RUNNER.read_text(encoding="utf-8")


def _wait(proc, timeout, stop=None):
    """os.wait4 with a timeout (Popen.wait does not give the child's resource usage)."""
    deadline = None if timeout is None else time.monotonic() + max(timeout, 0)
    delay = 0.0005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if stop is not None and stop.is_set():
            raise Cancelled()
        if deadline is not None and time.monotonic() >= deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _open_regular(path):
    """Open ``path`` for reading only if it is a regular file (never through a symlink)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    if not _is_regular(fd):
        os.close(fd)
        raise OSError("not a regular file")
    return os.fdopen(fd, "rb")


def _is_regular(fd) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fd).st_mode)


def _read_records(path, cap: int) -> list:
    records = []
    try:
        with _open_regular(path) as fh:
            data = fh.read(cap + 1)
    except OSError:
        return records
    for line in data[:cap].splitlines():
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a line cut short by a crash, or garbage
        if isinstance(obj, dict):
            records.append(obj)
    return records


def _tail(path, size=2000) -> str:
    try:
        with _open_regular(path) as fh:
            fh.seek(0, 2)
            end = fh.tell()
            fh.seek(max(0, end - size))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
