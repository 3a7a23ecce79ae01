"""Entity tags and conditional requests (RFC 9110, section 13): an employee's ETag is its version."""

import re

from domain.employee import ExpectedVersion

_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e]*)"\s*(?:,|$)')
MAX_TAGS = 32


class MalformedPrecondition(Exception):
    """An If-Match or If-None-Match header that is not a list of entity tags (HTTP 400)."""


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> ExpectedVersion | None:
    """The precondition If-Match states: none without the header, any version for `*`. Weak tags
    never match: If-Match uses the strong comparison."""
    if if_match is None:
        return None
    if if_match.strip() == "*":
        return ExpectedVersion()
    strong = {int(tag) for weak, tag in _entity_tags(if_match) if not weak and _is_version(tag)}
    return ExpectedVersion(frozenset(strong))


def none_match(if_none_match: str | None, version: int) -> bool:
    """True when If-None-Match names the current version (weak comparison) or is `*`: a GET then
    answers 304 Not Modified."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag == str(version) for _, tag in _entity_tags(if_none_match))


def _entity_tags(header: str) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = []
    position = 0
    while position < len(header) and len(tags) <= MAX_TAGS:
        found = _ENTITY_TAG.match(header, position)
        if found is None:
            raise MalformedPrecondition(f"not a list of entity tags: {header[:100]!r}")
        tags.append((found.group(1) or "", found.group(2)))
        position = found.end()
    if len(tags) > MAX_TAGS:
        raise MalformedPrecondition(f"more than {MAX_TAGS} entity tags")
    return tags


def _is_version(tag: str) -> bool:
    # Versions are SQLite integers: a longer digit string cannot be one, so it cannot match.
    return tag.isdigit() and len(tag) <= 18
