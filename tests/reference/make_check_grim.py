"""Reference for GRIM and GRIMMER: every sample of n whole scores, enumerated.

For n = 2..10 and scores 1..7 (a 7-point scale), every multiset of n scores is listed
(itertools.combinations_with_replacement); its mean and SD (statistics.stdev, n - 1) are
rounded to 2 decimals both ways at exact halves, as papers differ. The attainable means and
(mean, SD) pairs are written to check_grim.json. Independent of ivigstats: it enumerates data,
where ivigstats reasons about sums.

Rerun from the repository root:  python tests/reference/make_check_grim.py
"""

import itertools
import json
import statistics
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

SCALE = range(1, 8)
CENT = Decimal("0.01")


def rounded(x) -> set[str]:
    d = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else \
        Decimal(repr(x))
    return {str(d.quantize(CENT, rounding=r)) for r in (ROUND_HALF_UP, ROUND_HALF_DOWN)}


def sd_rounded(sample) -> set[str]:
    s = statistics.stdev(sample)
    return {f"{s + e:.2f}" for e in (-1e-9, 0.0, 1e-9)}


out = {}
for n in range(2, 11):
    means, pairs = set(), set()
    for sample in itertools.combinations_with_replacement(SCALE, n):
        ms = rounded(Fraction(sum(sample), n))
        means |= ms
        for m in ms:
            for s in sd_rounded(sample):
                pairs.add(f"{m} {s}")
    out[str(n)] = {"means": sorted(means), "pairs": sorted(pairs)}

path = Path(__file__).with_name("check_grim.json")
path.write_text(json.dumps({"scale": [1, 7], "decimals": 2, "by_n": out}) + "\n")
