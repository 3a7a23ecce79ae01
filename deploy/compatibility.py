"""Which hosts can run app.wasm: its imports and exports (from `wasm-tools component wit`) against the
interface sets of the hosts in deploy/hosts.toml, linked by name the way Wasmtime links them; and,
where the WIT packages installed with spin-sdk define every interface of a host, its types too
(`wasm-tools component targets --semver-compatible` against the host's world).

`python -m deploy.compatibility [app.wasm]` (or `make compat`) prints the matrix in the README,
beside the same check for spin-sdk's own `spin-http` world, which app.wasm was built for before its
world was trimmed (wit/employees.wit)."""

import re
import shutil
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
SDK_WIT = Path(spin_sdk.__file__).parent / "wit"  # the WIT packages installed with spin-sdk
_WORLD_ITEM = re.compile(r"^  (import|export) ([a-z][\w-]*:[\w:/.@-]+);$", re.MULTILINE)


@dataclass(frozen=True)
class Surface:
    """What a component needs from a host (imports) and offers it (exports)."""

    imports: frozenset[str]
    exports: frozenset[str]


@dataclass(frozen=True)
class Host:
    """A host: the interfaces it lets a component import, and the exports its HTTP trigger calls."""

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
    with tempfile.TemporaryDirectory() as scratch:
        module, component = Path(scratch, "module.wasm"), Path(scratch, "component.wasm")
        for command in (
            [WASM_TOOLS, "component", "embed", "--dummy", str(SDK_WIT), "--world", world, "-o", str(module)],
            [WASM_TOOLS, "component", "new", str(module), "-o", str(component)],
        ):
            subprocess.run(command, check=True, capture_output=True)
        world_surface = surface_of(component)
    wasi = {name for name in runtime.imports if name.startswith("wasi:")}
    return Surface(world_surface.imports | wasi, world_surface.exports)


# Types: the host's world in WIT, over the WIT packages spin-sdk installs


@dataclass(frozen=True)
class TypeCheck:
    conforms: bool | None  # None: the WIT packages of the host's world are not installed here
    error: str = ""

    def __str__(self) -> str:
        if self.conforms is None:
            return "not checked: its WIT packages are not installed here"
        return "match" if self.conforms else f"do not match: {self.error}"


def host_world(host: Host) -> str:
    """The host as one WIT world: every interface it defines, and the WASIp2 handler it calls."""
    handler = "wasi:http/incoming-handler@0.2.0"
    lines = [f"  import {name};" for name in sorted(host.imports)]
    if compatibility_key(handler) in {compatibility_key(name) for name in host.exports}:
        lines.append(f"  export {handler};")
    return "package employees:compat;\n\nworld host {\n" + "\n".join(lines) + "\n}\n"


def type_check(component: Path, host: Host) -> TypeCheck:
    """`wasm-tools component targets` of the component against the host's world, where spin-sdk's
    WIT packages define all of that world; they hold WASI 0.2.0 and Spin's interfaces up to 3.4."""
    with tempfile.TemporaryDirectory() as scratch:
        wit = Path(scratch)
        shutil.copytree(SDK_WIT / "deps", wit / "deps")
        (wit / "deps" / "fermyon-spin").mkdir()
        for package_file in SDK_WIT.glob("*.wit"):  # fermyon:spin@2.0.0 itself
            shutil.copy(package_file, wit / "deps" / "fermyon-spin")
        (wit / "world.wit").write_text(host_world(host))
        if subprocess.run([WASM_TOOLS, "component", "wit", str(wit)], capture_output=True).returncode != 0:
            return TypeCheck(None)
        targets = subprocess.run(
            [WASM_TOOLS, "component", "targets", "--semver-compatible", str(wit), str(component)],
            capture_output=True,
            text=True,
        )
    if targets.returncode != 0:
        return TypeCheck(False, targets.stderr.strip().splitlines()[-1].strip())
    return TypeCheck(True)


# The matrix


def matrix(columns: Mapping[str, Surface], hosts: Iterable[Host], types: Mapping[str, TypeCheck]) -> str:
    """A Markdown table: one row per host, one column per component, then app.wasm's type check."""
    lines = [
        "| host | " + " | ".join(columns) + " | app.wasm's types (`wasm-tools component targets`) |",
        "|---|" + "---|" * (len(columns) + 1),
    ]
    for host in hosts:
        cells = [str(check(surface, host)) for surface in columns.values()] + [str(types[host.name])]
        lines.append(f"| {host.name} (`{host.world}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def columns_for(component: Path) -> dict[str, Surface]:
    app = surface_of(component)
    return {"app.wasm (world `employees-http`)": app, "spin-sdk's `spin-http` world": sdk_world_surface(app)}


def report(component: Path) -> tuple[str, bool]:
    """The matrix for a component, and whether it runs on every supported host."""
    hosts = load_hosts()
    columns = columns_for(component)
    types = {host.name: type_check(component, host) for host in hosts}
    app = next(iter(columns.values()))
    runs = all(
        check(app, host).runs and types[host.name].conforms is not False for host in hosts if host.supported
    )
    return matrix(columns, hosts, types), runs


def main(arguments: list[str]) -> int:
    table, runs = report(Path(arguments[0]) if arguments else ROOT / "app.wasm")
    print(table)
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
