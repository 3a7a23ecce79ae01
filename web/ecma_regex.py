"""ECMA-262 regular expressions, the dialect of JSON Schema's `pattern` (with the u flag, as JSON
Schema 2020-12 asks), as Python `re` patterns that match exactly the same strings.

Python reads some of the same text otherwise: `$` also matches before a final "\\n"; `\\d` and `\\w`
take any script's digits and letters where ECMA-262 takes ASCII; `\\s` takes U+001C-U+001F and
U+0085 but not U+FEFF; `.` stops only at "\\n"; a surrogate pair escape is two characters, not one.
`translate` rewrites those and refuses (ValueError) any syntax it does not know, rather than guess.
"""

import functools
import re

# WhiteSpace and LineTerminator of ECMA-262 (section 12.2, 12.3): what \s matches.
_SPACE = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _SPACE}
_LINE_TERMINATORS = r"\n\r\u2028\u2029"
# Escapes both dialects read alike: syntax characters, `/` and `-`, and control character escapes.
_SAME_ESCAPES = set("^$\\.*+?()[]{}|/-tnrfv")
_HEX = "[0-9a-fA-F]"
_ESCAPE = re.compile(
    rf"\\(?:u([dD][89abAB]{_HEX}{{2}})\\u([dD][c-fC-F]{_HEX}{{2}})|u({_HEX}{{4}})|x{_HEX}{{2}}|0(?![0-9])|(.))",
    re.S,
)
_GROUP_STARTS = ("(?:", "(?=", "(?!")


def translate(pattern: str) -> str:
    """`pattern`, read as ECMA-262 with the u flag, as Python `re` source."""
    translated: list[str] = []
    in_class = False
    position = 0
    while position < len(pattern):
        character = pattern[position]
        if character == "\\":
            escape = _ESCAPE.match(pattern, position)
            if escape is None:
                raise ValueError(f"unsupported escape at {position} in {pattern!r}")
            translated.append(_escape(escape, in_class, pattern))
            position = escape.end()
            continue
        translated.append(_character(pattern, position, in_class))
        if character == "[" and not in_class:
            in_class = True
        elif character == "]" and in_class:
            in_class = False
        position += 1
    return "".join(translated)


def _escape(escape: re.Match[str], in_class: bool, pattern: str) -> str:
    lead, trail, unit, name = escape.groups()
    if lead is not None:  # with the u flag, a lead and a trail surrogate escape are one code point
        code_point = 0x10000 + ((int(lead, 16) - 0xD800) << 10) + (int(trail, 16) - 0xDC00)
        return f"\\U{code_point:08x}"
    if unit is not None or name is None:  # \uXXXX, \xHH, \0: the same in Python
        return escape.group()
    if name in _CLASS_ESCAPES:
        return _CLASS_ESCAPES[name] if in_class else f"[{_CLASS_ESCAPES[name]}]"
    if name.lower() in _CLASS_ESCAPES and not in_class:
        return f"[^{_CLASS_ESCAPES[name.lower()]}]"
    if name in _SAME_ESCAPES:
        return escape.group()
    raise ValueError(f"unsupported escape \\{name} in {pattern!r}")


def _character(pattern: str, position: int, in_class: bool) -> str:
    character = pattern[position]
    if in_class:
        return character
    if character == "$":  # end of input only, as without the m flag
        return r"\Z"
    if character == ".":
        return f"[^{_LINE_TERMINATORS}]"
    if pattern.startswith("(?", position) and not pattern.startswith(_GROUP_STARTS, position):
        raise ValueError(f"unsupported group at {position} in {pattern!r}")
    if character == "[" and pattern.startswith(("[]", "[^]"), position):
        raise ValueError(f"unsupported empty class at {position} in {pattern!r}")
    return character


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    """`pattern` (ECMA-262, u flag) compiled once per instance: sre compiles in pure Python."""
    return re.compile(translate(pattern))
