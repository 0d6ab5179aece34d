"""Audits say whether a scan or a report regeneration recorded them; audits of a site are
found by time through an index.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # every audit recorded before this revision was recorded by a scan
    op.add_column(
        "audits", sa.Column("origin", sa.String(16), nullable=False, server_default="scan")
    )
    op.create_index("ix_audits_site_started", "audits", ["site", "scan_started_at"])


def downgrade() -> None:
    op.drop_index("ix_audits_site_started", "audits")
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("origin")
