"""The annual report for a scope: the figures gathered once, as the template's context (see
docs/export-templates.md, "The annual report") and as the CSV's records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from equity_tool.assessments.lists import questionnaire_titles
from equity_tool.assessments.service import DECISION_KINDS
from equity_tool.core import tallies
from equity_tool.core.models import utcnow
from equity_tool.core.vocabulary import ItemKind, ItemStatus
from equity_tool.publishing.dashboard.assessment_figures import percentile
from equity_tool.publishing.dashboard.labels import Labels
from equity_tool.publishing.reports import charts, figures
from equity_tool.publishing.reports.scope import Scope, departments
from equity_tool.questionnaire import Questionnaire
from equity_tool.questionnaire.messages import long_date

TOP_FLAGS = 5  # per department; the citywide list has twice as many


@dataclass(frozen=True)
class Words:
    """Labels for the ids the database groups by: levels and flags from the questionnaires,
    decision kinds from the start page."""

    labels: Labels
    decisions: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session, questionnaires: Iterable[Questionnaire]) -> Words:
        offered = list(questionnaires)
        decisions = {}
        for q in offered:
            question = q.start_question("decision_kind")
            for choice in getattr(question, "choices", None) or ():
                decisions[(q.id, str(choice.value))] = choice.label.get()
        return cls(Labels.of(offered, questionnaire_titles(session)), decisions)

    def decision(self, questionnaire_id: str, kind: str) -> str:
        return (self.decisions.get((questionnaire_id, kind)) or DECISION_KINDS.get(kind)
                or kind)


@dataclass
class AnnualReport:
    scope: Scope
    title: str
    generated: datetime
    context: dict[str, Any]  # what the template is filled with; charts as charts.Chart
    approved: list[figures.Approved]
    items: list[figures.Item]
    department_names: dict[int, str]
    words: Words

    @property
    def has_data(self) -> bool:
        return bool(self.context["has_data"])


def report_title(scope: Scope) -> str:
    where = scope.department_name or "Citywide"
    return f"Racial equity annual report {scope.year}: {where}"


def _date(value: date | datetime | None, timezone: str) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(timezone)).date()
    return {"iso": value.isoformat(), "text": long_date(value)}


def _days_text(days: float | None) -> str:
    return "–" if days is None else f"{days:.1f}"


def build_report(session: Session, scope: Scope, questionnaires: Iterable[Questionnaire], *,
                 now: datetime | None = None) -> AnnualReport:
    """Every figure of the report for `scope`: counts from the tallies, lists from a
    handful of queries."""
    tallies.ensure(session, scope.timezone)
    words = Words.of(session, questionnaires)
    names = dict(departments(session))
    levels = figures.completed_by_level(session, scope)
    decided = figures.decisions(session, scope)
    flag_rows = figures.flags(session, scope)
    approved = figures.approved(session, scope)
    item_counts = figures.item_counts(session, scope)
    items = figures.items(session, scope)
    generated = now or utcnow()
    shown = _departments_shown(scope, names, levels, decided, item_counts)
    context = {
        "title": report_title(scope),
        "language": "en",
        "year": scope.year,
        "department": scope.department_name,
        "citywide": scope.department_id is None,
        "generated": _date(generated, scope.timezone),
        "has_data": bool(levels or decided or item_counts),
        "summary": _summary(scope, decided, approved, item_counts),
        "levels": _levels(levels, words),
        "flags": _flags(flag_rows, words, limit=2 * TOP_FLAGS),
        "items_by_status": _by_status(figures.sum_counters(item_counts.values())),
        "overview": [_overview(i, names[i], levels, decided, approved, item_counts)
                     for i in shown],
        "departments": [
            _department(i, names[i], scope, words, levels, decided, flag_rows, approved,
                        item_counts, items) for i in shown],
    }
    return AnnualReport(scope, context["title"], generated, context, approved, items, names,
                        words)


def _departments_shown(scope, names, levels, decided, item_counts) -> list[int]:
    if scope.department_id is not None:
        return [scope.department_id]
    active = {row[0] for row in levels} | set(decided) | set(item_counts)
    return sorted(active, key=lambda i: names[i].lower())


def _summary(scope: Scope, decided, approved, item_counts) -> dict[str, Any]:
    days = sorted(d for a in approved if (d := a.turnaround_days) is not None)
    decisions = figures.sum_counters(decided.values())
    items = figures.sum_counters(item_counts.values())
    median, ninetieth = percentile(days, 0.5), percentile(days, 0.9)
    y = scope.year
    summary = {
        "completed": len(approved),
        "first_submissions": decisions["first submissions"],
        "returns": decisions["returns"],
        "returned_assessments": decisions["returned"],
        "approvals": decisions["approvals"],
        "median_days": None if median is None else round(median, 1),
        "median_days_text": _days_text(median),
        "p90_days": None if ninetieth is None else round(ninetieth, 1),
        "p90_days_text": _days_text(ninetieth),
        "follow_up_items": items["items"], "items_made": items["made"],
        "items_done": items[ItemStatus.DONE.value],
        "items_at_risk": items[ItemStatus.AT_RISK.value], "items_overdue": items["overdue"],
    }
    summary["rows"] = [{"label": label, "value": value} for label, value in (
        (f"Assessments completed (approved) in {y}", summary["completed"]),
        (f"Assessments sent for review for the first time in {y}",
         summary["first_submissions"]),
        (f"Returns to departments for changes in {y}", summary["returns"]),
        ("Assessments returned at least once", summary["returned_assessments"]),
        (f"Approvals in {y} (a reopened assessment approved again counts again)",
         summary["approvals"]),
        ("Median days from first submission to approval", summary["median_days_text"]),
        ("90th percentile of days from first submission to approval",
         summary["p90_days_text"]),
        (f"Follow-up items of {y} (made or due in {y})", summary["follow_up_items"]),
        (f"Of those, made in {y}", summary["items_made"]),
        ("Done", summary["items_done"]),
        ("At risk", summary["items_at_risk"]),
        ("Overdue", summary["items_overdue"]),
    )]
    return summary


def _levels(levels, words: Words) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    for _, qid, level, count in levels:
        counts[(qid, level)] += count
    ordered = sorted(counts.items(), key=lambda kv: (
        words.labels.title(kv[0][0]).lower(), words.labels.level_order(*kv[0])))
    return [{"level": words.labels.level(qid, level), "level_id": level,
             "questionnaire": words.labels.title(qid), "count": count}
            for (qid, level), count in ordered]


def _flags(rows, words: Words, *, limit: int) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    severity: dict[tuple[str, str], str] = {}
    for _, qid, flag, level, count in rows:
        counts[(qid, flag)] += count
        severity[(qid, flag)] = level
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))[:limit]
    return [{"flag": words.labels.flag(qid, flag), "flag_id": flag,
             "questionnaire": words.labels.title(qid),
             "severity": severity[(qid, flag)].capitalize(), "count": count}
            for (qid, flag), count in ordered]


def _by_status(counts: Counter) -> list[dict[str, Any]]:
    return [{"status": s.value.capitalize(), "count": counts[s.value]} for s in ItemStatus]


def _item_figures(counts: Counter) -> dict[str, int]:
    return {"all": counts["items"], "made": counts["made"],
            "done": counts[ItemStatus.DONE.value], "at_risk": counts[ItemStatus.AT_RISK.value],
            "overdue": counts["overdue"], "on_track": counts[ItemStatus.ON_TRACK.value],
            "not_started": counts[ItemStatus.NOT_STARTED.value],
            "dropped": counts[ItemStatus.DROPPED.value]}


def _median_of(approved, department_id: int) -> float | None:
    days = sorted(d for a in approved
                  if a.department_id == department_id and (d := a.turnaround_days) is not None)
    return percentile(days, 0.5)


def _overview(department_id, name, levels, decided, approved, item_counts) -> dict[str, Any]:
    decisions, counts = decided.get(department_id, Counter()), item_counts.get(department_id,
                                                                                Counter())
    median = _median_of(approved, department_id)
    return {"name": name,
            "completed": sum(row[3] for row in levels if row[0] == department_id),
            "returns": decisions["returns"], "approvals": decisions["approvals"],
            "median_days_text": _days_text(median), "follow_up_items": counts["items"],
            "overdue": counts["overdue"]}


def _department(department_id, name, scope, words, levels, decided, flag_rows, approved,
                item_counts, items) -> dict[str, Any]:
    tz = scope.timezone
    mine = [a for a in approved if a.department_id == department_id]
    return {
        **_overview(department_id, name, levels, decided, approved, item_counts),
        "id": department_id,
        "assessments": [{
            "id": a.id, "title": a.title,
            "decision": words.decision(a.questionnaire_id, a.decision_kind),
            "questionnaire": words.labels.title(a.questionnaire_id),
            "level": words.labels.level(a.questionnaire_id, a.impact_level),
            "approved": _date(a.approved_at, tz),
            "turnaround_days_text": _days_text(a.turnaround_days)} for a in mine],
        "flags": _flags([r for r in flag_rows if r[0] == department_id], words,
                        limit=TOP_FLAGS),
        "follow_up": _item_figures(item_counts.get(department_id, Counter())),
        "measures": [{
            "id": i.id, "title": i.title, "assessment": i.assessment_title,
            "baseline": i.baseline or "–", "latest": i.latest_value or "–",
            "latest_on": _date(i.latest_value_on, tz), "target": i.target or "–",
            "status": i.status.value.capitalize(), "due": _date(i.due_on, tz),
            "overdue": i.overdue}
            for i in items if i.department_id == department_id
            and i.kind == ItemKind.MEASURE and i.status != ItemStatus.DROPPED],
    }


def draw_charts(report: AnnualReport) -> dict[str, charts.Chart | None]:
    """The Word document's charts (drawn only for it: a CSV needs none), None where a chart
    would have nothing to show."""
    context, scope = report.context, report.scope
    y = scope.year
    several = len({row["questionnaire"] for row in context["levels"]}) > 1
    level_bars = [(f"{r['level']} ({r['questionnaire']})" if several else r["level"],
                   r["count"]) for r in context["levels"]]
    found: dict[str, charts.Chart | None] = {
        "levels": charts.bar_chart(level_bars, title=f"Assessments completed in {y}, "
                                   "by impact level") if level_bars else None,
        "departments": None,
        "follow_up": None,
    }
    if scope.department_id is None and any(d["completed"] for d in context["overview"]):
        found["departments"] = charts.bar_chart(
            [(d["name"], d["completed"]) for d in context["overview"]],
            title=f"Assessments completed in {y}, by department")
    if context["summary"]["follow_up_items"]:
        found["follow_up"] = charts.bar_chart(
            [(r["status"], r["count"]) for r in context["items_by_status"]],
            title=f"Follow-up items of {y}, by status")
    return found
