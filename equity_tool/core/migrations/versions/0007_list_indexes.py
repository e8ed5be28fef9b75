"""Indexes for long lists and counts: the review queue, the reading room, the dashboard's and
reports' year, follow-up items by due date, and the unread notifications in every page's header.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:20:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_assessments_state_submitted": ("assessments", ["state", "submitted_at", "department_id"]),
    "ix_assessment_flags_counted": ("assessment_flags", ["assessment_id", "flag_id", "severity"]),
    "ix_assessments_state_approved": (
        "assessments",
        ["state", "approved_at", "department_id", "questionnaire_id", "impact_level"],
    ),
    "ix_assessment_events_at": (
        "assessment_events",
        ["at", "to_state", "from_state", "assessment_id"],
    ),
    "ix_follow_up_items_created": (
        "follow_up_items",
        ["created_at", "due_on", "status", "department_id"],
    ),
    "ix_assessments_year": (
        "assessments",
        ["created_at", "department_id", "state", "questionnaire_id", "impact_level"],
    ),
    "ix_assessment_events_to_state": ("assessment_events", ["assessment_id", "to_state"]),
    "ix_submissions_round_at": ("submissions", ["assessment_id", "round", "at"]),
    "ix_follow_up_items_due_status": (
        "follow_up_items",
        ["due_on", "status", "kind", "department_id", "created_at"],
    ),
    "ix_notifications_user_unread": ("notifications", ["user_id", "read_at"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
