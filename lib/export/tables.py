"""Location status tables: one org flattened, a whole portfolio fetched concurrently, and their counts.

Pure pandas on top of the API client: no Streamlit here, so the screens, the CLI and notebooks all
build exactly the same tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import pandas as pd

from lib.onboarding.sources import source_label
from lib.onboarding.statuses import Attention, org_location_note
from lib.stream.errors import error_sentence
from lib.stream.models import OrgLocation
from lib.stream.partial import unreadable_summary

DSP_PREFIX = "dsp_"
# Beside each DSP's status column ``dsp_<source>``: the bound store's id and name and the bind time.
DSP_DETAILS: tuple[str, ...] = ("store_id", "store_name", "bound_at")
NOT_BOUND = "not bound"
ORG_COLUMNS: tuple[str, ...] = ("org_id", "org_name")
LOCATION_COLUMNS: tuple[str, ...] = (
    "location_id",
    "name",
    "provider_id",
    "source",
    "status",
    "attention",
    "next_step",
    "address_line_1",
    "address_line_2",
    "locality",
    "state",
    "postal_code",
    "country",
)
# Text columns searched by the search box (whichever of them the table has).
SEARCH_COLUMNS: tuple[str, ...] = (
    "org_id",
    "org_name",
    "location_id",
    "name",
    "provider_id",
    "address_line_1",
    "locality",
    "state",
    "postal_code",
)
PENDING_STATUSES = frozenset({"PENDING", "PENDING_REVIEW"})

Progress = Callable[[int, int], None]


class LocationsClient(Protocol):
    """The one API call these tables need (StreamClient satisfies it)."""

    def org_locations(self, org_id: str) -> list[OrgLocation]: ...


# --- one org -----------------------------------------------------------------------------------------


def dsp_column(source: str, detail: str | None = None) -> str:
    """Column name of one DSP's status (``dsp_grubhub``) or of a detail (``dsp_grubhub_store_id``)."""
    base = f"{DSP_PREFIX}{source.strip().lower()}"
    return f"{base}_{detail}" if detail else base


def _is_detail(column: str) -> bool:
    return any(column.endswith(f"_{detail}") for detail in DSP_DETAILS)


def dsp_columns(table: pd.DataFrame) -> list[str]:
    """The DSP status columns of a status table, in table order (not their store and time details)."""
    return [c for c in table.columns if str(c).startswith(DSP_PREFIX) and not _is_detail(str(c))]


def dsp_detail_columns(table: pd.DataFrame) -> list[str]:
    """The DSP store id, store name and bind time columns of a status table, in table order."""
    return [c for c in table.columns if str(c).startswith(DSP_PREFIX) and _is_detail(str(c))]


def dsp_name(column: str) -> str:
    """The DSP a status column is about (``dsp_grubhub`` -> ``grubhub``)."""
    return column.removeprefix(DSP_PREFIX)


_DETAIL_WORDS = {"store_id": "store id", "store_name": "store name", "bound_at": "bound at"}


def dsp_labels(table: pd.DataFrame) -> dict[str, str]:
    """Each DSP column's heading on screen: ``dsp_doordash`` -> "DoorDash", ``…_store_id`` -> "… store id"."""
    labels: dict[str, str] = {}
    for column in [*dsp_columns(table), *dsp_detail_columns(table)]:
        detail = next((d for d in DSP_DETAILS if column.endswith(f"_{d}")), None)
        source = dsp_name(column.removesuffix(f"_{detail}") if detail else column)
        labels[column] = f"{source_label(source)} {_DETAIL_WORDS[detail]}" if detail else source_label(source)
    return labels


def _location_row(location: OrgLocation) -> dict[str, Any]:
    addr = location.address
    note = org_location_note(location)  # the most urgent of the location's and its DSPs' statuses
    row: dict[str, Any] = {
        "location_id": location.id,
        "name": location.name,
        "provider_id": location.provider_id,
        "source": location.source,
        "status": None if location.status is None else str(location.status),
        "attention": note.attention.value,
        "next_step": note.next_step,
        "address_line_1": addr.address_line_1,
        "address_line_2": addr.address_line_2,
        "locality": addr.locality,
        "state": addr.administrative_district_level_1,
        "postal_code": addr.postal_code,
        "country": addr.country,
    }
    for source, status in dsp_statuses(location).items():
        row[dsp_column(source)] = status
    for source, values in _dsp_details(location).items():
        row.update({dsp_column(source, detail): value for detail, value in values.items()})
    return row


def _dsp_details(location: OrgLocation) -> dict[str, dict[str, str | None]]:
    """Per DSP source: the bound store's id and name and the bind time (two stores: both, like statuses)."""
    found: dict[str, dict[str, list[str]]] = {}
    for dsp in location.dsps:
        key = (dsp.source or dsp.name or "unknown").strip().lower()
        values = found.setdefault(key, {detail: [] for detail in DSP_DETAILS})
        for detail, value in zip(DSP_DETAILS, (dsp.provider_id, dsp.store_name, dsp.bound_at), strict=True):
            if value:
                values[detail].append(str(value))
    return {
        source: {detail: " / ".join(dict.fromkeys(v)) or None for detail, v in values.items()}
        for source, values in found.items()
    }


def dsp_statuses(location: OrgLocation) -> dict[str, str]:
    """The location's binding status per DSP source (lower case), e.g. {"doordash": "APPROVED"}."""
    statuses: dict[str, list[str]] = {}
    for dsp in location.dsps:
        key = (dsp.source or dsp.name or "unknown").strip().lower()
        statuses.setdefault(key, []).append("unknown" if dsp.status is None else str(dsp.status))
    # Two stores of one DSP bound to the same location: keep both statuses rather than drop one.
    return {source: " / ".join(dict.fromkeys(values)) for source, values in statuses.items()}


def _frame(rows: list[dict[str, Any]], lead: Sequence[str], dsps: Iterable[str]) -> pd.DataFrame:
    found = {c for row in rows for c in row if c.startswith(DSP_PREFIX) and not _is_detail(c)}
    sources = sorted({c.removeprefix(DSP_PREFIX) for c in found} | {d.strip().lower() for d in dsps})
    # Each DSP's status, then its store id, store name and bind time: present even when nothing is bound.
    dsp_cols = [dsp_column(s, detail) for s in sources for detail in (None, *DSP_DETAILS)]
    table = pd.DataFrame(rows, columns=[*lead, *LOCATION_COLUMNS, *dsp_cols])
    # Every column is text: blank cells stay missing (NaN), so CSV/Excel/Parquet agree on types.
    return table.astype("str")


def org_status_table(
    locations: Sequence[OrgLocation],
    dsps: Iterable[str] = (),
    org_id: str | None = None,
    org_name: str | None = None,
) -> pd.DataFrame:
    """One row per location: the org, the location (id, name, source, status, address) and, per DSP, its
    binding status ``dsp_<source>`` and the bound store's id, name and bind time.

    A DSP's columns are blank where the location is not bound to it. ``dsps`` adds columns for DSPs the org
    has connected even if no location is bound to them yet.
    """
    org = {"org_id": org_id, "org_name": org_name}
    return _frame([{**org, **_location_row(loc)} for loc in locations], ORG_COLUMNS, dsps)


def connected_dsps(onboardings: Iterable[Any]) -> list[str]:
    """Sources of the active DSP integrations among onboarding records (objects with type/source/status)."""
    found = [
        str(o.source).lower()
        for o in onboardings
        if str(getattr(o, "type", "")).lower() == "dsp" and str(getattr(o, "status", "")).lower() == "active"
    ]
    return list(dict.fromkeys(found))


def connected_dsps_by_org(onboardings: Iterable[Any]) -> dict[str, list[str]]:
    """org_id -> sources of its active DSP integrations, for summarizing a portfolio table."""
    by_org: dict[str, list[Any]] = {}
    for onboarding in onboardings:
        by_org.setdefault(str(onboarding.org_id), []).append(onboarding)
    return {org_id: connected_dsps(items) for org_id, items in by_org.items()}


@dataclass(frozen=True)
class OrgTable:
    """One org's status table and when it was fetched (UTC)."""

    org_id: str
    table: pd.DataFrame
    fetched_at: datetime
    unreadable: str | None = None  # "2 of 5,000 locations could not be read (…)", None when all were


def fetch_org_table(
    client: LocationsClient, org_id: str, dsps: Iterable[str] = (), org_name: str | None = None
) -> OrgTable:
    """Fetch GET /onboarding/org/{org_id}/locations and flatten it; API errors propagate."""
    return org_table(client.org_locations(org_id), org_id, datetime.now(UTC), dsps, org_name)


def org_table(
    locations: list[OrgLocation],
    org_id: str,
    fetched_at: datetime,
    dsps: Iterable[str] = (),
    org_name: str | None = None,
) -> OrgTable:
    """The status table of an org's locations read at `fetched_at` (a PartialList names unreadable ones)."""
    table = org_status_table(locations, dsps, org_id, org_name)
    return OrgTable(org_id, table, fetched_at, unreadable_summary(locations))


# --- counts ------------------------------------------------------------------------------------------


def dsp_status_category(status: Any) -> str:
    """``approved``, ``pending`` or ``other`` for a DSP binding status; ``none`` when not bound."""
    if status is None or (isinstance(status, float) and pd.isna(status)) or status == "":
        return "none"
    text = str(status).upper()
    if text == "APPROVED":
        return "approved"
    if text in PENDING_STATUSES or text.startswith("PENDING"):
        return "pending"
    return "other"


@dataclass(frozen=True)
class StatusSummary:
    """The counts shown above a status table."""

    locations: int
    active: int
    bound_to_all: int  # bound to every DSP its org has connected (and at least one)
    bound_to_none: int
    dsp_approved: int  # bindings (location x DSP), not locations
    dsp_pending: int
    dsp_other: int
    orgs: int = 1
    orgs_with_unbound: int = 0
    action_needed: int = 0  # locations whose own or a DSP's status asks the person to act
    unknown_status: int = 0  # locations with a status the console does not know (or none)

    def as_dict(self) -> dict[str, int]:
        """Plain dict, e.g. for JSON or a one-row DataFrame."""
        return dict(self.__dict__)


def _bound_mask(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return table[list(columns)].notna()


def summarize(
    table: pd.DataFrame, connected: Iterable[str] | Mapping[str, Iterable[str]] = ()
) -> StatusSummary:
    """Counts for an org or portfolio table.

    "Connected" DSPs of an org are those any of its locations is bound to, plus ``connected``: DSP
    integrations that are active but may have nothing bound yet. Give a list for an org table, or a
    mapping org_id -> list for a portfolio table (see ``connected_dsps_by_org``).
    """
    cols = dsp_columns(table)
    by_org = connected if isinstance(connected, Mapping) else None
    shared = set() if by_org is not None else {dsp_column(d) for d in connected}
    bound = _bound_mask(table, cols)
    status = table["status"].str.lower() if len(table) else pd.Series([], dtype="str")
    # One org's table may carry no org id (org_status_table without one): it is then a single group.
    has_orgs = "org_id" in table.columns and (table.empty or bool(table["org_id"].notna().any()))
    groups = table["org_id"] if has_orgs else pd.Series(0, index=table.index)

    bound_all = pd.Series(False, index=table.index)
    for key, idx in table.groupby(groups, sort=False).groups.items():
        org_bound = bound.loc[idx]
        wanted = shared if by_org is None else {dsp_column(d) for d in by_org.get(str(key), ())}
        used = {c for c in cols if org_bound[c].any()} | wanted
        # A connected DSP no location of the whole table is bound to has no column: nobody is bound to all.
        if used and used <= set(cols):
            bound_all.loc[idx] = org_bound[sorted(used)].all(axis=1)
    none = ~bound.any(axis=1) if cols else pd.Series(True, index=table.index)

    categories = pd.Series(dtype="str")
    if cols:
        stacked = table[cols].stack()  # drops blanks: one entry per binding
        categories = stacked.map(dsp_status_category)
    counts = categories.value_counts()
    org_count = int(table["org_id"].nunique()) if has_orgs else 1
    orgs_unbound = int(table.loc[none, "org_id"].nunique()) if has_orgs else int(bool(none.any()))
    return StatusSummary(
        locations=len(table),
        active=int((status == "active").sum()),
        bound_to_all=int(bound_all.sum()),
        bound_to_none=int(none.sum()),
        dsp_approved=int(counts.get("approved", 0)),
        dsp_pending=int(counts.get("pending", 0)),
        dsp_other=int(counts.get("other", 0)),
        orgs=org_count,
        orgs_with_unbound=orgs_unbound,
        action_needed=_attention_count(table, Attention.ACTION),
        unknown_status=_attention_count(table, Attention.UNKNOWN),
    )


def _attention_count(table: pd.DataFrame, attention: Attention) -> int:
    return int((table["attention"] == attention.value).sum()) if "attention" in table.columns else 0


def dsp_status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Long counts for a chart: columns dsp, status, locations (``not bound`` included)."""
    cols = dsp_columns(table)
    if not cols or table.empty:
        return pd.DataFrame({"dsp": [], "status": [], "locations": []}).astype(
            {"dsp": "str", "status": "str", "locations": "int64"}
        )
    long = table[cols].fillna(NOT_BOUND).melt(var_name="dsp", value_name="status")
    long["dsp"] = long["dsp"].map(dsp_name)
    counts = long.groupby(["dsp", "status"], sort=True).size().rename("locations").reset_index()
    return counts


def location_status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Locations per location status (``unknown`` where the API sent none)."""
    counts = table["status"].fillna("unknown").value_counts().rename_axis("status").rename("locations")
    return counts.reset_index()


def org_overview(table: pd.DataFrame) -> pd.DataFrame:
    """One row per org of a portfolio table: locations, active, bound to none, and bindings per category."""
    cols = dsp_columns(table)
    work = pd.DataFrame(
        {
            "org_id": table["org_id"],
            "org_name": table["org_name"],
            "locations": 1,
            "active": (table["status"].str.lower() == "active").astype(int),
            "unbound": (~_bound_mask(table, cols).any(axis=1)).astype(int) if cols else 1,
            "action_needed": (table["attention"] == Attention.ACTION.value).astype(int),
        }
    )
    for category in ("approved", "pending", "other"):
        work[f"dsp_{category}"] = (
            table[cols].apply(lambda col, c=category: col.map(dsp_status_category) == c).sum(axis=1)
            if cols
            else 0
        )
    grouped = work.groupby(["org_id", "org_name"], sort=False, dropna=False).sum().reset_index()
    return grouped.rename(
        columns={"dsp_approved": "approved", "dsp_pending": "pending", "dsp_other": "other"}
    )


# --- filters -----------------------------------------------------------------------------------------


def filter_table(
    table: pd.DataFrame,
    statuses: Iterable[str] = (),
    dsps: Iterable[str] = (),
    dsp_statuses: Iterable[str] = (),
    search: str = "",
    sources: Iterable[str] = (),
    attention: Iterable[str] = (),
    org: str = "",
) -> pd.DataFrame:
    """Rows matching every given filter (an empty filter keeps everything).

    ``statuses``/``sources``: location status/source. ``dsps``: bound to any of these DSPs.
    ``dsp_statuses``: some DSP (of ``dsps`` if given, else any) has one of these statuses;
    ``not bound`` matches a blank cell. ``search``: case-insensitive text in ids, names or address.
    ``attention``: the row's badge (``action needed``, ``unknown``, ``paused``, ``waiting``, ``ok``).
    ``org``: case-insensitive text in the org's name or id (Portfolio's rows span orgs).
    """
    mask = pd.Series(True, index=table.index)
    if needle := org.strip().lower():
        mask &= _contains(table, ("org_name", "org_id"), needle)
    statuses, sources = set(statuses), set(sources)
    if set(attention):
        mask &= table["attention"].isin(set(attention))
    if statuses:
        mask &= table["status"].fillna("unknown").isin(statuses)
    if sources:
        mask &= table["source"].fillna("unknown").isin(sources)
    chosen = [dsp_column(d) for d in dsps if dsp_column(d) in table.columns]
    if set(dsps) and not chosen:
        mask &= False  # asked for a DSP no location has
    wanted = set(dsp_statuses)
    columns = chosen or dsp_columns(table)
    if wanted:
        cells = table[columns].fillna(NOT_BOUND)
        mask &= cells.isin(wanted).any(axis=1) if columns else NOT_BOUND in wanted
    elif chosen:
        mask &= table[chosen].notna().any(axis=1)
    if text := search.strip().lower():
        mask &= _contains(table, SEARCH_COLUMNS, text)
    return table[mask]


def _contains(table: pd.DataFrame, columns: Iterable[str], text: str) -> pd.Series:
    """Rows where any of these columns (those the table has) holds the lower-case text."""
    hit = pd.Series(False, index=table.index)
    for column in columns:
        if column in table.columns:
            hit |= table[column].str.lower().str.contains(text, regex=False, na=False)
    return hit


def dsp_status_options(table: pd.DataFrame) -> list[str]:
    """What the "DSP status" filter offers: every status some DSP column holds, and NOT_BOUND."""
    return sorted({str(v) for c in dsp_columns(table) for v in table[c].dropna().unique()} | {NOT_BOUND})


# --- portfolio ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgRef:
    """An org to fetch: its id and, when known, its name."""

    org_id: str
    name: str | None = None
    dsps: tuple[str, ...] = ()  # its active DSP integrations: their columns even when nothing is bound


@dataclass(frozen=True)
class OrgFailure:
    """An org whose locations could not be fetched, with the sentence to show."""

    org_id: str
    org_name: str | None
    error: str


@dataclass
class Portfolio:
    """Location status across orgs: the long table, the orgs that failed, and when it was fetched."""

    table: pd.DataFrame
    failures: list[OrgFailure] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    org_count: int = 0
    unreadable: dict[str, str] = field(default_factory=dict)  # org_id -> which locations could not be read

    def failures_frame(self) -> pd.DataFrame:
        """The failed orgs as a table (org_id, org_name, error)."""
        return pd.DataFrame(
            [f.__dict__ for f in self.failures], columns=["org_id", "org_name", "error"]
        ).astype("str")


def _as_ref(org: Any) -> OrgRef:
    if isinstance(org, OrgRef):
        return org
    if isinstance(org, str):
        return OrgRef(org)
    return OrgRef(str(org.org_id), getattr(org, "name", None))


T = TypeVar("T")
K = TypeVar("K")


def fetch_concurrently(
    fetch: Callable[[K], T],
    keys: Sequence[K],
    max_in_flight: int = 8,
    progress: Progress | None = None,
) -> Iterator[tuple[int, T | None, str | None]]:
    """Call ``fetch(key)`` for every key, at most ``max_in_flight`` at once; yield (index, result, error).

    Results come in the order they finish; ``error`` is the sentence to show when that call failed (one
    failure never hides the others). ``progress(done, total)`` runs in the calling thread.
    """
    if max_in_flight < 1:
        raise ValueError("max_in_flight must be at least 1")
    total = len(keys)
    if progress:
        progress(0, total)
    with ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="portfolio") as pool:
        futures = {pool.submit(fetch, key): i for i, key in enumerate(keys)}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                yield futures[future], future.result(), None
            except Exception as exc:  # one org failing must not hide the others
                yield futures[future], None, error_sentence(exc)
            if progress:
                progress(done, total)


def portfolio_table(
    client: LocationsClient,
    orgs: Iterable[Any],
    max_in_flight: int = 8,
    progress: Progress | None = None,
) -> Portfolio:
    """Fetch every org's locations concurrently (at most ``max_in_flight`` requests at once).

    ``orgs``: org ids, OrgRef, or records with ``org_id``/``name`` (e.g. lib.store OrgRecord).
    ``progress(done, total)`` is called from the calling thread after each org finishes.
    An org whose fetch fails is kept in ``failures`` with its error sentence; the rest are in ``table``,
    in the order the orgs were given.
    """
    refs = list(dict.fromkeys(_as_ref(o) for o in orgs))
    results: dict[int, list[OrgLocation]] = {}
    errors: dict[int, str] = {}
    ids = [ref.org_id for ref in refs]
    unreadable: dict[str, str] = {}
    for i, locations, error in fetch_concurrently(client.org_locations, ids, max_in_flight, progress):
        if error is None:
            results[i] = locations or []
            note = unreadable_summary(results[i])
            if note:
                unreadable[ids[i]] = note
        else:
            errors[i] = error
    fetched_at = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for i, ref in enumerate(refs):
        for location in results.get(i, ()):
            rows.append({"org_id": ref.org_id, "org_name": ref.name, **_location_row(location)})
    failures = [OrgFailure(refs[i].org_id, refs[i].name, errors[i]) for i in sorted(errors)]
    connected = [d for ref in refs for d in ref.dsps]
    return Portfolio(_frame(rows, ORG_COLUMNS, connected), failures, fetched_at, len(refs), unreadable)


# --- naming ------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A file-name-safe version of text (letters, digits, dashes)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # Café -> Cafe
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return cleaned[:60].rstrip("-") or "org"
