"""The dashboard's hand-counted world: three departments, nine rapid checks taken through the
real workflow at known moments, and follow-up items with known statuses and dates.

Everything happens in 2025 unless said; "now" is 1 August 2025, 00:00 UTC.

All created 2025-01-10 but P2 (2024-12-20); dates below in 2025 unless said:

- T1 Transportation: submitted 03-01, approved 03-03 (2 days); low
- T2 Transportation: submitted 04-01, returned 04-02, resubmitted 04-05, approved 04-11
  (10 days); moderate; full
- T3 Transportation: draft; no level
- T4 Transportation: submitted 06-01 (waiting 60 full days: it was 10am); moderate; full
- H1 Housing: submitted 05-01, approved 05-05 (4 days); low; consequence
- H2 Housing: submitted 02-01, in review (waiting 180 full days); low
- H3 Housing: withdrawn; no level
- P1 Parks: submitted 07-01, returned 07-03; moderate; full
- P2 Parks: submitted 2024-12-28, approved 01-05 (8 days); low

"full" is full_assessment_needed (high), "consequence" is consequence_without_mitigation
(warning). Turnaround in 2025: 2, 4, 8, 10 days: median 6, 90th percentile 9.4.
Started in 2025 and sent to the officer: T1, T2, T4, H1, H2, P1 (6); returned: T2, P1 (2).

Items (today is 2025-08-01; item 5, with no due date, was created 2025-05-06):

| # | of | kind       | title              | due        | status      |
|---|----|------------|--------------------|------------|-------------|
| 1 | T1 | commitment | Hire two staff     | 2025-05-01 | on track (overdue 92 days) |
| 2 | T1 | commitment | Post notices       | 2025-03-15 | done        |
| 3 | T1 | measure    | Evening visits     | 2025-12-31 | on track; 100 → 200, latest 150 on 07-01 |
| 4 | H1 | commitment | Open the lab       | 2025-02-10 | not started (overdue 172 days) |
| 5 | H1 | measure    | =1+1 households    | none       | at risk; "-5" → "+50" |
| 6 | H1 | commitment | Dropped idea       | 2025-01-01 | dropped     |
| 7 | P2 | commitment | Survey riders      | 2024-11-01 | at risk (overdue 273 days) |
| 8 | P2 | measure    | Riders             | 2026-06-30 | not started |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from equity_tool.core.models import Assessment, FollowUpItem, User
from equity_tool.core.vocabulary import ItemKind, ItemStatus
from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from tests import factories

NOW = datetime(2025, 8, 1, tzinfo=UTC)
TODAY = NOW.date()
CREATED = datetime(2025, 1, 10, 9, tzinfo=UTC)


def at(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


@dataclass
class World:
    assessments: dict[str, Assessment] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)  # name -> id
    items: dict[int, FollowUpItem] = field(default_factory=dict)


class Clock:
    """What review.service reads as the time, so each transition happens when we say."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _answers(variant: str) -> dict:
    answers = factories.example_answers(factories.load_questionnaire(factories.RAPID))
    if variant == "dont_know":  # concern 1 + 1 = 2: moderate, and the full assessment is needed
        answers["worsens_disparity"] = "dont_know"
    elif variant == "yes":  # concern 1 + 2 = 3: moderate, the full assessment is needed
        answers["worsens_disparity"] = "yes"
    elif variant == "unmitigated":  # low, and a consequence without mitigation
        answers["unintended_consequences"] = [
            {k: v for k, v in row.items() if k != "mitigation"} if i == 0 else row
            for i, row in enumerate(answers["unintended_consequences"])]
    return answers


def build(session: Session, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world of the table above, in `session`'s database."""
    clock = Clock()
    monkeypatch.setattr(review, "utcnow", clock)
    cast = factories.people(session)
    parks = factories.user(session, email="pia@city.gov", name="Pia Parks",
                           department_name="Parks")
    officer = cast["officer"]
    world = World()
    rapid = factories.load_questionnaire(factories.RAPID)

    def new(key: str, author: User, variant: str = "complete",
            created: datetime = CREATED) -> Assessment:
        assessment = factories.answered(session, author=author, answers=_answers(variant),
                                        title=f"Assessment {key}")
        assessment.created_at = created
        session.add(assessment)
        session.commit()
        world.assessments[key] = assessment
        return assessment

    def step(when: datetime, assessment: Assessment, action: Action) -> None:
        clock.now = when
        actor = (officer if action in (Action.START_REVIEW, Action.RETURN, Action.APPROVE)
                 else session.get(User, assessment.created_by_id))
        if action == Action.RETURN:
            review.set_verdict(session, user=officer, assessment=assessment, questionnaire=rapid,
                               section_id=rapid.sections[0].id, verdict="needs changes")
        extra = {"note": "Not needed."} if action == Action.WITHDRAW else {}
        factories.act(session, user=actor, assessment=assessment, action=action, **extra)

    def route(assessment: Assessment, *steps: tuple[datetime, Action]) -> None:
        for when, action in steps:
            step(when, assessment, action)

    S, R, RET, A = Action.SUBMIT, Action.START_REVIEW, Action.RETURN, Action.APPROVE
    staff, housing = cast["staff"], cast["other"]
    world.departments = {"Transportation": staff.department_id,
                         "Housing": housing.department_id, "Parks": parks.department_id}
    route(new("T1", staff), (at(3, 1), S), (at(3, 2), R), (at(3, 3), A))
    route(new("T2", staff, "dont_know"), (at(4, 1), S), (at(4, 1), R), (at(4, 2), RET),
          (at(4, 5), S), (at(4, 6), R), (at(4, 11), A))
    new("T3", staff)
    route(new("T4", staff, "yes"), (at(6, 1), S))
    route(new("H1", housing, "unmitigated"), (at(5, 1), S), (at(5, 2), R), (at(5, 5), A))
    route(new("H2", housing), (at(2, 1), S), (at(2, 3), R))
    route(new("H3", housing), (at(3, 1), Action.WITHDRAW))
    route(new("P1", parks, "dont_know"), (at(7, 1), S), (at(7, 2), R), (at(7, 3), RET))
    route(new("P2", parks, created=datetime(2024, 12, 20, 9, tzinfo=UTC)),
          (at(12, 28, 2024), S), (at(12, 30, 2024), R), (at(1, 5), A))
    _items(session, world)
    return world


def _items(session: Session, world: World) -> None:
    rows = [  # (number, assessment, kind, title, due, status, extra)
        (1, "T1", ItemKind.COMMITMENT, "Hire two staff", date(2025, 5, 1), ItemStatus.ON_TRACK,
         {}),
        (2, "T1", ItemKind.COMMITMENT, "Post notices", date(2025, 3, 15), ItemStatus.DONE, {}),
        (3, "T1", ItemKind.MEASURE, "Evening visits", date(2025, 12, 31), ItemStatus.ON_TRACK,
         {"baseline": "100", "target": "200", "latest_value": "150",
          "latest_value_on": date(2025, 7, 1)}),
        (4, "H1", ItemKind.COMMITMENT, "Open the lab", date(2025, 2, 10),
         ItemStatus.NOT_STARTED, {}),
        (5, "H1", ItemKind.MEASURE, "=1+1 households", None, ItemStatus.AT_RISK,
         {"baseline": "-5", "target": "+50", "created_at": datetime(2025, 5, 6, tzinfo=UTC)}),
        (6, "H1", ItemKind.COMMITMENT, "Dropped idea", date(2025, 1, 1), ItemStatus.DROPPED,
         {"status_reason": "Merged into another."}),
        (7, "P2", ItemKind.COMMITMENT, "Survey riders", date(2024, 11, 1), ItemStatus.AT_RISK,
         {}),
        (8, "P2", ItemKind.MEASURE, "Riders", date(2026, 6, 30), ItemStatus.NOT_STARTED,
         {"baseline": "10", "target": "20"}),
    ]
    for number, key, kind, title, due, status, extra in rows:
        assessment = world.assessments[key]
        item = FollowUpItem(assessment_id=assessment.id, department_id=assessment.department_id,
                            question_id="tracked", position=number, kind=kind, title=title,
                            due_on=due, status=status, **extra)
        session.add(item)
        world.items[number] = item
    session.commit()
    factories.counted(session)
