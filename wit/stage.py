"""Stages what componentize-py builds app.wasm from, under build/: the app's Python files (the `*.py`
watch globs of spin.toml) in build/app, and a copy of the installed spin_sdk in build/sdk whose WIT
package also holds our world, wit/employees.wit.

Why a copy: componentize-py looks a world up only in the WIT package named by spin_sdk's
componentize-py.toml (an app-level `-d wit` is looked up there too and fails). Why stage the app:
with the project root itself on the Python path, componentize-py would find the copy and the
spin_sdk in .venv/ in one path entry, and it refuses two configurations for one package."""

import shutil
import tomllib
from pathlib import Path

import spin_sdk

ROOT = Path(__file__).resolve().parent.parent
WORLD = ROOT / "wit" / "employees.wit"


def app_sources(root: Path = ROOT) -> list[Path]:
    """The files the component is made of, as spin.toml's watch globs name them."""
    manifest = tomllib.loads((root / "spin.toml").read_text())
    globs = manifest["component"]["employees"]["build"]["watch"]
    return sorted({path for pattern in globs if pattern.endswith(".py") for path in root.glob(pattern)})


def stage_app(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    for source in app_sources():
        copy = target / source.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)


def stage_sdk(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    sdk = target / "spin_sdk"
    shutil.copytree(Path(spin_sdk.__file__).parent, sdk, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(WORLD, sdk / "wit" / WORLD.name)


if __name__ == "__main__":
    stage_app(ROOT / "build" / "app")
    stage_sdk(ROOT / "build" / "sdk")
