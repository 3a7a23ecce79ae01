from collections.abc import Iterator

import pytest

from tests.reference_validator import EcmaRegex, ecma_regex
from web.ecma_regex import compiled, translate

# Where Python's re and ECMA-262 read the same text differently, and text they read alike.
PATTERNS = [
    "^abc$",
    r"^\d+$",
    r"^\w+$",
    r"\s",
    r"^\S+$",
    r"^\D*$",
    r"^\W*$",
    r"^[\s\d]+$",
    r"^.$",
    r"^[.$]+$",
    r"^\ud83d\ude00$",
    r"^[\ud800-\udfff]$",
    r"^\u00e9\x41\0?$",
    r"^(?:a|b)+(?=c)",
    r"^(?!x)\.\$\^\[\]\(\)\{\}\|\/\*\+\?\\",
    r"^[a-c\-]{2,3}$",
    r"\t\n\r\f\v",
]
SUBJECTS = [
    "",
    "abc",
    "abc\n",
    "\nabc",
    "123",
    "\u0665\u06f5\uff15",
    "word_1",
    "\u00e9t\u00e9",
    "\x85",
    "\ufeff",
    "\x1c",
    "\u2028",
    "\r",
    " ",
    "\xa0",
    "\U0001f600",
    "\ud83d",
    "\ude00",
    "\u00e9A",
    "\u00e9A\x00",
    "abc",
    "ac",
    ".$^[](){}|/*+?\\",
    "a-",
    "-a-",
    "\t\n\r\f\v",
    "x",
]


@pytest.fixture(scope="module")
def engine() -> Iterator[EcmaRegex]:
    yield from ecma_regex()


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_translated_pattern_matches_exactly_what_ecma_262_matches(engine: EcmaRegex, pattern: str) -> None:
    differing = [
        subject
        for subject in SUBJECTS
        if bool(compiled(pattern).search(subject)) != engine.search(pattern, subject)
    ]
    assert differing == []


UNKNOWN_SYNTAX = [
    r"\p{L}",
    r"\bword",
    r"(?<name>a)",
    r"(a)\1",
    r"[\S]",
    r"\cJ",
    r"\u{1F600}",
    "[]",
    "[^]",
    "\\",
]


@pytest.mark.parametrize("pattern", UNKNOWN_SYNTAX)
def test_syntax_the_translation_does_not_know_is_refused_rather_than_guessed(pattern: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        translate(pattern)


def test_a_pattern_is_compiled_once() -> None:
    assert compiled(r"^\d$") is compiled(r"^\d$")
