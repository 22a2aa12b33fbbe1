"""The graded exercises ex01-ex09: their check cases, and the check cells' feedback.

A check cell in an exercise notebook calls::

    actlab.exercises.check("ex02", globals())                      # every function of ex02
    actlab.exercises.check("ex02", globals(), functions=["tanh"])  # only some of them
    actlab.exercises.check("ex02", sigmoid, sigmoid_derivative)    # explicit functions

which runs the exercise's *public* cases in this process and prints, in the active language,
one line per case (details for a failed one), "not implemented yet" for an untouched stub, and
how many public checks passed - with the reminder that more checks run at grading time. It never
raises because of the student's code and never prints a traceback.

Each exercise module (``ex01`` ... ``ex09``) defines ``FUNCTIONS``, ``TITLE``, ``SLUG``,
``public_cases()`` and ``hidden_cases(rng)``; :data:`EXERCISES` maps an id to its module. The
grader (``actlab.grade``) uses the same cases in a separate process model.
"""
from __future__ import annotations

import contextlib
import types

import numpy as np
from typing import Callable, Iterable, Mapping

from ..i18n import LANGUAGES, Messages, get_language
from . import ex01, ex02, ex03, ex04, ex05, ex06, ex07, ex08, ex09
from .cases import Case, Verdict

__all__ = ["EXERCISES", "check", "evaluate", "get", "all_cases", "Case", "Verdict",
           "FORBIDDEN_MODULES", "forbidden_references"]

#: exercise id -> module with FUNCTIONS, TITLE, SLUG, public_cases(), hidden_cases(rng)
EXERCISES: dict[str, types.ModuleType] = {m.__name__.rsplit(".", 1)[1]: m
                                          for m in (ex01, ex02, ex03, ex04, ex05, ex06, ex07, ex08, ex09)}

#: The one list of modules a graded function must not use (the exercises ask for NumPy): the
#: check cell warns about them, the grader's static screen scores such a function 0, and the
#: grader's child process replaces them by stand-ins that raise when called.
FORBIDDEN_MODULES: tuple[str, ...] = ("actlab", "scipy", "torch", "jax", "tensorflow", "keras")

MESSAGES = Messages({
    "summary": {"ko": "공개 검사 {total}개 중 {passed}개를 통과했습니다. 채점할 때는 검사가 더 실행됩니다.",
                "en": "{passed}/{total} public checks passed. More checks run at grading time."},
    "stub": {"ko": "✗ {function}: 아직 구현하지 않았습니다. "
                   "`raise NotImplementedError` 줄을 지우고 함수를 완성하세요. (검사 {n}개)",
             "en": "✗ {function}: not implemented yet. Replace the `raise NotImplementedError` line "
                   "with your code. (checks: {n})"},
    "missing": {"ko": "✗ {function}: 함수가 정의되어 있지 않습니다. 함수를 정의하는 셀을 먼저 실행하세요. (검사 {n}개)",
                "en": "✗ {function}: no such function is defined; run the cell that defines it first. (checks: {n})"},
    "not_callable": {"ko": "✗ {function}: `{function}`은(는) 함수가 아닙니다 ({type}). 같은 이름의 변수가 함수를 덮어쓰지 않았는지 확인하세요. (검사 {n}개)",
                     "en": "✗ {function}: `{function}` is not a function ({type}); has a variable of the same name replaced it? (checks: {n})"},
    "forbidden": {"ko": "⚠ {function}: {what}을(를) 사용합니다. 이 과제는 NumPy만 씁니다. "
                        "채점할 때 {modules}을(를) 쓰는 함수는 0점입니다.",
                  "en": "⚠ {function} uses {what}. These exercises use NumPy only: at grading time a "
                        "function that uses {modules} scores 0."},
    "unknown_function": {"ko": "{exercise}에는 {names} 함수가 없습니다. 있는 함수: {known}",
                         "en": "{exercise} has no function(s) {names}; it has {known}"},
})


def get(exercise_id: str) -> types.ModuleType:
    """The module of exercise ``exercise_id`` ("ex01" ... "ex09")."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise ValueError(f"exercise_id must be one of {sorted(EXERCISES)}, got {exercise_id!r}") from None


def all_cases(exercise_id: str, rng: np.random.Generator) -> list[Case]:
    """Public then hidden cases of an exercise: what the grader scores."""
    module = get(exercise_id)
    return [*module.public_cases(), *module.hidden_cases(rng)]


def _namespace(exercise_id: str, namespace, functions_given: tuple, named: dict) -> dict:
    ns: dict = {}
    if isinstance(namespace, Mapping):
        ns.update(namespace)
    elif callable(namespace):
        functions_given = (namespace, *functions_given)
    elif namespace is not None:
        raise TypeError("namespace must be a mapping such as globals() or a function, "
                        f"got {type(namespace).__name__}")
    for fn in functions_given:
        ns[getattr(fn, "__name__", repr(fn))] = fn
    ns.update(named)
    return ns


def evaluate(exercise_id: str, namespace: Mapping | Callable | None = None, *functions_given: Callable,
             functions: Iterable[str] | None = None, **named) -> list[tuple[Case, Verdict]]:
    """Run the public cases of ``exercise_id`` in this process: a list of (case, verdict)."""
    module = get(exercise_id)
    ns = _namespace(exercise_id, namespace, functions_given, named)
    wanted = tuple(module.FUNCTIONS if functions is None else functions)
    unknown = [f for f in wanted if f not in module.FUNCTIONS]
    if unknown:
        raise ValueError(MESSAGES("unknown_function", lang="en", exercise=exercise_id, names=", ".join(unknown),
                                  known=", ".join(module.FUNCTIONS)))
    return [(case, case.run(ns.get(case.function))) for case in module.public_cases() if case.function in wanted]


def check(exercise_id: str, namespace: Mapping | Callable | None = None, *functions_given: Callable,
          functions: Iterable[str] | None = None, lang: str | None = None, **named) -> None:
    """Run the public cases and print feedback in the active language (or ``lang``).

    ``namespace`` is ``globals()`` or any mapping name -> function; functions may also be passed
    positionally or by keyword. ``functions`` restricts the check to some of the exercise's
    functions (the check cell right after one of them).
    """
    lang = lang or get_language()
    results = evaluate(exercise_id, namespace, *functions_given, functions=functions, **named)
    ns = _namespace(exercise_id, namespace, functions_given, named)
    lines: list[str] = []
    order = list(dict.fromkeys(case.function for case, _ in results))
    for function in order:
        mine = [(c, v) for c, v in results if c.function == function]
        fn = ns.get(function)
        if all(v.status == "not_implemented" for _, v in mine):
            lines.append(MESSAGES("stub", lang=lang, function=function, n=len(mine)))
            continue
        if all(v.status == "missing" for _, v in mine):
            key = "missing" if fn is None else "not_callable"
            lines.append(MESSAGES(key, lang=lang, function=function, n=len(mine), type=type(fn).__name__))
            continue
        for what in forbidden_references(fn):
            lines.append(MESSAGES("forbidden", lang=lang, function=function, what=what,
                                  modules=", ".join(FORBIDDEN_MODULES)))
        lines.extend(v.text(lang) for _, v in mine)
    passed = sum(v.passed for _, v in results)
    lines.append(MESSAGES("summary", lang=lang, passed=passed, total=len(results)))
    print("\n".join(lines))


def forbidden_references(fn: Callable, _seen: set | None = None) -> list[str]:
    """Names a function's code uses that come from :data:`FORBIDDEN_MODULES` (helpers followed).

    A hint for the student in the check cell; the grader enforces the rule on its own.
    """
    if not callable(fn):
        return []
    own = getattr(fn, "__module__", None) or ""
    if own.split(".")[0] in FORBIDDEN_MODULES:
        return [f"{own}.{getattr(fn, '__name__', '?')}"]
    if not isinstance(fn, types.FunctionType):
        return []
    seen = _seen if _seen is not None else set()
    if fn in seen:
        return []
    seen.add(fn)
    found: list[str] = []
    used = {name: fn.__globals__[name] for name in _code_names(fn.__code__) if name in fn.__globals__}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        with contextlib.suppress(ValueError):  # an empty cell
            used[name] = cell.cell_contents
    for name, obj in used.items():
        module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None) or ""
        if module.split(".")[0] in FORBIDDEN_MODULES:
            found.append(name if name == module else f"{name} ({module})")
        elif isinstance(obj, types.FunctionType) and obj.__module__ == fn.__module__:
            found.extend(forbidden_references(obj, seen))  # a helper the student wrote
    return list(dict.fromkeys(found))


def _code_names(code) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.extend(_code_names(const))
    return names
