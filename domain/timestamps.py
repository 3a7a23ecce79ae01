"""Timestamps as stored: UTC, ISO 8601, millisecond precision."""

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
