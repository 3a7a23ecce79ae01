import pytest

from web.json_body import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    MalformedBody,
    UnsupportedMediaType,
    parse_json_object,
)


def parse(body: bytes, content_type: str | None = None, max_depth: int = 2) -> dict[str, object]:
    return parse_json_object(body, content_type, max_depth)


def test_a_json_object_is_parsed() -> None:
    assert parse(b'{"a": {"b": "x"}}') == {"a": {"b": "x"}}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"a": 1,}',
        b"[1, 2]",
        b'"text"',
        b"null",
        b'{"a": NaN}',
        b'{"a": 1, "a": 2}',
        b'{"a": "\xff"}',
        b"[" * 30_000 + b"]" * 30_000,
        b'{"a": {"b": [1]}}',
        b'{"a": [[]]}',
        b'{"a": ' + b"1" * 5000 + b"}",
    ],
    ids=[
        "empty",
        "truncated",
        "trailing-comma",
        "array",
        "string",
        "null",
        "nan",
        "duplicate-key",
        "invalid-utf8",
        "deeply-nested",
        "one-level-too-deep",
        "arrays-count-as-levels",
        "integer-too-long",
    ],
)
def test_anything_but_one_well_formed_object_within_the_depth_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedBody):
        parse(body)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert parse(b'{"a": "[[[{{{\\"]]]"}')["a"] == '[[[{{{"]]]'


def test_a_body_over_the_limit_is_too_large() -> None:
    with pytest.raises(BodyTooLarge):
        parse(b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}')


def test_a_body_at_the_limit_is_read() -> None:
    padding = MAX_BODY_BYTES - len(b'{"a": ""}')
    assert parse(b'{"a": "' + b"x" * padding + b'"}')["a"] == "x" * padding


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
        "application/x-www-form-urlencoded",
    ],
)
def test_json_types_no_type_and_curls_default_type_are_read(content_type: str | None) -> None:
    assert parse(b"{}", content_type) == {}


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; b=x", ""])
def test_other_media_types_are_unsupported(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaType):
        parse(b"{}", content_type)


@pytest.mark.parametrize(
    "body",
    [b'{"a": "\\ud800"}', b'{"a": "x\\udfffy"}', b'{"\\udc00": 1}', b'{"a": ["\\ud83d"]}'],
    ids=["lone-lead", "lone-trail-inside", "in-a-key", "in-an-array"],
)
def test_a_lone_surrogate_escape_anywhere_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedBody, match="lone surrogate"):
        parse(body)


def test_escapes_of_a_surrogate_pair_and_an_escaped_backslash_are_text() -> None:
    assert parse(b'{"a": "\\ud83d\\ude00", "b": "\\\\ud800"}') == {"a": "\U0001f600", "b": "\\ud800"}
