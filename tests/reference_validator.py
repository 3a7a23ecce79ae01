"""The reference JSON Schema 2020-12 validator the tests hold the service's own to: jsonschema's
Draft202012Validator, with `pattern` matched by a real ECMA-262 engine (Node's RegExp, u flag).

jsonschema matches `pattern` with Python's `re`, whose `$`, `\\s`, `\\d`, `\\w` and `.` are not
ECMA-262's; JSON Schema 2020-12 (core, section 6.4) says patterns are ECMA-262 regular expressions
"built with the u flag", as ajv builds them. Everything else (types, lengths in code points, enum,
required, additionalProperties) is jsonschema's own. Node is on PATH wherever the local host runs
(CI); without it the tests that need this module are skipped, saying so."""

import json
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema
import pytest
from jsonschema.protocols import Validator

# One request a line, [pattern, subject] or [pattern, null] for the sweep of every code point;
# one answer a line. JSON carries lone surrogates as \ud800 escapes, which JSON.parse keeps.
_NODE_PROGRAM = r"""
const readline = require("node:readline");
const compiled = new Map();
const regex = (pattern) => {
  if (!compiled.has(pattern)) compiled.set(pattern, new RegExp(pattern, "u"));
  return compiled.get(pattern);
};
const matchingRanges = (re, prefix) => {
  const ranges = [];
  for (let c = 0; c <= 0x10ffff; c++) {
    if (!re.test(prefix + String.fromCodePoint(c))) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === c - 1) last[1] = c; else ranges.push([c, c]);
  }
  return ranges;
};
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const [pattern, subject, prefix] = JSON.parse(line);
  const re = regex(pattern);
  const answer = subject === null ? matchingRanges(re, prefix) : re.test(subject);
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


class EcmaRegex:
    """ECMA-262 regular expressions with the u flag, matched by a Node process this object owns."""

    def __init__(self, node: str) -> None:
        self._process = subprocess.Popen(
            [node, "-e", _NODE_PROGRAM],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="ascii",
        )

    def search(self, pattern: str, subject: str) -> bool:
        """Whether `pattern` matches somewhere in `subject`, as JSON Schema's `pattern` asks."""
        return bool(self._ask([pattern, subject, ""]))

    def matching_code_points(self, pattern: str, prefix: str = "") -> list[tuple[int, int]]:
        """The ranges of code points c, U+0000 to U+10FFFF, for which `pattern` matches prefix + c."""
        return [(first, last) for first, last in self._ask([pattern, None, prefix])]

    def _ask(self, request: list[Any]) -> Any:
        requests, answers = self._process.stdin, self._process.stdout
        if requests is None or answers is None:
            raise RuntimeError("node was started without pipes")
        requests.write(json.dumps(request) + "\n")
        requests.flush()
        return json.loads(answers.readline())

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=10)


def ecma_regex() -> Iterator[EcmaRegex]:
    """An ECMA-262 engine for the length of a fixture; the test is skipped without Node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH: no ECMA-262 engine to hold the service's patterns to")
    engine = EcmaRegex(node)
    yield engine
    engine.close()


def reference_validator(schema: Mapping[str, Any], engine: EcmaRegex) -> Validator:
    """Draft 2020-12 as jsonschema implements it, with `pattern` matched per ECMA-262."""

    def pattern(
        validator: Validator, pattern: str, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[jsonschema.ValidationError]:
        if validator.is_type(instance, "string") and not engine.search(pattern, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r} (ECMA-262)")

    draft: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, {"pattern": pattern}
    )
    return draft(schema)
