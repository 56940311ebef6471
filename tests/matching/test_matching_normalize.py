"""Normalisation of names and US addresses: the spellings a POS and a marketplace disagree on."""

from __future__ import annotations

import pytest

from lib.matching.normalize import (
    brand_canon,
    brand_tokens,
    normalize_city,
    normalize_name,
    normalize_phone,
    normalize_state,
    normalize_zip,
    parse_street,
)


def street(line1: str, line2: str | None = None) -> tuple[str, str, str]:
    """(house number, normalised street, unit) of an address line."""
    parts = parse_street(line1, line2)
    return parts.number, parts.street, parts.unit


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("100 Main Street", "100 Main St."),
        ("100 Main Str", "100 main st"),
        ("22 Ocean Avenue", "22 Ocean Ave"),
        ("22 Ocean Av.", "22 OCEAN AVE"),
        ("9 Sunset Boulevard", "9 Sunset Blvd"),
        ("435 S. La Cienega Blv.", "435 South La Cienega Boulevard"),
        ("5 Lake Shore Parkway", "5 Lake Shore Pkwy"),
        ("7 Claude Lane", "7 claude la."),
        ("12 Mount Vernon Place", "12 Mt Vernon Pl"),
        ("3 Saint Charles Ave", "3 St. Charles Avenue"),
    ],
)
def test_pub28_street_suffixes_and_abbreviations_fold_to_one_spelling(a: str, b: str) -> None:
    assert street(a) == street(b)


def test_different_street_types_stay_different() -> None:
    assert street("500 5th St")[1] != street("500 5th Ave")[1]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("100 North Main St", "100 N Main St"),
        ("100 N. Main St", "100 n main street"),
        ("20 Peachtree Rd Northeast", "20 Peachtree Rd NE"),
        ("8358 Sunset Blvd West", "8358 sunset blvd. w"),
    ],
)
def test_directionals_are_abbreviated(a: str, b: str) -> None:
    assert street(a) == street(b)


def test_directionals_are_kept_apart_from_the_street_name() -> None:
    parts = parse_street("100 N Main St SW")
    assert (parts.pre_dir, parts.street_name, parts.suffix, parts.post_dir) == ("n", "main", "st", "sw")
    assert parse_street("100 S Main St").pre_dir != parts.pre_dir


def test_a_directional_alone_is_the_street_name() -> None:
    # "North St" is a street called North, not "St" heading north.
    assert street("10 North St") == street("10 N St")
    assert parse_street("10 North St").suffix == "st"


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("1 Fifth Avenue", "1 5th Ave"),
        ("40 Third St", "40 3rd St"),
        ("100 Twenty-First Street", "100 21st St"),
        ("100 twenty first street", "100 21st street"),
        ("9 Forty Second St", "9 42nd St"),
        ("12 Eleventh Ave", "12 11th Ave"),
    ],
)
def test_ordinals_spelled_out_become_digits(words: str, digits: str) -> None:
    assert street(words) == street(digits)


@pytest.mark.parametrize(
    ("line1", "line2"),
    [
        ("2101 Mission St Suite 200", None),
        ("2101 Mission St Ste. 200", None),
        ("2101 Mission St, #200", None),
        ("2101 Mission St Unit 200", None),
        ("2101 Mission Street", "Suite 200"),
        ("2101 Mission St", "Ste 200"),
        ("2101 Mission St", "# 200"),
        ("2101 Mission St", "No. 200"),
        ("2101 Mission St", "200"),
    ],
)
def test_units_are_split_from_the_street_whatever_the_designator(line1: str, line2: str | None) -> None:
    assert street(line1, line2) == ("2101", "mission st", "200")


def test_unit_letters_and_spaces_are_kept_as_identifiers() -> None:
    assert street("12 Main St Suite B")[2] == "b"
    assert street("12 Main St, Unit 4-A")[2] == "4a"
    assert street("500 W Broadway Space 12")[2] == "12"
    assert street("5 Main St", "Bldg C")[2] == "c"


def test_house_number_is_extracted_and_compared_as_digits() -> None:
    assert street("0123 Elm St")[0] == "123"
    assert street("293-B Peachtree Rd")[0] == "293"
    assert street("123 1/2 Elm St")[0] == "123"
    assert street("Peachtree Rd")[0] == ""
    assert street("1520 Oak Ave")[0] != street("1250 Oak Ave")[0]


def test_free_text_after_the_street_is_dropped() -> None:
    assert street("854 7th ave.  between 54th and 55th sts.") == street("854 Seventh Avenue")
    assert street("95 ave. a at 6th st.") == street("95 Avenue A")
    assert street("2355 peachtree rd.  peachtree battle shopping center") == street("2355 Peachtree Road")


@pytest.mark.parametrize(
    ("value", "zip5"),
    [
        ("94107", "94107"),
        ("94107-1234", "94107"),
        ("94107 1234", "94107"),
        ("941071234", "94107"),
        ("2134", "02134"),  # leading zero lost by a spreadsheet
        (2134.0, "02134"),
        ("", ""),
        (None, ""),
        ("SW1A 1AA", ""),
    ],
)
def test_zip_plus_four_becomes_zip5(value: object, zip5: str) -> None:
    assert normalize_zip(value) == zip5


@pytest.mark.parametrize(
    ("value", "code"),
    [("California", "CA"), ("ca", "CA"), ("CA", "CA"), ("new york", "NY"), ("District of Columbia", "DC")],
)
def test_state_names_become_codes(value: str, code: str) -> None:
    assert normalize_state(value) == code


def test_city_case_and_abbreviations() -> None:
    assert normalize_city("St. Louis") == normalize_city("SAINT LOUIS") == "saint louis"
    assert normalize_city("Ft. Worth") == normalize_city("Fort Worth")
    assert normalize_city("W. Hollywood") == "west hollywood"


def test_phone_formats_compare_equal() -> None:
    assert (
        normalize_phone("(415) 555-1234")
        == normalize_phone("+14155551234")
        == normalize_phone("415.555.1234")
    )
    assert normalize_phone("555-1234") == ""


@pytest.mark.parametrize(
    ("name", "text", "store"),
    [
        ("Taco Tres #0123", "taco tres", "123"),
        ("Taco Tres #123", "taco tres", "123"),
        ("Taco Tres Store 42", "taco tres", "42"),
        ("Taco Tres Store #42", "taco tres", "42"),
        ("Taco Tres (#7)", "taco tres", "7"),
        ("Taco Tres No. 12", "taco tres", "12"),
        ("21 Club", "21 club", ""),
        ("Bistro 45", "bistro 45", ""),
    ],
)
def test_store_numbers_are_split_from_names(name: str, text: str, store: str) -> None:
    parts = normalize_name(name)
    assert (parts.text, parts.store_number) == (text, store)


def test_names_fold_case_accents_punctuation_and_ampersands() -> None:
    assert normalize_name("Café Lumière").text == normalize_name("CAFE LUMIERE").text == "cafe lumiere"
    assert normalize_name("Bread & Butter Bakery").text == normalize_name("Bread and Butter Bakery").text
    assert normalize_name("Rosa's Cantina").text == normalize_name("Rosas Cantina").text == "rosas cantina"
    assert normalize_name("The Palm").text == normalize_name("palm, the").text == "palm"


def test_parenthesised_neighbourhood_is_set_aside() -> None:
    parts = normalize_name("Le Chardonnay (Los Angeles)")
    assert (parts.text, parts.neighbourhood) == ("le chardonnay", "los angeles")


def test_brand_words_are_the_words_most_names_share() -> None:
    names = [
        normalize_name(n).text
        for n in ("Taco Tres - Mission", "Taco Tres (Castro)", "Taco Tres #12", "TACO TRES", "Midnight Wings")
    ]
    assert brand_tokens(names) == {"taco", "tres"}
    assert brand_tokens(["joes pizza", "midnight wings"]) == frozenset()  # too few names to tell


def test_a_typo_in_a_brand_word_still_counts_as_the_brand() -> None:
    canon = brand_canon(["bread butter bakey greenpoint"], frozenset({"bread", "butter", "bakery"}))
    assert canon["bakey"] == "bakery"
    assert "greenpoint" not in canon


@pytest.mark.parametrize(
    ("line1", "line2", "number", "number_hi", "street", "unit", "route"),
    [
        ("1200 US Route 9", "", "1200", "", "route 9", "", "US-9"),
        ("1200 U.S. Hwy 9", "", "1200", "", "route 9", "", "US-9"),
        ("450 State Route 9", "", "450", "", "route 9", "", "SR-9"),
        ("450 Hwy 99 N", "", "450", "", "route 99 n", "", "Hwy-99"),
        ("10 County Rd 5", "", "10", "", "route 5", "", "CR-5"),
        ("500 State St", "", "500", "", "state st", "", ""),  # a street called State, not a route
        ("4814-4820 College Way", "", "4814", "4820", "college way", "", ""),
        ("26-9380 Front St", "", "9380", "", "front st", "26", ""),  # unit before the number
        ("7th Street, 139", "", "139", "", "7th st", "", ""),  # the number after the street
        ("Penn Avenue, 5104", "", "5104", "", "penn ave", "", ""),
        ("One Market St", "", "1", "", "market st", "", ""),
        ("2100 M L King Jr Blvd", "", "2100", "", "martin luther king blvd", "", ""),
        ("2100 Dr. Martin Luther King Jr. Boulevard", "", "2100", "", "martin luther king blvd", "", ""),
        ("2855 Stevens Creek Blvd, Space FC-22", "", "2855", "", "stevens creek blvd", "fc22", ""),
        ("1 Airport Blvd", "Terminal B, Gate B33", "1", "", "airport blvd", "gb33 tb", ""),
        ("1 Airport Blvd Gate B33, Terminal B", "", "1", "", "airport blvd", "gb33 tb", ""),
        ("6000 N Terminal Pkwy", "", "6000", "", "n terminal pkwy", "", ""),  # a street, not a unit
    ],
)
def test_routes_ranges_units_and_number_orders_issue_13(
    line1: str, line2: str, number: str, number_hi: str, street: str, unit: str, route: str
) -> None:
    p = parse_street(line1, line2)
    assert (p.number, p.number_hi, p.street, p.unit, p.route) == (number, number_hi, street, unit, route)


def test_corners_are_one_place_whatever_the_order_or_the_joining_word() -> None:
    keys = {
        parse_street(s).street_name
        for s in (
            "Main St & 2nd Ave",
            "2nd Avenue and Main Street",
            "Corner of Main St and 2nd Ave",
            "Main St at 2nd Ave",
        )
    }
    assert keys == {"2nd ave & main st"}
    assert parse_street("Main St & 2nd Ave").corner
    assert parse_street("Main St & 3rd Ave").street_name != "2nd ave & main st"


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ("British Columbia", "BC"),
        ("B.C.", "BC"),
        ("bc", "BC"),
        ("Ont.", "ON"),
        ("Québec", "QC"),
        ("Alberta", "AB"),
    ],
)
def test_canadian_provinces_fold_to_their_codes(state: str, code: str) -> None:
    assert normalize_state(state) == code


def test_canadian_postal_codes_with_and_without_the_space_are_one_code() -> None:
    assert normalize_zip("V6B 1A1") == normalize_zip("v6b1a1") == normalize_zip("V6B-1A1") == "V6B1A1"
    assert normalize_zip("02134") == "02134"  # US ZIPs unchanged
