"""Bind's tables read and matched ahead, while the person is on Home and binding is the org's next step.

Reading a merchant's locations and stores and matching them is most of Bind's first open (about 1 s of a
server's time at 5,000 locations). Home knows when binding is what the person does next: it starts that work
in the background, into the model Bind shares between sessions, so Bind opens on it. Only then: a Home visit
for any other step costs nothing.
"""

from __future__ import annotations

import logging
import threading

from lib.onboarding.checklist import Checklist, StepState
from lib.store import OnboardingRecord
from lib.ui.context import Console
from lib.ui.guards import active_onboardings

log = logging.getLogger(__name__)
_under_way: dict[tuple[str, str], threading.Thread] = {}  # (API, DSP onboarding) -> the thread preparing it
_lock = threading.Lock()


def bind_is_next(checklist: Checklist) -> bool:
    """True when the org's next step is binding stores on a DSP (not blocked by an earlier step)."""
    step = checklist.next_step
    return step is not None and step.key.startswith("bind:") and step.state is not StepState.BLOCKED


def prefetch(console: Console, onboarding: OnboardingRecord) -> threading.Thread | None:
    """Build the model Bind shows for this DSP onboarding in a background thread, unless that is under way;
    returns the thread started. A failure is left for Bind, which reads again and says what went wrong."""
    key = (console.target.base_url, onboarding.onboarding_id)
    with _lock:
        if key in _under_way:
            return None
        thread = threading.Thread(
            target=lambda: _work(key, console, onboarding),
            name=f"bind-prefetch-{onboarding.onboarding_id}",
            daemon=True,
        )
        _under_way[key] = thread
    thread.start()
    return thread


def _work(key: tuple[str, str], console: Console, onboarding: OnboardingRecord) -> None:
    try:
        from lib.ui import bind_state  # the matcher and pandas: imported here, not on Home's way

        bind_state.shared_model(console, onboarding)
    except Exception as exc:  # any: Bind meets the same failure when it opens and says it in a sentence
        log.info("Preparing Bind for %s stopped: %s", onboarding.onboarding_id, type(exc).__name__)
    finally:
        with _lock:
            _under_way.pop(key, None)


def wait(timeout: float | None = None) -> None:
    """Wait for the preparations under way to end (a test's teardown, before it clears the caches)."""
    with _lock:
        threads = list(_under_way.values())
    for thread in threads:
        thread.join(timeout)


def prefetch_if_next(console: Console, org_id: str, checklist: Checklist) -> threading.Thread | None:
    """When binding is the org's next step, prefetch the DSP onboarding Bind opens on (the newest active)."""
    if not bind_is_next(checklist):
        return None
    active = active_onboardings(console, org_id, "dsp")
    return prefetch(console, active[-1]) if active else None
