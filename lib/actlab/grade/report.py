"""A class report: one self-contained HTML file from a grades CSV (opens offline, nothing loaded
from anywhere: inline CSS and an inline SVG figure, no script).

    actlab-grade report grades/ex02.csv --out report.html [--lang en]

It shows the counts by status, the score distribution (a histogram), each graded function's mean
and full-mark rate, each check's pass rate (lowest first: the mistakes the class makes most), and
the submissions that need a look (status other than ``ok``, or an ``ok`` row with a cell that
failed, a limit hit, or delegation). Hand-written SVG rather than matplotlib: the report stays a
few kilobytes and the grader never imports matplotlib.
"""
from __future__ import annotations

import html
import math
import os
import statistics
from pathlib import Path

import numpy as np

from ..exercises import EXERCISES
from ..i18n import Messages
from .core import LOOK_FLAGS, STATUSES, UsageError, check_complete, read_grades, write_atomic

MESSAGES = Messages({
    "title": {"ko": "{exercise} 채점 보고서", "en": "{exercise}: class report"},
    "overview": {"ko": "제출 {n}개, 만점 {max}점, 평균 {mean}점, 중앙값 {median}점",
                 "en": "{n} submissions, full marks {max}, mean {mean}, median {median}"},
    "statuses": {"ko": "상태별 제출 수", "en": "Submissions by status"},
    "status": {"ko": "상태", "en": "status"},
    "count": {"ko": "제출 수", "en": "submissions"},
    "meaning": {"ko": "뜻", "en": "meaning"},
    "ok": {"ko": "모든 검사를 실행했습니다. 점수가 곧 성적입니다.", "en": "every check ran: the score is the grade"},
    "error": {"ko": "모든 검사가 끝나기 전에 프로세스가 끝났거나, 셀 하나가 프로세스를 끝내 그 셀 앞까지만 채점했습니다. "
                    "실행된 검사의 점수만 셌으니 확인하세요.",
              "en": "the process ended before every check ran, or a cell crashed it and the notebook was graded up to "
                    "that cell: only checks that ran count; look at it"},
    "timeout": {"ko": "시간 제한에 걸렸습니다. 실행하지 못한 검사는 0점입니다. 확인하세요.",
                "en": "a time limit stopped it: checks that did not run score 0; look at it"},
    "invalid": {"ko": "노트북 파일로 읽을 수 없어 0점입니다.", "en": "not a readable notebook: 0"},
    "distribution": {"ko": "점수 분포", "en": "Score distribution"},
    "figure_alt": {"ko": "점수 분포 막대그래프: 가로축은 점수, 세로축은 제출 수",
                   "en": "Histogram of scores: score across, number of submissions up"},
    "score": {"ko": "점수", "en": "score"},
    "functions": {"ko": "함수별 결과", "en": "Graded functions"},
    "function": {"ko": "함수", "en": "function"},
    "mean": {"ko": "평균", "en": "mean"},
    "full": {"ko": "만점 비율", "en": "full marks"},
    "checks": {"ko": "검사별 통과율 (낮은 것부터: 반에서 가장 많이 틀린 검사)",
               "en": "Pass rate of each check (lowest first: the class's most common mistakes)"},
    "check": {"ko": "검사", "en": "check"},
    "kind": {"ko": "종류", "en": "kind"},
    "hidden": {"ko": "숨은 검사", "en": "hidden"},
    "public": {"ko": "공개 검사", "en": "public"},
    "pass_rate": {"ko": "통과율", "en": "pass rate"},
    "graded_n": {"ko": "읽을 수 있는 제출 {n}개 기준", "en": "over the {n} readable submissions"},
    "look": {"ko": "살펴볼 제출물 ({n}개)", "en": "Submissions that need a look ({n})"},
    "submission": {"ko": "제출", "en": "submission"},
    "flags": {"ko": "표시", "en": "flags"},
    "feedback": {"ko": "요약", "en": "summary"},
    "none_to_look": {"ko": "없습니다. 모든 제출물에서 모든 검사가 실행되었고 문제가 없었습니다.",
                     "en": "None: every check ran on every submission, with no problem."},
})

CSS = """body{font-family:system-ui,'Noto Sans KR','Malgun Gothic',sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.5}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#e8eef7;width:10rem}.bar span{display:block;height:.9rem;background:#3a6ea5}
.s-ok{color:#1b6e20}.s-error,.s-timeout,.s-invalid{color:#a12622}figure{margin:1rem 0}"""


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _histogram_svg(scores: list[float], top: float, lang: str) -> str:
    """Scores in at most 20 bins from 0 to full marks, as an inline SVG bar chart."""
    width, height, pad = 640, 260, 40
    nbins = int(min(20, max(1, math.ceil(top)))) if top > 0 else 1
    counts, edges = np.histogram(scores, bins=nbins, range=(0, top if top > 0 else 1))
    peak = max(1, int(counts.max()) if len(counts) else 1)
    bw = (width - 2 * pad) / nbins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(MESSAGES("figure_alt", lang=lang))}">',
             f'<title>{html.escape(MESSAGES("figure_alt", lang=lang))}</title>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#444"/>']
    for i, c in enumerate(counts):
        h = (height - 2 * pad) * int(c) / peak
        x = pad + i * bw
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - pad - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                     f'fill="#3a6ea5"><title>{_fmt(edges[i])}–{_fmt(edges[i + 1])}: {int(c)}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - pad - h - 4:.1f}" font-size="11" '
                         f'text-anchor="middle">{int(c)}</text>')
    for value in (0, top / 2, top):
        x = pad + (width - 2 * pad) * (value / top if top else 0)
        parts.append(f'<text x="{x:.1f}" y="{height - pad + 16}" font-size="12" text-anchor="middle">{_fmt(value)}</text>')
    parts.append(f'<text x="{width / 2}" y="{height - 6}" font-size="12" text-anchor="middle">'
                 f'{html.escape(MESSAGES("score", lang=lang))}</text></svg>')
    return "".join(parts)


def _all_checks(exercise: str) -> tuple[list[str], set[str]]:
    """Every check id of a course exercise (ids do not depend on the seed), and which are hidden;
    empty for another exercise (then only checks that failed somewhere are known)."""
    module = EXERCISES.get(exercise)
    if module is None:
        return [], set()
    public = [c.id for c in module.public_cases()]
    hidden = [c.id for c in module.hidden_cases(np.random.default_rng(0))]
    return public + hidden, set(hidden)


def class_summary(rows: list[dict]) -> dict:
    """The numbers the report shows (also handy in a notebook): counts, scores, per function and check."""
    if not rows:
        raise UsageError("the grades CSV has no rows")
    exercises = sorted({r["exercise"] for r in rows})
    if len(exercises) > 1:
        raise UsageError(f"the grades CSV holds several exercises ({', '.join(exercises)}): one report each")
    top = float(rows[0]["max_score"])
    scores = [float(r["score"]) for r in rows]
    graded = [r for r in rows if r["status"] != "invalid"]
    functions: dict = {}
    for r in rows:
        for part in filter(None, r["functions"].split(";")):
            name, frac = part.split("=", 1)
            got, most = (float(x) for x in frac.split("/"))
            functions.setdefault(name, []).append((got, most))
    ids, hidden = _all_checks(exercises[0])
    failed: dict = {}
    for r in graded:
        for cid in filter(None, r.get("failed_checks", "").split(";")):
            failed[cid] = failed.get(cid, 0) + 1
    ids += [cid for cid in sorted(failed) if cid not in ids]
    checks = sorted(((cid, 1 - failed.get(cid, 0) / len(graded) if graded else 0.0, cid in hidden) for cid in ids),
                    key=lambda t: (t[1], t[0]))
    look = [r for r in rows if r["status"] != "ok" or set(filter(None, r.get("flags", "").split(";"))) & set(LOOK_FLAGS)]
    return {"exercise": exercises[0], "max": top, "scores": scores, "graded": len(graded),
            "counts": {s: sum(r["status"] == s for r in rows) for s in STATUSES},
            "functions": {f: (statistics.fmean(g for g, _ in v), v[0][1], sum(g == m for g, m in v) / len(v))
                          for f, v in functions.items()},
            "checks": checks, "look": sorted(look, key=lambda r: r["submission"])}


def render(rows: list[dict], lang: str = "ko") -> str:
    """The report's HTML text."""
    s = class_summary(rows)
    m = lambda key, **kw: html.escape(MESSAGES(key, lang=lang, **kw))  # noqa: E731
    e = html.escape
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{m('title', exercise=s['exercise'])}</title><style>{CSS}</style></head><body>",
           f"<h1>{m('title', exercise=s['exercise'])}</h1>",
           f"<p>{m('overview', n=len(rows), max=_fmt(s['max']), mean=_fmt(statistics.fmean(s['scores'])), median=_fmt(statistics.median(s['scores'])))}</p>",
           f"<h2>{m('statuses')}</h2><table><tr><th>{m('status')}</th><th>{m('count')}</th><th>{m('meaning')}</th></tr>"]
    for status, n in s["counts"].items():
        out.append(f'<tr><td class="s-{status}">{status}</td><td class="n">{n}</td><td>{m(status)}</td></tr>')
    out.append(f"</table><h2>{m('distribution')}</h2><figure>{_histogram_svg(s['scores'], s['max'], lang)}</figure>")
    out.append(f"<h2>{m('functions')}</h2><table><tr><th>{m('function')}</th><th>{m('mean')}</th><th>{m('full')}</th></tr>")
    for f, (mean, most, full) in s["functions"].items():
        out.append(f'<tr><td><code>{e(f)}</code></td><td class="n">{_fmt(mean)} / {_fmt(most)}</td>'
                   f'<td class="n">{full:.0%}</td></tr>')
    out.append(f"</table><h2>{m('checks')}</h2><p>{m('graded_n', n=s['graded'])}</p>"
               f"<table><tr><th>{m('check')}</th><th>{m('kind')}</th><th>{m('pass_rate')}</th><th></th></tr>")
    for cid, rate, hidden in s["checks"]:
        out.append(f'<tr><td><code>{e(cid)}</code></td><td>{m("hidden" if hidden else "public")}</td>'
                   f'<td class="n">{rate:.0%}</td><td class="bar"><span style="width:{rate * 100:.0f}%"></span></td></tr>')
    out.append(f"</table><h2>{m('look', n=len(s['look']))}</h2>")
    if s["look"]:
        out.append(f"<table><tr><th>{m('submission')}</th><th>{m('status')}</th><th>{m('score')}</th>"
                   f"<th>{m('flags')}</th><th>{m('feedback')}</th></tr>")
        for r in s["look"]:
            out.append(f'<tr><td>{e(r["submission"])}</td><td class="s-{e(r["status"])}">{e(r["status"])}</td>'
                       f'<td class="n">{e(r["score"])} / {e(r["max_score"])}</td><td>{e(r.get("flags", "").replace(";", ", "))}</td>'
                       f'<td>{e(r["feedback"])}</td></tr>')
        out.append("</table>")
    else:
        out.append(f"<p>{m('none_to_look')}</p>")
    out.append("</body></html>\n")
    return "\n".join(out)


def write_report(grades: str | os.PathLike, out: str | os.PathLike, lang: str = "ko",
                 allow_incomplete: bool = False) -> Path:
    """Read the grades CSV ``grades`` and write the report to ``out``; returns its path. A grading
    run that did not finish (or one shard) is refused unless ``allow_incomplete``."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give the HTML file to write, e.g. {out / 'report.html'}")
    rows = read_grades(grades)
    if not allow_incomplete:
        check_complete(grades, rows)
    text = render(rows, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, text.encode("utf-8"))
    return out
