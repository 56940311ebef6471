"""A harder labelled profile: the address and naming classes that broke matching on real chain data.

Every POS location belongs to one class (HARD_CLASSES) and carries it in the truth's `case` column, so
precision and recall can be measured per class. Decoy DSP rows (virtual brands, other businesses in the
building, closed stores on a near-miss street or route, another unit of the same mall) have no POS
location; their `case` is the class they test and `detail` says what they are. About 12% of POS
locations are absent from the DSP, often exactly where a decoy waits. Deterministic per (n, seed).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from lib.synthetic.address import Address, city_streets, nearby_number, stable_rng
from lib.synthetic.geo import (
    CITIES,
    GENERIC_NEIGHBOURHOODS,
    NEIGHBOURHOODS,
    City,
    ordinal_digits,
    ordinal_words,
)
from lib.synthetic.merchants import COLUMNS, TRUTH_COLUMNS
from lib.synthetic.names import strip_accents

HARD_CLASSES: tuple[str, ...] = (
    "loose_label",
    "virtual_brand",
    "generic_word",
    "unit_mall",
    "airport",
    "numbered_street",
    "number_last",
    "route",
    "canada",
    "range",
    "alias",
    "corner",
    "plain",
)
# Relative share of POS locations per class in the "hard" profile.
HARD_WEIGHTS: dict[str, float] = {
    "loose_label": 1.0,
    "virtual_brand": 1.0,
    "generic_word": 0.8,
    "unit_mall": 0.8,
    "airport": 0.6,
    "numbered_street": 0.8,
    "number_last": 0.7,
    "route": 1.0,
    "canada": 1.0,
    "range": 0.6,
    "alias": 0.8,
    "corner": 0.6,
    "plain": 1.6,
}
PROFILES: dict[str, tuple[str, dict[str, float]]] = {
    "hard": ("Sal's Brick Oven Pizza", HARD_WEIGHTS),
    # The first bullet of issue 13: one chain, store-numbered POS names, DSP names with loose labels.
    "loose": ("Café Olé", {"loose_label": 1.0}),
}

# Canadian cities: (name, province code, province name, postal prefixes, area code).
CANADA: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("Vancouver", "BC", "British Columbia", ("V6B", "V6E", "V5K", "V6Z"), "604"),
    ("Burnaby", "BC", "British Columbia", ("V5H", "V5C"), "604"),
    ("Toronto", "ON", "Ontario", ("M5V", "M4W", "M6J", "M5A"), "416"),
    ("Ottawa", "ON", "Ontario", ("K1P", "K2P", "K1N"), "613"),
    ("Montréal", "QC", "Quebec", ("H2X", "H3B", "H2T"), "514"),
    ("Calgary", "AB", "Alberta", ("T2P", "T2R", "T3A"), "403"),
    ("Winnipeg", "MB", "Manitoba", ("R3C", "R3B"), "204"),
    ("Halifax", "NS", "Nova Scotia", ("B3H", "B3J"), "902"),
)
_CA_STREETS = (
    "Front St",
    "King St W",
    "Granville St",
    "Robson St",
    "Bank St",
    "Rue Sainte-Catherine",
    "Kingsway",
    "Portage Ave",
    "Spring Garden Rd",
    "17th Ave SW",
    "Yonge St",
    "Hastings St",
)
_CA_STATE_FORMS = {
    "BC": ("BC", "B.C.", "British Columbia", ""),
    "ON": ("ON", "Ont.", "Ontario", ""),
    "QC": ("QC", "Québec", "Quebec", ""),
    "AB": ("AB", "Alta.", "Alberta", ""),
    "MB": ("MB", "Man.", "Manitoba", ""),
    "NS": ("NS", "N.S.", "Nova Scotia", ""),
}
VIRTUAL_NOUNS: tuple[str, ...] = (
    "Burrito Co",
    "Wing Shack",
    "Taco Lab",
    "Noodle Bar",
    "Burger Joint",
    "Salad Club",
    "Fried Chicken",
    "Bowls",
)
GENERIC_RIVALS: tuple[str, ...] = (
    "Blaze Pizza",
    "MOD Pizza",
    "Pizza Studio",
    "Pizza Hut Express",
    "Pieology Pizzeria",
    "Pizza My Heart",
    "Slice House Pizza",
)
NEIGHBOURS: tuple[str, ...] = (
    "Starbucks",
    "Subway",
    "Chipotle Mexican Grill",
    "Jamba",
    "Panda Express",
    "Great Clips",
    "CVS Pharmacy",
    "Wingstop",
    "Dunkin'",
    "Five Guys",
)
MALLS: tuple[tuple[str, str], ...] = (
    ("Valley Fair", "Stevens Creek Blvd"),
    ("Lenox Square", "Peachtree Rd NE"),
    ("Galleria", "Westheimer Rd"),
    ("Mall of America", "Killebrew Dr"),
    ("Fashion Show", "Las Vegas Blvd S"),
    ("Aventura Mall", "Biscayne Blvd"),
)
AIRPORTS: tuple[tuple[str, str, str], ...] = (
    ("SFO", "1 Airport Blvd", "San Francisco"),
    ("ATL", "6000 N Terminal Pkwy", "Atlanta"),
    ("DEN", "8500 Pena Blvd", "Denver"),
    ("SEA", "17801 International Blvd", "Seattle"),
    ("ORD", "10000 W O'Hare Ave", "Chicago"),
)
_ORD_FORMS = ("{o}", "{w}")


@dataclass
class _Ctx:
    rng: random.Random
    brand: str
    profile: str
    pos: list[dict[str, object]] = field(default_factory=list)
    dsp: list[dict[str, Any]] = field(default_factory=list)  # each with a "_truth" dict
    used: set[tuple[str, str]] = field(default_factory=set)
    store_no: int = 0

    def next_pid(self) -> str:
        return f"hard-L{len(self.pos) + 1:06d}"

    def store_name(self, label: str) -> str:
        """The POS name: a store number, or the brand with a location label."""
        self.store_no += 1
        style = self.rng.random()
        if self.profile == "loose" or style < 0.45:
            return f"{self.brand} #{self.store_no:03d}"
        return f"{self.brand} - {label}" if style < 0.8 else f"{self.brand} ({label})"


def _city(ctx: _Ctx) -> City:
    us = [c for c in CITIES if c.weight >= 2]
    return ctx.rng.choices(us, [c.weight for c in us])[0]


def _label(ctx: _Ctx, city: City) -> str:
    return ctx.rng.choice(NEIGHBOURHOODS.get((city.name, city.state)) or GENERIC_NEIGHBOURHOODS)


def _phone(ctx: _Ctx, area: str) -> str:
    return f"({area}) {ctx.rng.randint(201, 989)}-{ctx.rng.randint(0, 9999):04d}"


def _row(
    name: str, line1: str, line2: str, city: str, state: str, postal: str, country: str, phone: str = ""
) -> dict[str, object]:
    return {
        "name": name,
        "address_line_1": line1,
        "address_line_2": line2,
        "locality": city,
        "administrative_district_level_1": state,
        "postal_code": postal,
        "country": country,
        "phone": phone,
        "latitude": None,
        "longitude": None,
    }


def _dsp_name(ctx: _Ctx, pos_name: str, label: str, line1: str) -> str:
    """A marketplace's label for the store: brand alone, shouted, another label, the street in brackets."""
    r = ctx.rng.random()
    if r < 0.25:
        return pos_name
    if r < 0.4:
        return ctx.brand.upper()
    if r < 0.55:
        return ctx.brand
    if r < 0.7:
        return strip_accents(ctx.brand) + f" - {label}"
    words = line1.split()
    return f"{ctx.brand} ({' '.join(words[:2])})"  # "Café Olé (9697 3rd)"


def _add(
    ctx: _Ctx,
    cls: str,
    pos_row: dict[str, object] | None,
    dsp_row: dict[str, object] | None,
    detail: str = "",
    related: str | None = None,
) -> str | None:
    """Record a POS location (with its DSP listing, or None when absent) or a decoy (pos_row None)."""
    pid = None
    if pos_row is not None:
        pid = ctx.next_pid()
        ctx.pos.append({"provider_id": pid, **pos_row})
    if dsp_row is not None:
        truth = {"pos_provider_id": pid, "case": cls, "detail": detail, "related_pos_provider_id": related}
        if dsp_row.get("phone") and ctx.rng.random() < 0.5:
            dsp_row = {**dsp_row, "phone": ""}  # half the listings carry no phone
        ctx.dsp.append({**dsp_row, "_truth": truth})
    elif pid is not None:
        ctx.dsp.append(
            {
                "_truth": {
                    "pos_provider_id": pid,
                    "case": cls,
                    "detail": "absent_on_dsp",
                    "related_pos_provider_id": None,
                },
                "_absent": True,
            }
        )
    return pid


def _us_address(ctx: _Ctx, city: City) -> tuple[Address, str]:
    streets = city_streets(city)
    while True:
        street = ctx.rng.choice(streets)
        addr = Address(number=int(10 ** ctx.rng.uniform(2, 4.2)), street=street)
        key = (city.name, addr.line1())
        if key not in ctx.used:
            ctx.used.add(key)
            return addr, ctx.rng.choice(city.zips)


def _absent(ctx: _Ctx, rate: float) -> bool:
    return ctx.rng.random() < rate


# ------------------------------------------------------------------ one generator per class


def _loose_label(ctx: _Ctx) -> None:
    city = _city(ctx)
    addr, zip5 = _us_address(ctx, city)
    suite = str(ctx.rng.randint(1, 60)) if ctx.rng.random() < 0.4 else ""
    pos_line = addr.line1() + (f" #{suite}" if suite else "")
    dsp_line = replace(addr, suffix_form=1, dir_form=1).line1() + (f" Suite {suite}" if suite else "")
    label = _label(ctx, city)
    name = ctx.store_name(label)
    phone = _phone(ctx, city.area_code)
    pos = _row(name, pos_line, "", city.name, city.state, zip5, "US", phone)
    dsp = _row(
        _dsp_name(ctx, name, label, addr.line1().split(" ", 1)[0] + " " + addr.street_name()),
        dsp_line,
        "",
        city.name,
        city.state,
        f"{zip5}-{ctx.rng.randint(1, 9999):04d}" if ctx.rng.random() < 0.5 else zip5,
        "US",
        phone,
    )
    _add(ctx, "loose_label", pos, None if _absent(ctx, 0.05) else dsp, "loose DSP label")


def _virtual_brand(ctx: _Ctx) -> None:
    city = _city(ctx)
    addr, zip5 = _us_address(ctx, city)
    label = _label(ctx, city)
    name = f"{ctx.brand} - {label}"
    phone = _phone(ctx, city.area_code)
    pos = _row(name, addr.line1(), "", city.name, city.state, zip5, "US", phone)
    absent = _absent(ctx, 0.25)  # the real listing is often missing: the virtual brand is the only rival
    other_label = _label(ctx, city)
    real = _row(f"{ctx.brand} ({other_label})", addr.line1(), "", city.name, city.state, zip5, "US", phone)
    pid = _add(ctx, "virtual_brand", pos, None if absent else real, "real listing, other label")
    words = [w for w in ctx.brand.replace("'s", "'s").split() if w.lower() not in ("pizza", "café", "cafe")]
    vb = f"{ctx.rng.choice(words)} {ctx.rng.choice(VIRTUAL_NOUNS)}"
    vname = ctx.rng.choice((f"{vb} - {label}", f"{vb} ({label})", vb))
    vphone = phone if ctx.rng.random() < 0.5 else _phone(ctx, city.area_code)
    decoy = _row(vname, addr.line1(), "", city.name, city.state, zip5, "US", vphone)
    _add(ctx, "virtual_brand", None, decoy, f"virtual brand {vb}", pid)


def _generic_word(ctx: _Ctx) -> None:
    city = _city(ctx)
    addr, zip5 = _us_address(ctx, city)
    label = _label(ctx, city)
    name = ctx.store_name(label)
    unit = f"Ste {ctx.rng.randint(100, 130)}" if ctx.rng.random() < 0.5 else ""
    pos = _row(name, addr.line1(), unit, city.name, city.state, zip5, "US", _phone(ctx, city.area_code))
    absent = _absent(ctx, 0.15)
    pid = _add(
        ctx,
        "generic_word",
        pos,
        None if absent else {**pos, "name": _dsp_name(ctx, name, label, "")},
        "same store",
    )
    rival = ctx.rng.choice(GENERIC_RIVALS)
    other_unit = f"Ste {ctx.rng.randint(131, 160)}" if unit or ctx.rng.random() < 0.5 else ""
    decoy = _row(
        rival, addr.line1(), other_unit, city.name, city.state, zip5, "US", _phone(ctx, city.area_code)
    )
    _add(ctx, "generic_word", None, decoy, f"other business in the building: {rival}", pid)


def _unit_mall(ctx: _Ctx) -> None:
    city = _city(ctx)
    mall, street = ctx.rng.choice(MALLS)
    number = ctx.rng.randint(100, 9999)
    line1 = f"{number} {street}"
    zip5 = ctx.rng.choice(city.zips)
    name = f"{ctx.brand} ({mall})"
    a = f"Ste {ctx.rng.randint(1000, 2999)}"
    b = f"Space FC-{ctx.rng.randint(1, 40)}"
    pos_a = _row(name, line1, a, city.name, city.state, zip5, "US")
    dsp_a = {**pos_a, "address_line_2": a.replace("Ste ", ctx.rng.choice(("Suite ", "#", "Ste. ")))}
    pid_a = _add(ctx, "unit_mall", pos_a, None if _absent(ctx, 0.15) else dsp_a, "unit reformatted")
    dsp_b = _row(
        name,
        f"{line1}, {b.replace('Space', ctx.rng.choice(('Space', 'Spc')))}",
        "",
        city.name,
        city.state,
        zip5,
        "US",
    )
    if ctx.rng.random() < 0.5:  # a second store of the brand in the same mall
        pos_b = _row(f"{ctx.brand} - {mall} Food Court", line1, b, city.name, city.state, zip5, "US")
        _add(ctx, "unit_mall", pos_b, None if _absent(ctx, 0.2) else dsp_b, "food court unit")
    else:  # a closed store of the brand in another unit
        _add(ctx, "unit_mall", None, dsp_b, "closed store, other unit of the mall", pid_a)


def _airport(ctx: _Ctx) -> None:
    code, line1, city_name = ctx.rng.choice(AIRPORTS)
    city = next(c for c in CITIES if c.name == city_name)
    zip5 = city.zips[0]
    name = f"{ctx.brand} ({code})"
    terminals = ctx.rng.sample("ABCDE", 2)
    for t in terminals:
        gate = f"{t}{ctx.rng.randint(1, 60)}"
        while (code, gate) in ctx.used:  # one store per gate: two POS rows at one gate would be one store
            gate = f"{t}{ctx.rng.randint(1, 999)}"
        ctx.used.add((code, gate))
        pos = _row(name, line1, f"Terminal {t}, Gate {gate}", city.name, city.state, zip5, "US")
        form = ctx.rng.choice(
            (f"Term {t} Gate {gate}", f"Gate {gate}, Terminal {t}", f"Terminal {t} Gate {gate}")
        )
        dsp = {
            **pos,
            "address_line_1": f"{line1} {form}" if ctx.rng.random() < 0.4 else line1,
            "address_line_2": form,
        }
        if dsp["address_line_1"] != line1:
            dsp["address_line_2"] = ""
        _add(ctx, "airport", pos, None if _absent(ctx, 0.15) else dsp, f"terminal {t}")


def _ordinal(n: int, words: bool) -> str:
    return ordinal_words(n) if words else ordinal_digits(n)


def _numbered_street(ctx: _Ctx) -> None:
    city = _city(ctx)
    zip5 = ctx.rng.choice(city.zips)
    n = ctx.rng.randint(3, 58)
    number = ctx.rng.randint(100, 3000)
    kind = ctx.rng.choice((("Ln", "Lane"), ("St", "Street"), ("Ave", "Avenue")))
    label = _label(ctx, city)
    name = ctx.store_name(label)
    pos = _row(name, f"{number} {_ordinal(n, False)} {kind[0]}", "", city.name, city.state, zip5, "US")
    absent = _absent(ctx, 0.2)
    words = ctx.rng.random() < 0.3
    real = {**pos, "address_line_1": f"{number} {_ordinal(n, words)} {kind[1]}"}
    pid = _add(ctx, "numbered_street", pos, None if absent else real, "ordinal spelled" if words else "")
    other = n + ctx.rng.choice((-2, -1, 1, 2)) if ctx.rng.random() < 0.7 or n < 10 else (n % 10 or n + 1)
    decoy = {**pos, "address_line_1": f"{number} {_ordinal(other, False)} {kind[0]}"}
    _add(ctx, "numbered_street", None, decoy, f"closed store on {_ordinal(other, False)}", pid)


def _number_last(ctx: _Ctx) -> None:
    city = _city(ctx)
    addr, zip5 = _us_address(ctx, city)
    label = _label(ctx, city)
    name = ctx.store_name(label)
    if ctx.rng.random() < 0.5:
        n = ctx.rng.randint(2, 12)
        long, short = ctx.rng.choice((("Street", "St"), ("Avenue", "Ave")))
        street = f"{_ordinal(n, False)} {long}"
        normal = f"{addr.number} {_ordinal(n, False)} {short}"
    else:
        street = " ".join(addr._street_parts())
        normal = addr.line1()
    last = f"{street}, {addr.number}"
    pos_line, dsp_line = (normal, last) if ctx.rng.random() < 0.6 else (last, normal)
    pos = _row(name, pos_line, "", city.name, city.state, zip5, "US")
    _add(
        ctx,
        "number_last",
        pos,
        None if _absent(ctx, 0.08) else {**pos, "address_line_1": dsp_line},
        "house number after the street",
    )


_US_ROUTE = ("US Route {n}", "US-{n}", "U.S. Hwy {n}", "US Rte {n}", "US Highway {n}", "U.S. Route {n}")
_STATE_ROUTE = (
    "State Route {n}",
    "Hwy {n}",
    "SR-{n}",
    "State Hwy {n}",
    "Highway {n}",
    "State Road {n}",
    "SR {n}",
)


def _route(ctx: _Ctx) -> None:
    city = _city(ctx)
    zip5 = ctx.rng.choice(city.zips)
    forms = _US_ROUTE if ctx.rng.random() < 0.5 else _STATE_ROUTE
    n = ctx.rng.choice((1, 9, 20, 22, 30, 41, 66, 99, 101, 290))
    number = ctx.rng.randint(100, 9000)
    label = _label(ctx, city)
    name = ctx.store_name(label)
    f_pos, f_dsp = ctx.rng.sample(forms, 2)
    pos = _row(name, f"{number} {f_pos.format(n=n)}", "", city.name, city.state, zip5, "US")
    absent = _absent(ctx, 0.2)
    pid = _add(
        ctx,
        "route",
        pos,
        None if absent else {**pos, "address_line_1": f"{number} {f_dsp.format(n=n)}"},
        f"{f_pos} ~ {f_dsp}",
    )
    other = ctx.rng.choice([m for m in (9, 20, 99, 19, 90, n + 1, n * 10 + 9) if m != n])
    decoy = {**pos, "address_line_1": f"{number} {ctx.rng.choice(forms).format(n=other)}"}
    _add(ctx, "route", None, decoy, f"closed store on route {other}", pid)


def _canada(ctx: _Ctx) -> None:
    name_, prov, _, prefixes, area = ctx.rng.choice(CANADA)
    street = ctx.rng.choice(_CA_STREETS)
    number = ctx.rng.randint(100, 9999)
    unit = str(ctx.rng.randint(1, 40))
    ldu = f"{ctx.rng.randint(0, 9)}{ctx.rng.choice('ABCEGHJKLMNPRSTVXY')}{ctx.rng.randint(0, 9)}"
    postal = f"{ctx.rng.choice(prefixes)} {ldu}"
    label = ctx.rng.choice(
        ("Downtown", "Gastown", "Yaletown", "The Annex", "Plateau", "Beltline", "Exchange")
    )
    name = ctx.store_name(label)
    phone = _phone(ctx, area)
    unit_first = f"{unit}-{number} {street}"
    unit_last = (f"{number} {street}", ctx.rng.choice((f"Unit {unit}", f"#{unit}", f"Suite {unit}")))
    pos_lines = (unit_first, "") if ctx.rng.random() < 0.5 else unit_last
    dsp_lines = unit_last if pos_lines[0] == unit_first else (unit_first, "")
    pos = _row(name, *pos_lines, name_, prov, postal, ctx.rng.choice(("CA", "Canada")), phone)
    dsp_state = ctx.rng.choice(_CA_STATE_FORMS[prov])
    dsp_postal = postal.replace(" ", "") if ctx.rng.random() < 0.5 else postal.lower()
    dsp = _row(
        _dsp_name(ctx, name, label, ""),
        *dsp_lines,
        name_,
        dsp_state,
        dsp_postal,
        ctx.rng.choice(("Canada", "CAN", "CA", "")),
        phone,
    )
    absent = _absent(ctx, 0.1)
    pid = _add(ctx, "canada", pos, None if absent else dsp, f"state {dsp_state or 'blank'}")
    if ctx.rng.random() < 0.3:
        other = f"{int(unit) + 1}-{number} {street}"
        decoy = _row(name, other, "", name_, prov, postal, "CA")
        _add(ctx, "canada", None, decoy, "closed store, next unit", pid)


def _range(ctx: _Ctx) -> None:
    city = _city(ctx)
    addr, zip5 = _us_address(ctx, city)
    lo = addr.number - addr.number % 2
    hi = lo + ctx.rng.choice((2, 4, 6, 8, 10))
    street = " ".join(addr._street_parts())
    label = _label(ctx, city)
    name = ctx.store_name(label)
    ranged, single = f"{lo}-{hi} {street}", f"{ctx.rng.choice((lo, hi))} {street}"
    pos_line, dsp_line = (ranged, single) if ctx.rng.random() < 0.6 else (single, ranged)
    pos = _row(name, pos_line, "", city.name, city.state, zip5, "US")
    pid = _add(
        ctx, "range", pos, None if _absent(ctx, 0.15) else {**pos, "address_line_1": dsp_line}, "number range"
    )
    if ctx.rng.random() < 0.3:
        decoy = {**pos, "address_line_1": f"{hi + ctx.rng.choice((20, 40, 60))} {street}"}
        _add(ctx, "range", None, decoy, "closed store further down", pid)


_ALIASES: tuple[tuple[str, ...], ...] = (
    (
        "M L King Jr Blvd",
        "Martin Luther King Boulevard",
        "MLK Blvd",
        "Dr Martin Luther King Jr Blvd",
        "Martin Luther King Jr. Blvd",
    ),
    ("Fifth Avenue", "5th Ave", "5th Avenue"),
    ("Third St", "3rd Street"),
    ("Saint Charles Ave", "St. Charles Avenue", "St Charles Ave"),
)


def _alias(ctx: _Ctx) -> None:
    city = _city(ctx)
    zip5 = ctx.rng.choice(city.zips)
    label = _label(ctx, city)
    name = ctx.store_name(label)
    if ctx.rng.random() < 0.25:
        street = ctx.rng.choice(("Market St", "Embarcadero Ctr", "Penn Plz", "Financial Plz"))
        word = ctx.rng.choice(("One", "Two", "Three"))
        pos_line, dsp_line = f"{word} {street}", f"{['One', 'Two', 'Three'].index(word) + 1} {street}"
    else:
        forms = ctx.rng.choice(_ALIASES)
        a, b = ctx.rng.sample(forms, 2)
        number = ctx.rng.randint(100, 9000)
        pos_line, dsp_line = f"{number} {a}", f"{number} {b}"
    if ctx.rng.random() < 0.5:
        pos_line, dsp_line = dsp_line, pos_line
    pos = _row(name, pos_line, "", city.name, city.state, zip5, "US")
    _add(
        ctx, "alias", pos, None if _absent(ctx, 0.08) else {**pos, "address_line_1": dsp_line}, "street alias"
    )


def _corner(ctx: _Ctx) -> None:
    city = _city(ctx)
    zip5 = ctx.rng.choice(city.zips)
    main = ctx.rng.choice(("Main St", "Broadway", "Market St", "Oak Ave", "Elm St", "Central Ave"))
    n = ctx.rng.randint(2, 40)
    cross = f"{_ordinal(n, False)} {ctx.rng.choice(('Ave', 'St'))}"
    if (city.name, f"{main} & {cross}") in ctx.used:
        return  # one store per corner: a second one there would be the same place
    ctx.used.add((city.name, f"{main} & {cross}"))
    label = _label(ctx, city)
    name = ctx.store_name(label)
    pos = _row(name, f"{main} & {cross}", "", city.name, city.state, zip5, "US")
    long_main = main.replace(" St", " Street").replace(" Ave", " Avenue")
    dsp_line = ctx.rng.choice(
        (
            f"{long_main} and {cross}",
            f"{cross} & {main}",
            f"Corner of {main} and {cross}",
            f"{main} at {cross}",
            f"{cross} and {long_main}",
        )
    )
    absent = _absent(ctx, 0.2)
    pid = _add(ctx, "corner", pos, None if absent else {**pos, "address_line_1": dsp_line}, dsp_line)
    other = f"{_ordinal(n + ctx.rng.choice((1, 2, 10)), False)} {cross.split()[1]}"
    if (city.name, f"{main} & {other}") not in ctx.used:
        ctx.used.add((city.name, f"{main} & {other}"))
        _add(
            ctx,
            "corner",
            None,
            {**pos, "address_line_1": f"{main} & {other}"},
            f"closed store at {other}",
            pid,
        )


def _plain(ctx: _Ctx) -> None:
    city = _city(ctx)
    addr, zip5 = _us_address(ctx, city)
    label = _label(ctx, city)
    name = ctx.store_name(label)
    phone = _phone(ctx, city.area_code)
    pos = _row(name, addr.line1(), "", city.name, city.state, zip5, "US", phone)
    pid = _add(
        ctx, "plain", pos, None if _absent(ctx, 0.1) else {**pos, "name": _dsp_name(ctx, name, label, "")}, ""
    )
    if ctx.rng.random() < 0.4:
        other = _row(
            ctx.rng.choice(NEIGHBOURS),
            addr.line1(),
            f"Ste {ctx.rng.randint(100, 120)}",
            city.name,
            city.state,
            zip5,
            "US",
            _phone(ctx, city.area_code),
        )
        _add(ctx, "plain", None, other, "other business in the building", pid)
    if ctx.rng.random() < 0.3:
        closed = {
            **pos,
            "address_line_1": f"{nearby_number(addr.number, ctx.rng)} {' '.join(addr._street_parts())}",
            "phone": _phone(ctx, city.area_code),
        }
        _add(ctx, "plain", None, closed, "closed store a few doors down", pid)


_MAKERS: dict[str, Callable[[_Ctx], None]] = {
    "loose_label": _loose_label,
    "virtual_brand": _virtual_brand,
    "generic_word": _generic_word,
    "unit_mall": _unit_mall,
    "airport": _airport,
    "numbered_street": _numbered_street,
    "number_last": _number_last,
    "route": _route,
    "canada": _canada,
    "range": _range,
    "alias": _alias,
    "corner": _corner,
    "plain": _plain,
}


def hard_case(
    n: int, seed: int = 0, profile: str = "hard"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(pos, dsp, truth) of about n POS locations of one chain in the given profile ('hard' or 'loose').

    truth has TRUTH_COLUMNS: one row per POS location (case = its class, dsp_provider_id NA when absent
    from the DSP) and one per decoy DSP row (pos_provider_id NA, related_pos_provider_id the location it
    sits beside).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    brand, weights = PROFILES[profile]
    ctx = _Ctx(stable_rng("hard", profile, n, seed), brand, profile)
    classes, w = list(weights), list(weights.values())
    while len(ctx.pos) < n:
        _MAKERS[ctx.rng.choices(classes, w)[0]](ctx)
    listed = [r for r in ctx.dsp if not r.get("_absent")]
    upper = max(1_000_000, 10 * len(listed))
    ids = [f"dsp-S{k:07d}" for k in ctx.rng.sample(range(1, upper), len(listed))]
    for row, pid in zip(listed, ids, strict=True):
        row["provider_id"] = pid
        row["_truth"]["dsp_provider_id"] = pid
    truth_rows = [{**r["_truth"], "dsp_provider_id": r["_truth"].get("dsp_provider_id")} for r in ctx.dsp]
    pos_truth = [t for t in truth_rows if t["pos_provider_id"] is not None]
    decoys = [t for t in truth_rows if t["pos_provider_id"] is None]
    order = {r["provider_id"]: k for k, r in enumerate(ctx.pos)}
    pos_truth.sort(key=lambda t: order[t["pos_provider_id"]])
    ctx.rng.shuffle(listed)
    dsp = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in listed], columns=list(COLUMNS))
    pos = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in ctx.pos], columns=list(COLUMNS))
    truth = pd.DataFrame(pos_truth + decoys, columns=list(TRUTH_COLUMNS))
    return pos, dsp, truth
