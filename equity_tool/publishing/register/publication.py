"""Publishing an approved assessment to the public register, and withdrawing it: use cases.

Each takes the session and the acting user, checks with `access`, changes
`Assessment.published_at` with one conditional UPDATE (so a double click or two officers at
once record one change), records the change in the assessment's history and commits once.
The public read functions ask for `published_at` on an approved assessment at every request:
nothing is cached, so a withdrawal takes effect on the next request of every public page.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from equity_tool.assessments import access
from equity_tool.core.exceptions import Conflict, NotFound, PermissionDenied
from equity_tool.core.models import Assessment, AssessmentEvent, User, utcnow
from equity_tool.core.vocabulary import AssessmentState as State

# The history's words for the two events (see review.workflow.EVENT_LABELS). Both leave the
# state as it is: from_state = to_state = approved, and neither counts as an approval.
PUBLISHED = "published"
UNPUBLISHED = "unpublished"
ACTIONS = (PUBLISHED, UNPUBLISHED)


class NotPublishable(Conflict):
    """Only an approved assessment can be on the register (409); nothing changed."""


def publish(session: Session, *, user: User, assessment: Assessment,
            note: str | None = None) -> bool:
    """Put the approved `assessment` on the public register; False if it already was."""
    return _set(session, user=user, assessment=assessment, published=True, note=note)


def withdraw(session: Session, *, user: User, assessment: Assessment,
             note: str | None = None) -> bool:
    """Take `assessment` off the public register; False if it was not on it."""
    return _set(session, user=user, assessment=assessment, published=False, note=note)


def set_published(session: Session, *, user: User, assessment: Assessment,
                  published: bool) -> bool:
    """Publish or withdraw as the officer chose when approving; True if anything changed."""
    return _set(session, user=user, assessment=assessment, published=published, note=None)


def _set(session: Session, *, user: User, assessment: Assessment, published: bool,
         note: str | None) -> bool:
    if not access.may_see(user, assessment):
        raise NotFound(f"No assessment {assessment.id}")
    if not access.may_publish(user, assessment):
        raise PermissionDenied("Only the equity officer publishes assessments to the public "
                               "register or withdraws them.")
    if published and assessment.state != State.APPROVED:
        raise NotPublishable("Only an approved assessment can be published to the public "
                             f"register; this one is {assessment.state}.")
    now = utcnow()
    was = col_published()
    updated = session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id,
               was.is_(None) if published else was.is_not(None),
               *([Assessment.state == State.APPROVED.value] if published else []))
        .values(published_at=now if published else None))
    if updated.rowcount != 1:
        session.rollback()
        return False
    state = State(assessment.state)
    session.add(AssessmentEvent(assessment_id=assessment.id, user_id=user.id,
                                action=PUBLISHED if published else UNPUBLISHED,
                                from_state=state, to_state=state,
                                note=(note or "").strip() or None, at=now))
    session.commit()
    session.refresh(assessment)
    return True


def col_published() -> sa.ColumnElement:
    return Assessment.__table__.c.published_at
