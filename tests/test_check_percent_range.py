"""The range of each P over all counts consistent with printed percentages, against R
(make_check.R: chisq.test and fisher.test on every consistent table)."""

import json
from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from ivigstats import methods
from ivigstats.audit.percent_range import candidate_counts, p_value_range, p_values_over_counts
from ivigstats.trial import parse

ROOT = Path(__file__).resolve().parents[1]
R = json.loads((ROOT / "tests" / "reference" / "check_r.json").read_text())["percent_range"]

TRIAL = b"""
[trial]
id = "t"
title = "t"
citation = "c"
follow_up_years = 1
[[arms]]
id = "a"
label = "A"
n = 150
[[arms]]
id = "b"
label = "B"
n = 146
[[outcomes]]
id = "free"
label = "free"
kind = "binary"
benefit = "higher"
  [outcomes.arms.a]
  percent = 53
  [outcomes.arms.b]
  percent = 36
[[outcomes]]
id = "cat"
label = "cat"
kind = "ordinal"
benefit = "lower"
categories = ["x", "y", "z"]
  [outcomes.arms.a]
  counts = [23, 40, 12]
  n = 75
  [outcomes.arms.b]
  percents = [14, 63, 23]
  n = 73
"""


def _outcome(i):
    t = parse(TRIAL, "t.toml")
    o = t.outcomes[i]
    return o, o.arms["a"], o.arms["b"]


def test_candidates_match_r():
    combos = R["combos"]
    assert sorted({c["a"] for c in combos}) == candidate_counts(53, 150) == [79, 80]
    assert sorted({c["c"] for c in combos}) == candidate_counts(36, 146) == [52, 53]


def test_p_range_over_consistent_counts_matches_r():
    o, a, b = _outcome(0)
    chosen = methods.select("binary", "pearson_chi2,fisher_exact")
    ranges = p_value_range(o, a, b, chosen)
    assert_allclose(ranges["test/pearson_chi2"][:2], R["pearson"], rtol=1e-6)
    assert_allclose(ranges["test/fisher_exact"][:2], R["fisher"], rtol=1e-6)
    assert ranges["test/pearson_chi2"][2] == 4
    every = p_values_over_counts(o, a, b, chosen)["test/pearson_chi2"]
    assert_allclose(np.sort(every), np.sort([c["pearson"] for c in R["combos"]]), rtol=1e-6)


def test_ordinal_percentages_keep_only_counts_summing_to_n():
    o, a, b = _outcome(1)
    ranges = p_value_range(o, a, b, methods.select("ordinal", "pearson_chi2"))
    lo, hi, k = ranges["test/pearson_chi2"]
    # 14/63/23% of 73 allow only 10/46/17: the one table of the embedded trial (R: 0.04125)
    assert k == 1
    assert_allclose([lo, hi], 0.0412538212424928, rtol=1e-6)


def test_unattainable_percentage_falls_back_to_its_two_nearest_counts():
    assert candidate_counts(14, 75) == [10, 11]
