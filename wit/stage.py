"""Stages what componentize-py builds a component from: the app's Python files (the `*.py` watch
globs of the manifest) and a copy of the installed spin_sdk whose WIT package also holds our world.

    python3 wit/stage.py              # app.wasm (WASIp2): spin.toml, wit/employees.wit -> build/
    python3 wit/stage.py spin-p3.toml # app-p3.wasm (WASIp3): wit/employees-p3.wit -> build/p3/

Run it with the Python of the build's own environment (.venv or .venv-p3): it copies the spin_sdk
that Python imports. Why a copy: componentize-py looks a world up only in the WIT package named by
spin_sdk's componentize-py.toml (an app-level `-d wit` is looked up there too and fails). Why stage
the app: with the project root itself on the Python path, componentize-py would find the copy and
the spin_sdk in the environment in one path entry, and it refuses two configurations for one package."""

import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import spin_sdk

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Build:
    manifest: str
    world: Path
    staging: Path


BUILDS = {
    "spin.toml": Build("spin.toml", ROOT / "wit" / "employees.wit", ROOT / "build"),
    "spin-p3.toml": Build("spin-p3.toml", ROOT / "wit" / "employees-p3.wit", ROOT / "build" / "p3"),
}


def app_sources(root: Path = ROOT, manifest: str = "spin.toml") -> list[Path]:
    """The files the component is made of, as the manifest's watch globs name them."""
    component = tomllib.loads((root / manifest).read_text())["component"]["employees-cqrs"]
    globs = component["build"]["watch"]
    return sorted({path for pattern in globs if pattern.endswith(".py") for path in root.glob(pattern)})


def stage_app(build: Build, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    for source in app_sources(manifest=build.manifest):
        copy = target / source.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)


def stage_sdk(build: Build, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    sdk = target / "spin_sdk"
    shutil.copytree(Path(spin_sdk.__file__).parent, sdk, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(build.world, sdk / "wit" / build.world.name)


if __name__ == "__main__":
    build = BUILDS[sys.argv[1] if len(sys.argv) > 1 else "spin.toml"]
    stage_app(build, build.staging / "app")
    stage_sdk(build, build.staging / "sdk")
