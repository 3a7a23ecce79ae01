"""The host-compatibility check: Wasmtime's name matching, the hosts' data, and reading a world."""

import pytest

from deploy.compatibility import (
    Host,
    Surface,
    check,
    compatibility_key,
    host_world,
    load_hosts,
    surface_of_text,
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
    assert str(verdict) == "does not run: no HTTP handler export it calls"


def test_every_host_names_its_sources_and_defines_spin_sqlite_and_wasi() -> None:
    hosts = load_hosts()
    assert [h.name for h in hosts if h.supported] == [
        "Spin 3.4",
        "Spin 4.1",
        "SpinKube containerd-shim-spin v0.25.0",
    ]
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
