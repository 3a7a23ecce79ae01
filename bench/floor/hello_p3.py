"""The floor for WASIp3: the smallest componentize-py component, spin-sdk 5's own hello world
(its http-py template), built by bench/real_spin.py and measured beside the service."""

from spin_sdk import http
from spin_sdk.http import Request, Response


class HttpHandler(http.Handler):
    async def handle_request(self, request: Request) -> Response:
        return Response(200, {"content-type": "text/plain"}, b"Hello from Python!")
