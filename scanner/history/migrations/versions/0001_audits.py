"""The first history schema: audits, their pages and states, items and observations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _observation(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id"), primary_key=True),
        sa.Column("state", sa.String(16), primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), primary_key=True),
        sa.Column("pages", sa.JSON, nullable=False),
        *columns,
    )


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("start_url", sa.Text, nullable=False),
        sa.Column("scan_started_at", sa.String(40), nullable=False),
        sa.Column("scan_finished_at", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("scanner_version", sa.String(64), nullable=False),
        sa.Column("browser_version", sa.String(64), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("consent_states", sa.JSON, nullable=False),
        sa.Column("evidence_fingerprint", sa.String(128)),
        sa.Column("manifest_sha256", sa.String(64)),
        sa.Column("folder", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_pages",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_states",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id"), primary_key=True),
        sa.Column("state", sa.String(16), primary_key=True),
        sa.Column("pages", sa.JSON, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("kind", "key_sha256", name="uq_items_kind_key"),
    )
    _observation(
        "vendor_observations",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("hosts", sa.JSON, nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("dpa_status", sa.String(16), nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("latency_median_ms", sa.Float),
    )
    _observation(
        "cookie_observations",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("domain", sa.Text, nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("vendor", sa.Text, nullable=False),
        sa.Column("lifetime_days", sa.Float),
        sa.Column("flags", sa.JSON, nullable=False),
    )
    _observation(
        "finding_observations",
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "finding_observations",
        "cookie_observations",
        "vendor_observations",
        "items",
        "audit_states",
        "audit_pages",
        "audits",
    ):
        op.drop_table(table)
