"""The browser's return from a provider's consent page: find the onboarding by state, exchange the code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lib.onboarding.actions import exchange_code, settle_exchange
from lib.onboarding.returns import Callback
from lib.onboarding.sources import source_label
from lib.store import OnboardingRecord, Records, WrongOrgError
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError


class CallbackKind(StrEnum):
    """What came of a callback."""

    CONNECTED = "connected"
    DENIED = "denied"
    NO_STATE = "no_state"
    UNKNOWN_STATE = "unknown"
    EXPIRED_STATE = "expired"
    USED_STATE = "used"
    NO_CODE = "no_code"
    EXCHANGE_FAILED = "exchange_failed"
    OTHER_PERSON = "other_person"  # started by someone else: finished only once this person confirms
    UNSETTLED = "unsettled"  # the exchange's answer was lost and the status could not be read either
    WRONG_ORG = "wrong_org"


@dataclass(frozen=True)
class CallbackOutcome:
    """The outcome to show, and the onboarding it concerns when the console could tell."""

    kind: CallbackKind
    message: str
    onboarding: OnboardingRecord | None = None
    org_id: str | None = None

    @property
    def ok(self) -> bool:
        """The integration is now connected."""
        return self.kind is CallbackKind.CONNECTED

    @property
    def can_restart(self) -> bool:
        """Starting again is safe and the console knows what to start (org, type and source)."""
        unsafe = (CallbackKind.OTHER_PERSON, CallbackKind.UNSETTLED)
        return not self.ok and self.onboarding is not None and self.kind not in unsafe


def handle_callback(
    client: StreamClient,
    records: Records,
    actor: str,
    callback: Callback,
    org_id: str | None = None,
    *,
    confirmed: bool = False,
) -> CallbackOutcome:
    """Consume the one-time state, then exchange the code (or report the denial); never raises StreamError.

    org_id is the org the page shows (the return_url names it): a state issued for another org is refused
    and left unused, so the sign-in can still finish on that org's page. A consent someone else started is
    not finished (its state not even consumed) unless `confirmed`: the person is asked first, because the
    connection is then recorded and audited as theirs.
    """
    if not callback.state:
        return CallbackOutcome(
            CallbackKind.NO_STATE,
            "The browser came back without the console's state value, so the console cannot tell which "
            "integration this sign-in belongs to. Start the integration again from this page.",
        )
    state_org, owner = records.peek_oauth_state(callback.state)
    if org_id and state_org:
        try:
            records.require_org(org_id, state_org, "This sign-in")
        except WrongOrgError as exc:
            return CallbackOutcome(CallbackKind.WRONG_ORG, exc.user_message, None, org_id)
    if owner is not None and owner.strip().lower() != actor.strip().lower() and not confirmed:
        return CallbackOutcome(
            CallbackKind.OTHER_PERSON,
            f"This sign-in was started by {owner}, not by you ({actor}). Finish it only if you are"
            " completing it on their behalf: the connection will be recorded as yours. Otherwise dismiss it.",
        )
    consumed = records.consume_oauth_state(callback.state)
    onboarding = consumed.onboarding
    if onboarding is None and consumed.onboarding_id:
        onboarding = records.get_onboarding(consumed.onboarding_id)
    org_id = consumed.org_id or (onboarding.org_id if onboarding else None)
    if not consumed.ok:
        kind = {
            "unknown": CallbackKind.UNKNOWN_STATE,
            "expired": CallbackKind.EXPIRED_STATE,
            "used": CallbackKind.USED_STATE,
        }[consumed.status.value]
        message = consumed.message
        if kind is CallbackKind.USED_STATE and onboarding is not None and onboarding.status == "active":
            # Usually a reload of the page that just connected it: say so, rather than only "used".
            name = source_label(onboarding.source)
            message = (
                f"This sign-in link has already been used, and {name} is already connected (active): there "
                f"is nothing to redo. Start {name} again only to connect a different {name} account."
            )
        return CallbackOutcome(kind, message, onboarding, org_id)
    if onboarding is None:
        return CallbackOutcome(
            CallbackKind.UNKNOWN_STATE,
            "This sign-in link is not tied to an integration the console knows. Start the integration again.",
            None,
            org_id,
        )
    name = source_label(onboarding.source)
    if callback.denied:
        reason = callback.error_description or f"the provider answered “{callback.error}”"
        return CallbackOutcome(
            CallbackKind.DENIED,
            f"{name} was not connected: consent was not given ({reason.rstrip('.')}). Nothing changed; start "
            f"the {name} integration again when the account owner is ready to approve.",
            onboarding,
            org_id,
        )
    if not callback.code:
        return CallbackOutcome(
            CallbackKind.NO_CODE,
            f"{name} sent the browser back without an authorization code, so nothing was connected. "
            f"Start the {name} integration again.",
            onboarding,
            org_id,
        )
    try:
        updated = exchange_code(
            client,
            records,
            actor,
            onboarding,
            callback.code,
            via="oauth",
            org_id=org_id or state_org or onboarding.org_id,
        )
    except WrongOrgError as exc:
        return CallbackOutcome(CallbackKind.WRONG_ORG, exc.user_message, None, org_id)
    except StreamError as exc:
        if not exc.maybe_applied:
            return CallbackOutcome(
                CallbackKind.EXCHANGE_FAILED,
                f"{name} sent the browser back, but the code exchange failed. {exc.user_message} "
                f"Start the {name} integration again for a fresh consent.",
                onboarding,
                org_id,
            )
        # The answer was lost: the API may have connected it. Read, rather than advise starting again
        # (a second consent would make a second active integration).
        settled = settle_exchange(client, records, onboarding)
        if settled is None:
            return CallbackOutcome(
                CallbackKind.UNSETTLED,
                f"{name} sent the browser back, but the API's answer to the code exchange was lost and its "
                f"status cannot be read right now, so the console cannot tell whether {name} is connected. "
                f"Press Refresh on the {name} card below in a minute; start it again only if it is not"
                " active.",
                onboarding,
                org_id,
            )
        if settled.status != "active":
            return CallbackOutcome(
                CallbackKind.EXCHANGE_FAILED,
                f"{name} sent the browser back, but the code exchange failed: the answer was lost, and"
                f" reading the integration now shows it {settled.status}, not connected. Start the {name}"
                " integration again for a fresh consent.",
                settled,
                org_id,
            )
        updated = settled
    if updated.status != "active":
        return CallbackOutcome(
            CallbackKind.CONNECTED,
            f"{name} accepted the code; the integration is now {updated.status}. Refresh in a moment to "
            "see it become active.",
            updated,
            org_id,
        )
    return CallbackOutcome(
        CallbackKind.CONNECTED, f"{name} is connected: the integration is active.", updated, org_id
    )
