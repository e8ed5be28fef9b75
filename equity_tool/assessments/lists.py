"""Read-only lists of assessments that pages and commands show."""

from __future__ import annotations

from sqlmodel import Session, col, select

from equity_tool.core.models import Assessment, Department
from equity_tool.core.vocabulary import AssessmentState


def department_assessments(session: Session, *, department_id: int) -> list[Assessment]:
    """The department's assessments, most recently changed first."""
    query = (
        select(Assessment)
        .where(Assessment.department_id == department_id)
        .order_by(col(Assessment.updated_at).desc(), col(Assessment.id).desc())
    )
    return list(session.exec(query).all())


def every_assessment(session: Session, *, state: AssessmentState | None = None
                     ) -> list[tuple[Assessment, Department]]:
    """Every assessment (or those in `state`) with its department, oldest first."""
    query = (select(Assessment, Department)
             .join(Department, col(Assessment.department_id) == col(Department.id))
             .order_by(col(Assessment.id)))
    if state:
        query = query.where(Assessment.state == state)
    return list(session.exec(query).all())
