"""Demo data at scale (`flask demo --scale N`): N assessments across 20 departments and five
years, for trying the dashboard, the lists and their paging with realistic numbers.

Every assessment goes through the real use cases (start, the workflow's transitions, comments,
saved answers, progress on follow-up items), so events, submissions, stored verdicts and
follow-up items are what people would have made. Everything is drawn from random.Random(N)
and dated from the `today` given: the same N and day give the same data. The services stamp
rows with the real time; each batch's rows are then moved onto the planned timeline (a row
written while a step ran gets that step's planned time), see `_Clock`.
"""

from __future__ import annotations

import bisect
import copy
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select

from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as assessments
from equity_tool.core import tallies
from equity_tool.core.models import (
    Assessment,
    FollowUpItem,
    ItemKind,
    ItemStatus,
    Role,
    User,
    UTCDateTime,
    utcnow,
)
from equity_tool.demo import (
    DEMO_DEPARTMENTS,
    DEMO_PASSWORD,
    DEMO_USERS,
    EXAMPLES,
    FULL,
    RAPID,
    answers_file,
    create_demo_data,
)
from equity_tool.followup import service as followup
from equity_tool.review import lists as review_lists
from equity_tool.review import service as review
from equity_tool.review.workflow import Action

DEPARTMENTS = (*DEMO_DEPARTMENTS, "Public Works", "Water", "Libraries", "Police", "Fire",
               "Public Health", "Planning and Development", "Economic Development",
               "Human Services", "Finance", "Human Resources", "Information Technology",
               "Neighborhoods", "Arts and Culture", "Sustainability", "Airport",
               "Civil Rights")
YEARS = 5
BATCH = 250  # assessments between two commits of the timeline

# Final state -> weight in the mix: mostly approved, the rest at every step of the way.
STATES = {"approved": 60, "approved after a return": 12, "draft": 8, "awaiting sign-off": 2,
          "submitted": 5, "in review": 5, "returned": 3, "resubmitted": 2, "withdrawn": 3}
# Days between one step and the next: (fewest, most).
GAPS = {"start": (0, 0), Action.SUBMIT: (4, 45), Action.SIGN_OFF: (1, 12),
        Action.START_REVIEW: (1, 20), "comment": (0, 3), Action.RETURN: (0, 2),
        "revise": (3, 30), Action.APPROVE: (2, 30), Action.WITHDRAW: (5, 60)}
ACTORS = {Action.SUBMIT: "staff", Action.WITHDRAW: "staff", "revise": "staff",
          Action.SIGN_OFF: "director", Action.START_REVIEW: "officer", "comment": "officer",
          Action.RETURN: "officer", Action.APPROVE: "officer"}

SUBJECTS = ("Summer hours at branch libraries", "Bus route redesign", "Sidewalk repair priorities",
            "Street tree planting plan", "Snow route changes", "Parking meter hours",
            "Affordable housing lottery rules", "Lead pipe replacement order",
            "Community policing pilot", "Park lighting upgrades", "Youth summer jobs program",
            "Small business grants", "Rental inspection program", "Water shutoff policy",
            "Fire station siting", "Recreation center fees", "Broadband subsidy",
            "Vacant lot clean-up", "Food truck permits", "Heat emergency plan",
            "Flood buffer purchase", "Utility payment plans", "Public art commissions",
            "Senior center meals", "Bike lane network", "Zoning for accessory dwellings",
            "Library fine forgiveness", "Clinic opening hours", "Tenant legal aid contract",
            "Pool renovation and free lessons")
PLACES = ("Eastside", "Riverbend", "Lowell Park", "Northside", "Downtown", "West End",
          "Harbor Point", "Maple Heights", "Southgate", "Old Mill", "Cedar Grove", "Fairview")
ACTIONS = ("Award the contract", "Hire the program staff", "Open the sign-up period",
           "Translate notices into five languages", "Hold the first community meeting",
           "Start the pilot", "Report first results to council", "Set up the data collection",
           "Train front-line staff", "Publish the evaluation")
OWNERS = ("Program manager", "Deputy director", "Community liaison", "Budget analyst",
          "Operations supervisor", "Data team")
MEASURES = ("Residents served, share from priority neighborhoods", "Average wait in days",
            "Share of notices read in a language other than English",
            "Complaints per thousand residents", "Participants completing the program",
            "Share of spending in priority neighborhoods")
RETURN_COMMENT = "Say who was not reached, and how you will reach them."
REPLY = "Added the groups we had not reached, and the meetings planned for them."


@dataclass
class Plan:
    """One assessment to make: whose, on what answers, and its steps with planned times."""

    department: str
    questionnaire_id: str
    title: str
    answers: dict[str, Any]
    steps: list[tuple[str, datetime]]  # (action or "start"/"comment"/"revise", when)
    progress: random.Random = field(repr=False, default_factory=random.Random)


# --- planning: pure, from random.Random(N) ------------------------------------------------------


def plans(scale: int, today: date, bases: dict[str, dict[str, Any]]) -> Iterator[Plan]:
    """The `scale` assessments to make, each from the example answers in `bases`, varied."""
    rng = random.Random(scale)
    states, weights = list(STATES), list(STATES.values())
    for _ in range(scale):
        questionnaire_id = FULL if rng.random() < 0.7 else RAPID
        state = rng.choices(states, weights)[0]
        if state == "awaiting sign-off" and questionnaire_id == RAPID:
            state = "submitted"  # the rapid check has no director's sign-off
        subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
        steps = _timeline(rng, _actions(state, signoff=questionnaire_id == FULL), today,
                          settled=state.startswith("approved") or state == "withdrawn")
        started = steps[0][1].date()
        vary = _vary_full if questionnaire_id == FULL else _vary_rapid
        answers = vary(rng, copy.deepcopy(bases[questionnaire_id]), started, today)
        title = f"{subject}, {place} ({started.year})"
        answers["title"] = title
        if state == "draft":  # a draft is answered part of the way
            keep = rng.randint(3, max(3, len(answers) // 2))
            answers = dict(list(answers.items())[:keep])
        yield Plan(rng.choice(DEPARTMENTS), questionnaire_id, title, answers, steps,
                   random.Random(rng.random()))


def _actions(state: str, *, signoff: bool) -> list[str]:
    submit = [Action.SUBMIT, Action.SIGN_OFF] if signoff else [Action.SUBMIT]
    review_round = [*submit, Action.START_REVIEW]
    returned = [*review_round, "comment", Action.RETURN]
    return {
        "draft": [],
        "awaiting sign-off": [Action.SUBMIT],
        "submitted": submit,
        "in review": review_round,
        "returned": returned,
        "resubmitted": [*returned, "revise", *submit],
        "approved": [*review_round, Action.APPROVE],
        "approved after a return": [*returned, "revise", *review_round, Action.APPROVE],
        "withdrawn": [Action.WITHDRAW],
    }[state]


def _timeline(rng: random.Random, actions: list[str], today: date, *,
              settled: bool) -> list[tuple[str, datetime]]:
    """Planned times: settled ones start any time in the last five years, the rest lately."""
    end = datetime.combine(today, time(17), tzinfo=UTC)
    oldest = YEARS * 365 if settled else 150
    at = end - timedelta(days=rng.randint(10, oldest), minutes=rng.randint(0, 8 * 60))
    steps = [("start", at)]
    for action in actions:
        low, high = GAPS[action]
        at += timedelta(days=rng.randint(low, high), minutes=rng.randint(5, 300))
        steps.append((action, at))
    overshoot = steps[-1][1] - (end - timedelta(hours=1))
    if overshoot > timedelta(0):  # moved back as a whole, so it ends before today
        steps = [(action, when - overshoot) for action, when in steps]
    return steps


def _day(start: date, low: int, high: int, rng: random.Random) -> str:
    return (start + timedelta(days=rng.randint(low, high))).isoformat()


def _vary_rapid(rng: random.Random, answers: dict, started: date, today: date) -> dict:
    high_stakes = rng.random() < 0.25
    for row in answers["benefits_burdens"]:
        row["benefit"] = rng.randint(0, 3)
        row["burden"] = rng.randint(0, 3 if high_stakes else 1)
    answers["worsens_disparity"] = rng.choices(["no", "yes", "dont_know"], [7, 1, 2])[0]
    answers["estimated_cost"] = rng.choice([15_000, 85_000, 240_000, 900_000, 2_500_000])
    answers["changes_ordinance"] = "yes" if rng.random() < 0.1 else "no"
    if rng.random() < 0.2:  # a consequence without its mitigation
        answers["unintended_consequences"][-1].pop("mitigation", None)
    return answers


def _vary_full(rng: random.Random, answers: dict, started: date, today: date) -> dict:
    decided = date.fromisoformat(_day(started, 20, 120, rng))
    answers["decision_date"] = decided.isoformat()
    answers["estimated_cost"] = rng.choice([40_000, 350_000, 1_200_000, 4_800_000, 12_000_000])
    for row in answers["benefits_burdens"]:
        row["benefit"], row["burden"] = rng.randint(0, 3), rng.randint(0, 3)
    answers["disparity_effect"] = rng.choices(["narrows", "no_change", "unknown", "widens"],
                                              [5, 3, 2, 1])[0]
    answers["engagement_level"] = rng.choices(
        ["inform", "consult", "involve", "collaborate", "empower"], [2, 4, 3, 3, 1])[0]
    if answers["engagement_level"] == "inform":  # the questionnaire then asks for a plan
        answers["engagement_plan"] = ("Two listening sessions in each neighborhood before the "
                                      "decision, with interpreters and childcare.")
    answers["rating_confidence"] = rng.randint(2, 5)
    answers["title_vi_disparate_effect"] = rng.choice(["no", "unsure"])
    answers["digital_accessibility"] = rng.choices(["meets", "partly", "not_checked"],
                                                   [6, 2, 1])[0]
    answers["implementation_plan"] = [
        {"action": action, "owner": rng.choice(OWNERS), "date": _day(decided, 30, 900, rng)}
        for action in rng.sample(ACTIONS, rng.randint(3, 8))]
    answers["accountability_measures"] = [_measure(rng, name, decided)
                                          for name in rng.sample(MEASURES, rng.randint(2, 4))]
    answers["next_review_date"] = _day(max(today, decided), 30, 900, rng)
    return answers


def _measure(rng: random.Random, name: str, decided: date) -> dict[str, str]:
    baseline = rng.randint(10, 60)
    return {"measure": name, "baseline": str(baseline),
            "target": str(baseline + rng.randint(5, 40)),
            "target_date": _day(decided, 365, 4 * 365, rng)}


# --- making them through the use cases ---------------------------------------------------------


@dataclass
class Made:
    assessments: int = 0
    items: int = 0
    updates: int = 0


def create_scaled_demo(session: Session, registry: Any, *, scale: int, today: date,
                       batch: int = BATCH) -> Made:
    """The usual demo data, then `scale` assessments dated up to `today` (unless they were
    made already: then nothing is added)."""
    create_demo_data(session, registry)
    cast = _cast(session)
    made = Made()
    questionnaires = {q: registry.current(q) for q in (RAPID, FULL)}
    bases = {q: answers_file(questionnaires[q], EXAMPLES / f"{q}--complete.yaml")
             for q in questionnaires}
    first = next(plans(scale, today, bases), None)
    if first is None or session.exec(select(Assessment.id).where(
            Assessment.title == first.title).limit(1)).first():
        return made  # made already: the same N makes the same titles
    with _quick_commits(session.get_bind()) as bulk:
        cast = {name: {role: bulk.merge(user, load=False) for role, user in people.items()}
                for name, people in cast.items()}
        officer = accounts.find_user(bulk, email=DEMO_USERS[Role.OFFICER][0])
        clock = _Clock(bulk)
        for plan in plans(scale, today, bases):
            people = {**cast[plan.department], "officer": officer}
            _make(bulk, clock, people, questionnaires[plan.questionnaire_id], plan, today, made)
            made.assessments += 1
            if made.assessments % batch == 0:
                clock.settle(today)
        clock.settle(today)
    return made


@contextmanager
def _quick_commits(engine: sa.Engine) -> Iterator[Session]:
    """A session on a connection of its own whose commits do not wait for the disk.

    Each use case commits once, some ten times per assessment: waiting for the disk each time
    would take most of the run. A crash loses the last commits of demo data, nothing else
    (SQLite's WAL stays consistent at NORMAL; PostgreSQL's synchronous_commit only delays)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
        else:
            connection.exec_driver_sql("SET synchronous_commit = off")
        connection.commit()
        try:
            # Nothing is expired at each commit: the use cases refresh what they change.
            with Session(connection, expire_on_commit=False) as session:
                yield session
        finally:
            connection.invalidate()  # not back to the pool with its setting


def _cast(session: Session) -> dict[str, dict[str, User]]:
    """Department name -> its staff member and director, added where there are none yet."""
    cast = {}
    for name in DEPARTMENTS:
        department = (accounts.find_department(session, name=name)
                      or accounts.create_department(session, name=name))
        cast[name] = {role: _member(session, department, role, name)
                      for role in ("staff", "director")}
    return cast


def _member(session: Session, department, role: str, name: str) -> User:
    found = session.exec(select(User).where(
        User.department_id == department.id, User.role == role, col(User.active))
        .order_by(col(User.id))).first()
    if found:
        return found
    slug = "-".join(name.lower().replace(" and ", " ").split())
    return accounts.create_user(session, email=f"{role}.{slug}@example.org",
                                name=f"{name} {role.capitalize()}", role=role,
                                password=DEMO_PASSWORD, department_name=name)


def _make(session, clock, people, questionnaire, plan: Plan, today: date, made: Made) -> None:
    (_, started), *steps = plan.steps
    clock.mark(started)
    kind = plan.answers.get(questionnaire.start.get("decision_kind", ""), "program")
    assessment = assessments.start(
        session, user=people["staff"], questionnaire=questionnaire,
        request=assessments.StartRequest(title=plan.title, decision_kind=kind))
    # Typed in the wizard: stored as it is, like the demo's (flushed by the next use case).
    assessment.answers = plan.answers
    session.add(assessment)
    for action, when in steps:
        clock.mark(when)
        _step(session, people, assessment, questionnaire, action)
    if steps and steps[-1][0] == Action.APPROVE:
        _progress(session, clock, people["staff"], assessment, plan, steps[-1][1], today, made)


def _step(session, people, assessment, questionnaire, action: str) -> None:
    user = people[ACTORS[action]]
    if action == "comment":
        review.add_comment(session, user=user, assessment=assessment,
                           questionnaire=questionnaire, question_id=None, body=RETURN_COMMENT)
    elif action == "revise":
        for comment in review_lists.discussion(session, assessment).comments:
            review.reply(session, user=user, assessment=assessment, comment_id=comment.id,
                         body=REPLY, addressed=True)
        changed = {"engagement_summary": (assessment.answers.get("engagement_summary") or "")
                   + "\n\nWe met the groups we had not reached in two more sessions."}
        assessments.save_answers(session, user=user, assessment=assessment,
                                 revision=assessment.revision, answers=changed, other_texts={})
    else:
        review.transition(session, user=user, assessment=assessment,
                          questionnaire=questionnaire, action=Action(action),
                          note="No longer planned: the budget was cut."
                          if action == Action.WITHDRAW else
                          "Please see the comment." if action == Action.RETURN else None)


STATUSES = [ItemStatus.ON_TRACK, ItemStatus.AT_RISK, ItemStatus.DONE]


def _progress(session, clock, staff, assessment, plan: Plan, approved: datetime, today: date,
              made: Made) -> None:
    """Progress posted on about a third of the approved assessment's items, dated from its
    approval to `today`."""
    rng = plan.progress
    items = session.exec(select(FollowUpItem).where(
        FollowUpItem.assessment_id == assessment.id).order_by(col(FollowUpItem.id))).all()
    made.items += len(items)
    span = (today - approved.date()).days
    for item in items:
        if span < 7 or rng.random() < 0.65:
            continue
        revision, day = item.revision, approved.date()
        for _ in range(rng.choice((1, 1, 2, 3))):
            day += timedelta(days=rng.randint(1, max(1, span // 3)))
            if day > today:
                break
            status = rng.choices(STATUSES, [6, 2, 2])[0]
            value = None
            if item.kind == ItemKind.MEASURE:
                value = str(int(followup.number(item.baseline) or 0) + rng.randint(-3, 20))
            clock.mark(datetime.combine(day, time(10), tzinfo=UTC))
            followup.post_update(session, user=staff, item_id=item.id, status=status,
                                 note=f"Progress as of {day:%B %Y}.", value=value,
                                 happened_on=day, revision=revision, today=today)
            made.updates += 1
            revision += 1
            session.expire(item)  # its revision moved on in the database
            if status == ItemStatus.DONE:
                break


# --- the planned timeline -----------------------------------------------------------------------


class _Clock:
    """Moves every row written since the last settle onto the planned timeline.

    Before each use case we `mark` (real time now, planned time); a timestamp written between
    two marks belongs to the step of the first, and becomes its planned time. Rows are found
    by id (new since the last settle), so each table is read by its primary key only.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tables = [t for t in SQLModel.metadata.sorted_tables
                       if "id" in t.c and any(isinstance(c.type, UTCDateTime) for c in t.c)]
        self.marks: list[tuple[datetime, datetime]] = []
        self.since = {t.name: self._last_id(t) for t in self.tables}

    def _last_id(self, table: sa.Table) -> int:
        return self.session.execute(select(func.max(table.c.id))).scalar() or 0

    def mark(self, planned: datetime) -> None:
        self.marks.append((utcnow(), planned))

    def planned(self, real: datetime | None) -> datetime | None:
        if real is None or not self.marks:
            return real
        at = bisect.bisect_right(self.marks, (real, datetime.max.replace(tzinfo=UTC))) - 1
        return self.marks[max(at, 0)][1]

    def settle(self, today: date) -> None:
        """Rewrite this batch's timestamps, and commit."""
        read_by = datetime.combine(today, time(), tzinfo=UTC) - timedelta(days=30)
        moved: list[int] = []
        for table in self.tables:
            stamps = [c for c in table.c if isinstance(c.type, UTCDateTime)]
            rows = self.session.execute(
                select(table.c.id, *stamps, *self._extra(table))
                .where(table.c.id > self.since[table.name])).all()
            if not rows:
                continue
            if table.name == "assessments":
                moved = [row.id for row in rows]
            changes = [self._moved(table, stamps, row, read_by) for row in rows]
            self.session.execute(
                table.update().where(table.c.id == sa.bindparam("row_id"))
                .values({name: sa.bindparam(f"new_{name}") for name in changes[0]
                         if name != "row_id"}),
                [{k if k == "row_id" else f"new_{k}": v for k, v in change.items()}
                 for change in changes])
            self.since[table.name] = max(row.id for row in rows)
        # The batch's figures as of its planned dates (when the tallies are kept already).
        tallies.refresh(self.session, *moved)
        self.session.commit()
        self.marks.clear()

    @staticmethod
    def _extra(table: sa.Table) -> list[sa.Column]:
        if table.name == "follow_up_updates":
            return [table.c.kind, table.c.happened_on]
        return []

    def _moved(self, table, stamps, row, read_by: datetime) -> dict[str, Any]:
        values: dict[str, Any] = {"row_id": row.id}
        for column in stamps:
            values[column.name] = self.planned(getattr(row, column.name))
        if table.name == "notifications" and values["at"] < read_by:
            values["read_at"] = values["at"] + timedelta(days=1)  # old news has been read
        if table.name == "follow_up_updates":  # the tool's entries happen when written
            values["happened_on"] = (row.happened_on if row.kind == "progress"
                                     else values["at"].date())
        return values
