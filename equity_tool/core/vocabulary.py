"""Roles, assessment states and groups of states: what the pure modules and the models share.

Values are the words people read on tags, buttons and in the history.
"""

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    DIRECTOR = "director"
    OFFICER = "officer"
    COUNCILLOR = "councillor"
    ADMIN = "admin"


# Staff and directors act for one department; the other roles work across all of them.
DEPARTMENT_ROLES = frozenset({Role.STAFF, Role.DIRECTOR})


class AssessmentState(StrEnum):
    DRAFT = "draft"
    AWAITING_SIGNOFF = "awaiting sign-off"
    SUBMITTED = "submitted"
    IN_REVIEW = "in review"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


# The states in which the department may change answers.
EDITABLE = frozenset({AssessmentState.DRAFT, AssessmentState.RETURNED})
# Waiting for the equity officer, oldest first in the queue.
AWAITING_REVIEW = frozenset({AssessmentState.SUBMITTED, AssessmentState.RESUBMITTED,
                             AssessmentState.IN_REVIEW})
