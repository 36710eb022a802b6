"""Fragility index of trials with 10^4 patients per arm: ivigstats against a plain loop of
``scipy.stats.fisher_exact`` (Walsh's definition, one table at a time) in this same run.

The tables span fragile to robust results (indices from about 10 to several hundred). Goal
(issue 6): each table under 1 s. Prints per-table seconds, the indices (which must agree), and
the ratio of the two totals, so the result does not depend on this machine's speed.

    python bench/fragility.py [--repeat 3]
"""

import argparse
import time

TABLES = [(4700, 10_000, 5000, 10_000), (4850, 10_000, 5000, 10_000),
          (300, 10_000, 420, 10_000), (1000, 10_000, 1300, 10_000)]


def reference_index(a, n1, c, n2, alpha=0.05):
    """Walsh 2014 by brute force: add events to the arm with fewer events until P >= alpha."""
    from scipy.stats import fisher_exact

    def p(x, y):
        return fisher_exact([[x, n1 - x], [y, n2 - y]])[1]
    if p(a, c) >= alpha:
        return 0
    k = 0
    while True:
        k += 1
        if (p(a + k, c) if a < c else p(a, c + k)) >= alpha:
            return k


def best_of(func, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    from ivigstats.stats.fragility import fragility_index_walsh
    fragility_index_walsh(1, 10, 5, 10)  # warm imports
    import scipy.stats  # noqa: F401
    total_ours = total_ref = slowest = 0.0
    print(f"{'table':<32} {'FI':>5} {'ivigstats s':>12} {'scipy loop s':>13}")
    for t in TABLES:
        ours, r = best_of(lambda t=t: fragility_index_walsh(*t), repeat)
        ref, fi = best_of(lambda t=t: reference_index(*t), 1)
        assert r.estimate[0] == fi, (t, r.estimate[0], fi)
        total_ours += ours
        slowest = max(slowest, ours)
        total_ref += ref
        print(f"{t!s:<32} {fi:>5} {ours:>12.3f} {ref:>13.3f}")
    print(f"slowest table {slowest:.3f} s (goal < 1 s); "
          f"ivigstats / scipy loop time ratio = {total_ours / total_ref:.3f}")


if __name__ == "__main__":
    main()
