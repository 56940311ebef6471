"""Command line: `propose` pairs from two CSV files; `bench` runs `python -m benchmarks.matching`."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from lib.matching.normalize import REQUIRED_COLUMNS
from lib.matching.propose import MatchInputError, propose_pairs

OUTPUT_COLUMNS: tuple[str, ...] = ("pos_provider_id", "dsp_provider_id", "score", "band", "reason")


def read_locations(path: str, side: str) -> pd.DataFrame:
    """Read a location CSV as strings; raise MatchInputError with a one-line reason when it is unusable."""
    p = Path(path)
    label = f"{side} file {path}"
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise MatchInputError(f"{label} not found") from None
    except OSError as e:
        raise MatchInputError(f"{label} cannot be read: {e.strerror or e}") from None
    if not raw.strip():
        raise MatchInputError(f"{label} is empty")
    if b"\x00" in raw[:4096]:
        raise MatchInputError(f"{label} is not a CSV file (binary content)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # spreadsheets still export Windows-1252
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise MatchInputError(f"{label} is empty") from None
    except (pd.errors.ParserError, ValueError) as e:
        detail = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise MatchInputError(f"{label} is not a valid CSV: {detail}") from None
    df.columns = [str(c).strip() for c in df.columns]
    present = [c for c in REQUIRED_COLUMNS if c in df.columns]
    if not present:
        raise MatchInputError(
            f"{label} is not a location CSV: expected a header with {','.join(REQUIRED_COLUMNS)}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise MatchInputError(f"{label} is missing required column(s): {', '.join(missing)}")
    return df


def proposals_csv(pos: pd.DataFrame, dsp: pd.DataFrame) -> pd.DataFrame:
    """The CLI's output table: one row per POS location, blank dsp_provider_id when there is no proposal."""
    pairs = propose_pairs(pos, dsp, alternatives=False).pairs
    out = pairs[list(OUTPUT_COLUMNS)].reset_index(drop=True).copy()
    out["dsp_provider_id"] = out["dsp_provider_id"].where(out["dsp_provider_id"].notna(), "")
    out["score"] = out["score"].map(lambda v: f"{v:.1f}")
    return out


def _propose(args: argparse.Namespace) -> int:
    pos = read_locations(args.pos, "POS")
    dsp = read_locations(args.dsp, "DSP")
    out = proposals_csv(pos, dsp)
    if args.out:
        try:
            out.to_csv(args.out, index=False, lineterminator="\n")
        except OSError as e:
            raise MatchInputError(f"cannot write {args.out}: {e.strerror or e}") from None
    else:
        out.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _bench(args: argparse.Namespace) -> int:
    # The benchmark lives outside lib/ (it imports the generator and the seeding helper): run it as its
    # own module rather than import it, so `python -m lib.matching bench` keeps working.
    repo = Path(__file__).resolve().parents[2]
    return subprocess.call([sys.executable, "-m", "benchmarks.matching", *args.bench_args], cwd=repo)


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for `python -m lib.matching`."""
    parser = argparse.ArgumentParser(prog="python -m lib.matching", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("propose", help="propose POS-to-DSP pairs from two location CSV files")
    p.add_argument("--pos", required=True, help="POS locations CSV")
    p.add_argument("--dsp", required=True, help="DSP stores CSV")
    p.add_argument("--out", help="write the proposals CSV here instead of stdout")
    p.set_defaults(func=_propose)
    b = sub.add_parser(
        "bench", help="the matching benchmark (prints JSON); same options as python -m benchmarks.matching"
    )
    b.add_argument("bench_args", nargs=argparse.REMAINDER, help="--sizes, --seed, --no-baseline, --no-cli...")
    b.set_defaults(func=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (2 with one stderr line for unusable input)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # argparse would claim the benchmark's own options (--sizes...)
        return _bench(argparse.Namespace(bench_args=argv[1:]))
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MatchInputError as e:
        print(f"error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: not enough memory to match these files: split them by city or ZIP", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error of ours; keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
