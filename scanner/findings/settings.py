"""Rule settings: the ``[rules]`` table of the config file."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from scanner.errors import ConfigError
from scanner.findings.catalog import RuleCatalog
from scanner.findings.model import SEVERITIES

# Regulators' guidance (e.g. the CNIL's) caps consent and audience-measurement cookies
# at 13 months: 13 * 30.4 days, rounded up.
DEFAULT_MAX_COOKIE_DAYS = 395


@dataclass(frozen=True)
class RuleSettings:
    disabled: tuple[str, ...] = ()
    """Rule ids that are not run."""
    severity: dict[str, str] = field(default_factory=dict)
    """Rule id -> severity, replacing the catalog's."""
    own_domains: tuple[str, ...] = ()
    """Hosts or domains of the organisation counted as first party (e.g. its own CDN)."""
    max_cookie_lifetime_days: int = DEFAULT_MAX_COOKIE_DAYS
    vendor_files: tuple[str, ...] = ()
    """Extra vendor catalog files (same format as rules/vendors.json)."""
    filter_lists: tuple[str, ...] = ()
    """Extra Adblock-Plus-format filter lists, used with the bundled EasyPrivacy."""
    dpa_dir: str | None = None
    """Folder of the vendors' DPA schemas; None: no DPA checks."""
    known_personal_data: tuple[str, ...] = ()
    """Values known to be personal data (e.g. a test customer's e-mail address): found
    in requests in any field and encoding, hashed forms included."""


def build_rule_settings(
    table: dict[str, Any], catalog: RuleCatalog, origin: str = "[rules]"
) -> RuleSettings:
    """Validate a ``[rules]`` table into RuleSettings; one clear error per problem."""
    known = {f.name for f in fields(RuleSettings)}
    for key in table:
        if key not in known:
            raise ConfigError(
                f"{origin}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}"
            )
    disabled = _strings(table.get("disabled", []), "disabled", origin)
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError(f'{origin}: severity must be a table such as {{"rule-id" = "low"}}')
    for rule_id in [*disabled, *severity]:
        if rule_id not in catalog:
            raise ConfigError(
                f"{origin}: no rule {rule_id!r}; rule ids are listed in rules/catalog.json"
            )
    for rule_id, value in severity.items():
        if value not in SEVERITIES:
            raise ConfigError(
                f"{origin}: severity of {rule_id!r} must be one of {', '.join(SEVERITIES)}"
            )
    lifetime = table.get("max_cookie_lifetime_days", DEFAULT_MAX_COOKIE_DAYS)
    if not isinstance(lifetime, int) or isinstance(lifetime, bool) or lifetime < 1:
        raise ConfigError(f"{origin}: max_cookie_lifetime_days must be a whole number of days")
    return RuleSettings(
        disabled=tuple(disabled),
        severity=dict(severity),
        own_domains=tuple(_strings(table.get("own_domains", []), "own_domains", origin)),
        max_cookie_lifetime_days=lifetime,
        vendor_files=tuple(_strings(table.get("vendor_files", []), "vendor_files", origin)),
        filter_lists=tuple(_strings(table.get("filter_lists", []), "filter_lists", origin)),
        dpa_dir=_optional_string(table.get("dpa_dir"), "dpa_dir", origin),
        known_personal_data=tuple(
            _strings(table.get("known_personal_data", []), "known_personal_data", origin)
        ),
    )


def _optional_string(value: Any, name: str, origin: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{origin}: {name} must be a path (a string)")
    return value


def _strings(value: Any, name: str, origin: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{origin}: {name} must be a list of strings")
    return list(value)
