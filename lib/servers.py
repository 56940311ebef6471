"""Start the console (`streamlit run`) or the sandbox in a child process on a free loopback port.

One copy of "start it, then poll its health URL until it answers" for the browser tests and the benchmarks.
Each child runs from the repository root with the environment it is given, and stops when the block ends.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STREAMLIT = Path(sys.executable).parent / "streamlit"  # the one installed beside this Python


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """A running child server: its base URL, its log (shown when something fails) and its process."""

    base_url: str
    log: Path
    process: subprocess.Popen[bytes]
    data_dir: Path | None = None

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's output."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def poll_healthy(
    url: str,
    alive: Callable[[], bool],
    seconds: float = 60,
    tail: Callable[[], str] = str,
    interval: float = 0.2,
) -> None:
    """Poll GET url until it answers 200; raise (with `tail()`) if `alive()` fails or time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{url} exited early:\n{tail()}".rstrip())
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s:\n{tail()}".rstrip())


def wait_healthy(server: ServerProcess, health_path: str, seconds: float = 60) -> None:
    """Poll base_url + health_path until it answers 200; raise (with the log's end) if it exits or stalls."""
    poll_healthy(
        server.base_url + health_path, lambda: server.process.poll() is None, seconds, server.log_tail
    )


@contextmanager
def serve(
    args: list[str], port: int, health_path: str, log: Path, env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    """Run args (a server listening on 127.0.0.1:port) until the block ends, once health_path answers."""
    with log.open("ab") as out:
        process = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(f"http://{HOST}:{port}", log, process)
    try:
        wait_healthy(server, health_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextmanager
def streamlit_server(
    script: str | Path,
    env: Mapping[str, str],
    log: Path,
    port: int | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[ServerProcess]:
    """`streamlit run script` headless on 127.0.0.1, as `make run` starts the console, until the end."""
    port = port or free_port()
    args = [
        str(STREAMLIT),
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        HOST,
        *extra_args,
    ]
    with serve(args, port, "/_stcore/health", log, env) as server:
        yield server


@contextmanager
def sandbox_server(data_dir: Path, log: Path, port: int | None = None) -> Iterator[ServerProcess]:
    """`python -m lib.sandbox serve` with its state in data_dir (not sharing this process's CPU and GIL)."""
    port = port or free_port()
    args = [sys.executable, "-m", "lib.sandbox", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    with serve(args, port, "/sandbox/health", log) as server:
        server.data_dir = data_dir
        yield server
