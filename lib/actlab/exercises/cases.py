r"""Check cases of the graded exercises, and the feedback a student reads in a check cell.

A :class:`Case` is one call of one student function (``function(*args)``) plus a way to judge the
result. Its :meth:`Case.check` takes the *value* the student's function returned and gives a
:class:`Verdict`: passed or not, and a message in Korean and English that names the case, shows
the input, the expected and actual values, the tolerance and a hint. The call itself may happen
in another process (the grader): only ``args`` travel there, only the result comes back (as JSON
with ``.npy`` bytes, without pickle: :func:`actlab.grade.runner.encode`), so arguments must be
NumPy arrays of numbers, Python scalars, None, or tuples and lists of them.

The default check compares shape, (optionally) dtype, and values with
``|actual - expected| <= atol + rtol * |expected|`` (NaN equals NaN). A case may carry its own
``checker(case, actual) -> Verdict`` instead, e.g. "these Maxout weights compute ReLU".

Calls run with NumPy's floating-point errors raised (``Case.errstate``, by default overflow,
invalid and divide-by-zero): the exercises ask for functions that never overflow, and an overflow
that still yields the right number (``1 / (1 + exp(1000))`` is 0) is caught this way.
"""
from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..i18n import LANGUAGES, Messages

__all__ = [
    "Case", "Verdict", "RAISE_FP_ERRORS", "call_with_errstate", "format_value", "MESSAGES",
]

#: NumPy error state of every call: these floating-point events raise FloatingPointError.
RAISE_FP_ERRORS = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}

MESSAGES = Messages({
    "passed": {"ko": "✓ {case}", "en": "✓ {case}"},
    "failed": {"ko": "✗ {case}", "en": "✗ {case}"},
    "call": {"ko": "  호출:       {call}", "en": "  call:      {call}"},
    "input": {"ko": "  입력:       {name} = {value}", "en": "  input:     {name} = {value}"},
    "expected": {"ko": "  기댓값:     {value}", "en": "  expected:  {value}"},
    "actual": {"ko": "  실제값:     {value}", "en": "  actual:    {value}"},
    "tolerance": {"ko": "  허용 오차:  |실제값 - 기댓값| <= {atol:g} + {rtol:g} * |기댓값|",
                  "en": "  tolerance: |actual - expected| <= {atol:g} + {rtol:g} * |expected|"},
    "exact": {"ko": "  허용 오차:  없음 (정확히 같아야 합니다)", "en": "  tolerance: none (must be exactly equal)"},
    "problem": {"ko": "  문제:       {text}", "en": "  problem:   {text}"},
    "hint": {"ko": "  힌트:       {text}", "en": "  hint:      {text}"},
    "part": {"ko": "{name}: ", "en": "{name}: "},
    # what went wrong
    "none_returned": {"ko": "함수가 None을 돌려주었습니다. return 문을 빠뜨리지 않았는지 확인하세요.",
                      "en": "the function returned None; is a return statement missing?"},
    "not_numeric": {"ko": "결과를 숫자 배열로 바꿀 수 없습니다 ({type}).",
                    "en": "the result cannot be read as an array of numbers ({type})."},
    "tuple_expected": {"ko": "값 {n}개의 튜플 ({names})을 돌려주어야 합니다. 받은 것: {type}",
                       "en": "must return a tuple of {n} values ({names}); got {type}"},
    "shape": {"ko": "모양(shape)이 다릅니다: 기댓값 {expected}, 실제값 {actual}.",
              "en": "wrong shape: expected {expected}, got {actual}."},
    "dtype": {"ko": "자료형(dtype)이 다릅니다: 기댓값 {expected}, 실제값 {actual}. 입력의 dtype을 유지해야 합니다.",
              "en": "wrong dtype: expected {expected}, got {actual}. The input's dtype must be kept."},
    "values": {"ko": "값 {count}개가 허용 오차를 벗어났습니다. 가장 큰 차이는 위치 {index}: 기댓값 {expected}, 실제값 {actual}.",
               "en": "{count} value(s) outside the tolerance; the worst at index {index}: expected {expected}, got {actual}."},
    "nan": {"ko": "결과에 NaN 또는 무한대가 있습니다 (위치 {index}: 기댓값 {expected}, 실제값 {actual}).",
            "en": "the result holds NaN or infinity (index {index}: expected {expected}, got {actual})."},
    "values_scalar": {"ko": "값이 허용 오차를 벗어났습니다: 기댓값 {expected}, 실제값 {actual}.",
                      "en": "the value is outside the tolerance: expected {expected}, got {actual}."},
    "nan_scalar": {"ko": "결과가 NaN 또는 무한대입니다 (기댓값 {expected}, 실제값 {actual}).",
                   "en": "the result is NaN or infinity (expected {expected}, got {actual})."},
    "exception": {"ko": "함수가 예외({type})를 일으켰습니다. 실제값 줄의 메시지를 읽어 보세요.",
                  "en": "the function raised {type}; read its message on the actual line."},
    "fp_error": {"ko": "NumPy 부동소수점 오류({message}): 검사는 오버플로(overflow), 잘못된 연산, 0으로 나누기를 오류로 다룹니다. "
                       "어떤 단계에서도 오버플로나 0으로 나누기가 생기지 않게 바꾸세요 (np.where는 두 식을 모두 계산합니다).",
                 "en": "NumPy floating-point error ({message}): the checks treat overflow, invalid operations and division "
                       "by zero as errors. Rewrite so that no step overflows or divides by zero (np.where evaluates both branches)."},
    "not_implemented": {"ko": "아직 구현하지 않았습니다. `raise NotImplementedError` 줄을 지우고 함수를 완성하세요.",
                        "en": "not implemented yet: replace the `raise NotImplementedError` line with your code."},
    "missing": {"ko": "`{function}` 함수가 정의되어 있지 않습니다. 함수를 정의하는 셀을 먼저 실행하세요.",
                "en": "no function `{function}` is defined; run the cell that defines it first."},
    "not_callable": {"ko": "`{function}`은(는) 함수가 아닙니다 ({type}).",
                     "en": "`{function}` is not a function ({type})."},
    "default_hint_shape": {"ko": "입력과 같은 모양을 돌려주는지, 어느 축(axis)을 따라 계산하는지 확인하세요.",
                           "en": "check that the result has the shape the instructions give and which axis you reduce over."},
    "default_hint_dtype": {"ko": "np.asarray(x, dtype=float)처럼 float64로 바꾸지 말고, 입력 배열의 dtype 그대로 계산하세요.",
                           "en": "do not convert to float64 (e.g. np.asarray(x, dtype=float)); compute in the input's dtype."},
})


@dataclass(frozen=True)
class Verdict:
    """The judgement of one case: ``passed``, a ``message`` per language, and what happened.

    ``status`` is "passed", "failed" (wrong value, shape or dtype), "error" (the function raised),
    "not_implemented" (it raised NotImplementedError) or "missing" (no such function).
    """

    passed: bool
    message: dict
    status: str = "failed"

    @property
    def not_implemented(self) -> bool:
        return self.status == "not_implemented"

    def text(self, lang: str) -> str:
        return self.message[lang]


def _both(key: str, **fields) -> dict:
    return {lang: MESSAGES(key, lang=lang, **fields) for lang in LANGUAGES}


def format_value(value: Any, limit: int = 12) -> str:
    """A short, readable rendering of an argument or result: values, then shape and dtype."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, numbers.Integral) and not isinstance(value, np.generic):
        return repr(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (tuple, list)):
        inner = ", ".join(format_value(v, limit) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything the student returned must still print
        return f"<{type(value).__name__}>"
    if arr.dtype == object:
        return f"<{type(value).__name__}>"
    with np.printoptions(precision=6, threshold=limit, edgeitems=3, linewidth=100, floatmode="maxprec"):
        text = np.array2string(arr, separator=", ") if arr.ndim else repr(arr[()].item()) if arr.dtype.kind in "fiub" else str(arr)
    text = " ".join(text.split())  # one line, however many dimensions
    if arr.ndim == 0 and isinstance(value, np.generic):
        return f"{text} ({arr.dtype} scalar)"
    if isinstance(value, np.ndarray):
        return f"{text} (shape {arr.shape}, {arr.dtype})"
    return text


def _scalar(v) -> str:
    return format_value(np.asarray(v)[()].item() if np.asarray(v).dtype.kind in "fiub" else v)


def call_with_errstate(fn: Callable, args: tuple, errstate: dict | None = None) -> Any:
    """Call ``fn(*args)`` on private copies of ``args`` with NumPy's error state set.

    Copies, because a function that writes into its input must not change the next case.
    """
    args = tuple(copy.deepcopy(a) for a in args)
    with np.errstate(**(RAISE_FP_ERRORS if errstate is None else errstate)):
        return fn(*args)


@dataclass(frozen=True, eq=False)
class Case:
    """One call of one student function and how to judge its result.

    ``expected`` is an array or number, or a tuple of them when the function returns a tuple
    (``parts`` names the parts, e.g. ("W", "b")). ``check_dtype`` requires the result's dtype to
    equal ``expected``'s. ``checker(case, actual) -> Verdict`` replaces the default comparison.
    ``hint`` is ``{"ko": ..., "en": ...}`` shown when the case fails.
    """

    id: str
    function: str
    args: tuple = ()
    expected: Any = None
    points: float = 1.0
    rtol: float = 1e-7
    atol: float = 1e-12
    check_dtype: bool = False
    hint: dict | None = None
    arg_names: tuple = ()
    parts: tuple = ()
    checker: Callable | None = None
    errstate: dict = field(default_factory=lambda: dict(RAISE_FP_ERRORS))
    exact: bool = False

    def __post_init__(self):
        for a in self.args:
            _check_portable(a, f"{self.id}: argument")
        if self.hint is not None and set(self.hint) != set(LANGUAGES):
            raise ValueError(f"{self.id}: hint needs exactly {LANGUAGES}")
        if self.parts and not isinstance(self.expected, tuple) and self.checker is None:
            raise ValueError(f"{self.id}: parts given but expected is not a tuple")

    # -- running and judging ------------------------------------------------------------------
    def call(self, fn: Callable):
        """``fn(*args)`` on copies of the arguments, under this case's NumPy error state."""
        return call_with_errstate(fn, self.args, self.errstate)

    def run(self, fn: Callable | None) -> Verdict:
        """Call ``fn`` in this process and judge the result; never raises."""
        if fn is None:
            return self._verdict(False, "missing", [("problem", _both("missing", function=self.function))], hint=False)
        if not callable(fn):
            return self._verdict(False, "missing", [("problem", _both(
                "not_callable", function=self.function, type=type(fn).__name__))], hint=False)
        try:
            actual = self.call(fn)
        except NotImplementedError:
            return self.not_implemented_verdict()
        except (Exception, SystemExit) as err:  # noqa: BLE001 - a student's error is feedback, never a traceback
            return self.error_verdict(type(err).__name__, str(err))
        try:
            return self.check(actual)
        except Exception as err:  # noqa: BLE001 - e.g. a result whose __array__ raises
            return self.error_verdict(type(err).__name__, str(err))

    def check(self, actual) -> Verdict:
        """Judge a value the student's function returned (possibly in another process)."""
        if self.checker is not None:
            return self.checker(self, actual)
        if self.parts:
            return self.compare_parts(actual, self.expected, self.parts)
        return self.compare(actual, self.expected)

    def not_implemented_verdict(self) -> Verdict:
        return Verdict(False, {lang: f"✗ {self.label()}: {MESSAGES('not_implemented', lang=lang)}"
                               for lang in LANGUAGES}, "not_implemented")

    def error_verdict(self, type_name: str, message: str) -> Verdict:
        """The verdict when the call raised ``type_name: message`` (here or in the grader's child)."""
        if type_name == "NotImplementedError":
            return self.not_implemented_verdict()
        message = " ".join(str(message).split())[:300]
        if type_name == "FloatingPointError":
            problem = _both("fp_error", message=message)
        else:
            problem = _both("exception", type=type_name)
        lines = [("call", None), *self._input_lines()]
        if self.checker is None:
            lines.append(("expected", _both("expected", value=format_value(self.expected))))
        lines.append(("actual", _both("actual", value=f"{type_name}: {message}")))
        if self.checker is None:
            lines.append(("tolerance", self._tolerance_line()))
        lines.append(("problem", {lang: MESSAGES("problem", lang=lang, text=problem[lang]) for lang in LANGUAGES}))
        return self._verdict(False, "error", lines)

    # -- the default comparison ----------------------------------------------------------------
    def compare(self, actual, expected, part: str | None = None) -> Verdict:
        """Shape, dtype (if asked) and values of ``actual`` against ``expected``."""
        problem = self._compare_problem(actual, expected)
        if problem is None:
            return self._verdict(True, "passed", [])
        key, fields, show_tolerance, hint = problem
        if part:
            msg = {lang: MESSAGES("part", lang=lang, name=part) + MESSAGES(key, lang=lang, **fields) for lang in LANGUAGES}
        else:
            msg = _both(key, **fields)
        lines = [("call", None), *self._input_lines(),
                 ("expected", _both("expected", value=format_value(expected))),
                 ("actual", _both("actual", value=format_value(actual)))]
        if show_tolerance:
            lines.append(("tolerance", self._tolerance_line()))
        lines.append(("problem", {lang: MESSAGES("problem", lang=lang, text=msg[lang]) for lang in LANGUAGES}))
        return self._verdict(False, "failed", lines, hint=hint)

    def compare_parts(self, actual, expected: tuple, parts: tuple) -> Verdict:
        if not isinstance(actual, (tuple, list)) or len(actual) != len(parts):
            problem = _both("tuple_expected", n=len(parts), names=", ".join(parts), type=_describe_type(actual))
            lines = [("call", None), *self._input_lines(),
                     ("expected", _both("expected", value=format_value(expected))),
                     ("actual", _both("actual", value=format_value(actual))),
                     ("problem", {lang: MESSAGES("problem", lang=lang, text=problem[lang]) for lang in LANGUAGES})]
            return self._verdict(False, "failed", lines)
        for name, a, e in zip(parts, actual, expected):
            verdict = self.compare(a, e, part=name)
            if not verdict.passed:
                return verdict
        return self._verdict(True, "passed", [])

    def _compare_problem(self, actual, expected):
        """None if ``actual`` matches; else (message key, fields, show tolerance?, hint key)."""
        if actual is None:
            return "none_returned", {}, False, None
        try:
            arr = np.asarray(actual)
            if arr.dtype == object or arr.dtype.kind not in "fiub":
                raise TypeError
        except Exception:  # noqa: BLE001
            return "not_numeric", {"type": _describe_type(actual)}, False, None
        exp = np.asarray(expected)
        if arr.shape != exp.shape:
            return "shape", {"expected": exp.shape, "actual": arr.shape}, False, "default_hint_shape"
        if self.check_dtype and arr.dtype != exp.dtype:
            return "dtype", {"expected": exp.dtype, "actual": arr.dtype}, False, "default_hint_dtype"
        if exp.dtype.kind == "b" or self.exact:
            bad = arr != exp
            if exp.dtype.kind == "f":
                bad &= ~(np.isnan(arr) & np.isnan(exp))
            if not bad.any():
                return None
            index = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
            return "values" if bad.ndim else "values_scalar", {
                "count": int(bad.sum()), "index": _index(index),
                "expected": _scalar(exp[index]), "actual": _scalar(arr[index])}, False, None
        a64 = arr.astype(np.float64)
        e64 = exp.astype(np.float64)
        with np.errstate(all="ignore"):
            diff = np.abs(a64 - e64)
            both_nan = np.isnan(a64) & np.isnan(e64)
            same_inf = np.isinf(e64) & (a64 == e64)
            bad = ~(both_nan | same_inf | (diff <= self.atol + self.rtol * np.abs(e64)))
        if not bad.any():
            return None
        nonfinite = bad & ~np.isfinite(a64)
        if nonfinite.any():
            index = np.unravel_index(int(np.argmax(nonfinite)), bad.shape) if bad.ndim else ()
            return "nan" if bad.ndim else "nan_scalar", {"index": _index(index), "expected": _scalar(exp[index]),
                                                         "actual": _scalar(arr[index])}, True, None
        score = np.where(bad, np.nan_to_num(diff, nan=np.inf), -1.0)
        index = np.unravel_index(int(np.argmax(score)), bad.shape) if bad.ndim else ()
        return "values" if bad.ndim else "values_scalar", {
            "count": int(bad.sum()), "index": _index(index), "expected": _scalar(exp[index]),
            "actual": _scalar(arr[index])}, True, None

    # -- messages ------------------------------------------------------------------------------
    def label(self) -> str:
        return self.id

    def call_text(self) -> str:
        names = self.arg_names or tuple(f"arg{i}" for i in range(len(self.args)))
        return f"{self.function}({', '.join(names[: len(self.args)])})"

    def _input_lines(self):
        names = self.arg_names or tuple(f"arg{i}" for i in range(len(self.args)))
        return [("input", _both("input", name=n, value=format_value(a))) for n, a in zip(names, self.args)]

    def _tolerance_line(self) -> dict:
        if self.exact:
            return _both("exact")
        return _both("tolerance", atol=self.atol, rtol=self.rtol)

    def _verdict(self, passed: bool, status: str, lines, hint=True) -> Verdict:
        """Assemble the message: header line, then the given lines, then the hint."""
        out = {}
        for lang in LANGUAGES:
            text = [MESSAGES("passed" if passed else "failed", lang=lang, case=self.label())]
            for key, value in lines:
                if key == "call":
                    text.append(MESSAGES("call", lang=lang, call=self.call_text()))
                else:
                    text.append(value[lang])
            if not passed:
                hints = []
                if isinstance(hint, str):
                    hints.append(MESSAGES(hint, lang=lang))
                if hint is not False and self.hint:
                    hints.append(self.hint[lang])
                for h in hints:
                    text.append(MESSAGES("hint", lang=lang, text=h))
            out[lang] = "\n".join(text)
        return Verdict(passed, out, status)

    def failure(self, problem: dict, show: dict | None = None, inputs: dict | None = None,
                tolerance: bool = False) -> Verdict:
        """A failed verdict with a custom problem text (for custom checkers).

        ``inputs`` adds "input: name = value" lines (e.g. the probe points a checker used),
        ``show`` maps "expected"/"actual" to rendered values, ``tolerance`` adds this case's tolerance.
        """
        lines = [("call", None), *self._input_lines()]
        for name, value in (inputs or {}).items():
            lines.append(("input", _both("input", name=name, value=format_value(value))))
        for key, value in (show or {}).items():
            lines.append((key, _both(key, value=value)))
        if tolerance:
            lines.append(("tolerance", self._tolerance_line()))
        lines.append(("problem", {lang: MESSAGES("problem", lang=lang, text=problem[lang]) for lang in LANGUAGES}))
        return self._verdict(False, "failed", lines)

    def success(self) -> Verdict:
        return self._verdict(True, "passed", [])


def _index(index) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ("," if len(index) == 1 else "") + ")"


def _describe_type(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return type(value).__name__


# -------------------------------------------------------------------------------------------------
# Portable values: arguments cross the grader's process boundary (actlab.grade.runner.encode, JSON
# with .npy bytes, never pickle), so a case may hold only what that encoding carries.

_SCALARS = (bool, int, float, str)


def _check_portable(value, what: str) -> None:
    if value is None or isinstance(value, _SCALARS):
        return
    if isinstance(value, (tuple, list)):
        for v in value:
            _check_portable(v, what)
        return
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biufU":
        return
    raise TypeError(f"{what} must be a NumPy array of numbers or a Python scalar, got {type(value).__name__}")
