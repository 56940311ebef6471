"""Command line export of location status tables: the same tables as the Org status and Portfolio screens.

    python -m lib.export --org ORG_ID --format csv --out status.csv
    python -m lib.export --all --format parquet --out portfolio.parquet

The API is chosen as the console chooses it (STREAM_API_URL etc. from the environment or
.streamlit/secrets.toml, else the embedded sandbox); --all takes the orgs from the console's records.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from lib.export.tables import (
    OrgRef,
    Portfolio,
    connected_dsps,
    connected_dsps_by_org,
    fetch_org_table,
    portfolio_table,
)
from lib.export.writers import FORMATS, check_format, write_table
from lib.numbers import count
from lib.onboarding.forms import validate_org_id
from lib.redaction import mask_url
from lib.stream.errors import error_sentence
from lib.watch.analytics import HISTORY_TABLES

EXIT_OK = 0
EXIT_FAILED = 1  # nothing written: the API or the records could not be used
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_PARTIAL = 3  # file written, but some orgs could not be fetched (listed on stderr and in Excel)

EPILOG = (
    "Exit status: 0 written; 1 nothing written (API unreachable, unknown org, no orgs recorded); "
    "2 bad arguments; 3 written, but some orgs failed (each listed with its error)."
)


def build_parser() -> argparse.ArgumentParser:
    """The CLI's argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m lib.export",
        description="Export location status (one row per location, one column per DSP) for one org or every "
        "org in the console's records.",
        epilog=EPILOG,
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--org", metavar="ORG_ID", help="export this organization's locations")
    which.add_argument(
        "--all", action="store_true", help="export every organization in the console's records"
    )
    which.add_argument(
        "--table",
        choices=list(HISTORY_TABLES),
        help="export one of the watcher's history tables from the records (no API call): "
        + "; ".join(f"{name}: {what}" for name, what in HISTORY_TABLES.items()),
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        type=str.lower,
        help="file format (default: taken from the --out file's extension)",
    )
    parser.add_argument("--out", metavar="FILE", required=True, type=Path, help="file to write")
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=8,
        metavar="N",
        help="with --all: at most N requests at once (default 8)",
    )
    return parser


def _fail(message: str, err: TextIO) -> int:
    print(f"error: {message}", file=err)
    return EXIT_FAILED


def run(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Parse the arguments, export, and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.org is not None and (problem := validate_org_id(args.org)):
        parser.error(f"--org {args.org!r}: {problem}")
    if args.max_in_flight < 1:
        parser.error("--max-in-flight must be at least 1")
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    try:
        fmt = check_format(fmt) if fmt else ""
    except ValueError:
        fmt = ""
    if not fmt:
        parser.error(
            f"give --format ({'|'.join(FORMATS)}): it cannot be taken from the file name {args.out.name!r}"
        )
    if args.out.is_dir():
        parser.error(f"--out {args.out} is a folder: give a file name")

    from lib.settings import SettingsError, load_settings
    from lib.store import Records, records_unavailable

    try:
        settings = load_settings()  # the console's own rules: DATABASE_URL, else data/console.db; STREAM_*
    except SettingsError as exc:
        return _fail(str(exc), err)
    url = settings.records_url
    try:
        records = Records(url)
        orgs = records.list_orgs()
    except Exception as exc:  # a broken DATABASE_URL must read as a sentence, not a traceback
        return _fail(records_unavailable(url, exc), err)
    try:
        if args.table:
            return _export_history(args.table, args.out, fmt, records, orgs, out)
        if args.all and not orgs:
            return _fail(
                f"the console's records ({mask_url(str(url))}) hold no organizations yet. Create or add one "
                "in the console (Organizations page), or export a single org with --org ORG_ID.",
                err,
            )
        return _with_client(args, fmt, settings, records, orgs, out, err)
    finally:
        records.close()


def _with_client(
    args: argparse.Namespace,
    fmt: str,
    settings: Any,
    records: Any,
    orgs: list[Any],
    out: TextIO,
    err: TextIO,
) -> int:
    from lib.connect import open_client, resolve_target

    try:
        target = resolve_target(settings)
    except ValueError as exc:
        return _fail(str(exc), err)
    client = open_client(target, settings)
    try:
        try:
            client.check_connection()  # one token request: an unreachable API fails here, clearly, once
        except Exception as exc:
            return _fail(error_sentence(exc), err)
        if args.org:
            return _export_org(args.org.strip(), args.out, fmt, client, records, out, err)
        return _export_all(args, fmt, client, records, orgs, out, err)
    finally:
        client.close()


def _export_org(
    org_id: str, path: Path, fmt: str, client: Any, records: Any, out: TextIO, err: TextIO
) -> int:
    try:
        org = records.get_org(org_id)
        dsps = connected_dsps(records.list_onboardings(org_id))
        result = fetch_org_table(client, org_id, dsps, org.name if org else None)
    except Exception as exc:
        return _fail(f"organization {org_id}: {error_sentence(exc)}", err)
    written = _write(result.table, path, fmt, None, err)
    if written is None:
        return EXIT_FAILED
    print(
        f"Wrote {count(len(result.table), 'location')} of {org_id} to {written} "
        f"(as of {result.fetched_at:%Y-%m-%d %H:%M:%S} UTC).",
        file=out,
    )
    return EXIT_OK


def _export_all(
    args: argparse.Namespace,
    fmt: str,
    client: Any,
    records: Any,
    orgs: list[Any],
    out: TextIO,
    err: TextIO,
) -> int:
    connected = connected_dsps_by_org(records.list_onboardings())
    refs = [OrgRef(o.org_id, o.name, tuple(connected.get(o.org_id, ()))) for o in orgs]
    portfolio: Portfolio = portfolio_table(client, refs, max_in_flight=args.max_in_flight)
    failed = len(portfolio.failures)
    if failed and failed == portfolio.org_count:
        for failure in portfolio.failures:
            print(f"  {failure.org_id}: {failure.error}", file=err)
        return _fail(f"none of the {failed} organizations could be fetched; nothing written.", err)
    written = _write(portfolio.table, args.out, fmt, portfolio.failures_frame(), err)
    if written is None:
        return EXIT_FAILED
    print(
        f"Wrote {count(len(portfolio.table), 'location')} of"
        f" {count(portfolio.org_count - failed, 'organization')} to "
        f"{written} (as of {portfolio.fetched_at:%Y-%m-%d %H:%M:%S} UTC).",
        file=out,
    )
    if failed:
        print(f"warning: {failed} organizations could not be fetched and are not in the file:", file=err)
        for failure in portfolio.failures:
            print(f"  {failure.org_id} ({failure.org_name or 'no name'}): {failure.error}", file=err)
        return EXIT_PARTIAL
    return EXIT_OK


def _export_history(name: str, path: Path, fmt: str, records: Any, orgs: list[Any], out: TextIO) -> int:
    from lib.store.watch import WatchRecords
    from lib.watch.analytics import history_table

    table = history_table(name, WatchRecords(records), orgs)
    written = write_table(table, path, fmt)
    print(f"Wrote {count(len(table), 'row')} of {name} to {written}.", file=out)
    return EXIT_OK


def _write(table: Any, path: Path, fmt: str, failures: Any, err: TextIO) -> Path | None:
    """Write the file; None (the reason on stderr) when the disk or the folder refuses it."""
    try:
        return write_table(table, path, fmt, failures)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        _fail(
            f"could not write {path} ({reason}). Check that the folder exists and is writable and that the"
            " disk has room.",
            err,
        )
        return None


def main() -> None:
    """Entry point of ``python -m lib.export``."""
    sys.exit(run())


if __name__ == "__main__":
    main()
