"""The built app.wasm against the hosts it is meant for: its trimmed world and the README's matrix."""

from pathlib import Path

from deploy.compatibility import columns_for, load_hosts, matrix, surface_of
from tests.spin_server import ROOT


def test_app_wasm_imports_only_wasi_spin_sqlite_and_spin_variables(built_component: Path) -> None:
    surface = surface_of(built_component)

    assert {name for name in surface.imports if not name.startswith("wasi:")} == {
        "fermyon:spin/sqlite@2.0.0",
        "fermyon:spin/variables@2.0.0",
    }
    assert surface.exports == {"wasi:http/incoming-handler@0.2.0"}


def test_app_wasm_runs_on_every_supported_host_and_the_readme_shows_this_matrix(
    built_component: Path,
) -> None:
    hosts = load_hosts()
    table = matrix(columns_for(built_component), hosts)

    assert table in (ROOT / "README.md").read_text()
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in table.splitlines()[2:]}
    for host in (h for h in hosts if h.supported):
        assert rows[f"{host.name} (`{host.world}`)"].split(" | ")[1] == "runs"
