"""Follow-up items and their updates, reminders sent, and the stored impact level and flags.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:06:35.033572
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "event", name=op.f("pk_reminders")),
    )
    op.create_table(
        "assessment_flags",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_flags_assessment_id_assessments"),
        ),
        sa.PrimaryKeyConstraint("assessment_id", "flag_id", name=op.f("pk_assessment_flags")),
    )
    with op.batch_alter_table("assessment_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_flags_flag_id"), ["flag_id"], unique=False)

    op.create_table(
        "follow_up_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("baseline", sa.String(length=200), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("latest_value", sa.String(length=200), nullable=True),
        sa.Column("latest_value_on", sa.Date(), nullable=True),
        sa.Column("latest_update_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_follow_up_items_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_follow_up_items_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_items")),
        sa.UniqueConstraint(
            "assessment_id",
            "question_id",
            "position",
            name=op.f("uq_follow_up_items_assessment_id_question_id_position"),
        ),
    )
    with op.batch_alter_table("follow_up_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_items_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            "ix_follow_up_items_department_due",
            ["department_id", "due_on", "status", "created_at"],
            unique=False,
        )

    op.create_table(
        "follow_up_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_follow_up_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["follow_up_items.id"],
            name=op.f("fk_follow_up_updates_item_id_follow_up_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_updates")),
    )
    with op.batch_alter_table("follow_up_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_updates_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("impact_level", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("next_review_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_assessments_impact_level"), ["impact_level"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessments_next_review_on"), ["next_review_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_next_review_on"))
        batch_op.drop_index(batch_op.f("ix_assessments_impact_level"))
        batch_op.drop_column("next_review_on")
        batch_op.drop_column("impact_level")

    with op.batch_alter_table("follow_up_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_updates_item_id"))

    op.drop_table("follow_up_updates")
    with op.batch_alter_table("follow_up_items", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_items_department_due")
        batch_op.drop_index(batch_op.f("ix_follow_up_items_assessment_id"))

    op.drop_table("follow_up_items")
    with op.batch_alter_table("assessment_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_flags_flag_id"))

    op.drop_table("assessment_flags")
    op.drop_table("reminders")
