"""Grading a batch: exercise and cases, one child per submission, journal, feedback files, the CSV.

Everything that decides a score happens here, in the trusted parent: the expected values, the
hidden inputs (from the instructor's seed), the comparison (``case.check``), the delegation rule.
The child only reports what each function returned.
"""
from __future__ import annotations

import csv
import hashlib
import importlib
import importlib.util
import io
import json
import os
import re
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

import numpy as np

from ..exercises import EXERCISES, FORBIDDEN_MODULES
from ..exercises.cases import Case, Verdict
from . import runner
from .feedback import MESSAGES, isolation_text, number
from .notebook import InvalidNotebook, read_submission, sniff_language
from .sandbox import Cancelled, ChildRun, Limits, hidden_dirs, isolation_mode, run_child, slot_uids
from .screen import screen

VERSION = "3"  # part of every journal key, with the grader's own source (below): old rows are then ignored
# The code that decides a row. Its bytes are part of the journal key, so a changed grader (a
# new delegation rule, other feedback) never reuses rows an older grader wrote.
GRADER_FILES = tuple(Path(__file__).with_name(n) for n in (
    "core.py", "feedback.py", "notebook.py", "runner.py", "sandbox.py", "screen.py")) + (
    Path(__file__).resolve().parents[1] / "exercises" / "cases.py",)
DEFAULT_SEED = 0
#: The CSV's columns: the contract's seven, then the failed checks' ids and machine-readable flags
#: (``;``-separated) that the class report reads.
COLUMNS = ("submission", "exercise", "score", "max_score", "status", "feedback", "functions",
           "failed_checks", "flags")
#: What each status says about the score (the instructor guide has the same table).
STATUS_MEANING = {
    "ok": "every check ran: the score is the grade (problems in cells that did not stop a check are noted)",
    "error": "the process ended before every check had run (it exited or was killed, or a limit stopped it), or a "
             "cell crashed it and the notebook was graded up to that cell: the score counts only the checks that ran; "
             "look at it",
    "timeout": "the time limit stopped the notebook (a cell past the cells' share of it, then graded up to that "
               "cell), or a graded function overran its per-call budget: the checks that did not run score 0; look at it",
    "invalid": "not a notebook the grader can read: score 0",
}
STATUSES = tuple(STATUS_MEANING)
#: Flags that put an ``ok`` row on the report's "needs a look" list too.
LOOK_FLAGS = ("cell_error", "memory_limit", "output_limit", "delegation", "no_functions", "too_large",
              "setup_code", "cell_crash", "cell_time")
MAX_NOTEBOOK_BYTES = 50 << 20


class UsageError(Exception):
    """A mistake in how the grader was called (exit status 2, before anything is graded)."""


class Interrupted(Exception):
    """The batch was interrupted (Ctrl-C); ``rows`` finished and are in the CSV; a rerun resumes."""

    def __init__(self, rows: list, total: int):
        super().__init__(f"interrupted: {len(rows)} of {total} submissions graded")
        self.rows, self.total = rows, total


# -- the exercise --------------------------------------------------------------------------

@dataclass
class Exercise:
    """An exercise ready to grade: its cases (public then hidden, for one seed) and what the child gets."""

    name: str
    module: ModuleType
    functions: tuple
    title: dict
    cases: list
    hidden: set            # indices of hidden cases
    cases_json: str        # what the child gets: function, arguments, error state; nothing else
    key: str               # changes when the checks, their inputs (the seed) or the grader change
    grader_key: str = ""   # the same without the seed: tells "another seed" from "another grader"
    seed_id: str = ""      # a fingerprint of the seed (not the seed): shards must agree on it

    @property
    def max_score(self) -> float:
        """Full marks: every case's points, public and hidden."""
        return float(sum(c.points for c in self.cases))

    def function_max(self, function: str) -> float:
        """Full marks of one graded function."""
        return float(sum(c.points for c in self.cases if c.function == function))


def _known_exercises() -> str:
    return ", ".join(sorted(EXERCISES))


def load_module(spec: str) -> tuple[str, ModuleType]:
    """``ex02`` / ``ex02_sigmoid_tanh`` -> actlab.exercises.ex02; a dotted name; or a .py file."""
    if spec.endswith(".py") and os.path.isfile(spec):
        name = "actlab_grade_exercise_" + re.sub(r"\W", "_", Path(spec).stem)
        loader_spec = importlib.util.spec_from_file_location(name, spec)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        loader_spec.loader.exec_module(module)
        return Path(spec).stem, module
    found = re.fullmatch(r"(ex\d\d)(?:_\w+)?", spec)
    if found:
        if found.group(1) not in EXERCISES:
            raise UsageError(f"unknown exercise {spec!r}: the exercises are {_known_exercises()} "
                             "(or give a module name or a .py file with the checks)")
        return found.group(1), EXERCISES[found.group(1)]
    if re.fullmatch(r"[A-Za-z_][\w.]*", spec):
        try:
            return spec.rsplit(".", 1)[-1], importlib.import_module(spec)
        except ImportError:
            pass
    raise UsageError(f"unknown exercise {spec!r}: the exercises are {_known_exercises()} "
                     "(or give a module name or a .py file with the checks)")


def _digest(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load_exercise(spec: str | ModuleType, seed: int) -> Exercise:
    """The exercise's public cases and its hidden cases for ``seed``, ready to send (arguments only)."""
    if isinstance(spec, str):
        name, module = load_module(spec)
    else:
        name, module = getattr(spec, "NAME", spec.__name__.rsplit(".", 1)[-1]), spec
    name = getattr(module, "NAME", name)
    public = list(module.public_cases())
    hidden = list(module.hidden_cases(np.random.default_rng(seed)))
    cases = public + hidden
    functions = tuple(module.FUNCTIONS)
    for case in cases:
        if case.function not in functions:
            raise UsageError(f"case {case.id!r} checks {case.function!r}, which is not in FUNCTIONS")
    plan = []
    for c in cases:
        args = [runner.encode(a) for a in c.args]
        # the most a returned value may take: far more than any right answer (about the size of
        # its input), far less than a mistaken broadcast (x[:, None] + x) that would fill the results
        plan.append({"function": c.function, "args": args, "max_bytes": max(1 << 20, 16 * len(json.dumps(args))),
                     "errstate": dict(getattr(c, "errstate", None) or runner.RAISE_FP_DEFAULT)})
    cases_json = json.dumps(plan)
    public_json = json.dumps(plan[:len(public)])
    try:
        source = Path(module.__file__).read_bytes()
    except (OSError, TypeError, AttributeError):
        source = b""
    grader = [VERSION, name, source, *(_read(f) for f in GRADER_FILES)]
    return Exercise(name, module, functions, dict(getattr(module, "TITLE", {"ko": name, "en": name})), cases,
                    set(range(len(public), len(cases))), cases_json, _digest(*grader, seed, cases_json),
                    _digest(*grader, public_json), _digest("actlab-grade seed", seed))


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


# -- one submission ------------------------------------------------------------------------

@dataclass
class Settings:
    """How a batch is graded (everything but the exercise, the seed and the submissions)."""

    limits: Limits = field(default_factory=Limits)
    lang: str | None = None          # force the feedback language (default: the notebook's)
    class_lang: str = "ko"           # the class's language: for files whose own language cannot be told
    reveal_hidden: bool = False      # show hidden cases' inputs and expected values in feedback
    isolation: str = "auto"          # "auto" (bubblewrap when it works here), "bwrap" or "builtin"


@dataclass
class Graded:
    """Everything decided about one submission: what the feedback file, the CSV row and the
    Gradescope results are written from."""

    exercise: Exercise
    sid: str
    lang: str
    settings: Settings
    status: str
    reason: str = ""                                  # why the status is not plainly "ok" (one sentence)
    verdicts: list = field(default_factory=list)      # one Verdict (or None: never ran) per case
    delegated: dict = field(default_factory=dict)     # function -> why it scores 0
    cells: list = field(default_factory=list)         # the child's records of cells that failed
    run: ChildRun = field(default_factory=ChildRun)
    flags: tuple = ()
    crash: dict | None = None                         # the cell the first run died in, and how
    setup_code: tuple = ()                            # (setup cell number, names it defines) when it holds code

    @property
    def score(self) -> float:
        return sum(float(c.points) for c, v in zip(self.exercise.cases, self.verdicts) if v is not None and v.passed)

    def points(self, function: str, hidden: bool | None = None) -> tuple[float, float]:
        """(points, max) of ``function``'s checks: all, only the public (False) or only the hidden (True)."""
        got = top = 0.0
        for i, (c, v) in enumerate(zip(self.exercise.cases, self.verdicts)):
            if c.function != function or (hidden is not None and (i in self.exercise.hidden) != hidden):
                continue
            top += float(c.points)
            got += float(c.points) if v is not None and v.passed else 0.0
        return got, top

    @property
    def failed_checks(self) -> list[str]:
        return [c.id for c, v in zip(self.exercise.cases, self.verdicts) if not (v is not None and v.passed)]


@dataclass
class Result:
    """One submission's CSV row and feedback text (``graded`` is None for a row from the journal)."""

    row: dict
    feedback: str
    cpu_seconds: float = 0.0
    internal: bool = False  # the grader failed, not the submission: not journalled, so a re-run retries
    reused: bool = False    # taken from the journal of an earlier run, not graded again
    graded: Graded | None = None


def _internal_error(ex: Exercise, sid: str, settings: Settings, exc: BaseException) -> Result:
    lang = settings.lang or settings.class_lang
    text = MESSAGES("internal", lang=lang, error=f"{type(exc).__name__}: {exc}"[:300])
    row = _row(Graded(ex, sid, lang, settings, "error", text, [None] * len(ex.cases)), text)
    return Result(row, text + "\n", internal=True)


def _delegation_text(lang: str, function: str, info: tuple) -> str:
    kind, what, cell, line, via = info
    key = "delegation_module" if kind == "module" else "delegation_dynamic"
    where = MESSAGES("where", lang=lang, cell=cell, line=line)
    if via != function:
        where += MESSAGES("via", lang=lang, name=via)
    return MESSAGES(key, lang=lang, function=function, what=what, where=where, modules=_forbidden_text())


def _forbidden_text() -> str:
    return ", ".join(FORBIDDEN_MODULES)


def grade_submission(ex: Exercise, sid: str, data: bytes | None, settings: Settings,
                     uid: int | None = None, hide: Iterable[str] = (),
                     read_error: InvalidNotebook | str | None = None, *,
                     mode: str | None = None, stop: threading.Event | None = None) -> Result:
    """Grade one notebook's bytes: never raises for anything the submission does.

    ``uid``: the unprivileged user to run as (root only); ``hide``: what the ``builtin`` isolation
    covers; ``mode``: ``bwrap`` or ``builtin`` (default: :func:`isolation_mode` of the settings);
    ``stop``: set it to kill the child and raise :class:`Cancelled` (Ctrl-C).
    """
    lim = settings.limits
    try:
        if isinstance(read_error, InvalidNotebook):
            raise read_error
        if read_error:
            raise InvalidNotebook("invalid_unreadable", error=str(read_error))
        sub = read_submission(data)
    except InvalidNotebook as err:
        lang = settings.lang or sniff_language(data) or settings.class_lang
        text = MESSAGES("invalid", lang=lang, reason=err.text(lang))
        g = Graded(ex, sid, lang, settings, "invalid", text, [None] * len(ex.cases))
        return Result(_row(g, text), _feedback_text(g), graded=g)
    lang = settings.lang or sub.lang or settings.class_lang
    delegated = {f: _delegation_text(lang, f, info)
                 for f, info in screen(sub.cells, ex.functions).items()}
    mode = mode or isolation_mode(settings.isolation)
    run = run_child(sub.cells, ex.cases_json, lim, uid, list(hide), blocked=FORBIDDEN_MODULES, mode=mode, stop=stop)
    crash = None
    stopped_in = _crashed_cell(run)
    if stopped_in is not None:
        # The process died (or the time limit killed it) inside a cell: run the notebook again
        # up to that cell, so the functions defined before it are still graded (once: a second
        # crash is graded as it is).
        crash = {"cell": stopped_in, "how": _ending(run, lim, lang), "timed": run.timed_out or run.cpu_limit}
        run = run_child([c for c in sub.cells if c[0] < stopped_in], ex.cases_json, lim, uid, list(hide),
                        blocked=FORBIDDEN_MODULES, mode=mode, stop=stop)

    cells = [r for r in run.records if "cell" in r]
    results = {}
    for r in run.records:
        if isinstance(r.get("case"), int) and 0 <= r["case"] < len(ex.cases):
            results.setdefault(r["case"], r)
    for i, r in results.items():  # a call that hit the run-time fence: delegation as well
        if r.get("r") == "raised" and r.get("kind") == "blocked":
            f = ex.cases[i].function
            delegated.setdefault(f, MESSAGES("delegation_runtime", lang=lang, function=f,
                                             what=str(r.get("module") or r.get("message"))[:80],
                                             modules=_forbidden_text()))
    verdicts = [_judge(case, results.get(i), delegated.get(case.function), lang, lim.case_seconds)
                for i, case in enumerate(ex.cases)]
    slow = sorted({ex.cases[i].function for i, r in results.items() if r.get("r") == "slow"})
    status, reason, flags = _status(run, cells, lim, lang, slow, missing=len(results) < len(ex.cases), crash=crash)
    if delegated:
        flags.append("delegation")
    if results and len(results) == len(ex.cases) and all(r.get("r") == "missing" for r in results.values()):
        flags.append("no_functions")  # e.g. another exercise's notebook handed in
        note = MESSAGES("no_functions", lang=lang, functions=", ".join(ex.functions))
        reason = f"{reason}; {note}" if reason else note
    if any(r.get("r") == "too_large" for r in results.values()):
        flags.append("too_large")
    if sub.setup_code:
        flags.append("setup_code")
    g = Graded(ex, sid, lang, settings, status, reason, verdicts, delegated, cells, run, tuple(flags),
               crash=crash, setup_code=sub.setup_code)
    passed = sum(1 for v in verdicts if v is not None and v.passed)
    summary = MESSAGES("summary", lang=lang, total=len(ex.cases), passed=passed)
    if reason:
        summary += "; " + reason
    if delegated:
        summary += "; " + MESSAGES("delegated", lang=lang, functions=", ".join(sorted(delegated)))
    return Result(_row(g, summary), _feedback_text(g), run.cpu_seconds, graded=g)


def _both(key: str, **fields) -> dict:
    return {lang: MESSAGES(key, lang=lang, **fields) for lang in ("ko", "en")}


def _judge(case: Case, r: dict | None, delegation: str | None, lang: str, budget: float) -> Verdict | None:
    """The Verdict of one case from what the child reported (None: the case never ran)."""
    if delegation:
        return Verdict(False, {code: f"✗ {case.label()}: {delegation}" for code in ("ko", "en")}, "delegation")
    if r is None:
        return None
    kind = r.get("r")
    try:
        if kind == "missing":
            return case.run(None)
        if kind == "not_callable":
            return case.error_verdict("TypeError", MESSAGES("not_callable", lang=lang, function=case.function,
                                                            type=str(r.get("type"))[:40]))
        if kind == "raised":
            if r.get("kind") == "memory":
                return case.error_verdict("MemoryError", str(r.get("message") or "memory limit"))
            return case.error_verdict(str(r.get("type"))[:60], str(r.get("message"))[:300])
        if kind == "slow":
            return case.error_verdict("TimeoutError", MESSAGES("slow", lang=lang, function=case.function,
                                                               seconds=number(budget)))
        if kind == "too_large":
            return case.error_verdict("ValueError", MESSAGES("too_large", lang=lang,
                                                             mb=number(round(float(r.get("bytes") or 0) / 2**20, 1)),
                                                             limit=number(round(float(r.get("limit") or 0) / 2**20, 2))))
        if kind == "unportable":
            return case.error_verdict("TypeError", MESSAGES("unreadable", lang=lang, type=str(r.get("type"))[:40],
                                                            message=str(r.get("message"))[:200]))
        if kind == "value":
            try:
                actual = runner.decode(r["value"])
            except Exception as err:  # noqa: BLE001 - untrusted bytes
                return case.error_verdict("TypeError", MESSAGES("unreadable", lang=lang, type="?",
                                                                message=str(err)[:200]))
            with np.errstate(all="ignore"):
                return case.check(actual)
    except Exception as err:  # noqa: BLE001 - a check that cannot judge this value fails the case
        return case.error_verdict(type(err).__name__, str(err)[:300])
    return None


def _crashed_cell(run: ChildRun) -> int | None:
    """The cell the child was running when it ended (died or was killed) before the cells were done."""
    if any("cells_done" in r for r in run.records):
        return None
    started = [r["start"] for r in run.records if isinstance(r.get("start"), int)]
    return started[-1] if started else None


def _ending(run: ChildRun, lim: Limits, lang: str) -> str:
    """How a child ended early, in one phrase."""
    if run.timed_out or run.cpu_limit:
        return MESSAGES("cpu" if run.cpu_limit and not run.timed_out else "timeout", lang=lang,
                        timeout=number(lim.timeout))
    code = run.returncode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return MESSAGES("signal", lang=lang, signal=name, memory=lim.memory_mb)
    return MESSAGES("exit", lang=lang, code=code)


def _status(run: ChildRun, cells: list, lim: Limits, lang: str, slow: list, missing: bool,
            crash: dict | None = None) -> tuple[str, str, list]:
    """(status, reason, flags). The status says whether the score can be trusted as it is:
    ``ok`` when every check ran (problems in cells are then only noted), else ``timeout`` or
    ``error`` (see :data:`STATUS_MEANING`)."""
    kinds = {c.get("kind") for c in cells}
    flags = []
    if crash is not None:
        # the first run ended inside this cell; the second ran the cells before it and graded
        flags.append("cell_crash")
        text = MESSAGES("crashed", lang=lang, cell=crash["cell"], how=crash["how"])
        timed = crash["timed"]
        if timed:
            flags.append("time_limit")
        status, reason, more = _status(run, cells, lim, lang, slow, missing)
        flags += [f for f in more if f not in flags]
        return ("timeout" if timed else "error") if status == "ok" else status, "; ".join([text, reason]).strip("; "), flags
    stopped = [c for c in cells if c.get("kind") == "cell_time"]
    if stopped:
        flags.append("time_limit")
        flags.append("cell_time")
        text = MESSAGES("cell_stopped", lang=lang, cell=stopped[0]["cell"], seconds=number(lim.cells_seconds))
        status, reason, more = _status(run, [c for c in cells if c.get("kind") != "cell_time"], lim, lang, slow, missing)
        flags += [f for f in more if f not in flags]
        return "timeout" if status == "ok" else status, "; ".join([text, reason]).strip("; "), flags
    if "memory" in kinds:
        flags.append("memory_limit")
    if "output" in kinds:
        flags.append("output_limit")
    bad = [str(c["cell"]) for c in cells if c.get("kind") in ("error", "exit", "memory", "output")]
    if bad:
        flags.append("cell_error")
    notes = []
    if "memory" in kinds:
        notes.append(MESSAGES("memory", lang=lang, memory=lim.memory_mb))
    if "output" in kinds:
        notes.append(MESSAGES("output", lang=lang, output=lim.output_mb))
    if bad:
        notes.append(MESSAGES("cells", lang=lang, cells=", ".join(bad)))
    if run.timed_out or run.cpu_limit:
        flags.append("time_limit")
        text = MESSAGES("cpu" if run.cpu_limit and not run.timed_out else "timeout", lang=lang,
                        timeout=number(lim.timeout))
        return "timeout", "; ".join([text, *notes]), flags
    if slow:
        flags.append("slow")
        text = MESSAGES("slow_status", lang=lang, functions=", ".join(slow), seconds=number(lim.case_seconds))
        return "timeout", "; ".join([text, *notes]), flags
    if not run.done or missing:
        code = run.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            text = MESSAGES("signal", lang=lang, signal=name, memory=lim.memory_mb)
        else:
            text = MESSAGES("exit", lang=lang, code=code)
        return "error", "; ".join([text, *notes]), flags
    if notes:
        return "ok", "; ".join([*notes, MESSAGES("checks_unaffected", lang=lang)]), flags
    return "ok", "", flags


def _row(g: Graded, feedback: str) -> dict:
    ex = g.exercise
    functions = ";".join(f"{f}={number(g.points(f)[0])}/{number(ex.function_max(f))}" for f in ex.functions)
    return {"submission": g.sid, "exercise": ex.name, "score": number(g.score), "max_score": number(ex.max_score),
            "status": g.status, "feedback": " ".join(feedback.split()), "functions": functions,
            "failed_checks": ";".join(g.failed_checks) if g.status != "invalid" else "",
            "flags": ";".join(g.flags)}


def function_feedback(g: Graded, function: str, hidden: bool | None = None) -> list[str]:
    """The feedback lines of one graded function (all its checks, or only the public / hidden ones)."""
    ex, lang, out = g.exercise, g.lang, []
    idx = [i for i, c in enumerate(ex.cases) if c.function == function
           and (hidden is None or (i in ex.hidden) == hidden)]
    if not idx:
        return out
    if function in g.delegated:
        return ["  " + g.delegated[function]]
    verdicts = g.verdicts
    if all(getattr(verdicts[i], "status", None) == "not_implemented" for i in idx):
        first = verdicts[idx[0]].message
        return ["  " + (first.get(lang) or next(iter(first.values()))).split(": ", 1)[-1]]  # one line, not one per check
    hidden_total = hidden_passed = 0
    for i in idx:
        case, v = ex.cases[i], verdicts[i]
        try:
            label = case.label()
        except Exception:  # noqa: BLE001 - an exercise module without labels
            label = f"{case.function} [{case.id}]"
        if i in ex.hidden:
            hidden_total += 1
            hidden_passed += bool(v is not None and v.passed)
            if v is not None and v.passed:
                continue
            if not g.settings.reveal_hidden or v is None:
                out.append("  " + (MESSAGES("hidden", lang=lang, label=label) if v is not None
                                   else MESSAGES("not_run", lang=lang, label=label)))
                continue
        if v is None:
            out.append("  " + MESSAGES("not_run", lang=lang, label=label))
        else:
            text = v.message.get(lang) or next(iter(v.message.values()))
            out.extend("  " + line for line in text.splitlines())
    if hidden_total:
        out.append("  " + MESSAGES("hidden_passed", lang=lang, passed=hidden_passed, total=hidden_total))
    return out


def problems_feedback(g: Graded) -> list[str]:
    """What went wrong while the notebook ran (cells, the last output of a process that died)."""
    lang, out = g.lang, []
    if g.cells or g.crash or g.setup_code:
        out.append(MESSAGES("problems", lang=lang))
        if g.setup_code:
            out.append(MESSAGES("setup_code", lang=lang, cell=g.setup_code[0], names=", ".join(g.setup_code[1])))
        if g.crash:
            out.append(MESSAGES("cell_crashed", lang=lang, cell=g.crash["cell"], how=g.crash["how"]))
        for c in g.cells:
            kind = c.get("kind")
            if kind == "cell_time":
                line = MESSAGES("at_line", lang=lang, line=c["line"]) if isinstance(c.get("line"), int) else ""
                out.append(MESSAGES("cell_time", lang=lang, cell=c.get("cell"), line=line,
                                    seconds=number(g.settings.limits.cells_seconds)))
            elif kind == "blocked":
                what = re.sub(r" is not available.*", "", str(c.get("message")))[:80]
                out.append(MESSAGES("cell_blocked", lang=lang, cell=c.get("cell"), what=what))
            elif kind == "not_implemented":
                out.append(MESSAGES("cell_not_implemented", lang=lang, cell=c.get("cell")))
            else:
                line = MESSAGES("at_line", lang=lang, line=c["line"]) if isinstance(c.get("line"), int) else ""
                out.append(MESSAGES("cell_error", lang=lang, cell=c.get("cell"), line=line,
                                    type=str(c.get("type"))[:60], message=str(c.get("message"))[:300]))
        out.append(MESSAGES("numbering", lang=lang))
        out.append("")
    if g.status == "error" and not g.run.records and g.run.output_tail.strip():
        out.append(MESSAGES("output_tail", lang=lang))
        out.extend("  " + line for line in g.run.output_tail.strip().splitlines()[-15:])
        out.append("")
    return out


def limits_line(g: Graded) -> str:
    """The footer: the limits used and exactly the isolation the child reported having applied."""
    lim = g.settings.limits
    return MESSAGES("limits", lang=g.lang, timeout=number(lim.timeout), memory=lim.memory_mb,
                    output=lim.output_mb, isolation=isolation_text(g.run.isolation, g.lang))


def _feedback_text(g: Graded) -> str:
    ex, lang = g.exercise, g.lang
    out = [MESSAGES("header", lang=lang, exercise=ex.name, title=ex.title.get(lang, ex.name)),
           MESSAGES("submission", lang=lang, sid=g.sid),
           MESSAGES("score", lang=lang, score=number(g.score), max=number(ex.max_score)),
           MESSAGES("status", lang=lang, status=g.status, text=g.reason or MESSAGES("ok", lang=lang))]
    if g.status == "invalid":
        return "\n".join(out) + "\n"
    out.append("")
    for f in ex.functions:
        idx = [i for i, c in enumerate(ex.cases) if c.function == f]
        got, top = g.points(f)
        npass = sum(1 for i in idx if g.verdicts[i] is not None and g.verdicts[i].passed)
        out.append(MESSAGES("function", lang=lang, function=f, total=len(idx), passed=npass,
                            points=number(got), max=number(top)))
        out.extend(function_feedback(g, f))
        out.append("")
    out.extend(problems_feedback(g))
    out.append(limits_line(g))
    return "\n".join(out) + "\n"


# -- the batch -----------------------------------------------------------------------------

def _is_notebook(path: Path) -> bool:
    return path.name.lower().endswith(".ipynb") and len(path.name) > 6


def collect(paths: Iterable[str | os.PathLike], id_from: str = "stem",
            skipped: list | None = None) -> dict[str, str]:
    """``{student id: path}``: files as given, directories searched (recursively) for notebooks,
    ``.ipynb`` in any case (``.IPYNB``); checkpoints and hidden files skipped. Other files found
    in a directory (``20240009.ipynb.txt``) are appended to ``skipped`` for the caller to report.

    A path that does not exist, or no notebook at all, is a mistake in the command
    (:class:`UsageError`), not a student.
    """
    found: dict[str, str] = {}
    paths = list(paths)
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing) + " (nothing was graded)")
    others = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files, rest = [], []
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if ".ipynb_checkpoints" in rel or any(part.startswith(".") for part in rel) or not f.is_file():
                    continue
                (files if _is_notebook(f) else rest).append(f)
            others += rest
        else:
            files = [p]
        for f in files:
            sid = f.parent.name if id_from == "parent" else f.name[:-6] if _is_notebook(f) else f.stem
            if not sid:
                raise UsageError(f"cannot take a student id from {f}")
            if sid in found and Path(found[sid]).resolve() != f.resolve():
                how = ("the id is the name of the folder holding the notebook (--id parent): "
                       "one notebook per student folder") if id_from == "parent" else \
                      "the id is the file name without .ipynb; see --id"
                raise UsageError(f"two submissions have the student id {sid!r}: {found[sid]} and {f} ({how})")
            found[sid] = str(f)
    if skipped is not None:
        skipped.extend(str(f) for f in others)
    if not found:
        where = ", ".join(str(p) for p in paths)
        also = f" ({len(others)} other file(s), e.g. {others[0].name})" if others else ""
        raise UsageError(f"no notebooks (.ipynb) found in {where}{also}: nothing to grade")
    return found


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"2/4"`` -> (2, 4); None for no sharding."""
    if not text:
        return None
    m = re.fullmatch(r"(\d+)/(\d+)", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"--shard must be I/N with 1 <= I <= N, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def shard_ids(ids: Iterable[str], shard: tuple[int, int] | None) -> list[str]:
    """Shard I of N takes every N-th id of the sorted list, starting at the I-th."""
    ids = sorted(ids)
    if shard is None:
        return ids
    i, n = shard
    return ids[i - 1::n]


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it: never half written."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def csv_bytes(rows: Iterable[dict]) -> bytes:
    """The grades CSV: :data:`COLUMNS`, sorted by submission, UTF-8, ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore", restval="")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["submission"]):
        writer.writerow(row)
    return buf.getvalue().encode("utf-8")


class Journal:
    """Rows as they finish, one JSON line each, appended and fsynced: a crash loses nothing done."""

    def __init__(self, path: Path, key: str, fresh: bool = False):
        self.path, self.key, self.lock = Path(path), key, threading.Lock()
        self.done: dict = {}
        self._torn = False
        if fresh:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            data = b""
        self._torn = bool(data) and not data.endswith(b"\n")  # a crash cut the last line short
        for line in data.splitlines():
            try:
                entry = json.loads(line)
                if entry.get("key") == key and set(COLUMNS) <= set(entry["row"]):
                    self.done[(entry["row"]["submission"], entry["sha"])] = entry
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a line cut short by a crash

    def get(self, sid: str, sha: str) -> dict | None:
        """The journalled entry of this submission's bytes, if a run with the same key wrote one."""
        return self.done.get((sid, sha))

    def add(self, sid: str, sha: str, result: Result) -> None:
        """Append one finished row (after a newline if the last line was torn), fsynced."""
        line = json.dumps({"key": self.key, "sha": sha, "row": result.row, "feedback": result.feedback},
                          ensure_ascii=False) + "\n"
        with self.lock:
            data = line.encode("utf-8")
            if self._torn:
                data, self._torn = b"\n" + data, False
            with open(self.path, "ab") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())


def manifest_path(out: str | os.PathLike) -> Path:
    """Where the description of a grades CSV goes: ``OUT.manifest.json`` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".manifest.json")


def _check_out(out: Path, feedback_dir: Path) -> None:
    for what, path in (("--out", out), ("the journal", out.with_name(out.name + ".journal"))):
        if path.is_dir():
            raise UsageError(f"{what} {path} is a folder; give the CSV file to write, e.g. {path / 'grades.csv'}")
    if feedback_dir.exists() and not feedback_dir.is_dir():
        raise UsageError(f"the feedback folder {feedback_dir} is a file")


def grade_batch(exercise: str | ModuleType | Exercise, paths: Iterable[str | os.PathLike], out: str | os.PathLike, *,
                workers: int | None = None,
                seed: int = DEFAULT_SEED, settings: Settings | None = None, shard: tuple[int, int] | None = None,
                feedback_dir: str | os.PathLike | None = None, id_from: str = "stem", fresh: bool = False,
                progress: Callable[[Result], None] | None = None, hide_files: Iterable[str] = (),
                warn: Callable[[str], None] | None = None, on_start: Callable[[], None] | None = None) -> list[dict]:
    """Grade every submission in ``paths`` (files or directories) and write the CSV ``out``.

    Returns the rows (sorted by submission). ``progress(result)`` is called as each row finishes.
    ``hide_files`` (e.g. the seed file) are covered in the submissions' view of the file system.
    ``warn(text)`` receives what the instructor should know but that stops nothing (files that are
    not notebooks, a class where most notebooks define none of the graded functions, rows reused
    from the journal); default: printed on stderr.
    Everything about the command is checked before the first submission is graded
    (:class:`UsageError`). On Ctrl-C (KeyboardInterrupt) the queued submissions are cancelled,
    the running children killed, the CSV of the finished rows written, and :class:`Interrupted`
    raised; running the same command again resumes from the journal.
    """
    settings = settings or Settings()
    if workers is not None and int(workers) < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    try:
        mode = isolation_mode(settings.isolation)
    except ValueError as err:
        raise UsageError(str(err)) from None
    ex = load_exercise(exercise, seed) if not isinstance(exercise, Exercise) else exercise
    if warn is None:
        def warn(text):
            print(f"actlab-grade: warning: {text}", file=sys.stderr, flush=True)
    skipped: list = []
    found = collect(paths, id_from, skipped)
    ids = shard_ids(found, shard)
    out = Path(out)
    fb_dir = Path(feedback_dir) if feedback_dir else out.with_name(out.stem + "_feedback")
    _check_out(out, fb_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    fb_dir.mkdir(parents=True, exist_ok=True)
    lim = settings.limits
    settings_key = (f"{settings.lang or ''}/{settings.class_lang}/{int(settings.reveal_hidden)}/"
                    f"{lim.timeout:g}/{lim.memory_mb}/{lim.output_mb}/{lim.disk_mb}")
    journal = Journal(out.with_name(out.name + ".journal"), f"{ex.key}/{settings_key}", fresh)
    write_atomic(manifest_path(out), json.dumps({
        "format": 1, "exercise": ex.name, "grader": ex.grader_key, "seed": ex.seed_id, "settings": settings_key,
        "shard": list(shard or (1, 1)), "batch": _digest(*sorted(found)), "ids": ids}, indent=1).encode())
    workers = max(1, int(workers or os.cpu_count() or 1))
    uids = slot_uids(workers)
    free = list(range(workers))
    free_lock = threading.Lock()
    journal.path.touch()  # exists before any child starts, so that the child's view can cover it
    hide = hidden_dirs({str(Path(p).resolve().parent) for p in found.values()} | {str(journal.path.resolve()),
                       *(str(Path(f).resolve()) for f in hide_files), str(out.parent.resolve()),
                       str(fb_dir.resolve())})
    rows: dict = {}
    stop = threading.Event()

    def one(sid):
        path = found[sid]
        data, err = None, None
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_NOTEBOOK_BYTES + 1)
            if len(data) > MAX_NOTEBOOK_BYTES:
                err = InvalidNotebook("invalid_too_large", mb=MAX_NOTEBOOK_BYTES >> 20)
        except OSError as e:
            err = InvalidNotebook("invalid_unreadable", error=e.strerror or e)
        sha = hashlib.sha256(data or b"").hexdigest() if err is None else "unreadable"
        entry = journal.get(sid, sha)
        if entry is not None:
            result = Result(entry["row"], entry["feedback"], reused=True)
        else:
            with free_lock:
                slot = free.pop()
            try:
                result = grade_submission(ex, sid, data, settings, uids[slot], hide, err, mode=mode, stop=stop)
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the batch
                result = _internal_error(ex, sid, settings, exc)
            finally:
                with free_lock:
                    free.append(slot)
        if stop.is_set():
            raise Cancelled()
        write_atomic(fb_dir / f"{sid}.txt", result.feedback.encode("utf-8"))
        if entry is None and not result.internal:
            journal.add(sid, sha, result)
        return result

    if skipped:
        shown = ", ".join(skipped[:10]) + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else "")
        warn(f"skipped {len(skipped)} file(s) that are not notebooks (.ipynb): {shown}")
    if on_start:
        on_start()  # the command is right: grading starts
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(one, sid): sid for sid in ids}
        for fut in as_completed(futures):
            result = fut.result()
            rows[result.row["submission"]] = result.row
            if progress:
                progress(result)
    except KeyboardInterrupt:
        stop.set()  # queued work is cancelled, running children are killed within milliseconds
        pool.shutdown(wait=True, cancel_futures=True)
        for fut in futures:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                rows.setdefault(fut.result().row["submission"], fut.result().row)
        write_atomic(out, csv_bytes(rows.values()))
        raise Interrupted([rows[k] for k in sorted(rows)], len(ids)) from None
    pool.shutdown(wait=True)
    write_atomic(out, csv_bytes(rows.values()))
    if shard is None:  # (shards may share one feedback folder: only a whole batch knows every file)
        stale = sorted(p.name for p in fb_dir.glob("*.txt") if p.stem not in found)
        if stale:
            warn(f"{len(stale)} file(s) in {fb_dir} belong to no submission of this batch (left from an earlier run?): "
                 f"{', '.join(stale[:10])}{' ...' if len(stale) > 10 else ''}; delete them before handing the folder back")
    blank = [sid for sid, r in rows.items() if "no_functions" in r["flags"].split(";")]
    if rows and len(blank) * 2 > len(rows):
        warn(f"{len(blank)} of {len(rows)} notebooks define none of the graded functions "
             f"({', '.join(ex.functions)}): are these {ex.name} notebooks? (wrong exercise or wrong folder?)")
    return [rows[k] for k in sorted(rows)]


def read_grades(path: str | os.PathLike) -> list[dict]:
    """The rows of a grades CSV, checked: a clear :class:`UsageError` for anything else (a journal, ...)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    if head == b"{":
        raise UsageError(f"{path} is a journal (JSON lines), not a grades CSV: give the .csv file written by --out")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            names = reader.fieldnames or []
            missing = [c for c in COLUMNS[:7] if c not in names]
            if missing:
                raise UsageError(f"{path} is not a grades CSV written by actlab-grade "
                                 f"(no column {', '.join(missing[:3])})")
            return [{k: row.get(k) or "" for k in COLUMNS} for row in reader]
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a grades CSV (not UTF-8 text)") from None


def check_complete(path: str | os.PathLike, rows: list[dict]) -> None:
    """Refuse (:class:`UsageError`) a grades CSV whose grading run did not finish (interrupted:
    submissions without a row) or that is one shard of several, by its manifest. A CSV without a
    manifest (made by hand) cannot be checked and passes."""
    path = Path(path)
    try:
        meta = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    shard = meta.get("shard") or [1, 1]
    got = {r["submission"] for r in rows}
    lost = [sid for sid in meta.get("ids", []) if sid not in got]
    if lost:
        raise UsageError(f"{path} is incomplete: {len(lost)} of its {len(meta['ids'])} submissions have no row "
                         f"(e.g. {lost[0]}; the grading run was interrupted?): run its grading command again to "
                         "finish it, or pass --allow-incomplete to use it as it is")
    if list(shard) != [1, 1]:
        raise UsageError(f"{path} is shard {shard[0]}/{shard[1]} of a batch: merge every shard first "
                         "(actlab-grade merge), or pass --allow-incomplete to use it as it is")


def merge(inputs: Iterable[str | os.PathLike], out: str | os.PathLike) -> list[dict]:
    """Merge the shard CSVs of one batch into one sorted CSV: byte for byte the unsharded run's.

    Refused with one sentence (:class:`UsageError`) unless the inputs are every shard of one batch
    (same exercise, seed, grader, limits and submissions), each complete.
    """
    inputs = [Path(p) for p in inputs]
    shards = []
    for path in inputs:
        rows = read_grades(path)
        try:
            meta = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UsageError(f"{path} has no readable {manifest_path(path).name} beside it: merge takes the CSVs "
                             "that actlab-grade --shard wrote, with their manifests") from None
        shards.append((path, rows, meta))
    if not shards:
        raise UsageError("merge needs at least one shard CSV")
    first_path, _, first = shards[0]
    for what, key in (("exercises", "exercise"), ("seeds", "seed"), ("grader versions or checks", "grader"),
                      ("limits or feedback options", "settings"), ("sets of submissions", "batch")):
        for path, _, meta in shards[1:]:
            if meta.get(key) != first.get(key):
                raise UsageError(f"{first_path} and {path} were graded with different {what}: "
                                 "grade every shard with the same command and seed")
    n = first["shard"][1]
    have = {meta["shard"][0] for _, _, meta in shards if meta["shard"][1] == n}
    if any(meta["shard"][1] != n for _, _, meta in shards):
        raise UsageError(f"the shards were cut into different numbers of parts: {sorted({m['shard'][1] for *_, m in shards})}")
    absent = [i for i in range(1, n + 1) if i not in have]
    if absent:
        raise UsageError(f"shard {', '.join(f'{i}/{n}' for i in absent)} missing (have {', '.join(str(i) for i in sorted(have))} "
                         f"of {n}): merge needs every shard")
    merged: dict = {}
    for path, rows, meta in shards:
        got = {r["submission"] for r in rows}
        lost = [sid for sid in meta["ids"] if sid not in got]
        if lost:
            raise UsageError(f"{path} is incomplete: {len(lost)} of its {len(meta['ids'])} submissions have no row "
                             f"(e.g. {lost[0]}); run its grading command again to finish it")
        for row in rows:
            old = merged.get(row["submission"])
            if old is not None and old != row:
                raise UsageError(f"{row['submission']} appears in two shards with different rows")
            merged[row["submission"]] = row
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give the CSV file to write")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, csv_bytes(merged.values()))
    write_atomic(manifest_path(out), json.dumps({**first, "shard": [1, 1], "ids": sorted(merged)}, indent=1).encode())
    return [merged[k] for k in sorted(merged)]
