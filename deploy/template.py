"""Stages the Spin template `cqrs-py` from this repository's own files, so the template is never a
second copy of the service to keep in step: only its manifest (templates/cqrs-py/metadata) is
committed, and its content/ is made from the files git tracks (or would add), each turned into a
Liquid template for `spin new`.

    python3 -m deploy.template        (or: make template; then spin templates install --dir .)

What becomes a template parameter: the application's name (spin.toml's `[application] name`,
which is also the component's id, wherever it occurs) and its description. Everything else stays
as it is, Liquid's own `{{` and `{%` escaped; a file that is not UTF-8 is copied byte for byte,
as Spin itself does. The project `spin new` makes carries this module and the manifest too, so it
can be staged again under its own name.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_ID = "cqrs-py"
METADATA = Path("templates", TEMPLATE_ID, "metadata")
CONTENT = Path("templates", TEMPLATE_ID, "content")
NAME_EXPRESSION = "{{project-name | kebab_case}}"
DESCRIPTION_EXPRESSION = "{{project-description}}"
# Spin writes every file of a new project without its mode, so the executable CI hook would
# arrive unrunnable; what runs a new project's CI is its team's choice anyway.
LEFT_OUT = (".ci/",)
LIQUID_OPENER = re.compile(r"\{\{|\{%")


@dataclass(frozen=True)
class Naming:
    """What a new project names differently: the application's name and description."""

    name: str
    description: str


def naming(root: Path = ROOT) -> Naming:
    application = tomllib.loads((root / "spin.toml").read_text())["application"]
    return Naming(application["name"], application["description"])


def project_files(root: Path = ROOT) -> list[str]:
    """The files git tracks or would add (relative, `/`-separated), less LEFT_OUT. Untracked ones
    count because `spin new` makes a repository with nothing committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    paths = {path for path in listed.split("\0") if path and (root / path).is_file()}
    return sorted(path for path in paths if not path.startswith(LEFT_OUT))


def escaped(text: str) -> str:
    """Each `{{` and `{%` as a Liquid string expression that renders to itself."""
    return LIQUID_OPENER.sub(lambda opener: '{{ "' + opener.group() + '" }}', text)


def templated(text: str, names: Naming) -> str:
    text = escaped(text).replace(names.description, DESCRIPTION_EXPRESSION)
    return text.replace(names.name, NAME_EXPRESSION)


def template_content(raw: bytes, names: Naming) -> bytes:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return templated(text, names).encode("utf-8")


def stage(root: Path = ROOT, target: Path | None = None) -> list[str]:
    """Writes the template's content/ into the repository, or a whole template (metadata too)
    under `target`, a folder to install from; returns the paths content/ holds."""
    target = target or root
    if target != root:
        shutil.copytree(root / METADATA, target / METADATA, dirs_exist_ok=True)
    content = target / CONTENT
    shutil.rmtree(content, ignore_errors=True)
    names, files = naming(root), project_files(root)
    for path in files:
        staged = content / path
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(template_content((root / path).read_bytes(), names))
    return files


if __name__ == "__main__":
    try:
        staged = stage()
    except subprocess.CalledProcessError as failed:
        sys.exit(f"the template is staged from git's list of the project's files: {failed.stderr.decode()}")
    print(f"{CONTENT}: {len(staged)} files; now: spin templates install --dir {ROOT}", file=sys.stderr)
