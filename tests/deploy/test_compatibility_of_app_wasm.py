"""The built components against the hosts they are meant for: their trimmed worlds, their types, and
the README's matrix. Both components are read with wasm-tools; spin-sdk 5's WIT is read from
.venv-p3's files, never imported."""

from dataclasses import replace
from pathlib import Path

import pytest

from deploy.compatibility import WASIP2, WASIP3, load_hosts, report, surface_of, type_check
from tests.spin_server import ROOT


def built(name: str) -> Path:
    component = ROOT / name
    if not component.exists():
        pytest.fail(f"{name} is missing: run the tests with `make test`, which builds it")
    return component


@pytest.fixture(scope="module")
def app_wasm() -> Path:
    return built("app.wasm")


@pytest.fixture(scope="module")
def app_p3_wasm() -> Path:
    return built("app-p3.wasm")


def test_app_wasm_imports_only_wasi_spin_sqlite_and_spin_variables(app_wasm: Path) -> None:
    surface = surface_of(app_wasm)

    # app.py speaks wasi:http itself, without spin_sdk.http, whose outgoing bindings this needed.
    assert {name for name in surface.imports if name.startswith("wasi:http/")} == {"wasi:http/types@0.2.0"}
    assert {name for name in surface.imports if not name.startswith("wasi:")} == {
        "fermyon:spin/sqlite@2.0.0",
        "fermyon:spin/variables@2.0.0",
    }
    assert surface.exports == {"wasi:http/incoming-handler@0.2.0"}
    assert surface.wasi == WASIP2


def test_app_p3_wasm_imports_wasi_0_2_spin_sqlite_spin_variables_and_four_wasi_0_3_interfaces(
    app_p3_wasm: Path,
) -> None:
    surface = surface_of(app_p3_wasm)

    assert {name for name in surface.imports if not name.startswith("wasi:")} == {
        "fermyon:spin/sqlite@2.0.0",
        "fermyon:spin/variables@2.0.0",
    }
    assert {name for name in surface.imports if name.startswith("wasi:") and "@0.2." not in name} == {
        "wasi:clocks/monotonic-clock@0.3.0",
        "wasi:clocks/types@0.3.0",
        "wasi:http/types@0.3.0",
        "wasi:http/client@0.3.0",
    }
    assert surface.exports == {"wasi:http/handler@0.3.0"}
    assert surface.wasi == WASIP3


def test_each_component_runs_on_the_supported_hosts_meant_for_it_and_the_readme_shows_this_matrix(
    app_wasm: Path, app_p3_wasm: Path
) -> None:
    table, ok = report([app_wasm, app_p3_wasm])

    assert ok
    assert table in (ROOT / "README.md").read_text()


def test_app_p3_wasm_matches_spin_4_1s_http_trigger_world_and_no_older_hosts(app_p3_wasm: Path) -> None:
    hosts = {host.name: host for host in load_hosts()}

    assert type_check(app_p3_wasm, hosts["Spin 4.1"], WASIP3).conforms is True
    for older in ("Spin 3.4", "SpinKube containerd-shim-spin v0.25.0"):
        verdict = type_check(app_p3_wasm, hosts[older], WASIP3)
        assert verdict.conforms is False, older
        assert "wasi:clocks/types@0.3.0" in verdict.error, older


def test_wasm_tools_finds_an_interface_a_host_lacks_by_its_types(app_wasm: Path) -> None:
    for name in ("Spin 3.4", "Spin 4.1"):  # over spin-sdk 3.4.1's WIT, and over spin-sdk 5's
        host = next(host for host in load_hosts() if host.name == name)
        without_variables = replace(host, imports=host.imports - {"fermyon:spin/variables@2.0.0"})

        assert type_check(app_wasm, host).conforms is True, name
        verdict = type_check(app_wasm, without_variables)
        assert verdict.conforms is False, name
        assert "fermyon:spin/variables@2.0.0" in verdict.error, name


def test_a_host_whose_wit_is_not_installed_is_said_to_be_unchecked(app_wasm: Path, app_p3_wasm: Path) -> None:
    spin_41 = next(host for host in load_hosts() if host.name == "Spin 4.1")
    unknown = replace(spin_41, world="spin:up@9.0.0", imports=spin_41.imports | {"example:made/up@1.0.0"})

    assert type_check(app_wasm, unknown).conforms is None
    assert type_check(app_p3_wasm, unknown, WASIP3).conforms is None
