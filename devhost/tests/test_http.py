"""The devhost's HTTP behaviour: what reaches the component and what comes back."""

from __future__ import annotations

import base64

from devhost.tests.harness import MakeApp, StartHost


def test_a_request_reaches_the_component_with_method_path_headers_and_body(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())
    body = bytes(range(256))

    response = host.client.post("/api/echo?x=1&y=2", content=body, headers={"X-Custom": "v"})

    assert response.status_code == 200
    echoed = response.json()
    assert echoed["method"] == "POST"
    assert echoed["uri"] == "/api/echo?x=1&y=2"
    assert echoed["headers"]["x-custom"] == "v"
    assert base64.b64decode(echoed["body"]) == body


def test_the_component_gets_spin_routing_headers(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app(route="/api/..."))

    headers = host.client.get("/api/v1/echo?q=1").json()["headers"]

    port = host.url.rsplit(":", 1)[1]
    assert headers["spin-full-url"] == f"http://127.0.0.1:{port}/api/v1/echo?q=1"
    assert headers["spin-path-info"] == "/v1/echo"
    assert headers["spin-matched-route"] == "/api/..."
    assert headers["spin-raw-component-route"] == "/api/..."
    assert headers["spin-component-route"] == "/api"
    assert headers["spin-base-path"] == "/"
    assert headers["spin-client-addr"].startswith("127.0.0.1:")
    assert "host" not in headers


def test_an_unknown_route_returns_404_without_calling_the_component(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(route="/api/..."))

    missing = host.client.get("/elsewhere/counter")
    counted = host.client.get("/api/counter")

    assert missing.status_code == 404
    assert missing.content == b""
    assert counted.json() == {"count": 1}


def test_a_head_request_reaches_the_component_and_gets_no_body(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())

    response = host.client.head("/echo")

    assert response.status_code == 200
    assert response.headers["x-seen-method"] == "HEAD"
    assert int(response.headers["content-length"]) > 0
    assert response.content == b""


def test_the_component_sees_only_the_manifest_and_env_flag_environment(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), "--env", "FROM_FLAG=1", env={"HOST_ONLY": "secret"})

    environment = host.client.get("/echo").json()["environment"]

    assert environment == {"FROM_MANIFEST": "yes", "FROM_FLAG": "1"}


def test_component_stdout_goes_to_the_host_stderr(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    host.client.get("/echo?marker")

    assert "echo handled GET /echo?marker" in host.stderr()
    assert "echo handled" not in host.stdout()


def test_a_response_without_a_body_keeps_its_status_and_headers_like_spin(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())

    response = host.client.get("/no-body")

    assert response.status_code == 202
    assert response.headers["x-no-body"] == "yes"
    assert response.content == b""
    assert host.client.get("/counter").status_code == 200


def test_a_handler_that_sets_no_response_gets_500(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    response = host.client.get("/no-response")

    assert response.status_code == 500
    assert "guest failed to produce a response" in host.output()


def test_an_exception_in_an_sdk_handler_gets_the_sdk_500(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    response = host.client.get("/error")

    assert response.status_code == 500
    assert "RuntimeError: handler failed" in host.output()


def test_the_spin_health_endpoint_answers_ok(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    response = host.client.get("/.well-known/spin/health")

    assert response.status_code == 200
    assert response.text == "OK"


def test_an_unsupported_spin_interface_returns_an_err_to_python(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())

    key_value = host.client.get("/unsupported?key-value").json()
    outbound = host.client.get("/unsupported?outbound-http").json()

    assert key_value["error"]["type"] == "Error_Other"
    assert "not supported by the devhost" in key_value["error"]["value"]
    assert outbound["error"]["type"] == "ErrorCode_InternalError"
