"""Normalise location names and US addresses into comparable parts (pure functions, no scoring)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA

from lib.matching.pub28 import (
    DIRECTIONALS,
    ORDINALS,
    STATE_CODES,
    STATES,
    STREET_SUFFIXES,
    SUFFIX_LONG,
    UNIT_DESIGNATORS,
    UNIT_WITHOUT_ID,
)

REQUIRED_COLUMNS: tuple[str, ...] = (
    "provider_id",
    "name",
    "address_line_1",
    "locality",
    "administrative_district_level_1",
    "postal_code",
    "country",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("address_line_2", "phone", "latitude", "longitude")

# Words that say nothing about which business a name refers to.
NAME_STOPWORDS: frozenset[str] = frozenset({"the", "and", "a", "an", "of", "at", "by", "on"})
# Store numbers: "#123", "Store 123", "No. 12", "Location #7", "Brand - 0042".
# Bare numbers stay part of the name ("21 Club", "Bistro 45").
_STORE_NO = re.compile(
    r"(?:#\s*(\d+)\b)|(?:\b(?:store|location|loc|unit|shop|no|nr|num|number)\.?\s*#?\s*(\d+)\b)"
    r"|(?:\s[-\u2013\u2014]\s*(\d+)\s*$)"
)
_PARENS = re.compile(r"\(([^)]*)\)")
# Folded text is ASCII: apostrophes vanish ("Rosa's" -> "rosas"), any other non-alphanumeric is a space.
_CLEAN = {c: " " for c in range(128) if not chr(c).isalnum()} | {ord("'"): None, ord("`"): None}
_DIGITS_ONLY = {c: None for c in range(128) if not chr(c).isdigit()}

# A unit: designator + identifier ("Ste 200", "Suite B", "# 12", "Unit 4-A") or an id-less one ("Rear").
_UNIT_WORDS = "|".join(
    sorted((re.escape(k) for k in UNIT_DESIGNATORS if k not in {"#", "no"}), key=len, reverse=True)
)
_UNIT = re.compile(
    rf"(?:^|[\s,])(?:(?P<des>{_UNIT_WORDS})\.?\s*(?:#|no\.?)?\s*(?P<id>[a-z]?\d+[a-z0-9-]*|[a-z](?![a-z]))"
    rf"|#\s*(?P<hid>[a-z0-9-]+)|no\.?\s*(?P<nid>\d[a-z0-9-]*))"
)
_UNIT_NO_ID = re.compile(r"(?:^|[\s,])(?P<des>" + "|".join(sorted(UNIT_WITHOUT_ID)) + r")\.?(?=$|[\s,])")
# Where free text starts: "854 7th Ave  between 54th and 55th", "95 Ave A at 6th St", "(Lenox mall)".
_LANDMARK = re.compile(r",|\s{2,}|\(|\s(?:between|btwn|near|off|at|across|inside|corner of|opposite)\s")
# "293", "293-B", "293B", "12-14" (a range: the first number), "123 1/2".
_HOUSE_NUMBER = re.compile(r"^(\d+)(?:-?([a-z])(?=\s|$)|-(\d+)(?=\s|$)|\s+\d/\d(?=\s|$))?")
_DOT_END = re.compile(r"\.(?=\s|$)")
_ZIP = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
# City abbreviations people type ("St. Paul", "Ft Worth", "W Hollywood").
_CITY_WORDS = {
    "st": "saint",
    "ste": "sainte",
    "ft": "fort",
    "mt": "mount",
    "pt": "point",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "hts": "heights",
    "spgs": "springs",
    "bch": "beach",
}
_COUNTRIES = {"us": "US", "usa": "US", "united states": "US", "united states of america": "US", "u s a": "US"}


def fold(text: object) -> str:
    """Lower-case ASCII text without accents; None/NaN become ''."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return s.lower()


def _clean(text: str) -> str:
    """Drop apostrophes, turn other punctuation into spaces, collapse whitespace."""
    return " ".join(text.translate(_CLEAN).split())


@dataclass(frozen=True, slots=True)
class NameParts:
    """A business name split into its comparable text, store number and bracketed neighbourhood."""

    text: str
    store_number: str
    neighbourhood: str


def normalize_name(name: object) -> NameParts:
    """Fold case/accents/punctuation, '&' to 'and', pull out '#123' store numbers and '(Neighbourhood)'."""
    s = fold(name)
    store = ""
    m = _STORE_NO.search(s)  # before brackets: "Brand (#123)" is a store number, not a neighbourhood
    if m:
        store = next(g for g in m.groups() if g)
        s = _STORE_NO.sub(" ", s)
    hoods = [h for h in (_clean(m) for m in _PARENS.findall(s)) if h]
    s = _PARENS.sub(" ", s)
    s = s.replace("&", " and ").replace("+", " and ")
    tokens = [t for t in _clean(s).split() if t not in NAME_STOPWORDS]
    return NameParts(" ".join(tokens), store.lstrip("0") or store, " ".join(hoods))


def brand_tokens(names: Iterable[str], min_share: float = 0.5, min_names: int = 3) -> frozenset[str]:
    """Tokens present in at least min_share of the (normalised) names: the merchant's own brand words."""
    names = list(names)
    if len(names) < min_names:
        return frozenset()
    counts: Counter[str] = Counter()
    for n in names:
        counts.update(set(n.split()))
    need = min_share * len(names)
    return frozenset(t for t, c in counts.items() if c >= need)


def brand_canon(names: Iterable[str], brand: frozenset[str]) -> dict[str, str]:
    """Map each name word that is a brand word, or one typo away from one ('bakey'), to the brand word."""
    canon = {t: t for t in brand}
    if not brand:
        return canon
    for token in {t for n in names for t in n.split()} - brand:
        if len(token) < 4:
            continue  # short words are too easily one edit from anything
        for b in brand:
            if len(b) >= 4 and OSA.distance(token, b, score_cutoff=1) <= 1:
                canon[token] = b
                break
    return canon


def strip_tokens(text: str, drop: frozenset[str]) -> str:
    """The text without the given tokens (order kept)."""
    if not drop:
        return text
    return " ".join(t for t in text.split() if t not in drop)


@dataclass(frozen=True, slots=True)
class AddressParts:
    """A US street line split Pub-28 style: house number, directionals, street name, suffix, unit."""

    number: str
    pre_dir: str
    street_name: str
    suffix: str
    post_dir: str
    unit: str

    @property
    def street(self) -> str:
        """The normalised street without house number or unit ('n la cienega blvd')."""
        return " ".join(p for p in (self.pre_dir, self.street_name, self.suffix, self.post_dir) if p)


def _undot(s: str) -> str:
    """Drop abbreviation dots ('blvd.' -> 'blvd'); a dot inside a word separates ('st.promenade')."""
    return _DOT_END.sub("", s).replace(".", " ")


def _extract_unit(s: str) -> tuple[str, str]:
    """Return (text without the unit, unit identifier) for the first unit designator found."""
    m = _UNIT.search(s)
    if m:
        uid = m.group("id") or m.group("hid") or m.group("nid") or ""
        return (s[: m.start()] + " " + s[m.end() :]), uid.replace("-", "").lstrip("0") or uid
    m = _UNIT_NO_ID.search(s)
    if m:
        return (s[: m.start()] + " " + s[m.end() :]), UNIT_DESIGNATORS[m.group("des")]
    return s, ""


def _join_ordinals(tokens: list[str]) -> list[str]:
    """Spelled-out ordinals to numeric ('twenty first' -> '21st', 'third' -> '3rd')."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        pair = f"{tokens[i]} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if pair in ORDINALS:
            out.append(ORDINALS[pair])
            i += 2
            continue
        out.append(ORDINALS.get(tokens[i], tokens[i]))
        i += 1
    return out


_DIRECTION_WORDS = {abbr: word for word, abbr in DIRECTIONALS.items() if len(word) > 2}


def _street_word(token: str) -> str:
    if token == "st":
        return "saint"
    std = STREET_SUFFIXES.get(token)
    return SUFFIX_LONG[std] if std and len(token) > 1 else token


def parse_street(line1: object, line2: object = None) -> AddressParts:
    """Split address lines into house number, directionals, street name, Pub-28 suffix and unit id."""
    # "Blvd." loses its dot without adding a space: a double space still marks free text ("Rd.  Lenox Mall").
    s = _undot(fold(line1).replace("\t", " "))
    s, unit = _extract_unit(s)
    if not unit and line2 is not None:
        l2 = _undot(fold(line2)).strip(" ,")
        if l2:
            _, unit = _extract_unit(" " + l2)
            if not unit and len(l2) <= 8 and any(c.isdigit() for c in l2):
                unit = _clean(l2).replace(" ", "")  # a bare "200" on line 2 is a unit number
    # Free text after the street ("between 54th and 55th sts", "lenox square mall") is not the address.
    s = s.strip(" ,")
    lm = _LANDMARK.search(s)
    if lm and lm.start() > 0:
        s = s[: lm.start()]
    s = s.strip()
    number = ""
    m = _HOUSE_NUMBER.match(s)
    if m:
        number = m.group(1).lstrip("0") or "0"
        s = s[m.end() :]
    tokens = _join_ordinals(_clean(s).split())
    pre = post = suffix = ""
    # A directional is a prefix/suffix only when a real name is left: "North St" is a street called North.
    if (
        tokens
        and tokens[0] in DIRECTIONALS
        and (len(tokens) > 2 or (len(tokens) == 2 and tokens[1] not in STREET_SUFFIXES))
    ):
        pre = DIRECTIONALS[tokens.pop(0)]
    if (
        tokens
        and tokens[-1] in DIRECTIONALS
        and (len(tokens) > 2 or (len(tokens) == 2 and tokens[0] not in STREET_SUFFIXES))
    ):
        post = DIRECTIONALS[tokens.pop()]
    # The suffix is the last Pub-28 street type after the first word; words after it are a landmark tail.
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i] in STREET_SUFFIXES:
            suffix = STREET_SUFFIXES[tokens[i]]
            tail = tokens[i + 1 :]
            tokens = tokens[:i]
            if not post and tail and tail[-1] in DIRECTIONALS:
                post = DIRECTIONALS[tail[-1]]
            break
    # Street-name words are spelled out ("Bch" -> "beach", "Mt" -> "mount", "St Charles" -> "saint charles"):
    # the same on both sides after folding, and a typo in a long word stays a small edit.
    name_tokens = [_street_word(t) for t in tokens]
    if len(name_tokens) == 1 and name_tokens[0] in DIRECTIONALS:
        name_tokens = [_DIRECTION_WORDS[DIRECTIONALS[name_tokens[0]]]]  # "N St" is North St
    return AddressParts(number, pre, " ".join(name_tokens), suffix, post, unit)


def normalize_zip(value: object) -> str:
    """ZIP or ZIP+4 to the 5-digit ZIP; '' when absent or not a US ZIP (leading zeros restored)."""
    s = fold(value).strip()
    if s.endswith(".0"):  # a ZIP read as a float by a spreadsheet
        s = s[:-2]
    m = _ZIP.match(s)
    if m:
        return m.group(1)
    digits = re.sub(r"\D", "", s)
    if len(digits) == 9 and s.replace("-", "").replace(" ", "").isdigit():
        return digits[:5]
    if 3 <= len(digits) <= 4 and s.isdigit():
        return digits.zfill(5)  # leading zeros lost by a numeric column ("2134" is 02134)
    return ""


def normalize_state(value: object) -> str:
    """State name or code to the 2-letter USPS code; unknown values upper-cased as given."""
    s = _clean(fold(value))
    if not s:
        return ""
    if len(s) == 2 and s.upper() in STATE_CODES:
        return s.upper()
    return STATES.get(s, s.upper())


def normalize_city(value: object) -> str:
    """City folded, punctuation dropped and common abbreviations spelled out ('St. Paul' -> 'saint paul')."""
    return " ".join(_CITY_WORDS.get(t, t) for t in _clean(fold(value)).split())


def normalize_phone(value: object) -> str:
    """The 10-digit NANP number, '' when there is none."""
    digits = fold(value).split("x")[0].translate(_DIGITS_ONLY)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits if len(digits) == 10 else ""


def normalize_country(value: object) -> str:
    """Country to an ISO-2-ish code ('USA' -> 'US'); blank stays blank."""
    s = _clean(fold(value))
    return _COUNTRIES.get(s, s.upper())


def _coord(value: object) -> float:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return f


def _memo(fn: Callable[[object], str], values: list[object]) -> list[str]:
    """fn over values, computed once per distinct value (cities, states and ZIPs repeat a lot)."""
    seen: dict[object, str] = {}
    out: list[str] = []
    for v in values:
        key = v if isinstance(v, str) else repr(v)
        r = seen.get(key)
        if r is None:
            r = seen[key] = fn(v)
        out.append(r)
    return out


def normalize_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One row per input row with normalised columns used by blocking and scoring (index 0..n-1)."""

    def col(name: str) -> list[object]:
        return df[name].tolist() if name in df.columns else [None] * len(df)

    names = [normalize_name(v) for v in col("name")]
    line2 = col("address_line_2")
    addrs = [parse_street(l1, l2) for l1, l2 in zip(col("address_line_1"), line2, strict=True)]
    strings = {
        "provider_id": [str(v) for v in col("provider_id")],
        "name": [n.text for n in names],
        "store_number": [n.store_number for n in names],
        "neighbourhood": [n.neighbourhood for n in names],
        "number": [a.number for a in addrs],
        "pre_dir": [a.pre_dir for a in addrs],
        "street_name": [a.street_name for a in addrs],
        "suffix": [a.suffix for a in addrs],
        "post_dir": [a.post_dir for a in addrs],
        "street": [a.street for a in addrs],
        "unit": [a.unit for a in addrs],
        "zip5": _memo(normalize_zip, col("postal_code")),
        "city": _memo(normalize_city, col("locality")),
        "state": _memo(normalize_state, col("administrative_district_level_1")),
        "country": _memo(normalize_country, col("country")),
        "phone": [normalize_phone(v) for v in col("phone")],
    }
    # Plain object columns: pandas' Arrow-backed strings are slow to hand element by element to rapidfuzz.
    out = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in strings.items()})
    out["lat"] = np.array([_coord(v) for v in col("latitude")], dtype=float)
    out["lon"] = np.array([_coord(v) for v in col("longitude")], dtype=float)
    return out
