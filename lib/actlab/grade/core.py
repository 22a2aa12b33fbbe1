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

import numpy as np

from . import runner
from .feedback import MESSAGES, isolation_text, number
from .notebook import InvalidNotebook, read_submission, sniff_language
from .sandbox import Limits, hidden_dirs, run_child, slot_uids
from .screen import screen

VERSION = "2"  # part of every journal key, with the grader's own source (below): old rows are then ignored
# The code that decides a row. Its bytes are part of the journal key, so a changed grader (a
# new delegation rule, other feedback) never reuses rows an older grader wrote.
GRADER_FILES = tuple(Path(__file__).with_name(n) for n in (
    "core.py", "feedback.py", "notebook.py", "runner.py", "sandbox.py", "screen.py")) + (
    Path(__file__).resolve().parents[1] / "exercises" / "cases.py",)
DEFAULT_SEED = 0
COLUMNS = ("submission", "exercise", "score", "max_score", "status", "feedback", "functions")
STATUSES = ("ok", "error", "timeout", "invalid")
MAX_NOTEBOOK_BYTES = 50 << 20


class UsageError(Exception):
    """A mistake in how the grader was called (exit status 2)."""


# -- the exercise --------------------------------------------------------------------------

@dataclass
class Exercise:
    name: str
    module: object
    functions: tuple
    title: dict
    cases: list
    hidden: set            # indices of hidden cases
    cases_json: str        # what the child gets: function, arguments, error state; nothing else
    key: str               # changes when the checks, their inputs or the grader change

    @property
    def max_score(self) -> float:
        return float(sum(c.points for c in self.cases))


def load_module(spec: str):
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
        return found.group(1), importlib.import_module(f"actlab.exercises.{found.group(1)}")
    if re.fullmatch(r"[A-Za-z_][\w.]*", spec):
        return spec.rsplit(".", 1)[-1], importlib.import_module(spec)
    raise UsageError(f"unknown exercise {spec!r}: give ex01..ex07, a module name or a .py file")


def load_exercise(spec, seed: int) -> Exercise:
    """The exercise's public cases and its hidden cases for ``seed``, ready to send (arguments only)."""
    if isinstance(spec, str):
        try:
            name, module = load_module(spec)
        except ImportError as err:
            raise UsageError(f"cannot load exercise {spec!r}: {err}") from None
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
    from .runner import RAISE_FP_DEFAULT

    plan = [{"function": c.function, "args": [runner.encode(a) for a in c.args],
             "errstate": dict(getattr(c, "errstate", None) or RAISE_FP_DEFAULT)} for c in cases]
    cases_json = json.dumps(plan)
    try:
        source = Path(module.__file__).read_bytes()
    except (OSError, TypeError, AttributeError):
        source = b""
    digest = hashlib.sha256()
    for part in (VERSION, name, str(seed), cases_json, source, *(_read(f) for f in GRADER_FILES)):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return Exercise(name, module, functions, dict(getattr(module, "TITLE", {"ko": name, "en": name})), cases,
                    set(range(len(public), len(cases))), cases_json, digest.hexdigest()[:16])


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


# -- one submission ------------------------------------------------------------------------

@dataclass
class Settings:
    limits: Limits = field(default_factory=Limits)
    lang: str | None = None          # force the feedback language (default: the notebook's)
    reveal_hidden: bool = False      # show hidden cases' inputs and expected values in feedback


@dataclass
class Result:
    row: dict
    feedback: str
    cpu_seconds: float = 0.0
    internal: bool = False  # the grader failed, not the submission: not journalled, so a re-run retries


def _internal_error(ex, sid, settings, exc) -> Result:
    lang = settings.lang or "ko"
    text = MESSAGES("internal", lang=lang, error=f"{type(exc).__name__}: {exc}"[:300])
    row = _row(sid, ex, 0.0, "error", text, {})
    return Result(row, text + "\n", internal=True)


def _delegation_text(lang, function, info):
    kind, what, cell, line, via = info
    key = "delegation_module" if kind == "module" else "delegation_dynamic"
    where = MESSAGES("where", lang=lang, cell=cell, line=line)
    if via != function:
        where += MESSAGES("via", lang=lang, name=via)
    return MESSAGES(key, lang=lang, function=function, what=what, where=where)


def grade_submission(ex: Exercise, sid: str, data: bytes | None, settings: Settings,
                     uid=None, hide=(), read_error: InvalidNotebook | str | None = None) -> Result:
    """Grade one notebook's bytes: never raises for anything the submission does."""
    lim = settings.limits
    lang = settings.lang or "ko"
    try:
        if isinstance(read_error, InvalidNotebook):
            raise read_error
        if read_error:
            raise InvalidNotebook("invalid_unreadable", error=str(read_error))
        sub = read_submission(data)
    except InvalidNotebook as err:
        lang = settings.lang or sniff_language(data) or "ko"
        text = MESSAGES("invalid", lang=lang, reason=err.text(lang))
        row = _row(sid, ex, 0.0, "invalid", text, {f: (0.0, 0) for f in ex.functions})
        lines = [MESSAGES("header", lang=lang, exercise=ex.name, title=ex.title.get(lang, ex.name)),
                 MESSAGES("submission", lang=lang, sid=sid),
                 MESSAGES("score", lang=lang, score=0, max=number(ex.max_score)),
                 MESSAGES("status", lang=lang, status="invalid", text=text)]
        return Result(row, "\n".join(lines) + "\n")
    lang = settings.lang or sub.lang or "ko"
    delegated = {f: _delegation_text(lang, f, info)
                 for f, info in screen(sub.cells, ex.functions).items()}
    run = run_child(sub.cells, ex.cases_json, lim, uid, list(hide))

    cells = [r for r in run.records if "cell" in r]
    results = {}
    for r in run.records:
        if isinstance(r.get("case"), int) and 0 <= r["case"] < len(ex.cases):
            results.setdefault(r["case"], r)
    for i, r in results.items():  # a call that hit the run-time fence: delegation as well
        if r.get("r") == "raised" and r.get("kind") == "blocked":
            f = ex.cases[i].function
            delegated.setdefault(f, MESSAGES("delegation_runtime", lang=lang, function=f,
                                             what=str(r.get("module") or r.get("message"))[:80]))

    verdicts = []
    for i, case in enumerate(ex.cases):
        verdicts.append(_judge(case, results.get(i), delegated.get(case.function), lang, lim.case_seconds))

    score = sum(float(c.points) for c, v in zip(ex.cases, verdicts) if v is not None and v.passed)
    per_fn = {}
    for c, v in zip(ex.cases, verdicts):
        got, n = per_fn.get(c.function, (0.0, 0))
        per_fn[c.function] = (got + (float(c.points) if v is not None and v.passed else 0.0), n)

    status, reason = _status(run, cells, lim, lang)
    slow = sorted({ex.cases[i].function for i, r in results.items() if r.get("r") == "slow"})
    if slow and status in ("ok", "error"):
        slow_text = MESSAGES("slow_status", lang=lang, functions=", ".join(slow), seconds=number(lim.case_seconds))
        status, reason = "timeout", (reason + "; " + slow_text if reason else slow_text)
    passed = sum(1 for v in verdicts if v is not None and v.passed)
    summary = MESSAGES("summary", lang=lang, total=len(ex.cases), passed=passed)
    if reason:
        summary += "; " + reason
    if delegated:
        summary += "; " + MESSAGES("delegated", lang=lang, functions=", ".join(sorted(delegated)))
    row = _row(sid, ex, score, status, summary, per_fn)
    text = _feedback_text(ex, sid, lang, score, status, reason, verdicts, delegated, cells, run, settings)
    return Result(row, text, run.cpu_seconds)


def _judge(case, r, delegation, lang, budget):
    """The Verdict of one case from what the child reported (None: the case never ran)."""
    from types import SimpleNamespace

    if delegation:
        return SimpleNamespace(passed=False, message={lang: f"✗ {case.function} [{case.id}]: {delegation}"},
                               status="delegation")
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


def _status(run, cells, lim, lang):
    if run.timed_out or run.cpu_limit:
        return "timeout", MESSAGES("cpu" if run.cpu_limit and not run.timed_out else "timeout", lang=lang,
                                   timeout=number(lim.timeout))
    kinds = {c.get("kind") for c in cells}
    if not run.done:
        code = run.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            if "memory" in kinds:
                return "error", MESSAGES("memory", lang=lang, memory=lim.memory_mb)
            return "error", MESSAGES("signal", lang=lang, signal=name, memory=lim.memory_mb)
        return "error", MESSAGES("exit", lang=lang, code=code)
    if "memory" in kinds:
        return "error", MESSAGES("memory", lang=lang, memory=lim.memory_mb)
    if "output" in kinds:
        return "error", MESSAGES("output", lang=lang, output=lim.output_mb)
    bad = [str(c["cell"]) for c in cells if c.get("kind") in ("error", "exit")]
    if bad:
        return "error", MESSAGES("cells", lang=lang, cells=", ".join(bad))
    return "ok", ""


def _row(sid, ex, score, status, feedback, per_fn):
    maxes = {}
    for c in ex.cases:
        maxes[c.function] = maxes.get(c.function, 0.0) + float(c.points)
    functions = ";".join(f"{f}={number(per_fn.get(f, (0.0, 0))[0])}/{number(maxes.get(f, 0.0))}"
                         for f in ex.functions)
    return {"submission": sid, "exercise": ex.name, "score": number(score), "max_score": number(ex.max_score),
            "status": status, "feedback": " ".join(feedback.split()), "functions": functions}


def _feedback_text(ex, sid, lang, score, status, reason, verdicts, delegated, cells, run, settings):
    lim = settings.limits
    out = [MESSAGES("header", lang=lang, exercise=ex.name, title=ex.title.get(lang, ex.name)),
           MESSAGES("submission", lang=lang, sid=sid),
           MESSAGES("score", lang=lang, score=number(score), max=number(ex.max_score)),
           MESSAGES("status", lang=lang, status=status, text=reason or MESSAGES("ok", lang=lang)), ""]
    for f in ex.functions:
        idx = [i for i, c in enumerate(ex.cases) if c.function == f]
        got = sum(float(ex.cases[i].points) for i in idx if verdicts[i] is not None and verdicts[i].passed)
        top = sum(float(ex.cases[i].points) for i in idx)
        npass = sum(1 for i in idx if verdicts[i] is not None and verdicts[i].passed)
        out.append(MESSAGES("function", lang=lang, function=f, total=len(idx), passed=npass,
                            points=number(got), max=number(top)))
        if f in delegated:
            out.append("  " + delegated[f])
            out.append("")
            continue
        if idx and all(getattr(verdicts[i], "status", None) == "not_implemented" for i in idx):
            first = verdicts[idx[0]].message
            text = first.get(lang) or next(iter(first.values()))
            out.append("  " + text.split(": ", 1)[-1])  # one line, not one per check
            out.append("")
            continue
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
                if not settings.reveal_hidden or v is None:
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
        out.append("")
    if cells:
        out.append(MESSAGES("problems", lang=lang))
        for c in cells:
            kind = c.get("kind")
            if kind == "blocked":
                what = re.sub(r" is not available.*", "", str(c.get("message")))[:80]
                out.append(MESSAGES("cell_blocked", lang=lang, cell=c.get("cell"), what=what))
            elif kind == "not_implemented":
                out.append(MESSAGES("cell_not_implemented", lang=lang, cell=c.get("cell")))
            else:
                line = MESSAGES("at_line", lang=lang, line=c["line"]) if isinstance(c.get("line"), int) else ""
                out.append(MESSAGES("cell_error", lang=lang, cell=c.get("cell"), line=line,
                                    type=str(c.get("type"))[:60], message=str(c.get("message"))[:300]))
        out.append("")
    if status == "error" and not run.records and run.output_tail.strip():
        out.append(MESSAGES("output_tail", lang=lang))
        out.extend("  " + line for line in run.output_tail.strip().splitlines()[-15:])
        out.append("")
    isolation = isolation_text(run.isolation, lang)
    out.append(MESSAGES("limits", lang=lang, timeout=number(lim.timeout), memory=lim.memory_mb,
                        output=lim.output_mb, isolation=isolation))
    return "\n".join(out) + "\n"


# -- the batch -----------------------------------------------------------------------------

def collect(paths, id_from: str = "stem") -> dict:
    """``{student id: path}``: files as given, directories searched for *.ipynb (checkpoints skipped)."""
    found = {}
    for p in paths:
        p = Path(p)
        files = sorted(f for f in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in f.parts) if p.is_dir() else [p]
        for f in files:
            sid = f.parent.name if id_from == "parent" else f.name[:-6] if f.name.endswith(".ipynb") else f.stem
            if not sid:
                raise UsageError(f"cannot take a student id from {f}")
            if sid in found and Path(found[sid]).resolve() != f.resolve():
                raise UsageError(f"two submissions have the student id {sid!r}: {found[sid]} and {f} "
                                 f"(the id is the file name without .ipynb; see --id)")
            found[sid] = str(f)
    return found


def parse_shard(text: str | None):
    if not text:
        return None
    m = re.fullmatch(r"(\d+)/(\d+)", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"--shard must be I/N with 1 <= I <= N, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def shard_ids(ids, shard):
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


def csv_bytes(rows) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["submission"]):
        writer.writerow(row)
    return buf.getvalue().encode("utf-8")


class Journal:
    """Rows as they finish, one JSON line each, appended and fsynced: a crash loses nothing done."""

    def __init__(self, path: Path, key: str, fresh: bool = False):
        self.path, self.key, self.lock = Path(path), key, threading.Lock()
        self.done = {}
        if fresh:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
        try:
            with open(self.path, "rb") as fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                        if entry.get("key") == key and set(COLUMNS) <= set(entry["row"]):
                            self.done[(entry["row"]["submission"], entry["sha"])] = entry
                    except (ValueError, KeyError, TypeError, AttributeError):
                        continue  # a line cut short by a crash
        except FileNotFoundError:
            pass

    def get(self, sid, sha):
        return self.done.get((sid, sha))

    def add(self, sid, sha, result: Result):
        line = json.dumps({"key": self.key, "sha": sha, "row": result.row, "feedback": result.feedback},
                          ensure_ascii=False) + "\n"
        with self.lock:
            with open(self.path, "ab") as fh:
                fh.write(line.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())


def grade_batch(exercise, paths, out, *, workers=None, seed=DEFAULT_SEED, settings=None, shard=None,
                feedback_dir=None, id_from="stem", fresh=False, progress=None, hide_files=()):
    """Grade every submission in ``paths`` (files or directories) and write the CSV ``out``.

    Returns the rows (sorted by submission). ``progress(result)`` is called as each row finishes.
    ``hide_files`` (e.g. the seed file) are covered in the submissions' view of the file system.
    """
    settings = settings or Settings()
    ex = load_exercise(exercise, seed) if not isinstance(exercise, Exercise) else exercise
    found = collect(paths, id_from)
    ids = shard_ids(found, shard)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fb_dir = Path(feedback_dir) if feedback_dir else out.with_name(out.stem + "_feedback")
    fb_dir.mkdir(parents=True, exist_ok=True)
    lim = settings.limits
    journal = Journal(out.with_name(out.name + ".journal"),
                      f"{ex.key}/{settings.lang or ''}/{int(settings.reveal_hidden)}/"
                      f"{lim.timeout:g}/{lim.memory_mb}/{lim.output_mb}/{lim.disk_mb}", fresh)
    workers = max(1, int(workers or os.cpu_count() or 1))
    uids = slot_uids(workers)
    free = list(range(workers))
    free_lock = threading.Lock()
    journal.path.touch()  # exists before any child starts, so that the child's view can cover it
    hide = hidden_dirs({str(Path(p).resolve().parent) for p in found.values()} | {str(journal.path.resolve()),
                       *(str(Path(f).resolve()) for f in hide_files), str(out.parent.resolve()),
                                                                                  str(fb_dir.resolve())})
    rows = {}

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
            result = Result(entry["row"], entry["feedback"])
        else:
            with free_lock:
                slot = free.pop()
            try:
                result = grade_submission(ex, sid, data, settings, uids[slot], hide, err)
            except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the batch
                result = _internal_error(ex, sid, settings, exc)
            finally:
                with free_lock:
                    free.append(slot)
        write_atomic(fb_dir / f"{sid}.txt", result.feedback.encode("utf-8"))
        if entry is None and not result.internal:
            journal.add(sid, sha, result)
        return result

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(one, sid): sid for sid in ids}
        for fut in as_completed(futures):
            result = fut.result()
            rows[result.row["submission"]] = result.row
            if progress:
                progress(result)
    write_atomic(out, csv_bytes(rows.values()))
    return [rows[k] for k in sorted(rows)]


def merge(inputs, out) -> list:
    """Merge shard CSVs into one sorted CSV; the same submission twice must have the same row."""
    rows = {}
    for path in inputs:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or not set(COLUMNS) <= set(reader.fieldnames):
                raise UsageError(f"{path} is not a grades CSV (columns {reader.fieldnames})")
            for row in reader:
                row = {k: row[k] for k in COLUMNS}
                old = rows.get(row["submission"])
                if old is not None and old != row:
                    raise UsageError(f"{row['submission']} appears in two shards with different rows")
                rows[row["submission"]] = row
    exercises = {r["exercise"] for r in rows.values()}
    if len(exercises) > 1:
        raise UsageError(f"the shards grade different exercises: {sorted(exercises)}")
    write_atomic(Path(out), csv_bytes(rows.values()))
    return [rows[k] for k in sorted(rows)]
