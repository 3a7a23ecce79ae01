"""Which hosts can run app.wasm: its imports and exports (from `wasm-tools component wit`) against the
interface sets of the hosts in deploy/hosts.toml, linked by name the way Wasmtime links them.

`python -m deploy.compatibility [app.wasm]` (or `make compat`) prints the matrix in the README,
beside the same check for spin-sdk's own `spin-http` world, which app.wasm was built for before its
world was trimmed (wit/employees.wit)."""

import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spin_sdk

ROOT = Path(__file__).resolve().parent.parent
HOSTS = ROOT / "deploy" / "hosts.toml"
WASM_TOOLS = str(Path(sys.executable).with_name("wasm-tools"))
_WORLD_ITEM = re.compile(r"^  (import|export) ([a-z][\w-]*:[\w:/.@-]+);$", re.MULTILINE)


@dataclass(frozen=True)
class Surface:
    """What a component needs from a host (imports) and offers it (exports)."""

    imports: frozenset[str]
    exports: frozenset[str]


@dataclass(frozen=True)
class Host:
    name: str
    world: str
    sources: tuple[str, ...]
    imports: frozenset[str]
    exports: frozenset[str]
    supported: bool


@dataclass(frozen=True)
class Verdict:
    missing: tuple[str, ...]  # imports the host does not define in any compatible version
    handler: bool  # the host's HTTP trigger finds an export it can call

    @property
    def runs(self) -> bool:
        return self.handler and not self.missing

    def __str__(self) -> str:
        if self.runs:
            return "runs"
        reasons = [f"lacks `{name}`" for name in self.missing]
        reasons += [] if self.handler else ["no HTTP handler export it calls"]
        return "does not run: " + ", ".join(reasons)


def compatibility_key(name: str) -> str:
    """The name Wasmtime's component Linker matches an interface by: `@1.2.3` → `@1` and
    `@0.2.3` → `@0.2`; a prerelease or a 0.0.x version matches only itself (wasmtime PR #7994)."""
    base, at, version = name.partition("@")
    if not at or "-" in version or "+" in version:
        return name
    major, minor, _ = version.split(".")
    if major != "0":
        return f"{base}@{major}"
    return f"{base}@0.{minor}" if minor != "0" else name


def check(surface: Surface, host: Host) -> Verdict:
    defined = {compatibility_key(name) for name in host.imports}
    missing = sorted(name for name in surface.imports if compatibility_key(name) not in defined)
    handlers = {compatibility_key(name) for name in host.exports}
    handler = any(compatibility_key(name) in handlers for name in surface.exports)
    return Verdict(tuple(missing), handler)


# The hosts, as data


def load_hosts(path: Path = HOSTS) -> list[Host]:
    data = tomllib.loads(path.read_text())
    worlds: Mapping[str, Any] = data["worlds"]

    def flatten(entry: Mapping[str, Any]) -> set[str]:
        names = set(entry.get("import", []))
        for included in entry.get("include", []):
            names |= flatten(worlds[included])
        return names

    return [
        Host(
            host["name"],
            host["world"],
            tuple(host["sources"]),
            frozenset(flatten(host)),
            frozenset(host["export"]),
            host["supported"],
        )
        for host in data["host"]
    ]


# The component's side


def surface_of_text(wit: str) -> Surface:
    """The imports and exports of the world that `wasm-tools component wit` prints for a component."""
    items = _WORLD_ITEM.findall(wit)
    return Surface(
        frozenset(name for kind, name in items if kind == "import"),
        frozenset(name for kind, name in items if kind == "export"),
    )


def surface_of(component: Path) -> Surface:
    wit = subprocess.run([WASM_TOOLS, "component", "wit", str(component)], capture_output=True, text=True)
    if wit.returncode != 0:
        raise RuntimeError(f"wasm-tools cannot read {component}: {wit.stderr.strip()}")
    return surface_of_text(wit.stdout)


def sdk_world_surface(runtime: Surface, world: str = "spin-http") -> Surface:
    """What a component built for spin-sdk's own world imports: the world's interfaces (read from a
    stand-in component that wasm-tools generates for it) plus what the Python runtime imports."""
    wit_dir = Path(spin_sdk.__file__).parent / "wit"
    with tempfile.TemporaryDirectory() as scratch:
        module, component = Path(scratch, "module.wasm"), Path(scratch, "component.wasm")
        for command in (
            [WASM_TOOLS, "component", "embed", "--dummy", str(wit_dir), "--world", world, "-o", str(module)],
            [WASM_TOOLS, "component", "new", str(module), "-o", str(component)],
        ):
            subprocess.run(command, check=True, capture_output=True)
        world_surface = surface_of(component)
    wasi = {name for name in runtime.imports if name.startswith("wasi:")}
    return Surface(world_surface.imports | wasi, world_surface.exports)


# The matrix


def matrix(columns: Mapping[str, Surface], hosts: Iterable[Host]) -> str:
    """A Markdown table: one row per host, one column per component."""
    lines = [
        "| host | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for host in hosts:
        cells = [str(check(surface, host)) for surface in columns.values()]
        lines.append(f"| {host.name} (`{host.world}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def columns_for(component: Path) -> dict[str, Surface]:
    app = surface_of(component)
    return {"app.wasm (world `employees-http`)": app, "spin-sdk's `spin-http` world": sdk_world_surface(app)}


def main(arguments: list[str]) -> int:
    component = Path(arguments[0]) if arguments else ROOT / "app.wasm"
    hosts = load_hosts()
    columns = columns_for(component)
    print(matrix(columns, hosts))
    app = next(iter(columns.values()))
    return 0 if all(check(app, host).runs for host in hosts if host.supported) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
