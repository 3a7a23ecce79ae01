import pytest

from web.routing import MethodNotAllowed, NoRoute, Route, Router

ROUTER = Router(
    [
        Route("GET", "/employees", "list"),
        Route("POST", "/employees", "create"),
        Route("GET", "/employees/{id}", "get"),
        Route("DELETE", "/employees/{id}", "delete"),
    ]
)


def handler_and_parameters(method: str, path: str) -> tuple[str, dict[str, str]]:
    route, params = ROUTER.resolve(method, path)
    return route.handler, params


def test_a_route_resolves_to_its_handler_and_path_parameters() -> None:
    assert handler_and_parameters("GET", "/employees/42") == ("get", {"id": "42"})
    assert handler_and_parameters("POST", "/employees") == ("create", {})


def test_a_known_path_with_another_method_lists_the_allowed_methods() -> None:
    with pytest.raises(MethodNotAllowed) as caught:
        ROUTER.resolve("PATCH", "/employees/42")
    assert caught.value.allowed == ["GET", "HEAD", "DELETE"]


def test_head_runs_the_get_handler() -> None:
    assert handler_and_parameters("HEAD", "/employees/42") == ("get", {"id": "42"})


@pytest.mark.parametrize("path", ["/", "/employee", "/employees/", "/employees/42/extra", "/employeesx"])
def test_an_unknown_path_has_no_route(path: str) -> None:
    with pytest.raises(NoRoute):
        ROUTER.resolve("GET", path)
