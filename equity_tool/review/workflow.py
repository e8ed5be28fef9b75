"""The assessment's life as data: (state, action, role) -> new state, checked on the server.

Pure: no Flask, no database. `decide` is the only way a state changes; anything not in the
table is refused with a message that says why, so a forged or stale request changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.core.vocabulary import Role


class Action(StrEnum):
    """Values are the words on buttons and in the history ("Ana Staff submitted it")."""

    SUBMIT = "submit"
    SIGN_OFF = "sign off"
    SEND_BACK = "send back"  # a director declines to sign off
    START_REVIEW = "start review"
    RETURN = "return"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


# Past tense, for the history and notifications.
DONE = {
    Action.SUBMIT: "submitted",
    Action.SIGN_OFF: "signed off",
    Action.SEND_BACK: "sent back",
    Action.START_REVIEW: "started the review of",
    Action.RETURN: "returned",
    Action.APPROVE: "approved",
    Action.WITHDRAW: "withdrew",
    Action.REOPEN: "reopened",
}


# For the history table: the event as a heading ("Review started"), by its stored past tense.
EVENT_LABELS = {"started": "Started", **{
    DONE[action]: label for action, label in (
        (Action.SUBMIT, "Submitted"), (Action.SIGN_OFF, "Signed off"),
        (Action.SEND_BACK, "Sent back"), (Action.START_REVIEW, "Review started"),
        (Action.RETURN, "Returned"), (Action.APPROVE, "Approved"),
        (Action.WITHDRAW, "Withdrawn"), (Action.REOPEN, "Reopened"))},
    # Not transitions (the state stays approved): publishing.register.publication's events.
    "published": "Published to the public register",
    "unpublished": "Withdrawn from the public register"}

# For refusals: "it cannot be signed off now".
PASSIVE = {**DONE, Action.START_REVIEW: "opened for review", Action.WITHDRAW: "withdrawn"}


class InvalidTransition(Exception):
    """The action is not allowed now; the message is written for the person who tried."""


@dataclass(frozen=True)
class Rule:
    state: State
    action: Action
    role: Role
    target: State
    # None: always; otherwise the rule holds only when the context matches.
    signoff: bool | None = None  # the questionnaire asks a director to sign off
    again: bool | None = None  # it was submitted before (a resubmission)
    needs_note: bool = False


_BEFORE_APPROVAL = (State.DRAFT, State.AWAITING_SIGNOFF, State.SUBMITTED, State.IN_REVIEW,
                    State.RETURNED, State.RESUBMITTED)

RULES: tuple[Rule, ...] = (
    Rule(State.DRAFT, Action.SUBMIT, Role.STAFF, State.AWAITING_SIGNOFF, signoff=True),
    Rule(State.DRAFT, Action.SUBMIT, Role.STAFF, State.SUBMITTED, signoff=False),
    Rule(State.RETURNED, Action.SUBMIT, Role.STAFF, State.AWAITING_SIGNOFF, signoff=True),
    Rule(State.RETURNED, Action.SUBMIT, Role.STAFF, State.RESUBMITTED, signoff=False),
    Rule(State.AWAITING_SIGNOFF, Action.SIGN_OFF, Role.DIRECTOR, State.SUBMITTED, again=False),
    Rule(State.AWAITING_SIGNOFF, Action.SIGN_OFF, Role.DIRECTOR, State.RESUBMITTED, again=True),
    Rule(State.AWAITING_SIGNOFF, Action.SEND_BACK, Role.DIRECTOR, State.DRAFT, again=False,
         needs_note=True),
    Rule(State.AWAITING_SIGNOFF, Action.SEND_BACK, Role.DIRECTOR, State.RETURNED, again=True,
         needs_note=True),
    Rule(State.SUBMITTED, Action.START_REVIEW, Role.OFFICER, State.IN_REVIEW),
    Rule(State.RESUBMITTED, Action.START_REVIEW, Role.OFFICER, State.IN_REVIEW),
    Rule(State.IN_REVIEW, Action.RETURN, Role.OFFICER, State.RETURNED),
    Rule(State.IN_REVIEW, Action.APPROVE, Role.OFFICER, State.APPROVED),
    Rule(State.APPROVED, Action.REOPEN, Role.OFFICER, State.IN_REVIEW, needs_note=True),
    *(Rule(state, Action.WITHDRAW, role, State.WITHDRAWN, needs_note=True)
      for state in _BEFORE_APPROVAL for role in (Role.STAFF, Role.DIRECTOR)),
)



def decide(state: State, action: Action, role: Role, *, signoff: bool = False,
           again: bool = False, note: str | None = None) -> State:
    """The state after `action`, or InvalidTransition saying why it cannot happen."""
    for rule in RULES:
        if (rule.state, rule.action, rule.role) != (state, action, role):
            continue
        if rule.signoff not in (None, signoff) or rule.again not in (None, again):
            continue
        if rule.needs_note and not (note or "").strip():
            raise InvalidTransition(f"Give a reason to {action} this assessment.")
        return rule.target
    raise InvalidTransition(_refusal(state, action, role))


def _refusal(state: State, action: Action, role: Role) -> str:
    if not any(r.action == action and r.role == role for r in RULES):
        return f"Your role ({role}) cannot {action} an assessment."
    return f"This assessment is {state}, so it cannot be {PASSIVE[action]} now."


def actions_for(state: State, role: Role, *, signoff: bool = False,
                again: bool = False) -> list[Action]:
    """The actions `role` may take on an assessment in `state`, in table order."""
    found: list[Action] = []
    for rule in RULES:
        if (rule.state, rule.role) == (state, role) and rule.action not in found \
                and rule.signoff in (None, signoff) and rule.again in (None, again):
            found.append(rule.action)
    return found
