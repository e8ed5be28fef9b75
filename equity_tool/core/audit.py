"""The audit log of administrative changes: people, departments and questionnaires.

Use cases call `record` in the same transaction as the change, so a change and its entry are
committed together or not at all. Assessments keep their own history (AssessmentEvent).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from equity_tool.core.models import AuditEntry, User
from equity_tool.core.paging import Page, paged


def record(session: Session, *, actor: User | None, action: str, subject: str,
           **detail: Any) -> AuditEntry:
    """Add one entry: `action` in the past tense ("user invited"), `subject` as people name
    it (an email, a department, "rapid-equity-check 2026.2"), `detail` any JSON values."""
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action, subject=subject,
                       detail=detail)
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, number: int = 1) -> Page:
    """Page `number` of the log, newest first: (entry, the person who made the change, or None
    for the command line) pairs."""
    statement = (
        select(AuditEntry, User)
        .join(User, User.id == AuditEntry.actor_id, isouter=True)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return paged(session, statement, number)
