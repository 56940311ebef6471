"""Store names: how a chain names its stores, and how a marketplace garbles those names."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace

from lib.synthetic.geo import KEY_NEIGHBOURS

# Brands for ad-hoc merchants (synthetic_case); the catalog has its own.
BRANDS: tuple[str, ...] = (
    "Taco Tres",
    "Rosa's Cantina",
    "Bread & Butter Bakery",
    "Pho Saigon Kitchen",
    "Big Slice Pizza Co.",
    "Burger Barn",
    "Café Lumière",
    "Golden Wok",
    "Sunrise Sushi",
    "Smoke & Barrel BBQ",
    "Green Leaf Salads",
    "Bagel Brothers",
    "Curry House",
    "Mediterranean Grill",
    "Poke Paradise",
    "Noodle Theory",
    "Crêpe Corner",
    "Hot Dog Haven",
    "Waffle & Co.",
    "Dumpling Den",
    "Falafel King",
    "Seoul Bowl",
    "Mama Mia's Trattoria",
    "Chick'n Shack",
    "Sweet Scoops Creamery",
)

# Virtual (delivery-only) brands that cook in another merchant's kitchen.
VIRTUAL_BRANDS: tuple[str, ...] = (
    "Midnight Wings",
    "Cloud Burger Co.",
    "Late Night Noodles",
    "Big Bowl Theory",
    "Wing Lab",
    "The Melt Factory",
    "Crispy Bird",
    "Pasta Pronto",
    "Sweet Tooth Bakeshop",
    "Green Bowl Kitchen",
    "Loaded Fries Club",
    "Nacho Daddy's",
    "Mac & Cheese Please",
    "Sando Society",
    "Breakfast Burrito Bar",
)

NAME_STYLES: tuple[str, ...] = ("dash", "paren", "number", "city", "street", "plain")


@dataclass(frozen=True)
class StoreName:
    """The parts a chain's store name is built from."""

    brand: str
    style: str  # one of NAME_STYLES
    label: str  # neighbourhood
    store_no: int
    number_width: int  # 4 -> "#0123", 0 -> "#123"
    city: str
    street: str

    def render(self) -> str:
        """The store name as the POS shows it."""
        return render_name(self)


def render_name(n: StoreName, sep: str = " - ") -> str:
    """Build a store name from its parts."""
    num = f"{n.store_no:0{n.number_width}d}" if n.number_width else str(n.store_no)
    if n.style == "dash":
        return f"{n.brand}{sep}{n.label}"
    if n.style == "paren":
        return f"{n.brand} ({n.label})"
    if n.style == "number":
        return f"{n.brand} #{num}"
    if n.style == "city":
        return f"{n.brand}{sep}{n.city}"
    if n.style == "street":
        return f"{n.brand}{sep}{n.street}"
    return n.brand


def strip_accents(s: str) -> str:
    """'Café Lumière' -> 'Cafe Lumiere'."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _number_variant(n: StoreName, rng: random.Random) -> str:
    fmt = rng.choice(("Store {n}", "#{n}", "No. {n}", "Store #{n}", "(#{n})", "#{n:04d}"))
    num = fmt.format(n=n.store_no)
    if fmt.startswith("#") and num == f"#{n.store_no:0{n.number_width}d}" and n.number_width:
        num = f"#{n.store_no}"  # make sure the number format actually changed
    return f"{n.brand} {num}"


def name_variant(n: StoreName, rng: random.Random) -> tuple[str, str]:
    """A marketplace's version of the store name and a tag of what changed; never the POS name itself."""
    original = n.render()
    structural: list[str] = []
    if n.style != "plain":
        structural += ["suffix_drop", "suffix_restyle"]
    else:
        structural.append("suffix_add")
    structural.append("store_number")
    textual = ["case", "punct"]
    if "&" in n.brand or " and " in n.brand.lower():
        textual += ["ampersand", "ampersand"]
    if strip_accents(n.brand) != n.brand:
        textual += ["accents", "accents"]
    for _ in range(8):
        ops = [rng.choice(structural)] if rng.random() < 0.75 else []
        if not ops or rng.random() < 0.35:
            ops.append(rng.choice(textual))
        name = original
        for op in ops:
            name = _apply_name_op(op, n, name, rng)
        if name != original:
            return name, "+".join(ops)
    return original.upper(), "case"


def _apply_name_op(op: str, n: StoreName, name: str, rng: random.Random) -> str:
    if op == "suffix_drop":
        return n.brand
    if op == "suffix_restyle":
        if n.style == "paren":
            return render_name(replace(n, style="dash"))
        if n.style == "number":
            return _number_variant(n, rng)
        if rng.random() < 0.5 and n.style == "dash":
            return render_name(n, sep=rng.choice((": ", " | ", " – ", " -- ", "-")))
        return f"{n.brand} ({render_name(n).removeprefix(n.brand).lstrip(' -')})"
    if op == "suffix_add":
        return rng.choice((f"{n.brand} - {n.label}", f"{n.brand} ({n.label})", f"{n.brand} {n.label}"))
    if op == "store_number":
        if n.style == "number":
            return _number_variant(n, rng)
        return f"{name} #{n.store_no}" if rng.random() < 0.5 else f"{n.brand} Store {n.store_no}"
    if op == "case":
        return name.upper() if rng.random() < 0.6 else name.lower()
    if op == "punct":
        out = re.sub(r"['.]", "", name)
        out = out.replace(" - ", " ").replace("(", "").replace(")", "")
        return out if out != name else name.replace(" ", "  ", 1)
    if op == "ampersand":
        if "&" in name:
            return name.replace(" & ", " and ") if rng.random() < 0.7 else name.replace(" & ", "&")
        return re.sub(r"\band\b", "&", name, flags=re.IGNORECASE)
    if op == "accents":
        return strip_accents(name)
    raise ValueError(op)


def typo(word: str, rng: random.Random) -> str:
    """One realistic one-character typo (keyboard slip, dropped, doubled or swapped letter) inside word."""
    letters = [i for i, c in enumerate(word) if c.isalpha() and i > 0]
    if not letters:
        return word + "e"
    for _ in range(10):
        i = rng.choice(letters)
        c = word[i]
        kind = rng.choice(("slip", "drop", "double", "swap"))
        if kind == "slip":
            sub = rng.choice(KEY_NEIGHBOURS.get(c.lower(), "e"))
            out = word[:i] + (sub.upper() if c.isupper() else sub) + word[i + 1 :]
        elif kind == "drop":
            out = word[:i] + word[i + 1 :]
        elif kind == "double":
            out = word[:i] + c + word[i:]
        else:
            j = i + 1 if i + 1 < len(word) and word[i + 1].isalpha() else i - 1
            if j < 1:
                continue
            a, b = sorted((i, j))
            out = word[:a] + word[b] + word[a] + word[b + 1 :]
        if out != word:
            return out
    return word[:-1] if len(word) > 3 else word + "e"
