"""Recording audits in the history and reading them back.

Writes are one transaction per audit: a history never holds half an audit. Items (the
identities of vendors, cookies and findings) are shared by every audit; observations
list the pages they were seen on as page numbers of their audit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from scanner.history.database import HistoryError, open_engine, reason, shown
from scanner.history.snapshot import (
    KINDS,
    AuditSnapshot,
    CookieEntry,
    FindingEntry,
    StateSnapshot,
    VendorEntry,
)
from scanner.history.tables import OBSERVATIONS, audit_pages, audit_states, audits, items

ENTRY_COLUMNS = {
    "vendor": ("name", "hosts", "categories", "dpa_status", "requests", "bytes",
               "latency_median_ms"),
    "cookie": ("name", "domain", "party", "vendor", "lifetime_days", "flags"),
    "finding": ("rule_id", "severity", "subject", "title"),
}  # fmt: skip
ENTRY_TYPES = {"vendor": VendorEntry, "cookie": CookieEntry, "finding": FindingEntry}
TUPLE_FIELDS = {"hosts", "categories", "flags"}
EVERY_PAGE = "all"
"""An observation's pages when they are every page of its state (most vendors, cookies
and header findings): one word instead of thousands of page numbers."""
IN_LIST_BOUND = 500
"""Keys looked up per query (databases bound the parameters of one statement)."""


@dataclass(frozen=True)
class AuditRow:
    """One audit as the history lists it."""

    audit_id: int
    site: str
    start_url: str
    scan_started_at: str
    recorded_at: str
    origin: str
    complete: bool
    consent_states: list[str]
    folder: str
    pages: int
    vendors: int
    cookies: int
    by_severity: dict[str, int]


class History:
    """The audit history at one location (a file path or a database URL)."""

    def __init__(self, location: str | Path) -> None:
        self.where = shown(location)
        self.engine: Engine = open_engine(location)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _connection(self, write: bool = False, retry: bool = False) -> Iterator[Connection]:
        """A connection (a transaction when writing); database errors become one line.
        With ``retry``, a unique-key conflict is left to the caller, to try again."""
        try:
            with self.engine.begin() if write else self.engine.connect() as connection:
                yield connection
        except IntegrityError:
            if retry:
                raise
            raise HistoryError(f"history {self.where}: a conflicting write; try again") from None
        except SQLAlchemyError as error:
            raise HistoryError(f"history {self.where}: {reason(error)}") from None

    def record(self, snapshot: AuditSnapshot) -> int:
        """Store an audit; its id. Two scanners adding the same new item at once (the
        loser's insert of it conflicts) try again once: the item exists by then."""
        try:
            return self._record(snapshot, retry=True)
        except IntegrityError:
            return self._record(snapshot, retry=False)

    def _record(self, snapshot: AuditSnapshot, retry: bool) -> int:
        with self._connection(write=True, retry=retry) as connection:
            audit_id = connection.execute(
                insert(audits).values(
                    site=snapshot.site,
                    start_url=snapshot.start_url,
                    scan_started_at=snapshot.scan_started_at,
                    scan_finished_at=snapshot.scan_finished_at,
                    recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    complete=snapshot.complete,
                    scanner_version=snapshot.scanner_version,
                    browser_version=snapshot.browser_version,
                    settings=snapshot.settings,
                    consent_states=list(snapshot.states),
                    evidence_fingerprint=snapshot.evidence_fingerprint,
                    manifest_sha256=snapshot.manifest_sha256,
                    folder=snapshot.folder,
                    origin=snapshot.origin,
                )
            ).inserted_primary_key[0]
            numbers = _page_numbers(snapshot)
            if numbers:
                connection.execute(
                    insert(audit_pages),
                    [{"audit_id": audit_id, "number": n, "url": u} for u, n in numbers.items()],
                )
            for state in snapshot.states.values():
                connection.execute(
                    insert(audit_states).values(
                        audit_id=audit_id, state=state.state, pages=_numbers(state.pages, numbers)
                    )
                )
            for kind in KINDS:
                self._record_entries(connection, audit_id, kind, snapshot, numbers)
        return int(audit_id)

    def _record_entries(
        self,
        connection: Connection,
        audit_id: int,
        kind: str,
        snapshot: AuditSnapshot,
        numbers: dict[str, int],
    ) -> None:
        keys = {key for state in snapshot.states.values() for key in state.entries(kind)}
        ids = _item_ids(connection, kind, keys)
        rows = [
            {
                "audit_id": audit_id,
                "state": state.state,
                "item_id": ids[key],
                "pages": EVERY_PAGE
                if entry.pages == state.pages
                else _numbers(entry.pages, numbers),
                **{name: _stored(getattr(entry, name)) for name in ENTRY_COLUMNS[kind]},
            }
            for state in snapshot.states.values()
            for key, entry in state.entries(kind).items()
        ]
        if rows:
            connection.execute(insert(OBSERVATIONS[kind]), rows)

    def load(self, audit_id: int) -> AuditSnapshot:
        """The audit with this id, as it was recorded."""
        with self._connection() as connection:
            row = connection.execute(select(audits).where(audits.c.id == audit_id)).first()
            if row is None:
                raise HistoryError(
                    f"history {self.where} has no audit #{audit_id}; scanner history lists them"
                )
            urls = dict(
                connection.execute(
                    select(audit_pages.c.number, audit_pages.c.url).where(
                        audit_pages.c.audit_id == audit_id
                    )
                ).all()
            )
            states = {
                state: {"pages": frozenset(urls[n] for n in pages)}
                for state, pages in connection.execute(
                    select(audit_states.c.state, audit_states.c.pages).where(
                        audit_states.c.audit_id == audit_id
                    )
                ).all()
            }
            every = {state: values["pages"] for state, values in states.items()}
            for kind in KINDS:
                for state, entry in _load_entries(connection, audit_id, kind, urls, every):
                    states[state].setdefault(kind, {})[entry.key] = entry
        return AuditSnapshot(
            site=row.site,
            start_url=row.start_url,
            scan_started_at=row.scan_started_at,
            scan_finished_at=row.scan_finished_at,
            complete=row.complete,
            scanner_version=row.scanner_version,
            browser_version=row.browser_version,
            settings=row.settings,
            states={
                state: StateSnapshot(
                    state=state,
                    pages=states[state]["pages"],
                    vendors=states[state].get("vendor", {}),
                    cookies=states[state].get("cookie", {}),
                    findings=states[state].get("finding", {}),
                )
                for state in row.consent_states
            },
            folder=row.folder,
            evidence_fingerprint=row.evidence_fingerprint,
            manifest_sha256=row.manifest_sha256,
            origin=row.origin,
            audit_id=row.id,
            recorded_at=row.recorded_at,
        )

    def audits(
        self, site: str | None = None, limit: int | None = None, ids: list[int] | None = None
    ) -> list[AuditRow]:
        """Audits, newest scan first (of one site, or with these ids, when given)."""
        query = select(audits).order_by(audits.c.scan_started_at.desc(), audits.c.id.desc())
        if site is not None:
            query = query.where(audits.c.site == site)
        if ids is not None:
            query = query.where(audits.c.id.in_(ids))
        if limit is not None:
            query = query.limit(limit)
        with self._connection() as connection:
            rows = connection.execute(query).all()
            ids = [row.id for row in rows]
            pages = _count_by_audit(connection, audit_pages, ids)
            distinct = {kind: _distinct_items(connection, kind, ids) for kind in KINDS}
            severities = _severities(connection, ids)
        return [
            AuditRow(
                audit_id=row.id,
                site=row.site,
                start_url=row.start_url,
                scan_started_at=row.scan_started_at,
                recorded_at=row.recorded_at,
                origin=row.origin,
                complete=row.complete,
                consent_states=list(row.consent_states),
                folder=row.folder,
                pages=pages.get(row.id, 0),
                vendors=distinct["vendor"].get(row.id, 0),
                cookies=distinct["cookie"].get(row.id, 0),
                by_severity=severities.get(row.id, {}),
            )
            for row in rows
        ]

    def latest_of_scans(
        self,
        site: str,
        before: AuditSnapshot | AuditRow | None = None,
        limit: int = 1,
        start_url: str | None = None,
    ) -> list[int]:
        """Ids of the newest record of each of the site's last ``limit`` scans, newest
        first; with ``before``, only scans that started before it (or in the same second
        into another folder). A scan is its folder and start time: its later records are
        its report regenerations, which supersede the earlier ones. With ``start_url``,
        only scans from that start URL."""
        query = (
            select(audits.c.id, audits.c.scan_started_at, audits.c.folder)
            .where(audits.c.site == site)
            .order_by(audits.c.scan_started_at.desc(), audits.c.id.desc())
        )
        if before is not None:
            query = query.where(
                or_(
                    audits.c.scan_started_at < before.scan_started_at,
                    and_(
                        audits.c.scan_started_at == before.scan_started_at,
                        audits.c.folder != before.folder,
                    ),
                )
            )
        if start_url is not None:
            query = query.where(audits.c.start_url == start_url)
        chosen: list[int] = []
        seen: set[tuple[str, str]] = set()
        with self._connection() as connection:
            for audit_id, started, folder in connection.execute(query):
                if (folder, started) not in seen:
                    seen.add((folder, started))
                    chosen.append(audit_id)
                    if len(chosen) == limit:
                        break
        return chosen

    def by_folder(self, folder: Path) -> int | None:
        """The newest record of the audit written to ``folder``."""
        query = (
            select(func.max(audits.c.id))
            .where(audits.c.folder == str(folder.resolve()))
            .group_by(audits.c.folder)
        )
        with self._connection() as connection:
            return connection.execute(query).scalar()

    def newest(self, site: str | None) -> AuditRow | None:
        rows = self.audits(site, limit=1)
        return rows[0] if rows else None


def _page_numbers(snapshot: AuditSnapshot) -> dict[str, int]:
    urls = sorted({url for state in snapshot.states.values() for url in state.pages})
    return {url: number for number, url in enumerate(urls)}


def _numbers(pages: frozenset[str], numbers: dict[str, int]) -> list[int]:
    """Page numbers of ``pages``; a page an item lists but the state did not render
    (a vendor seen on a failed page's requests) gets no number and is left out."""
    return sorted(numbers[url] for url in pages if url in numbers)


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _item_ids(connection: Connection, kind: str, keys: set[str]) -> dict[str, int]:
    """The identity of each key, created for keys never seen before. Items are found by
    a hash of their key: a key is site text of any length, and an index on the text
    itself would refuse long ones (PostgreSQL's btree rows end at 2,704 bytes)."""
    ids = _lookup_items(connection, kind, keys)
    missing = sorted(keys - ids.keys())
    if missing:
        connection.execute(
            insert(items), [{"kind": kind, "key": k, "key_sha256": _sha256(k)} for k in missing]
        )
        ids.update(_lookup_items(connection, kind, set(missing)))
    return ids


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _lookup_items(connection: Connection, kind: str, keys: set[str]) -> dict[str, int]:
    by_hash = {_sha256(key): key for key in keys}
    hashes = sorted(by_hash)
    ids: dict[str, int] = {}
    for start in range(0, len(hashes), IN_LIST_BOUND):
        chunk = hashes[start : start + IN_LIST_BOUND]
        query = select(items.c.key_sha256, items.c.id).where(
            and_(items.c.kind == kind, items.c.key_sha256.in_(chunk))
        )
        ids.update({by_hash[digest]: item for digest, item in connection.execute(query)})
    return ids


def _load_entries(
    connection: Connection,
    audit_id: int,
    kind: str,
    urls: dict[int, str],
    every_page: dict[str, frozenset[str]],
) -> Iterator[tuple[str, Any]]:
    """The audit's observations of a kind; ``every_page`` is each state's page set (the
    same set object serves every observation on every page of its state)."""
    table = OBSERVATIONS[kind]
    query = (
        select(table, items.c.key)
        .join(items, items.c.id == table.c.item_id)
        .where(table.c.audit_id == audit_id)
    )
    for row in connection.execute(query).mappings():
        values = {
            name: tuple(row[name]) if name in TUPLE_FIELDS else row[name]
            for name in ENTRY_COLUMNS[kind]
        }
        if row["pages"] == EVERY_PAGE:
            pages = every_page[row["state"]]
        else:
            pages = frozenset(urls[n] for n in row["pages"] if n in urls)
        yield row["state"], ENTRY_TYPES[kind](key=row["key"], pages=pages, **values)


def _count_by_audit(connection: Connection, table: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = (
        select(table.c.audit_id, func.count())
        .where(table.c.audit_id.in_(ids))
        .group_by(table.c.audit_id)
    )
    return dict(connection.execute(query).all())


def _distinct_items(connection: Connection, kind: str, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    table = OBSERVATIONS[kind]
    query = (
        select(table.c.audit_id, func.count(func.distinct(table.c.item_id)))
        .where(table.c.audit_id.in_(ids))
        .group_by(table.c.audit_id)
    )
    return dict(connection.execute(query).all())


def _severities(connection: Connection, ids: list[int]) -> dict[int, dict[str, int]]:
    """Findings by severity per audit, each finding once over its states."""
    if not ids:
        return {}
    table = OBSERVATIONS["finding"]
    query = (
        select(table.c.audit_id, table.c.severity, func.count(func.distinct(table.c.item_id)))
        .where(table.c.audit_id.in_(ids))
        .group_by(table.c.audit_id, table.c.severity)
    )
    counts: dict[int, dict[str, int]] = {}
    for audit_id, severity, count in connection.execute(query):
        counts.setdefault(audit_id, {})[severity] = count
    return counts
