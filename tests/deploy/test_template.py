"""The Spin template cqrs-py (templates/cqrs-py, deploy/template.py): its manifest against the
fields Spin's template reader accepts (crates/templates/src/reader.rs in spinframework/spin), its
staged content rendered back into this repository file for file, and, with `spin` on PATH, a
project made by `spin new` that builds, serves and keeps an employee.

Without Spin the content is rendered here by a strict model of what Spin's Liquid does with it:
every `{{ … }}` is a string literal or a parameter Spin provides through a filter Spin registers
(crates/templates/src/run.rs, template_parser), and no other `{{` or `{%` may occur."""

import os
import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.template import CONTENT, METADATA, TEMPLATE_ID, naming, project_files, stage
from tests.spin_server import REAL_SPIN, WASI, WASIP3_MANIFEST, SpinServer

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_KEYS = {
    "manifest_version", "id", "description", "trigger_type", "tags", "new_application", "add_component",
    "parameters", "outputs",
}  # fmt: skip
PARAMETER_KEYS = {"type", "prompt", "default", "pattern", "allowed_values"}
# Values Spin sets itself (run.rs, special_values); `project-name` is the NAME of `spin new`.
SPIN_VALUES = {"project-name", "authors", "username", "output-path"}
SPIN_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*")
EXPRESSION = re.compile(r"\{\{\s*(.*?)\s*\}\}")
LITERAL = re.compile(r'"([^"]*)"')


def in_a_git_work_tree() -> bool:
    found = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT, capture_output=True, check=False
    )
    return found.returncode == 0


# A project made by `spin new --no-vcs` has no repository, and no list of its own files to stage.
needs_git = pytest.mark.skipif(
    not in_a_git_work_tree(), reason="the template is staged from git's list of files; no git repository here"
)


def kebab_case(name: str) -> str:
    """Spin refuses a project name that is not kebab case, so its kebab_case leaves one as it is."""
    assert SPIN_NAME.fullmatch(name), name
    return name


FILTERS: dict[str, Callable[[str], str]] = {"kebab_case": kebab_case}


def template_manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = tomllib.loads((ROOT / METADATA / "spin-template.toml").read_text())
    return loaded


def defaults(project_name: str) -> dict[str, str]:
    parameters = template_manifest()["parameters"]
    return {"project-name": project_name} | {name: spec["default"] for name, spec in parameters.items()}


def render(text: str, values: dict[str, str]) -> str:
    left = EXPRESSION.sub("", text)
    assert "{%" not in left, "a Liquid tag Spin would run"
    assert "{{" not in left, "an unclosed Liquid expression"
    return EXPRESSION.sub(lambda found: evaluate(found.group(1), values), text)


def evaluate(expression: str, values: dict[str, str]) -> str:
    if literal := LITERAL.fullmatch(expression):
        return literal.group(1)
    name, *filters = (part.strip() for part in expression.split("|"))
    assert name in values, f"{name} is neither a parameter of the template nor a value Spin sets"
    value = values[name]
    for applied in filters:
        value = FILTERS[applied](value)
    return value


def rendered_project(staged: Path, values: dict[str, str]) -> dict[str, bytes]:
    content = staged / CONTENT
    files = {}
    for path in sorted(content.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            try:
                files[path.relative_to(content).as_posix()] = render(raw.decode("utf-8"), values).encode()
            except UnicodeDecodeError:
                files[path.relative_to(content).as_posix()] = raw
    return files


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("template-source")
    stage(ROOT, target)
    return target


def test_the_template_manifest_holds_only_what_spins_version_1_reader_accepts() -> None:
    manifest = template_manifest()
    assert manifest["manifest_version"] == "1"
    assert manifest["id"] == TEMPLATE_ID == METADATA.parent.name
    assert set(manifest) <= MANIFEST_KEYS
    assert isinstance(manifest["description"], str)
    assert {"http", "python"} <= set(manifest["tags"])
    assert "add_component" not in manifest  # a whole application: `spin add` does not offer it


def test_each_parameter_is_a_string_with_a_prompt_and_a_default_its_own_pattern_accepts() -> None:
    for name, spec in template_manifest()["parameters"].items():
        assert set(spec) <= PARAMETER_KEYS, name
        assert spec["type"] == "string"
        assert spec["prompt"]
        assert re.search(spec.get("pattern", ""), spec["default"]), name


def test_a_description_with_a_quote_is_refused_as_it_would_break_the_manifests_toml() -> None:
    pattern = template_manifest()["parameters"]["project-description"]["pattern"]
    assert re.search(pattern, "People of Acme: the HR service")
    assert not re.search(pattern, 'The "people" service')
    assert not re.search(pattern, "C:\\people")


@needs_git
def test_the_template_rendered_for_this_project_is_this_project_file_for_file(staged: Path) -> None:
    project = rendered_project(staged, defaults(naming(ROOT).name))
    assert set(project) == set(project_files(ROOT))
    for path, content in project.items():
        assert content == (ROOT / path).read_bytes(), path


@needs_git
def test_a_new_project_is_named_for_itself_in_its_manifests_component_readme_and_deployment(
    staged: Path,
) -> None:
    own_name = naming(ROOT).name
    new_name = "acme-people" if own_name != "acme-people" else "acme-staff"  # a project made by spin new
    project = rendered_project(staged, defaults(new_name) | {"project-description": "People of Acme"})
    for name in ("spin.toml", WASIP3_MANIFEST):
        manifest = tomllib.loads(project[name].decode())
        assert manifest["application"]["name"] == new_name
        assert manifest["application"]["description"] == "People of Acme"
        assert manifest["trigger"]["http"][0]["component"] == new_name
        assert set(manifest["component"]) == {new_name}
    assert project["README.md"].startswith(f"# {new_name}: ".encode())
    assert [path for path, content in project.items() if own_name.encode() in content] == []


@needs_git
def test_a_staged_content_folder_in_the_repository_is_never_committed() -> None:
    check = subprocess.run(["git", "check-ignore", "-q", str(CONTENT / "spin.toml")], cwd=ROOT, check=False)
    assert check.returncode == 0


@needs_git
@pytest.mark.skipif(REAL_SPIN is None, reason="needs spin on PATH: spin new, spin build, spin up")
def test_spin_new_makes_a_project_that_builds_serves_and_keeps_an_employee(tmp_path: Path) -> None:
    stage(ROOT, tmp_path / "source")
    spin = spin_runner(tmp_path / "data")
    assert TEMPLATE_ID in spin("templates", "install", "--dir", str(tmp_path / "source"), cwd=tmp_path)
    spin("new", "-t", TEMPLATE_ID, "acme-people", "--accept-defaults", cwd=tmp_path)
    project = tmp_path / "acme-people"
    manifest = project / (WASIP3_MANIFEST if WASI == "p3" else "spin.toml")
    spin("build", "--from", str(manifest), cwd=project, path=build_environment())

    with_schema = ["--sqlite", f"@{project / 'migrations.sql'}"]
    server = SpinServer(tmp_path / "run", manifest=manifest, migrate=False, extra_args=with_schema).start()
    try:
        created = httpx.post(f"{server.url}/employees", json=ADA, timeout=30.0)
        fetched = httpx.get(server.url + created.headers["location"], timeout=30.0)
    finally:
        server.stop()
    assert created.status_code == 201
    assert fetched.status_code == 200
    new_id = created.json()["id"]
    expected = {
        "id": new_id,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "address": {"id": new_id, **ADDRESS},
    }
    assert fetched.json() == created.json() == expected


ADDRESS = {"street": "12 St James Square", "zip": "SW1Y 4JH", "city": "London"}
ADA = {"firstName": "Ada", "lastName": "Lovelace", "address": ADDRESS}


def spin_runner(data_home: Path) -> Callable[..., str]:
    """Runs spin with its templates in a data folder of the test's own, never the user's."""

    def run(*arguments: str, cwd: Path, path: str | None = None) -> str:
        env = os.environ | {"XDG_DATA_HOME": str(data_home)} | ({"PATH": path} if path else {})
        assert REAL_SPIN is not None
        done = subprocess.run(
            [REAL_SPIN, *arguments], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"spin {' '.join(arguments)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    return run


def build_environment() -> str:
    """PATH with this repository's build environment first (the new project's build command
    needs componentize-py and spin-sdk), so the test installs nothing."""
    venv = ROOT / (".venv-p3" if WASI == "p3" else ".venv")
    if not (venv / "bin" / "componentize-py").exists():
        pytest.fail(f"{venv.name} is missing: run the tests with `make test`, which creates it")
    return f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
