"""Deterministic, labelled synthetic merchants: POS locations and the messy store lists marketplaces show.

One generator for the sandbox's seeded merchants, the matching engine's tests and its benchmark.
Everything derives from explicit seeds (sha256 of the inputs), so the same inputs give identical frames
in every process.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from lib.stream.models import ADDRESS_FIELDS
from lib.synthetic.address import (
    Address,
    abbrev_variant,
    city_streets,
    nearby_number,
    random_unit,
    stable_rng,
    street_typo,
    unit_reformat,
)
from lib.synthetic.geo import (
    CITIES,
    GENERIC_NEIGHBOURHOODS,
    LOCALITY_VARIANTS,
    NEIGHBOURHOODS,
    SUFFIXES,
    City,
)
from lib.synthetic.names import BRANDS, VIRTUAL_BRANDS, StoreName, name_variant, typo

COLUMNS: tuple[str, ...] = ("provider_id", "name", *ADDRESS_FIELDS, "phone", "latitude", "longitude")
TRUTH_COLUMNS: tuple[str, ...] = (
    "pos_provider_id",
    "dsp_provider_id",
    "case",
    "detail",
    "related_pos_provider_id",
)

# Labels of true pairs (one DSP store truly is that POS location).
MATCH_CASES: tuple[str, ...] = (
    "exact",
    "name_variant",
    "address_abbrev",
    "unit_reformat",
    "unit_dropped",
    "zip4",
    "missing_zip",
    "typo",
    "combined",
)
# A POS location the marketplace does not list.
ABSENT_CASE = "absent_on_dsp"
# DSP stores that are NOT any POS location.
EXTRA_CASES: tuple[str, ...] = ("closed_nearby", "virtual_brand")
HARD_CASES: tuple[str, ...] = (*MATCH_CASES, ABSENT_CASE, *EXTRA_CASES)

DSPS: tuple[str, ...] = ("doordash", "ubereats", "grubhub")

# Relative weights of the single-drift cases among present, non-combined POS locations.
DEFAULT_CASE_WEIGHTS: dict[str, float] = {
    "exact": 0.50,
    "name_variant": 0.14,
    "address_abbrev": 0.12,
    "zip4": 0.07,
    "missing_zip": 0.05,
    "typo": 0.06,
    # only for locations that have a unit (about a quarter of them)
    "unit_reformat": 0.30,
    "unit_dropped": 0.18,
}


@dataclass(frozen=True)
class MerchantSpec:
    """A merchant (brand) with n_locations POS locations, generated from seed."""

    code: str
    brand: str
    n_locations: int
    seed: int


@dataclass(frozen=True)
class DriftRates:
    """How messy a marketplace's list is; the defaults are the sandbox's."""

    absent_rate: float = 0.07
    closed_rate: float = 0.04
    virtual_rate: float = 0.04
    combined_rate: float = 0.06
    case_weights: tuple[tuple[str, float], ...] = field(default=tuple(DEFAULT_CASE_WEIGHTS.items()))


@dataclass(frozen=True)
class _Profile:
    phone: str  # "paren" (415) 555-1234, "e164" +14155551234, "dash" 415-555-1234
    unit_fold: float  # chance a reformatted unit moves into address_line_1
    weight_mult: tuple[tuple[str, float], ...]


# Each marketplace garbles in its own way (on top of its own random stream).
_PROFILES: dict[str, _Profile] = {
    "doordash": _Profile("e164", 0.7, (("name_variant", 1.3),)),
    "ubereats": _Profile("paren", 0.3, (("zip4", 1.8), ("address_abbrev", 1.2))),
    "grubhub": _Profile("dash", 0.5, (("typo", 1.6), ("missing_zip", 1.6))),
}

CATALOG: dict[str, MerchantSpec] = {
    s.code: s
    for s in (
        MerchantSpec("rosas-cantina", "Rosa's Cantina", 3, 101),
        MerchantSpec("cafe-lumiere", "Café Lumière", 8, 107),
        MerchantSpec("bread-and-butter", "Bread & Butter Bakery", 12, 202),
        MerchantSpec("taco-tres", "Taco Tres", 40, 303),
        MerchantSpec("pho-saigon", "Pho Saigon Kitchen", 250, 404),
        MerchantSpec("big-slice-pizza", "Big Slice Pizza Co.", 2000, 505),
        MerchantSpec("burger-barn", "Burger Barn", 5000, 606),
    )
}


@dataclass(frozen=True)
class _Site:
    pid: str
    name: StoreName
    addr: Address
    city: City
    zip5: str
    plus4: str
    phone: str  # 10 digits
    lat: float
    lng: float


# ---------------------------------------------------------------- POS side


def slugify(text: str) -> str:
    """'Rosa's Cantina' -> 'rosas-cantina'."""
    from lib.synthetic.names import strip_accents

    text = strip_accents(text).lower().replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "merchant"


def _weighted_sample(rng, items: list, weights: list[float], k: int) -> list:
    # Efraimidis-Spirakis: weighted sampling without replacement, deterministic given rng.
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


@lru_cache(maxsize=256)
def _neighbourhoods(city: City) -> tuple[str, ...]:
    known = NEIGHBOURHOODS.get((city.name, city.state))
    if known:
        return known
    return tuple(stable_rng("hoods", city.name, city.state).sample(GENERIC_NEIGHBOURHOODS, 9))


def _format_phone(digits: str, style: str) -> str:
    a, e, n = digits[:3], digits[3:6], digits[6:]
    if style == "e164":
        return f"+1{digits}"
    if style == "dash":
        return f"{a}-{e}-{n}"
    return f"({a}) {e}-{n}"


def _new_phone(rng, city: City, used: set[str]) -> str:
    while True:
        exchange = rng.randint(201, 989)
        if exchange % 100 == 11 or exchange == 555:
            continue
        digits = f"{city.area_code}{exchange}{rng.randint(0, 9999):04d}"
        if digits not in used:
            used.add(digits)
            return digits


@lru_cache(maxsize=32)
def _sites(spec: MerchantSpec) -> tuple[_Site, ...]:
    """The merchant's POS locations as parts (cached: the sandbox asks for big merchants repeatedly)."""
    if spec.n_locations < 0:
        raise ValueError("n_locations must be >= 0")
    rng = stable_rng("pos", spec.code, spec.brand, spec.n_locations, spec.seed)
    n = spec.n_locations
    # A chain clusters: few cities for a small merchant, most of the country for a national one,
    # so many stores share a city (and often a street) and names collide.
    k = min(len(CITIES), max(1, round(math.sqrt(n) / 1.2)))
    cities = _weighted_sample(rng, list(CITIES), [c.weight for c in CITIES], k)
    city_w = [c.weight**1.5 for c in cities]

    primary_style = rng.choice(("dash", "paren", "number", "dash"))
    other_styles = ("dash", "paren", "number", "city", "street", "plain")
    number_width = rng.choice((4, 0))
    long_suffix_share = rng.choice((0.03, 0.1, 0.35))
    unit_style = rng.choice((0, 0, 1))
    width = max(4, len(str(n)))
    store_numbers = sorted(rng.sample(range(1, max(100, 10 * n)), n))

    used_addr: set[tuple[str, str, int, int]] = set()
    used_phone: set[str] = set()
    sites: list[_Site] = []
    for i in range(n):
        city = rng.choices(cities, city_w)[0]
        streets = city_streets(city)
        while True:
            s_idx = rng.randrange(len(streets))
            # Mostly 3-4 digit house numbers, a few 2-digit and 5-digit ones (12224 Ventura Blvd).
            number = int(10 ** rng.uniform(1.7, 4.25))
            key = (city.name, city.state, s_idx, number)
            if key not in used_addr:
                used_addr.add(key)
                break
        unit_kind, unit_id = random_unit(rng) if rng.random() < 0.25 else ("", "")
        addr = Address(
            number=number,
            street=streets[s_idx],
            unit_kind=unit_kind,
            unit_id=unit_id,
            suffix_form=1 if rng.random() < long_suffix_share else 0,
            dir_form=1 if rng.random() < 0.1 else 0,
            ordinal_as_words=rng.random() < 0.08,
            unit_form=unit_style if rng.random() < 0.8 else 1 - unit_style,
        )
        style = primary_style if (n <= 5 or rng.random() < 0.75) else rng.choice(other_styles)
        name = StoreName(
            brand=spec.brand,
            style=style,
            label=rng.choice(_neighbourhoods(city)),
            store_no=store_numbers[i],
            number_width=number_width,
            city=city.name,
            street=addr.street_label(),
        )
        sites.append(
            _Site(
                pid=f"{spec.code}-L{i + 1:0{width}d}",
                name=name,
                addr=addr,
                city=city,
                zip5=rng.choice(city.zips),
                plus4=f"{rng.randint(1, 9999):04d}",
                phone=_new_phone(rng, city, used_phone),
                lat=round(city.lat + rng.gauss(0, 0.035), 6),
                lng=round(city.lng + rng.gauss(0, 0.045), 6),
            )
        )
    return tuple(sites)


def _pos_row(s: _Site) -> dict[str, object]:
    return {
        "provider_id": s.pid,
        "name": s.name.render(),
        "address_line_1": s.addr.line1(),
        "address_line_2": s.addr.line2(),
        "locality": s.city.name,
        "administrative_district_level_1": s.city.state,
        "postal_code": s.zip5,
        "country": "US",
        "phone": _format_phone(s.phone, "paren"),
        "latitude": s.lat,
        "longitude": s.lng,
    }


def _frame(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


@lru_cache(maxsize=32)
def _pos_frame(spec: MerchantSpec) -> pd.DataFrame:
    return _frame([_pos_row(s) for s in _sites(spec)], COLUMNS)


def pos_locations(spec: MerchantSpec) -> pd.DataFrame:
    """One row per POS location of the merchant (columns COLUMNS), ordered by provider_id."""
    return _pos_frame(spec).copy()


# ---------------------------------------------------------------- DSP side


def _abbrev_applicable(s: _Site) -> bool:
    st = s.addr.street
    return (
        len(SUFFIXES.get(st.suffix, ())) > 1
        or bool(st.predir or st.postdir or st.ordinal)
        or (s.city.name in LOCALITY_VARIANTS)
    )


def _pick_case(rng, s: _Site, weights: dict[str, float]) -> str:
    options = [c for c in weights if _applicable(c, s)]
    return rng.choices(options, [weights[c] for c in options])[0]


def _applicable(case: str, s: _Site) -> bool:
    if case in ("unit_reformat", "unit_dropped"):
        return bool(s.addr.unit_kind)
    if case == "address_abbrev":
        return _abbrev_applicable(s)
    return True


def _assign_cases(rng, sites: tuple[_Site, ...], rates: DriftRates, profile: _Profile) -> list[str]:
    weights = dict(rates.case_weights)
    for case, mult in profile.weight_mult:
        if case in weights:
            weights[case] *= mult
    cases: list[str] = []
    for s in sites:
        if rng.random() < rates.absent_rate:
            cases.append(ABSENT_CASE)
        elif rng.random() < rates.combined_rate:
            cases.append("combined")
        else:
            cases.append(_pick_case(rng, s, weights))
    # A mid-size merchant shows every case at least once, so tests and demos never miss one by chance.
    if len(sites) >= 60:
        wanted = [c for c in (*MATCH_CASES, ABSENT_CASE) if c != "exact"]
        if rates.absent_rate <= 0:
            wanted.remove(ABSENT_CASE)
        if rates.combined_rate <= 0:
            wanted.remove("combined")
        wanted = [c for c in wanted if c in weights or c in (ABSENT_CASE, "combined")]
        for case in wanted:
            if case in cases:
                continue
            spare = [i for i, c in enumerate(cases) if c == "exact" and _applicable(case, sites[i])]
            if spare:
                cases[rng.choice(spare)] = case
    return cases


def _drift_row(rng, s: _Site, case: str, profile: _Profile) -> tuple[dict[str, object], str]:
    """The marketplace's row for a POS location under case, and a detail tag of what changed."""
    row = _pos_row(s)
    if case == "exact":
        return row, ""
    if case == "combined":
        pool = ["name_variant", "zip", "typo"]
        if _abbrev_applicable(s):
            pool.append("address_abbrev")
        if s.addr.unit_kind:
            pool.append("unit")
        ops = rng.sample(pool, 3 if rng.random() < 0.3 and len(pool) >= 3 else 2)
        ops = [
            (
                rng.choice(("zip4", "missing_zip"))
                if o == "zip"
                else rng.choice(("unit_reformat", "unit_dropped"))
            )
            if o in ("zip", "unit")
            else o
            for o in ops
        ]
    else:
        ops = [case]
    # A fixed order so combined drift composes the same way every time.
    order = ["name_variant", "address_abbrev", "unit_reformat", "unit_dropped", "typo", "zip4", "missing_zip"]
    ops.sort(key=order.index)
    addr, locality, name, postal = s.addr, s.city.name, s.name.render(), s.zip5
    tags: list[str] = []
    for op in ops:
        if op == "name_variant":
            name, tag = name_variant(s.name, rng)
            tags.append(f"name:{tag}")
        elif op == "address_abbrev":
            addr, locality, tag = abbrev_variant(addr, locality, rng)
            tags.append(f"abbrev:{tag}")
        elif op == "unit_reformat":
            before = addr.unit_text()
            addr = unit_reformat(addr, rng, profile.unit_fold)
            tags.append(f"unit:{before}->{addr.unit_text()}{' in line 1' if addr.unit_in_line1 else ''}")
        elif op == "unit_dropped":
            addr = replace(addr, unit_kind="", unit_id="")
            tags.append("unit_dropped")
        elif op == "typo":
            if not s.addr.street.ordinal and s.addr.street.name and rng.random() < 0.5:
                addr = street_typo(addr, rng)
                tags.append("typo:street")
            else:
                brand = s.name.brand
                name = name.replace(brand, typo(brand, rng), 1) if brand in name else typo(name, rng)
                tags.append("typo:name")
        elif op == "zip4":
            postal = f"{s.zip5}-{s.plus4}"
            tags.append("zip4")
        elif op == "missing_zip":
            postal = ""
            tags.append("missing_zip")
    row.update(
        name=name,
        address_line_1=addr.line1(),
        address_line_2=addr.line2(),
        locality=locality,
        postal_code=postal,
        phone=_format_phone(s.phone, profile.phone),
        # Marketplaces geocode on their own: the pin moves by a few metres.
        latitude=round(s.lat + rng.gauss(0, 0.0003), 6),
        longitude=round(s.lng + rng.gauss(0, 0.0003), 6),
    )
    return row, "+".join(tags)


def _extra_count(rng, rate: float, n: int) -> int:
    if rate <= 0 or n == 0:
        return 0
    count = int(rate * n + rng.random())  # stochastic rounding keeps the expected rate for small n
    return max(count, 1) if n >= 10 else count


def _closed_nearby(
    rng, s: _Site, used: set[tuple[object, ...]], profile: _Profile, phones: set[str], store_no: int
) -> dict[str, object]:
    """A closed store of the same brand a few doors down the same street."""
    street_key = (s.city.name, s.city.state, s.addr.street)
    for _ in range(50):
        number = nearby_number(s.addr.number, rng)
        if (*street_key, number) not in used and number != s.addr.number:
            break
    else:
        number = s.addr.number + 1000
    used.add((*street_key, number))
    addr = replace(s.addr, number=number)
    if addr.unit_kind and rng.random() < 0.5:
        addr = replace(addr, unit_kind="", unit_id="")
    # Often the same name as the open store (same neighbourhood), sometimes its own store number.
    name = s.name if rng.random() < 0.6 else replace(s.name, store_no=store_no)
    return {
        "name": name.render(),
        "address_line_1": addr.line1(),
        "address_line_2": addr.line2(),
        "locality": s.city.name,
        "administrative_district_level_1": s.city.state,
        "postal_code": s.zip5,
        "country": "US",
        "phone": _format_phone(_new_phone(rng, s.city, phones), profile.phone),
        "latitude": round(s.lat + rng.gauss(0, 0.0008), 6),
        "longitude": round(s.lng + rng.gauss(0, 0.0008), 6),
    }


def _virtual_brand(rng, s: _Site, vbrand: str, profile: _Profile, phones: set[str]) -> dict[str, object]:
    """A delivery-only brand cooking in this POS location's kitchen: same address, different name."""
    row = _pos_row(s)
    suffix = rng.random()
    name = (
        f"{vbrand} - {s.name.label}"
        if suffix < 0.35
        else f"{vbrand} ({s.name.label})"
        if suffix < 0.5
        else vbrand
    )
    shared_line = rng.random() < 0.5
    phone = s.phone if shared_line else _new_phone(rng, s.city, phones)
    row.update(name=name, phone=_format_phone(phone, profile.phone))
    return row


def _merchant_virtual_brands(spec: MerchantSpec) -> list[str]:
    # The same virtual brands on every marketplace: they belong to the merchant, not to the DSP.
    rng = stable_rng("virtual", spec.code, spec.seed)
    pool = [v for v in VIRTUAL_BRANDS if slugify(v) != slugify(spec.brand)]
    return rng.sample(pool, 2)


@lru_cache(maxsize=64)
def _dsp_frames(spec: MerchantSpec, dsp: str, rates: DriftRates) -> tuple[pd.DataFrame, pd.DataFrame]:
    if dsp not in _PROFILES:
        raise ValueError(f"unknown dsp {dsp!r}; expected one of {', '.join(DSPS)}")
    profile = _PROFILES[dsp]
    sites = _sites(spec)
    rng = stable_rng("dsp", dsp, spec.code, spec.brand, spec.n_locations, spec.seed, rates)
    cases = _assign_cases(rng, sites, rates, profile)

    rows: list[dict[str, object]] = []
    truth: list[dict[str, object]] = []  # parallel to rows; absent locations go to `absent`
    absent: list[dict[str, object]] = []
    for s, case in zip(sites, cases, strict=True):
        if case == ABSENT_CASE:
            absent.append({"pos_provider_id": s.pid, "dsp_provider_id": None, "case": case, "detail": ""})
            continue
        row, detail = _drift_row(rng, s, case, profile)
        rows.append(row)
        truth.append({"pos_provider_id": s.pid, "case": case, "detail": detail})

    used: set[tuple[object, ...]] = {(s.city.name, s.city.state, s.addr.street, s.addr.number) for s in sites}
    phones = {s.phone for s in sites}
    store_nos = {s.name.store_no for s in sites}
    n = len(sites)
    for _ in range(_extra_count(rng, rates.closed_rate, n)):
        s = rng.choice(sites)
        store_no = max(store_nos) + rng.randint(1, 50)
        store_nos.add(store_no)
        rows.append(_closed_nearby(rng, s, used, profile, phones, store_no))
        detail = f"house {s.addr.number}->{str(rows[-1]['address_line_1']).split(' ', 1)[0]}"
        truth.append({"pos_provider_id": None, "case": "closed_nearby", "detail": detail, "related": s.pid})
    vbrands = _merchant_virtual_brands(spec)
    kitchens = rng.sample(sites, min(n, _extra_count(rng, rates.virtual_rate, n)))
    for s in kitchens:
        vb = rng.choice(vbrands)
        rows.append(_virtual_brand(rng, s, vb, profile, phones))
        truth.append({"pos_provider_id": None, "case": "virtual_brand", "detail": vb, "related": s.pid})

    # Marketplace ids: unrelated to POS ids, not contiguous, rows in no useful order.
    m = len(rows)
    upper = max(100_000, 10 * m)
    width = len(str(upper - 1))
    ids = [f"{dsp}-{spec.code}-S{k:0{width}d}" for k in rng.sample(range(1, upper), m)]
    order = list(range(m))
    rng.shuffle(order)
    dsp_rows = []
    for pos_in_frame, j in enumerate(order):
        rows[j]["provider_id"] = ids[pos_in_frame]
        truth[j]["dsp_provider_id"] = ids[pos_in_frame]
        dsp_rows.append(rows[j])

    matched = [t for t in truth if t["pos_provider_id"] is not None]
    extras = sorted(
        (t for t in truth if t["pos_provider_id"] is None), key=lambda t: str(t["dsp_provider_id"])
    )
    by_pos = {t["pos_provider_id"]: t for t in matched + absent}
    truth_rows = [by_pos[s.pid] for s in sites] + extras
    for t in truth_rows:
        t["related_pos_provider_id"] = t.pop("related", None)
    return _frame(dsp_rows, COLUMNS), _frame(truth_rows, TRUTH_COLUMNS)


def _rates(
    absent_rate: float,
    closed_rate: float,
    virtual_rate: float,
    combined_rate: float,
    case_weights: dict[str, float] | None,
) -> DriftRates:
    for name, value in (
        ("absent_rate", absent_rate),
        ("closed_rate", closed_rate),
        ("virtual_rate", virtual_rate),
        ("combined_rate", combined_rate),
    ):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be within [0, 1], got {value}")
    weights = dict(DEFAULT_CASE_WEIGHTS)
    if case_weights is not None:
        unknown = set(case_weights) - set(DEFAULT_CASE_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown case in case_weights: {sorted(unknown)}")
        weights.update(case_weights)
        weights = {c: w for c, w in weights.items() if w > 0}
        if not any(c in weights for c in ("exact", "name_variant", "zip4", "missing_zip", "typo")):
            raise ValueError("case_weights needs a positive weight for a case every location can take")
    return DriftRates(absent_rate, closed_rate, virtual_rate, combined_rate, tuple(weights.items()))


def dsp_stores(
    spec: MerchantSpec,
    dsp: str,
    *,
    absent_rate: float = DriftRates.absent_rate,
    closed_rate: float = DriftRates.closed_rate,
    virtual_rate: float = DriftRates.virtual_rate,
    combined_rate: float = DriftRates.combined_rate,
    case_weights: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stores marketplace dsp lists for the merchant, and the truth.

    Returns (stores, truth). stores has COLUMNS, shuffled, ids "<dsp>-<code>-S00042". truth has one row per
    POS location (case in MATCH_CASES with its dsp_provider_id, or "absent_on_dsp" with a missing one) and one
    per extra DSP store (case "closed_nearby" / "virtual_brand", missing pos_provider_id, and
    related_pos_provider_id naming the POS location it sits next to / shares a kitchen with). Missing ids
    are NA: test with .isna().
    """
    rates = _rates(absent_rate, closed_rate, virtual_rate, combined_rate, case_weights)
    stores, truth = _dsp_frames(spec, dsp, rates)
    return stores.copy(), truth.copy()


def synthetic_case(
    n: int,
    seed: int = 0,
    brand: str | None = None,
    *,
    dsp: str = "doordash",
    absent_rate: float = DriftRates.absent_rate,
    closed_rate: float = DriftRates.closed_rate,
    virtual_rate: float = DriftRates.virtual_rate,
    combined_rate: float = DriftRates.combined_rate,
    case_weights: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(pos, dsp, truth) for an ad-hoc merchant of n locations; see dsp_stores for the frames."""
    if brand is None:
        brand = stable_rng("brand", seed).choice(BRANDS)
    spec = MerchantSpec(slugify(brand), brand, n, seed)
    stores, truth = dsp_stores(
        spec,
        dsp,
        absent_rate=absent_rate,
        closed_rate=closed_rate,
        virtual_rate=virtual_rate,
        combined_rate=combined_rate,
        case_weights=case_weights,
    )
    return pos_locations(spec), stores, truth
