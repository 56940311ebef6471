"""Benchmark: portfolio fetch concurrent vs one by one, and the Org status screen on a 5,000-location org.

    python -m benchmarks.export [--orgs 200] [--locations 50] [--latency-ms 50]

Starts a private sandbox in its own process (as a real API would be: not sharing this process's CPU and GIL
with the client being measured) with its state in a temporary folder, onboards the orgs through the API
client (the same helper as the tests), adds the latency with the sandbox's fault knob, and prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks.console import console_env
from benchmarks.seed import seed_org
from lib.export.tables import portfolio_table
from lib.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from lib.servers import sandbox_server
from lib.store import Records
from lib.stream.client import StreamClient

REPO = Path(__file__).resolve().parents[1]
PORTFOLIO_MERCHANT = "pho-saigon"  # 250 POS locations: each org ingests the first N
BIG_MERCHANT = "burger-barn"  # 5,000 POS locations
ORG_STATUS_PAGE = "pages/6_Org_status.py"


@dataclass(frozen=True)
class SandboxProcess:
    """A sandbox served by `python -m lib.sandbox` in a child process."""

    base_url: str
    client_id: str = SANDBOX_CLIENT_ID
    client_secret: str = field(default=SANDBOX_CLIENT_SECRET, repr=False)

    def set_faults(self, **knobs: Any) -> None:
        """PUT /sandbox/faults."""
        httpx.put(f"{self.base_url}/sandbox/faults", json=knobs, timeout=10).raise_for_status()


@contextmanager
def sandbox_process(data_dir: Path) -> Iterator[SandboxProcess]:
    """Serve the sandbox on a free loopback port in a child process until the block ends."""
    with sandbox_server(data_dir, data_dir.parent / "sandbox.log") as server:
        yield SandboxProcess(server.base_url)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def seed_portfolio(client: StreamClient, orgs: int, locations: int) -> list[str]:
    """Onboard `orgs` orgs of `locations` locations each (about 60% bound to Grubhub), 8 at a time."""

    def one(i: int) -> str:
        seeded = seed_org(
            client,
            PORTFOLIO_MERCHANT,
            name=f"Bench org {i:03d}",
            ingest=locations,
            bind=int(locations * 0.6),
        )
        return seeded.org_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(orgs)))


def bench_portfolio(client: StreamClient, org_ids: list[str], repeats: int) -> dict[str, Any]:
    """Wall time of portfolio_table one by one and with 8 (and 4, 16) requests in flight."""
    client.check_connection()  # hold a token so no run pays for the grant
    results: dict[str, Any] = {}
    seconds, sequential = timed(lambda: portfolio_table(client, org_ids, max_in_flight=1))
    assert not sequential.failures, sequential.failures[:3]
    results["sequential_s"] = round(seconds, 3)
    rows = len(sequential.table)
    by_width: dict[str, float] = {}
    for width in (4, 8, 16):
        runs = []
        for _ in range(repeats):
            seconds, result = timed(partial(portfolio_table, client, org_ids, max_in_flight=width))
            assert not result.failures and len(result.table) == rows
            runs.append(seconds)
        by_width[str(width)] = round(statistics.median(runs), 3)
    results["concurrent_s"] = by_width["8"]
    results["ratio"] = round(results["sequential_s"] / results["concurrent_s"], 2)
    results["concurrent_s_by_max_in_flight"] = by_width
    results["rows"] = rows
    return results


def render_org_status(org_id: str) -> tuple[float, Any]:
    """(seconds, AppTest) of one run of the Org status screen for org_id."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page(ORG_STATUS_PAGE)  # through app.py, as Streamlit serves it
    at.session_state["current_org_id"] = org_id
    seconds, _ = timed(at.run)
    if at.exception:
        raise RuntimeError(f"the Org status screen failed: {at.exception}")
    return seconds, at


def bench_org_status(client: StreamClient, sandbox: SandboxProcess, folder: Path) -> dict[str, Any]:
    """AppTest time of the Org status screen for a 5,000-location org: cold (fetch) and cached rerun."""
    import streamlit as st

    url = f"sqlite:///{folder / 'console.db'}"
    with Records(url) as records:
        big = seed_org(client, BIG_MERCHANT, name="Burger Barn (bench)", records=records)
        small = seed_org(client, "rosas-cantina", name="Warm-up", records=records)
    with console_env(sandbox, url, folder):
        st.cache_resource.clear()
        st.cache_data.clear()
        render_org_status(small.org_id)  # first AppTest run pays one-off imports: keep it out of the numbers
        st.cache_data.clear()
        cold, at = render_org_status(big.org_id)
        metrics = {m.label: m.value for m in at.metric}
        start = time.perf_counter()
        at.run()  # a rerun within the TTL: the cached table, flattened and rendered again
        warm = time.perf_counter() - start
    return {
        "locations": len(big.ingested),
        "bound": len(big.bound),
        "shown_locations": metrics.get("Locations"),
        "apptest_cold_s": round(cold, 3),
        "apptest_cached_rerun_s": round(warm, 3),
    }


def main(argv: list[str] | None = None) -> None:
    """Run both benchmarks and print JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export", description=__doc__)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--locations", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3, help="concurrent runs per width (median reported)")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        folder = Path(tmp)
        with (
            sandbox_process(folder / "sandbox") as sandbox,
            StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as client,
        ):
            seed_s, org_ids = timed(lambda: seed_portfolio(client, args.orgs, args.locations))
            client.check_connection()
            no_latency_s, _ = timed(lambda: portfolio_table(client, org_ids, max_in_flight=1))
            sandbox.set_faults(latency_ms=args.latency_ms)
            portfolio = bench_portfolio(client, org_ids, args.repeats)
            org_status = bench_org_status(client, sandbox, folder)
    report = {
        "latency_ms": args.latency_ms,
        # Wall times depend on what else the machine runs: the 1-minute load average around the run.
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "cpus": os.cpu_count(),
        "portfolio": {
            "orgs": args.orgs,
            "locations_per_org": args.locations,
            "max_in_flight": 8,
            **portfolio,
            # What one request costs besides the added latency (server work + parsing), for context.
            "sequential_without_latency_s": round(no_latency_s, 3),
            "seed_s": round(seed_s, 1),
        },
        "org_status_screen": {"latency_ms": args.latency_ms, **org_status},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
