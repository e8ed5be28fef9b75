"""Administration in the browser: who published or retired a questionnaire version, drafts,
answers carried over (from a rapid check, or to a newer version), the audit log, and
one-time links to set a password.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_questionnaire_versions_published_by_id_users", "users", ["published_by_id"], ["id"]
        )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_from_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("left_behind", _json(), nullable=False, server_default="{}")
        )
        batch_op.create_index("ix_assessments_escalated_from_id", ["escalated_from_id"])
        batch_op.create_foreign_key(
            "fk_assessments_escalated_from_id_assessments", "assessments",
            ["escalated_from_id"], ["id"],
        )
    op.create_table(
        "questionnaire_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["base_version_id"], ["questionnaire_versions.id"],
                                name="fk_questionnaire_drafts_base_version_id_questionnaire_versions"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name="fk_questionnaire_drafts_created_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_drafts"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("detail", _json(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_audit_log_actor_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_password_links_user_id_users"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name="fk_password_links_created_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_password_links"),
        sa.UniqueConstraint("token_hash", name="uq_password_links_token_hash"),
    )
    op.create_index("ix_password_links_user_id", "password_links", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_password_links_user_id", table_name="password_links")
    op.drop_table("password_links")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("questionnaire_drafts")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_assessments_escalated_from_id_assessments", type_="foreignkey")
        batch_op.drop_index("ix_assessments_escalated_from_id")
        batch_op.drop_column("left_behind")
        batch_op.drop_column("escalated_from_id")
    with op.batch_alter_table("questionnaire_versions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_questionnaire_versions_published_by_id_users",
                                 type_="foreignkey")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("published_by_id")
