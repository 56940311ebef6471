"""Watcher fixtures: a sandbox whose DSP bindings stay PENDING, fresh records, a settable clock, and a
webhook receiver on 127.0.0.1 that records what it was sent and can fail its first requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from lib.connect import ApiTarget, open_client
from lib.sandbox.embed import EmbeddedSandbox, start_background
from lib.store import Records
from lib.stream.client import StreamClient
from tests.helpers import FakeClock


@dataclass
class Receiver:
    """What a local webhook got: every request's JSON body and the status it answered."""

    url: str
    fail_first: int = 0
    requests: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[dict[str, Any]]:
        """Bodies answered 2xx (the alerts the receiver really took)."""
        with self.lock:
            return [body for status, body in self.requests if status < 300]


def _serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            with receiver.lock:
                status = 500 if len(receiver.requests) < receiver.fail_first else 200
                receiver.requests.append((status, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    """Two webhook receivers (index 0 for Slack bodies, 1 for JSON bodies); set fail_first before a pass."""
    servers, made = [], []
    for _ in range(2):
        receiver = Receiver("")
        server = _serve(receiver)
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook/T0KEN-in-the-url"
        servers.append(server)
        made.append(receiver)
    yield made
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def slow_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    """A sandbox whose DSP bindings stay PENDING (approval after a week), for the 'pending' rules."""
    running = start_background(tmp_path_factory.mktemp("watch-sandbox"), approve_after_seconds=7 * 86400)
    yield running
    running.stop()


@pytest.fixture
def api(slow_sandbox: EmbeddedSandbox) -> Iterator[StreamClient]:
    target = ApiTarget(
        slow_sandbox.base_url, slow_sandbox.client_id, SecretStr(slow_sandbox.client_secret), is_sandbox=True
    )
    with open_client(target) as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def records(tmp_path: Path, clock: FakeClock) -> Iterator[Records]:
    r = Records(f"sqlite:///{tmp_path / 'records.db'}", clock=clock)
    yield r
    r.close()
