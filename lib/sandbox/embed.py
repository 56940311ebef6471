"""Run the sandbox inside another process (the console, tests) on a loopback port in a daemon thread."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from lib.servers import HOST, poll_healthy

from .app import create_app
from .credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from .settings import SandboxSettings


@dataclass
class EmbeddedSandbox:
    """A running sandbox: where it answers, its public credentials, and how to stop it."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    settings: SandboxSettings
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for the thread to end."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def set_faults(self, **knobs: Any) -> dict[str, Any]:
        """PUT /sandbox/faults with these knobs; returns the live knobs."""
        response = httpx.put(f"{self.base_url}/sandbox/faults", json=knobs, timeout=10)
        response.raise_for_status()
        return response.json()

    def _admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.request(method, f"{self.base_url}{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def deprovision(self, onboarding_id: str) -> dict[str, Any]:
        """Disconnect an integration, as a merchant would; returns the onboarding."""
        return self._admin("POST", f"/sandbox/integrations/{onboarding_id}/deprovision")

    def set_store_status(self, org_id: str, dsp_provider_id: str, status: str | None) -> dict[str, Any]:
        """Give a DSP store of the org a status (any text; None = back to PENDING then APPROVED)."""
        return self._admin(
            "PUT", f"/sandbox/orgs/{org_id}/stores/{dsp_provider_id}/status", {"status": status}
        )

    def set_location_state(self, org_id: str, location: str, **state: Any) -> dict[str, Any]:
        """Set a location's status ("active"/"inactive") and/or paused_until (epoch, ISO text or None)."""
        return self._admin("PUT", f"/sandbox/orgs/{org_id}/locations/{location}", state)

    def reset(self) -> None:
        """POST /sandbox/reset: wipe all state and restore the starting fault knobs."""
        httpx.post(f"{self.base_url}/sandbox/reset", timeout=30).raise_for_status()


def start_background(data_dir: Path | None = None, port: int = 0, **overrides: Any) -> EmbeddedSandbox:
    """Serve the sandbox on 127.0.0.1:port (0 = a free port) in a daemon thread; return once it answers.

    overrides are SandboxSettings fields or fault knobs (e.g. token_ttl=1, latency_ms=50).
    """
    settings = SandboxSettings.from_env(data_dir=data_dir, **overrides)
    app = create_app(settings)
    # proto must say TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto is IPPROTO_TCP, and
    # without it Nagle + delayed ACKs add ~40 ms to every keep-alive request.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    actual_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{actual_port}", daemon=True
    )
    thread.start()
    base_url = f"http://{HOST}:{actual_port}"
    try:
        poll_healthy(f"{base_url}/sandbox/health", thread.is_alive, 20, interval=0.02)
    except RuntimeError:
        server.should_exit = True
        raise
    return EmbeddedSandbox(base_url, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, settings, server, thread)
