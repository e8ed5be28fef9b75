"""Sign-in limits per client address and account; server-side sessions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_limits",
        sa.Column("client_address", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_address", "email", name=op.f("pk_sign_in_limits")),
    )
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_address", sa.String(length=100), nullable=True))
    # Existing users start at version 0; their current cookies (plain ids) stop working, so
    # everyone signs in once after the upgrade.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_column("client_address")
    op.drop_table("sign_in_limits")
