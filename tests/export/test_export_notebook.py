"""notebooks/portfolio_status.ipynb runs top to bottom against the sandbox and shows the seeded portfolio."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lib.watch import WatchSettings, run_pass
from tests.export.conftest import World

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "portfolio_status.ipynb"


def outputs_text(nb: nbformat.NotebookNode) -> str:
    parts: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_notebook_pulls_summarises_and_plots(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel inherits this environment: the seeded sandbox and records, as the console would use them.
    monkeypatch.setenv("STREAM_API_URL", world.sandbox.base_url)
    monkeypatch.setenv("STREAM_CLIENT_ID", world.sandbox.client_id)
    monkeypatch.setenv("STREAM_CLIENT_SECRET", world.sandbox.client_secret)
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    run_pass(world.records, world.client, WatchSettings())  # the watcher's history, for its tables
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        "commit it without outputs"
    )
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()  # raises CellExecutionError on the first failing cell

    text = outputs_text(nb)
    assert "3 organizations" in text
    assert "Org created" in text and re.search(r"time to live: \{'live': \d", text)  # the watcher's tables
    assert re.search(r"^\d+ spans over 3 organizations$", text, re.M)  # every org's timeline
    assert "51 locations from 3 of 3 organizations" in text
    # The summary table carries the same counts as the screens.
    unbound = 20 + 3 + (8 - len(world.orgs[2].bound))
    assert re.search(r"^locations\s+51$", text, re.M)
    assert re.search(rf"^bound_to_none\s+{unbound}$", text, re.M)
    chart_html = [
        output["data"]["text/html"]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if "vegaEmbed" in output.get("data", {}).get("text/html", "")
    ]
    assert len(chart_html) == 1
    assert '"dsp": "grubhub"' in chart_html[0]
    # The pivot under the chart: Grubhub's statuses plus "not bound" cover all 51 locations.
    pivot = nb.cells[-3].outputs[0]["data"]["text/plain"]
    row = next(line for line in pivot.splitlines() if line.startswith("grubhub"))
    assert sum(int(n) for n in row.split()[1:]) == 51
    assert "not bound" in pivot
