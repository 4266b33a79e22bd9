"""The booking parser: turns a pasted restaurant-booking confirmation into a ParseResult."""

from __future__ import annotations

from core.parsing.parser import parse_booking
from core.parsing.result import ParseResult

__all__ = ["ParseResult", "parse_booking"]
