"""python -m lib.watch run [--every 15m]: watch every recorded org; one summary line per pass."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from lib.watch.run import EXIT_FAILED, EXIT_OK
from lib.watch.settings import parse_every, watch_settings

EPILOG = (
    "Exit status: 0 every org read and every alert delivered; 1 the pass could not run (records or API "
    "unusable, bad settings); 2 bad arguments; 3 some orgs unreadable or some alerts not delivered."
)


def build_parser() -> argparse.ArgumentParser:
    """The CLI's argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m lib.watch",
        description="Read every org in the console's records, store what changed, send alerts.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one pass (or one every --every)", epilog=EPILOG)
    run.add_argument("--every", metavar="DURATION", help="loop: a pass every DURATION (90s, 15m, 1h)")
    run.add_argument("--max-in-flight", type=int, metavar="N", help="at most N requests at once (default 8)")
    return parser


def run(
    argv: Sequence[str] | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> int:
    """Parse the arguments, run the pass(es), return the exit status of the last pass."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        every = parse_every(args.every) if args.every else None
    except ValueError as exc:
        parser.error(str(exc))
    if args.max_in_flight is not None and args.max_in_flight < 1:
        parser.error("--max-in-flight must be at least 1")

    from lib.connect import open_client, resolve_target
    from lib.settings import SettingsError, load_settings, read_secrets_file
    from lib.store import Records, records_unavailable
    from lib.stream.errors import error_sentence

    try:
        console = load_settings()
        settings = watch_settings(read_secrets_file(), console.console_public_url)
    except (SettingsError, ValueError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    if args.max_in_flight:
        settings = replace(settings, max_in_flight=args.max_in_flight)
    try:
        records = Records(console.records_url)
    except Exception as exc:  # a broken DATABASE_URL reads as a sentence, not a traceback
        print(f"error: {records_unavailable(console.records_url, exc)}", file=err)
        return EXIT_FAILED
    try:
        target = resolve_target(console)
    except Exception as exc:  # so does an API setting that cannot be used (or a sandbox that cannot start)
        records.close()
        reason = str(exc) if isinstance(exc, ValueError) else error_sentence(exc)  # ValueError: the setting
        print(f"error: the watcher could not start: {reason}", file=err)
        return EXIT_FAILED
    stop = stop or threading.Event()
    code = EXIT_OK
    with records, open_client(target, console) as client:
        while True:
            started = time.monotonic()
            code = _one_pass(records, client, settings, out, err)
            if every is None or stop.wait(max(0.0, every.total_seconds() - (time.monotonic() - started))):
                return code


def _one_pass(records: object, client: object, settings: object, out: TextIO, err: TextIO) -> int:
    from lib.stream.errors import error_sentence
    from lib.watch.run import run_pass

    try:
        result = run_pass(records, client, settings)  # type: ignore[arg-type]
    except Exception as exc:
        print(f"error: the pass did not finish: {error_sentence(exc)}", file=err)
        return EXIT_FAILED
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {result.summary_line()}", file=out, flush=True)
    for org_id, error in result.failures:
        print(f"  unreadable: {org_id}: {error}", file=err)
    return result.exit_code


def main() -> None:
    """Entry point of ``python -m lib.watch``."""
    try:
        sys.exit(run())
    except KeyboardInterrupt:
        sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
