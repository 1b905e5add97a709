"""GET /api/v1/openapi.json and /api/v1/docs: the document, and a plain page rendering it (no script, no CDN)."""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Response, render_template

from ..intake import parse_intake
from . import db
from .openapi import EXAMPLE_INTAKE, openapi_document
from .problems import TYPES

_cache: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def document() -> dict[str, Any]:
    """The document for the app's rule set in use, built once per rule-set version (its example is screened)."""
    screener = db.screener()
    version = screener.ruleset.version
    if version not in _cache:
        with _lock:
            example = screener.screen(parse_intake(EXAMPLE_INTAKE)).model_dump(mode="json")
            _cache.clear()
            _cache[version] = openapi_document(example)
    return _cache[version]


def openapi() -> Response:
    return Response(json.dumps(document()), mimetype="application/json")


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    return str(schema.get("format") or schema.get("type") or "any")


def docs() -> Response:
    doc = document()
    operations = [(method.upper(), path, op) for path, item in doc["paths"].items() for method, op in item.items()]
    schemas = {name: [(prop, _type_of(s), prop in schema.get("required", []),
                       s.get("description") or s.get("title") or "") for prop, s in schema.get("properties", {}).items()]
               for name, schema in doc["components"]["schemas"].items()}
    components = doc["components"]["schemas"]
    html = render_template("api/docs.html", doc=doc, operations=operations, schemas=schemas, problems=TYPES,
                           descriptions={n: s.get("description", "") for n, s in components.items()},
                           enums={n: s.get("enum") for n, s in components.items()})
    return Response(html, mimetype="text/html")
