"""When an approved assessment was published to the public register.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:17:52.325256
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        # Newest publication first, the count and the filters' choices, from the index alone.
        batch_op.create_index(
            "ix_assessments_published_at",
            ["state", "published_at", "department_id", "approved_at", "impact_level"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_published_at")
        batch_op.drop_column("published_at")
