"""Which audit a user means: ``#12`` or ``12``, ``latest``, ``previous``, or a folder."""

from __future__ import annotations

from pathlib import Path

from scanner.errors import UserError
from scanner.history.folder import snapshot_of_folder
from scanner.history.snapshot import AuditSnapshot
from scanner.history.store import History

NAMED = ("latest", "previous")


MAX_ID = 2**31 - 1


def resolve_pair(
    before: str, after: str, history: History, site: str | None
) -> tuple[AuditSnapshot, AuditSnapshot]:
    """Both audits of ``scanner diff``. Without ``site``, ``latest`` and ``previous`` are
    of the site of the other audit when that one is an id or a folder (``diff 12 latest``
    compares #12 with the newest audit of #12's site), else of the newest scan's site."""
    named = [ref for ref in (before, after) if ref.strip() in NAMED]
    if site is None and len(named) == 1:
        other = after if named[0] == before else before
        known = resolve_audit(other, history, None)
        site = known.site
    return resolve_audit(before, history, site), resolve_audit(after, history, site)


def resolve_audit(ref: str, history: History, site: str | None) -> AuditSnapshot:
    """The audit ``ref`` names. ``latest`` is the newest scan (of ``site`` when given),
    ``previous`` the scan before it; a scan's newest record wins (a report regeneration
    supersedes the scan's first record). A folder the history does not hold is read
    from its files."""
    text = ref.strip()
    number = text.removeprefix("#")
    if number.isascii() and number.isdecimal():
        if int(number) > MAX_ID:
            raise UserError(f"{ref!r}: no audit has an id that large; scanner history lists them")
        return history.load(int(number))
    if text in NAMED:
        return history.load(_named(text, history, site))
    folder = Path(text)
    if folder.is_dir():
        recorded = history.by_folder(folder)
        return history.load(recorded) if recorded is not None else snapshot_of_folder(folder)
    raise UserError(
        f"{ref!r} is not an audit: give an id from scanner history, latest, previous or an "
        "audit folder"
    )


def _named(name: str, history: History, site: str | None) -> int:
    newest = history.newest(site)
    which = f" of {site}" if site else ""
    if newest is None:
        raise UserError(f"the history {history.where} holds no audit{which} yet")
    if name == "latest":
        return newest.audit_id
    site = site or newest.site
    earlier = history.latest_of_scans(site, before=newest)
    if not earlier:
        raise UserError(
            f"the history {history.where} holds only one scan of {site}; nothing before it"
        )
    return earlier[0]
