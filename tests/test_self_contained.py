"""The test suite needs nothing outside the repository: a person who clones it has nothing beside it."""

from pathlib import Path

import pytest

from tests.conftest import OUTSIDE_SHARED


def test_reading_the_teams_shared_folder_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="keep what tests need inside the repository"):
        (Path(OUTSIDE_SHARED) / "data" / "anything.csv").open()
