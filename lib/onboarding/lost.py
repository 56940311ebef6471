"""A create whose answer was lost (a 5xx or a timeout after the API may have done it): find out what happened.

The Partner API has no call that lists organizations or an organization's integrations, so:
- an org is found by its provider_id, which the API refuses twice: the same create sent once more either
  makes the org (the first did not) or is refused naming the org the first one made. It can never make a
  second org.
- an integration the API may have started is unreachable: nobody has its consent page or its id, so it
  waits forever and can never connect. The org's integrations the console knows are read again, and the
  person is told whether starting again is needed (it is safe: it makes the one that can connect).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.onboarding.actions import refresh_onboardings
from lib.onboarding.forms import OrgForm
from lib.onboarding.sources import ABANDONED, source_label
from lib.store import ORG_CREATED, OnboardingRecord, OrgRecord, Records
from lib.stream.client import StreamClient
from lib.stream.errors import ConflictError, StreamError, error_sentence
from lib.stream.models import CreateOrgRequest

# "… already exists (org_id 6b0f…)": the org a refused provider_id belongs to, when the API names it.
_NAMED_ORG = re.compile(r"\borg_?id\b\W{0,3}([A-Za-z0-9][\w-]*)", re.IGNORECASE)
WAITING = ("waiting_for_oauth", "pending")  # started, waiting for a consent or a manual code


@dataclass(frozen=True)
class Settled:
    """What a create whose answer was lost actually did, as found out afterwards."""

    message: str
    org: OrgRecord | None = None  # the organization, once it is known to exist
    can_restart: bool = False  # starting (the integration) again is needed and safe
    existing: OnboardingRecord | None = None  # the org's integration of that source to use instead


def _lost(exc: StreamError) -> str:
    return f"HTTP {exc.status_code}" if exc.status_code else "no answer in time"


def settle_create_org(
    client: StreamClient, records: Records, actor: str, form: OrgForm, lost: StreamError
) -> Settled:
    """After a create-org answer was lost: the org the API has for this provider_id, recorded, or why not."""
    name, provider_id = form.name, form.provider_id
    known = next((o for o in records.list_orgs() if o.provider_id == provider_id), None)
    if known is not None:
        return Settled(
            f"The API's answer was lost ({_lost(lost)}), but the console already knows the organization with "
            f"provider_id {provider_id}: {known.name or name} ({known.org_id}). Nothing more was sent.",
            org=known,
        )
    request = form.request()
    try:  # safe to send again: the API refuses a provider_id used twice, naming the org that has it
        created = client.create_org(CreateOrgRequest.model_validate(request))
    except ConflictError as exc:
        return _created_by_the_lost_one(client, records, actor, form, exc, lost)
    except StreamError as exc:
        records.audit_failure(actor, ORG_CREATED, None, request, exc)
        return Settled(
            f"The API's answer was lost ({_lost(lost)}) and asking again failed too ({_lost(exc)}), so the "
            f"console cannot tell yet whether {name} was created. Press Create organization again in a "
            "minute: the API refuses a provider_id used twice, so this cannot make a second organization."
        )
    org = records.add_org(created.org_id, name, provider_id, form.email, actor, source="created")
    detail = {"user_id": created.user_id, "settled": "the first attempt (its answer lost) had not created it"}
    records.audit(actor, ORG_CREATED, created.org_id, request, "ok", detail=detail)
    return Settled(
        f"The API's answer was lost ({_lost(lost)}); asked again, the API created {name} now "
        f"({created.org_id}): the first attempt had not. There is one organization with provider_id "
        f"{provider_id}.",
        org=org,
    )


def _created_by_the_lost_one(
    client: StreamClient,
    records: Records,
    actor: str,
    form: OrgForm,
    refused: ConflictError,
    lost: StreamError,
) -> Settled:
    # The last mention: the message names the provider_id first, and a provider_id may look like one.
    named = next(reversed(list(_NAMED_ORG.finditer(refused.message))), None)
    if named is None:
        return Settled(
            f"The API's answer was lost ({_lost(lost)}); asked again, the API says provider_id "
            f"{form.provider_id} is already used, so {form.name} was created, but the API did not say its "
            "org_id. Add it below by its org_id once you have it (the API's support can give it); creating "
            "it again would only be refused."
        )
    org_id = named.group(1)
    try:
        client.org_locations(org_id)  # a read: the org the API named exists
    except StreamError as exc:
        return Settled(
            f"The API's answer was lost ({_lost(lost)}); asked again, the API says provider_id "
            f"{form.provider_id} belongs to organization {org_id}, but reading it failed: "
            f"{error_sentence(exc)} Add it below by that org_id when the API answers."
        )
    org = records.add_org(org_id, form.name, form.provider_id, form.email, actor, source="created")
    detail = {"settled": "its answer was lost; the API names this org for the provider_id"}
    records.audit(actor, ORG_CREATED, org_id, form.request(), "ok", detail=detail)
    return Settled(
        f"The API's answer was lost ({_lost(lost)}), but {form.name} was created: the API names "
        f"organization {org_id} for provider_id {form.provider_id} (read just now). Nothing was created "
        "twice.",
        org=org,
    )


def settle_start(
    client: StreamClient, records: Records, org_id: str, type: str, source: str, lost: StreamError
) -> Settled:
    """After a start-integration answer was lost: the org's integrations of that source read again, and
    whether starting again is needed."""
    name = source_label(source)
    unreachable = (
        f"The API's answer to starting {name} was lost ({_lost(lost)}). If the API started it, nobody has "
        "its consent page or its id, so it waits and can never connect."
    )
    same = [
        o for o in records.list_onboardings(org_id, type=type) if o.source == source and o.status != ABANDONED
    ]
    current, unread = refresh_onboardings(client, records, same)
    for status, says in (("active", "is already connected"), *((w, "is waiting") for w in WAITING)):
        found = next((o for o in reversed(current) if o.status == status and o not in unread), None)
        if found is None:
            continue
        todo = (
            "there is nothing to start."
            if status == "active"
            else "continue it below instead of starting another."
        )
        return Settled(
            f"{unreachable} This organization's {name} integration {found.onboarding_id} {says} "
            f"({found.status}, read just now): {todo}",
            existing=found,
        )
    unreadable = f" The {name} integrations the console knows could not be read just now." if unread else ""
    return Settled(
        f"{unreachable}{unreadable} Start {name} again: that makes the one that can connect, and is safe.",
        can_restart=True,
    )
