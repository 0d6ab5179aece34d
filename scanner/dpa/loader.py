"""Loading a folder of DPA schemas, one per vendor, without letting one bad file stop the rest.

Every ``*.json`` file of the folder is read, checked against the JSON Schema 2020-12
meta-schema and against schemas/dpa-vocabulary.schema.json, and registered by its ``$id``
(or, without one, by its file URI) in a ``referencing.Registry``. ``$ref`` values resolve
among those documents, the extra resources given, and the bundled example baseline
(schemas/dpa-examples/baseline.json, by its ``$id``) unless a loaded file claims that
``$id``. Nothing is ever fetched: the registry's ``retrieve`` refuses every unknown URI.

A file with a problem is skipped and reported as one :class:`DpaProblem` (one line:
file, place, what is wrong), and so is a file whose ``$ref`` depends on a skipped file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from scanner.dpa.vocabulary import DEFAULT_SEVERITY, VOCABULARY_SCHEMA
from scanner.errors import ConfigError
from scanner.resources import data_dir, load_schema

MAX_VALUE_CHARS = 60
TOP_LEVEL = "(top level)"
_TOO_DEEP = "nested too deeply to check; a DPA schema is a few levels deep, not hundreds"

# Keywords whose value is a schema, a list of schemas or a map of schemas: where $ref
# values live (a "$ref" key inside an enum or const value is data, not a reference).
SCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "contains",
        "additionalProperties",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
        "not",
        "if",
        "then",
        "else",
    }
)
SCHEMA_LIST_KEYWORDS = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
SCHEMA_MAP_KEYWORDS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs"})
_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")

_MISSING_HINTS = {
    "x-agreement": 'the DPA names no agreement: add "x-agreement" with the name, date '
    "(YYYY-MM-DD) and owner of the agreement it implements",
    "x-vendor": 'the DPA names no vendor: add "x-vendor" with the vendor\'s id from the vendor '
    'catalog (e.g. "example-analytics"), or "x-baseline": true for a company-wide baseline',
    "$id": "a baseline needs an $id, by which vendor DPAs refer to it with $ref",
}
_AGREEMENT_HINTS = {
    "name": "the agreement's title as signed",
    "date": "the date it was signed or took effect, as YYYY-MM-DD",
    "owner": "the team or role that answers for it",
}
_PATTERN_HINTS = {
    "x-vendor": "is not a vendor id: use the vendor catalog's id, lowercase letters and digits "
    "joined by single hyphens (e.g. 'example-analytics')",
    "$id": "is not an absolute URI without fragment (e.g. 'https://dpa.example.com/acme.json')",
    "date": "is not a date; write it as YYYY-MM-DD",
}


@dataclass(frozen=True)
class DpaProblem:
    """Why one DPA file was skipped: ``str()`` gives the one line to show the user."""

    file: Path
    where: str
    message: str

    def __str__(self) -> str:
        where = "the top level" if self.where == TOP_LEVEL else self.where
        return f"{self.file}: at {where}: {self.message}"


@dataclass(frozen=True)
class Dpa:
    """One vendor's DPA schema, with the registry its ``$ref`` values resolve in."""

    vendor_id: str
    file: Path
    uri: str
    schema: Mapping[str, Any]
    registry: Registry = field(repr=False, compare=False)

    @property
    def agreement(self) -> Mapping[str, Any]:
        """The x-agreement annotation: name, date, owner and optional reference."""
        return self.schema["x-agreement"]

    @property
    def severity(self) -> str:
        """The DPA's default severity for violations (top-level x-severity or 'high')."""
        return self.schema.get("x-severity", DEFAULT_SEVERITY)


@dataclass(frozen=True)
class DpaSet:
    """The DPAs of a folder by vendor id, and the problems of the files that were skipped."""

    dpas: Mapping[str, Dpa]
    problems: tuple[DpaProblem, ...]

    @property
    def vendors(self) -> tuple[str, ...]:
        """Ids of the vendors with a DPA, sorted."""
        return tuple(sorted(self.dpas))

    def for_vendor(self, vendor_id: str) -> Dpa | None:
        """The vendor's DPA, or None when it has none (or its file was skipped)."""
        return self.dpas.get(vendor_id)

    def __iter__(self) -> Iterator[Dpa]:
        return (self.dpas[vendor_id] for vendor_id in self.vendors)

    def __len__(self) -> int:
        return len(self.dpas)


class DpaReferenceError(LookupError):
    """A ``$ref`` named a URI that no loaded DPA file has: DPA schemas are never fetched."""


@dataclass(frozen=True)
class _Document:
    file: Path
    uri: str
    contents: dict[str, Any]
    resource_only: bool

    @property
    def vendor_id(self) -> str | None:
        return None if self.resource_only else self.contents.get("x-vendor")


class _Skipped(Exception):
    """A file's problem, raised while reading it and turned into a DpaProblem."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def bundled_baseline_path() -> Path:
    """The example baseline shipped with the project (schemas/dpa-examples/baseline.json)."""
    return data_dir("schemas") / "dpa-examples" / "baseline.json"


def load_dpa_folder(folder: Path, extra_resources: Iterable[Path] = ()) -> DpaSet:
    """Load every ``*.json`` DPA file of ``folder``; bad files become problems, not errors.

    ``extra_resources`` are further schema files (baselines kept elsewhere) that ``$ref``
    values may name; they are checked like the folder's files but apply to no vendor.
    Raises ConfigError when the folder or an extra resource does not exist.
    """
    folder = Path(folder)
    if not folder.exists():
        raise ConfigError(f"DPA folder {folder} does not exist; check the path")
    if not folder.is_dir():
        raise ConfigError(f"DPA folder {folder} is not a folder; give the folder of DPA files")
    files = [(path, False) for path in sorted(folder.glob("*.json")) if _is_dpa_file(path)]
    for path in map(Path, extra_resources):
        if not path.is_file():
            raise ConfigError(f"DPA resource {path} does not exist; check the path")
        if all(path.resolve() != known.resolve() for known, _ in files):
            files.append((path, True))

    problems: list[DpaProblem] = []
    documents: list[_Document] = []
    claimed_by_skipped: dict[str, Path] = {}  # $id or file URI of a skipped file -> file
    for path, resource_only in files:
        try:
            documents.append(_read_document(path, resource_only))
        except _Skipped as skipped:
            problems.append(DpaProblem(path, skipped.where, skipped.message))
            for uri in _claimed_uris(path):
                claimed_by_skipped[uri] = path

    documents = _drop_duplicates(documents, problems, claimed_by_skipped)
    documents, registry = _resolve_references(documents, problems, claimed_by_skipped)
    dpas = {
        doc.vendor_id: Dpa(doc.vendor_id, doc.file, doc.uri, doc.contents, registry)
        for doc in documents
        if doc.vendor_id is not None
    }
    problems.sort(key=lambda problem: str(problem.file))
    return DpaSet(dpas=dpas, problems=tuple(problems))


def _is_dpa_file(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".")


# -- one file -----------------------------------------------------------------------------


def _read_document(path: Path, resource_only: bool) -> _Document:
    """Read and check one file completely; raises _Skipped with its first problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _Skipped(TOP_LEVEL, "the file is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise _Skipped(TOP_LEVEL, f"the file cannot be read: {error.strerror}") from None
    try:
        contents = json.loads(text)
        if not isinstance(contents, dict):
            raise _Skipped(TOP_LEVEL, f"a DPA is a JSON object, found {_json_type(contents)}")
        _check_json_schema(contents)
        _check_vocabulary(contents)
    except json.JSONDecodeError as error:
        raise _Skipped(
            f"line {error.lineno}, column {error.colno}",
            f"not valid JSON: {error.msg}; correct the syntax there",
        ) from None
    except RecursionError:
        raise _Skipped(TOP_LEVEL, _TOO_DEEP) from None
    uri = contents.get("$id") or path.resolve().as_uri()
    return _Document(file=path, uri=uri, contents=contents, resource_only=resource_only)


def _claimed_uris(path: Path) -> list[str]:
    """URIs a skipped file would have been registered under (to explain dangling refs)."""
    uris = [path.resolve().as_uri()]
    try:
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return uris
    if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
        uris.append(urldefrag(contents["$id"]).url)
    return uris


def _check_json_schema(contents: dict[str, Any]) -> None:
    try:
        Draft202012Validator.check_schema(contents)
    except SchemaError as error:
        raise _Skipped(
            json_path(error.absolute_path),
            f"not a valid JSON Schema (draft 2020-12): {_schema_problem(error)}",
        ) from None


@cache
def _vocabulary_validator() -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(VOCABULARY_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def vocabulary_problems(contents: Any) -> list[tuple[str, str]]:
    """Every (where, message) by which ``contents`` fails the DPA vocabulary, in file order.

    Several meta-schema paths may report the same mistake; each is listed once.
    """
    found: dict[tuple[str, str], tuple[int, ...]] = {}
    for error in _vocabulary_validator().iter_errors(contents):
        where, message = _vocabulary_problem(error)
        key = _document_order(contents, _error_location(error))
        found.setdefault((where, message), key)
    return sorted(found, key=lambda problem: found[problem])


def _check_vocabulary(contents: dict[str, Any]) -> None:
    problems = vocabulary_problems(contents)
    if problems:
        where, message = problems[0]
        raise _Skipped(where, message)


# -- the set of files ---------------------------------------------------------------------


def _drop_duplicates(
    documents: list[_Document], problems: list[DpaProblem], claimed: dict[str, Path]
) -> list[_Document]:
    """Keep the first file (in name order) for each vendor and each $id."""
    by_vendor: dict[str, _Document] = {}
    by_uri: dict[str, _Document] = {}
    kept: list[_Document] = []
    for doc in documents:
        vendor_id = doc.vendor_id
        first_uri = by_uri.get(doc.uri)
        if first_uri is not None:
            problems.append(
                DpaProblem(
                    doc.file,
                    "$id",
                    f"$id {doc.uri!r} is already the $id of {first_uri.file.name}; "
                    "give each file its own $id",
                )
            )
            continue
        first = by_vendor.get(vendor_id) if vendor_id else None
        if first is not None:
            problems.append(
                DpaProblem(
                    doc.file,
                    "x-vendor",
                    f"vendor {vendor_id!r} already has a DPA in {first.file.name}; keep one "
                    "DPA file per vendor (merge the two)",
                )
            )
            claimed[doc.uri] = doc.file
            claimed[doc.file.resolve().as_uri()] = doc.file
            continue
        by_uri[doc.uri] = doc
        if vendor_id:
            by_vendor[vendor_id] = doc
        kept.append(doc)
    return kept


def _refuse_retrieval(uri: str) -> Any:
    """The registry's ``retrieve``: DPA schemas come from the loaded files only."""
    raise DpaReferenceError(
        f"{uri} is not the $id of any loaded DPA file, and DPA schemas are never fetched"
    )


@cache
def _bundled_baseline() -> dict[str, Any]:
    return json.loads(bundled_baseline_path().read_text(encoding="utf-8"))


def _build_registry(documents: list[_Document], claimed: Mapping[str, Path]) -> Registry:
    pairs = []
    for doc in documents:
        resource = DRAFT202012.create_resource(doc.contents)
        pairs.append((doc.uri, resource))
        file_uri = doc.file.resolve().as_uri()
        if file_uri != doc.uri:
            pairs.append((file_uri, resource))
    baseline = _bundled_baseline()
    known = {uri for uri, _ in pairs} | set(claimed)
    if baseline["$id"] not in known:
        pairs.append((baseline["$id"], DRAFT202012.create_resource(baseline)))
    return Registry(retrieve=_refuse_retrieval).with_resources(pairs).crawl()


def _resolve_references(
    documents: list[_Document], problems: list[DpaProblem], claimed: dict[str, Path]
) -> tuple[list[_Document], Registry]:
    """Drop files with a dangling $ref until every remaining $ref resolves.

    Dropping a file can leave others dangling (a baseline with a bad $ref takes the
    vendor DPAs built on it along), hence the loop.
    """
    while True:
        registry = _build_registry(documents, claimed)
        broken = []
        for doc in documents:
            problem = _first_dangling_reference(doc, registry, claimed)
            if problem is not None:
                broken.append(doc)
                problems.append(problem)
        if not broken:
            return documents, registry
        for doc in broken:
            claimed[doc.uri] = doc.file
            claimed[doc.file.resolve().as_uri()] = doc.file
        documents = [doc for doc in documents if doc not in broken]


def _first_dangling_reference(
    doc: _Document, registry: Registry, claimed: Mapping[str, Path]
) -> DpaProblem | None:
    for where, base, reference in _references(doc.contents, [], doc.uri):
        try:
            registry.resolver(base_uri=base).lookup(reference)
        except Unresolvable:
            message = _dangling_message(reference, base, registry, claimed, doc)
            return DpaProblem(doc.file, json_path(where), message)
    return None


def _dangling_message(
    reference: str, base: str, registry: Registry, claimed: Mapping[str, Path], doc: _Document
) -> str:
    target = urldefrag(urljoin(base, reference)).url
    if target in claimed:
        return (
            f"$ref {reference!r} refers to {claimed[target].name}, which could not be loaded "
            "(see its problem)"
        )
    if target not in registry:
        named = "" if reference == target else f" refers to {target}, which"
        return (
            f"$ref {reference!r}{named} is not the $id of any loaded DPA "
            "file; DPA schemas are never fetched from the network: put the referenced schema "
            "in the DPA folder (with that $id) or load it as an extra resource"
        )
    where = "this file" if target in (doc.uri, doc.file.resolve().as_uri()) else target
    fragment = urldefrag(urljoin(base, reference)).fragment
    return f"$ref {reference!r} points to nothing in {where}: #{fragment} does not exist"


def _references(
    schema: Any, where: list[str | int], base: str
) -> Iterator[tuple[list[str | int], str, str]]:
    """(location, base URI, reference) of every $ref and $dynamicRef in a schema."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$id"), str) and where:
        base = urljoin(base, schema["$id"])
    for keyword in _REFERENCE_KEYWORDS:
        if isinstance(schema.get(keyword), str):
            yield [*where, keyword], base, schema[keyword]
    for keyword, value in schema.items():
        if keyword in SCHEMA_KEYWORDS:
            yield from _references(value, [*where, keyword], base)
        elif keyword in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _references(item, [*where, keyword, index], base)
        elif keyword in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            for name, item in value.items():
                yield from _references(item, [*where, keyword, name], base)


# -- phrasing -----------------------------------------------------------------------------


def json_path(parts: Iterable[str | int]) -> str:
    """``['properties', 'cookies', 'items']`` -> ``properties.cookies.items``."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return text.lstrip(".") or TOP_LEVEL


def _document_order(contents: Any, parts: Iterable[str | int]) -> tuple[int, ...]:
    """Where a location comes in the file: the position of each key in its object."""
    key: list[int] = []
    node = contents
    for part in parts:
        if isinstance(node, dict) and part in node:
            key.append(list(node).index(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            key.append(part)
            node = node[part]
        else:
            break
    return tuple(key)


def _is_name_error(error: ValidationError) -> bool:
    """Whether the error is about a property *name* (a propertyNames failure)."""
    schema_path = list(error.relative_schema_path)
    return len(schema_path) >= 2 and schema_path[-2] == "propertyNames"


def _error_location(error: ValidationError) -> list[str | int]:
    path = list(error.absolute_path)
    return [*path, error.instance] if _is_name_error(error) else path


def _vocabulary_problem(error: ValidationError) -> tuple[str, str]:
    where = json_path(_error_location(error))
    path = list(error.absolute_path)
    key = path[-1] if path and isinstance(path[-1], str) else None
    if _is_name_error(error):
        return where, _unknown_name(error.instance, error.schema)
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        if key == "x-agreement":
            return where, f"x-agreement has no {missing!r}; add {_AGREEMENT_HINTS[missing]}"
        return where, _MISSING_HINTS.get(missing, f"{missing!r} is missing")
    negated = error.validator_value if error.validator == "not" else None
    if isinstance(negated, dict) and negated.get("required") == ["x-vendor"]:
        return "x-vendor", (
            'a baseline ("x-baseline": true) applies to every vendor and names none: remove '
            "x-vendor, or remove x-baseline if the file is one vendor's DPA"
        )
    return where, _value_problem(error, key)


def _unknown_name(name: str, definition: Any) -> str:
    title = definition.get("title", "") if isinstance(definition, dict) else ""
    allowed = list(definition.get("enum", [])) if isinstance(definition, dict) else []
    if title.startswith("field of"):
        return f"{name!r} is not a {title}; fields are: {', '.join(allowed)}"
    keywords = _vocabulary_validator().schema["$defs"]["keyword"]["enum"]
    annotations = [word for word in allowed if word.startswith("x-")]
    if name.startswith("x-"):
        return (
            f"{name!r} is not an annotation of the DPA vocabulary; use {_or_list(annotations)} here"
        )
    if title == "JSON Schema keyword" or name not in keywords:
        return f"{name!r} is not a JSON Schema 2020-12 keyword; check its spelling"
    scope = "the top level of a DPA" if title == "top-level keyword" else "record level"
    return (
        f"{name!r} cannot be used at {scope}, where it would apply to the whole record; "
        f"use it inside a field's constraint (allowed here: {', '.join(allowed)})"
    )


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _value_problem(error: ValidationError, key: str | None) -> str:
    value = _short(error.instance)
    expected = error.validator_value
    if error.validator == "type" and expected == "object" and isinstance(error.instance, bool):
        return (
            f"a field's constraint must be an object, not {value}: the record always has every "
            'field, so false would fail every record (write {"maxItems": 0} to forbid every '
            "entry of a list) and true would constrain nothing"
        )
    if error.validator == "type":
        return f"expected {_type_words(expected)}, found {_json_type(error.instance)}"
    if error.validator == "const":
        return f"must be {_short(expected)}, not {value}"
    if error.validator == "enum":
        return f"{value} is not allowed; use one of: {', '.join(map(str, expected))}"
    if error.validator in ("pattern", "format"):
        hint = _PATTERN_HINTS.get(key or "", "is not in the required form")
        return f"{value} {hint}"
    if error.validator in ("minLength", "minItems"):
        return "must not be empty"
    if error.validator is None:
        return f"{key or 'this'} is not allowed here"
    return _one_line(error.message)


def _schema_problem(error: SchemaError) -> str:
    """One line for a check_schema failure, naming the keyword whose value is wrong."""
    path = list(error.absolute_path)
    key = next((part for part in reversed(path) if isinstance(part, str)), "the schema")
    value = _short(error.instance)
    if error.validator == "type":
        return (
            f"the value of {key!r} must be {_type_words(error.validator_value)}, "
            f"found {_json_type(error.instance)}"
        )
    if error.validator == "format" and error.validator_value == "regex":
        return f"{value} is not a valid regular expression"
    if error.validator in ("anyOf", "oneOf", "enum"):
        return f"{value} is not a valid value for {key!r}"
    if error.validator == "minimum":
        return f"{key!r} must be at least {error.validator_value}"
    if error.validator == "minItems":
        return f"{key!r} must list at least {error.validator_value} value(s)"
    if error.validator == "uniqueItems":
        return f"{key!r} lists the same value twice"
    return _one_line(error.message)


def _type_words(expected: Any) -> str:
    names = {
        "object": "an object",
        "array": "an array",
        "string": "a string",
        "boolean": "true/false",
        "number": "a number",
        "integer": "a whole number",
        "null": "null",
    }
    types = expected if isinstance(expected, list) else [expected]
    return _or_list([names.get(name, str(name)) for name in types])


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."
