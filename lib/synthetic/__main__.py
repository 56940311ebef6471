"""CLI: `python -m lib.synthetic list` | `python -m lib.synthetic show CODE [--dsp doordash] [--rows N]`."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from lib.synthetic.merchants import CATALOG, DSPS, dsp_stores, pos_locations


def main(argv: list[str] | None = None) -> int:
    """Print the catalog, or a few POS rows of a merchant (or its store list on one marketplace)."""
    parser = argparse.ArgumentParser(prog="python -m lib.synthetic", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the sandbox's merchants and their codes")
    show = sub.add_parser("show", help="a few rows of one merchant")
    show.add_argument("code", help="merchant code, see `list`")
    show.add_argument("--dsp", choices=DSPS, help="show this marketplace's store list instead of the POS")
    show.add_argument("--rows", type=int, default=10)
    args = parser.parse_args(argv)

    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.max_colwidth", 45)
    if args.command == "list":
        for spec in CATALOG.values():
            print(f"{spec.code:20} {spec.n_locations:6d}  {spec.brand}")
        return 0
    found = CATALOG.get(args.code)
    if found is None:
        print(f"unknown merchant code {args.code!r}; known: {', '.join(CATALOG)}", file=sys.stderr)
        return 2
    spec = found
    if args.dsp is None:
        print(pos_locations(spec).head(args.rows).to_string(index=False))
        return 0
    stores, truth = dsp_stores(spec, args.dsp)
    shown = (
        stores.head(args.rows)
        .merge(
            truth[["dsp_provider_id", "pos_provider_id", "case"]],
            left_on="provider_id",
            right_on="dsp_provider_id",
            how="left",
        )
        .drop(columns=["dsp_provider_id"])
    )
    print(shown.to_string(index=False))
    print()
    print(truth["case"].value_counts().to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
