"""The built app.wasm against the hosts it is meant for: its trimmed world and the README's matrix."""

from dataclasses import replace
from pathlib import Path

from deploy.compatibility import load_hosts, report, surface_of, type_check
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
    table, runs = report(built_component)

    assert runs
    assert table in (ROOT / "README.md").read_text()


def test_wasm_tools_finds_an_interface_a_host_lacks_by_its_types(built_component: Path) -> None:
    host = next(host for host in load_hosts() if host.name == "Spin 3.4")
    without_variables = replace(host, imports=host.imports - {"fermyon:spin/variables@2.0.0"})

    assert type_check(built_component, host).conforms is True
    verdict = type_check(built_component, without_variables)
    assert verdict.conforms is False
    assert "fermyon:spin/variables@2.0.0" in verdict.error


def test_a_host_whose_wit_is_not_installed_is_said_to_be_unchecked(built_component: Path) -> None:
    spin_41 = next(host for host in load_hosts() if host.name == "Spin 4.1")
    assert type_check(built_component, spin_41).conforms is None
