"""Point console code in this process (AppTest in a benchmark) at a sandbox and a records database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def console_env(api: Any, database_url: str, data_dir: Path) -> Iterator[None]:
    """Point console code in this process (e.g. AppTest in a benchmark) at `api` and a records database.

    `api` is anything with base_url, client_id and client_secret (an embedded or separate sandbox).
    """
    values = {
        "STREAM_API_URL": api.base_url,
        "STREAM_CLIENT_ID": api.client_id,
        "STREAM_CLIENT_SECRET": api.client_secret,
        "DATABASE_URL": database_url,
        "CONSOLE_DATA_DIR": str(data_dir),
    }
    saved = {k: os.environ.get(k) for k in [*values, "CONSOLE_REQUIRE_LOGIN"]}
    os.environ.update(values)
    os.environ.pop("CONSOLE_REQUIRE_LOGIN", None)  # benchmarks measure pages, not the sign-in gate
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
