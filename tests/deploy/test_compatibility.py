"""The host-compatibility check: Wasmtime's name matching, the hosts' data, and reading a world."""

from dataclasses import replace
from pathlib import Path

import pytest

from deploy.compatibility import (
    WASIP2,
    WASIP3,
    Host,
    Surface,
    TypeCheck,
    Verdict,
    as_meant,
    cell,
    check,
    compatibility_key,
    host_world,
    load_hosts,
    p3_sdk_wit,
    surface_of_text,
    trigger_world,
    world_surface,
)


def host(imports: set[str], exports: set[str] | None = None) -> Host:
    handler = {"wasi:http/incoming-handler@0.2.0"}
    return Host("test", "test:up@1.0.0", (), frozenset(imports), frozenset(exports or handler), True)


def needing(*imports: str) -> Surface:
    return Surface(frozenset(imports), frozenset({"wasi:http/incoming-handler@0.2.0"}))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("wasi:cli/environment@0.2.0", "wasi:cli/environment@0.2"),
        ("wasi:cli/environment@0.2.6", "wasi:cli/environment@0.2"),
        ("spin:sqlite/sqlite@3.1.0", "spin:sqlite/sqlite@3"),
        ("fermyon:spin/sqlite@2.0.0", "fermyon:spin/sqlite@2"),
        ("wasi:keyvalue/store@0.2.0-draft2", "wasi:keyvalue/store@0.2.0-draft2"),
        ("wasi:foo/bar@0.0.3", "wasi:foo/bar@0.0.3"),
        ("wasi:io/poll@0.2.9", "wasi:io/poll@0.2"),
        ("wasi:http/client@0.3.0", "wasi:http/client@0.3"),
        ("wasi:http/handler@0.3.0-rc-2026-03-15", "wasi:http/handler@0.3.0-rc-2026-03-15"),
        ("fermyon:spin/sqlite", "fermyon:spin/sqlite"),
    ],
)
def test_interfaces_match_by_semver_compatible_name_as_wasmtime_links_them(name: str, key: str) -> None:
    assert compatibility_key(name) == key


def test_an_older_patch_or_minor_import_runs_on_a_newer_host() -> None:
    newer = host({"wasi:cli/environment@0.2.6", "spin:sqlite/sqlite@3.1.0"})
    assert check(needing("wasi:cli/environment@0.2.0", "spin:sqlite/sqlite@3.0.0"), newer).runs


def test_a_missing_interface_or_major_version_is_named_as_the_reason() -> None:
    verdict = check(
        needing("spin:postgres/postgres@4.0.0", "wasi:cli/exit@0.2.0"),
        host({"wasi:cli/exit@0.2.6", "spin:postgres/postgres@3.0.0"}),
    )
    assert not verdict.runs
    assert str(verdict) == "does not run: lacks `spin:postgres/postgres@4.0.0`"


def test_a_prerelease_interface_must_match_exactly() -> None:
    draft = host({"wasi:keyvalue/store@0.2.0-draft2"})
    assert not check(needing("wasi:keyvalue/store@0.2.0-draft3"), draft).runs


def test_a_component_without_a_handler_the_trigger_calls_does_not_run() -> None:
    p3_only = host(set(), {"wasi:http/handler@0.3.0"})
    verdict = check(needing(), p3_only)
    assert str(verdict) == (
        "does not run: its trigger calls `wasi:http/handler@0.3.0`, not `wasi:http/incoming-handler@0.2.0`"
    )
    assert str(Verdict((), handler=False)) == "does not run: no HTTP handler export it calls"


# A WASIp3 component as componentize-py 0.25 builds one: WASI 0.2.9 from its Python runtime, the
# three WASI 0.3.0 interfaces spin-sdk 5's HTTP glue needs, Spin's synchronous SQLite.
P3_COMPONENT = Surface(
    frozenset(
        {
            "wasi:io/poll@0.2.9",
            "wasi:cli/environment@0.2.9",
            "fermyon:spin/sqlite@2.0.0",
            "wasi:clocks/types@0.3.0",
            "wasi:http/types@0.3.0",
            "wasi:http/client@0.3.0",
        }
    ),
    frozenset({"wasi:http/handler@0.3.0"}),
)
WASI_02 = {"wasi:io/poll@0.2.6", "wasi:cli/environment@0.2.6", "fermyon:spin/sqlite@2.0.0"}
P3_RC = {"wasi:clocks/types@0.3.0-rc-2026-03-15", "wasi:http/types@0.3.0-rc-2026-03-15"}


def test_a_wasip3_component_runs_where_wasi_0_3_0_is_defined_and_its_handler_called() -> None:
    spin_41 = host(
        WASI_02 | P3_RC | {"wasi:clocks/types@0.3.0", "wasi:http/types@0.3.0", "wasi:http/client@0.3.0"},
        {"wasi:http/incoming-handler@0.2.0", "wasi:http/handler@0.3.0"},
    )

    assert P3_COMPONENT.wasi == WASIP3
    assert check(P3_COMPONENT, spin_41).runs  # its 0.2.9 imports link to the host's 0.2.6


def test_a_release_candidate_host_does_not_run_a_wasi_0_3_0_component_and_says_why() -> None:
    spin_40 = host(
        WASI_02 | P3_RC | {"wasi:http/client@0.3.0-rc-2026-03-15"},
        {"wasi:http/incoming-handler@0.2.0", "wasi:http/handler@0.3.0-rc-2026-03-15"},
    )

    verdict = check(P3_COMPONENT, spin_40)

    assert verdict.missing == ("wasi:clocks/types@0.3.0", "wasi:http/client@0.3.0", "wasi:http/types@0.3.0")
    assert not verdict.handler
    assert str(verdict).endswith(
        "; its trigger calls `wasi:http/handler@0.3.0-rc-2026-03-15` (a prerelease, which links only to "
        "itself), not `wasi:http/handler@0.3.0`"
    )


def test_a_wasip2_host_does_not_run_a_wasip3_component() -> None:
    verdict = check(P3_COMPONENT, host(WASI_02))

    assert not verdict.runs
    assert str(verdict).endswith(
        "its trigger calls `wasi:http/incoming-handler@0.2.0`, not `wasi:http/handler@0.3.0`"
    )
    assert needing().wasi == WASIP2


def test_each_component_must_run_on_exactly_the_hosts_meant_for_its_kind() -> None:
    wasip2_only = host(
        WASI_02 | {"wasi:http/types@0.3.0", "wasi:http/client@0.3.0", "wasi:clocks/types@0.3.0"}
    )
    both = replace(
        wasip2_only, exports=frozenset({"wasi:http/handler@0.3.0"}), runs=frozenset({WASIP2, WASIP3})
    )

    assert as_meant(P3_COMPONENT, both, TypeCheck(True))
    assert not as_meant(P3_COMPONENT, both, TypeCheck(False, "a type differs"))
    assert as_meant(P3_COMPONENT, wasip2_only, TypeCheck(False))  # not meant for it, and does not run
    assert not as_meant(P3_COMPONENT, replace(both, runs=frozenset({WASIP2})), TypeCheck(True))
    assert not as_meant(needing("wasi:io/poll@0.2.0"), host(set()), TypeCheck(None))


def test_a_cell_joins_the_names_and_the_types() -> None:
    runs, missing = Verdict((), handler=True), Verdict(("x:y/z@1.0.0",), handler=True)

    assert cell(runs, TypeCheck(True)) == "runs; types match"
    assert cell(runs, TypeCheck(False, "missing import named `x`")) == (
        "does not run: types do not match: missing import named `x`"
    )
    assert cell(runs, TypeCheck(None)).startswith("runs by name; types not checked")
    assert cell(missing, TypeCheck(False, "…")) == "does not run: lacks `x:y/z@1.0.0`"
    assert cell(runs) == "runs"


def test_every_host_names_its_sources_and_defines_spin_sqlite_and_wasi() -> None:
    hosts = load_hosts()
    assert [h.name for h in hosts if h.supported] == [
        "Spin 3.4",
        "Spin 4.1",
        "SpinKube containerd-shim-spin v0.25.0",
    ]
    assert [h.name for h in hosts if WASIP3 in h.runs] == ["Spin 4.1"]
    assert all(WASIP2 in h.runs for h in hosts)
    for each in hosts:
        assert each.sources
        assert all(source.startswith("https://github.com/") for source in each.sources)
        assert check(needing("fermyon:spin/sqlite@2.0.0", "wasi:io/streams@0.2.0"), each).runs, each.name


def test_includes_are_flattened_like_wit_includes() -> None:
    spin_34 = next(h for h in load_hosts() if h.name == "Spin 3.4")
    assert {
        "wasi:cli/environment@0.2.0",
        "fermyon:spin/variables@2.0.0",
        "wasi:keyvalue/batch@0.2.0-draft2",
    } <= spin_34.imports


def test_the_world_is_read_from_wasm_tools_output_without_nested_items() -> None:
    wit = """package root:component;

world root {
  import wasi:io/error@0.2.0;
  import fermyon:spin/sqlite@2.0.0;
  export exports: interface {
    record bundled {
      module: string,
    }
  }
  export wasi:http/incoming-handler@0.2.0;
}
"""
    assert surface_of_text(wit) == Surface(
        frozenset({"wasi:io/error@0.2.0", "fermyon:spin/sqlite@2.0.0"}),
        frozenset({"wasi:http/incoming-handler@0.2.0"}),
    )


def test_a_host_is_written_as_one_wit_world_exporting_the_wasip2_handler_it_calls() -> None:
    world = host_world(
        host({"wasi:io/error@0.2.6", "fermyon:spin/sqlite@2.0.0"}, {"wasi:http/incoming-handler@0.2.6"})
    )
    p3_only = host_world(host({"wasi:io/error@0.2.6"}, {"wasi:http/handler@0.3.0"}))

    assert world.splitlines()[2:] == [
        "world host {",
        "  import fermyon:spin/sqlite@2.0.0;",
        "  import wasi:io/error@0.2.6;",
        "  export wasi:http/incoming-handler@0.2.0;",
        "}",
    ]
    assert "export" not in p3_only


# The hosts' interface sets against the WIT that spin-sdk 5.0.0 installs in .venv-p3 (its own package
# spin:up@4.1.0, and spin:up@4.0.0, @3.4.0 and @3.2.0 among its deps). wasm-tools reads the files;
# nothing is imported from that environment.


@pytest.fixture(scope="module")
def sdk5_wit() -> Path:
    wit = p3_sdk_wit()
    if wit is None:
        pytest.fail(
            "spin-sdk 5's WIT is not installed in .venv-p3: run the tests with `make test`, which installs it"
        )
    return wit


@pytest.mark.parametrize(
    ("name", "world"),
    [
        ("Spin 3.2", "spin:up/platform@3.2.0"),
        ("Spin 3.4", "spin:up/platform@3.4.0"),
        ("Spin 4.1", "spin:up/platform@4.1.0"),
        ("SpinKube containerd-shim-spin v0.25.0", "spin:up/platform@4.0.0"),
    ],
)
def test_each_host_defines_what_its_platform_world_in_spin_sdk_5_defines(
    sdk5_wit: Path, name: str, world: str
) -> None:
    """By the names Wasmtime links: the resolved world keeps one of semver-compatible versions."""
    listed = next(h for h in load_hosts() if h.name == name)
    resolved = world_surface(sdk5_wit, world)

    assert {compatibility_key(n) for n in listed.imports} == {compatibility_key(n) for n in resolved.imports}


def test_each_host_calls_the_handler_its_http_trigger_world_exports(sdk5_wit: Path) -> None:
    for each in load_hosts():
        world = trigger_world(each, sdk5_wit)
        assert world is not None, each.name
        assert world_surface(sdk5_wit, world).exports <= each.exports, each.name


def test_the_host_world_is_named_as_wasm_tools_finds_it(sdk5_wit: Path) -> None:
    hosts = {h.name: h for h in load_hosts()}
    unknown = Host("Spin 9", "spin:up@9.0.0", (), frozenset(), frozenset(), False)

    assert trigger_world(hosts["Spin 4.1"], sdk5_wit) == "http-trigger"  # the SDK's own package
    assert (
        trigger_world(hosts["SpinKube containerd-shim-spin v0.25.0"], sdk5_wit)
        == "spin:up/http-trigger@4.0.0"
    )
    assert trigger_world(unknown, sdk5_wit) is None
