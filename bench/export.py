"""Benchmark the Word export on the fullest sample assessment.

The full racial equity impact assessment with every step answered (its complete sample
answers, enlarged: long markdown answers, tables of 20 rows, every group picked, a long
review record). Reports the median time of one export (evaluate, context, render, save),
its peak memory (tracemalloc), the ratio to rendering the same template with an empty
context (docxtpl's own floor), and resident memory over 50 exports in a row, which must
stay flat. Target: under 1 s median per .docx.

    .venv/bin/python bench/export.py
"""

from __future__ import annotations

import gc
import io
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment

from equity_tool.publishing.export import DEFAULT_TEMPLATE, ReviewRecord, build_context, render_docx
from equity_tool.publishing.export.record import Comment, Reply, Transition, Verdict
from equity_tool.questionnaire import evaluate, load_file
from equity_tool.questionnaire.answersfile import read_answers

ROOT = Path(__file__).resolve().parent.parent
RUNS, IN_A_ROW = 15, 50

PARAGRAPH = ("The **Eastside** pool has been closed since 2019, and the nearest open pool is "
             "*two bus rides away* for most families. See the [2025 aquatics study]"
             "(https://example.gov/parks/aquatics-2025) for the numbers.")
LIST = "\n".join(f"- Point {n}: a concrete step with a *named* owner" for n in range(1, 6))
STEPS = "\n".join(f"{n}. Step {n} of the plan, with **a date**" for n in range(1, 6))


def long_markdown(limit: int) -> str:
    text = "\n\n".join([PARAGRAPH, LIST, PARAGRAPH, STEPS, PARAGRAPH, PARAGRAPH])
    while len(text) + len(PARAGRAPH) + 2 < limit:
        text += "\n\n" + PARAGRAPH
    return text[:limit]


def cell(column, n: int):
    if column.type == "long_text":
        return f"Row {n}: **evidence** from the *survey*, see https://example.gov/{n}"
    if column.type in ("number", "scale"):
        return column.min if column.min is not None else 1
    if column.type in ("single_choice",):
        return column.choices[0].value
    if column.type == "yes_no":
        return "yes"
    if column.type == "date":
        return "2027-03-16"
    return f"Row {n} text"


def fullest():
    q = load_file(ROOT / "questionnaires" / "racial-equity-impact-assessment.yaml").questionnaire
    path = ROOT / "questionnaires" / "examples" / f"{q.id}--complete.yaml"
    answers, _ = read_answers(q, path.read_text(), str(path))
    for question in q.questions():
        if question.type == "long_text":
            answers[question.id] = long_markdown(question.max_length or 4000)
        elif question.type == "multi_choice" and any(
                t.rows_from == question.id for t in q.questions()):
            answers[question.id] = [c.value for c in question.choices if not c.exclusive]
    for question in q.questions():
        if question.type != "table":
            continue
        if question.rows_from:
            rows = [{"row": value} for value in answers[question.rows_from]]
        else:
            rows = [{} for _ in range(20)]
        for n, row in enumerate(rows, start=1):
            row.update({c.id: cell(c, n) for c in question.columns})
        answers[question.id] = rows
    now = datetime(2026, 3, 4, 10, tzinfo=UTC)
    step = timedelta(hours=5)
    record = ReviewRecord(
        transitions=tuple(Transition(now + n * step, "Olu Officer", "returned", "in review",
                                     "returned", "See comments " * 10) for n in range(12)),
        comments=tuple(Comment(now + n * step, "Olu Officer", "Please say more. " * 20, 1,
                               q.questions()[n].id, now, "Ana Staff",
                               (Reply(now, "Ana Staff", "Done, see the answer. " * 5),))
                       for n in range(20)),
        verdicts=tuple(Verdict(now, "Olu Officer", 1, s.id, "acceptable") for s in q.sections),
    )
    assessment = SimpleNamespace(
        id=1, title="Eastside Pool renovation and free swim lessons", language="en",
        state="approved", answers=answers, other_texts={}, submitted_at=now, approved_at=now,
        conditions="Report the swim test results each June. " * 5)
    return q, assessment, record


def export(q, assessment, record) -> bytes:
    context = build_context(assessment=assessment, questionnaire=q, department="Parks",
                            evaluation=evaluate(q, assessment.answers, language="en"),
                            record=record)
    return render_docx(context)


def empty_render() -> bytes:
    document = DocxTemplate(str(DEFAULT_TEMPLATE))
    # Every name undefined (and chainable, so `assessment.title` is just empty): the cost of
    # docxtpl and Jinja on this template with no data to put in it.
    env = SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)
    document.render({}, env, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    q, assessment, record = fullest()
    size = len(export(q, assessment, record))  # warm up: imports, caches
    empty_render()
    median = timed(lambda: export(q, assessment, record), RUNS)
    floor = timed(empty_render, RUNS)
    tracemalloc.start()
    export(q, assessment, record)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = []
    for _ in range(IN_A_ROW):
        export(q, assessment, record)
        gc.collect()
        rss.append(rss_kib())
    first, last = statistics.mean(rss[:10]) / 1024, statistics.mean(rss[-10:]) / 1024
    answers = sum(1 for v in assessment.answers.values() if v)
    print(f"fullest assessment: {answers} answers, {size / 1024:.0f} KiB .docx")
    print(f"median export:      {median * 1000:.0f} ms  (target < 1000 ms)")
    print(f"empty-context render of the same template: {floor * 1000:.0f} ms  "
          f"(ratio {median / floor:.1f}x)")
    print(f"peak memory of one export (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"{IN_A_ROW} exports in a row, RSS: first 10 {first:.1f} MiB, last 10 {last:.1f} MiB "
          f"({last - first:+.1f} MiB)")


if __name__ == "__main__":
    main()
