"""The data layer: one module of named queries per aggregate, rows returned as frozen types."""

from __future__ import annotations
