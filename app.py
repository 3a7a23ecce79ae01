"""The WASIp2 entry point (Spin 3.4+, SpinKube; spin-sdk 3): Spin's request and variables in, the
service's response out. Everything else is shared with app_p3.py through api.service.serve."""

from spin_sdk import http, variables
from spin_sdk.http import Request as SpinRequest
from spin_sdk.http import Response as SpinResponse
from spin_sdk.wit.types import Err

from api.service import optional_variables, serve
from storage.spin_sqlite import SpinDatabase
from web.http import Request

variable = optional_variables(variables.get, Err)


class IncomingHandler(http.IncomingHandler):
    """Spin calls this once per request, on a fresh instance."""

    def handle_request(self, request: SpinRequest) -> SpinResponse:
        own = Request.of(request.method, request.uri, request.headers, request.body)
        response = serve(own, SpinDatabase(variable), variable)
        return SpinResponse(response.status, response.headers, response.body)
