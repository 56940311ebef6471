"""US street addresses as parts, their rendering, and the drift marketplaces introduce."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from functools import lru_cache

from lib.synthetic.geo import (
    BARE_STREETS,
    DIRECTIONALS,
    LOCALITY_VARIANTS,
    MAX_ORDINAL,
    STREET_NAMES,
    SUFFIX_WEIGHTS,
    SUFFIXES,
    UNIT_FORMS,
    City,
    ordinal_digits,
    ordinal_words,
)
from lib.synthetic.names import typo


def stable_rng(*parts: object) -> random.Random:
    """A Random seeded from the parts' repr through sha256: stable across processes (unlike hash())."""
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class Street:
    """A street of a city: optional directionals, a name or an ordinal, optional suffix key."""

    predir: str
    name: str
    ordinal: int
    suffix: str
    postdir: str


@dataclass(frozen=True)
class Address:
    """An address as parts plus the rendering choices that make two spellings of it differ."""

    number: int
    street: Street
    unit_kind: str = ""
    unit_id: str = ""
    suffix_form: int = 0
    dir_form: int = 0
    ordinal_as_words: bool = False
    unit_form: int = 0
    unit_in_line1: bool = False
    unit_sep: str = " "
    name_override: str = ""  # a typo'd street name

    def street_name(self) -> str:
        """The street's name part as rendered ('Oak', '5th', 'Fifth')."""
        if self.name_override:
            return self.name_override
        if self.street.ordinal:
            return (
                ordinal_words(self.street.ordinal)
                if self.ordinal_as_words
                else ordinal_digits(self.street.ordinal)
            )
        return self.street.name

    def street_label(self) -> str:
        """'N Oak Ave': the street without the house number, as used in store names."""
        return " ".join(self._street_parts())

    def _street_parts(self) -> list[str]:
        s = self.street
        parts = []
        if s.predir:
            parts.append(_form(DIRECTIONALS[s.predir], self.dir_form))
        parts.append(self.street_name())
        if s.suffix:
            parts.append(_form(SUFFIXES[s.suffix], self.suffix_form))
        if s.postdir:
            parts.append(_form(DIRECTIONALS[s.postdir], self.dir_form))
        return parts

    def unit_text(self) -> str:
        """'Suite 100', 'Ste 4B', '#12' or ''."""
        if not self.unit_kind:
            return ""
        form = _form(UNIT_FORMS[self.unit_kind], self.unit_form)
        return f"#{self.unit_id}" if form == "#" else f"{form} {self.unit_id}"

    def line1(self) -> str:
        """address_line_1, with the unit folded in when this spelling does that."""
        text = " ".join([str(self.number), *self._street_parts()])
        if self.unit_kind and self.unit_in_line1:
            text += self.unit_sep + self.unit_text()
        return text

    def line2(self) -> str:
        """address_line_2: the unit, unless folded into line 1."""
        return "" if self.unit_in_line1 else self.unit_text()


def _form(forms: tuple[str, ...], i: int) -> str:
    return forms[i % len(forms)]


@lru_cache(maxsize=256)
def city_streets(city: City) -> tuple[Street, ...]:
    """The streets of a city: a stable subset of the vocabulary, the same for every merchant there."""
    rng = stable_rng("streets", city.name, city.state)
    names = rng.sample(STREET_NAMES, 40)
    ordinals = rng.sample(range(1, MAX_ORDINAL + 1), 10)
    suffix_keys = list(SUFFIX_WEIGHTS)
    suffix_w = list(SUFFIX_WEIGHTS.values())
    dirs = list(DIRECTIONALS)
    streets: list[Street] = []
    for name in names:
        suffix = rng.choices(suffix_keys, suffix_w)[0]
        # DC addresses carry a quadrant after the street (Pennsylvania Ave NW) and no predirectional.
        quadrant = city.state == "DC"
        predir = rng.choice(dirs[:4]) if not quadrant and rng.random() < 0.2 else ""
        postdir = rng.choice(dirs[4:]) if quadrant or rng.random() < 0.03 else ""
        streets.append(Street(predir, name, 0, suffix, postdir))
    for o in ordinals:
        predir = rng.choice(dirs[:4]) if city.state != "DC" and rng.random() < 0.3 else ""
        postdir = rng.choice(dirs[4:]) if city.state == "DC" else ""
        streets.append(Street(predir, "", o, rng.choice(("St", "St", "Ave", "Ave", "Pl")), postdir))
    streets.append(Street("", rng.choice(BARE_STREETS), 0, "", ""))
    return tuple(streets)


def random_unit(rng: random.Random) -> tuple[str, str]:
    """A plausible restaurant unit: ('Suite', '100'), ('Space', '7'), ('Bldg', 'C')..."""
    kind = rng.choices(("Suite", "Unit", "#", "Space", "Bldg"), (45, 20, 20, 10, 5))[0]
    if kind == "Suite":
        uid = rng.choice(
            (str(rng.randint(1, 6) * 100 + rng.choice((0, 0, 10, 20, 5))), f"{rng.randint(1, 9)}B", "A")
        )
    elif kind == "Bldg":
        uid = rng.choice("ABCDEF")
    elif kind == "Space":
        uid = str(rng.randint(1, 40))
    else:
        uid = str(rng.randint(1, 120)) if rng.random() < 0.8 else f"{rng.randint(1, 9)}{rng.choice('ABC')}"
    return kind, uid


def abbrev_variant(addr: Address, locality: str, rng: random.Random) -> tuple[Address, str, str]:
    """Toggle abbreviations (Street<->St, North<->N, 5th<->Fifth, St. Louis<->Saint Louis); returns a tag."""
    options: list[str] = []
    if len(SUFFIXES.get(addr.street.suffix, ())) > 1:
        options += ["suffix", "suffix"]
    if addr.street.predir or addr.street.postdir:
        options.append("directional")
    if addr.street.ordinal and not addr.name_override:
        options.append("ordinal")
    if locality in LOCALITY_VARIANTS:
        options.append("locality")
    if not options:
        return addr, locality, ""
    picked = rng.sample(options, min(len(options), 2 if rng.random() < 0.3 else 1))
    picked = sorted(set(picked))
    for op in picked:
        if op == "suffix":
            addr = replace(
                addr, suffix_form=_other_form(len(SUFFIXES[addr.street.suffix]), addr.suffix_form, rng)
            )
        elif op == "directional":
            key = addr.street.predir or addr.street.postdir
            addr = replace(addr, dir_form=_other_form(len(DIRECTIONALS[key]), addr.dir_form, rng))
        elif op == "ordinal":
            addr = replace(addr, ordinal_as_words=not addr.ordinal_as_words)
        elif op == "locality":
            locality = LOCALITY_VARIANTS[locality]
    return addr, locality, "+".join(picked)


def _other_form(n_forms: int, current: int, rng: random.Random) -> int:
    # Mostly abbreviation <-> long form, sometimes the dotted or odd spelling.
    current %= n_forms
    if current != 0:
        return 0 if rng.random() < 0.8 else rng.choice([i for i in range(n_forms) if i != current])
    return 1 if rng.random() < 0.75 or n_forms == 2 else rng.randrange(1, n_forms)


def unit_reformat(addr: Address, rng: random.Random, fold_prob: float) -> Address:
    """Write the unit differently (Suite 100 -> Ste 100 / #100), perhaps folded into address_line_1."""
    forms = UNIT_FORMS[addr.unit_kind]
    new = replace(addr, unit_form=_other_form(len(forms), addr.unit_form, rng))
    if rng.random() < fold_prob:
        new = replace(new, unit_in_line1=True, unit_sep=rng.choice((" ", ", ")))
    if new.unit_text() == addr.unit_text() and not new.unit_in_line1:
        new = replace(new, unit_in_line1=True, unit_sep=", ")
    return new


def street_typo(addr: Address, rng: random.Random) -> Address:
    """One-character typo in the street name (not the number)."""
    return replace(addr, name_override=typo(addr.street_name(), rng))


def nearby_number(number: int, rng: random.Random) -> int:
    """A house number a few doors away or with two digits swapped (1520 -> 1524, 1520 -> 1250)."""
    digits = str(number)
    swaps = [
        i for i in range(len(digits) - 1) if digits[i] != digits[i + 1] and not (i == 0 and digits[1] == "0")
    ]
    if swaps and rng.random() < 0.4:
        i = rng.choice(swaps)
        return int(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
    delta = rng.choice((2, 4, 6, 8, 10, 12, 14, 20, 24, 30, 40, 50))
    if number - delta < 1 or rng.random() < 0.5:
        return number + delta
    return number - delta
