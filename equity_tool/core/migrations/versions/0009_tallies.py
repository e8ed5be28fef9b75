"""Tallies: the dashboard's and the annual report's figures kept as the data changes; and the
follow-up item a notification is about (an overdue reminder opens the item).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 23:50:00

The tables start empty; `flask db upgrade` (and the first page that counts) fills them from
the data (equity_tool.core.tallies.ensure).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_notifications_follow_up_item_id_follow_up_items",
                                    "follow_up_items", ["follow_up_item_id"], ["id"])
    op.create_table(
        "tallies",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.String(length=100), nullable=False),
        sa.Column("what", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=100), nullable=False),
        sa.Column("other_year", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", "department_id", "questionnaire_id", "what",
                                "detail", "other_year"),
    )
    op.create_index("ix_tallies_other_year", "tallies", ["kind", "other_year", "year"])
    op.create_table(
        "assessment_tallies",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("keys", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                  nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"]),
        sa.PrimaryKeyConstraint("assessment_id"),
    )
    op.create_table(
        "tally_basis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("tally_basis")
    op.drop_table("assessment_tallies")
    op.drop_index("ix_tallies_other_year", table_name="tallies")
    op.drop_table("tallies")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notifications_follow_up_item_id_follow_up_items",
                                 type_="foreignkey")
        batch_op.drop_column("follow_up_item_id")
