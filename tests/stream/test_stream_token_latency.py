"""A token endpoint slower than the renewal leeway: one grant serves every waiting call (no stampede)."""

from __future__ import annotations

import threading

from tests.stream.fakes import FakeApi

ORG_PATH = ("GET", "/onboarding/org/org-1/locations")


def test_waiting_threads_use_the_token_that_arrived_already_due_for_renewal() -> None:
    # A 1 s token whose grant takes 0.6 s arrives past its naive renewal point (half its life).
    api = FakeApi(expires_in=1, refresh_expires_in=None, token_delay=0.6)
    api.bodies[ORG_PATH] = {"locations": []}
    client = api.client()
    start = threading.Barrier(8)
    errors: list[Exception] = []

    def call() -> None:
        start.wait()
        try:
            client.org_locations("org-1")
        except Exception as exc:  # collected: the test says which
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert api.grants == ["client_credentials"], "each waiting thread renewed the token again"
    # Calls right after it reuse it too: the slow grant is not repeated per call.
    for _ in range(3):
        client.org_locations("org-1")
    assert len(api.grants) == 1
    client.close()
