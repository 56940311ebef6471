"""Every answer carries an `x-request-id`, as real APIs do: a client quotes it in its errors and audit log."""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
# The OpenAPI description of the header, on every documented answer.
DOCUMENTED = {
    HEADER: {
        "description": "The sandbox's id of this request: quote it when reporting a problem.",
        "required": True,
        "schema": {"type": "string"},
    }
}


def new_request_id() -> str:
    """A fresh, unguessable request id."""
    return f"req_{secrets.token_hex(12)}"


class RequestIdMiddleware:
    """Plain ASGI (no body buffering, so large listings stream as before): adds the header to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; stamp the answer's start with a new id."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
