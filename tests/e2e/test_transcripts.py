"""Every curl transcript in README.md, docs/*.md and bench/README.md, replayed against the built
component: the status line, every header the transcript shows, and the body must come back.

The format (docs/testing.md says the same, for writers):

- A transcript is a fenced block whose info string is `console`. In it, a line starting `$ ` is a
  command; the lines after it, up to the next `$ ` line or the end of the block, are its output.
  A command ending in `\\` goes on over the next line; `#` starts a comment.
- Each command is one `curl` with `-i` (alone or combined, as in `-si`): its output is curl's
  status line, headers, a blank line and the body. No pipes, `&&`, `;` or redirections.
- URLs name the server `localhost:3000`, where `make run` serves; the test puts its own in.
- A transcript may leave headers out; every header it shows is compared, except `Date`'s value.
- Ids (UUIDs) and list cursors are real ones, from the run that produced the transcript. Each is
  bound, at its first appearance in an output, to what the replay has in the same place; later
  commands get the bound value, and later outputs must show it wherever the transcript repeats the
  id. The binding is one-to-one, so "the same id" and "a different id" are checked too. Timestamps
  match any timestamp, and a `dur=` in `Server-Timing` any duration (its statement count is
  compared).
- A JSON body is compared as parsed JSON (key order aside) under the same rules; any other body as
  text.
- Each document replays in order on a server of its own, on a fresh database with
  `migrations.sql` applied and the admin token `change-me` (the one the docs show). A block right
  after the line `<!-- transcript: unmigrated -->` runs on a server of its own instead, whose
  database has never seen `migrations.sql`.

The real `curl` binary runs each command, not a translation of it: a transcript shows what a
reader who pastes the command gets, including what curl itself adds (`curl -d` sends the body as
application/x-www-form-urlencoded, which the service must read as JSON). Without curl on PATH the
replay is skipped, saying why.
"""

import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.spin_server import ROOT, SpinServer, serving

ADMIN_TOKEN = "change-me"
DOCUMENTED_SERVER = re.compile(r"^(https?://)?(localhost|127\.0\.0\.1):3000(?=/|$)")
UNMIGRATED = "<!-- transcript: unmigrated -->"
CURL = shutil.which("curl")
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "&"}

# What a transcript may show differently from its replay, by kind. Ids and cursors are bound one
# to one; timestamps and durations match any of their kind.
TOKENS = {
    "id": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "cursor": r"(?<=cursor=)[A-Za-z0-9_-]+",
    "timestamp": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z",
    "duration": r"(?<=dur=)\d+(?:\.\d+)?",
}
BOUND_KINDS = ("id", "cursor")
_TOKEN = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in TOKENS.items()))


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]


@dataclass
class Command:
    source: str  # "docs/api.md:42"
    line: str  # as written after `$ `
    expected: list[str]

    def arguments(self) -> list[str]:
        words = shlex.split(self.line, comments=True)
        if not words or words[0] != "curl":
            raise TranscriptError(self, "a transcript command must be one curl")
        if SHELL_OPERATORS & set(words):
            raise TranscriptError(self, "one curl per command: no pipes, &&, ; or redirections")
        if not "".join(self.expected).strip():
            raise TranscriptError(self, "a transcript command needs its output below it")
        if not any(word == "--include" or re.fullmatch(r"-[a-zA-Z]*i[a-zA-Z]*", word) for word in words):
            raise TranscriptError(self, "a transcript command needs curl -i, so status and headers show")
        return words[1:]


@dataclass
class Transcript:
    source: str
    unmigrated: bool
    commands: list[Command]


class TranscriptError(AssertionError):
    def __init__(self, command: Command, problem: str, actual: str = "") -> None:
        shown = "\n".join(command.expected)
        message = f"{command.source}: {problem}\n$ {command.line}\n--- transcript\n{shown}"
        super().__init__(message + (f"\n--- replay\n{actual}" if actual else ""))


def fenced_blocks(path: Path) -> Iterator[tuple[str, int, list[str], str]]:
    """(info string, line number of the opening fence, lines inside, the line before the fence)."""
    lines = path.read_text().splitlines()
    before, number = "", 0
    while number < len(lines):
        opening = re.match(r"^(`{3,})\s*(\S*)", lines[number])
        if opening is None:
            before = lines[number].strip() or before
            number += 1
            continue
        start, fence = number, opening.group(1)
        number += 1
        inside: list[str] = []
        while number < len(lines) and not lines[number].startswith(fence):
            inside.append(lines[number])
            number += 1
        yield opening.group(2), start + 1, inside, before
        before = ""
        number += 1


def transcripts(path: Path) -> list[Transcript]:
    name = path.relative_to(ROOT).as_posix()
    found = []
    for info, first, lines, before in fenced_blocks(path):
        if info != "console":
            continue
        commands: list[Command] = []
        pending = ""
        for offset, text in enumerate(lines, start=first + 1):
            if pending or text.startswith("$ "):
                pending = f"{pending} {text.removeprefix('$ ')}" if pending else text.removeprefix("$ ")
                if pending.endswith("\\"):
                    pending = pending[:-1].rstrip()
                    continue
                commands.append(Command(f"{name}:{offset}", pending, []))
                pending = ""
            elif commands:
                commands[-1].expected.append(text.rstrip())
            elif text.strip():
                raise ValueError(f"{name}:{offset}: a console block starts with a `$ ` command")
        found.append(Transcript(f"{name}:{first}", before == UNMIGRATED, commands))
    return found


@dataclass
class Bindings:
    """Transcript value → replay value, one to one, for ids and cursors."""

    forward: dict[str, str] = field(default_factory=dict)
    backward: dict[str, str] = field(default_factory=dict)

    def bind(self, shown: str, real: str) -> bool:
        if self.forward.get(shown, real) != real or self.backward.get(real, shown) != shown:
            return False
        self.forward[shown], self.backward[real] = real, shown
        return True

    def substitute(self, text: str) -> str:
        def replace(found: re.Match[str]) -> str:
            bound = found.lastgroup in BOUND_KINDS
            return self.forward.get(found.group(), found.group()) if bound else found.group()

        return _TOKEN.sub(replace, text)


def same_text(shown: str, real: str, bindings: Bindings) -> bool:
    """True when `real` is `shown` but for the tokens the transcript may show differently."""
    pattern, kinds, position = "", [], 0
    for token in _TOKEN.finditer(shown):
        assert token.lastgroup is not None
        pattern += re.escape(shown[position : token.start()]) + f"({TOKENS[token.lastgroup]})"
        kinds.append((token.lastgroup, token.group()))
        position = token.end()
    matched = re.fullmatch(pattern + re.escape(shown[position:]), real)
    if matched is None:
        return False
    return all(
        bindings.bind(value, matched.group(index)) if kind in BOUND_KINDS else True
        for index, (kind, value) in enumerate(kinds, start=1)
    )


def same_json(shown: Any, real: Any, bindings: Bindings) -> bool:
    if isinstance(shown, str) and isinstance(real, str):
        return same_text(shown, real, bindings)
    if isinstance(shown, dict) and isinstance(real, dict):
        return shown.keys() == real.keys() and all(same_json(shown[k], real[k], bindings) for k in shown)
    if isinstance(shown, list) and isinstance(real, list):
        pairs = zip(shown, real, strict=False)  # lengths compared first
        return len(shown) == len(real) and all(same_json(a, b, bindings) for a, b in pairs)
    return type(shown) is type(real) and shown == real


@dataclass(frozen=True)
class Response:
    status: str
    headers: dict[str, str]
    body: str


def parse_output(lines: list[str]) -> Response:
    """curl -i's output: status line, headers, blank line, body."""
    text = "\n".join(lines).strip("\n")
    head, _, body = text.partition("\n\n")
    status, *header_lines = head.splitlines()
    headers: dict[str, str] = {}
    for header in header_lines:
        name, _, value = header.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return Response(" ".join(status.split()), headers, body.strip())


def same_body(shown: str, real: str, bindings: Bindings) -> bool:
    try:
        shown_json, real_json = json.loads(shown), json.loads(real)
    except ValueError:
        return same_text(shown, real, bindings)
    return same_json(shown_json, real_json, bindings)


def replay(command: Command, base_url: str, bindings: Bindings) -> None:
    arguments = [DOCUMENTED_SERVER.sub(base_url, bindings.substitute(word)) for word in command.arguments()]
    assert CURL is not None
    ran = subprocess.run([CURL, "--max-time", "60", *arguments], capture_output=True, timeout=90, check=False)
    real_text = ran.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if ran.returncode != 0:
        raise TranscriptError(command, f"curl exited with {ran.returncode}", ran.stderr.decode())
    shown, real = parse_output(command.expected), parse_output(real_text.splitlines())
    if shown.status != real.status:
        raise TranscriptError(command, "the status line differs", real_text)
    for name, value in shown.headers.items():
        if name not in real.headers:
            raise TranscriptError(command, f"the replay has no {name} header", real_text)
        if name != "date" and not same_text(value, real.headers[name], bindings):
            raise TranscriptError(command, f"the {name} header differs", real_text)
    if not same_body(shown.body, real.body, bindings):
        raise TranscriptError(command, "the body differs", real_text)


def replay_all(found: list[Transcript], workdir: Path) -> None:
    """The document's transcripts in order, on one server; unmigrated blocks on their own."""
    bindings = Bindings()
    with serving(workdir / "document", env={"SPIN_VARIABLE_ADMIN_TOKEN": ADMIN_TOKEN}) as server:
        for number, transcript in enumerate(found):
            if transcript.unmigrated:
                with serving(workdir / f"unmigrated-{number}", migrate=False) as bare:
                    _replay_block(transcript, bare, bindings)
            else:
                _replay_block(transcript, server, bindings)


def _replay_block(transcript: Transcript, server: SpinServer, bindings: Bindings) -> None:
    for command in transcript.commands:
        replay(command, server.url, bindings)


DOCUMENTS_WITH_TRANSCRIPTS = [path for path in documents() if path.exists() and transcripts(path)]


@pytest.mark.skipif(
    CURL is None, reason="curl is not on PATH: the transcripts are replayed with the real curl"
)
@pytest.mark.parametrize(
    "document", DOCUMENTS_WITH_TRANSCRIPTS, ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_every_transcript_in_the_document_replays_with_the_output_it_shows(
    document: Path, tmp_path: Path
) -> None:
    replay_all(transcripts(document), tmp_path)


def test_the_readme_and_the_docs_have_transcripts_to_replay() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in DOCUMENTS_WITH_TRANSCRIPTS}
    assert {"README.md", "docs/api.md", "docs/events-and-projections.md"} <= names


def test_every_curl_with_output_in_the_docs_is_a_console_transcript() -> None:
    """A `$ curl` line outside a console block would be shown to readers but never replayed."""
    stray = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in documents()
        if path.exists()
        for info, line, lines, _ in fenced_blocks(path)
        if info != "console" and any(text.startswith("$ curl") for text in lines)
    ]
    assert stray == []


def test_every_transcript_command_is_a_replayable_curl() -> None:
    for path in DOCUMENTS_WITH_TRANSCRIPTS:
        for transcript in transcripts(path):
            assert transcript.commands, f"{transcript.source}: a console block with no command"
            for command in transcript.commands:
                command.arguments()
