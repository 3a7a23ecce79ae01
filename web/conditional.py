"""Conditional requests (RFC 9110, section 13) on resources whose entity tag is an integer version."""

import re

_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e]*)"')
# What If-Match and If-None-Match may hold (RFC 9110, 13.1.1): `*` or a list of entity tags.
_TAG_LIST = re.compile(rf"^(\*|\s*{_TAG.pattern}\s*(,\s*{_TAG.pattern}\s*)*)$")
MAX_HEADER = 1024  # no client needs more; it bounds the version list sent to SQLite


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_versions(if_match: str) -> frozenset[int] | None:
    """The versions an If-Match header accepts: None for `*` (any). Weak tags never match: If-Match
    uses the strong comparison; a malformed header names no version, so the write fails (412)."""
    if if_match.strip() == "*":
        return None
    return frozenset(int(tag) for weak, tag in _entity_tags(if_match) if not weak and _is_version(tag))


def none_match(if_none_match: str | None, version: int) -> bool:
    """True when If-None-Match names the current version (weak comparison) or is `*`: a GET then
    answers 304 Not Modified."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag == str(version) for _, tag in _entity_tags(if_none_match))


def newest_version(if_none_match: str | None) -> int | None:
    """The newest version an If-None-Match names: the client holds a copy at least that new."""
    if if_none_match is None:
        return None
    return max((int(tag) for _, tag in _entity_tags(if_none_match) if _is_version(tag)), default=None)


def _entity_tags(header: str) -> list[tuple[str, str]]:
    """The (weak marker, opaque tag) pairs of a well-formed header. A malformed one names no
    tag, so If-Match fails (412) and If-None-Match does not apply: the request stays safe."""
    if len(header) > MAX_HEADER or not _TAG_LIST.match(header):
        return []
    tags: list[tuple[str, str]] = _TAG.findall(header)
    return tags


def _is_version(tag: str) -> bool:
    # Versions are SQLite integers: a longer digit string cannot be one, so it cannot match.
    return tag.isdigit() and len(tag) <= 18
