"""The WASIp3 entry point (Spin 4.1+; spin-sdk 5): the same service as app.py behind an async
`wasi:http/handler@0.3.0` export. SQLite and variables go through the synchronous
`fermyon:spin/*@2.0.0` interfaces that Spin 4.1 still provides, so the service stays synchronous."""

from componentize_py_types import Err
from spin_sdk import http
from spin_sdk.http import Request as SpinRequest
from spin_sdk.http import Response as SpinResponse
from spin_sdk.wit.imports import fermyon_spin_variables_2_0_0 as variables

from api.service import optional_variables, serve
from storage.spin_sqlite import SpinDatabase
from web.http import Request

variable = optional_variables(variables.get, Err)


class HttpHandler(http.Handler):
    """Spin may reuse one instance for many requests, and run several at once: nothing here
    outlives a request, and the service has no await, so requests never interleave inside it."""

    async def handle_request(self, request: SpinRequest) -> SpinResponse:
        own = Request.of(request.method, request.uri, request.headers, request.body)
        response = serve(own, SpinDatabase(variable), variable)
        return SpinResponse(response.status, response.headers, response.body)
