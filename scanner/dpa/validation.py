"""Checking a vendor data-flow record against the vendor's DPA, in sentences a lawyer reads.

jsonschema finds the failed constraints; this module turns each into a
:class:`DpaViolation`: a sentence naming the vendor, what it did and what the agreement
allows, the contract clause (the nearest ``x-clause`` enclosing the failed keyword,
following ``$ref`` into a baseline) and the severity (the nearest ``x-severity``, then the
DPA's, then 'high'). Raw validator messages never reach the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from scanner.dpa.loader import (
    SCHEMA_KEYWORDS,
    Dpa,
    json_path,
)
from scanner.dpa.vocabulary import (
    COOKIE_FIELD_WORDS,
    DATA_FIELD_WORDS,
    DEFAULT_SEVERITY,
    FIELD_WORDS,
    LATENCY_WORDS,
    category_words,
    country_words,
    format_bytes,
    format_number,
    join_words,
    plural,
    record_fields,
    value_words,
)

if TYPE_CHECKING:
    from referencing._core import Resolver  # the type of Registry.resolver(); not re-exported

RECORD_LEVEL = "(record)"
MAX_LISTED = 6
MAX_WALK_DEPTH = 64

_PLURAL_FIELDS = frozenset(
    {"categories", "hosts", "countries", "pages", "data_categories", "data_fields", "cookies"}
)
_NOT_SCHEMA_VALUES = frozenset({"enum", "const", "default", "examples", "x-agreement"})
_LIST_KEYWORDS = frozenset({"enum", "const", "pattern", "not", "false", "format"})


@dataclass(frozen=True)
class DpaViolation:
    """One failed DPA constraint.

    ``field`` is the record field concerned ('(record)' for a constraint on the whole
    record); ``clause`` the full x-clause text (None when the DPA gives none);
    ``details`` the exact place and values, for reports and machine readers.
    """

    vendor_id: str
    clause: str | None
    severity: str
    field: str
    sentence: str
    details: dict[str, Any] = field(compare=False)


@dataclass(frozen=True)
class _Failure:
    """A failed keyword, normalised (anyOf of enums becomes one enum)."""

    path: tuple[str | int, ...]
    keyword: str
    expected: Any
    value: Any
    matched: tuple[Any, ...] | None = None  # for 'not': the entries that matched
    label: str | None = None  # the title of the failed list ("the countries of the EEA")


@dataclass(frozen=True)
class _Place:
    """Where a failed keyword sits in the contract."""

    clause: str | None
    severity: str
    source: str | None  # the other document (baseline) the clause comes from, if any


def check_record(dpa: Dpa, record: Mapping[str, Any]) -> list[DpaViolation]:
    """Every violation of ``dpa`` by the vendor data-flow ``record``, in record-field order."""
    root = {"$ref": dpa.uri}
    validator = Draft202012Validator(root, registry=dpa.registry)
    vendor = str(record.get("vendor_name") or record.get("vendor_id") or dpa.vendor_id)
    checker = _Checker(dpa, root, record, vendor)
    violations: dict[tuple[str | None, str], DpaViolation] = {}
    for error in validator.iter_errors(record):
        violation = checker.violation(error)
        violations.setdefault((violation.clause, violation.sentence), violation)
    order = {name: index for index, name in enumerate(record_fields())}
    return sorted(
        violations.values(),
        key=lambda v: (order.get(v.field, -1), v.details["path"], v.sentence),
    )


class _Checker:
    """Turns the validation errors of one record into violations."""

    def __init__(self, dpa: Dpa, root: dict[str, Any], record: Mapping[str, Any], vendor: str):
        self.dpa = dpa
        self.root = root
        self.record = record
        self.vendor = vendor

    def violation(self, error: ValidationError) -> DpaViolation:
        nodes = self.nodes(error)
        path = _repaired_path(error, nodes, self.record)
        failure = _failure(error, self.dpa.registry, path)
        place = self.place(error, nodes)
        if failure is not None:
            statement = _statement(failure, self.record, self.vendor)
        else:
            statement = self.alternatives(error)
            if place.clause is None:
                place = self.place_in_context(error) or place
        details = {
            "path": json_path(path) if path else RECORD_LEVEL,
            "keyword": failure.keyword if failure else error.validator,
            "value": error.instance if path else None,
            "expected": failure.expected if failure else error.validator_value,
            "schema_location": "/".join(map(str, error.absolute_schema_path)),
            "agreement": place.source or self.dpa.agreement["name"],
        }
        return DpaViolation(
            vendor_id=self.dpa.vendor_id,
            clause=place.clause,
            severity=place.severity,
            field=str(path[0]) if path else RECORD_LEVEL,
            sentence=f"{statement}{_cite(place)}.",
            details=details,
        )

    def nodes(self, error: ValidationError) -> list[tuple[dict[str, Any], Resolver]]:
        """The schema objects enclosing the failed keyword, outermost first."""
        registry = self.dpa.registry
        nodes = _walk_to(error, self.root, registry.resolver())
        if nodes is None:  # should not happen; fall back to what is certainly enclosing
            main = registry.resolver().lookup(self.dpa.uri)
            nodes = [(self.dpa.schema, main.resolver)]
            if isinstance(error.schema, dict):
                nodes.append((error.schema, main.resolver))
        return nodes

    def place(
        self, error: ValidationError, nodes: list[tuple[dict[str, Any], Resolver]] | None = None
    ) -> _Place:
        """The nearest x-clause and x-severity on the way from the root to the keyword."""
        if nodes is None:
            nodes = self.nodes(error)
        clause, source, severity = None, None, self.dpa.severity or DEFAULT_SEVERITY
        for node, resolver in nodes:
            if isinstance(node.get("x-clause"), str):
                clause, source = node["x-clause"], self.source_of(resolver)
            if node.get("x-severity") is not None:
                severity = node["x-severity"]
        return _Place(clause=clause, severity=severity, source=source)

    def place_in_context(self, error: ValidationError) -> _Place | None:
        for child in error.context:
            place = self.place(child)
            if place.clause is not None:
                return place
        return None

    def source_of(self, resolver: Resolver) -> str | None:
        """The agreement name of the document a node belongs to, when not this DPA."""
        try:
            document = resolver.lookup("").contents
        except Unresolvable:
            return None
        if document is self.dpa.schema or not isinstance(document, dict):
            return None
        agreement = document.get("x-agreement")
        return agreement.get("name") if isinstance(agreement, dict) else None

    def alternatives(self, error: ValidationError) -> str:
        """anyOf / oneOf whose alternatives are not simple value lists."""
        if not error.context:
            return (
                f"{self.vendor} met more than one of the alternatives of which the agreement "
                "requires exactly one"
            )
        groups: dict[Any, list[ValidationError]] = {}
        for child in error.context:
            groups.setdefault(child.relative_schema_path[0], []).append(child)
        texts = []
        for number, children in enumerate(groups.values(), start=1):
            parts = []
            for child in children:
                failure = _failure(child, self.dpa.registry)
                if failure is not None:
                    parts.append(_statement(failure, self.record, self.vendor))
            texts.append(f"({number}) {', and '.join(parts) or 'not met'}")
        return (
            f"{self.vendor} met none of the alternatives the agreement allows: {'; '.join(texts)}"
        )


# -- finding the clause -------------------------------------------------------------------


def _walk_to(
    error: ValidationError, root: dict[str, Any], resolver: Resolver
) -> list[tuple[dict[str, Any], Resolver]] | None:
    """The schema objects from the root to the one holding the failed keyword.

    jsonschema's schema paths leave out the ``$ref`` hops, so the walk tries, at every
    step, the path's next key and the node's reference, and keeps the route that ends at
    the very object the error names (``error.schema``).
    """
    keys = list(error.absolute_schema_path)
    target = error.schema
    if isinstance(target, dict):
        keys = keys[:-1]  # the last key is the failed keyword itself
    return _walk(root, resolver, keys, target, 0)


def _walk(
    node: Any,
    resolver: Resolver,
    keys: Sequence[str | int],
    target: Any,
    depth: int,
    is_schema: bool = True,
) -> list[tuple[dict[str, Any], Resolver]] | None:
    """Follow ``keys`` from ``node``; ``is_schema`` is False for the lists and maps of
    subschemas (allOf, properties...), whose keys are positions and names, not keywords."""
    if depth > MAX_WALK_DEPTH:
        return None
    if not is_schema:
        if not keys:
            return [] if isinstance(target, bool) else None
        key = keys[0]
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            return _walk(node[key], resolver, keys[1:], target, depth + 1)
        if isinstance(node, dict) and isinstance(key, str) and key in node:
            return _walk(node[key], resolver, keys[1:], target, depth + 1)
        return None
    if not isinstance(node, dict):
        return [] if not keys and isinstance(target, bool) else None
    if isinstance(node.get("$id"), str) and depth:
        resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
    here = [(node, resolver)]
    # A false schema has no identity to check: any route that uses up the path will do.
    if not keys and (node is target or isinstance(target, bool)):
        return here
    key = keys[0] if keys else None
    if isinstance(key, str) and key in node and key not in _NOT_SCHEMA_VALUES:
        child_is_schema = key in SCHEMA_KEYWORDS
        rest = _walk(node[key], resolver, keys[1:], target, depth + 1, child_is_schema)
        if rest is not None:
            return here + rest
    for keyword in ("$ref", "$dynamicRef"):
        reference = node.get(keyword)
        if isinstance(reference, str):
            try:
                resolved = resolver.lookup(reference)
            except Unresolvable:
                continue
            rest = _walk(resolved.contents, resolved.resolver, keys, target, depth + 1)
            if rest is not None:
                return here + rest
    return None


_CLAUSE_NUMBER = re.compile(r"^\s*(\S*\d\S*?)[.:,;)]*(?:\s|$)")


def clause_number(clause: str) -> str | None:
    """``'4.2 Only ...'`` -> ``'4.2'``: the clause's first word, when it has a digit."""
    match = _CLAUSE_NUMBER.match(clause)
    return match.group(1) if match else None


def _cite(place: _Place) -> str:
    if not place.clause:
        return ""
    number = clause_number(place.clause)
    reference = f"clause {number}" if number else f'clause "{place.clause.strip().rstrip(".")}"'
    if place.source:
        reference += f", {place.source}"
    return f" ({reference})"


# -- normalising errors -------------------------------------------------------------------


def _repaired_path(
    error: ValidationError,
    nodes: list[tuple[dict[str, Any], Resolver]],
    record: Mapping[str, Any],
) -> tuple[str | int, ...]:
    """The record path of the failed value.

    jsonschema reports a ``false`` subschema under ``properties`` at the parent's path
    (without the property's name); the property is recovered from the schema.
    """
    path = tuple(error.absolute_path)
    schema_path = list(error.absolute_schema_path)
    if error.validator is not None or not schema_path or schema_path[-1] != "properties":
        return path
    parent: Any = record
    for part in path:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return path
    mapping = nodes[-1][0].get("properties") if nodes else None
    if not isinstance(parent, Mapping) or not isinstance(mapping, Mapping):
        return path
    for name, subschema in mapping.items():
        if subschema is False and name in parent and parent[name] == error.instance:
            return (*path, name)
    return path


def _failure(
    error: ValidationError, registry: Registry, path: tuple[str | int, ...] | None = None
) -> _Failure | None:
    """The failed keyword in a uniform shape; None for anyOf/oneOf that need alternatives."""
    path = tuple(error.absolute_path) if path is None else path
    keyword = error.validator if error.validator is not None else "false"
    expected = error.validator_value
    if keyword == "items" and expected is False:
        keyword = "false"
    label = _title(error.schema)
    if keyword in ("anyOf", "oneOf"):
        values = _union_of_values(error)
        if values is None:
            return None
        keyword, expected = "enum", values
        titles = [_title(child.schema) for child in error.context]
        label = join_words(t for t in titles if t) if all(titles) else None
    matched = None
    if keyword == "not":
        matched = _matched_entries(error, registry)
    return _Failure(path, str(keyword), expected, error.instance, matched, label)


def _title(schema: Any) -> str | None:
    """A list's title, used instead of enumerating it (e.g. 'the EEA countries')."""
    title = schema.get("title") if isinstance(schema, dict) else None
    return title if isinstance(title, str) and title else None


def _union_of_values(error: ValidationError) -> list[Any] | None:
    """anyOf of enums/consts on the same value (a list split in parts) as one list."""
    if not error.context:
        return None
    values: list[Any] = []
    for child in error.context:
        if child.validator not in ("enum", "const") or child.absolute_path != error.absolute_path:
            return None
        listed = child.validator_value if child.validator == "enum" else [child.validator_value]
        for value in listed:
            if value not in values:
                values.append(value)
    return values


def _matched_entries(error: ValidationError, registry: Registry) -> tuple[Any, ...] | None:
    """For ``not: {contains: S}`` on a list: the entries that match S (the forbidden ones)."""
    negated = error.validator_value
    if not isinstance(negated, dict) or "contains" not in negated:
        return None
    if not isinstance(error.instance, list):
        return None
    try:
        validator = Draft202012Validator(negated["contains"], registry=registry)
        return tuple(item for item in error.instance if validator.is_valid(item))
    except Unresolvable:
        return None


# -- sentences ----------------------------------------------------------------------------


def _statement(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str:
    field_name = failure.path[0] if failure.path else None
    phrase = _PHRASES.get(field_name) if isinstance(field_name, str) else None
    text = phrase(failure, record, vendor) if phrase else None
    return text or _generic(failure, record, vendor)


def _allowed_list(
    values: Sequence[Any], words: Callable[[Any], str], noun: str, label: str | None = None
) -> str:
    if label:
        return label
    if len(values) > MAX_LISTED:
        return f"the {len(values)} {noun} it lists"
    return join_words(words(value) for value in values)


def _listed(failure: _Failure) -> list[Any] | None:
    if failure.keyword == "enum":
        return list(failure.expected)
    if failure.keyword == "const":
        return [failure.expected]
    return None


def _data_categories(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if len(failure.path) == 2:
        received = category_words(failure.value)
        allowed = _listed(failure)
        if allowed is not None:
            allowed_words = join_words(category_words(value) for value in allowed)
            return f"{vendor} received {received}; the agreement allows only {allowed_words}"
        if failure.keyword in _LIST_KEYWORDS:
            return f"{vendor} received {received}, which the agreement forbids"
    if len(failure.path) == 1 and failure.keyword == "not" and failure.matched:
        received = join_words(category_words(value) for value in failure.matched)
        return f"{vendor} received {received}, which the agreement forbids"
    return None


def _before_consent(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if failure.value is True and _listed(failure) == [False]:
        return (
            f"{vendor} was contacted before the visitor consented; "
            "the agreement requires consent first"
        )
    return None


def _countries(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if len(failure.path) != 2:
        return None
    located = f"{vendor} is located in {country_words(failure.value)}"
    allowed = _listed(failure)
    if allowed is not None:
        allowed_words = _allowed_list(allowed, country_words, "countries", failure.label)
        return f"{located}, which the agreement does not allow; it allows only {allowed_words}"
    if failure.keyword in _LIST_KEYWORDS:
        return f"{located}, which the agreement does not allow"
    return None


def _cookies(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    path = failure.path
    if len(path) == 1 and failure.keyword in ("maxItems", "false"):
        cookies = failure.value
        names = join_words(str(cookie.get("name")) for cookie in cookies)
        used = f"{vendor} used {plural(len(cookies), 'cookie')} ({names})"
        limit = 0 if failure.keyword == "false" else failure.expected
        if limit == 0:
            return f"{used}; the agreement allows no cookies"
        return f"{used}; the agreement allows at most {plural(limit, 'cookie')}"
    if len(path) < 2 or not isinstance(path[1], int):
        return None
    cookie = record["cookies"][path[1]]
    verb = "set" if cookie.get("access") == "set" else "read"
    name = cookie.get("name")
    if len(path) == 2:
        if failure.keyword == "false":
            return f"{vendor} {verb} cookie {name}; the agreement allows no cookies"
        return None
    sub = path[2]
    if sub == "lifetime_days" and failure.keyword in ("maximum", "exclusiveMaximum"):
        bound = "at most" if failure.keyword == "maximum" else "less than"
        days, limit = _distinct(failure.value, failure.expected)
        return (
            f"{vendor} set cookie {name} for {days} days; the agreement allows {bound} {limit} days"
        )
    if sub == "third_party" and failure.value is True and _listed(failure) == [False]:
        return (
            f"{vendor} {verb} third-party cookie {name}; "
            "the agreement allows only first-party cookies"
        )
    if sub == "name":
        allowed = _listed(failure)
        if allowed is not None:
            allowed_words = _allowed_list(allowed, str, "cookie names")
            return (
                f"{vendor} {verb} cookie {name}, which the agreement does not list; "
                f"it allows only {allowed_words}"
            )
        if failure.keyword in _LIST_KEYWORDS:
            return f"{vendor} {verb} cookie {name}, which the agreement does not allow"
    words = COOKIE_FIELD_WORDS.get(str(sub), str(sub))
    return (
        f"{vendor} {verb} cookie {name} with {words} {value_words('cookies', failure.value)}; "
        f"the agreement {_expectation(failure, 'cookies')}"
    )


def _distinct(value: Any, limit: Any) -> tuple[str, str]:
    """Both numbers in words, with decimals when rounding would make them look equal."""
    shown, allowed = format_number(value), format_number(limit)
    if shown == allowed and value != limit:
        shown, allowed = f"{value:,.2f}".rstrip("0").rstrip("."), f"{limit:,}"
    return shown, allowed


def _data_fields(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    path = failure.path
    if len(path) < 2 or not isinstance(path[1], int):
        return None
    entry = record["data_fields"][path[1]]
    received = (
        f"{vendor} received {category_words(entry.get('category'))} in the "
        f"{entry.get('location')} field {entry.get('field')}"
    )
    if len(path) == 2:
        return f"{received}, which the agreement does not allow"
    words = DATA_FIELD_WORDS.get(str(path[2]), str(path[2]))
    return (
        f"{received} ({words}: {value_words('data_fields', failure.value)}); "
        f"the agreement {_expectation(failure, 'data_fields')}"
    )


def _hosts(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if len(failure.path) != 2:
        return None
    contacted = f"{vendor} was contacted at {failure.value}"
    allowed = _listed(failure)
    if allowed is not None:
        if len(allowed) > MAX_LISTED:
            return f"{contacted}, which is not among the {len(allowed)} hosts the agreement allows"
        return (
            f"{contacted}, which is not among the hosts the agreement allows: "
            f"{join_words(map(str, allowed))}"
        )
    if failure.keyword in _LIST_KEYWORDS:
        return f"{contacted}, which is not a host the agreement allows"
    return None


def _loads(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if len(failure.path) == 2 and failure.keyword in _LIST_KEYWORDS:
        return f"{vendor} brought in {failure.value}, which is not an authorised sub-processor"
    if len(failure.path) == 1 and failure.keyword in ("maxItems", "false"):
        loaded = failure.value
        others = plural(len(loaded), "other vendor")
        brought = f"{vendor} brought in {others} ({join_words(loaded)})"
        limit = 0 if failure.keyword == "false" else failure.expected
        if limit == 0:
            return f"{brought}; the agreement allows no sub-processors"
        return f"{brought}; the agreement allows at most {plural(limit, 'sub-processor')}"
    return None


def _latency(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if len(failure.path) != 2 or failure.keyword not in ("maximum", "exclusiveMaximum"):
        return None
    label = LATENCY_WORDS.get(str(failure.path[1]), str(failure.path[1]))
    bound = "" if failure.keyword == "maximum" else "less than "
    measured, limit = _distinct(failure.value, failure.expected)
    return f"{vendor} answered in {measured} ms ({label}); the agreement allows {bound}{limit} ms"


def _bytes(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if len(failure.path) != 2 or failure.keyword not in ("maximum", "exclusiveMaximum"):
        return None
    measured, allowed = format_bytes(failure.value), format_bytes(failure.expected)
    if measured == allowed:  # rounding hid the difference: give exact counts
        measured = plural(failure.value, "byte")
        allowed = plural(failure.expected, "byte")
    bound = "at most" if failure.keyword == "maximum" else "less than"
    if failure.path[1] == "per_page_max":
        return (
            f"{vendor} delivered {measured} on a single page; "
            f"the agreement allows {bound} {allowed} per page"
        )
    if failure.path[1] == "total":
        return (
            f"{vendor} delivered {measured} over the whole scan; "
            f"the agreement allows {bound} {allowed}"
        )
    return None


def _insecure(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if not isinstance(failure.value, int):
        return None
    sent = f"{vendor} received {plural(failure.value, 'request')} over unencrypted http://"
    limit = failure.expected if failure.keyword == "maximum" else None
    if _listed(failure) == [0] or limit == 0:
        return f"{sent}; the agreement requires HTTPS for every request"
    if limit is not None:
        return f"{sent}; the agreement allows at most {plural(limit, 'such request')}"
    return None


def _counts(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if failure.keyword != "maximum":
        return None
    if failure.path == ("request_count",):
        counted = f"{vendor} received {plural(failure.value, 'request')}"
    else:
        counted = f"{vendor} was contacted on {plural(failure.value, 'page')}"
    return f"{counted}; the agreement allows at most {format_number(failure.expected)}"


def _identified(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str | None:
    if failure.value is False and _listed(failure) == [True]:
        return f"{vendor} is not named in the vendor catalog, which the agreement requires"
    return None


_PHRASES: dict[str, Callable[[_Failure, Mapping[str, Any], str], str | None]] = {
    "data_categories": _data_categories,
    "before_consent": _before_consent,
    "countries": _countries,
    "cookies": _cookies,
    "data_fields": _data_fields,
    "hosts": _hosts,
    "loads": _loads,
    "latency_ms": _latency,
    "bytes": _bytes,
    "insecure_requests": _insecure,
    "request_count": _counts,
    "page_count": _counts,
    "identified": _identified,
}


def _generic(failure: _Failure, record: Mapping[str, Any], vendor: str) -> str:
    """Any other failure: the field in words, the value found and what the agreement wants."""
    if not failure.path:
        return f"{vendor} does not meet a condition the agreement sets for the whole record"
    field_name = str(failure.path[0])
    subject = FIELD_WORDS.get(field_name, field_name.replace("_", " "))
    expectation = _expectation(failure, field_name)
    if len(failure.path) == 1:
        verb = "are" if field_name in _PLURAL_FIELDS else "is"
        value = value_words(field_name, failure.value)
        return f"For {vendor}, {subject} {verb} {value}; the agreement {expectation}"
    part = " ".join(_path_words(failure.path[1:], field_name))
    value = value_words(field_name, failure.value)
    if len(failure.path) == 2 and isinstance(failure.path[1], int):
        return f"For {vendor}, {subject} include {value}; the agreement {expectation}"
    return f"For {vendor}, {subject} ({part}) is {value}; the agreement {expectation}"


def _path_words(parts: Sequence[str | int], field_name: str) -> Iterator[str]:
    for part in parts:
        if isinstance(part, int):
            yield f"entry {part + 1}"
        elif field_name == "latency_ms":
            yield LATENCY_WORDS.get(part, part)
        else:
            yield part.replace("_", " ")


def _expectation(failure: _Failure, field_name: str) -> str:
    """What the agreement wants, from the failed keyword and its value."""
    expected = failure.expected
    keyword = failure.keyword

    def words(value: Any) -> str:
        return value_words(field_name, value)

    number = format_number(expected) if isinstance(expected, int | float) else str(expected)
    phrases = {
        "maximum": f"allows at most {number}",
        "exclusiveMaximum": f"requires less than {number}",
        "minimum": f"requires at least {number}",
        "exclusiveMinimum": f"requires more than {number}",
        "multipleOf": f"requires a multiple of {number}",
        "maxItems": "allows none" if expected == 0 else f"allows at most {number}",
        "minItems": f"requires at least {number}",
        "maxLength": f"allows at most {number} characters",
        "minLength": f"requires at least {number} characters",
        "maxContains": f"allows at most {number} such entries",
        "minContains": f"requires at least {number} such entries",
        "uniqueItems": "requires each entry only once",
        "pattern": "allows only values of the form it sets",
        "format": f"requires a valid {expected}",
        "not": "excludes this",
        "false": "does not allow it",
        "type": f"requires {expected}",
    }
    if keyword == "enum":
        return f"allows only {_allowed_list(list(expected), words, 'values', failure.label)}"
    if keyword == "const":
        return f"requires {words(expected)}"
    if keyword == "contains":
        listed = _listed_in(expected)
        if listed:
            return f"requires {join_words(map(words, listed), 'or')} among them"
        return "requires at least one entry of the kind it describes"
    if keyword in ("required", "dependentRequired"):
        return f"requires {join_words(map(str, expected))}"
    return phrases.get(keyword, "does not allow this")


def _listed_in(schema: Any) -> list[Any] | None:
    if isinstance(schema, dict) and "const" in schema:
        return [schema["const"]]
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    return None
