import pytest

from web.json_body import MAX_BODY_BYTES, BodyTooLarge, MalformedBody, parse_json_object


def test_a_json_object_is_parsed() -> None:
    assert parse_json_object(b'{"a": [1, "x"]}') == {"a": [1, "x"]}


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
    ],
)
def test_anything_but_one_well_formed_object_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedBody):
        parse_json_object(body)


def test_a_body_over_the_limit_is_too_large() -> None:
    with pytest.raises(BodyTooLarge):
        parse_json_object(b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}')


def test_a_body_at_the_limit_is_read() -> None:
    padding = MAX_BODY_BYTES - len(b'{"a": ""}')
    assert parse_json_object(b'{"a": "' + b"x" * padding + b'"}')["a"] == "x" * padding
