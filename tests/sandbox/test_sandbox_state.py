"""State survives a restart; the reset endpoint and the reset command wipe it; the serve command answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sandbox_driver import Api

from lib.sandbox.embed import start_background

REPO = Path(__file__).resolve().parents[2]


def _seed(api: Api) -> tuple[str, str]:
    org = api.create_org("persist-1")
    pos = api.connect_manual(org, "clover", "pos", merchant="rosas-cantina")
    ids = [loc["provider_id"] for loc in api.locations(pos)]
    api.ingest(pos, ids)
    dsp = api.connect_manual(org, "grubhub", "dsp", merchant="rosas-cantina")
    store = api.locations(dsp)[0]["provider_id"]
    assert api.bind(dsp, [(ids[0], store)]).status_code == 200
    return org, pos


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = start_background(tmp_path, approve_after_seconds=0.5)
    api = Api(first)
    org, pos = _seed(api)
    before = api.org_locations(org)
    first.stop()

    second = start_background(tmp_path, approve_after_seconds=0.5)
    try:
        api.http.close()
        api.http = httpx.Client(base_url=second.base_url)  # same token, new server
        after = api.org_locations(org)
        assert [loc["_id"] for loc in after] == [loc["_id"] for loc in before]
        assert [d["provider_id"] for d in after[0]["dsps"]] == [d["provider_id"] for d in before[0]["dsps"]]
        status = api.call("GET", f"/onboarding/integrations/{pos}").json()["onboarding"]["status"]
        assert status == "active"
        assert (
            api.call(
                "POST",
                "/onboarding/org",
                json={
                    "name": "again",
                    "provider_id": "persist-1",
                    "user": {"email": "a@b.co", "first_name": "A", "last_name": "B"},
                },
            ).status_code
            == 409
        )
    finally:
        second.stop()


def test_reset_endpoint_wipes_everything(api: Api) -> None:
    org, _ = _seed(api)
    api.sandbox.reset()
    assert api.call("GET", f"/onboarding/org/{org}/locations").status_code == 401  # tokens are gone too
    api.token = api.grant()["access_token"]
    assert api.call("GET", f"/onboarding/org/{org}/locations").status_code == 404


def test_reset_command_wipes_the_data_dir(tmp_path: Path) -> None:
    sandbox = start_background(tmp_path)
    org, _ = _seed(Api(sandbox))
    sandbox.stop()
    done = subprocess.run(
        [sys.executable, "-m", "lib.sandbox", "reset", "--data-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "reset" in done.stdout
    fresh = start_background(tmp_path)
    try:
        assert Api(fresh).call("GET", f"/onboarding/org/{org}/locations").status_code == 404
    finally:
        fresh.stop()


def test_reset_command_also_resets_a_sandbox_that_is_running(tmp_path: Path) -> None:
    sandbox = start_background(tmp_path)
    try:
        api = Api(sandbox)
        org, _ = _seed(api)
        subprocess.run(
            [sys.executable, "-m", "lib.sandbox", "reset", "--data-dir", str(tmp_path)],
            cwd=REPO,
            capture_output=True,
            timeout=60,
            check=True,
        )
        api.token = api.grant()["access_token"]
        assert api.call("GET", f"/onboarding/org/{org}/locations").status_code == 404
        after = api.create_org("after-reset")  # written to the live file, not to a deleted one
    finally:
        sandbox.stop()
    fresh = start_background(tmp_path)
    try:
        api = Api(fresh)
        assert api.call("GET", f"/onboarding/org/{after}/locations").status_code == 200
    finally:
        fresh.stop()


def test_serve_command_answers_on_the_given_port(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "lib.sandbox", "--port", str(port), "--data-dir", str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/sandbox/merchants", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "the sandbox process exited"
                assert time.monotonic() < deadline, "the sandbox did not answer within 30 s"
                time.sleep(0.1)
        codes = [m["code"] for m in response.json()["merchants"]]
        assert "burger-barn" in codes and "rosas-cantina" in codes
        assert (tmp_path / "sandbox.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_concurrent_requests_do_not_trip_over_each_other(api: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    http = httpx.Client(base_url=api.sandbox.base_url, headers=api.headers, timeout=30)  # shared by threads

    def work(i: int) -> tuple[int, int]:
        body = {
            "name": f"Org {i}",
            "provider_id": f"conc-{i}",
            "user": {"email": "a@b.co", "first_name": "A", "last_name": "B"},
        }
        created = http.post("/onboarding/org", json=body)
        org = created.json()["org_id"]
        return created.status_code, http.get(f"/onboarding/org/{org}/locations").status_code

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(work, range(64)))
    http.close()
    assert results == [(201, 200)] * 64


def test_merchant_catalog_lists_codes_sizes_and_manual_codes(api: Api) -> None:
    merchants = api.http.get("/sandbox/merchants").json()["merchants"]
    sizes = [m["n_locations"] for m in merchants]
    assert sizes == sorted(sizes) and sizes[0] == 3 and sizes[-1] == 5000
    assert all(m["manual_code"] == f"SANDBOX-{m['code']}" for m in merchants)
