"""What spin.toml and local.toml grant the component: one database, no network, a secret token."""

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from storage.database import Erasure
from wit.stage import app_sources

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
    assert manifest()["component"]["employees"]["variables"]["admin_token"] == "{{ admin_token }}"


def test_erasure_overwrites_by_default_and_reaches_the_component() -> None:
    assert Erasure(manifest()["variables"]["erasure"]["default"]) is Erasure.OVERWRITE
    assert manifest()["component"]["employees"]["variables"]["erasure"] == "{{ erasure }}"


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
    watch = manifest()["component"]["employees"]["build"]["watch"]
    assert {"migrations.sql", "wit/*"} <= set(watch)
