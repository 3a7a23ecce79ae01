"""The SpinKube deployment in deploy/spinkube: every manifest against the SpinApp fields it uses, the
runtime config against what Spin accepts for libSQL, and both against the app and spin.toml."""

import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from api.service import handle
from storage.database import Erasure
from tests.native_db import NativeDatabase
from web.http import Request

ROOT = Path(__file__).resolve().parents[2]
SPINKUBE = ROOT / "deploy" / "spinkube"

# The SpinApp CRD of spin-operator v0.6 (core.spinkube.dev/v1alpha1), written out for the fields
# our manifest uses. Source: spinframework/spin-operator, config/crd/bases/core.spinkube.dev_spinapps.yaml
# and api/v1alpha1/spinapp_types.go. The CRD is a structural schema: the API server drops (or, with
# strict field validation, rejects) any field it does not define, so every object here is closed.
SPEC_FIELDS = {
    "checks", "components", "deploymentAnnotations", "enableAutoscaling", "executor", "image",
    "imagePullSecrets", "invocationLimits", "podAnnotations", "podLabels", "replicas", "resources",
    "runtimeConfig", "serviceAccountName", "serviceAnnotations", "variables", "volumeMounts", "volumes",
}  # fmt: skip
STRING: dict[str, Any] = {"type": "string"}
INT32: dict[str, Any] = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}


def closed(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


KEY_REF = closed({"name": STRING, "key": STRING, "optional": {"type": "boolean"}}, "key")
PROBE = closed(
    {
        "httpGet": closed(
            {
                "path": STRING,
                "httpHeaders": {"type": "array", "items": closed({"name": STRING, "value": STRING})},
            },
            "path",
        ),
        **{f: INT32 for f in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold")},
        "failureThreshold": INT32,
    }
)
VARIABLE = closed(
    {
        "name": STRING,
        "value": STRING,
        "valueFrom": closed({"secretKeyRef": KEY_REF, "configMapKeyRef": KEY_REF}),
    },
    "name",
)
SPINAPP = closed(
    {
        "apiVersion": {"const": "core.spinkube.dev/v1alpha1"},
        "kind": {"const": "SpinApp"},
        "metadata": closed({"name": STRING, "namespace": STRING}, "name"),
        "spec": closed(
            {
                "image": STRING,
                "executor": STRING,
                "replicas": {**INT32, "minimum": 1},  # the operator's webhook refuses 0 without autoscaling
                "runtimeConfig": closed({"loadFromSecret": STRING}),
                "variables": {"type": "array", "items": VARIABLE},
                "checks": closed({"liveness": PROBE, "readiness": PROBE}),
            },
            "image",
            "executor",
        ),
    },
    "apiVersion",
    "kind",
    "metadata",
    "spec",
)


def manifests() -> list[dict[str, Any]]:
    return [doc for path in sorted(SPINKUBE.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text())]


def spinapp() -> dict[str, Any]:
    [found] = [doc for doc in manifests() if doc["kind"] == "SpinApp"]
    return found


def runtime_config() -> dict[str, Any]:
    return tomllib.loads((SPINKUBE / "runtime-config.toml").read_text())


def test_every_manifest_uses_only_spinapp_fields_of_the_right_types() -> None:
    assert [doc["kind"] for doc in manifests()] == ["SpinApp"]
    for doc in manifests():
        jsonschema.validate(doc, SPINAPP)
        assert set(doc["spec"]) <= SPEC_FIELDS


@pytest.mark.parametrize(
    "change",
    [
        {"replicas": "2"},
        {"replicas": 0},
        {"checks": {"liveness": {"httpGet": {}}}},
        {"variables": [{"name": "admin_token", "value": 12345}]},  # scaffold's unquoted --variable value
        {"runtimeConfig": {"loadFromSecrets": "typo"}},
    ],
)
def test_the_schema_refuses_what_the_cluster_would_refuse(change: dict[str, Any]) -> None:
    broken = spinapp()
    broken["spec"].update(change)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SPINAPP)


def test_the_spinapp_holds_what_spin_kube_scaffold_writes_for_its_image_and_runtime_config() -> None:
    """`spin kube scaffold --from <image> -c runtime-config.toml` (spin-plugin-kube 0.4): the name is the
    image's last path segment without the tag; the runtime config goes into `<name>-runtime-config`."""
    spec = spinapp()["spec"]
    name = spec["image"].rsplit("/", 1)[-1].split(":")[0]

    assert spinapp()["metadata"]["name"] == name
    assert spec["executor"] == "containerd-shim-spin"
    assert spec["replicas"] == 2
    assert spec["runtimeConfig"] == {"loadFromSecret": f"{name}-runtime-config"}


def test_both_probes_ask_healthz_which_is_ready_only_on_a_migrated_database(tmp_path: Path) -> None:
    migrated, empty = NativeDatabase(tmp_path / "migrated.db"), NativeDatabase(tmp_path / "empty.db")
    migrated.migrate()
    checks = spinapp()["spec"]["checks"]

    for probe in (checks["readiness"], checks["liveness"]):
        path = probe["httpGet"]["path"]
        assert handle(Request.of("GET", path, {}, b""), migrated).status == 200
        assert handle(Request.of("GET", path, {}, b""), empty).status == 503


def test_every_secret_spin_variable_comes_from_a_kubernetes_secret_never_from_the_manifest() -> None:
    declared = tomllib.loads((ROOT / "spin.toml").read_text())["variables"]
    given = {variable["name"]: variable for variable in spinapp()["spec"]["variables"]}

    assert set(given) == set(declared)
    for name, variable in given.items():
        if declared[name].get("secret"):
            assert "value" not in variable
            assert set(variable["valueFrom"]) == {"secretKeyRef"}


def test_the_spinapp_erases_by_deleting_because_its_database_is_a_libsql_server() -> None:
    given = {variable["name"]: variable for variable in spinapp()["spec"]["variables"]}

    assert runtime_config()["sqlite_database"]["default"]["type"] == "libsql"
    assert given["erasure"] == {"name": "erasure", "value": Erasure.DELETE.value}


def test_the_runtime_config_points_the_default_database_at_libsql_over_https() -> None:
    databases = runtime_config()["sqlite_database"]
    manifest = tomllib.loads((ROOT / "spin.toml").read_text())

    assert set(databases) == set(manifest["component"]["employees-cqrs"]["sqlite_databases"]) == {"default"}
    # Spin's libSQL config takes exactly these keys, and only http(s) URLs.
    assert set(databases["default"]) == {"type", "url", "token"}
    assert databases["default"]["type"] == "libsql"
    assert databases["default"]["url"].startswith("https://")
