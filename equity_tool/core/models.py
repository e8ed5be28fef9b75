"""Every table Equity Tool stores, as SQLModel classes; no web framework is imported here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.mutable import MutableDict
from sqlmodel import Field, SQLModel

from equity_tool.core.vocabulary import (
    DEPARTMENT_ROLES,
    AssessmentState,
    ItemKind,
    ItemStatus,
    Role,
)

# The largest id an integer key holds (PostgreSQL's integer): a URL naming a larger one names
# nothing, and must be a 404, not a database error.
MAX_ID = 2**31 - 1

# re-exported for callers
__all__ = ["DEPARTMENT_ROLES", "AssessmentState", "ItemKind", "ItemStatus", "Role"]

# Named constraints let Alembic's SQLite batch mode (which rebuilds tables) find and change them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp that always comes back timezone-aware in UTC, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use equity_tool.models.utcnow()")
        # SQLite keeps no offset, so everything is stored as UTC and read back as UTC.
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EnumText(sa.TypeDecorator):
    """A StrEnum stored as its plain value, so adding a state needs no ALTER TYPE."""

    impl = sa.String(40)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def _json_type() -> sa.types.TypeEngine:
    # JSONB on PostgreSQL compares and indexes; plain JSON (text) on SQLite.
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Any JSON value (answer history keeps texts, numbers and lists as well as mappings).
JSONValue = _json_type()
# MutableDict notices `answers[key] = value`; changes inside nested values still need
# reassignment. It gets a type object of its own: as_mutable() applies to every column
# sharing the object it is given, which would make JSONValue columns refuse plain values.
JSONDict = MutableDict.as_mutable(_json_type())


class Department(SQLModel, table=True):
    __tablename__ = "departments"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200), unique=True)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(320), unique=True)  # stored lower-case
    name: str = Field(sa_type=sa.String(200))
    role: Role = Field(sa_type=EnumText(Role))
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)
    password_hash: str = Field(sa_type=sa.String(300))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Part of the id kept in the session cookie: raising it (sign-out, a new password,
    # deactivation) makes every cookie issued before refused, wherever it was copied to.
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    # What Flask-Login asks of a user, written out so this module needs no Flask import.
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # Flask-Login's "alternative token": the loader accepts it only while the version holds.
        return f"{self.id}:{self.session_version}"


class QuestionnaireVersion(SQLModel, table=True):
    """The text of a questionnaire version as first seen, so old assessments stay readable."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: str = Field(sa_type=sa.String(100))
    version: str = Field(sa_type=sa.String(50))
    content_hash: str = Field(sa_type=sa.String(64))
    source: str = Field(sa_type=sa.Text)
    title: str = Field(sa_type=sa.String(300))
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Who published it in the browser (None: it came from the questionnaires folder).
    published_by_id: int | None = Field(default=None, foreign_key="users.id")
    # No new assessment starts on a retired version; those under way continue on it.
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class QuestionnaireDraft(SQLModel, table=True):
    """A questionnaire being written in the browser, not yet published (nothing uses it)."""

    __tablename__ = "questionnaire_drafts"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_type=sa.Text)
    # The version it was started from (None: a new questionnaire or an upload); publishing is
    # refused when the questionnaire's current version is no longer this one (a stale editor).
    base_version_id: int | None = Field(default=None, foreign_key="questionnaire_versions.id")
    created_by_id: int = Field(foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = 0


class Assessment(SQLModel, table=True):
    __tablename__ = "assessments"
    # An assessment is pinned to a stored questionnaire version.
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["questionnaire_id", "questionnaire_version"],
            ["questionnaire_versions.questionnaire_id", "questionnaire_versions.version"],
            name="fk_assessments_questionnaire_versions",
        ),
        # The review queue (oldest submission first) and the reading room (newest approval
        # first) walk these instead of sorting every row, answers and all; the dashboard and
        # reports count a year of assessments from the index alone (a row holds its answers).
        sa.Index("ix_assessments_state_submitted", "state", "submitted_at", "department_id"),
        sa.Index("ix_assessments_state_approved", "state", "approved_at", "department_id",
                 "questionnaire_id", "impact_level"),
        sa.Index("ix_assessments_year", "created_at", "department_id", "state",
                 "questionnaire_id", "impact_level"),
        # The public register: newest publication first, counted from the index.
        sa.Index("ix_assessments_published_at", "state", "published_at", "department_id",
                 "approved_at", "impact_level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: str = Field(sa_type=sa.String(100))
    questionnaire_version: str = Field(sa_type=sa.String(50))
    title: str = Field(sa_type=sa.String(300))
    decision_kind: str = Field(sa_type=sa.String(100))
    # The language its questions are asked and exported in: one of the questionnaire's.
    language: str = Field(default="en", sa_type=sa.String(20))
    department_id: int = Field(foreign_key="departments.id", index=True)
    created_by_id: int = Field(foreign_key="users.id")
    state: AssessmentState = Field(default=AssessmentState.DRAFT, sa_type=EnumText(AssessmentState))
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDict)
    other_texts: dict[str, str] = Field(default_factory=dict, sa_type=JSONDict)
    # Every save states the revision it read; a save based on an older one is refused.
    revision: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What the equity officer's approval depends on, if anything.
    conditions: str | None = Field(default=None, sa_type=sa.Text)
    # The verdict as of the last submission or approval (band id), kept in a column so the
    # dashboard and reports count levels in the database instead of re-scoring every answer.
    impact_level: str | None = Field(default=None, sa_type=sa.String(100), index=True)
    # From the questionnaire's `follow_up.next_review` answer, set when approved.
    next_review_on: date | None = Field(default=None, index=True)
    # On the public register since then (only approved assessments); None: not published.
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The rapid check whose flag escalated to this assessment (answers carried over from it).
    escalated_from_id: int | None = Field(default=None, foreign_key="assessments.id",
                                          index=True)
    # Answers that could not be carried over when the draft moved to a newer questionnaire
    # version (or came from a rapid check): question id -> {label, value, reason, version}.
    left_behind: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDict,
                                        sa_column_kwargs={"server_default": "{}"})


class AssessmentCoauthor(SQLModel, table=True):
    __tablename__ = "assessment_coauthors"

    assessment_id: int = Field(foreign_key="assessments.id", primary_key=True)
    user_id: int = Field(foreign_key="users.id", primary_key=True)


class AnswerChange(SQLModel, table=True):
    """One saved change to one answer: who, when, old and new value. Append-only."""

    __tablename__ = "answer_changes"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    question_id: str = Field(sa_type=sa.String(100))
    old: Any = Field(default=None, sa_type=JSONValue)
    new: Any = Field(default=None, sa_type=JSONValue)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AssessmentEvent(SQLModel, table=True):
    """One step in an assessment's life, named in the past tense ("submitted"). Append-only."""

    __tablename__ = "assessment_events"
    # "Returned at least once" without reading the notes; a year's returns and approvals.
    __table_args__ = (
        sa.Index("ix_assessment_events_to_state", "assessment_id", "to_state"),
        sa.Index("ix_assessment_events_at", "at", "to_state", "from_state", "assessment_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    action: str = Field(sa_type=sa.String(40))
    from_state: AssessmentState | None = Field(default=None, sa_type=EnumText(AssessmentState))
    to_state: AssessmentState = Field(sa_type=EnumText(AssessmentState))
    note: str | None = Field(default=None, sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SignInAttempt(SQLModel, table=True):
    """Every sign-in that reached the password check: a record of who tried from where.
    The limits themselves are counted in SignInLimit."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (sa.Index("ix_sign_in_attempts_email_at", "email", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(320))
    # None for attempts recorded before addresses were kept.
    client_address: str | None = Field(default=None, sa_type=sa.String(100))
    succeeded: bool
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SignInLimit(SQLModel, table=True):
    """Failed sign-ins in the current window, per client address (email "") and per address
    and account: one row each, in the database so every app server shares the counts, and
    changed by single upserts so concurrent guesses cannot pass the limit (accounts.sign_in)."""

    __tablename__ = "sign_in_limits"

    client_address: str = Field(sa_type=sa.String(100), primary_key=True)
    email: str = Field(sa_type=sa.String(320), primary_key=True)
    window_start: datetime = Field(sa_type=UTCDateTime)
    failures: int


class Submission(SQLModel, table=True):
    """The answers as they were sent for review, each time: what changed is read from these."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "round"),
        # When each round arrived, without reading its snapshot of the answers (turnaround).
        sa.Index("ix_submissions_round_at", "assessment_id", "round", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    round: int  # 1 for the first submission, 2 for the first resubmission, ...
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONValue)
    other_texts: dict[str, str] = Field(default_factory=dict, sa_type=JSONValue)
    submitted_by_id: int = Field(foreign_key="users.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReviewComment(SQLModel, table=True):
    """The equity officer's comment on one answer (or on the whole assessment)."""

    __tablename__ = "review_comments"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    question_id: str | None = Field(default=None, sa_type=sa.String(100))
    round: int  # the submission it was written on
    author_id: int = Field(foreign_key="users.id")
    body: str = Field(sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    addressed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    addressed_by_id: int | None = Field(default=None, foreign_key="users.id")


class CommentReply(SQLModel, table=True):
    __tablename__ = "comment_replies"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="review_comments.id", index=True)
    author_id: int = Field(foreign_key="users.id")
    body: str = Field(sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SectionVerdict(SQLModel, table=True):
    """The officer's verdict on one step in one review round: acceptable or needs changes."""

    __tablename__ = "section_verdicts"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "round", "section_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    round: int
    section_id: str = Field(sa_type=sa.String(100))
    verdict: str = Field(sa_type=sa.String(20))  # "acceptable" or "needs changes"
    officer_id: int = Field(foreign_key="users.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """A message in a person's in-app list, and its email when mail is configured."""

    __tablename__ = "notifications"
    # The mail worker polls for due emails every few seconds.
    __table_args__ = (
        sa.Index("ix_notifications_email_due", "email_status", "email_next_try"),
        # The unread count in every page's header: without it, every notification the
        # officer ever had is read (one per submission: tens of thousands).
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    assessment_id: int | None = Field(default=None, foreign_key="assessments.id")
    # The follow-up item it is about (an overdue reminder): its link opens the item's page.
    follow_up_item_id: int | None = Field(default=None, foreign_key="follow_up_items.id")
    subject: str = Field(sa_type=sa.String(300))
    body: str = Field(sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "not sent" (no mail configured), "pending", "sending", "sent" or "not delivered"
    email_status: str = Field(default="not sent", sa_type=sa.String(20))
    email_attempts: int = 0
    email_error: str | None = Field(default=None, sa_type=sa.Text)
    email_next_try: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who is sending the email ("sending") and since when: the claim that keeps two workers
    # from sending it twice, taken over once it is older than a lease (its worker died).
    email_claimed_by: str | None = Field(default=None, sa_type=sa.String(100))
    email_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AssessmentFlag(SQLModel, table=True):
    """A flag raised on an assessment as of its last submission or approval, for counting."""

    __tablename__ = "assessment_flags"
    # The flags raised most often, counted from the index alone.
    __table_args__ = (sa.Index("ix_assessment_flags_counted", "assessment_id", "flag_id",
                               "severity"),)

    assessment_id: int = Field(foreign_key="assessments.id", primary_key=True)
    flag_id: str = Field(sa_type=sa.String(100), primary_key=True, index=True)
    severity: str = Field(sa_type=sa.String(20))


class FollowUpItem(SQLModel, table=True):
    """A promise of an approved assessment (a tracked table's row), followed up after approval.

    Keyed by (assessment, question id, row position), as the format says; the approved answers
    never change, progress lives in the item's updates.
    """

    __tablename__ = "follow_up_items"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "question_id", "position"),
        # The department's list (due first) and the dashboard's counts by status. No index
        # leads with the status: walking the one on due dates is what every list here wants.
        sa.Index("ix_follow_up_items_department_due", "department_id", "due_on", "status",
                 "created_at"),
        # Oldest due first with the status at hand: overdue items and a year's counts.
        sa.Index("ix_follow_up_items_due_status", "due_on", "status", "kind", "department_id",
                 "created_at"),
        # The items made in a year (the annual report), from the index alone.
        sa.Index("ix_follow_up_items_created", "created_at", "due_on", "status",
                 "department_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    # Copied from the assessment so a department's items page and counts need no join.
    department_id: int = Field(foreign_key="departments.id")
    question_id: str = Field(sa_type=sa.String(100))
    position: int  # 1-based row position in the tracked table
    kind: ItemKind = Field(sa_type=EnumText(ItemKind))
    title: str = Field(sa_type=sa.Text)
    owner: str | None = Field(default=None, sa_type=sa.String(300))
    due_on: date | None = None
    baseline: str | None = Field(default=None, sa_type=sa.String(200))
    target: str | None = Field(default=None, sa_type=sa.String(200))
    status: ItemStatus = Field(default=ItemStatus.NOT_STARTED, sa_type=EnumText(ItemStatus))
    status_reason: str | None = Field(default=None, sa_type=sa.Text)  # why it was dropped
    # The latest recorded value of a measure, copied from its newest update for the dashboard.
    latest_value: str | None = Field(default=None, sa_type=sa.String(200))
    latest_value_on: date | None = None
    latest_update_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Every update states the revision it read; an update based on an older one is refused.
    revision: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUpUpdate(SQLModel, table=True):
    """One entry in an item's append-only history: progress posted by the department, or a
    change the tool made (created, changed or dropped by a new approval)."""

    __tablename__ = "follow_up_updates"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="follow_up_items.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="users.id")  # None: the tool
    # "progress", "created", "changed" (a new approval changed the row) or "removed"
    kind: str = Field(default="progress", sa_type=sa.String(20))
    status: ItemStatus = Field(sa_type=EnumText(ItemStatus))
    note: str | None = Field(default=None, sa_type=sa.Text)  # markdown
    value: str | None = Field(default=None, sa_type=sa.String(200))  # a measure's value
    happened_on: date = Field(default_factory=lambda: utcnow().date())
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    """That a reminder was sent, so each item and event notifies once, never every day.

    `subject` is "item:ID" or "assessment:ID"; `event` is "overdue" or "next review", with the
    due date it was about, so a new due date (after a reopening) can remind again.
    """

    __tablename__ = "reminders"

    subject: str = Field(sa_type=sa.String(60), primary_key=True)
    event: str = Field(sa_type=sa.String(60), primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """One administrative change (people, departments, questionnaires), for the audit log."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")  # None: the CLI
    action: str = Field(sa_type=sa.String(60))  # e.g. "user invited", "version published"
    subject: str = Field(sa_type=sa.String(300))  # what it was done to, as people name it
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDict)


class PasswordLink(SQLModel, table=True):
    """A one-time link to set a password: an invitation, or a reset an admin sent.

    Only the token's SHA-256 is stored, so the table cannot be used to sign in.
    """

    __tablename__ = "password_links"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    purpose: str = Field(sa_type=sa.String(20))  # "invitation" or "reset"
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Tally(SQLModel, table=True):
    """How many assessments (or their flags, follow-up items, decisions) share one key of the
    dashboard's and the annual report's figures: kept by core.tallies in each change's own
    transaction, so a year's figures are a few hundred rows however many assessments there are.

    The key's parts and what `what`, `detail` and `other_year` hold depend on the kind (see
    core.tallies.Tallied); an unused part is "" or 0, never NULL, since it is in the key.
    """

    __tablename__ = "tallies"
    # The annual report also asks for the items made in a year, whatever year they are due.
    __table_args__ = (sa.Index("ix_tallies_other_year", "kind", "other_year", "year"),)

    kind: str = Field(sa_type=sa.String(30), primary_key=True)
    year: int = Field(primary_key=True)
    department_id: int = Field(primary_key=True)
    questionnaire_id: str = Field(sa_type=sa.String(100), primary_key=True)
    what: str = Field(default="", sa_type=sa.String(100), primary_key=True)
    detail: str = Field(default="", sa_type=sa.String(100), primary_key=True)
    other_year: int = Field(default=0, primary_key=True)
    count: int = 0


class AssessmentTally(SQLModel, table=True):
    """The keys one assessment adds to the tallies (and how much), as last counted: what a
    change to it is compared with, so only the difference moves."""

    __tablename__ = "assessment_tallies"

    assessment_id: int = Field(foreign_key="assessments.id", primary_key=True)
    keys: list[Any] = Field(default_factory=list, sa_type=JSONValue)


class TallyBasis(SQLModel, table=True):
    """The time zone the tallies' years are counted in; no row: never counted yet."""

    __tablename__ = "tally_basis"

    id: int = Field(default=1, primary_key=True)
    timezone: str = Field(sa_type=sa.String(64))
    built_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
