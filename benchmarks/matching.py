"""Benchmark: speed, memory and accuracy on synthetic merchants, Fodor's/Zagat, and two baselines.

Each synthetic size runs in a fresh interpreter (spawn) so its peak RSS is its own. Memory is reported two
ways: peak_rss_mb = resource.getrusage(RUSAGE_SELF).ru_maxrss of that process (whole process: interpreter,
pandas, the generated frames and the run), and traced_peak_mb = tracemalloc's peak of Python/numpy
allocations during one propose_pairs call (a second, separately timed run: tracemalloc slows allocation).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
import rapidfuzz
from rapidfuzz import fuzz, utils

from lib.matching import normalize
from lib.matching.normalize import AddressParts, fold
from lib.matching.propose import propose_pairs
from lib.matching.pub28 import DIRECTIONALS, ORDINALS, STREET_SUFFIXES

DEFAULT_SIZES: tuple[int, ...] = (1_000, 10_000, 50_000)
# The plain loop is quadratic in Python: at 50k it would run for hours, so it is compared at 1k only.
LOOP_SIZE = 1_000
TRACE_MAX = 10_000  # above this size the tracemalloc re-run is skipped (peak_rss_mb still measured)
# Shipped with the repository (BSD-3-Clause, see its README.md): a clone alone runs the bench and the tests.
FODORS_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "fodors_zagats"


def accuracy(pairs: pd.DataFrame, truth_pairs: set[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Precision/recall/F1 of the auto band and of auto+review against the true (pos, dsp) pairs."""
    out: dict[str, dict[str, float]] = {}
    for label, mask in (("auto", pairs["band"] == "auto"), ("auto_review", pairs["band"] != "none")):
        got = {
            (str(a), str(b))
            for a, b in zip(pairs["pos_provider_id"][mask], pairs["dsp_provider_id"][mask], strict=True)
        }
        tp = len(got & truth_pairs)
        p = tp / len(got) if got else 1.0
        r = tp / len(truth_pairs) if truth_pairs else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[label] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "proposed": len(got),
            "wrong": len(got) - tp,
        }
    return out


def per_class(pairs: pd.DataFrame, truth: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per class of POS location (truth's `case`): auto and auto+review precision/recall, wrong pairs.

    A wrong pair is a proposal for a POS location that is not its true store (a decoy, another store,
    or any store for a location absent from the DSP).
    """
    located = truth[truth["pos_provider_id"].notna()]
    want = dict(zip(located["pos_provider_id"].astype(str), located["dsp_provider_id"], strict=True))
    cls = dict(zip(located["pos_provider_id"].astype(str), located["case"], strict=True))
    frame = pd.DataFrame(
        {
            "cls": [cls.get(str(p), "?") for p in pairs["pos_provider_id"]],
            "band": pairs["band"].to_numpy(),
            "ok": [
                isinstance(want.get(str(p)), str) and want.get(str(p)) == d
                for p, d in zip(pairs["pos_provider_id"], pairs["dsp_provider_id"], strict=True)
            ],
            "has_true": [isinstance(want.get(str(p)), str) for p in pairs["pos_provider_id"]],
        }
    )
    out: dict[str, dict[str, float]] = {}
    for name, g in [*sorted(frame.groupby("cls")), ("all", frame)]:
        true_n = int(g["has_true"].sum())
        row: dict[str, float] = {"locations": len(g), "true_pairs": true_n}
        for label, mask in (("auto", g["band"] == "auto"), ("auto_review", g["band"] != "none")):
            got, right = int(mask.sum()), int((mask & g["ok"]).sum())
            row[f"{label}_precision"] = round(right / got, 4) if got else 1.0
            row[f"{label}_recall"] = round(right / true_n, 4) if true_n else 1.0
            row[f"{label}_wrong"] = got - right
        out[str(name)] = row
    return out


def synthetic_truth(truth: pd.DataFrame) -> set[tuple[str, str]]:
    """The true pairs of a synthetic case (POS locations that have a DSP store)."""
    t = truth[truth["pos_provider_id"].notna() & truth["dsp_provider_id"].notna()]
    return {(str(a), str(b)) for a, b in zip(t["pos_provider_id"], t["dsp_provider_id"], strict=True)}


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _maxrss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: kilobytes


def profile_case(profile: str, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(pos, dsp, truth) of a profile: 'existing' (the sandbox's generator), 'hard' or 'loose'."""
    from lib.synthetic.hard import hard_case
    from lib.synthetic.merchants import synthetic_case

    return synthetic_case(n, seed) if profile == "existing" else hard_case(n, seed, profile)


def measure_case(n: int, seed: int, profile: str = "existing") -> dict[str, object]:
    """One merchant of n locations in a profile: wall time, memory and accuracy (run in a fresh process)."""
    pos, dsp, truth = profile_case(profile, n, seed)
    rss_before = _maxrss_mb()
    repeats = 3 if n <= 2_000 else 1
    times: list[float] = []
    cpu: list[float] = []
    result = None
    for _ in range(repeats):
        c0 = time.process_time()
        t, result = _timed(lambda: propose_pairs(pos, dsp))
        cpu.append(time.process_time() - c0)
        times.append(t)
    peak_rss = _maxrss_mb()
    traced_peak: float | None = None
    if n <= TRACE_MAX:  # tracemalloc slows allocation several-fold: at 50k it would dominate the bench
        tracemalloc.start()
        propose_pairs(pos, dsp)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert result is not None
    pairs = result.pairs  # type: ignore[attr-defined]
    classes = per_class(pairs, truth)
    return {
        "profile": profile,
        "n_pos": len(pos),
        "n_dsp": len(dsp),
        "seed": seed,
        "wall_s": round(statistics.median(times), 3),
        "wall_s_runs": [round(t, 3) for t in times],
        "cpu_s": round(statistics.median(cpu), 3),  # this process's user+sys (rapidfuzz threads included)
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "peak_rss_mb": peak_rss,
        "rss_before_run_mb": rss_before,
        "traced_peak_mb": None if traced_peak is None else round(traced_peak / 2**20, 1),
        "bands": {b: int((pairs["band"] == b).sum()) for b in ("auto", "review", "none")},
        **accuracy(pairs, synthetic_truth(truth)),
        "per_class": classes if profile != "existing" else {"all": classes["all"]},
    }


def _in_fresh_process(fn: Callable[..., dict[str, object]], *args: object) -> dict[str, object]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def all_pairs_baseline(pos: pd.DataFrame, dsp: pd.DataFrame, threshold: float = 70.0) -> pd.DataFrame:
    """The plain approach: a Python loop of rapidfuzz calls over every POS x DSP pair, best match per POS."""
    p_names = [utils.default_process(str(v)) for v in pos["name"]]
    d_names = [utils.default_process(str(v)) for v in dsp["name"]]
    p_addr = [
        utils.default_process(f"{a} {c}") for a, c in zip(pos["address_line_1"], pos["locality"], strict=True)
    ]
    d_addr = [
        utils.default_process(f"{a} {c}") for a, c in zip(dsp["address_line_1"], dsp["locality"], strict=True)
    ]
    best_id: list[object] = []
    best_score: list[float] = []
    for pn, pa in zip(p_names, p_addr, strict=True):
        top, top_k = -1.0, -1
        for k, (dn, da) in enumerate(zip(d_names, d_addr, strict=True)):
            s = 0.5 * fuzz.token_set_ratio(pn, dn) + 0.5 * fuzz.token_sort_ratio(pa, da)
            if s > top:
                top, top_k = s, k
        best_score.append(top)
        best_id.append(dsp["provider_id"].iloc[top_k] if top >= threshold else None)
    return pd.DataFrame(
        {
            "pos_provider_id": pos["provider_id"].to_numpy(),
            "dsp_provider_id": best_id,
            "score": best_score,
            "band": ["auto" if b is not None else "none" for b in best_id],
        }
    )


def baseline_comparison(n: int, seed: int, profile: str = "existing") -> dict[str, object]:
    """propose_pairs against the all-pairs loop on the same n x n merchant (time ratio and accuracy)."""
    pos, dsp, truth = profile_case(profile, n, seed)
    engine_s, result = _timed(lambda: propose_pairs(pos, dsp))
    loop_s, loop_pairs = _timed(lambda: all_pairs_baseline(pos, dsp))
    true_pairs = synthetic_truth(truth)
    return {
        "profile": profile,
        "n_pos": len(pos),
        "n_dsp": len(dsp),
        "engine_wall_s": round(engine_s, 3),
        "all_pairs_loop_wall_s": round(loop_s, 3),
        "loop_over_engine": round(loop_s / engine_s, 1),
        "engine_auto_review": accuracy(result.pairs, true_pairs)["auto_review"],  # type: ignore[attr-defined]
        "loop_best_match_at_70": accuracy(loop_pairs, true_pairs)["auto"],  # type: ignore[arg-type]
    }


def load_fodors(directory: Path = FODORS_DIR) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """(pos, dsp, true pairs) of the Fodor's/Zagat benchmark."""
    read = {"dtype": str, "keep_default_na": False}
    pos = pd.read_csv(directory / "pos.csv", **read)
    dsp = pd.read_csv(directory / "dsp.csv", **read)
    truth = pd.read_csv(directory / "truth.csv", **read)
    return pos, dsp, set(zip(truth["pos_provider_id"], truth["dsp_provider_id"], strict=True))


def fodors_result() -> dict[str, object]:
    """Accuracy and time on Fodor's (POS) vs Zagat (DSP)."""
    if not FODORS_DIR.is_dir():
        return {"error": f"{FODORS_DIR} not found"}
    pos, dsp, true_pairs = load_fodors()
    wall, result = _timed(lambda: propose_pairs(pos, dsp))
    return {
        "n_pos": len(pos),
        "n_dsp": len(dsp),
        "wall_s": round(wall, 3),
        **accuracy(result.pairs, true_pairs),  # type: ignore[attr-defined]
    }


def usaddress_parse(line1: object, line2: object = None) -> AddressParts:
    """parse_street built on usaddress's CRF tagger plus the same Pub-28 tables (for the comparison)."""
    import usaddress

    text = " ".join(s for s in (fold(line1), fold(line2)) if s).replace(".", " ")
    try:
        tokens = usaddress.parse(text)
    except Exception:  # usaddress raises on odd input; treat as unparsed
        tokens = []
    parts: dict[str, list[str]] = {}
    for token, label in tokens:
        parts.setdefault(label, []).append(token.strip(",#").lower())
    first = "".join(parts.get("AddressNumber", [""])[:1])
    number = (re.match(r"\d*", first).group(0) if first else "").lstrip("0")  # type: ignore[union-attr]
    name = [ORDINALS.get(t, t) for t in parts.get("StreetNamePreType", []) + parts.get("StreetName", [])]
    name = [normalize._street_word(t) for t in name if t]
    pre = DIRECTIONALS.get(" ".join(parts.get("StreetNamePreDirectional", [])), "")
    post = DIRECTIONALS.get(" ".join(parts.get("StreetNamePostDirectional", [])), "")
    suffix_raw = " ".join(parts.get("StreetNamePostType", []))
    unit = "".join(parts.get("OccupancyIdentifier", [])).replace("-", "").lstrip("0")
    return AddressParts(number, pre, " ".join(name), STREET_SUFFIXES.get(suffix_raw, suffix_raw), post, unit)


def parser_comparison(seed: int) -> dict[str, object]:
    """Own Pub-28 parser vs usaddress: microseconds per address and the accuracy each one gives."""
    try:
        import usaddress  # noqa: F401
    except ImportError:
        return {"usaddress": "not installed"}
    from lib.synthetic.merchants import synthetic_case

    pos, dsp, truth = synthetic_case(1_000, seed)
    h_pos, h_dsp, h_truth = profile_case("hard", 1_000, seed)
    lines = pd.concat([pos, dsp, h_pos, h_dsp])[["address_line_1", "address_line_2"]].to_numpy().tolist()
    fod = load_fodors() if FODORS_DIR.is_dir() else None
    out: dict[str, object] = {"addresses_timed": len(lines)}
    original = normalize.parse_street
    for label, parser in (("own_pub28", original), ("usaddress", usaddress_parse)):
        t0 = time.perf_counter()
        for a, b in lines:
            parser(a, b)
        per = (time.perf_counter() - t0) / len(lines) * 1e6
        normalize.parse_street = parser  # normalize_frame looks the parser up at call time
        try:
            syn = accuracy(propose_pairs(pos, dsp).pairs, synthetic_truth(truth))
            entry: dict[str, object] = {"us_per_address": round(per, 1), "synthetic_1000": syn}
            if fod is not None:
                entry["fodors_zagats"] = accuracy(propose_pairs(fod[0], fod[1]).pairs, fod[2])
            # The new classes (routes, Canada, ranges, number-last, corners...): auto recall and wrong pairs.
            classes = per_class(propose_pairs(h_pos, h_dsp).pairs, h_truth)
            entry["hard_1000"] = {
                c: {k: v[k] for k in ("auto_recall", "auto_wrong", "auto_review_recall")}
                for c, v in classes.items()
            }
        finally:
            normalize.parse_street = original
        out[label] = entry
    return out


def dense_case(n: int, seed: int, postal: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A merchant whose every store shares one city and one ZIP (or a blank ZIP): the colliding block."""
    from lib.synthetic.merchants import synthetic_case

    pos, dsp, _ = synthetic_case(n, seed)
    frames = []
    for frame in (pos, dsp):
        frame = frame.assign(locality="Chicago", administrative_district_level_1="IL", postal_code=postal)
        frames.append(frame.drop(columns=["phone", "latitude", "longitude"]))
    return frames[0], frames[1]


def cli_case(kind: str, n: int, seed: int, timeout_s: float = 120.0) -> dict[str, object]:
    """The whole CLI (`python -m lib.matching propose`, reading and writing CSV) in a child process.

    kind: a profile name, or 'dense_zip' / 'dense_blank_zip' (every row in one city, one or no ZIP).
    Reports wall time, the child's CPU time (user+sys) and peak RSS, the 1-minute load average when it
    started, its exit code and the first line it wrote to stderr.
    Run inside a fresh process so RUSAGE_CHILDREN is this child's alone.
    """
    import subprocess
    import sys
    import tempfile

    if kind.startswith("dense"):
        pos, dsp = dense_case(n, seed, "" if kind == "dense_blank_zip" else "60601")
    else:
        pos, dsp, _ = profile_case(kind, n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f for f in ("pos.csv", "dsp.csv", "out.csv")]
        pos.to_csv(paths[0], index=False)
        dsp.to_csv(paths[1], index=False)
        cmd = [
            sys.executable,
            "-m",
            "lib.matching",
            "propose",
            "--pos",
            str(paths[0]),
            "--dsp",
            str(paths[1]),
        ]
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [*cmd, "--out", str(paths[2])],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                cwd=Path(__file__).resolve().parents[1],
            )
            code, err = proc.returncode, (proc.stderr.strip().splitlines() or [""])[0]
        except subprocess.TimeoutExpired:
            code, err = None, f"killed after {timeout_s:.0f} s"
        wall = time.perf_counter() - t0
        rows = sum(1 for _ in paths[2].open()) - 1 if paths[2].exists() else 0
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "kind": kind,
        "n_pos": len(pos),
        "n_dsp": len(dsp),
        "wall_s": round(wall, 2),
        "cpu_s": round(child.ru_utime + child.ru_stime, 2),
        "peak_rss_mb": round(child.ru_maxrss / 1024, 1),
        "loadavg_1m_at_start": round(load, 2),
        "exit_code": code,
        "stderr": err,
        "rows_written": rows,
    }


def growth_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) over log(n): 1.0 is linear, 2.0 quadratic."""
    pts = [(n, t) for n, t in points if t and t > 0]
    if len(pts) < 2:
        return None
    x = np.log([n for n, _ in pts])
    y = np.log([t for _, t in pts])
    return round(float(np.polyfit(x, y, 1)[0]), 2)


def run_bench(
    sizes: tuple[int, ...] | None = None,
    seed: int = 0,
    with_baseline: bool = True,
    bind_size: int = 2_000,
    with_cli: bool = True,
) -> dict[str, object]:
    """Everything `python -m benchmarks.matching` prints."""
    sizes = sizes or DEFAULT_SIZES
    result: dict[str, object] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "rapidfuzz": rapidfuzz.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            # Wall times scale with whatever else the box runs: record the load they were taken under.
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        },
        "memory": "peak_rss_mb: ru_maxrss of a fresh process per case (whole process); "
        "traced_peak_mb: tracemalloc peak during one propose_pairs call",
        "synthetic": [_in_fresh_process(measure_case, n, seed) for n in sizes],
        "hard": [_in_fresh_process(measure_case, n, seed, "hard") for n in sizes],
        "loose_labels": [_in_fresh_process(measure_case, n, seed, "loose") for n in sizes[:2]],
        f"bind_screen_{bind_size}": _in_fresh_process(measure_case, bind_size, seed),
        "fodors_zagats": fodors_result(),
    }
    if with_cli:
        result["cli"] = cli_runs(sizes, seed)
    if with_baseline:
        result[f"all_pairs_loop_{LOOP_SIZE}"] = baseline_comparison(LOOP_SIZE, seed)
        result[f"all_pairs_loop_hard_{LOOP_SIZE}"] = baseline_comparison(LOOP_SIZE, seed, "hard")
        result["address_parser"] = parser_comparison(seed)
    result["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)  # type: ignore[index]
    return result


def cli_runs(sizes: tuple[int, ...], seed: int) -> dict[str, object]:
    """The whole CLI per profile and size (with the growth exponent), and the dense one-ZIP inputs."""
    cli: dict[str, object] = {}
    for profile in ("existing", "hard"):
        runs = [_in_fresh_process(cli_case, profile, n, seed) for n in sizes]
        # The interpreter's start and imports (about half a second) weigh on the small sizes: the exponent
        # from 10k up says how the work itself grows. CPU time is steadier than wall time on a shared box.
        wall = [(n, float(r["wall_s"])) for n, r in zip(sizes, runs, strict=True)]  # type: ignore[arg-type]
        cpu = [(n, float(r["cpu_s"])) for n, r in zip(sizes, runs, strict=True)]  # type: ignore[arg-type]
        cli[profile] = {
            "runs": runs,
            "growth_exponent": growth_exponent(wall),
            "growth_exponent_cpu": growth_exponent(cpu),
            "growth_exponent_cpu_from_10k": growth_exponent([(n, c) for n, c in cpu if n >= 10_000]),
        }
    dense_n = min(10_000, max(sizes))  # the collision case: 10k x 10k rows in one ZIP
    cli[f"dense_one_zip_{dense_n}"] = _in_fresh_process(cli_case, "dense_zip", dense_n, seed)
    cli[f"dense_blank_zip_{dense_n}"] = _in_fresh_process(cli_case, "dense_blank_zip", dense_n, seed)
    return cli


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.matching [--sizes 1000,10000] [--seed 0] [--no-baseline] [--no-cli]`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching", description=__doc__)
    parser.add_argument("--sizes", help="comma-separated merchant sizes (default 1000,10000,50000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the all-pairs loop and parser comparisons"
    )
    parser.add_argument(
        "--no-cli", action="store_true", help="skip the whole-CLI timings and the dense one-ZIP runs"
    )
    parser.add_argument(
        "--bind-size", type=int, default=2_000, help="locations in the bind_screen case (2000)"
    )
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    result = run_bench(
        sizes=sizes,
        seed=args.seed,
        with_baseline=not args.no_baseline,
        bind_size=args.bind_size,
        with_cli=not args.no_cli,
    )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
