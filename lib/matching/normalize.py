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
# Words POS systems put before a store number ("Store #123"). Not "shop": it ends too many brand names
# ("Bun Shop #7" is the Bun Shop's store 7).
STORE_NUMBER_WORDS = frozenset({"store", "location", "loc", "unit", "no", "nr", "num", "number"})
_STORE_NO = re.compile(
    rf"(?:#\s*(\d+)\b)|(?:\b(?:{'|'.join(sorted(STORE_NUMBER_WORDS))})\.?\s*#?\s*(\d+)\b)"
    r"|(?:\s[-\u2013\u2014]\s*(\d+)\s*$)"
)
_PARENS = re.compile(r"\(([^)]*)\)")
# Where a store label starts: "Brand - Label", "Brand (Label)", "Brand | Label", "Brand: Label".
_LABEL_SEP = re.compile(r"\(|\s[-\u2013\u2014|]+\s|[|:]\s|\s-{2,}\s")
# Words any food business may carry: sharing one ("Pizza") is no evidence of the same brand.
GENERIC_NAME_WORDS: frozenset[str] = frozenset(
    [
        "pizza",
        "pizzeria",
        "pizzas",
        "pie",
        "pies",
        "cafe",
        "coffee",
        "kitchen",
        "grill",
        "bar",
        "restaurant",
        "bistro",
        "eatery",
        "express",
        "co",
        "company",
        "house",
        "taco",
        "tacos",
        "burger",
        "burgers",
        "bbq",
        "sushi",
        "deli",
        "bakery",
        "bagel",
        "bagels",
        "pho",
        "noodle",
        "noodles",
        "wings",
        "chicken",
        "ramen",
        "thai",
        "chinese",
        "mexican",
        "indian",
        "italian",
        "diner",
        "cantina",
        "taqueria",
        "shack",
        "joint",
        "spot",
        "place",
        "market",
        "food",
        "foods",
        "bowl",
        "bowls",
        "salad",
        "salads",
        "juice",
        "tea",
        "creamery",
        "ice",
        "cream",
        "donuts",
        "donut",
        "sandwiches",
        "subs",
        "fresh",
        "original",
        "famous",
        "new",
        "best",
        "brick",
        "oven",
        "fire",
        "wood",
        "fired",
    ]
)
# Folded text is ASCII: apostrophes vanish ("Rosa's" -> "rosas"), any other non-alphanumeric is a space.
_CLEAN = {c: " " for c in range(128) if not chr(c).isalnum()} | {ord("'"): None, ord("`"): None}
_DIGITS_ONLY = {c: None for c in range(128) if not chr(c).isdigit()}

# A unit: designator + identifier ("Ste 200", "Suite B", "# 12", "Unit 4-A") or an id-less one ("Rear").
_UNIT_WORDS = "|".join(
    sorted((re.escape(k) for k in UNIT_DESIGNATORS if k not in {"#", "no"}), key=len, reverse=True)
)
# Airport units: which terminal, concourse or gate (two listings at one airport differ only there).
_AIRPORT_UNITS = {"terminal": "t", "term": "t", "concourse": "c", "conc": "c", "gate": "g"}
# Not in Pub 28, but how malls and food halls number their units.
_MALL_UNIT_WORDS = "kiosk|ksk|level|lvl|stall"
_UNIT = re.compile(
    rf"(?:^|[\s,])(?:(?P<des>{_UNIT_WORDS}|terminal|term|concourse|conc|gate|{_MALL_UNIT_WORDS})\.?\s*"
    rf"(?:#|no\.?)?\s*"
    rf"(?P<id>[a-z]{{0,3}}-?\d+[a-z0-9-]*|[a-z](?![a-z]))"
    rf"|#\s*(?P<hid>[a-z0-9-]+)|no\.?\s*(?P<nid>\d[a-z0-9-]*))(?=$|[\s,])"
)
_UNIT_NO_ID = re.compile(r"(?:^|[\s,])(?P<des>" + "|".join(sorted(UNIT_WITHOUT_ID)) + r")\.?(?=$|[\s,])")
# Where free text starts: "854 7th Ave  between 54th and 55th", "95 Ave A at 6th St", "(Lenox mall)".
_LANDMARK = re.compile(r",|\s{2,}|\(|\s(?:between|btwn|near|off|at|across|inside|corner of|opposite)\s")
# "293", "293-B", "293B", "123 1/2"; never the "7" of "7th St". The letter is the unit ("10A" is not "10B").
_HOUSE_NUMBER = re.compile(r"^(\d+)(?:-?([a-z])(?=\s|$))?(?:\s+\d/\d)?(?=\s|$)")
# "4814-4820 College Way" (a range) or "26-9380 Front St" (unit 26, Canadian style): told apart by digits.
_DASHED_NUMBER = re.compile(r"^([a-z]?\d+[a-z]?)\s*-\s*(\d+)(?=\s)")
# "Penn Avenue, 5104" / "7th Street, 139": the house number after the street.
_NUMBER_LAST = re.compile(r"^((?:\d+(?:st|nd|rd|th)\b|[a-z])[^,]*),\s*(\d+[a-z]?)$")
# "Main St & 2nd Ave", "33rd Blvd at 6th Ave", "corner of Main and 2nd": an intersection.
_CORNER = re.compile(r"^(?:(?:at\s+)?(?:the\s+)?corner\s+of\s+)?(.+?)\s+(?:&|and|at|/|@)\s+(.+)$")
_MLK = re.compile(r"\b(?:dr\s+)?(?:martin\s+luther|m\s*l)\s+king(?:\s+jr)?\b|\bmlk(?:\s+jr)?\b")
_SPELLED_NUMBERS = {
    w: str(k + 1)
    for k, w in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
        ]
    )
}
# Highway designators and the road systems they belong to ("US Route 9", "SR-9", "State Hwy 9", "I-95").
_ROUTE_WORDS = frozenset({"route", "rte", "rt", "highway", "hwy", "hiway", "hy", "road", "rd"})
_ROUTE_SYSTEMS = {
    "us": "US",
    "i": "I",
    "interstate": "I",
    "sr": "SR",
    "state": "SR",
    "cr": "CR",
    "county": "CR",
}
_NEEDS_WORD = frozenset({"state", "county"})  # "State 9" is not a route; "State Route 9" is
# "NJ-35", "TX 71": a state's code before a number is that state's route. Not "co" (county road) nor the
# codes that are also directionals ("NE 5").
_STATE_ROUTE_CODES = frozenset(c.lower() for c in STATE_CODES) - frozenset(DIRECTIONALS) - {"co"}
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
_COUNTRIES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "u s a": "US",
    "ca": "CA",
    "can": "CA",
    "canada": "CA",
}
# Canadian provinces and territories, by name, code and the abbreviations people write ("B.C.", "Ont.").
PROVINCES: dict[str, str] = {
    **{c.lower(): c for c in ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")},
    "alberta": "AB",
    "alta": "AB",
    "british columbia": "BC",
    "b c": "BC",
    "colombie britannique": "BC",
    "manitoba": "MB",
    "man": "MB",
    "new brunswick": "NB",
    "nouveau brunswick": "NB",
    "newfoundland and labrador": "NL",
    "newfoundland": "NL",
    "nfld": "NL",
    "nova scotia": "NS",
    "n s": "NS",
    "northwest territories": "NT",
    "nunavut": "NU",
    "ontario": "ON",
    "ont": "ON",
    "prince edward island": "PE",
    "p e i": "PE",
    "pei": "PE",
    "quebec": "QC",
    "que": "QC",
    "pq": "QC",
    "saskatchewan": "SK",
    "sask": "SK",
    "yukon": "YT",
}
# The province a Canadian postal code's first letter belongs to (X is split between NT and NU).
_POSTAL_PROVINCE = {
    letter: code
    for code, letters in (
        ("NL", "A"),
        ("NS", "B"),
        ("PE", "C"),
        ("NB", "E"),
        ("QC", "GHJ"),
        ("ON", "KLMNP"),
        ("MB", "R"),
        ("SK", "S"),
        ("AB", "T"),
        ("BC", "V"),
        ("NT", "X"),
        ("YT", "Y"),
    )
    for letter in letters
}
_CA_POSTAL = re.compile(r"^([a-z]\d[a-z])\s*-?\s*(\d[a-z]\d)$")


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
    core: str = ""  # the words before a label separator: "ole burrito co" of "Olé Burrito Co - London"
    label_words: str = ""  # the words after it or in brackets: "london"


def _words(text: str) -> list[str]:
    return [
        t for t in _clean(text.replace("&", " and ").replace("+", " and ")).split() if t not in NAME_STOPWORDS
    ]


def normalize_name(name: object) -> NameParts:
    """Fold case/accents/punctuation, '&' to 'and', pull out '#123' store numbers and '(Neighbourhood)'."""
    s = fold(name)
    store = ""
    m = _STORE_NO.search(s)  # before brackets: "Brand (#123)" is a store number, not a neighbourhood
    if m:
        store = next(g for g in m.groups() if g)
        s = _STORE_NO.sub(" ", s)
    sep = _LABEL_SEP.search(s)
    core, label = (s[: sep.start()], s[sep.start() :]) if sep else (s, "")
    hoods = [h for h in (_clean(m) for m in _PARENS.findall(s)) if h]
    s = _PARENS.sub(" ", s)
    return NameParts(
        " ".join(_words(s)),
        store.lstrip("0") or store,
        " ".join(hoods),
        " ".join(_words(core)),
        " ".join(_words(label)),
    )


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
    number_hi: str = ""  # the last number of a range ("4814-4820": number 4814, number_hi 4820)
    route: str = ""  # a numbered highway as written for people: "US-9", "SR-9", "Hwy-9", "I-95"
    corner: bool = False  # an intersection ("Main St & 2nd Ave"): street_name holds both streets, sorted
    unit_text: str = ""  # the unit as people read it ("Ste 1557", "Space FC-22", "Terminal B Gate B33")

    @property
    def street(self) -> str:
        """The normalised street without house number or unit ('n la cienega blvd')."""
        return " ".join(p for p in (self.pre_dir, self.street_name, self.suffix, self.post_dir) if p)


def _undot(s: str) -> str:
    """Drop abbreviation dots ('blvd.' -> 'blvd'); a dot inside a word separates ('st.promenade')."""
    return _DOT_END.sub("", s).replace(".", " ")


def _extract_unit(s: str) -> tuple[str, str]:
    """Return (text without the unit, unit identifier) for the first unit designator found."""
    s, unit, _ = _extract_units(s)
    return s, unit


def _extract_units(s: str) -> tuple[str, str, str]:
    """(text without its units, unit key, unit as people read it) for every unit designator in s.

    The key is the identifier ("Ste 200" and "#200" are both "200"); airport units keep their kind
    ("Terminal B, Gate B33" is "tb gb33") so another gate of the same terminal differs.
    """
    keys: list[str] = []
    texts: list[str] = []
    while True:
        m = _UNIT.search(s)
        if not m:
            break
        uid = m.group("id") or m.group("hid") or m.group("nid") or ""
        des = m.group("des") or "#"
        key = uid.replace("-", "").lstrip("0") or uid
        keys.append(_AIRPORT_UNITS.get(des, "") + key)
        texts.append(f"#{uid.upper()}" if des == "#" else f"{des.capitalize()} {uid.upper()}")
        s = s[: m.start()] + " " + s[m.end() :]
    if not keys:
        m = _UNIT_NO_ID.search(s)
        if m:
            des = m.group("des")
            return s[: m.start()] + " " + s[m.end() :], UNIT_DESIGNATORS[des], des.capitalize()
        return s, "", ""
    return s, " ".join(sorted(keys)), " ".join(texts)


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


def _route(tokens: list[str]) -> tuple[str, str, str] | None:
    """(street name, route as people read it, post-directional) when tokens are a numbered highway."""
    k, system = 0, ""
    if tokens[:2] == ["u", "s"]:
        k, system = 2, "US"
    elif tokens and tokens[0] in _ROUTE_SYSTEMS:
        k, system = 1, _ROUTE_SYSTEMS[tokens[0]]
    elif len(tokens) > 1 and tokens[0] in _STATE_ROUTE_CODES and tokens[1][:1].isdigit():
        k, system = 1, "SR"
    word = k < len(tokens) and tokens[k] in _ROUTE_WORDS
    if word:
        k += 1
    if k >= len(tokens) or not re.fullmatch(r"\d+[a-z]?", tokens[k]):
        return None
    if not word and (not system or tokens[0] in _NEEDS_WORD):
        return None
    number = tokens[k]
    rest = tokens[k + 1 :]
    post = DIRECTIONALS[rest[0]] if rest and rest[0] in DIRECTIONALS else ""
    return f"route {number}", f"{system or 'Hwy'}-{number.upper()}", post


def _street_tokens(s: str) -> list[str]:
    """Cleaned street words with ordinals as digits and the Martin Luther King spellings made one."""
    if "king" in s or "mlk" in s:
        s = _MLK.sub("martin luther king", s)
    return _join_ordinals(_clean(s).split())


def _corner(s: str) -> str:
    """'2nd ave & main st' for 'Main St & 2nd Ave' / '2nd Avenue and Main Street'; '' when not a corner."""
    m = _CORNER.match(s)
    if not m:
        return ""
    streets = []
    for part in (m.group(1), m.group(2)):
        p = _street_parts(_street_tokens(part))
        if not p[1]:
            return ""
        streets.append(" ".join(x for x in p if x))
    return " & ".join(sorted(streets))


def parse_street(line1: object, line2: object = None) -> AddressParts:
    """Split address lines into house number, directionals, street name, Pub-28 suffix and unit id.

    Also reads ranges ("4814-4820"), a unit before the number ("26-9380 Front St"), the number after
    the street ("Penn Avenue, 5104"), spelled numbers ("One Market St"), numbered highways ("US Route 9",
    "SR-9") and corners ("Main St & 2nd Ave").
    """
    # "Blvd." loses its dot without adding a space: a double space still marks free text ("Rd.  Lenox Mall").
    s = _undot(fold(line1).replace("\t", " "))
    s, unit, unit_text = _extract_units(s)
    if line2 is not None:
        l2 = _undot(fold(line2)).strip(" ,")
        if l2:
            _, unit2, text2 = _extract_units(" " + l2)
            if not unit2 and len(l2) <= 8 and any(c.isdigit() for c in l2):
                unit2 = _clean(l2).replace(" ", "")  # a bare "200" on line 2 is a unit number
                text2 = l2.upper()
            if unit2 and not unit:
                unit, unit_text = unit2, text2
            elif unit2:
                unit, unit_text = " ".join(sorted({*unit.split(), *unit2.split()})), f"{unit_text} {text2}"
    s = s.strip(" ,")
    m = _NUMBER_LAST.match(s) if "," in s else None
    if m:
        s = f"{m.group(2)} {m.group(1)}"
    number = number_hi = ""
    m = _DASHED_NUMBER.match(s) if "-" in s[:12] else None
    if m:
        a, b = m.group(1), m.group(2)
        if a.isdigit() and len(a) == len(b) and int(a) < int(b):
            number, number_hi = a.lstrip("0") or "0", b.lstrip("0") or "0"
        elif not unit:
            unit, unit_text = a.lstrip("0") or a, f"#{a.upper()}"
            number = b.lstrip("0") or "0"
        else:
            number = b.lstrip("0") or "0"
        s = s[m.end() :]
    else:
        first = s.split(" ", 1)
        if len(first) == 2 and first[0] in _SPELLED_NUMBERS:
            s = f"{_SPELLED_NUMBERS[first[0]]} {first[1]}"
        m = _HOUSE_NUMBER.match(s)
        if m:
            number = m.group(1).lstrip("0") or "0"
            if m.group(2) and not unit:
                unit, unit_text = m.group(2), f"{number}{m.group(2).upper()}"
            s = s[m.end() :]
    s = s.strip(" ,")
    if not number:
        corner = _corner(s)
        if corner:
            return AddressParts("", "", corner, "", "", unit, corner=True, unit_text=unit_text)
    # Free text after the street ("between 54th and 55th sts", "lenox square mall") is not the address.
    lm = _LANDMARK.search(s)
    if lm and lm.start() > 0:
        s = s[: lm.start()]
    tokens = _street_tokens(s.strip())
    route = _route(tokens) if tokens else None
    if route:
        return AddressParts(
            number, "", route[0], "", route[2], unit, number_hi, route[1], unit_text=unit_text
        )
    pre, name, suffix, post = _street_parts(tokens)
    return AddressParts(number, pre, name, suffix, post, unit, number_hi, unit_text=unit_text)


def _street_parts(tokens: list[str]) -> tuple[str, str, str, str]:
    """(pre-directional, street name, Pub-28 suffix, post-directional) of cleaned street words."""
    tokens = list(tokens)
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
    return pre, " ".join(name_tokens), suffix, post


def normalize_zip(value: object) -> str:
    """ZIP or ZIP+4 to the 5-digit ZIP, a Canadian postal code to 'V6B1A1'; '' when absent or unreadable."""
    s = fold(value).strip()
    ca = _CA_POSTAL.match(s)
    if ca:
        return (ca.group(1) + ca.group(2)).upper()
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
    return STATES.get(s) or PROVINCES.get(s) or s.upper()


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


_DIGITS = re.compile(r"\d+")
_PROVINCE_CODES = frozenset(PROVINCES.values())


def _fill_region(cols: dict[str, list[str]]) -> None:
    """Fill a blank country or province from what the row says otherwise (postal code, state code).

    A DSP row with a blank state or country ("Vancouver, V6B1A1") then blocks and scores like its POS
    twin ("Vancouver, BC, V6B 1A1, CA").
    """
    for k, (postal, state, country) in enumerate(
        zip(cols["zip5"], cols["state"], cols["country"], strict=True)
    ):
        canadian = len(postal) == 6 or state in _PROVINCE_CODES or country == "CA"
        if not country:
            cols["country"][k] = "CA" if canadian else ("US" if postal or state in STATE_CODES else "")
        if not state and len(postal) == 6:
            cols["state"][k] = _POSTAL_PROVINCE.get(postal[0], "")


def normalize_frame(
    df: pd.DataFrame, parsed: dict[tuple[object, object], AddressParts] | None = None
) -> pd.DataFrame:
    """One row per input row with normalised columns used by blocking and scoring (index 0..n-1).

    parsed: address lines already parsed (pass the same dict for both sides to parse each spelling once).
    """

    def col(name: str) -> list[object]:
        return df[name].tolist() if name in df.columns else [None] * len(df)

    # Chains repeat names ("Café Olé", "Café Olé - Downtown"): each distinct name is parsed once.
    seen: dict[object, NameParts] = {}
    names = [seen[v] if v in seen else seen.setdefault(v, normalize_name(v)) for v in col("name")]
    # Both sides often spell an address alike (and a mall or airport repeats its street line): each
    # distinct pair of lines is parsed once.
    parsed = {} if parsed is None else parsed
    addrs = [
        parsed[k] if k in parsed else parsed.setdefault(k, parse_street(*k))
        for k in zip(col("address_line_1"), col("address_line_2"), strict=True)
    ]
    strings = {
        "provider_id": [str(v) for v in col("provider_id")],
        "name": [n.text for n in names],
        "store_number": [n.store_number for n in names],
        "neighbourhood": [n.neighbourhood for n in names],
        "core": [n.core for n in names],
        "label_words": [n.label_words for n in names],
        "number": [a.number for a in addrs],
        "pre_dir": [a.pre_dir for a in addrs],
        "street_name": [a.street_name for a in addrs],
        "suffix": [a.suffix for a in addrs],
        "post_dir": [a.post_dir for a in addrs],
        "street": [a.street for a in addrs],
        "unit": [a.unit for a in addrs],
        "unit_text": [a.unit_text for a in addrs],
        "route": [a.route for a in addrs],
        "zip5": _memo(normalize_zip, col("postal_code")),
        "city": _memo(normalize_city, col("locality")),
        "state": _memo(normalize_state, col("administrative_district_level_1")),
        "country": _memo(normalize_country, col("country")),
        "phone": [normalize_phone(v) for v in col("phone")],
    }
    # Plain object columns: pandas' Arrow-backed strings are slow to hand element by element to rapidfuzz.
    _fill_region(strings)
    strings["street_digits"] = [" ".join(_DIGITS.findall(n)) for n in strings["street_name"]]
    out = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in strings.items()})
    out["num_lo"] = np.array([float(a.number) if a.number else np.nan for a in addrs])
    out["num_hi"] = np.array([float(a.number_hi or a.number) if a.number else np.nan for a in addrs])
    out["corner"] = np.array([a.corner for a in addrs], dtype=bool)
    out["lat"] = np.array([_coord(v) for v in col("latitude")], dtype=float)
    out["lon"] = np.array([_coord(v) for v in col("longitude")], dtype=float)
    return out
