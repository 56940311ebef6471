"""The sandbox's onboarding model: orgs, integrations, OAuth codes, ingest, bind and the org view."""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import merchants
from .auth import token_hash
from .db import Database
from .errors import ApiError
from .ids import new_id
from .schemas import BindIn, IngestIn, IntegrationIn, OrgIn
from .settings import SandboxSettings
from .sources import MANUAL_CODE_PREFIX, SOURCES, manual_code, sources_of
from .states import binding_status, iso, location_status, quoted, rejected_by_chance


def add_query(url: str, **params: str) -> str:
    """url with params appended to its query string (existing parameters and fragment kept)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _names(ids: list[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


@dataclass
class ConsentContext:
    """What the consent page needs to show."""

    onboarding: dict[str, Any]
    org_name: str
    source_label: str
    fixed_merchant: str | None  # a DSP consent for an org whose POS is connected shows that merchant
    return_url: str


class SandboxService:
    """All state changes and views of the sandbox, over one Database."""

    def __init__(
        self, db: Database, settings: SandboxSettings, reject_rate: Callable[[], float] = lambda: 0.0
    ) -> None:
        self.db = db
        self.settings = settings
        # The live share of bindings that end REJECTED instead of APPROVED (the reject_rate knob).
        self.reject_rate = reject_rate

    # --- orgs -------------------------------------------------------------------------------------

    def create_org(self, body: OrgIn) -> dict[str, str]:
        """POST /onboarding/org: 409 when the provider_id is already used."""
        org_id, user_id = new_id(), new_id()
        with self.db.transaction() as conn:
            existing = conn.execute(
                "SELECT id FROM orgs WHERE provider_id = ?", (body.provider_id,)
            ).fetchone()
            if existing is not None:
                raise ApiError(
                    409,
                    f"An organization with provider_id '{body.provider_id}' already exists "
                    f"(org_id {existing['id']}).",
                    [{"field": "provider_id", "message": "is already used by another organization"}],
                )
            conn.execute(
                "INSERT INTO orgs (id, name, provider_id, user_id, email, first_name, last_name, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    org_id,
                    body.name,
                    body.provider_id,
                    user_id,
                    body.user.email,
                    body.user.first_name,
                    body.user.last_name,
                    self.settings.clock(),
                ),
            )
        return {"org_id": org_id, "user_id": user_id}

    def _org(self, conn: sqlite3.Connection, org_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM orgs WHERE id = ?", (org_id,)).fetchone()
        if row is None:
            raise ApiError(404, f"Organization '{org_id}' was not found.")
        return row

    # --- integrations -----------------------------------------------------------------------------

    @staticmethod
    def onboarding_json(row: sqlite3.Row) -> dict[str, Any]:
        """The onboarding object as the API answers it."""
        out: dict[str, Any] = {
            "_id": row["id"],
            "status": row["status"],
            "type": row["type"],
            "source": row["source"],
            "org_id": row["org_id"],
        }
        if row["entry_url"]:
            out["entry_url"] = row["entry_url"]
        return out

    def _onboarding(self, conn: sqlite3.Connection, onboarding_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM onboardings WHERE id = ?", (onboarding_id,)).fetchone()
        if row is None:
            raise ApiError(404, f"Onboarding '{onboarding_id}' was not found.")
        return row

    def create_integration(self, body: IntegrationIn, base_url: str) -> dict[str, Any]:
        """POST /onboarding/integrations: OAuth sources wait for consent, manual ones for a code."""
        source = SOURCES.get(body.source)
        if source is None or source.type != body.type:
            known = ", ".join(sources_of(body.type))
            raise ApiError(
                400,
                f"Unknown {body.type.upper()} source '{body.source}'. The sandbox knows: {known}.",
                [{"field": "source", "message": f"must be one of {known}"}],
            )
        if source.oauth and not body.return_url:
            raise ApiError(
                400,
                f"{source.label} connects by OAuth, so return_url is required.",
                [{"field": "return_url", "message": "is required for OAuth sources"}],
            )
        onboarding_id = new_id()
        entry_url = f"{base_url.rstrip('/')}/sandbox/consent/{onboarding_id}" if source.oauth else None
        status = "waiting_for_oauth" if source.oauth else "pending"
        with self.db.transaction() as conn:
            self._org(conn, body.org_id)
            conn.execute(
                "INSERT INTO onboardings (id, org_id, type, source, status, return_url, entry_url,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    onboarding_id,
                    body.org_id,
                    body.type,
                    body.source,
                    status,
                    body.return_url,
                    entry_url,
                    self.settings.clock(),
                ),
            )
            row = self._onboarding(conn, onboarding_id)
        return {"onboarding": self.onboarding_json(row)}

    def get_integration(self, onboarding_id: str) -> dict[str, Any]:
        """GET /onboarding/integrations/{id} (a sandbox convenience)."""
        with self.db.read() as conn:
            return {"onboarding": self.onboarding_json(self._onboarding(conn, onboarding_id))}

    def deprovision(self, onboarding_id: str) -> dict[str, Any]:
        """Sandbox admin: mark an onboarding deprovisioned (as when the merchant disconnects)."""
        with self.db.transaction() as conn:
            self._onboarding(conn, onboarding_id)
            conn.execute("UPDATE onboardings SET status = 'deprovisioned' WHERE id = ?", (onboarding_id,))
            return {"onboarding": self.onboarding_json(self._onboarding(conn, onboarding_id))}

    def _pos_merchant(self, conn: sqlite3.Connection, org_id: str) -> str | None:
        row = conn.execute(
            "SELECT merchant_code FROM onboardings WHERE org_id = ? AND type = 'pos' AND status = 'active'"
            " ORDER BY activated_at DESC LIMIT 1",
            (org_id,),
        ).fetchone()
        return row["merchant_code"] if row else None

    def exchange_code(self, onboarding_id: str, code: str) -> dict[str, Any]:
        """PUT /onboarding/integrations/{id}: an OAuth code or a manual code makes it active."""
        now = self.settings.clock()
        with self.db.transaction() as conn:
            row = self._onboarding(conn, onboarding_id)
            if row["status"] == "deprovisioned":
                raise ApiError(
                    409, f"Onboarding '{onboarding_id}' is deprovisioned; start a new integration."
                )
            source = SOURCES[row["source"]]
            if source.oauth:
                found = conn.execute(
                    "SELECT * FROM oauth_codes WHERE code_hash = ? AND onboarding_id = ?",
                    (token_hash(code), onboarding_id),
                ).fetchone()
                if found is None or found["used"] or found["expires_at"] <= now:
                    reason = (
                        "has already been used" if found is not None and found["used"] else "is not valid"
                    )
                    if found is not None and not found["used"] and found["expires_at"] <= now:
                        reason = "has expired"
                    raise ApiError(
                        400,
                        f"The authorization code {reason} for onboarding '{onboarding_id}': "
                        f"open the {source.label} consent page again to get a new one.",
                        [{"field": "code", "message": reason}],
                    )
                conn.execute("UPDATE oauth_codes SET used = 1 WHERE code_hash = ?", (found["code_hash"],))
                merchant = found["merchant_code"]
            else:
                merchant = self._manual_merchant(code, source.label)
                if source.type == "dsp":
                    # The DSP lists the stores of the merchant the org's POS connected, when there is one.
                    merchant = self._pos_merchant(conn, row["org_id"]) or merchant
            conn.execute(
                "UPDATE onboardings SET status = 'active', merchant_code = ?, activated_at = ? WHERE id = ?",
                (merchant, now, onboarding_id),
            )
            return {"onboarding": self.onboarding_json(self._onboarding(conn, onboarding_id))}

    @staticmethod
    def _manual_merchant(code: str, label: str) -> str:
        catalog = merchants.catalog()
        text = code.strip()
        if text.upper().startswith(MANUAL_CODE_PREFIX):
            merchant = text[len(MANUAL_CODE_PREFIX) :].lower()
            if merchant in catalog:
                return merchant
        example = manual_code(next(iter(catalog))) if catalog else f"{MANUAL_CODE_PREFIX}<merchant>"
        raise ApiError(
            400,
            f"The {label} integration code '{code}' is not valid. Sandbox codes look like "
            f"{MANUAL_CODE_PREFIX}<merchant code>, e.g. {example} (GET /sandbox/merchants lists every"
            " merchant's code).",
            [{"field": "code", "message": "is not a valid integration code"}],
        )

    # --- OAuth consent ----------------------------------------------------------------------------

    def consent_context(self, onboarding_id: str) -> ConsentContext:
        """What the consent page shows for an onboarding (404/400 when there is nothing to consent to)."""
        with self.db.read() as conn:
            row = self._onboarding(conn, onboarding_id)
            source = SOURCES[row["source"]]
            if not source.oauth:
                raise ApiError(400, f"{source.label} connects with a manual code, not by OAuth consent.")
            if row["status"] == "deprovisioned":
                raise ApiError(
                    409, f"Onboarding '{onboarding_id}' is deprovisioned; start a new integration."
                )
            org = self._org(conn, row["org_id"])
            fixed = self._pos_merchant(conn, row["org_id"]) if source.type == "dsp" else None
        return ConsentContext(self.onboarding_json(row), org["name"], source.label, fixed, row["return_url"])

    def consent_decide(self, onboarding_id: str, approve: bool, merchant: str | None) -> str:
        """Approve (one-time code) or deny; returns the URL to redirect the browser to."""
        ctx = self.consent_context(onboarding_id)
        if not approve:
            return add_query(
                ctx.return_url,
                error="access_denied",
                error_description=f"The {ctx.source_label} account owner denied access.",
            )
        chosen = ctx.fixed_merchant or merchant
        if chosen not in merchants.catalog():
            raise ApiError(400, f"Unknown sandbox merchant '{chosen}': pick one from the list.")
        code = secrets.token_urlsafe(24)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO oauth_codes (code_hash, onboarding_id, merchant_code, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token_hash(code), onboarding_id, chosen, self.settings.clock() + self.settings.code_ttl),
            )
        return add_query(ctx.return_url, code=code)

    # --- locations --------------------------------------------------------------------------------

    def _active(self, conn: sqlite3.Connection, onboarding_id: str, kind: str | None) -> sqlite3.Row:
        row = self._onboarding(conn, onboarding_id)
        if kind is not None and row["type"] != kind:
            # 404: there is no onboarding of the kind the call needs by that id.
            raise ApiError(
                404,
                f"Onboarding '{onboarding_id}' is a {row['type'].upper()} onboarding; this call needs a "
                f"{kind.upper()} onboarding.",
                [{"field": "onboarding_id", "message": f"must be a {kind.upper()} onboarding"}],
            )
        if row["status"] != "active":
            raise ApiError(
                409,
                f"Onboarding '{onboarding_id}' is {row['status']}, not active: finish the integration first.",
            )
        return row

    def locations_body(self, onboarding_id: str) -> bytes:
        """GET /onboarding/locations: the POS locations or the DSP stores of an active onboarding."""
        with self.db.read() as conn:
            row = self._active(conn, onboarding_id, None)
        return merchants.listing_body(row["merchant_code"], row["type"], row["source"])

    def ingest(self, body: IngestIn) -> dict[str, Any]:
        """POST /onboarding/locations/ingest: import (or re-sync) POS locations of that onboarding."""
        now = self.settings.clock()
        with self.db.read() as conn:
            row = self._active(conn, body.onboarding_id, "pos")
        index = merchants.pos_index(row["merchant_code"])
        wanted = list(dict.fromkeys(item.provider_id for item in body.locations))
        unknown = [
            (i, item.provider_id) for i, item in enumerate(body.locations) if item.provider_id not in index
        ]
        if unknown:
            # 404 like any id the request names that does not exist: the body is well formed.
            raise ApiError(
                404,
                f"{len(unknown)} location(s) are not locations of onboarding '{body.onboarding_id}': "
                f"{_names([pid for _, pid in unknown])}.",
                [
                    {
                        "field": f"locations[{i}].provider_id",
                        "message": f"'{pid}' is not a location of this onboarding",
                    }
                    for i, pid in unknown
                ],
            )
        org_id, source = row["org_id"], row["source"]
        with self.db.transaction() as conn:
            existing = {
                r["provider_id"]: r["id"]
                for r in conn.execute("SELECT provider_id, id FROM locations WHERE org_id = ?", (org_id,))
            }
            inserts, updates, result = [], [], []
            for pid in wanted:
                loc = index[pid]
                loc_id = existing.get(pid) or new_id()
                doc = _location_doc(loc_id, loc, source)
                if pid in existing:
                    updates.append((body.onboarding_id, source, loc["name"], doc, now, loc_id))
                else:
                    inserts.append(
                        (loc_id, org_id, body.onboarding_id, pid, source, loc["name"], doc, now, now)
                    )
                result.append({"provider_id": pid, "_id": loc_id, "status": "ingested"})
            conn.executemany(
                "INSERT INTO locations (id, org_id, onboarding_id, provider_id, source, name, doc,"
                " ingested_at, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
            # A re-sync keeps a status set at the POS (inactive, paused): the merchant did not reopen.
            conn.executemany(
                "UPDATE locations SET onboarding_id = ?, source = ?, name = ?, doc = ?, synced_at = ?"
                " WHERE id = ?",
                updates,
            )
        return {"locations": result}

    def _binding_status(
        self, org_id: str, store_id: str, override: str | None, dsp_status: str, bound_at: float, now: float
    ) -> str:
        return binding_status(
            override=override,
            dsp_onboarding_status=dsp_status,
            bound_at=bound_at,
            now=now,
            approve_after=self.settings.approve_after_seconds,
            rejected=rejected_by_chance(org_id, store_id, self.reject_rate()),
        )

    def bind(self, body: BindIn) -> dict[str, Any]:
        """POST /onboarding/locations/bind: link ingested POS locations to stores of that DSP onboarding."""
        now = self.settings.clock()
        with self.db.read() as conn:
            row = self._active(conn, body.onboarding_id, "dsp")
        stores = merchants.dsp_index(row["merchant_code"], row["source"])
        org_id, dsp_id = row["org_id"], body.onboarding_id
        with self.db.transaction() as conn:
            ingested = {
                r["provider_id"]
                for r in conn.execute("SELECT provider_id FROM locations WHERE org_id = ?", (org_id,))
            }
            details = []
            for i, item in enumerate(body.locations):
                if item.pos_location_id not in ingested:
                    details.append(
                        {
                            "field": f"locations[{i}].pos_location_id",
                            "message": f"'{item.pos_location_id}' is not an ingested POS location "
                            "of this org",
                        }
                    )
                if item.dsp_provider_id not in stores:
                    details.append(
                        {
                            "field": f"locations[{i}].dsp_provider_id",
                            "message": f"'{item.dsp_provider_id}' is not a store of this DSP onboarding",
                        }
                    )
            if details:
                bad = list(dict.fromkeys(d["message"].split("'")[1] for d in details))
                raise ApiError(
                    404, f"Cannot bind: unknown or not ingested location ids {_names(bad)}.", details
                )
            self._check_unique_pairs(body)
            bound = {
                r["dsp_provider_id"]: r
                for r in conn.execute("SELECT * FROM bindings WHERE dsp_onboarding_id = ?", (dsp_id,))
            }
            for i, item in enumerate(body.locations):
                other = bound.get(item.dsp_provider_id)
                # One store, one POS location: the person must first re-pair the location holding it.
                if other is not None and other["pos_provider_id"] != item.pos_location_id:
                    raise ApiError(
                        409,
                        f"DSP store '{item.dsp_provider_id}' is already bound to POS location "
                        f"'{other['pos_provider_id']}'; it cannot also be bound to '{item.pos_location_id}'.",
                        [
                            {
                                "field": f"locations[{i}].dsp_provider_id",
                                "message": f"is already bound to POS location '{other['pos_provider_id']}'",
                            }
                        ],
                    )
            overrides = {
                r["dsp_provider_id"]: r["status"]
                for r in conn.execute(
                    "SELECT dsp_provider_id, status FROM store_states WHERE org_id = ?", (org_id,)
                )
            }
            # Deprovisioned integrations of the same DSP in this org: a new binding replaces theirs.
            replaced = [
                r["id"]
                for r in conn.execute(
                    "SELECT id FROM onboardings WHERE org_id = ? AND source = ? AND status = 'deprovisioned'",
                    (org_id, row["source"]),
                )
            ]
            result = []
            for item in body.locations:
                name = item.dsp_store_name or stores[item.dsp_provider_id]["name"]
                same = bound.get(item.dsp_provider_id)
                doc = _binding_doc(row["source"], item.dsp_provider_id, name)
                if same is not None:  # the same pair again: harmless, its status carries on
                    conn.execute(
                        "UPDATE bindings SET dsp_store_name = ?, doc = ?"
                        " WHERE dsp_onboarding_id = ? AND dsp_provider_id = ?",
                        (name, doc, dsp_id, item.dsp_provider_id),
                    )
                    bound_at = same["bound_at"]
                else:
                    # Re-pairing a POS location moves it off its previous store of this DSP, and a new
                    # integration of the same DSP replaces bindings left by a deprovisioned one.
                    conn.executemany(
                        "DELETE FROM bindings WHERE dsp_onboarding_id = ? AND pos_provider_id = ?",
                        [(onboarding, item.pos_location_id) for onboarding in (dsp_id, *replaced)],
                    )
                    conn.execute(
                        "INSERT INTO bindings (dsp_onboarding_id, dsp_provider_id, org_id, pos_provider_id,"
                        " dsp_source, dsp_store_name, doc, bound_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            dsp_id,
                            item.dsp_provider_id,
                            org_id,
                            item.pos_location_id,
                            row["source"],
                            name,
                            doc,
                            now,
                        ),
                    )
                    bound_at = now
                result.append(
                    {
                        "pos_location_id": item.pos_location_id,
                        "dsp_provider_id": item.dsp_provider_id,
                        "status": self._binding_status(
                            org_id,
                            item.dsp_provider_id,
                            overrides.get(item.dsp_provider_id),
                            "active",
                            bound_at,
                            now,
                        ),
                    }
                )
        return {"locations": result}

    @staticmethod
    def _check_unique_pairs(body: BindIn) -> None:
        by_store: dict[str, str] = {}
        by_pos: dict[str, str] = {}
        for item in body.locations:
            prev = by_store.setdefault(item.dsp_provider_id, item.pos_location_id)
            if prev != item.pos_location_id:
                raise ApiError(
                    409,
                    f"DSP store '{item.dsp_provider_id}' appears twice in the request, for POS locations "
                    f"'{prev}' and '{item.pos_location_id}'; a store binds to one POS location.",
                    [{"field": "locations", "message": "a DSP store may appear for one POS location only"}],
                )
            prev = by_pos.setdefault(item.pos_location_id, item.dsp_provider_id)
            if prev != item.dsp_provider_id:
                raise ApiError(
                    409,
                    f"POS location '{item.pos_location_id}' appears twice in the request, with DSP stores "
                    f"'{prev}' and '{item.dsp_provider_id}'; a location binds to one store per DSP.",
                    [{"field": "locations", "message": "a POS location may appear with one DSP store only"}],
                )

    def org_locations_body(self, org_id: str) -> bytes:
        """GET /onboarding/org/{org_id}/locations: ingested locations with their DSP bindings, as JSON bytes.

        Each location's JSON is stored pre-rendered at ingest, so 5,000 locations cost string joins, not
        5,000 decode/encode round trips. Statuses are worked out when served (states.py): a deprovisioned POS
        makes its locations inactive, a deprovisioned DSP marks its bindings, statuses set by hand win.
        """
        now = self.settings.clock()
        with self.db.read() as conn:
            self._org(conn, org_id)
            locs = conn.execute(
                "SELECT l.provider_id, l.doc, l.status, l.paused_until, o.status AS pos_status"
                " FROM locations l JOIN onboardings o ON o.id = l.onboarding_id"
                " WHERE l.org_id = ? ORDER BY l.rowid",
                (org_id,),
            ).fetchall()
            binds = conn.execute(
                "SELECT b.pos_provider_id, b.dsp_provider_id, b.doc, b.bound_at, o.status AS dsp_status,"
                " s.status AS override FROM bindings b JOIN onboardings o ON o.id = b.dsp_onboarding_id"
                " LEFT JOIN store_states s ON s.org_id = b.org_id AND s.dsp_provider_id = b.dsp_provider_id"
                " WHERE b.org_id = ? ORDER BY b.dsp_source",
                (org_id,),
            ).fetchall()
        dsps: dict[str, list[str]] = {}
        for pos_id, store_id, doc, bound_at, dsp_status, override in binds:
            status = self._binding_status(org_id, store_id, override, dsp_status, bound_at, now)
            dsps.setdefault(pos_id, []).append(f'{doc},"status":{quoted(status)}}}')
        parts = []
        for pid, doc, stored, paused_until, pos_status in locs:
            status, until = location_status(stored, paused_until, pos_status, now)
            paused = f',"paused_until":"{iso(until)}"' if until is not None else ""
            parts.append(f'{doc},"status":{quoted(status)}{paused},"dsps":[{",".join(dsps.get(pid, ()))}]}}')
        return ('{"locations":[' + ",".join(parts) + "]}").encode()


def _binding_doc(source: str, store_id: str, store_name: str) -> str:
    """A binding's JSON object in the org view, open-ended: the status is appended when served."""
    doc = json.dumps(
        {"name": SOURCES[source].label, "source": source, "provider_id": store_id, "store_name": store_name}
    )
    return doc[:-1]


def _location_doc(loc_id: str, loc: dict[str, Any], source: str) -> str:
    """A location's JSON object in the org view, open-ended: status and "dsps" are appended when served."""
    doc = json.dumps(
        {
            "_id": loc_id,
            "provider_id": loc["provider_id"],
            "name": loc["name"],
            "source": source,
            "address": loc["address"],
        }
    )
    return doc[:-1]
