"""Review and routing: submissions, comments, replies, verdicts, notifications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:01:40.395010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# JSONB on PostgreSQL, JSON text on SQLite: see equity_tool.models.JSONValue.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(length=20), nullable=False),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.Column("email_next_try", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_notifications_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("addressed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("addressed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["addressed_by_id"], ["users.id"], name=op.f("fk_review_comments_addressed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_review_comments_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_review_comments_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comments")),
    )
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_comments_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "section_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=100), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_section_verdicts_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_section_verdicts_officer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_verdicts")),
        sa.UniqueConstraint(
            "assessment_id",
            "round",
            "section_id",
            name=op.f("uq_section_verdicts_assessment_id_round_section_id"),
        ),
    )
    with op.batch_alter_table("section_verdicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_section_verdicts_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("other_texts", JSON, nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_submissions_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_submissions_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "assessment_id", "round", name=op.f("uq_submissions_assessment_id_round")
        ),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submissions_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "comment_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_comment_replies_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["review_comments.id"],
            name=op.f("fk_comment_replies_comment_id_review_comments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_replies")),
    )
    with op.batch_alter_table("comment_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comment_replies_comment_id"), ["comment_id"], unique=False
        )

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("conditions", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("conditions")
        batch_op.drop_column("approved_at")

    with op.batch_alter_table("comment_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_replies_comment_id"))

    op.drop_table("comment_replies")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_assessment_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("section_verdicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_verdicts_assessment_id"))

    op.drop_table("section_verdicts")
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_comments_assessment_id"))

    op.drop_table("review_comments")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
