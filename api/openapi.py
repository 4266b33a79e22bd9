"""OpenAPI for bodies a handler reads itself (the RSVP form or JSON), from msgspec's schema."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

_KEYWORDS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "enum": "enum",
    "default": "default",
    "title": "title",
    "required": "required",
}


def schema_of(struct: type[msgspec.Struct]) -> Schema:
    raw = msgspec.json.schema(struct)
    definitions = raw.get("$defs", {})
    return _convert(raw, definitions)


def _convert(node: dict[str, Any], definitions: dict[str, Any]) -> Schema:
    if "$ref" in node:
        return _convert(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
    kwargs: dict[str, Any] = {_KEYWORDS[k]: v for k, v in node.items() if k in _KEYWORDS}
    if "type" in node:
        kwargs["type"] = OpenAPIType(node["type"])
    if "properties" in node:
        kwargs["properties"] = {
            name: _convert(child, definitions) for name, child in node["properties"].items()
        }
    if "anyOf" in node:
        kwargs["any_of"] = [_convert(child, definitions) for child in node["anyOf"]]
    if node.get("additionalProperties") is False:
        kwargs["additional_properties"] = False
    return Schema(**kwargs)
