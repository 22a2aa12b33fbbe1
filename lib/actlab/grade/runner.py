"""The child side of the grader: runs ONE submission's code and calls its functions.

Started by the trusted parent as ``python -I -S -c <this file's source>`` (under bubblewrap
when the machine has it, so the file itself need not be visible) with

* stdin: the plan (JSON): the submission's code cells, the case arguments (no expected values:
  they never leave the parent), the modules it must not use, and the sandbox settings;
* fd ``plan["results_fd"]``: a file the parent reads afterwards, one JSON object per line;
* stdout and stderr: one capped file (the student's prints).

Order matters, and is why this is a script and not a ``preexec_fn``:

1. read the plan and import everything the submission may need (NumPy, common stdlib modules),
   while still able to read the Python installation (as root it may live under a 0700 ``/root``);
2. sandbox: under bubblewrap (``mode: bwrap``) the parent already gave this process its own
   mount, network, PID and IPC namespaces whose file system holds only the Python runtime and
   NumPy (read-only) and an empty ``/tmp``; otherwise (``mode: builtin``), as root, a private
   mount and network namespace, a fresh size-limited tmpfs for ``/tmp``, ``/var/tmp`` and
   ``/dev/shm``, and empty read-only mounts over a list of folders (the instructor's home, the
   grader's working folder and course clone, the library, ``scipy``, ``torch``, the submissions,
   the grader's output), the Python installation and NumPy put back inside them; as an
   ordinary user without bubblewrap, no file-system isolation at all. Then, on every path,
   resource limits (CPU, address space, file size, processes) and, as root, an unprivileged
   uid with no new privileges;
3. run the cells one by one (an exception ends that cell only, as in a notebook run with
   ``allow_errors``; a "start" record before each, so the parent can name the cell a crash
   happened in; all the cells together get ``cells_seconds`` of wall time, and a cell past it is
   stopped and the rest not run), then call each graded function on each case and write its
   result (each value at most its share of the results file: :class:`TooLarge` otherwise).

The submission can tamper with anything in this process (numpy, this module, the results file):
that only changes the *values* it reports, which the parent judges with its own copy of the
checks. Results are JSON; arrays travel as ``.npy`` bytes (base64), written and read without
pickle. Standard library and NumPy only; no actlab import (the submission must not find it).
"""
import base64
import builtins
import importlib.machinery
import io
import json
import os
import sys

# Modules imported up front, while the interpreter can still read its own installation.
PRELOAD = (
    "math", "cmath", "random", "itertools", "functools", "operator", "collections",
    "collections.abc", "statistics", "typing", "dataclasses", "fractions", "decimal", "copy",
    "re", "string", "textwrap", "time", "warnings", "enum", "numbers", "abc", "contextlib",
    "traceback", "linecache", "resource", "ctypes", "signal", "errno", "struct", "types",
    "heapq", "bisect", "pprint", "array",
)
NUMPY_PRELOAD = ("numpy", "numpy.linalg", "numpy.random", "numpy.lib.format")

# Modules the graded code must not use: the parent sends its one list
# (actlab.exercises.FORBIDDEN_MODULES) in the plan. Importing them gives a stand-in whose every call
# raises GradingImportBlocked: an `import actlab` at the top of a cell then costs the student
# nothing, but calling the library from a graded function fails and is reported as delegation.
BLOCKED: tuple = ()
# Display-only modules: a silent stand-in, so plotting cells run (and grading never pays for
# importing matplotlib, about 0.4 s).
SILENT = ("matplotlib", "mpl_toolkits", "IPython", "ipywidgets", "seaborn")

# NumPy error state of each call when a case names none (the exercises' default).
RAISE_FP_DEFAULT = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}

MAX_DEPTH = 8
MAX_ITEMS = 10000
# Room kept in the results file for the records after the values (markers, "done"): the file is
# capped by the output limit (RLIMIT_FSIZE), and a write past the cap would end the process.
RESULTS_RESERVE = 1 << 16


class TooLarge(TypeError):
    """A returned value bigger than its case allows (it is reported as such; it costs that case only)."""

    def __init__(self, nbytes, limit):
        super().__init__(f"{nbytes} bytes, at most {limit}")
        self.nbytes, self.limit = nbytes, limit


class GradingImportBlocked(ImportError):
    """Raised when graded code calls a module it must not delegate to."""


def _matches(name, prefixes):
    for p in prefixes:
        if name == p or name.startswith(p + "."):
            return p
    return None


class _CellTimeout(BaseException):
    """A cell ran past its share of the time limit (a BaseException: `except Exception` does not swallow it)."""


class _CaseTimeout(BaseException):
    """One call took longer than its budget (a BaseException, so `except Exception` in the
    student's code does not swallow it)."""


class _Blocked:
    """Stand-in for a blocked module or anything taken from it: calling it raises."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return _Blocked(f"{object.__getattribute__(self, '_name')}.{attr}")

    def __call__(self, *args, **kwargs):
        name = object.__getattribute__(self, "_name")
        raise GradingImportBlocked(f"{name} is not available while grading", name=name)

    def __repr__(self):
        return f"<not available while grading: {object.__getattribute__(self, '_name')}>"


class _Silent:
    """Stand-in for display modules: every attribute, call and item is another stand-in."""

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __iter__(self):  # `fig, ax = plt.subplots()`
        return iter((self, self))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _StandInModule(type(sys)):
    def __init__(self, name, stand_in):
        super().__init__(name)
        self.__path__ = []  # a package, so submodule imports also come here
        self._stand_in = stand_in

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(self._stand_in, attr)


class _Guard:
    """First entry of sys.meta_path: stand-ins for blocked and display-only modules."""

    def find_spec(self, name, path=None, target=None):
        if _matches(name, BLOCKED) or _matches(name, SILENT):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        name = spec.name
        stand_in = _Blocked(name) if _matches(name, BLOCKED) else _Silent()
        return _StandInModule(name, stand_in)

    def exec_module(self, module):
        pass


class _IPythonShell:
    """`get_ipython()` for magics the parent turned into calls: no-ops, except that the body of
    `%%time` / `%%capture` still runs (it may define functions)."""

    def __init__(self, namespace):
        self._ns = namespace

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "capture"):
            exec(compile(cell, "<cell magic>", "exec"), self._ns)

    def __getattr__(self, attr):
        return lambda *a, **k: None


# -- values across the process boundary (mirrors the parent's decoder) ----------------------

def encode(value, depth=0, budget=None, nbytes=None):
    """A JSON tree for ``value``; arrays as base64 ``.npy`` (never pickle). ``nbytes``: a one-item
    list holding the bytes the value may take; :class:`TooLarge` when it takes more (checked before
    anything is copied, so a huge array costs no memory here)."""
    import numpy as np
    from numpy.lib import format as npformat

    budget = budget if budget is not None else [MAX_ITEMS]
    if nbytes is not None and depth == 0:
        nbytes = [nbytes[0], nbytes[0]]  # [left, limit]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise TypeError("result too deeply nested or too long")
    t = type(value)
    if value is None:
        return {"k": "none"}
    if t is bool:
        return {"k": "bool", "v": value}
    if t is int:
        return {"k": "int", "v": str(value)}
    if t is float:
        return {"k": "float", "v": repr(value)}
    if t is str:
        return {"k": "str", "v": value[:10000]}
    if t in (tuple, list):
        return {"k": t.__name__, "items": [encode(v, depth + 1, budget, nbytes) for v in value]}
    arr = np.asarray(value)
    if arr.dtype.kind not in "biufcU":
        raise TypeError(f"cannot send a {type(value).__name__} of dtype {arr.dtype}")
    if nbytes is not None:
        nbytes[0] -= arr.nbytes
        if nbytes[0] < 0:
            raise TooLarge(nbytes[1] - nbytes[0], nbytes[1])
    buf = io.BytesIO()
    npformat.write_array(buf, arr, allow_pickle=False)  # (ascontiguousarray would make 0-d arrays 1-d)
    kind = "scalar" if isinstance(value, np.generic) else "array"
    return {"k": kind, "npy": base64.b64encode(buf.getvalue()).decode("ascii")}


def decode(tree, depth=0):
    """Inverse of :func:`encode` (used by the parent too, on untrusted input: no pickle)."""
    import numpy as np
    from numpy.lib import format as npformat

    if depth > MAX_DEPTH or not isinstance(tree, dict):
        raise ValueError("malformed value")
    k = tree.get("k")
    if k == "none":
        return None
    if k == "bool":
        return bool(tree["v"])
    if k == "int":
        return int(str(tree["v"]))
    if k == "float":
        return float(str(tree["v"]))
    if k == "str":
        return str(tree["v"])
    if k in ("tuple", "list"):
        items = [decode(v, depth + 1) for v in tree["items"]]
        return tuple(items) if k == "tuple" else items
    if k in ("array", "scalar"):
        raw = base64.b64decode(tree["npy"], validate=True)
        arr = npformat.read_array(io.BytesIO(raw), allow_pickle=False)
        if arr.dtype.kind not in "biufcU":
            raise ValueError(f"dtype {arr.dtype} not accepted")
        return arr[()] if k == "scalar" else arr
    raise ValueError(f"unknown value kind {k!r}")


# -- the sandbox ---------------------------------------------------------------------------

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 1, 2, 4, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG = 38, 1


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _mount_tmpfs(libc, target, options, flags=MS_NOSUID | MS_NODEV):
    import ctypes

    if libc.mount(b"tmpfs", os.fsencode(target), b"tmpfs", flags, options.encode()) != 0:
        raise OSError(ctypes.get_errno(), f"mount tmpfs on {target}")


MS_BIND, MS_REMOUNT, MS_MOVE = 4096, 32, 8192


def _reachable(path):
    """Can any user read ``path`` (o+rx on it, o+x on every directory above it)?"""
    import stat

    path = os.path.abspath(path)
    parts = path.split(os.sep)
    for i in range(1, len(parts) + 1):
        here = os.sep.join(parts[:i]) or os.sep
        try:
            mode = os.stat(here).st_mode
        except OSError:
            return False
        need = stat.S_IXOTH | (stat.S_IROTH if here == path else 0)
        if mode & need != need:
            return False
    return True


def _reach_python(libc):
    """The Python installation may sit under a 0700 home (pyenv in /root). For the unprivileged
    child, cover that home with an empty tmpfs and put the installation back at its own path
    (bind mount, read-only): the same paths work, and nothing else of that home is visible."""
    import ctypes

    def mount(src, target, fstype, flags, data=None):
        if libc.mount(src and os.fsencode(src), os.fsencode(target), fstype, flags, data) != 0:
            raise OSError(ctypes.get_errno(), f"mount {src} on {target}")

    moves, covers = [], []
    for n, prefix in enumerate(sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)})):
        if _reachable(prefix) or not os.path.isdir(prefix):
            continue
        parts = prefix.split(os.sep)
        cover = next(os.sep.join(parts[:i]) for i in range(2, len(parts) + 1)
                     if not _reachable(os.sep.join(parts[:i])))
        stage = f"/tmp/.stage{n}"
        os.mkdir(stage, 0o700)
        mount(prefix, stage, None, MS_BIND | MS_REC)
        moves.append((stage, prefix))
        if cover not in covers:
            covers.append(cover)
    for cover in covers:
        mount("tmpfs", cover, b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=0755")
    for stage, prefix in moves:
        os.makedirs(prefix, 0o755, exist_ok=True)
        mount(stage, prefix, None, MS_MOVE)
        mount(None, prefix, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC)
        os.rmdir(stage)


def _cover_keeping(libc, covers, keep):
    """Cover each folder of ``covers`` with an empty read-only tmpfs, but put each path of ``keep``
    that lies inside one back at its own path (bind mount, read-only): the same paths work, and
    nothing else of the covered folder is visible."""
    import ctypes

    def mount(src, target, fstype, flags, data=None):
        if libc.mount(src and os.fsencode(src), os.fsencode(target), fstype, flags, data) != 0:
            raise OSError(ctypes.get_errno(), f"mount {src} on {target}")

    def inside(path, folder):
        return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)

    moves = []
    for n, path in enumerate(sorted({os.path.realpath(p) for p in keep})):
        if os.path.exists(path) and any(inside(path, c) for c in covers):
            stage = f"/tmp/.keep{n}"
            os.mkdir(stage, 0o700)
            mount(path, stage, None, MS_BIND | MS_REC)
            moves.append((stage, path))
    for cover in covers:
        mount("tmpfs", cover, b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=0755")
    for stage, path in moves:
        os.makedirs(path, 0o755, exist_ok=True)
        mount(stage, path, None, MS_MOVE)
        mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC)
        os.rmdir(stage)
    for cover in covers:
        mount(None, cover, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, b"size=1m,mode=0755")


def sandbox(cfg, notes):
    """Apply what the machine allows; record in ``notes`` what was applied (the feedback's last
    line names exactly these)."""
    import resource

    root = os.geteuid() == 0
    uid = cfg.get("uid") if root else None
    libc = None
    try:
        libc = _libc()
    except OSError:
        pass
    workdir = cfg["workdir"]
    bwrap = cfg.get("mode") == "bwrap"
    if bwrap:
        notes.extend(("network", "files_whitelist"))
        if root:
            os.mkdir("/tmp/submission", 0o700)
            if uid is not None:
                os.chown("/tmp/submission", uid, uid)
        workdir = "/tmp/submission" if root else "/tmp"
    elif not root or libc is None:
        notes.append("files_shared")
    if root and libc is not None and not bwrap:
        if libc.unshare(CLONE_NEWNET) == 0:
            notes.append("network")
        if libc.unshare(CLONE_NEWNS) == 0:
            try:
                if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
                    raise OSError("mount --make-rprivate /")
                tmp_opts = f"size={cfg['disk_mb']}m,mode=1777"
                _mount_tmpfs(libc, "/tmp", tmp_opts)
                # from here on the parent's work folder (under the old /tmp) is out of sight
                os.mkdir("/tmp/submission", 0o700)
                if uid is not None:
                    os.chown("/tmp/submission", uid, uid)
                workdir = "/tmp/submission"
                for extra in ("/var/tmp", "/dev/shm"):
                    if os.path.isdir(extra):
                        _mount_tmpfs(libc, extra, tmp_opts)
                if uid is not None:
                    _reach_python(libc)
                folders = [p for p in cfg.get("hide", ()) if os.path.isdir(p)]
                _cover_keeping(libc, folders, cfg.get("keep", ()))
                for path in cfg.get("hide", ()):
                    if os.path.isfile(path):  # a file (journal, seed file): /dev/null over it
                        libc.mount(b"/dev/null", os.fsencode(path), None, MS_BIND, None)
                notes.append("files_partial")
            except OSError as err:
                notes.append(f"files_failed ({err})")
        else:
            notes.append("files_shared")
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    os.environ["TMPDIR"] = "/tmp" if workdir.startswith("/tmp") else workdir

    cpu = int(resource.getrusage(resource.RUSAGE_SELF).ru_utime + cfg["cpu_seconds"]) + 1
    limits = [
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (cfg["memory_mb"] << 20,) * 2),
        (resource.RLIMIT_FSIZE, (cfg["output_mb"] << 20,) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_NOFILE, (256, 256)),
    ]
    if uid is not None:
        # Counted per uid, and the uid is this worker's own: no forks, no threads, no daemons.
        limits.append((resource.RLIMIT_NPROC, (1, 1)))
    for which, value in limits:
        try:
            resource.setrlimit(which, value)
        except (ValueError, OSError):
            pass
    notes.append("limits")
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if os.getuid() == 0 or os.geteuid() == 0:
            raise SystemExit("could not drop root")
        notes.append("user")
    if libc is not None:
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        # if the grader dies, so does this process (set after setuid, which clears it)
        libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
        if cfg.get("parent") is not None and os.getppid() != cfg["parent"]:
            os._exit(3)


# -- running -------------------------------------------------------------------------------

def _kind(err):
    if isinstance(err, GradingImportBlocked):
        return "blocked"
    if isinstance(err, NotImplementedError):
        return "not_implemented"
    if isinstance(err, MemoryError):
        return "memory"
    if isinstance(err, SystemExit):
        return "exit"
    if isinstance(err, OSError) and getattr(err, "errno", None) == 27:  # EFBIG: output cap
        return "output"
    return "error"


def _describe(err):
    try:
        message = str(err)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "?"
    return type(err).__name__, " ".join(message.split())[:500]


def _line_in(err, filename):
    tb = err.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def main():
    global BLOCKED
    plan = json.loads(sys.stdin.buffer.read())
    BLOCKED = tuple(plan["blocked"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    fd = plan["results_fd"]
    dumps = json.dumps
    write = os.write

    def emit(obj):
        data = (dumps(obj) + "\n").encode()
        while data:
            data = data[write(fd, data):]

    sys.path[:] = [p for p in sys.path if p] + list(plan["sitedirs"])
    import importlib

    for name in PRELOAD + NUMPY_PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    import numpy as np

    notes = []
    sandbox(plan["sandbox"], notes)
    sys.meta_path.insert(0, _Guard())
    for name in list(sys.modules):
        if _matches(name, BLOCKED) or _matches(name, SILENT):
            del sys.modules[name]
    emit({"ready": notes})

    ns = {"__name__": "__main__", "__builtins__": builtins}
    ns["get_ipython"] = lambda: _IPythonShell(ns)
    ns["display"] = lambda *a, **k: None
    import signal
    import time

    # The cells share a part of the time limit (wall time: a cell may also sleep or wait): a cell
    # that runs past it is stopped, the cells after it are not run (as in a notebook stopped
    # there), and the functions defined so far are still graded. A "start" record before each
    # cell lets the parent name the cell a crash happened in.
    cells_end = time.monotonic() + float(plan.get("cells_seconds") or 0)

    def cell_overrun(signum, frame):
        raise _CellTimeout()

    signal.signal(signal.SIGALRM, cell_overrun)
    stopped = None
    for index, source in plan["cells"]:
        if stopped is not None:
            break
        emit({"start": index})
        filename = f"<cell {index}>"
        try:
            if plan.get("cells_seconds"):
                # repeating: a cell that swallows the first interruption gets another
                signal.setitimer(signal.ITIMER_REAL, max(0.001, cells_end - time.monotonic()), 0.05)
            try:
                code = compile(source, filename, "exec")
                exec(code, ns)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _CellTimeout as err:
            stopped = index
            emit({"cell": index, "kind": "cell_time", "type": "TimeoutError", "message": "",
                  "line": _line_in(err, filename)})
            del err
        except BaseException as err:  # noqa: BLE001 - a cell's failure ends that cell only
            name, message = _describe(err)
            line = err.lineno if isinstance(err, SyntaxError) else _line_in(err, filename)
            emit({"cell": index, "kind": _kind(err), "type": name, "message": message, "line": line})
            del err
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    emit({"cells_done": True, "stopped": stopped})

    errstate = np.errstate
    # every value shares what the results file may hold; one case may take at most its own share
    room = [max(0, int(plan.get("results_bytes") or 0) - RESULTS_RESERVE)]
    share = room[0] // max(1, len(plan["cases"])) * 3 // 4  # .npy bytes: base64 makes them 4/3 longer

    # One slow call must not cost the other functions their checks: each call gets a budget, and
    # a function that overruns it once is not called again (its remaining cases fail as slow).
    # CPU time (ITIMER_PROF), not wall time: the verdict must not depend on the machine's load.
    budget = float(plan.get("case_seconds") or 0)
    set_cpu_timer, CPU_TIMER = signal.setitimer, signal.ITIMER_PROF

    def overrun(signum, frame):
        raise _CaseTimeout()

    signal.signal(signal.SIGPROF, overrun)
    slow = set()
    for i, case in enumerate(plan["cases"]):
        fn = ns.get(case["function"])
        if fn is None:
            emit({"case": i, "r": "missing"})
            continue
        if not callable(fn):
            emit({"case": i, "r": "not_callable", "type": type(fn).__name__})
            continue
        if case["function"] in slow:
            emit({"case": i, "r": "slow", "skipped": True})
            continue
        try:
            args = [decode(a) for a in case["args"]]
            try:
                if budget:
                    set_cpu_timer(CPU_TIMER, budget)
                with errstate(**case["errstate"]):
                    value = fn(*args)
            finally:
                if budget:
                    set_cpu_timer(CPU_TIMER, 0)
        except _CaseTimeout:
            slow.add(case["function"])
            emit({"case": i, "r": "slow"})
            continue
        except BaseException as err:  # noqa: BLE001
            name, message = _describe(err)
            emit({"case": i, "r": "raised", "kind": _kind(err), "type": name, "message": message,
                  "module": getattr(err, "name", None) if isinstance(err, ImportError) else None})
            del err
            continue
        try:
            limit = min(int(case.get("max_bytes") or share), share, room[0]) if share else None
            record = dumps({"case": i, "r": "value", "value": encode(value, nbytes=None if limit is None else [limit])})
            if limit is not None and len(record) > limit * 4 // 3 + 4096:  # base64 and JSON around the bytes
                raise TooLarge(len(record) * 3 // 4, limit)
            if limit is not None:
                room[0] -= len(record)
            data = (record + "\n").encode()
            while data:
                data = data[write(fd, data):]
        except TooLarge as err:
            emit({"case": i, "r": "too_large", "bytes": err.nbytes, "limit": err.limit})
            del err
        except BaseException as err:  # noqa: BLE001
            name, message = _describe(err)
            emit({"case": i, "r": "unportable", "type": type(value).__name__, "message": message})
    import resource

    # its own CPU time, for the grader's statistics only (never a score): under bubblewrap the
    # parent's wait4 sees bubblewrap's CPU, not this process's
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    emit({"done": True, "cpu": sum(u.ru_utime + u.ru_stime for u in usage)})


if __name__ == "__main__":
    main()
