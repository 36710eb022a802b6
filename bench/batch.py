"""`ivigstats batch` on 1,000,000 binary rows, CSV in -> CSV out, against R metafor.

Goal (issue 3), on the project's 2-core machine: <= 2.5 s wall for 1M rows with the default
methods, >= 30x faster than metafor's escalc(measure="RR") + summary() + write.csv on the same
file in the same run, peak memory <= 400 MB, and 10M rows at the same peak memory.

Every figure is a fresh child process: wall time from start to exit (start-up included) and
peak resident memory from getrusage(RUSAGE_CHILDREN) of a wrapper that runs only that child.

    python bench/batch.py                     # 1M rows; metafor too when Rscript is present
    python bench/batch.py --rows 10000000     # the 10M-row memory check (minutes)
    python bench/batch.py --phases            # also: where the time goes, in-process
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = "default"
R_SCRIPT = """
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
e <- escalc(measure = "RR", ai = events1, n1i = n1, ci = events2, n2i = n2, data = d)
s <- summary(e)
write.csv(s, args[2], row.names = FALSE)
"""
WRAPPER = """
import json, os, resource, subprocess, sys, time

def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out

def pss_mb(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += sum(int(l.split()[1]) for l in fh if l.startswith("Pss:"))
        except OSError:
            pass
    return total / 1024

t = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
total = 0.0
while child.poll() is None:
    total = max(total, pss_mb(child.pid))
    time.sleep(0.05)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"wall": wall, "peak_mb": peak, "total_mb": total, "code": child.returncode}))
"""


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Binary rows like a meta-analysis spreadsheet: n 5 to 2000, some zero cells."""
    import numpy as np
    rng = np.random.default_rng(seed)
    with path.open("w") as fh:
        fh.write("events1,n1,events2,n2\n")
        for start in range(0, rows, 1_000_000):
            m = min(1_000_000, rows - start)
            n1, n2 = rng.integers(5, 2000, m), rng.integers(5, 2000, m)
            p = rng.beta(0.7, 3.0, m)
            e1 = rng.binomial(n1, p)
            e2 = rng.binomial(n2, np.clip(p * rng.lognormal(0, 0.4, m), 0, 1))
            table = np.stack([e1, n1, e2, n2], axis=1).astype(str)
            fh.write("\n".join(",".join(r) for r in table.tolist()) + "\n")


def measure(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], capture_output=True,
                         text=True, check=True)
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"failed ({result['code']}): {' '.join(cmd)}")
    return result


def phases(path: Path, methods: str) -> dict:
    """Seconds spent reading/validating, computing and formatting, in this process."""
    import io

    from ivigstats import batch
    from ivigstats import methods as registry
    reader = batch.Reader(str(path))
    chosen = registry.select(reader.kind, methods)
    spent = {"read": 0.0, "compute": 0.0, "format": 0.0}
    per_method: dict[str, float] = {}
    sink = io.StringIO()
    writer = batch.Writer("csv", sink)
    it = iter(reader)
    while True:
        t = time.perf_counter()
        chunk = next(it, None)
        spent["read"] += time.perf_counter() - t
        if chunk is None:
            break
        blocks = []
        for m in chosen:
            t = time.perf_counter()
            blocks += batch.compute(reader.kind, chunk, [m], 0.95)
            per_method[m.key] = per_method.get(m.key, 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        writer.write(blocks)
        sink.seek(0)
        sink.truncate()
        spent["format"] += time.perf_counter() - t
    reader.close()
    spent["compute"] = sum(per_method.values())
    return {**spent, "per_method": per_method}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--methods", default=DEFAULT)
    parser.add_argument("--jobs", default="1", help="ivigstats batch --jobs (0: one per CPU)")
    parser.add_argument("--no-r", action="store_true", help="skip metafor")
    parser.add_argument("--phases", action="store_true", help="time read/compute/format")
    parser.add_argument("--dir", help="keep the files here (default: a temporary directory)")
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="ivigstats-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src, out, rout = work / "in.csv", work / "out.csv", work / "metafor.csv"
    try:
        t = time.perf_counter()
        make_csv(src, args.rows)
        print(f"input: {args.rows:,} binary rows, {src.stat().st_size / 1e6:.1f} MB "
              f"(made in {time.perf_counter() - t:.1f} s)")
        ours = measure([sys.executable, "-m", "ivigstats", "batch", str(src), "--methods",
                        args.methods, "--jobs", args.jobs, "-f", "csv", "-o", str(out)])
        with out.open() as fh:
            lines = sum(1 for _ in fh) - 1
        per_m = ours["wall"] / args.rows * 1e6
        print(f"ivigstats batch (--methods {args.methods}): {ours['wall']:.2f} s wall, "
              f"peak {ours['peak_mb']:.0f} MB in one process, {ours['total_mb']:.0f} MB summed "
              f"over the process and its workers (PSS, sampled), {lines:,} rows out "
              f"({out.stat().st_size / 1e6:.0f} MB), {per_m:.2f} s per million input rows")
        scale = args.rows / 1_000_000
        print(f"  goal <= {2.5 * scale:.1f} s wall: "
              f"{'met' if ours['wall'] <= 2.5 * scale else 'MISSED by %.1fx' % (ours['wall'] / (2.5 * scale))}; "
              f"goal <= 400 MB: {'met' if max(ours['peak_mb'], ours['total_mb']) <= 400 else 'MISSED'}")
        if args.methods == DEFAULT:  # the same work as metafor's: one measure, one method
            same = measure([sys.executable, "-m", "ivigstats", "batch", str(src), "--methods",
                            "risk_ratio/katz_log", "--jobs", args.jobs, "-f", "csv", "-o",
                            str(out)])
            print(f"ivigstats batch --methods risk_ratio/katz_log (metafor's RR): "
                  f"{same['wall']:.2f} s wall, peak {same['peak_mb']:.0f} MB")
        if not args.no_r and shutil.which("Rscript"):
            script = work / "metafor.R"
            script.write_text(R_SCRIPT)
            theirs = measure(["Rscript", str(script), str(src), str(rout)])
            ratio = theirs["wall"] / ours["wall"]
            print(f"R metafor escalc(RR) + summary() + write.csv: {theirs['wall']:.2f} s wall, "
                  f"peak {theirs['peak_mb']:.0f} MB")
            print(f"  ratio metafor / ivigstats: {ratio:.1f}x "
                  f"(goal >= 30x: {'met' if ratio >= 30 else 'MISSED'})")
            if args.methods == DEFAULT:
                print(f"  ratio metafor / ivigstats with the same one measure: "
                      f"{theirs['wall'] / same['wall']:.1f}x")
        elif not args.no_r:
            print("Rscript not found: no metafor comparison")
        if args.phases:
            p = phases(src, args.methods)
            print("in-process phases: " + ", ".join(f"{k} {p[k]:.2f} s"
                                                    for k in ("read", "compute", "format")))
            for key, sec in sorted(p["per_method"].items(), key=lambda kv: -kv[1]):
                print(f"  {key:40s} {sec:6.2f} s")
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
