"""Location tables, search, and ingest in batches with per-location results (a fake ingest call)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from lib.onboarding.locations import among, batches, ingest_in_batches, location_table, search_table
from lib.onboarding.sources import latest_by_source
from lib.store import OnboardingRecord
from lib.stream.errors import Operation, ServerError
from lib.stream.models import IngestResponse, OrgLocation, ProviderLocation

POS = [
    ProviderLocation.model_validate(
        {
            "provider_id": f"p{n}",
            "name": name,
            "address": {
                "address_line_1": street,
                "locality": city,
                "administrative_district_level_1": "IL",
                "postal_code": zip_,
            },
            "source": "toast",
        }
    )
    for n, (name, street, city, zip_) in enumerate(
        [
            ("Rosa's - River North", "757 Laurel Pkwy", "Chicago", "60622"),
            ("Rosa's - Wicker Park", "257 Maple Road", "Chicago", "60607"),
            ("Rosa's - Evanston", "12 Main St", "Evanston", "60201"),
        ]
    )
]


def test_the_table_marks_what_the_org_already_ingested() -> None:
    ingested = [OrgLocation.model_validate({"_id": "L1", "provider_id": "p1", "name": "x"})]
    frame = location_table(POS, ingested)
    assert list(frame["provider_id"]) == ["p0", "p1", "p2"]
    assert list(frame["ingested"]) == [False, True, False]
    assert frame.loc[0, "address"] == "757 Laurel Pkwy" and frame.loc[2, "city"] == "Evanston"


@pytest.mark.parametrize("dtype", ["object", "string[pyarrow]", "string[python]"])
def test_among_answers_as_isin_does_for_every_kind_of_id_column(dtype: str) -> None:
    ids = pd.Series(["p0", "p1", None, "p3", "p1"], dtype=dtype)
    chosen = {"p1", "p3", "elsewhere"}
    assert among(ids, chosen).tolist() == ids.isin(chosen).tolist() == [False, True, False, True, True]
    assert among(ids, set()).tolist() == [False] * 5
    assert among(ids.iloc[:0], chosen).tolist() == []


def test_search_needs_every_word_somewhere_in_the_row() -> None:
    frame = location_table(POS, [])
    assert list(search_table(frame, "chicago maple")["provider_id"]) == ["p1"]
    assert list(search_table(frame, "ROSA'S")["provider_id"]) == ["p0", "p1", "p2"]
    assert list(search_table(frame, "60201")["provider_id"]) == ["p2"]
    assert search_table(frame, "   ").equals(frame)
    assert search_table(frame, "nowhere").empty


def test_batches_split_in_order() -> None:
    assert batches(["a", "b", "c", "d", "e"], 2) == [["a", "b"], ["c", "d"], ["e"]]
    with pytest.raises(ValueError):
        batches(["a"], 0)


class FakeIngest:
    """Answers like the sandbox; the batch numbers in `fail` raise a 503."""

    def __init__(self, fail: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, onboarding_id: str, provider_ids: Sequence[str]) -> IngestResponse:
        self.calls.append(list(provider_ids))
        if len(self.calls) in self.fail:
            raise ServerError("unavailable", status_code=503, operation=Operation("importing", "the import"))
        return IngestResponse.model_validate(
            {"locations": [{"provider_id": p, "_id": f"L-{p}", "status": "ingested"} for p in provider_ids]}
        )


def test_ingest_goes_batch_by_batch_and_reports_progress() -> None:
    fake, progress = FakeIngest(), []
    run = ingest_in_batches(
        fake, "onb", ["a", "b", "a", "c", "d", "e"], 2, on_progress=lambda d, t: progress.append((d, t))
    )
    assert fake.calls == [["a", "b"], ["c", "d"], ["e"]], "duplicates are sent once"
    assert progress == [(2, 5), (4, 5), (5, 5)]
    assert (run.succeeded, run.failed, run.errors) == (5, 0, [])
    assert run.outcomes[0].location_id == "L-a"


def test_a_failed_batch_fails_its_locations_and_the_run_goes_on() -> None:
    run = ingest_in_batches(FakeIngest(fail={2}), "onb", ["a", "b", "c", "d", "e"], 2)
    assert [(o.provider_id, o.ok) for o in run.outcomes] == [
        ("a", True),
        ("b", True),
        ("c", False),
        ("d", False),
        ("e", True),
    ]
    assert len(run.errors) == 1 and "HTTP 503" in run.errors[0]
    frame = run.frame({"a": "Store A"})
    assert list(frame["result"]) == ["ingested", "ingested", "failed", "failed", "ingested"]
    assert frame.loc[0, "name"] == "Store A" and frame.loc[2, "message"] == run.errors[0]


def test_an_answer_without_per_location_results_counts_as_accepted() -> None:
    def quiet(onboarding_id: str, provider_ids: Sequence[str]) -> IngestResponse:
        return IngestResponse()

    run = ingest_in_batches(quiet, "onb", ["a", "b"])
    assert run.succeeded == 2 and {o.message for o in run.outcomes} == {"Accepted by the API."}


def test_latest_by_source_keeps_the_newest_per_source_pos_first() -> None:
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    def rec(oid: str, type: str, source: str, minutes: int) -> OnboardingRecord:
        at = t0 + timedelta(minutes=minutes)
        return OnboardingRecord(oid, "org", type, source, "pending", None, "am", at, at)

    records = [rec("d1", "dsp", "doordash", 0), rec("t1", "pos", "toast", 1), rec("t2", "pos", "toast", 2)]
    current, earlier = latest_by_source(records)
    assert [r.onboarding_id for r in current] == ["t2", "d1"]
    assert [r.onboarding_id for r in earlier] == ["t1"]
