"""Sandbox benchmark: the 5,000-location merchant end to end; prints one JSON object.

`python -m benchmarks.sandbox` starts a private sandbox in a temporary folder.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from lib.sandbox.embed import start_background

MERCHANT = "burger-barn"


def _timed(fn: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = fn()
    response.raise_for_status()
    return time.perf_counter() - started, response


def main() -> None:
    """Run the benchmark and print its numbers as JSON."""
    out: dict[str, Any] = {"merchant": MERCHANT}
    with tempfile.TemporaryDirectory() as folder:
        sandbox = start_background(Path(folder), approve_after_seconds=0)
        http = httpx.Client(base_url=sandbox.base_url, timeout=120)
        try:
            grant = {
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
                "scopes": ["onboarding"],
            }
            http.headers["Authorization"] = (
                "Bearer " + http.post("/oauth/token", json=grant).json()["access_token"]
            )
            user = {"email": "bench@example.com", "first_name": "B", "last_name": "B"}
            org = http.post(
                "/onboarding/org", json={"name": "Bench", "provider_id": "bench", "user": user}
            ).json()
            org_id = org["org_id"]

            def connect(source: str, kind: str) -> str:
                body = {"org_id": org_id, "source": source, "type": kind}
                onboarding = http.post("/onboarding/integrations", json=body).json()["onboarding"]["_id"]
                http.put(f"/onboarding/integrations/{onboarding}", json={"code": f"SANDBOX-{MERCHANT}"})
                return onboarding

            pos = connect("clover", "pos")
            out["pos_list_cold_s"], listing = _timed(
                lambda: http.get("/onboarding/locations", params={"onboarding_id": pos})
            )
            out["pos_list_warm_s"], _ = _timed(
                lambda: http.get("/onboarding/locations", params={"onboarding_id": pos})
            )
            ids = [loc["provider_id"] for loc in listing.json()["locations"]]
            out["locations"] = len(ids)
            ingest = {"onboarding_id": pos, "locations": [{"provider_id": p} for p in ids]}
            out["ingest_5000_s"], _ = _timed(lambda: http.post("/onboarding/locations/ingest", json=ingest))
            out["reingest_5000_s"], _ = _timed(lambda: http.post("/onboarding/locations/ingest", json=ingest))

            dsp = connect("grubhub", "dsp")
            out["dsp_list_cold_s"], stores = _timed(
                lambda: http.get("/onboarding/locations", params={"onboarding_id": dsp})
            )
            store_ids = [s["provider_id"] for s in stores.json()["locations"]]
            pairs = [
                {"pos_location_id": p, "dsp_provider_id": s, "dsp_store_name": "x"}
                for p, s in zip(ids[:4000], store_ids[:4000], strict=True)
            ]
            bind = {"onboarding_id": dsp, "locations": pairs}
            out["bind_4000_s"], _ = _timed(lambda: http.post("/onboarding/locations/bind", json=bind))

            view = [_timed(lambda: http.get(f"/onboarding/org/{org_id}/locations"))[0] for _ in range(7)]
            out["org_view_5000_median_s"] = round(statistics.median(view), 4)
            out["org_view_5000_max_s"] = round(max(view), 4)

            # Issue 6's portfolio shape: many small org views with 50 ms latency, 8 in flight vs one by one.
            small = http.post(
                "/onboarding/org", json={"name": "S", "provider_id": "small", "user": user}
            ).json()
            sandbox.set_faults(latency_ms=50)

            def view_small(_: int) -> int:
                return http.get(f"/onboarding/org/{small['org_id']}/locations").status_code

            started = time.perf_counter()
            sequential = [view_small(i) for i in range(40)]
            out["40_views_sequential_50ms_s"] = time.perf_counter() - started
            started = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                concurrent = list(pool.map(view_small, range(40)))
            out["40_views_8_in_flight_50ms_s"] = time.perf_counter() - started
            assert set(sequential) == set(concurrent) == {200}
            out["concurrency_speedup"] = (
                out["40_views_sequential_50ms_s"] / out["40_views_8_in_flight_50ms_s"]
            )
        finally:
            http.close()
            sandbox.stop()
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}))


if __name__ == "__main__":
    main()
