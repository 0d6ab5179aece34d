"""The history database's tables as the current schema has them (the migrations in
:mod:`scanner.history.migrations` build them; queries use these definitions).

One row per audit; its pages once each (observations list page numbers, not URLs);
``items`` gives every vendor, cookie and finding one identity for all audits; the three
observation tables hold what an audit saw of an item in one consent state.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

audits = Table(
    "audits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(255), nullable=False),
    Column("start_url", Text, nullable=False),
    Column("scan_started_at", String(40), nullable=False),
    Column("scan_finished_at", String(40), nullable=False),
    Column("recorded_at", String(40), nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("scanner_version", String(64), nullable=False),
    Column("browser_version", String(64), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("consent_states", JSON, nullable=False),
    Column("evidence_fingerprint", String(128)),
    Column("manifest_sha256", String(64)),
    Column("folder", Text, nullable=False),
    Column("origin", String(16), nullable=False, server_default="scan"),
    Index("ix_audits_site_started", "site", "scan_started_at"),
)

audit_pages = Table(
    "audit_pages",
    metadata,
    Column("audit_id", Integer, ForeignKey("audits.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("url", Text, nullable=False),
)

audit_states = Table(
    "audit_states",
    metadata,
    Column("audit_id", Integer, ForeignKey("audits.id"), primary_key=True),
    Column("state", String(16), primary_key=True),
    Column("pages", JSON, nullable=False),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("key", Text, nullable=False),
    Column("key_sha256", String(64), nullable=False),
    UniqueConstraint("kind", "key_sha256", name="uq_items_kind_key"),
)


def _observation_columns() -> list[Column]:
    return [
        Column("audit_id", Integer, ForeignKey("audits.id"), primary_key=True),
        Column("state", String(16), primary_key=True),
        Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
        Column("pages", JSON, nullable=False),
    ]


vendor_observations = Table(
    "vendor_observations",
    metadata,
    *_observation_columns(),
    Column("name", Text, nullable=False),
    Column("hosts", JSON, nullable=False),
    Column("categories", JSON, nullable=False),
    Column("dpa_status", String(16), nullable=False),
    Column("requests", Integer, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Column("latency_median_ms", Float),
)

cookie_observations = Table(
    "cookie_observations",
    metadata,
    *_observation_columns(),
    Column("name", Text, nullable=False),
    Column("domain", Text, nullable=False),
    Column("party", String(8), nullable=False),
    Column("vendor", Text, nullable=False),
    Column("lifetime_days", Float),
    Column("flags", JSON, nullable=False),
)

finding_observations = Table(
    "finding_observations",
    metadata,
    *_observation_columns(),
    Column("rule_id", String(64), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("subject", Text, nullable=False),
    Column("title", Text, nullable=False),
)

OBSERVATIONS = {
    "vendor": vendor_observations,
    "cookie": cookie_observations,
    "finding": finding_observations,
}
