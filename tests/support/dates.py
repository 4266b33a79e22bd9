"""Dates for test invites: within the two years ahead an invite may be (api/invite_actions.py)."""

from __future__ import annotations

from datetime import UTC, datetime

NEXT_YEAR = datetime.now(UTC).year + 1
