"""What the grader says, in Korean and English: the CSV's feedback column and the feedback files."""
from __future__ import annotations

from ..i18n import Messages

MESSAGES = Messages({
    "header": {"ko": "과제 {exercise}: {title}", "en": "Exercise {exercise}: {title}"},
    "submission": {"ko": "제출: {sid}", "en": "Submission: {sid}"},
    "score": {"ko": "점수: {score} / {max}", "en": "Score: {score} / {max}"},
    "status": {"ko": "상태: {status} ({text})", "en": "Status: {status} ({text})"},
    "ok": {"ko": "끝까지 실행하고 채점했습니다", "en": "ran to the end and was graded"},
    "timeout": {"ko": "제한 시간 {timeout}초를 넘어 중단했습니다. 그때까지 나온 결과만 채점했습니다",
                "en": "stopped after the time limit of {timeout} s; only the results produced by then were graded"},
    "cpu": {"ko": "CPU 시간 제한 {timeout}초를 넘어 중단했습니다. 그때까지 나온 결과만 채점했습니다",
            "en": "stopped at the CPU time limit of {timeout} s; only the results produced by then were graded"},
    "slow": {"ko": "`{function}` 호출 한 번이 {seconds}초를 넘었습니다. 이 함수의 남은 검사는 실행하지 않았습니다.",
             "en": "one call of `{function}` took longer than {seconds} s; its remaining checks were not run."},
    "slow_status": {"ko": "{functions}의 호출이 {seconds}초를 넘었습니다", "en": "a call of {functions} took longer than {seconds} s"},
    "internal": {"ko": "채점 도구 자체의 오류로 채점하지 못했습니다 ({error}). 다시 실행하면 이 제출물을 다시 채점합니다.",
                 "en": "the grader itself failed on this submission ({error}); running again grades it again."},
    "invalid": {"ko": "노트북 파일로 읽을 수 없습니다: {reason}", "en": "not a notebook the grader can read: {reason}"},
    # why (InvalidNotebook's keys); a parser's own message stays as it is, in English
    "invalid_utf8": {"ko": "UTF-8 텍스트가 아닙니다 ({start}번째 바이트: {reason})",
                     "en": "not UTF-8 text ({reason} at byte {start})"},
    "invalid_json": {"ko": "JSON 형식이 올바르지 않습니다 ({line}번째 줄, {column}번째 열: {message}). "
                           "파일이 잘렸거나 텍스트 편집기로 고친 것일 수 있습니다. Jupyter나 Colab에서 다시 저장해 제출하세요",
                     "en": "not valid JSON (line {line}, column {column}: {message}); the file may be cut short or "
                           "hand-edited: save it again from Jupyter or Colab and hand it in again"},
    "invalid_no_cells": {"ko": "JSON이지만 Jupyter 노트북이 아닙니다 (셀이 없습니다)",
                         "en": "JSON, but not a Jupyter notebook (no cells)"},
    "invalid_nbformat": {"ko": "지원하지 않는 노트북 형식 nbformat {version}입니다 (4여야 합니다)",
                         "en": "unsupported nbformat {version} (expected 4)"},
    "invalid_schema": {"ko": "노트북 구조가 올바르지 않습니다 ({type}: {message})",
                       "en": "not a valid notebook ({type}: {message})"},
    "invalid_too_large": {"ko": "파일이 {mb} MB보다 큽니다", "en": "larger than {mb} MB"},
    "invalid_unreadable": {"ko": "파일을 읽을 수 없습니다 ({error})", "en": "cannot read the file ({error})"},
    "exit": {"ko": "채점이 끝나기 전에 프로세스가 스스로 끝났습니다 (종료 코드 {code}: sys.exit, os._exit 등)",
             "en": "the process ended itself before grading finished (exit code {code}: sys.exit, os._exit, ...)"},
    "signal": {"ko": "채점이 끝나기 전에 프로세스가 신호({signal})를 받고 끝났습니다 (스스로 종료했거나 메모리 제한 {memory} MB에 걸렸을 수 있습니다)",
               "en": "the process was ended by signal {signal} before grading finished (it killed itself, or hit the memory limit of {memory} MB)"},
    "memory": {"ko": "메모리 제한 {memory} MB를 넘었습니다 (MemoryError)",
               "en": "the memory limit of {memory} MB was exceeded (MemoryError)"},
    "output": {"ko": "출력 제한 {output} MB를 넘었습니다 (print가 너무 많거나 파일이 너무 큽니다)",
               "en": "the output limit of {output} MB was exceeded (too much printed, or too large a file)"},
    "cells": {"ko": "셀 {cells}에서 오류가 났습니다", "en": "errors in cell(s) {cells}"},
    "checks_unaffected": {"ko": "검사는 모두 실행했습니다", "en": "every check still ran"},
    "summary": {"ko": "검사 {total}개 중 {passed}개 통과", "en": "{passed} of {total} checks passed"},
    "function": {"ko": "[{function}] 검사 {total}개 중 {passed}개 통과, {points} / {max}점",
                 "en": "[{function}] {passed} of {total} checks passed, {points} / {max} points"},
    "hidden": {"ko": "✗ {label}: 숨은 검사(hidden check)입니다. 입력과 기댓값은 공개하지 않습니다.",
               "en": "✗ {label}: a hidden check; its input and expected value are not shown."},
    "hidden_passed": {"ko": "숨은 검사 {passed}/{total}개 통과", "en": "hidden checks: {passed} of {total} passed"},
    "not_run": {"ko": "✗ {label}: 이 검사를 실행하기 전에 프로세스가 끝났습니다.",
                "en": "✗ {label}: the process ended before this check ran."},
    "delegation_module": {
        "ko": "`{function}` 함수가 {what}에 계산을 맡깁니다 ({where}). 채점하는 함수는 "
              "{modules}에 맡기지 않고 직접 계산해야 하므로 이 함수의 검사는 모두 0점입니다.",
        "en": "`{function}` uses {what} ({where}). A graded function must compute its result "
              "itself, without {modules}, so every check of this function scores 0."},
    "delegation_dynamic": {
        "ko": "`{function}` 함수가 모듈이나 이름을 동적으로 불러옵니다 ({what}, {where}). "
              "{modules}에 맡기는 길을 막으려고 채점하는 함수에서는 이를 허용하지 않으므로 이 함수의 검사는 모두 0점입니다.",
        "en": "`{function}` imports or looks up names dynamically ({what}, {where}). To rule out "
              "delegating to {modules} this is not allowed in a graded function, so every "
              "check of this function scores 0."},
    "delegation_runtime": {
        "ko": "`{function}` 함수가 실행 중에 {what}에 계산을 맡기려 했습니다. 채점하는 함수는 직접 계산해야 하므로 "
              "이 함수의 검사는 모두 0점입니다.",
        "en": "`{function}` called {what} while running. A graded function must compute its result itself, "
              "so every check of this function scores 0."},
    "delegated": {"ko": "직접 계산하지 않아 0점인 함수: {functions}", "en": "scored 0 for delegating: {functions}"},
    "where": {"ko": "셀 {cell}, {line}번째 줄", "en": "cell {cell}, line {line}"},
    "via": {"ko": ", `{name}`을(를) 거쳐", "en": ", through `{name}`"},
    "not_callable": {"ko": "`{function}`은(는) 함수가 아닙니다 ({type}).", "en": "`{function}` is not a function ({type})."},
    "unreadable": {"ko": "돌려준 값을 읽을 수 없습니다 ({type}: {message})",
                   "en": "the returned value could not be read ({type}: {message})"},
    "problems": {"ko": "노트북을 실행하는 동안 생긴 문제:", "en": "Problems while running the notebook:"},
    "cell_error": {"ko": "  셀 {cell}{line}: {type}: {message}", "en": "  cell {cell}{line}: {type}: {message}"},
    "at_line": {"ko": " ({line}번째 줄)", "en": " (line {line})"},
    "cell_blocked": {"ko": "  셀 {cell}: {what}은(는) 채점 중에 쓸 수 없어 이 셀의 나머지를 건너뛰었습니다 (점수와는 관계없습니다).",
                     "en": "  cell {cell}: {what} is not available while grading, so the rest of this cell was skipped (no effect on the score)."},
    "cell_not_implemented": {"ko": "  셀 {cell}: 아직 구현하지 않은 함수를 호출했습니다 (NotImplementedError).",
                             "en": "  cell {cell}: called a function that is not implemented yet (NotImplementedError)."},
    "cell_time": {"ko": "  셀 {cell}{line}: 셀 실행에 쓸 수 있는 {seconds}초를 넘어 멈췄습니다. 그 뒤의 셀은 실행하지 않았고, "
                        "그 전에 정의된 함수는 채점했습니다.",
                  "en": "  cell {cell}{line}: ran past the {seconds} s the cells may take and was stopped; the cells "
                        "after it were not run, the functions defined before it were graded."},
    "cell_crashed": {"ko": "  셀 {cell}: 이 셀을 실행하다가 프로세스가 끝났습니다 ({how}). 이 셀부터는 빼고 노트북을 다시 실행해 "
                           "그 전에 정의된 함수를 채점했습니다.",
                     "en": "  cell {cell}: the process ended while running this cell ({how}); the notebook was run "
                           "again without this cell and the ones after it, and the functions defined before it were graded."},
    "crashed": {"ko": "셀 {cell}에서 프로세스가 끝났습니다 ({how}). 그 전에 정의된 함수만 채점했습니다",
                "en": "the process ended in cell {cell} ({how}); only the functions defined before it were graded"},
    "cell_stopped": {"ko": "셀 {cell}에서 셀 실행 시간 {seconds}초를 넘어 멈췄습니다. 그 전에 정의된 함수만 채점했습니다",
                     "en": "cell {cell} ran past the {seconds} s the cells may take and was stopped; only the functions "
                           "defined before it were graded"},
    "setup_code": {"ko": "  설정 셀(셀 {cell})은 채점할 때 실행하지 않습니다. 그 안의 정의({names})만 실행했고 나머지 코드는 "
                         "무시했습니다. 답은 설정 셀 아래의 셀에 쓰세요.",
                   "en": "  cell {cell} is the setup cell, which grading does not run: only the definitions in it "
                         "({names}) were run, the rest of its code was ignored. Write your answers in the cells below it."},
    "numbering": {"ko": "  (셀 번호는 노트북 맨 위 셀을 1로 하여 텍스트(마크다운) 셀까지 모두 센 번호입니다. "
                        "Jupyter의 [n] 실행 번호와는 다릅니다.)",
                  "en": "  (Cell numbers count every cell from the top of the notebook, text (Markdown) cells included, "
                        "the first cell being 1; they are not Jupyter's [n] execution counts.)"},
    "no_functions": {"ko": "채점하는 함수({functions})가 하나도 정의되어 있지 않습니다. 다른 과제의 노트북을 낸 것은 아닌가요?",
                     "en": "none of the graded functions ({functions}) is defined — wrong notebook?"},
    "too_large": {"ko": "돌려준 값이 너무 큽니다 ({mb} MB, 이 검사에서는 {limit} MB까지). 배열의 모양(shape)을 확인하세요 "
                        "(예: 의도하지 않은 브로드캐스팅).",
                  "en": "returned value too large ({mb} MB; at most {limit} MB for this check): check the array's "
                        "shape (an unintended broadcast?)."},
    "output_tail": {"ko": "마지막 출력:", "en": "Last output:"},
    "limits": {"ko": "채점 조건: 제한 시간 {timeout}초, 메모리 {memory} MB, 출력 {output} MB. 격리: {isolation}.",
               "en": "Grading limits: {timeout} s, {memory} MB of memory, {output} MB of output. Isolation: {isolation}."},
    "none": {"ko": "없음", "en": "none"},
    # Gradescope's results.json: one test per graded function and kind of check
    "gs_public": {"ko": "{function}: 공개 검사", "en": "{function}: public checks"},
    "gs_hidden": {"ko": "{function}: 숨은 검사", "en": "{function}: hidden checks"},
    "gs_graded_file": {"ko": "채점한 파일: {name}", "en": "Graded file: {name}"},
    "gs_others": {"ko": "(함께 올린 다른 노트북 {n}개는 채점하지 않았습니다: {names}. 과제 이름으로 시작하는 파일, 그중 가장 최근 파일을 채점합니다.)",
                  "en": "(the {n} other notebook(s) uploaded were not graded: {names}; the file named after the exercise, "
                        "the newest of them, is graded)"},
    "gs_no_notebook": {"ko": "제출물에 .ipynb 파일이 없습니다. 과제 노트북을 .ipynb로 내려받아 제출하세요.",
                       "en": "no .ipynb file was submitted: download the exercise notebook as .ipynb and submit it."},
    # the isolation the child reports having applied (sandbox notes), for the last line
    # (each claim exactly what that path gives: see sandbox.py and the instructor guide, section 5)
    "iso_network": {"ko": "네트워크 차단", "en": "no network"},
    "iso_files_whitelist": {"ko": "파일 시스템: 파이썬과 NumPy만 읽기 전용으로 보이고 나머지는 없음 (bubblewrap)",
                            "en": "file system: only Python and NumPy visible, read-only (bubblewrap)"},
    "iso_files_partial": {"ko": "파일 시스템: 자체 /tmp, 교수자의 홈·작업 폴더·강의 저장소·제출물·채점 결과는 가림"
                                "(파이썬과 NumPy만 남김), 그 밖의 파일은 읽을 수 있음",
                          "en": "file system: own /tmp; the instructor's home, working folder, course clone, "
                                "submissions and grader output covered (Python and NumPy left in place); other files readable"},
    "iso_files_shared": {"ko": "파일 시스템은 격리하지 않음", "en": "file system not isolated"},
    "iso_files_failed": {"ko": "파일 시스템 격리 실패", "en": "file-system isolation failed"},
    "iso_limits": {"ko": "자원 제한", "en": "limits"},
    "iso_user": {"ko": "별도 사용자", "en": "separate user"},
})


def number(x: float) -> str:
    """Scores as short, stable text: 3, 2.5, 0.333333."""
    x = float(x)
    if x == int(x):
        return str(int(x))
    return f"{x:.6g}"


def isolation_text(notes: list[str], lang: str) -> str:
    """The sandbox notes in ``lang`` ("network, filesystem, ..." in English); unknown notes as they are."""
    words = []
    for note in notes:
        key = "iso_" + str(note).split(" (")[0]  # "files_failed (reason)"
        words.append(MESSAGES(key, lang=lang) if key in MESSAGES else str(note))
    return ", ".join(words) or MESSAGES("none", lang=lang)
