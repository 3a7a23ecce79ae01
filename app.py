"""The WASIp2 entry point (Spin 3.4+, SpinKube; spin-sdk 3): Spin's `wasi:http/incoming-handler`
request in, the service's response out, the whole body handed over before the head is sent.
Everything else is shared with app_p3.py through api.service.serve.

Why not spin-sdk's `http.IncomingHandler`: it sends the head (`ResponseOutparam.set`) before it
writes the body, so Spin's server writes them to the socket in two writes, and without
TCP_NODELAY the second one waits for the client's delayed ACK: about 40 ms on a keep-alive
connection whenever a host call came first (docs/where-it-runs.md, "One write per response")."""

from spin_sdk import variables
from spin_sdk.wit import exports
from spin_sdk.wit.imports.streams import OutputStream, StreamError_Closed
from spin_sdk.wit.imports.types import (
    Fields,
    IncomingBody,
    IncomingRequest,
    Method,
    Method_Other,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)
from spin_sdk.wit.types import Err, Ok

from api.service import optional_variables, serve
from storage.spin_sqlite import SpinConnection, SpinDatabase
from web.http import Request, Response

variable = optional_variables(variables.get, Err)
READ_SIZE = 64 * 1024


class IncomingHandler(exports.IncomingHandler):
    """Spin calls this once per request, on a fresh instance."""

    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        send(answer(received(request)), response_out)


def answer(request: Request) -> Response:
    connection = SpinConnection()
    try:
        return serve(request, SpinDatabase(variable, connection), variable)
    finally:
        connection.close()


def received(request: IncomingRequest) -> Request:
    headers = {name: value.decode() for name, value in request.headers().entries()}
    uri = request.path_with_query() or "/"
    return Request.of(method_name(request.method()), uri, headers, read_body(request.consume()))


def method_name(method: Method) -> str:
    """`Method_Get()` is "GET"; an extension method carries its own name."""
    if isinstance(method, Method_Other):
        return method.value
    return type(method).__name__.removeprefix("Method_").upper()


def read_body(body: IncomingBody) -> bytes:
    content = bytearray()
    with body.stream() as stream:
        while True:
            try:
                content += stream.blocking_read(READ_SIZE)
            except Err as error:
                if isinstance(error.value, StreamError_Closed):
                    break
                raise
    IncomingBody.finish(body)
    return bytes(content)


def send(response: Response, response_out: ResponseOutparam) -> None:
    """Writes and finishes the body, then sets the response: Spin then has head and body at once.
    A body larger than the host buffers unsent (1 MiB on Spin) cannot be finished first: its head
    goes out as soon as the buffer is full."""
    headers = {**response.headers, "content-length": str(len(response.body))}
    outgoing = OutgoingResponse(Fields.from_list([(name, value.encode()) for name, value in headers.items()]))
    outgoing.set_status_code(response.status)
    body = outgoing.body()
    with body.write() as stream:
        rest = write_buffered(stream, response.body)
        if rest:
            ResponseOutparam.set(response_out, Ok(outgoing))
            write_blocking(stream, rest)
    OutgoingBody.finish(body, None)
    if not rest:
        ResponseOutparam.set(response_out, Ok(outgoing))


def write_buffered(stream: OutputStream, content: bytes) -> bytes:
    """Writes what the host takes without waiting; returns the rest."""
    while content and (permitted := stream.check_write()):
        stream.write(content[:permitted])
        content = content[permitted:]
    return content


def write_blocking(stream: OutputStream, content: bytes) -> None:
    while content:
        with stream.subscribe() as ready:
            ready.block()
        content = write_buffered(stream, content)
