"""What spin.toml (WASIp2), spin-p3.toml (WASIp3) and local.toml grant the component: one database,
no network, a secret token; and that the two manifests differ only in what they build and serve."""

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from storage.database import Erasure
from wit.stage import app_sources

ROOT = Path(__file__).resolve().parents[2]


MANIFESTS = ("spin.toml", "spin-p3.toml")


def manifest(name: str = "spin.toml") -> dict[str, Any]:
    loaded: dict[str, Any] = tomllib.loads((ROOT / name).read_text())
    return loaded


@pytest.mark.parametrize("name", MANIFESTS)
def test_the_component_may_open_only_the_default_database_and_call_no_host(name: str) -> None:
    component = manifest(name)["component"]["employees-cqrs"]
    assert component["sqlite_databases"] == ["default"]
    assert component["allowed_outbound_hosts"] == []
    assert set(component) <= {"source", "sqlite_databases", "allowed_outbound_hosts", "build", "variables"}


@pytest.mark.parametrize("name", MANIFESTS)
def test_the_admin_token_is_a_secret_with_no_usable_default(name: str) -> None:
    variable = manifest(name)["variables"]["admin_token"]
    assert variable == {"default": "", "secret": True}
    assert manifest(name)["component"]["employees-cqrs"]["variables"]["admin_token"] == "{{ admin_token }}"


@pytest.mark.parametrize("name", MANIFESTS)
def test_erasure_overwrites_by_default_and_reaches_the_component(name: str) -> None:
    assert Erasure(manifest(name)["variables"]["erasure"]["default"]) is Erasure.OVERWRITE
    assert manifest(name)["component"]["employees-cqrs"]["variables"]["erasure"] == "{{ erasure }}"


def test_the_local_runtime_config_holds_a_path_and_no_credentials() -> None:
    config = tomllib.loads((ROOT / "local.toml").read_text())
    assert config == {"sqlite_database": {"default": {"type": "spin", "path": ".spin/cqrs.db"}}}


def test_the_build_stages_every_project_module_the_component_imports() -> None:
    """wit/stage.py copies the files that spin.toml's watch globs name: a module the component
    imports but the globs miss would be absent from app.wasm (and would not trigger a rebuild)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import app, sys; print(*(m.__file__ for m in list(sys.modules.values())"
         " if getattr(m, '__file__', None)), sep='\\n')"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    ours = {
        Path(file) for file in loaded if Path(file).is_relative_to(ROOT) and ".venv" not in Path(file).parts
    }

    assert Path(ROOT / "app.py") in ours
    assert ours <= set(app_sources())
    watch = manifest()["component"]["employees-cqrs"]["build"]["watch"]
    assert {"migrations.sql", "wit/*"} <= set(watch)


def test_the_two_manifests_differ_only_in_the_component_they_build_and_serve() -> None:
    p2, p3 = manifest("spin.toml"), manifest("spin-p3.toml")
    p2_component, p3_component = p2["component"]["employees-cqrs"], p3["component"]["employees-cqrs"]
    assert (p2_component.pop("source"), p3_component.pop("source")) == ("app.wasm", "app-p3.wasm")
    p2_build, p3_build = p2_component.pop("build"), p3_component.pop("build")
    assert p2 == p3
    assert [p2_build["watch"][0], p3_build["watch"][0]] == ["app.py", "app_p3.py"]
    assert p2_build["watch"][1:] == p3_build["watch"][1:]


def test_the_wasip3_build_stages_the_same_modules_with_its_own_entry_point() -> None:
    p2, p3 = set(app_sources(manifest="spin.toml")), set(app_sources(manifest="spin-p3.toml"))
    assert p3 == p2 - {ROOT / "app.py"} | {ROOT / "app_p3.py"}
