"""Start-up cost of `ivigstats summarize --format json`, as a ratio to `import scipy.stats`.

Both are run as fresh processes in this same run, alternating, and the medians compared, so
the ratio does not depend on how fast this machine is today. Goal (issue 2): <= 0.5.

Byte-code caching is on for the runs (PYTHONDONTWRITEBYTECODE is removed from their
environment), so ivigstats is timed with its .pyc files as an installed package has them, as
scipy's are: with the variable set, every run recompiles ivigstats from source (~50 ms here).

    python bench/startup.py [--runs 15]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    commands = {
        "ivigstats summarize --format json": [sys.executable, "-m", "ivigstats", "summarize",
                                              "--format", "json"],
        "ivigstats --help": [sys.executable, "-m", "ivigstats", "--help"],
        'python -c "import scipy.stats"': [sys.executable, "-c", "import scipy.stats"],
    }
    for cmd in commands.values():  # warm the file cache and write ivigstats' .pyc files
        wall(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(wall(cmd))
    med = {name: statistics.median(t) for name, t in times.items()}
    ref = med['python -c "import scipy.stats"']
    for name, m in med.items():
        print(f"{name:40s} median {m * 1000:7.1f} ms  ratio {m / ref:5.2f}")
    print(f"start-up ratio (summarize / import scipy.stats): {med['ivigstats summarize --format json'] / ref:.2f}"
          f" over {runs} runs (goal <= 0.5)")


if __name__ == "__main__":
    main()
