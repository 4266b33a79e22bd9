"""Request bodies as every route reads them: JSON that decodes, is not nested absurdly deep, and
whose strings hold no control characters.

PostgreSQL refuses a NUL in text, and no name, title or place has any use for the other control
characters, so they are refused at decode time for every field of every body (form posts too),
with a 422 naming the field. Multi-line fields (api.schemas.MULTILINE_FIELDS) may hold tabs and
line breaks. A body that is not JSON (UTF-8), or nests deeper than MAX_DEPTH, is a 400.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request

from api.schemas import MULTILINE_FIELDS
from core.errors import InvalidInput, MalformedInput

# Unicode's "Cc" category: C0, DEL and C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TOO_DEEP = "the JSON body is nested too deeply"
_NOT_JSON = "the body is not valid JSON (UTF-8)"
# Our bodies nest two levels at most; anything far deeper is not a request to any route.
MAX_DEPTH = 32


class BodyCheckingRequest(Request[Any, Any, Any]):
    """Litestar's request, whose JSON body is checked before any handler sees it."""

    async def json(self) -> Any:
        try:
            data = await super().json()
        except RecursionError:
            raise MalformedInput(_TOO_DEEP) from None
        except UnicodeDecodeError:  # msgspec raises it for bad UTF-8 inside a string
            raise MalformedInput(_NOT_JSON) from None
        refuse_control_characters(data)
        return data


def decode_json(raw: bytes) -> Any:
    """For handlers that read the raw body themselves: the same checks as BodyCheckingRequest."""
    try:
        data = msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise MalformedInput(_NOT_JSON) from None
    except RecursionError:
        raise MalformedInput(_TOO_DEEP) from None
    refuse_control_characters(data)
    return data


def refuse_control_characters(data: Any) -> None:
    """Raise InvalidInput naming the first field whose text holds a control character, and
    MalformedInput for a body nested deeper than any of ours (walked without recursion)."""
    pending: list[tuple[str, Any, int]] = [("", data, 0)]
    while pending:
        field, value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise MalformedInput(_TOO_DEEP)
        if isinstance(value, str):
            _check_text(field, value)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if _CONTROL.search(key):
                    raise InvalidInput("a field name contains a control character")
                pending.append((f"{field}.{key}" if field else key, item, depth + 1))
        elif isinstance(value, list):
            pending += [(f"{field}[{i}]", item, depth + 1) for i, item in enumerate(value)][::-1]


def _check_text(field: str, value: str) -> None:
    leaf = field.rsplit(".", 1)[-1].split("[", 1)[0]
    pattern = _CONTROL_BUT_LINES if leaf in MULTILINE_FIELDS else _CONTROL
    if found := pattern.search(value):
        raise InvalidInput(
            f"`{field or 'body'}` must not contain control characters "
            f"(found U+{ord(found.group()):04X})"
        )
