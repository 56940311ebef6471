"""Send alerts to webhooks: Slack-compatible {"text": ...} or a generic JSON body, retried with back-off."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from lib.store.redact import redact_text
from lib.store.watch import Alert, Delivery, WatchRecords
from lib.watch.pages import page_url
from lib.watch.rules import RULE_LABELS
from lib.watch.settings import WatchSettings, Webhook

Sleep = Callable[[float], None]
Clock = Callable[[], datetime]


def slack_escape(text: str) -> str:
    """Text Slack shows as written: its control characters escaped (a name '<!channel>' pings no one)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def alert_text(alert: Alert, link: str, *, slack: bool = False) -> str:
    """The one-paragraph message people read (Slack's text, escaped for it, and the JSON body's `text`)."""
    since = alert.since.strftime("%Y-%m-%d %H:%M UTC")
    text = f"{RULE_LABELS.get(alert.rule, alert.rule)}: {alert.summary} (since {since})"
    text = slack_escape(text) if slack else text  # names come from merchants; the link is ours
    return redact_text(f"{text} {link}" if link else text)


def alert_body(alert: Alert, hook: Webhook, settings: WatchSettings, org_name: str | None) -> dict[str, Any]:
    """The JSON a webhook receives: Slack's {"text"} or the generic body with every field of the alert."""
    link = page_url(settings.public_url, alert.page, alert.org_id)
    if hook.format == "slack":
        return {"text": alert_text(alert, link, slack=True)}
    text = alert_text(alert, link)
    return {
        "alert_id": alert.id,
        "rule": alert.rule,
        "title": RULE_LABELS.get(alert.rule, alert.rule),
        "org_id": alert.org_id,
        "org_name": org_name,
        "subject": alert.subject,
        "summary": redact_text(alert.summary),
        "since": alert.since.isoformat(),
        "opened_at": alert.opened_at.isoformat(),
        "page": alert.page,
        "link": link or None,
        "text": text,
    }


def _post(http: httpx.Client, url: str, body: Mapping[str, Any]) -> str | None:
    """POST once; None when the receiver took it (2xx), else a short reason without the URL (a credential)."""
    try:
        response = http.post(url, json=body)
    except httpx.TimeoutException:
        return "the webhook did not answer in time"
    except httpx.HTTPError as exc:
        return f"the webhook could not be reached ({type(exc).__name__})"
    if 200 <= response.status_code < 300:
        return None
    return f"the webhook answered HTTP {response.status_code}"


def deliver_due(
    watch: WatchRecords,
    settings: WatchSettings,
    clock: Clock,
    org_names: Mapping[str, str | None],
    sleep: Sleep,
    transport: httpx.BaseTransport | None = None,
) -> tuple[int, int]:
    """Send every due delivery (new, failed earlier, or stuck); returns (sent, failed).

    Each delivery gets `settings.delivery_attempts` tries in this pass with back-off (1 s, 2 s, 4 s…); one
    still failing stays `failed` and is tried again next pass, so a receiver that recovers gets it once.
    """
    hooks = {h.name: h for h in settings.webhooks}
    sent = failed = 0
    due = watch.claim_deliveries(clock(), settings.max_delivery_attempts)
    if not due:
        return 0, 0
    with httpx.Client(timeout=10.0, transport=transport, follow_redirects=False) as http:
        for delivery in due:
            hook = hooks.get(delivery.target)
            if hook is None:  # a webhook removed from the settings since the alert opened
                watch.record_delivery(
                    delivery.id, delivery.attempts, clock(), "this webhook is no longer configured"
                )
                failed += 1
                continue
            error, tries = _send(http, hook, delivery, settings, org_names, sleep)
            watch.record_delivery(delivery.id, delivery.attempts + tries, clock(), error)
            sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    return sent, failed


def _send(
    http: httpx.Client,
    hook: Webhook,
    delivery: Delivery,
    settings: WatchSettings,
    org_names: Mapping[str, str | None],
    sleep: Sleep,
) -> tuple[str | None, int]:
    body = alert_body(delivery.alert, hook, settings, org_names.get(delivery.alert.org_id))
    error: str | None = "not tried"
    for attempt in range(1, settings.delivery_attempts + 1):
        if attempt > 1:
            sleep(2 ** (attempt - 2))
        error = _post(http, hook.url, body)
        if error is None:
            return None, attempt
    return error, settings.delivery_attempts
