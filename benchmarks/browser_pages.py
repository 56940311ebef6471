"""Benchmark: the console's screens in headless Chromium at merchant scale, against an empty page's time.

    python -m benchmarks.browser_pages [--merchant burger-barn] [--bound 2500] [--repeats 3] [--edits 3]

Starts a private sandbox in its own process and seeds one org through the API client (5,000 ingested locations
of burger-barn, Grubhub connected, --bound of them bound), records it as the console would, and starts the
console (`streamlit run app.py`) pointed at that sandbox, plus a second Streamlit server showing an empty
page: the floor no screen can beat. Beside the empty page, reference pages add one table to it: Streamlit's
grid, its editor with a tick column, an HTML table (REFERENCE_PAGES): what Streamlit's own widgets cost here,
whatever a screen does with them (--no-references skips them). Each page is opened in a new browser context (a
new Streamlit session) and timed from navigation until its table is drawn and the app is idle: the first open
(cold caches), one warm-up, then the median of --repeats. Last, a tick on the 5,000-row bind table is timed
until the page shows it (the review button's count changes and the app is idle), on --edits rows in turn.
Prints JSON with the load average: 2 noisy cores are shared, so compare `over_floor_s` (page minus floor)
within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from benchmarks.chromium import APP_IDLE_JS, launch, local_context
from benchmarks.seed import seed_org, true_pairs
from lib.servers import ServerProcess, sandbox_server, streamlit_server
from lib.store import Records
from lib.stream.client import StreamClient
from lib.stream.models import BindPair
from lib.ui.bind_view import COLUMN_WIDTHS, INDEX_WIDTH, ROW_HEIGHT

TIMEOUT_MS = 120_000  # a cold Bind at 5,000 on a loaded machine can take a while; this is not a timed test
GRID = "[data-testid=stDataFrame] [data-testid=data-grid-canvas]"
# A table drawn: a grid's canvas, or a table drawn as HTML (lib/ui/html_table.py)
TABLE = f"{GRID}, [data-testid=stMain] .console-table table"
# path, and whether the page's readiness includes a drawn table
PAGES: dict[str, tuple[str, bool]] = {
    "Home": ("/", False),
    "Connect": ("/Connect", False),
    "Integrations": ("/Integrations", False),
    "Portfolio": ("/Portfolio", True),
    "Locations": ("/Locations", True),
    "Org status": ("/Org_status", True),
    "Bind": ("/Bind", True),
}
EMPTY_PAGE = 'import streamlit as st\n\nst.title("Empty page")\n'
# What Streamlit's own widgets cost in this browser, whatever a screen does: the empty page plus one table of
# REFERENCE_ROWS rows and 8 text columns, served beside it (pages/<stem>.py, so at /<stem>). A screen's budget
# over the floor is only reachable if these fit in it.
REFERENCE_ROWS = 100
_REFERENCE_TABLE = (
    "import pandas as pd\n"
    f"rows = range({REFERENCE_ROWS})\n"
    "frame = pd.DataFrame({f'column {c}': [f'value {r}.{c}' for r in rows] for c in range(8)})\n"
)
REFERENCE_PAGES: dict[str, tuple[str, str]] = {
    "Streamlit grid": ("grid", "st.dataframe(frame, hide_index=True)\n"),
    "Streamlit editor with a tick column": (
        "editor",
        "st.data_editor(frame.assign(tick=False), hide_index=True, disabled=list(frame.columns))\n",
    ),
    "HTML table": (
        "html",
        "st.html('<div class=\"console-table\">' + frame.to_html(index=False) + '</div>')\n",
    ),
}
REVIEW_BUTTON = ".st-key-bind_review button"


def ready_js(with_table: bool) -> str:
    """A JS expression true once the app is idle with its heading (and its table, when it has one) drawn."""
    drawn = f" && !!document.querySelector('{TABLE}')" if with_table else ""
    return f"() => ({APP_IDLE_JS}) && !!document.querySelector('[data-testid=stMain] h1'){drawn}"


def rounded(value: float) -> float:
    """Seconds to the millisecond."""
    return round(value, 3)


@dataclass
class Opened:
    """One timed open: seconds until ready, bytes the server sent over the websocket, when its last came."""

    page: Page
    seconds: float = 0.0
    ws_bytes: int = 0
    last_message_s: float = 0.0


def open_timed(browser: Browser, url: str, with_table: bool) -> Opened:
    """Time navigation in a new browser context until the page is ready; the page stays open."""
    opened = Opened(local_context(browser).new_page())
    start = time.perf_counter()

    def received(payload: str | bytes) -> None:
        opened.ws_bytes += len(payload)
        opened.last_message_s = time.perf_counter() - start

    opened.page.on("websocket", lambda ws: ws.on("framereceived", received))
    opened.page.goto(url, wait_until="commit")
    opened.page.wait_for_function(ready_js(with_table), polling="raf", timeout=TIMEOUT_MS)
    opened.page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")  # painted
    opened.seconds = time.perf_counter() - start
    return opened


def close(page: Page) -> None:
    """Close a page's browser context (its Streamlit session ends with it)."""
    page.context.close()


def measure_page(browser: Browser, url: str, with_table: bool, repeats: int) -> dict[str, Any]:
    """First open, one warm-up, then the median of `repeats` opens, each in a new context.

    Besides the time: the websocket bytes the server sent, and the time from its last message until ready
    (the browser's share: decoding and drawing), both as medians of the repeats.
    """
    runs: list[Opened] = []
    for i in range(repeats + 2):
        opened = open_timed(browser, url, with_table)
        errors = opened.page.get_by_test_id("stException")
        if errors.count():
            raise RuntimeError(f"{url} raised: {errors.first.inner_text()}")
        close(opened.page)
        if i != 1:  # run 1 is the warm-up
            runs.append(opened)
    first, rest = runs[0], runs[1:]
    return {
        "first_s": rounded(first.seconds),
        "median_s": rounded(statistics.median(r.seconds for r in rest)),
        "runs": [rounded(r.seconds) for r in rest],
        "ws_kb": round(statistics.median(r.ws_bytes for r in rest) / 1024, 1),
        "after_last_message_s": rounded(statistics.median(r.seconds - r.last_message_s for r in rest)),
    }


def bind_cell(page: Page, row: int, column: str) -> tuple[float, float]:
    """Page coordinates of the middle of a body cell of the bind editor (its widths are fixed)."""
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    x = box["x"] + INDEX_WIDTH
    for name, width in COLUMN_WIDTHS.items():
        if name == column:
            x += width / 2
            break
        x += width
    return x, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2


def measure_bind_edit(browser: Browser, url: str, edits: int) -> dict[str, Any]:
    """Seconds from a click on a row's tick until the page shows it (the review count changes), and the
    websocket bytes each edit's rerun sent. Each edit unticks the next row (a person working down the list):
    toggling one row back and forth would let Streamlit resend grids the browser still has cached."""
    opened = open_timed(browser, url, with_table=True)
    page = opened.page
    runs: list[float] = []
    sent: list[int] = []
    for row in range(edits):
        before = page.locator(REVIEW_BUTTON).inner_text()
        x, y = bind_cell(page, row, "bind")
        bytes_before = opened.ws_bytes
        start = time.perf_counter()
        page.mouse.click(x, y)
        page.wait_for_function(
            f"(before) => ({APP_IDLE_JS}) && document.querySelector('{REVIEW_BUTTON}')?.innerText !== before",
            arg=before,
            polling="raf",
            timeout=TIMEOUT_MS,
        )
        runs.append(time.perf_counter() - start)
        sent.append(opened.ws_bytes - bytes_before)
    close(page)
    return {
        "median_s": rounded(statistics.median(runs)),
        "runs": [rounded(r) for r in runs],
        "ws_kb": [round(b / 1024, 1) for b in sent],
    }


def seed(folder: Path, sandbox: ServerProcess, merchant: str, bound: int) -> dict[str, Any]:
    """One org on `merchant`, every location ingested, Grubhub connected, the last `bound` locations bound.

    The last ones, so the bind table's first rows are proposals a tick changes (a bound row cannot be ticked).
    """
    from lib.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

    with (
        StreamClient(sandbox.base_url, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET) as client,
        Records(f"sqlite:///{folder / 'console.db'}") as records,
    ):
        seeded = seed_org(client, merchant, name="Merchant-scale bench", bind=0, records=records)
        assert seeded.dsp_onboarding_id and seeded.dsp_source
        stores = {s.provider_id: s.name for s in client.list_locations(seeded.dsp_onboarding_id)}
        pairs = [(p, d) for p, d in true_pairs(merchant, seeded.dsp_source) if d in stores][-bound:]
        if pairs and bound:
            client.bind_locations(
                seeded.dsp_onboarding_id,
                [BindPair(pos_location_id=p, dsp_provider_id=d, dsp_store_name=stores[d]) for p, d in pairs],
            )
    return {
        "org_id": seeded.org_id,
        "locations": len(seeded.ingested),
        "dsp_stores": len(stores),
        "bound": len(pairs) if bound else 0,
    }


# The floor has no page menu: the reference pages beside it must not add one.
NO_PAGE_MENU = ("--client.showSidebarNavigation", "false")


def write_empty_app(folder: Path) -> Path:
    """The empty page (folder/empty.py) and, beside it, the reference pages; returns the empty page's path."""
    (folder / "pages").mkdir(exist_ok=True)
    for stem, body in REFERENCE_PAGES.values():
        (folder / "pages" / f"{stem}.py").write_text(EMPTY_PAGE + _REFERENCE_TABLE + body)
    empty = folder / "empty.py"
    empty.write_text(EMPTY_PAGE)
    return empty


def console_env(folder: Path, sandbox: ServerProcess) -> dict[str, str]:
    """The console's environment: the private sandbox as its API, records in the temporary folder."""
    from lib.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "STREAMLIT_", "CONSOLE_"))}
    return env | {
        "STREAM_API_URL": sandbox.base_url,
        "STREAM_CLIENT_ID": SANDBOX_CLIENT_ID,
        "STREAM_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "DATABASE_URL": f"sqlite:///{folder / 'console.db'}",
        "CONSOLE_DATA_DIR": str(folder / "console-data"),
        "PYTHONUNBUFFERED": "1",
    }


def run(args: argparse.Namespace, report: Callable[[str], None]) -> dict[str, Any]:
    """Seed, start both servers and Chromium, measure; the JSON-ready result."""
    with tempfile.TemporaryDirectory(prefix="browser-bench-") as tmp:
        folder = Path(tmp)
        empty_page = write_empty_app(folder)
        with sandbox_server(folder / "sandbox", folder / "sandbox.log") as sandbox:
            report(f"seeding {args.merchant} on {sandbox.base_url}…")
            scale = seed(folder, sandbox, args.merchant, args.bound)
            env = console_env(folder, sandbox)
            # Every page works on the org in its address (`?org=`), as the console's own links carry it.
            org = f"?org={scale['org_id']}"
            with (
                streamlit_server("app.py", env, folder / "console.log") as console,
                streamlit_server(empty_page, env, folder / "empty.log", extra_args=NO_PAGE_MENU) as empty,
                sync_playwright() as p,
            ):
                browser = launch(p)
                load_before = os.getloadavg()[0]
                # The process's one-off imports and token grant are no screen's cost.
                close(open_timed(browser, console.base_url + "/" + org, with_table=False).page)
                close(open_timed(browser, empty.base_url + "/", with_table=False).page)
                report("empty page…")
                floor = measure_page(browser, empty.base_url + "/", False, args.repeats)
                references: dict[str, Any] = {}
                for name, (stem, _) in REFERENCE_PAGES.items() if args.references else ():
                    report(f"reference: {name}…")
                    timing = measure_page(browser, f"{empty.base_url}/{stem}", True, args.repeats)
                    timing["over_floor_s"] = rounded(timing["median_s"] - floor["median_s"])
                    references[name] = timing
                pages: dict[str, Any] = {}
                for name in args.pages:
                    path, with_table = PAGES[name]
                    report(f"{name}…")
                    timing = measure_page(browser, console.base_url + path + org, with_table, args.repeats)
                    timing["over_floor_s"] = rounded(timing["median_s"] - floor["median_s"])
                    timing["first_over_floor_s"] = rounded(timing["first_s"] - floor["median_s"])
                    pages[name] = timing
                report("bind edits…")
                edit = measure_bind_edit(browser, console.base_url + "/Bind" + org, args.edits)
                load_after = os.getloadavg()[0]
                browser.close()
    return {
        "load_average": {"before": round(load_before, 2), "after": round(load_after, 2)},
        "cpus": os.cpu_count(),
        "merchant": args.merchant,
        **scale,
        "empty_page": floor,
        "reference_pages": references,
        "pages": pages,
        "bind_edit": edit,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print JSON (progress goes to stderr)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser_pages", description=__doc__)
    parser.add_argument("--merchant", default="burger-barn", help="sandbox merchant (burger-barn: 5,000)")
    parser.add_argument("--bound", type=int, default=2500, help="locations bound before the screens open")
    parser.add_argument("--repeats", type=int, default=3, help="opens per page after the warm-up")
    parser.add_argument("--edits", type=int, default=3, help="ticks timed on the bind table")
    parser.add_argument(
        "--no-references",
        dest="references",
        action="store_false",
        help="skip the reference pages (the empty page plus one Streamlit grid, editor or HTML table)",
    )
    parser.add_argument("--pages", nargs="*", choices=list(PAGES), default=list(PAGES), help="pages to open")
    args = parser.parse_args(argv)
    result = run(args, lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
