"""Who may see an assessment and what they may do to it: every view and use case asks here.

The rules read only the person's role and department and the assessment's state. An
assessment a person may not see does not exist for them (404); one they may see but not act
on is a 403. Which transitions a role may start is the workflow's table; this module decides
whose assessment it is to act on.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from equity_tool.core.exceptions import NotFound, PermissionDenied
from equity_tool.core.models import MAX_ID, Assessment, User
from equity_tool.core.vocabulary import DEPARTMENT_ROLES, EDITABLE, Role
from equity_tool.core.vocabulary import AssessmentState as State

log = logging.getLogger(__name__)

# Roles that see every department's assessments, in any state.
CITYWIDE = frozenset({Role.OFFICER, Role.ADMIN})


def may_see(user: User, assessment: Assessment) -> bool:
    if user.role in CITYWIDE:
        return True
    if user.role in DEPARTMENT_ROLES:
        return user.department_id == assessment.department_id
    return assessment.state == State.APPROVED  # councillors read approved ones


# A download is the same assessment in another form.
may_download = may_see


def may_start(user: User) -> bool:
    """Starting an assessment is for staff of a department."""
    return user.role == Role.STAFF and user.department_id is not None


def may_edit(user: User, assessment: Assessment) -> bool:
    return (
        user.role == Role.STAFF
        and user.department_id == assessment.department_id
        and assessment.state in EDITABLE
    )


def acts_for(user: User, assessment: Assessment) -> bool:
    """Staff and directors act only for their own department; the other roles citywide."""
    return user.role not in DEPARTMENT_ROLES or user.department_id == assessment.department_id


def may_sign_off(user: User, assessment: Assessment) -> bool:
    return (user.role == Role.DIRECTOR and acts_for(user, assessment)
            and assessment.state == State.AWAITING_SIGNOFF)


def may_review(user: User) -> bool:
    """The review queue, the review page, comments and step verdicts."""
    return user.role == Role.OFFICER


def may_reply(user: User, assessment: Assessment) -> bool:
    """The department's staff answer the officer's comments while the assessment is returned."""
    return (user.role == Role.STAFF and acts_for(user, assessment)
            and assessment.state == State.RETURNED)


def get_visible(session: Session, user: User, assessment_id: int) -> Assessment:
    """The assessment, or NotFound when it does not exist or `user` may not see it."""
    assessment = session.get(Assessment, assessment_id) if 0 < assessment_id <= MAX_ID else None
    if assessment is None or not may_see(user, assessment):
        raise NotFound(f"No assessment {assessment_id}")
    return assessment


def require_editable(user: User, assessment: Assessment) -> None:
    if not may_edit(user, assessment):
        raise PermissionDenied(
            "This assessment cannot be changed: it has been submitted, or you are not on the "
            "department's staff."
        )


def require_acts_for(user: User, assessment: Assessment) -> None:
    """NotFound (as for an unknown id) when `user` may not act for the assessment's department."""
    if not acts_for(user, assessment):
        log.warning("user %s tried to act on assessment %s of another department",
                    user.id, assessment.id)
        raise NotFound(f"No assessment {assessment.id}")


def require_reviewer(user: User) -> None:
    if not may_review(user):
        raise PermissionDenied("Only the equity officer reviews assessments.")


def require_comment_answerer(user: User) -> None:
    if user.role != Role.STAFF:
        raise PermissionDenied("Department staff answer the equity officer's comments.")
