"""The import graph, as the README's layout describes it: which package may import which. Read from
the source with `ast`, so a new import across a boundary fails here, not in review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Who may import whom among the service's own packages (besides itself).
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "web": set(),
    "storage": {"domain"},
    "commands": {"domain", "storage"},
    "queries": {"domain", "storage"},
    "api": {"domain", "storage", "commands", "queries", "web"},
    "app": {"api", "storage", "web"},
    "app_p3": {"api", "storage", "web"},
}
# The only modules that may import the Spin SDK: the two entry points and the SQLite adapter.
SPIN_SDK_IMPORTERS = {"app.py", "app_p3.py", "storage/spin_sqlite.py"}


def modules() -> list[Path]:
    entry_points = [ROOT / "app.py", ROOT / "app_p3.py"]
    return [*entry_points, *(path for package in ALLOWED for path in (ROOT / package).rglob("*.py"))]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_a_module_imports_only_the_packages_its_layer_may(path: Path) -> None:
    own = package_of(path)
    ours = {name.split(".")[0] for name in imported(path)} & ALLOWED.keys()
    assert ours - {own} <= ALLOWED[own]


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_only_the_entry_point_and_the_sqlite_adapter_know_spin(path: Path) -> None:
    knows_spin = any(name.split(".")[0] == "spin_sdk" for name in imported(path))
    assert not knows_spin or path.relative_to(ROOT).as_posix() in SPIN_SDK_IMPORTERS
