#!/usr/bin/env python3
"""Dev aid: check the hand-written specs under specs/<vendor>/.

For every specs/*/asyncapi.yaml this script

* validates the document against the official AsyncAPI JSON Schema of its
  version (corpora/asyncapi-json-schemas/2.6.0.json or 3.0.0.json);
* checks that every $ref (local and relative-file, followed transitively)
  resolves;
* validates every message example `payload` against the message payload
  schema and every example `headers` against the message headers schema;
* validates every schema-level `examples` entry (and OpenAPI-style singular
  `example`) against the schema it sits on, for every schema reachable from
  `components/schemas` and from the messages;
* validates captures/<message name>.json against that message's payload;
* checks the conventions the Rust generator relies on (3.0 channel message
  keys equal message names, operations reference their channel's messages,
  no `nullable`, PascalCase schema keys, eventbind.toml names a route for
  every receive operation);
* checks the routes of eventbind.toml: `field` routes pin the pointer with
  const/enum in every message and every example is accepted by exactly one
  of the messages claiming its routing value (so a value shared by two
  messages is told apart by validation); `presence` routes give each message
  a required top-level property the others lack;
* flags scalars a YAML 1.1 loader reads differently from YAML 1.2 (the
  specs are read as 1.2, where an unquoted 2025-02-27 stays a string).

Validation is JSON Schema draft-07 (Draft7Validator) with format checking
(Draft7Validator.FORMAT_CHECKER, plus `uuid`, and `uri`/`date-time` fall-backs
when the optional checker packages are missing, so those formats are never
silently skipped).

Prints every failure and exits 1 if there is any. Needs PyYAML and
jsonschema 4.18+ (for `referencing`).

Usage: python3 scripts/check_specs.py [specs-dir] [asyncapi-json-schemas-dir]
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import tomllib
import urllib.parse
import uuid
from pathlib import Path

import yaml
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import SchemaError, UnknownType, best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPECS = ROOT / "specs"
DEFAULT_META = ROOT.parent / "shared" / "corpora" / "asyncapi-json-schemas"

# Keywords whose values are schemas (or maps / lists of schemas) in draft-07.
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "definitions")
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf")
SCHEMA_KEYWORDS = (
    "additionalProperties",
    "additionalItems",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "contains",
)
PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


# --------------------------------------------------------------------------
# Loading


class StringDatesLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, like YAML 1.2 / serde_yaml."""


StringDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FILE_CACHE: dict[str, object] = {}


def load_path(path: Path) -> object:
    key = str(path.resolve())
    if key not in _FILE_CACHE:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            _FILE_CACHE[key] = json.loads(text)
        else:
            _FILE_CACHE[key] = yaml.load(text, Loader=StringDatesLoader)
    return _FILE_CACHE[key]


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def uri_to_path(uri: str) -> Path:
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme != "file":
        raise NoSuchResource(ref=uri)
    return Path(urllib.parse.unquote(parsed.path))


def retrieve(uri: str) -> Resource:
    """Registry retrieval: only local files (remote refs are never fetched)."""
    try:
        contents = load_path(uri_to_path(uri))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise NoSuchResource(ref=uri) from exc
    return Resource.from_contents(contents, default_specification=DRAFT7)


def yaml11_ambiguities(path: Path, doc: object) -> list[str]:
    """Scalars a YAML 1.1 loader (plain SafeLoader) reads differently.

    The specs are read as YAML 1.2 (serde_yaml in Rust): an unquoted
    2025-02-27 is a string there but a date for YAML 1.1 tools. Quote such
    values so every loader agrees."""
    if path.suffix == ".json":
        return []
    try:
        other = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        return [f"a YAML 1.1 loader cannot read it: {exc}"]
    found: list[str] = []

    def compare(a, b, pointer):
        if isinstance(a, dict) and isinstance(b, dict):
            for key in a:
                if key in b:
                    compare(a[key], b[key], join_pointer(pointer, key))
                else:
                    found.append(f"key {pointer}/{key} is read differently by YAML 1.1; quote it")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                compare(x, y, join_pointer(pointer, i))
        elif type(a) is not type(b) or a != b:
            found.append(f"#{pointer}: {a!r} is read as {b!r} by YAML 1.1 loaders; quote it")

    compare(doc, other, "")
    return found


def escape_token(token: str) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return urllib.parse.unquote(token).replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens) -> str:
    return pointer + "".join("/" + escape_token(t) for t in tokens)


def get_pointer(document: object, pointer: str) -> object:
    node = document
    if pointer in ("", "#"):
        return node
    for raw in pointer.lstrip("#").split("/")[1:]:
        token = unescape_token(raw)
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


class Location:
    """A node in a file: absolute file URI plus JSON Pointer."""

    __slots__ = ("uri", "pointer")

    def __init__(self, uri: str, pointer: str = ""):
        self.uri = uri
        self.pointer = pointer

    @property
    def ref(self) -> str:
        return f"{self.uri}#{self.pointer}"

    def node(self) -> object:
        return get_pointer(load_path(uri_to_path(self.uri)), self.pointer)

    def child(self, *tokens) -> "Location":
        return Location(self.uri, join_pointer(self.pointer, *tokens))

    def display(self) -> str:
        return f"{rel(uri_to_path(self.uri))}#{self.pointer}"

    def key(self) -> tuple[str, str]:
        return (self.uri, self.pointer)


def follow_ref(loc: Location, ref: str) -> Location:
    target = urllib.parse.urljoin(loc.uri, ref)
    uri, _, fragment = target.partition("#")
    return Location(uri, urllib.parse.unquote(fragment))


def deref(loc: Location, seen: set | None = None) -> Location:
    """Follow a chain of $ref until a node without $ref (raises on failure)."""
    seen = seen or set()
    node = loc.node()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        if loc.key() in seen:
            raise ValueError(f"$ref cycle at {loc.display()}")
        seen.add(loc.key())
        loc = follow_ref(loc, node["$ref"])
        node = loc.node()
    return loc


# --------------------------------------------------------------------------
# Format checking


def build_format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers.update(Draft7Validator.FORMAT_CHECKER.checkers)

    if "uuid" not in checker.checkers:

        @checker.checks("uuid", raises=ValueError)
        def is_uuid(instance):
            if not isinstance(instance, str):
                return True
            uuid.UUID(instance)
            return len(instance) == 36 and all(instance[i] == "-" for i in (8, 13, 18, 23))

    if "uri" not in checker.checkers:
        # rfc3987 is not installed: a strict-enough RFC 3986 absolute-URI check.
        uri_rx = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")

        @checker.checks("uri")
        def is_uri(instance):
            if not isinstance(instance, str):
                return True
            return bool(uri_rx.match(instance))

    if "date-time" not in checker.checkers:
        dt_rx = re.compile(
            r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
        )

        @checker.checks("date-time", raises=ValueError)
        def is_date_time(instance):
            if not isinstance(instance, str):
                return True
            if not dt_rx.match(instance):
                return False
            datetime.datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))
            return True

    return checker


FORMAT_CHECKER = build_format_checker()


# --------------------------------------------------------------------------
# Checks


class Report:
    def __init__(self):
        self.failures: list[str] = []
        self.counts: dict[str, int] = {}

    def fail(self, where: str, message: str):
        self.failures.append(f"FAIL {where}: {message}")

    def count(self, what: str, n: int = 1):
        self.counts[what] = self.counts.get(what, 0) + n


def error_lines(errors) -> list[str]:
    lines = []
    for err in sorted(errors, key=lambda e: list(e.absolute_path)):
        path = "/" + "/".join(escape_token(p) for p in err.absolute_path)
        lines.append(f"at {path}: {err.message}")
        for sub in sorted(err.context or [], key=lambda e: list(e.absolute_path))[:6]:
            spath = "/" + "/".join(escape_token(p) for p in sub.absolute_path)
            lines.append(f"    ({spath}: {sub.message})")
    return lines


def validate_instance(report: Report, registry: Registry, schema_loc: Location,
                      instance: object, where: str, what: str):
    validator = Draft7Validator(
        {"$ref": schema_loc.ref}, registry=registry, format_checker=FORMAT_CHECKER
    )
    try:
        errors = list(validator.iter_errors(instance))
    except Unresolvable as exc:
        report.fail(where, f"cannot resolve schema {schema_loc.display()}: "
                    f"{type(exc).__name__} {getattr(exc, 'ref', '')}")
        return
    except (UnknownType, SchemaError) as exc:
        report.fail(where, f"schema {schema_loc.display()} is broken: "
                    f"{str(exc).splitlines()[0]}")
        return
    report.count(what)
    if errors:
        report.fail(where, f"{what} does not match {schema_loc.display()}:\n    "
                    + "\n    ".join(error_lines(errors)))


def load_meta_validator(meta_dir: Path, version: str) -> Draft7Validator | None:
    path = meta_dir / f"{version}.json"
    if not path.exists():
        return None
    meta = json.loads(path.read_text(encoding="utf-8"))
    resource = Resource.from_contents(meta, default_specification=DRAFT7)
    registry = Registry().with_resource(meta["$id"], resource).crawl()
    # The definitions carry their own $id; register each explicitly as well.
    for key, sub in meta.get("definitions", {}).items():
        if isinstance(sub, dict) and "$id" in sub:
            registry = registry.with_resource(
                sub["$id"], Resource.from_contents(sub, default_specification=DRAFT7)
            )
    return Draft7Validator(meta, registry=registry, format_checker=FORMAT_CHECKER)


def check_refs(report: Report, start: Location) -> None:
    """Every $ref anywhere in the document (and files it references) resolves."""
    pending = [start.uri]
    done: set[str] = set()
    while pending:
        uri = pending.pop()
        if uri in done:
            continue
        done.add(uri)
        try:
            document = load_path(uri_to_path(uri))
        except (OSError, ValueError, yaml.YAMLError) as exc:
            report.fail(Location(uri).display(), f"cannot load: {exc}")
            continue
        stack = [(document, "")]
        while stack:
            node, pointer = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    here = Location(uri, pointer)
                    try:
                        target = follow_ref(here, ref)
                        target.node()
                        report.count("$refs resolved")
                        if target.uri not in done:
                            pending.append(target.uri)
                    except (KeyError, IndexError, ValueError, OSError, NoSuchResource,
                            yaml.YAMLError) as exc:
                        report.fail(here.display(), f"$ref {ref!r} does not resolve ({exc!r})")
                for k, v in node.items():
                    stack.append((v, join_pointer(pointer, k)))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    stack.append((v, join_pointer(pointer, i)))


def walk_schemas(report: Report, registry: Registry, roots: list[Location]) -> None:
    """Validate `examples`/`example` of every schema reachable from roots."""
    seen: set[tuple[str, str]] = set()
    queue = list(roots)
    while queue:
        loc = queue.pop()
        if loc.key() in seen:
            continue
        seen.add(loc.key())
        try:
            node = loc.node()
        except (KeyError, IndexError, ValueError, OSError) as exc:
            report.fail(loc.display(), f"schema not found ({exc!r})")
            continue
        if not isinstance(node, dict):
            continue
        where = loc.display()
        if "nullable" in node:
            report.fail(where, "uses `nullable`; write type: [T, 'null'] instead")
        if isinstance(node.get("$ref"), str):
            queue.append(follow_ref(loc, node["$ref"]))
        if "examples" in node:
            if not isinstance(node["examples"], list):
                report.fail(where, "`examples` must be a list")
            else:
                for i, example in enumerate(node["examples"]):
                    validate_instance(report, registry, loc, example,
                                      f"{where}/examples/{i}", "schema example")
        if "example" in node:
            validate_instance(report, registry, loc, node["example"],
                              f"{where}/example", "schema example")
        for kw in SCHEMA_MAP_KEYWORDS:
            if isinstance(node.get(kw), dict):
                for name in node[kw]:
                    queue.append(loc.child(kw, name))
        for kw in SCHEMA_LIST_KEYWORDS:
            if isinstance(node.get(kw), list):
                for i in range(len(node[kw])):
                    queue.append(loc.child(kw, i))
        for kw in SCHEMA_KEYWORDS:
            if isinstance(node.get(kw), dict):
                queue.append(loc.child(kw))
        items = node.get("items")
        if isinstance(items, dict):
            queue.append(loc.child("items"))
        elif isinstance(items, list):
            for i in range(len(items)):
                queue.append(loc.child("items", i))
        deps = node.get("dependencies")
        if isinstance(deps, dict):
            for name, dep in deps.items():
                if isinstance(dep, dict):
                    queue.append(loc.child("dependencies", name))


def collect_messages(doc: dict, doc_loc: Location) -> dict[tuple, tuple[str, Location]]:
    """All message objects: key -> (label, resolved location)."""
    found: dict[tuple, tuple[str, Location]] = {}

    def add(label: str, loc: Location):
        resolved = deref(loc)
        found.setdefault(resolved.key(), (label, resolved))

    for name in (doc.get("components") or {}).get("messages") or {}:
        add(f"components/messages/{name}", doc_loc.child("components", "messages", name))
    for cname, channel in (doc.get("channels") or {}).items():
        if not isinstance(channel, dict):
            continue
        if doc["asyncapi"].startswith("3."):
            for mname in channel.get("messages") or {}:
                add(f"channels/{cname}/messages/{mname}",
                    doc_loc.child("channels", cname, "messages", mname))
        else:
            for opkind in ("publish", "subscribe"):
                op = channel.get(opkind)
                if not isinstance(op, dict) or "message" not in op:
                    continue
                mloc = doc_loc.child("channels", cname, opkind, "message")
                msg = deref(mloc).node()
                if isinstance(msg, dict) and isinstance(msg.get("oneOf"), list):
                    for i in range(len(msg["oneOf"])):
                        add(f"channels/{cname}/{opkind}/message/oneOf/{i}",
                            deref(mloc).child("oneOf", i))
                else:
                    add(f"channels/{cname}/{opkind}/message", mloc)
    return found


def check_messages(report: Report, registry: Registry, doc: dict, doc_loc: Location,
                   spec_dir: Path) -> tuple[list[Location], dict[str, Location]]:
    schema_roots: list[Location] = []
    payload_by_name: dict[str, Location] = {}
    for _, (label, mloc) in sorted(collect_messages(doc, doc_loc).items()):
        msg = mloc.node()
        where = mloc.display()
        if not isinstance(msg, dict):
            report.fail(where, "message is not an object")
            continue
        report.count("messages")
        name = msg.get("name")
        if not isinstance(name, str):
            report.fail(where, "message has no `name`")
        if msg.get("contentType", doc.get("defaultContentType")) != "application/json":
            report.fail(where, "contentType is not application/json")
        payload_loc = headers_loc = None
        if "payload" in msg:
            payload_loc = deref(mloc.child("payload"))
            schema_roots.append(mloc.child("payload"))
            if isinstance(name, str):
                payload_by_name[name] = payload_loc
        else:
            report.fail(where, "message has no `payload`")
        if "headers" in msg:
            headers_loc = deref(mloc.child("headers"))
            schema_roots.append(mloc.child("headers"))
        examples = msg.get("examples") or []
        for i, example in enumerate(examples):
            ewhere = f"{where}/examples/{i}"
            if not isinstance(example, dict):
                report.fail(ewhere, "example is not an object")
                continue
            if "payload" in example and payload_loc is not None:
                validate_instance(report, registry, payload_loc, example["payload"],
                                  ewhere + "/payload", "message example payload")
            if "headers" in example:
                if headers_loc is None:
                    report.fail(ewhere, "example has headers but the message has no headers schema")
                else:
                    validate_instance(report, registry, headers_loc, example["headers"],
                                      ewhere + "/headers", "message example headers")
    # Captures: a raw body named <message name>.json, or an `eventbind capture`
    # file (its `body`), named by a segment of its recorded path, its `event`,
    # or the file name without the `-<n>` counter; a capture named by a
    # routing key instead (Commenda's topic) must match some message.
    for capture in sorted((spec_dir / "captures").glob("*.json")):
        where = rel(capture)
        try:
            instance = json.loads(capture.read_text(encoding="utf-8"))
        except ValueError as exc:
            report.fail(where, f"not valid JSON: {exc}")
            continue
        guesses = [capture.stem, re.sub(r"-[0-9]+$", "", capture.stem)]
        if isinstance(instance, dict) and isinstance(instance.get("eventbind_capture"), int):
            if "body" not in instance:
                report.fail(where, "capture file without a JSON `body`")
                continue
            guesses = ([s for s in reversed(str(instance.get("path") or "").split("/")) if s]
                       + [instance.get("event")] + guesses)
            instance = instance["body"]
        name = next((g for g in guesses if g in payload_by_name), None)
        if name is not None:
            validate_instance(report, registry, payload_by_name[name], instance, where, "capture")
            continue
        matching = [n for n, loc in payload_by_name.items()
                    if not list(Draft7Validator({"$ref": loc.ref}, registry=registry,
                                                format_checker=FORMAT_CHECKER).iter_errors(instance))]
        if matching:
            report.count("capture")
        else:
            report.fail(where, "the capture names no message and matches none")
    return schema_roots, payload_by_name


def check_conventions_v3(report: Report, doc: dict, doc_loc: Location) -> None:
    where = doc_loc.display()
    for cname, channel in (doc.get("channels") or {}).items():
        for key in (channel or {}).get("messages") or {}:
            mloc = deref(doc_loc.child("channels", cname, "messages", key))
            msg = mloc.node()
            if isinstance(msg, dict) and msg.get("name") != key:
                report.fail(f"{where}/channels/{cname}/messages/{key}",
                            f"channel message key {key!r} != message name {msg.get('name')!r}")
    for oname, op in (doc.get("operations") or {}).items():
        owhere = f"{where}/operations/{oname}"
        chan_ref = ((op or {}).get("channel") or {}).get("$ref", "")
        for i, mref in enumerate((op or {}).get("messages") or []):
            ref = (mref or {}).get("$ref", "")
            if not ref.startswith(chan_ref + "/messages/"):
                report.fail(f"{owhere}/messages/{i}",
                            f"{ref!r} is not a message of the operation's channel {chan_ref!r}")
    for key in ((doc.get("components") or {}).get("schemas") or {}):
        if not PASCAL_CASE.match(key):
            report.fail(f"{where}/components/schemas/{key}", "schema key is not PascalCase")


def receive_operations(doc: dict, doc_loc: Location) -> dict[str, list[str]]:
    """operationId -> names of the messages it receives."""
    ops: dict[str, list[str]] = {}

    def message_name(loc: Location) -> str:
        try:
            msg = deref(loc).node()
        except (KeyError, IndexError, ValueError, TypeError, OSError):
            return f"<unresolved {loc.pointer}>"
        return msg.get("name", loc.pointer.rsplit("/", 1)[-1]) if isinstance(msg, dict) else "?"

    if doc["asyncapi"].startswith("3."):
        for oname, op in (doc.get("operations") or {}).items():
            if (op or {}).get("action") != "receive":
                continue
            ops[oname] = [
                message_name(follow_ref(doc_loc, mref.get("$ref", "")))
                for mref in op.get("messages") or []
            ]
    else:
        # 2.x: `subscribe` is what the application consumes (the document's
        # point of view is the application's).
        for cname, channel in (doc.get("channels") or {}).items():
            op = (channel or {}).get("subscribe")
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            mloc = deref(doc_loc.child("channels", cname, "subscribe", "message"))
            msg = mloc.node()
            if isinstance(msg, dict) and isinstance(msg.get("oneOf"), list):
                ops[op["operationId"]] = [
                    message_name(mloc.child("oneOf", i)) for i in range(len(msg["oneOf"]))
                ]
            else:
                ops[op["operationId"]] = [message_name(mloc)]
    return ops


def top_level(schema_loc: Location, keyword: str) -> set[str]:
    """Top-level `required` names or `properties` keys, looking through allOf."""
    out: set[str] = set()
    loc = deref(schema_loc)
    node = loc.node()
    if not isinstance(node, dict):
        return out
    if keyword == "required":
        out.update(node.get("required") or [])
    else:
        out.update((node.get("properties") or {}).keys())
    for i in range(len(node.get("allOf") or [])):
        out |= top_level(loc.child("allOf", i), keyword)
    return out


def check_field_route(report: Report, registry: Registry, rwhere: str, pointer: str,
                      names: list[str], messages: dict[str, Location],
                      payloads: dict[str, Location]) -> None:
    """Each message pins `pointer`; each example is claimed by exactly one message."""
    pins = {}
    for name in names:
        if name not in payloads:
            report.fail(rwhere, f"message {name} has no payload")
            continue
        pins[name] = pinned_values(payloads[name], pointer)
        if not pins[name]:
            report.fail(rwhere, f"message {name} does not pin {pointer} with const/enum")
    for name in pins:
        msg = messages[name].node()
        for i, example in enumerate(msg.get("examples") or []):
            if "payload" not in example:
                continue
            try:
                value = get_pointer(example["payload"], pointer)
            except (KeyError, IndexError, ValueError, TypeError):
                report.fail(rwhere, f"{name} example {i} has nothing at {pointer}")
                continue
            claimants = [n for n, vals in pins.items() if value in vals]
            accepted = []
            for other in claimants:
                validator = Draft7Validator({"$ref": payloads[other].ref}, registry=registry,
                                            format_checker=FORMAT_CHECKER)
                try:
                    if validator.is_valid(example["payload"]):
                        accepted.append(other)
                except (Unresolvable, UnknownType, SchemaError):
                    report.fail(rwhere, f"cannot resolve the payload schema of {other}")
            report.count("routed examples")
            if accepted != [name]:
                report.fail(rwhere, f"{name} example {i} ({pointer} = {value!r}) is accepted "
                            f"by {accepted or 'no message'}, expected exactly [{name!r}]")


def check_presence_route(report: Report, rwhere: str, names: list[str],
                         payloads: dict[str, Location]) -> None:
    """Each message requires a top-level property no other message declares."""
    for name in names:
        if name not in payloads:
            report.fail(rwhere, f"message {name} has no payload")
            continue
        others: set[str] = set()
        for other in names:
            if other != name and other in payloads:
                others |= top_level(payloads[other], "properties")
                others |= top_level(payloads[other], "required")
        marker = top_level(payloads[name], "required") - others
        if not marker:
            report.fail(rwhere, f"message {name} has no required top-level property "
                        "that the other messages lack")


def check_toml(report: Report, registry: Registry, spec_dir: Path, doc: dict,
               doc_loc: Location, message_by_name: dict[str, Location],
               payload_by_name: dict[str, Location]) -> None:
    path = spec_dir / "eventbind.toml"
    where = rel(path)
    if not path.exists():
        report.fail(where, "missing")
        return
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        report.fail(where, f"invalid TOML: {exc}")
        return
    crate = config.get("crate") or {}
    if crate.get("name") != f"eventbind-{spec_dir.name}":
        report.fail(where, f"[crate].name should be eventbind-{spec_dir.name}")
    if not isinstance(crate.get("description"), str):
        report.fail(where, "[crate].description missing")
    ops = receive_operations(doc, doc_loc)
    routes = config.get("route") or {}
    for op_id in ops:
        if op_id not in routes:
            report.fail(where, f"no [route.{op_id}] for receive operation {op_id}")
    for op_id, route in routes.items():
        rwhere = f"{where} [route.{op_id}]"
        if op_id not in ops:
            report.fail(rwhere, "no such receive operation in asyncapi.yaml")
            continue
        by = route.get("by")
        if by not in ("field", "presence", "name"):
            report.fail(rwhere, f"by = {by!r} is not field/presence/name")
        if not isinstance(route.get("enum"), str) or not PASCAL_CASE.match(route["enum"]):
            report.fail(rwhere, "enum must be a PascalCase Rust type name")
        if by == "field":
            pointer = route.get("pointer")
            if not isinstance(pointer, str) or not pointer.startswith("/"):
                report.fail(rwhere, "field route needs a JSON Pointer `pointer`")
                continue
            check_field_route(report, registry, rwhere, pointer, ops[op_id],
                              message_by_name, payload_by_name)
        elif by == "presence":
            check_presence_route(report, rwhere, ops[op_id], payload_by_name)
        elif by == "name":
            if len(set(ops[op_id])) != len(ops[op_id]):
                report.fail(rwhere, "two messages share a name")


def pinned_values(schema_loc: Location, pointer: str) -> list:
    """Values a schema pins at `pointer` via const/enum (looking through allOf)."""
    tokens = [unescape_token(t) for t in pointer.split("/")[1:]]
    values: list = []

    def visit(loc: Location, depth: int):
        loc = deref(loc)
        node = loc.node()
        if not isinstance(node, dict):
            return
        if depth == len(tokens):
            if "const" in node:
                values.append(node["const"])
            values.extend(node.get("enum") or [])
            for i in range(len(node.get("allOf") or [])):
                visit(loc.child("allOf", i), depth)
            return
        for i in range(len(node.get("allOf") or [])):
            visit(loc.child("allOf", i), depth)
        if tokens[depth] in (node.get("properties") or {}):
            visit(loc.child("properties", tokens[depth]), depth + 1)

    visit(schema_loc, 0)
    return values


def check_spec(report: Report, spec_dir: Path, meta_dir: Path,
               meta_validators: dict) -> None:
    path = spec_dir / "asyncapi.yaml"
    where = rel(path)
    if not path.exists():
        report.fail(where, "missing")
        return
    try:
        doc = load_path(path)
    except (yaml.YAMLError, ValueError) as exc:
        report.fail(where, f"cannot parse: {exc}")
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("asyncapi"), str):
        report.fail(where, "not an AsyncAPI document (no `asyncapi` string)")
        return
    if not path.read_text(encoding="utf-8").endswith("\n"):
        report.fail(where, "does not end with a newline")
    for ambiguity in yaml11_ambiguities(path, doc):
        report.fail(where, ambiguity)
    version = doc["asyncapi"]
    report.count(f"AsyncAPI {version} documents")

    # 1. The official AsyncAPI JSON Schema.
    if version not in meta_validators:
        meta_validators[version] = load_meta_validator(meta_dir, version)
    meta = meta_validators[version]
    if meta is None:
        report.fail(where, f"no meta-schema {version}.json in {meta_dir}")
    else:
        errors = list(meta.iter_errors(doc))
        if errors:
            # The top-level error of a oneOf/anyOf mismatch is vague; show the best ones.
            lines = []
            for err in errors:
                best = best_match([err])
                path_s = "/" + "/".join(escape_token(p) for p in best.absolute_path)
                lines.append(f"at {path_s}: {best.message}")
            report.fail(where, f"not a valid AsyncAPI {version} document:\n    "
                        + "\n    ".join(dict.fromkeys(lines)))

    doc_loc = Location(path.resolve().as_uri(), "")
    registry = Registry(retrieve=retrieve)

    # 2. $refs.
    check_refs(report, doc_loc)

    # 3. Message examples, headers, captures.
    try:
        schema_roots, payload_by_name = check_messages(report, registry, doc, doc_loc, spec_dir)
    except (KeyError, IndexError, ValueError) as exc:
        report.fail(where, f"cannot walk messages: {exc!r}")
        return

    # 4. Schema-level examples.
    for key in ((doc.get("components") or {}).get("schemas") or {}):
        schema_roots.append(doc_loc.child("components", "schemas", key))
    walk_schemas(report, registry, schema_roots)

    # 5. Conventions.
    if version.startswith("3."):
        try:
            check_conventions_v3(report, doc, doc_loc)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
            report.fail(where, f"cannot check conventions: {exc!r}")
    try:
        message_by_name = {
            loc.node()["name"]: loc
            for _, (_, loc) in collect_messages(doc, doc_loc).items()
            if isinstance(loc.node(), dict) and isinstance(loc.node().get("name"), str)
        }
        check_toml(report, registry, spec_dir, doc, doc_loc, message_by_name, payload_by_name)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        report.fail(rel(spec_dir / "eventbind.toml"), f"cannot check routes: {exc!r}")


def main(argv: list[str]) -> int:
    specs = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPECS
    meta_dir = Path(argv[2]) if len(argv) > 2 else DEFAULT_META
    report = Report()
    meta_validators: dict = {}
    spec_dirs = sorted(p for p in specs.iterdir() if p.is_dir())
    if not spec_dirs:
        report.fail(str(specs), "no spec folders")
    for spec_dir in spec_dirs:
        check_spec(report, spec_dir, meta_dir, meta_validators)
    missing = [f for f in ("uuid", "uri", "date-time", "email") if f not in FORMAT_CHECKER.checkers]
    print(f"checked {len(spec_dirs)} spec folder(s): "
          + ", ".join(f"{v} {k}" for k, v in sorted(report.counts.items())))
    print("formats checked: " + ", ".join(sorted(FORMAT_CHECKER.checkers)))
    if missing:
        report.fail("format checker", f"formats not checked: {missing}")
    for line in report.failures:
        print(line)
    if report.failures:
        print(f"{len(report.failures)} failure(s)")
        return 1
    print("OK: no failures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
