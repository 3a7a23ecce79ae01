"""Spin variables: manifest defaults, SPIN_VARIABLE_* overrides and Spin's errors."""

from __future__ import annotations

from typing import Any

import httpx

from devhost.tests.harness import MakeApp, RunHostToExit, StartHost

REQUIRED_TOKEN = 'greeting = { default = "hello" }\ntoken = { required = true }'
COMPONENT_VARIABLES = 'greeting = "{{ greeting }}"\ntoken = "Bearer {{ token }}"'


def variable(client: httpx.Client, name: str) -> dict[str, Any]:
    result: dict[str, Any] = client.get(f"/variable?{name}").json()
    return result


def test_a_variable_comes_from_its_manifest_default(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    assert variable(host.client, "greeting") == {"value": "hello"}
    assert variable(host.client, "literal") == {"value": "plain text"}


def test_spin_variable_environment_overrides_the_default(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app(), env={"SPIN_VARIABLE_GREETING": "from env"})

    assert variable(host.client, "greeting") == {"value": "from env"}


def test_a_required_variable_is_read_from_the_environment_through_its_template(
    make_app: MakeApp, start_host: StartHost
) -> None:
    app = make_app(app_variables=REQUIRED_TOKEN, component_variables=COMPONENT_VARIABLES)
    host = start_host(app, env={"SPIN_VARIABLE_TOKEN": "t0k"})

    assert variable(host.client, "token") == {"value": "Bearer t0k"}


def test_a_missing_required_variable_stops_the_host(
    make_app: MakeApp, run_host_to_exit: RunHostToExit
) -> None:
    app = make_app(app_variables=REQUIRED_TOKEN, component_variables=COMPONENT_VARIABLES)

    code, output = run_host_to_exit(app)

    assert code != 0
    assert 'no provider resolved required variable "token"' in output


def test_a_name_the_component_does_not_declare_is_undefined(make_app: MakeApp, start_host: StartHost) -> None:
    app = make_app(app_variables=REQUIRED_TOKEN, component_variables='greeting = "{{ greeting }}"')
    host = start_host(app, env={"SPIN_VARIABLE_TOKEN": "t0k"})

    assert variable(host.client, "token") == {
        "error": {"type": "Error_Undefined", "value": 'no variable for "fixture"."token"'}
    }


def test_an_invalid_variable_name_is_an_invalid_name_error(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    error = variable(host.client, "Greeting")["error"]

    assert error["type"] == "Error_InvalidName"
    assert error["value"].startswith('"Greeting": invalid character')


def test_an_empty_variable_value_reaches_python_without_a_trap(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), env={"SPIN_VARIABLE_GREETING": ""})

    assert variable(host.client, "greeting") == {"value": ""}
    assert variable(host.client, "literal") == {"value": "plain text"}
