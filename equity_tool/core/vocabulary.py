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


class ItemKind(StrEnum):
    """What a follow-up item is: an action someone promised, or something the city counts."""

    COMMITMENT = "commitment"
    MEASURE = "measure"


class ItemStatus(StrEnum):
    NOT_STARTED = "not started"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    DONE = "done"
    DROPPED = "dropped"


# An item in one of these states is finished: never overdue, and takes no more updates
# (dropped) or only a correction (done).
CLOSED_ITEM_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.DROPPED})
