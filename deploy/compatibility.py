"""Which hosts can run the two components: app.wasm (WASIp2) and app-p3.wasm (WASIp3).

Each component's imports and exports (from `wasm-tools component wit`) are linked by name against
the interface sets of the hosts in deploy/hosts.toml, the way Wasmtime links them; and its types are
checked with `wasm-tools component targets --semver-compatible`:
- app.wasm against each host's world written in WIT from hosts.toml (the host's interfaces, and the
  WASIp2 handler its trigger calls), over the WIT packages of spin-sdk 3.4.1, the SDK it is built
  with, or of spin-sdk 5.0.0 where 3.4.1's lack the host's packages (WASI 0.2.6, Spin 4's);
- app-p3.wasm against the host's own `http-trigger` world as spin-sdk 5.0.0's WIT ships it
  (`spin:up@4.1.0`, and in its deps `spin:up@4.0.0`, `@3.4.0`, `@3.2.0`).
spin-sdk 5.0.0 is installed in .venv-p3, which this environment cannot import from: its Python is
asked where the package lies, and wasm-tools reads the WIT files there.

`python -m deploy.compatibility [app.wasm app-p3.wasm]` (or `make compat`) prints the matrix in the
README, beside the name check for spin-sdk 3.4.1's own `spin-http` world, which app.wasm was built
for before its world was trimmed (wit/employees.wit). It fails unless each component runs on exactly
the supported hosts that hosts.toml says run its kind (`runs`)."""

import functools
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import spin_sdk

ROOT = Path(__file__).resolve().parent.parent
HOSTS = ROOT / "deploy" / "hosts.toml"
COMPONENTS = (ROOT / "app.wasm", ROOT / "app-p3.wasm")
WASM_TOOLS = str(Path(sys.executable).with_name("wasm-tools"))
SDK_WIT = Path(spin_sdk.__file__).parent / "wit"  # spin-sdk 3.4.1's WIT packages (this environment)
SDK_VERSION = version("spin-sdk")
P3_PYTHON = ROOT / ".venv-p3" / "bin" / "python"  # the WASIp3 build's environment, with spin-sdk 5
WASIP2, WASIP3 = "WASIp2", "WASIp3"
_WORLD_ITEM = re.compile(r"^  (import|export) ([a-z][\w-]*:[\w:/.@-]+);$", re.MULTILINE)
_OFFSET = re.compile(r" \(at offset 0x[0-9a-f]+\)$")


@dataclass(frozen=True)
class Surface:
    """What a component needs from a host (imports) and offers it (exports)."""

    imports: frozenset[str]
    exports: frozenset[str]

    @property
    def wasi(self) -> str:
        """WASIp3 if it exports a `wasi:http/handler@0.3` (of WASI 0.3.0 or a candidate), else WASIp2."""
        return WASIP3 if any(name.startswith("wasi:http/handler@0.3") for name in self.exports) else WASIP2


@dataclass(frozen=True)
class Host:
    """A host: the interfaces it lets a component import, the exports its HTTP trigger calls, and
    which kinds of component it is meant to run (WASIp2, WASIp3)."""

    name: str
    world: str
    sources: tuple[str, ...]
    imports: frozenset[str]
    exports: frozenset[str]
    supported: bool
    runs: frozenset[str] = frozenset({WASIP2})


def interface(name: str) -> str:
    return name.partition("@")[0]


def is_prerelease(name: str) -> bool:
    return "-" in name.partition("@")[2]


@dataclass(frozen=True)
class Verdict:
    missing: tuple[str, ...]  # imports the host does not define in any compatible version
    handler: bool  # the host's HTTP trigger finds an export it can call
    calls: tuple[str, ...] = ()  # the exports the host's trigger calls
    offers: tuple[str, ...] = ()  # the component's exports

    @property
    def runs(self) -> bool:
        return self.handler and not self.missing

    def __str__(self) -> str:
        if self.runs:
            return "runs"
        reasons = ["lacks " + ", ".join(f"`{name}`" for name in self.missing)] if self.missing else []
        if not self.handler:
            reasons.append(self._unhandled())
        return "does not run: " + "; ".join(reasons)

    def _unhandled(self) -> str:
        if not self.calls or not self.offers:
            return "no HTTP handler export it calls"
        # The export of the same interface in another version, if the trigger calls one.
        related = [name for name in self.calls if interface(name) in {interface(o) for o in self.offers}]
        calls = ", ".join(
            f"`{name}`" + (" (a prerelease, which links only to itself)" if is_prerelease(name) else "")
            for name in related or self.calls
        )
        return f"its trigger calls {calls}, not " + ", ".join(f"`{name}`" for name in self.offers)


def compatibility_key(name: str) -> str:
    """The name Wasmtime's component Linker matches an interface by: `@1.2.3` → `@1` and
    `@0.2.3` → `@0.2`; a prerelease or a 0.0.x version matches only itself (wasmtime PR #7994).
    So a component's `@0.2.9` import links to a host's `@0.2.6` and `@0.3.0` to `@0.3.1`, but
    `@0.3.0` never to `@0.3.0-rc-2026-03-15`."""
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
    return Verdict(tuple(missing), handler, tuple(sorted(host.exports)), tuple(sorted(surface.exports)))


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
            frozenset(host["runs"]),
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


def world_surface(wit: Path, world: str) -> Surface:
    """The imports and exports of a WIT world, all of them resolved (includes, and the interfaces the
    world's interfaces use): read from a stand-in component that wasm-tools generates for it. Like
    Wasmtime, wasm-tools keeps one of semver-compatible versions: the newest (`@0.2.6` of `@0.2.0`)."""
    with tempfile.TemporaryDirectory() as scratch:
        module, component = Path(scratch, "module.wasm"), Path(scratch, "component.wasm")
        for command in (
            [WASM_TOOLS, "component", "embed", "--dummy", str(wit), "--world", world, "-o", str(module)],
            [WASM_TOOLS, "component", "new", str(module), "-o", str(component)],
        ):
            subprocess.run(command, check=True, capture_output=True)
        return surface_of(component)


def sdk_world_surface(runtime: Surface, world: str = "spin-http") -> Surface:
    """What a component built for spin-sdk's own world imports: the world's interfaces plus what the
    Python runtime imports."""
    sdk_world = world_surface(SDK_WIT, world)
    wasi = {name for name in runtime.imports if name.startswith("wasi:")}
    return Surface(sdk_world.imports | wasi, sdk_world.exports)


@functools.cache
def p3_sdk_wit() -> Path | None:
    """spin-sdk 5's WIT packages, where .venv-p3's Python finds spin_sdk; None if not installed."""
    if not P3_PYTHON.exists():
        return None
    found = subprocess.run(
        [str(P3_PYTHON), "-c", "import spin_sdk, os; print(os.path.dirname(spin_sdk.__file__))"],
        capture_output=True,
        text=True,
    )
    wit = Path(found.stdout.strip()) / "wit"
    return wit if found.returncode == 0 and (wit / "world.wit").exists() else None


# Types: `wasm-tools component targets` of a component against a host's world


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


def targets(component: Path, wit: Path, world: str | None = None) -> TypeCheck:
    command = [WASM_TOOLS, "component", "targets", "--semver-compatible", str(wit), str(component)]
    if world:
        command[4:4] = ["--world", world]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return TypeCheck(False, _OFFSET.sub("", result.stderr.strip().splitlines()[-1].strip()))
    return TypeCheck(True)


def written_world_type_check(component: Path, host: Host) -> TypeCheck:
    """The component against the host's world written from hosts.toml (host_world), over the WIT
    packages of spin-sdk 3.4.1, or of spin-sdk 5.0.0 where those lack some of the host's packages."""
    for sdk_wit in (SDK_WIT, p3_sdk_wit()):
        if sdk_wit is None:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            wit = Path(scratch)
            shutil.copytree(sdk_wit / "deps", wit / "deps")
            (wit / "deps" / "sdk-root").mkdir()  # the SDK's own package: fermyon:spin@2.0.0, spin:up@4.1.0
            for package_file in sdk_wit.glob("*.wit"):
                shutil.copy(package_file, wit / "deps" / "sdk-root")
            (wit / "world.wit").write_text(host_world(host))
            if resolves(wit):
                return targets(component, wit)
    return TypeCheck(None)


def resolves(wit: Path) -> bool:
    """Whether wasm-tools finds every package the WIT in this directory uses."""
    return subprocess.run([WASM_TOOLS, "component", "wit", str(wit)], capture_output=True).returncode == 0


def trigger_world(host: Host, wit: Path) -> str | None:
    """The name of the host's own `http-trigger` world in spin-sdk 5's WIT: `http-trigger` in the
    SDK's package (`spin:up@4.1.0`), `spin:up/http-trigger@4.0.0` and so on in its deps."""
    declaration = f"package {host.world};"
    if declaration in (wit / "world.wit").read_text().splitlines():
        return "http-trigger"
    if any(declaration in wit_file.read_text().splitlines() for wit_file in (wit / "deps").rglob("*.wit")):
        return host.world.replace("@", "/http-trigger@")
    return None


def trigger_type_check(component: Path, host: Host) -> TypeCheck:
    """The component against the host's own `http-trigger` world as spin-sdk 5's WIT ships it; for
    Spin 4.1: `wasm-tools component targets --semver-compatible --world http-trigger <wit> <component>`."""
    wit = p3_sdk_wit()
    world = trigger_world(host, wit) if wit else None
    if wit is None or world is None:
        return TypeCheck(None)
    return targets(component, wit, world)


def type_check(component: Path, host: Host, wasi: str = WASIP2) -> TypeCheck:
    return (
        trigger_type_check(component, host) if wasi == WASIP3 else written_world_type_check(component, host)
    )


# The matrix


def cell(verdict: Verdict, types: TypeCheck | None = None) -> str:
    """One component on one host: linked by name, then, if it links, its types."""
    if types is None or not verdict.runs:
        return str(verdict)
    if types.conforms is None:
        return f"runs by name; types {types}"
    return "runs; types match" if types.conforms else f"does not run: types {types}"


def as_meant(surface: Surface, host: Host, types: TypeCheck) -> bool:
    """Whether a component runs on a host (by name, and by types unless unchecked) exactly if the
    host is meant to run its kind: a WASIp3 component on a WASIp2-only host is as wrong a result
    as a WASIp2 component that a supported host cannot run."""
    runs = check(surface, host).runs and types.conforms is not False
    return runs == (surface.wasi in host.runs)


@dataclass(frozen=True)
class Column:
    title: str
    surface: Surface
    component: Path | None = None  # None: a world's names only, without a built component


def matrix(
    columns: Sequence[Column], hosts: Iterable[Host], types: Mapping[tuple[str, str], TypeCheck]
) -> str:
    """A Markdown table: one row per host, one column per component (and spin-sdk's own world)."""
    lines = [
        "| host | " + " | ".join(column.title for column in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for host in hosts:
        cells = [
            cell(
                check(column.surface, host),
                types.get((column.title, host.name)) if column.component else None,
            )
            for column in columns
        ]
        lines.append(f"| {host.name} (`{host.world}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def columns_for(components: Sequence[Path]) -> list[Column]:
    columns = []
    for component in components:
        if not component.exists():
            raise FileNotFoundError(f"{component.name} is missing: build it with `make build`")
        surface = surface_of(component)
        columns.append(Column(f"{component.name} ({surface.wasi})", surface, component))
    p2 = next((column.surface for column in columns if column.surface.wasi == WASIP2), None)
    if p2 is not None:
        sdk_world = sdk_world_surface(p2)
        columns.append(Column(f"spin-sdk {SDK_VERSION}'s `spin-http` world (names only)", sdk_world))
    return columns


def report(components: Sequence[Path] = COMPONENTS) -> tuple[str, bool]:
    """The matrix for the components, and whether each runs on exactly the supported hosts that
    hosts.toml says run its kind (WASIp2 or WASIp3)."""
    hosts = load_hosts()
    columns = columns_for(components)
    types = {
        (column.title, host.name): type_check(column.component, host, column.surface.wasi)
        for column in columns
        if column.component
        for host in hosts
    }
    ok = all(
        as_meant(column.surface, host, types[column.title, host.name])
        for column in columns
        if column.component
        for host in hosts
        if host.supported
    )
    return matrix(columns, hosts, types), ok


def main(arguments: list[str]) -> int:
    table, ok = report([Path(argument) for argument in arguments] or COMPONENTS)
    print(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
