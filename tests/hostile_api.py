"""A hostile Partner API on 127.0.0.1: it grants tokens, then answers every other call as its `mode` says.

Modes: "drip" (one byte a second, forever), "silent" (accepts, never answers), "endless" (a body that never
ends), "gzip_bomb" (a small gzip body that inflates to 256 MB), "deep" (JSON nested 100,000 deep),
"surrogate" (a lone surrogate in a name), "surrogate_error" (an HTTP 400 whose message has one), "shape"
(200 with {"foo": 1}), "null" (200 with null), "empty" (204), and "ok" (well-formed answers).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLIENT_ID = "hostile-client"
CLIENT_SECRET = "hostile-secret-Kp3"
LOCATION = {"_id": "loc-1", "name": "Cantina", "status": "active", "dsps": []}


def _bomb() -> bytes:
    return gzip.compress(b"\0" * (256 * 2**20), compresslevel=9)


class HostileApi(ThreadingHTTPServer):
    """The server; set `.mode` between calls. `.stop` ends the endless answers when the test is done."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.stop = threading.Event()
        self.bodies: dict[str, Any] = {}  # path -> JSON answer in "ok" mode
        self.requests: list[tuple[str, str]] = []
        self._bomb: bytes | None = None

    @property
    def base_url(self) -> str:
        """Where it listens."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def bomb(self) -> bytes:
        """The gzip bomb, built once."""
        if self._bomb is None:
            self._bomb = _bomb()
        return self._bomb


class _Handler(BaseHTTPRequestHandler):
    server: HostileApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.requests.append((self.command, self.path))
        if self.path == "/oauth/token":
            self._json(201, {"access_token": "tok-" + "x" * 20, "token_type": "Bearer", "expires_in": 3600})
            return
        mode = self.server.mode
        stop = self.server.stop
        if mode == "silent":
            stop.wait(120)
            return
        if mode == "drip":
            self._head(200, {"Content-Length": "1000000"})
            while not stop.wait(1.0):
                self.wfile.write(b" ")
                self.wfile.flush()
            return
        if mode == "endless":
            self._head(200, {"Transfer-Encoding": "chunked"})
            chunk = b"[" * 65536
            try:
                while not stop.is_set():
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                return
            return
        if mode == "gzip_bomb":
            data = self.server.bomb()
            self._head(200, {"Content-Encoding": "gzip", "Content-Length": str(len(data))})
            self.wfile.write(data)
            return
        if mode == "deep":
            self._raw(200, b"[" * 100_000 + b"]" * 100_000)
            return
        if mode == "surrogate":
            self._raw(200, b'{"locations": [{"_id": "loc-1", "name": "Caf\\ud800", "status": "active"}]}')
            return
        if mode == "surrogate_error":
            self._raw(400, b'{"message": "Caf\\ud800 is not a valid name"}')
            return
        if mode == "shape":
            self._json(200, {"foo": 1})
            return
        if mode == "null":
            self._raw(200, b"null")
            return
        if mode == "empty":
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = self.path.split("?")[0]
        if path in self.server.bodies:
            self._json(200, self.server.bodies[path])
            return
        self._json(200, {"locations": [LOCATION]})

    def _json(self, status: int, data: Any) -> None:
        self._raw(status, json.dumps(data).encode())

    def _raw(self, status: int, data: bytes) -> None:
        self._head(status, {"Content-Length": str(len(data))})
        self.wfile.write(data)

    def _head(self, status: int, headers: dict[str, str]) -> None:
        """The status line and a JSON answer's headers, with these added."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()


@contextmanager
def hostile_api() -> Iterator[HostileApi]:
    """Serve a HostileApi in a daemon thread until the block ends."""
    server = HostileApi()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
