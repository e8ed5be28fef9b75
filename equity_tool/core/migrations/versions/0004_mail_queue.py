"""Mail sent by a worker: claims, retries with backoff.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("email_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_notifications_email_due", ["email_status", "email_next_try"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_email_due")
        batch_op.drop_column("email_claimed_at")
        batch_op.drop_column("email_claimed_by")
