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


# --- follow-up after approval -----------------------------------------------------------------


def may_see_follow_up(user: User, assessment: Assessment) -> bool:
    """An assessment's follow-up items are read by whoever may read the assessment: the
    department, the officer and the administrator always, councillors while it is approved."""
    return may_see(user, assessment)


def may_post_progress(user: User, assessment: Assessment) -> bool:
    """Progress on an item is posted by the department's staff and director (co-authors are
    staff of the department); the officer, the administrator and councillors only read it."""
    return user.role in DEPARTMENT_ROLES and user.department_id == assessment.department_id


def may_list_department_items(user: User, department_id: int) -> bool:
    """A department's list of items: its own staff and director, the officer and the
    administrator (councillors read items from each approved assessment instead)."""
    if user.role in CITYWIDE:
        return True
    return user.role in DEPARTMENT_ROLES and user.department_id == department_id


# --- the officer's dashboard ------------------------------------------------------------------


def may_see_dashboard(user: User) -> bool:
    """The citywide dashboard (counts, turnaround, follow-up) is for the officer and the
    administrator."""
    return user.role in CITYWIDE


# --- the public register ----------------------------------------------------------------------


def may_publish(user: User, assessment: Assessment) -> bool:
    """The equity officer, who approves, decides what the public register shows (issue 13):
    publishing and withdrawing are the officer's alone, on assessments they may see."""
    return user.role == Role.OFFICER and may_see(user, assessment)


# --- annual reports ---------------------------------------------------------------------------


def may_make_reports(user: User) -> bool:
    """The annual report to the mayor and council is made by the officer and the
    administrator."""
    return user.role in CITYWIDE


# --- administration (issue 14) ----------------------------------------------------------------


def may_manage_questionnaires(user: User) -> bool:
    """The questionnaires page, the editor, preview, publishing, retiring and diffs are for
    the equity office: the officer and the administrator."""
    return user.role in CITYWIDE


def may_manage_people(user: User) -> bool:
    """People, departments and the audit log are the administrator's alone (not the officer)."""
    return user.role == Role.ADMIN


def may_move_to_newer_version(user: User, assessment: Assessment) -> bool:
    """The draft's owners (the department's staff) move it to a newer questionnaire version,
    while they may still change its answers."""
    return may_edit(user, assessment)


# --- escalation from a rapid check (issue 14) ---------------------------------------------------


def may_escalate(user: User, rapid_check: Assessment) -> bool:
    """The full assessment a rapid check's flag asks for is started, pre-filled, by staff of
    the rapid check's department (who start assessments, and own it), whatever its state."""
    return may_start(user) and user.department_id == rapid_check.department_id
