"""API locations as matching tables, existing bindings, the field-by-field comparison."""

from __future__ import annotations

from lib.binding import bound_stores, compare_fields, format_address, locations_frame
from lib.binding.frames import LOCATION_COLUMNS
from lib.matching.propose import explain_pair
from lib.stream.models import OrgLocation, ProviderLocation


def _org_location(**fields: object) -> OrgLocation:
    return OrgLocation.model_validate(
        {
            "_id": "loc-1",
            "provider_id": "pos-1",
            "name": "Taco Tres - Mission",
            "address": {
                "address_line_1": "2101 Mission St",
                "locality": "San Francisco",
                "postal_code": "94110",
            },
            "dsps": [],
            **fields,
        }
    )


def test_locations_frame_has_the_engine_columns_and_keeps_the_first_of_a_repeated_id() -> None:
    stores = [
        ProviderLocation.model_validate(
            {
                "provider_id": "s-1",
                "name": " Taco Tres ",
                "address": {"address_line_1": "2101 Mission St", "postal_code": "", "country": "US"},
                "phone": "+14155550100",
            }
        ),
        ProviderLocation(provider_id="s-1", name="Duplicate"),
        ProviderLocation(provider_id="s-2", name="Taco Tres Valencia"),
    ]
    frame = locations_frame(stores)
    assert tuple(frame.columns) == LOCATION_COLUMNS
    assert list(frame["provider_id"]) == ["s-1", "s-2"]
    first = frame.iloc[0].to_dict()
    assert first["name"] == "Taco Tres" and first["phone"] == "+14155550100"
    assert first["postal_code"] is None and first["country"] == "US"  # blanks are None, not ""
    assert frame.iloc[1]["address_line_1"] is None
    assert list(locations_frame([]).columns) == list(LOCATION_COLUMNS)


def test_pos_rows_use_the_provider_id_bind_expects_with_the_org_id_as_fallback() -> None:
    frame = locations_frame([_org_location(), _org_location(_id="loc-2", provider_id=None)])
    assert list(frame["provider_id"]) == ["pos-1", "loc-2"]


def test_bound_stores_only_of_this_dsp_and_with_a_store_id() -> None:
    location = _org_location(
        dsps=[
            {"source": "grubhub", "status": "PENDING", "provider_id": "gh-9", "store_name": "Taco Tres"},
            {"source": "doordash", "status": "APPROVED", "provider_id": "dd-1"},
            {"source": "ubereats", "status": "APPROVED"},
        ]
    )
    assert bound_stores([location], "Grubhub")["pos-1"].dsp_provider_id == "gh-9"
    assert bound_stores([location], "grubhub")["pos-1"].store_name == "Taco Tres"
    assert bound_stores([location], "doordash")["pos-1"].status == "APPROVED"
    assert bound_stores([location], "ubereats") == {}


def test_comparison_marks_what_differs_after_normalising() -> None:
    pos = {
        "name": "Taco Tres - Mission",
        "address_line_1": "2101 Mission Street",
        "address_line_2": "Suite 4",
        "locality": "San Francisco",
        "administrative_district_level_1": "CA",
        "postal_code": "94110",
        "country": "US",
    }
    dsp = {
        **pos,
        "name": "Taco Tres (Mission)",
        "address_line_1": "2101 Mission St",
        "address_line_2": "Ste 4",
        "locality": "SAN FRANCISCO",
        "postal_code": "94103-1234",
    }
    rows = compare_fields(pos, dsp, explain_pair(pos, dsp)).set_index("field")
    assert rows.at["Street", "verdict"] == "same"  # Street vs St
    assert rows.at["Unit", "verdict"] == "same"  # Suite 4 vs Ste 4
    assert rows.at["City", "verdict"] == "same"
    assert rows.at["ZIP", "verdict"] == "differs"
    assert rows.at["ZIP", "dsp"] == "94103-1234"  # the raw value is what the person sees
    assert "Phone" not in rows.index  # blank on both sides: not worth a row
    assert format_address(pos) == "2101 Mission Street, Suite 4, San Francisco, CA 94110"
