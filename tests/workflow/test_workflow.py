"""Every (state, action, role) triple: allowed ones lead where the routing says, others refuse."""

from __future__ import annotations

import itertools

import pytest

from equity_tool.core.vocabulary import AssessmentState as S
from equity_tool.core.vocabulary import Role as R
from equity_tool.review.workflow import Action as A
from equity_tool.review.workflow import InvalidTransition, actions_for, decide

BEFORE_APPROVAL = [S.DRAFT, S.AWAITING_SIGNOFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED,
                   S.RESUBMITTED]


def expected(state, action, role, signoff, again):
    """The routing, written out independently of the code's table."""
    if action == A.WITHDRAW:
        allowed = role in (R.STAFF, R.DIRECTOR) and state in BEFORE_APPROVAL
        return S.WITHDRAWN if allowed else None
    if action == A.SUBMIT:
        if role != R.STAFF or state not in (S.DRAFT, S.RETURNED):
            return None
        if signoff:
            return S.AWAITING_SIGNOFF
        return S.SUBMITTED if state == S.DRAFT else S.RESUBMITTED
    if role == R.DIRECTOR and state == S.AWAITING_SIGNOFF:
        return {A.SIGN_OFF: S.RESUBMITTED if again else S.SUBMITTED,
                A.SEND_BACK: S.RETURNED if again else S.DRAFT}.get(action)
    if role == R.OFFICER:
        return OFFICER_MOVES.get((state, action))
    return None


OFFICER_MOVES = {
    (S.SUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.RESUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.IN_REVIEW, A.RETURN): S.RETURNED,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.APPROVED, A.REOPEN): S.IN_REVIEW,
}


TRIPLES = list(itertools.product(S, A, R, (False, True), (False, True)))


@pytest.mark.parametrize(("state", "action", "role", "signoff", "again"), TRIPLES,
                         ids=lambda v: str(v).replace(" ", "-"))
def test_every_state_action_and_role(state, action, role, signoff, again):
    target = expected(state, action, role, signoff, again)
    if target is None:
        with pytest.raises(InvalidTransition):
            decide(state, action, role, signoff=signoff, again=again, note="a reason")
    else:
        assert decide(state, action, role, signoff=signoff, again=again,
                      note="a reason") == target


@pytest.mark.parametrize(("state", "action", "role"), [
    (S.DRAFT, A.WITHDRAW, R.STAFF),
    (S.APPROVED, A.REOPEN, R.OFFICER),
    (S.AWAITING_SIGNOFF, A.SEND_BACK, R.DIRECTOR),
])
def test_some_actions_need_a_reason(state, action, role):
    with pytest.raises(InvalidTransition, match="Give a reason"):
        decide(state, action, role, note="  ")


def test_refusals_say_why():
    with pytest.raises(InvalidTransition) as wrong_role:
        decide(S.IN_REVIEW, A.APPROVE, R.STAFF)
    assert str(wrong_role.value) == "Your role (staff) cannot approve an assessment."
    with pytest.raises(InvalidTransition) as wrong_state:
        decide(S.APPROVED, A.APPROVE, R.OFFICER)
    assert str(wrong_state.value) == "This assessment is approved, so it cannot be approved now."


def test_the_actions_offered_match_the_table():
    assert actions_for(S.IN_REVIEW, R.OFFICER) == [A.RETURN, A.APPROVE]
    assert actions_for(S.DRAFT, R.STAFF) == [A.SUBMIT, A.WITHDRAW]
    assert actions_for(S.AWAITING_SIGNOFF, R.DIRECTOR) == [A.SIGN_OFF, A.SEND_BACK, A.WITHDRAW]
    assert actions_for(S.APPROVED, R.COUNCILLOR) == []
    for state, role in itertools.product(S, R):
        for action in actions_for(state, role):
            decide(state, action, role, note="reason")  # each offered action is allowed


def test_the_workflow_module_is_pure():
    import subprocess
    import sys

    code = ("import sys, equity_tool.review.workflow; "
            "print(' '.join({m.split('.')[0] for m in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert not {"flask", "sqlalchemy", "sqlmodel"} & set(loaded)
