"""tests/e2e/spec_schema.py: every /api/v1 answer checked against the Click & Drop spec.

docs/clickanddrop-openapi.yaml (Swagger 2.0) is read once and turned into
JSON Schema (draft 4, python3-jsonschema): its definitions, with every
`$ref: '#/definitions/X'` resolved, and the schema of each (method, path
template, status) response. The check is stricter than the spec reads:

- every object is closed (additionalProperties: false): a field name the spec
  does not define fails, unless it is one of EXTENSIONS below, each of which
  docs/api.md lists under "Extensions to the spec";
- a field the spec marks required and the answer leaves out fails;
- `integer` is a JSON number without a fraction (1001, never 1001.0), `number`
  any number, neither ever a boolean;
- `date-time` is RFC 3339 in UTC with a `Z`, as postroom prints it, and `uuid`
  the 8-4-4-4-12 hex form; both checked here, since the FormatChecker of
  Debian's jsonschema may not know them.

Where the spec gives a response no schema (401 "Unauthorized", 404 "Not Found",
and every status it does not list: 405, 413, 415, 429, 501...), a 4xx/5xx body
must be the spec's ErrorResponse: docs/api.md promises JSON errors everywhere.
Where it gives one (400 of GET /orders/{orderIdentifiers}: an array of
OrderErrorResponse; 400 and 500 of the manifests: ManifestErrorsResponse), that
one. A 2xx the spec does not list for the operation fails.

The places where the spec's own shapes cannot hold for any server are settled in
LOOSE below and in docs/api.md ("How the tests check the spec").
"""

import copy
import json
import os
import re
import sys
from datetime import datetime

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_PATH = os.path.join(HERE, "..", "..", "docs", "clickanddrop-openapi.yaml")
BASE = "/api/v1"

# Field names postroom writes that the spec does not define, as
# {definition: {field: JSON Schema}}. Each must be documented in docs/api.md,
# section "Extensions to the spec" (test_spec_schema.py checks that).
EXTENSIONS = {}

# Where the spec cannot be taken literally, as {(definition, field): schema}.
# FailedOrderResponse.order echoes the submitted item as it came, and an item
# fails precisely because it is not a valid CreateOrderRequest (a required field
# missing, a string too long, or not even an object): so the echo is any JSON.
LOOSE = {
    ("FailedOrderResponse", "order"): {},
}

DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Swagger keywords that JSON Schema draft 4 reads the same way.
KEEP = ("type", "enum", "maxLength", "minLength", "minimum", "maximum", "items", "properties",
        "required", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf")


def date_time_ok(value):
    if not isinstance(value, str):
        return True  # the type keyword reports it
    if not DATE_TIME_RE.match(value):
        return False
    try:
        datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


def uuid_ok(value):
    return not isinstance(value, str) or bool(UUID_RE.match(value))


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("date-time")(date_time_ok)
FORMATS.checks("uuid")(uuid_ok)


def _strict_types():
    """Draft 4 types, with integer meaning an int (a float like 1001.0 is not one)."""
    def is_integer(_checker, v):
        return isinstance(v, int) and not isinstance(v, bool)

    def is_number(_checker, v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    return jsonschema.Draft4Validator.TYPE_CHECKER.redefine_many({"integer": is_integer,
                                                                  "number": is_number})


Validator = jsonschema.validators.extend(jsonschema.Draft4Validator, type_checker=_strict_types())


class SpecError(AssertionError):
    """An answer that does not match the spec."""


class Spec:
    """The spec as JSON Schemas, looked up by (method, request path, status)."""

    def __init__(self, path=SPEC_PATH):
        with open(path, encoding="utf-8") as f:
            self.raw = yaml.safe_load(f)
        self.base = self.raw.get("basePath", BASE)
        self.default_produces = self.raw.get("produces") or ["application/json"]
        self.definitions = {}
        for name in self.raw["definitions"]:
            self.definitions[name] = self.convert_definition(name)
        self.error_schema = self.definitions["ErrorResponse"]
        # templates with more literal segments first: /orders/status before /orders/{orderIdentifiers}
        self.templates = []
        for tpl, ops in self.raw["paths"].items():
            segs = tpl.strip("/").split("/")
            literal = sum(1 for s in segs if not s.startswith("{"))
            self.templates.append((-literal, tpl, segs, ops))
        self.templates.sort(key=lambda t: (t[0], t[1]))

    # -- conversion

    def convert_definition(self, name):
        d = self.raw["definitions"][name]
        return self.convert(d, name, (name,))

    def convert(self, node, owner=None, seen=()):
        """A Swagger schema object as a closed draft 4 schema (refs inlined)."""
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            prefix = "#/definitions/"
            if not ref.startswith(prefix):
                raise ValueError("unsupported $ref %r" % ref)
            target = ref[len(prefix):]
            if target in seen:
                raise ValueError("recursive $ref %r" % ref)
            return self.convert(self.raw["definitions"][target], target, seen + (target,))
        out = {}
        for k in KEEP:
            if k in node:
                out[k] = node[k]
        if "format" in node and node["format"] in ("date-time", "uuid"):
            out["format"] = node["format"]
        if out.get("type") == "file":
            raise ValueError("a file schema has no JSON form")
        if out.get("type") != "array":
            out.pop("items", None)
        if out.get("type") != "string":
            # the spec puts minLength on arrays and maxLength on a number
            out.pop("minLength", None)
            out.pop("maxLength", None)
        if "items" in out:
            out["items"] = self.convert(out["items"], None, seen)
        if "properties" in node or out.get("type") == "object":
            props = {}
            for pname, pnode in (node.get("properties") or {}).items():
                if owner and (owner, pname) in LOOSE:
                    props[pname] = copy.deepcopy(LOOSE[(owner, pname)])
                else:
                    props[pname] = self.convert(pnode, None, seen)
            for pname, pschema in EXTENSIONS.get(owner, {}).items():
                props[pname] = copy.deepcopy(pschema)
            out["properties"] = props
            out.setdefault("type", "object")
            out["additionalProperties"] = False
        return out

    # -- look-up

    def match(self, method, path):
        """(template, operation) for a request path (query ignored), or (None, None).

        Like postroom's router, only templates that have the method count, so
        DELETE /orders/full is /orders/{orderIdentifiers} with "full" in it."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.base + "/"):
            return None, None
        segs = path[len(self.base) + 1:].split("/")
        for _, tpl, tsegs, ops in self.templates:
            op = ops.get(method.lower())
            if op is None or len(tsegs) != len(segs):
                continue
            if all((t.startswith("{") and s != "") or t == s for t, s in zip(tsegs, segs)):
                return tpl, op
        return None, None

    def response_schema(self, op, status):
        """The schema for one status: ('json', schema), ('file', None) or ('none', None)."""
        resp = (op.get("responses") or {}).get(str(status))
        if resp is None:
            return ("unlisted", None)
        sch = resp.get("schema")
        if sch is None:
            return ("none", None)
        if sch.get("type") == "file":
            return ("file", None)
        return ("json", self.convert(sch))

    # -- checking

    def errors(self, schema, value):
        v = Validator(schema, format_checker=FORMATS)
        return sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path))

    def check_body(self, schema, value, what):
        errs = self.errors(schema, value)
        if errs:
            lines = []
            for e in errs[:8]:
                where = "".join("[%r]" % p for p in e.absolute_path) or "(top)"
                lines.append("  at %s: %s" % (where, e.message[:300]))
            raise SpecError("%s does not match the spec:\n%s" % (what, "\n".join(lines)))

    def check(self, method, path, status, content_type, body, raw=False):
        """Raises SpecError when an answer to METHOD PATH breaks the spec.

        content_type: the answer's Content-Type (or None); body: bytes.
        raw: the request was hand-made bytes; an answer without a Content-Type
        then comes from libmicrohttpd itself (non-HTTP input) and is skipped.
        Paths outside /api/v1 are not checked."""
        p = path.split("?", 1)[0]
        if not (p == self.base or p.startswith(self.base + "/")):
            return
        what = "%s %s -> %s" % (method, path[:200], status)
        ctype = (content_type or "").split(";")[0].strip().lower()
        tpl, op = self.match(method, path)
        kind, schema = ("unlisted", None)
        if op is not None:
            kind, schema = self.response_schema(op, status)
        if kind == "file":
            produces = op.get("produces") or self.default_produces
            if ctype in produces and ctype != "application/json":
                return
        if method == "HEAD" and not body:
            return
        if ctype != "application/json":
            # postroom always sends a Content-Type; an answer without one is libmicrohttpd's
            # own, to bytes postroom never saw as a request
            if content_type is None and (raw or mhd_refusal(status, body)):
                return
            raise SpecError("%s: the answer is %r, not application/json (%d bytes)"
                            % (what, content_type, len(body)))
        try:
            value = json.loads(body.decode("utf-8"))
        except ValueError as e:
            raise SpecError("%s: Content-Type is JSON but the body does not parse (%s): %r"
                            % (what, e, body[:200]))
        if kind == "json":
            self.check_body(schema, value, "%s (%s)" % (what, tpl))
        elif kind == "file":
            raise SpecError("%s: the spec says this answer is a file, not JSON" % what)
        elif status >= 400:
            self.check_body(self.error_schema, value, "%s (ErrorResponse)" % what)
        elif op is None:
            raise SpecError("%s: a success answer for a path or method the spec does not define" % what)
        else:
            raise SpecError("%s: the spec lists no %s answer for %s %s" % (what, status, method, tpl))


    def check_error(self, status, content_type, body):
        """An answer to bytes with no request line: a JSON error must be an ErrorResponse."""
        ctype = (content_type or "").split(";")[0].strip().lower()
        if ctype != "application/json" or status < 400:
            return
        try:
            value = json.loads(body.decode("utf-8"))
        except ValueError as e:
            raise SpecError("-> %s: Content-Type is JSON but the body does not parse (%s)" % (status, e))
        self.check_body(self.error_schema, value, "-> %s (ErrorResponse)" % status)


def mhd_refusal(status, body):
    """libmicrohttpd's own answer, sent before postroom sees the request (headers past
    its connection buffer): no Content-Type, a small HTML page, a 4xx."""
    return 400 <= status < 500 and body.lstrip()[:6].lower() == b"<html>"


# postroom echoes a failed order as sent, up to jansson's 2048 levels of nesting:
# Python's json needs more stack than its default limit for that
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))

_SPEC = None


def spec():
    """The spec, loaded once per process."""
    global _SPEC
    if _SPEC is None:
        _SPEC = Spec()
    return _SPEC


REQUEST_LINE_RE = re.compile(rb"^([A-Z]+) (\S+) HTTP/\d\.\d\r?\n")


def request_line(data):
    """(method, path) from hand-made request bytes, or None when they are not HTTP."""
    m = REQUEST_LINE_RE.match(data)
    if not m:
        return None
    # latin-1: a path with raw non-ASCII bytes still names its template
    return m.group(1).decode("latin-1"), m.group(2).decode("latin-1")


# anywhere, not only at line starts: a smuggled request follows a body directly
REQUEST_LINES_RE = re.compile(rb"(?<![A-Z])([A-Z]+) (/\S*) HTTP/\d\.\d\r?\n")


def request_lines(data):
    """Every (method, path) of the request lines in pipelined hand-made bytes."""
    out = []
    for m in REQUEST_LINES_RE.finditer(data):
        out.append((m.group(1).decode("latin-1"), m.group(2).decode("latin-1")))
    return out
