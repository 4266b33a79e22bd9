"""Structured logs: one JSON object per line on stderr, with whatever `extra` fields were given."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

import msgspec

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# The id of the request being served, or of the request that caused the job being run: every
# log line written meanwhile carries it (and so do Sentry events, core/observability.py).
_request_id: ContextVar[str | None] = ContextVar("tablefor_request_id", default=None)


def bind_request_id(request_id: str | None) -> Token[str | None]:
    return _request_id.set(request_id)


def unbind_request_id(token: Token[str | None]) -> None:
    _request_id.reset(token)


def current_request_id() -> str | None:
    return _request_id.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        request_id = _request_id.get()
        if request_id is not None:
            entry.setdefault("request_id", request_id)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return msgspec.json.encode(entry, enc_hook=str).decode()


def configure(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # SAQ logs every enqueue and dequeue at INFO: useful when debugging, noise otherwise.
    logging.getLogger("saq").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("psycopg.pool").setLevel(logging.NOTSET)  # the command quietens it
    for name in ("uvicorn.access",):
        logging.getLogger(name).disabled = True  # our own request line replaces it
