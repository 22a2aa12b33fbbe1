"""Starting one submission's child process (see runner.py for what happens inside it).

The parent gives the child only what it needs: a plan file on stdin (code and case arguments,
never expected values), an open results file, and an output file; a fresh environment without
the parent's variables (so no seed, no tokens); its own session, so a timeout kills the whole
process group. As root each worker slot has its own unused uid, so two submissions running at
once cannot signal or read each other, and RLIMIT_NPROC=1 for that uid stops forks.
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
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

RUNNER = Path(__file__).with_name("runner.py")
UID_BASE = 61000  # worker slots run as 61000, 61001, ... (ids no account uses)
PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # some CPUs need these for OpenBLAS to work


@dataclass
class Limits:
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


@dataclass
class ChildRun:
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
    import numpy

    return [str(Path(numpy.__file__).resolve().parent.parent)]


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


def hidden_dirs(extra=()) -> list[str]:
    """Directories the child must not see: the library, scipy, torch, and ``extra``
    (submissions, grader output; files such as the journal or a seed file too), except any
    directory that holds the Python installation itself."""
    dirs = [_package_dir("actlab"), _package_dir("torch"), _package_dir("scipy")]
    extra = sorted({str(Path(d).resolve()) for d in extra})
    extra = [d for d in extra if not any(Path(o) in Path(d).parents for o in extra)]  # nested: one mount
    if len(extra) > 32:  # e.g. one folder per student: cover their common parent instead
        extra = [os.path.commonpath(extra)]
    dirs += extra
    keep = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *site_dirs(), tempfile.gettempdir(), "/")]
    out = []
    for d in dirs:
        if d and os.path.isfile(d):
            out.append(d)
            continue
        if not d or not os.path.isdir(d):
            continue
        p = Path(d)
        if any(k == p or p in k.parents for k in keep):
            continue  # hiding it would hide Python or NumPy
        if d not in out:
            out.append(d)
    return sorted(out)


def child_env() -> dict:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in PASS_ENV:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run_child(cells, cases_json: str, limits: Limits, uid: int | None, hide: list[str]) -> ChildRun:
    """Run one submission's ``cells`` and its cases in a fresh sandboxed interpreter."""
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
        settings = {
            "results_fd": rfd,
            "sitedirs": site_dirs(),
            "sandbox": {"workdir": work, "uid": uid, "cpu_seconds": limits.timeout,
                        "memory_mb": limits.memory_mb, "output_mb": limits.output_mb,
                        "disk_mb": limits.disk_mb, "hide": hide, "parent": os.getpid()},
            "cells": cells,
            "case_seconds": limits.case_seconds,
        }
        plan_path = os.path.join(tmp, "plan.json")
        with open(plan_path, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(settings)[:-1] + ', "cases": ' + cases_json + "}")
        start = time.monotonic()
        with open(plan_path, "rb") as plan:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", str(RUNNER)], stdin=plan, stdout=ofd, stderr=ofd,
                pass_fds=(rfd,), env=child_env(), cwd=work, start_new_session=True)
        os.close(rfd)
        os.close(ofd)
        try:
            _, status, usage = _wait(proc, limits.timeout - (time.monotonic() - start))
        except subprocess.TimeoutExpired:
            run.timed_out = True
            _kill_group(proc)
            _, status, usage = _wait(proc, None)
        run.returncode = os.waitstatus_to_exitcode(status)
        run.cpu_seconds = usage.ru_utime + usage.ru_stime
        if run.returncode == -signal.SIGXCPU:
            run.cpu_limit = True
        _kill_group(proc)  # anything it left behind in its process group
        run.records = _read_records(results_path, limits.result_mb << 20)
        run.output_tail = _tail(os.path.join(tmp, "output.txt"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run


def _wait(proc, timeout):
    """os.wait4 with a timeout (Popen.wait does not give the child's resource usage)."""
    deadline = None if timeout is None else time.monotonic() + max(timeout, 0)
    delay = 0.0005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
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
