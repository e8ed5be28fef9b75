"""Read-only lists that pages show."""

from sqlmodel import Session, col, select

from .models import Assessment


def department_assessments(session: Session, *, department_id: int) -> list[Assessment]:
    """The department's assessments, most recently changed first."""
    query = (
        select(Assessment)
        .where(Assessment.department_id == department_id)
        .order_by(col(Assessment.updated_at).desc(), col(Assessment.id).desc())
    )
    return list(session.exec(query).all())
