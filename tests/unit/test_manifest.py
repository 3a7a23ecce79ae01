"""What spin.toml and local.toml grant the component: one database, no network, a secret token."""

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def manifest() -> dict[str, Any]:
    return tomllib.loads((ROOT / "spin.toml").read_text())


def test_the_component_may_open_only_the_default_database_and_call_no_host() -> None:
    component = manifest()["component"]["employees"]
    assert component["sqlite_databases"] == ["default"]
    assert component["allowed_outbound_hosts"] == []
    assert set(component) <= {"source", "sqlite_databases", "allowed_outbound_hosts", "build", "variables"}


def test_the_admin_token_is_a_secret_with_no_usable_default() -> None:
    variable = manifest()["variables"]["admin_token"]
    assert variable == {"default": "", "secret": True}
    assert manifest()["component"]["employees"]["variables"] == {"admin_token": "{{ admin_token }}"}


def test_the_local_runtime_config_holds_a_path_and_no_credentials() -> None:
    config = tomllib.loads((ROOT / "local.toml").read_text())
    assert config == {"sqlite_database": {"default": {"type": "spin", "path": ".spin/cqrs.db"}}}


def test_the_build_watches_every_source_folder_and_the_migrations() -> None:
    build = manifest()["component"]["employees"]["build"]
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    for package in packages:
        assert f"{package}/**/*.py" in build["watch"], package
    assert {"app.py", "migrations.sql"} <= set(build["watch"])
