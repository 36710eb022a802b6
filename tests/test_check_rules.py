"""The audit's rules, each on cases that must pass and cases that must fail, against published
examples, an exhaustive enumeration (GRIM/GRIMMER) and R (make_check.R)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from ivigstats.audit import intervals, percentages
from ivigstats.audit._common import half_unit
from ivigstats.audit.grim import grim, grimmer
from ivigstats.audit.implied import sd_from_difference_ci, sd_from_p
from ivigstats.audit.pvalues import p_matches, p_value_finding, reported_significant

ROOT = Path(__file__).resolve().parents[1]
R = json.loads((ROOT / "tests" / "reference" / "check_r.json").read_text())
ENUMERATED = json.loads((ROOT / "tests" / "reference" / "check_grim.json").read_text())["by_n"]


# ------------------------------------------------------------------ intervals

@pytest.mark.parametrize("est, lo, hi, log", [
    (-0.23, -0.43, -0.03, False),      # Fazekas IVIG EDSS change
    (0.12, -0.13, 0.37, False),        # Fazekas placebo, as corrected
    (1.497, 1.03, 2.17, True),         # a risk ratio: geometric midpoint 1.495
    (0.52, 0.376, 0.714, True),        # rate ratio 62/150 vs 116/146, Wald on log scale
])
def test_consistent_intervals_pass(est, lo, hi, log):
    assert intervals.interval_finding("o", "x", est, lo, hi, log=log) is None


@pytest.mark.parametrize("est, lo, hi, severity, suggestion", [
    (0.12, -0.13, -0.37, "error", "upper bound -0.37 is probably 0.37"),
    (0.12, 0.13, 0.37, "error", "lower bound 0.13 is probably -0.13"),
    (0.12, 0.12, 0.37, "warning", "lower bound 0.12 is probably -0.12"),
    (0.12, 0.37, -0.13, "error", "the bounds are probably swapped: -0.13 to 0.37"),
    (0.12, -0.13, 3.7, "warning", "upper bound 3.7 is probably 0.37"),
    (-0.12, -0.13, 0.37, "warning", "estimate -0.12 is probably 0.12"),
])
def test_inconsistent_intervals_fail_with_the_single_edit(est, lo, hi, severity, suggestion):
    f = intervals.interval_finding("o", "x", est, lo, hi)
    assert f.severity == severity
    assert f.suggestion.startswith(suggestion)


def test_asymmetric_ratio_interval_is_a_warning():
    f = intervals.interval_finding("o", "rr", 1.5, 1.05, 3.5, log=True)
    assert f.severity == "warning" and "geometric midpoint" in f.message


@settings(max_examples=300, deadline=None)
@given(st.floats(-50, 50), st.floats(0.01, 20), st.integers(1, 3))
def test_rounded_symmetric_interval_is_always_consistent(mean, half_width, places):
    est, lo, hi = (round(v, places) for v in (mean, mean - half_width, mean + half_width))
    assert intervals.consistent(est, lo, hi) == (True, True)


@settings(max_examples=300, deadline=None)
@given(st.floats(0.05, 20), st.floats(0.05, 5))
def test_rounded_log_symmetric_interval_is_always_consistent(ratio, log_half_width):
    est, lo, hi = (round(v, 2) for v in (ratio, ratio * math.exp(-log_half_width),
                                         ratio * math.exp(log_half_width)))
    if lo > 0:
        assert intervals.consistent(est, lo, hi, log=True) == (True, True)


def _two_decimals(tens, last):
    """A number in hundredths whose second decimal is ``last`` (1-9): floats keep it."""
    return 10 * tens + last


@settings(max_examples=300, deadline=None)
@given(st.integers(-30, 30), st.integers(1, 9), st.integers(0, 30), st.data())
def test_a_dropped_minus_sign_is_found(est_tens, est_last, hw_tens, data):
    """A lower bound printed without its minus sign moves the midpoint by |bound|: found
    whenever that exceeds the rounding slack (0.01 at 2 decimals)."""
    hw_last = data.draw(st.sampled_from([b for b in range(1, 10)
                                         if b != est_last and b + est_last != 10]))
    centre = _two_decimals(est_tens, est_last)
    half_width = abs(centre) + _two_decimals(hw_tens, hw_last)  # lower bound below -0.01
    est, lo, hi = centre / 100, (centre - half_width) / 100, (centre + half_width) / 100
    assume(lo <= -0.02 and round(abs(lo) * 100) % 10 and round(abs(hi) * 100) % 10)
    broken = (est, -lo, hi)
    f = intervals.interval_finding("o", "x", *broken)
    assert f is not None
    assert f"lower bound {-lo:g} is probably {lo:g}" in intervals.single_edits(*broken)


# ------------------------------------------------------------------ percentages

def test_14_percent_of_75_and_of_73():
    assert percentages.attainability_finding("o", "placebo", 14, 75).severity == "error"
    assert percentages.attainability_finding("o", "placebo", 14, 73) is None
    assert 73 in percentages.attainable_ns(14, 75)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 2000), st.data(), st.integers(0, 2))
def test_a_percentage_computed_from_a_count_is_attainable(n, data, places):
    k = data.draw(st.integers(0, n))
    assert percentages.attainability_finding("o", "a", round(100 * k / n, places), n) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=2, max_size=6).filter(lambda c: sum(c) > 0))
def test_percentages_of_counts_sum_within_rounding(counts):
    n = sum(counts)
    pcts = [round(100 * c / n) for c in counts]
    labels = [f"c{i}" for i in range(len(counts))]
    assert percentages.sum_finding("o", "a", labels, pcts, n) is None


def test_category_sum_of_94_fails():
    f = percentages.sum_finding("o", "placebo", ["improved", "stable", "worse"], [14, 63, 17], 75)
    assert f.severity == "error" and "sum to 94%" in f.message


# ------------------------------------------------------------------ GRIM / GRIMMER

@pytest.mark.parametrize("mean, n, ok", [
    (5.93, 49, False),  # Brown & Heathers' example (The Economist, 18 Jun 2016): 49 x 5.93 = 290.57
    (3.45, 10, False),  # 10 answers on a 1-7 scale: 34.5 is not a whole sum (Allard 2018)
    (3.48, 20, False),  # means of 20 whole numbers end in 0 or 5 at the second decimal
    (5.27, 43, False),  # R scrutiny::grim("5.27", 43) is FALSE (scrutiny vignette "GRIM")
    (5.92, 49, True),
    (3.5, 10, True),
])
def test_grim_published_examples(mean, n, ok):
    assert grim(mean, n, decimals=2) is ok


def test_grim_equals_enumeration_of_every_sample():
    for n, v in ENUMERATED.items():
        attainable = set(v["means"])
        for k in range(100, 701):
            m = f"{k / 100:.2f}"
            assert grim(float(m), int(n), decimals=2) == (m in attainable), (n, m)


def test_grimmer_never_flags_an_attainable_mean_and_sd():
    for n, v in ENUMERATED.items():
        for pair in v["pairs"]:
            m, s = pair.split()
            assert grimmer(float(m), float(s), int(n), decimals=2), (n, pair)


def test_grimmer_flags_most_unattainable_pairs():
    flagged = unattainable = 0
    for n, v in ENUMERATED.items():
        pairs = set(v["pairs"])
        for m in v["means"]:
            for j in range(301):
                if f"{m} {j / 100:.2f}" not in pairs:
                    unattainable += 1
                    flagged += not grimmer(float(m), j / 100, int(n), decimals=2)
    assert flagged / unattainable > 0.9  # measured: 97498 of 101762


def test_grim_on_a_half_step_scale():
    # EDSS in 0.5 steps: 3 patients can average 1.17 (3.5/3), not 1.20
    assert grim(1.17, 3, step=0.5, decimals=2) and not grim(1.20, 3, step=0.5, decimals=2)


# ------------------------------------------------------------------ statcheck rules

@pytest.mark.parametrize("computed, reported, relation, ok", [
    (0.0349, 0.03, "=", True),    # statcheck: .03 stands for [.025, .035)
    (0.0251, 0.03, "=", True),
    (0.0352, 0.03, "=", False),
    (0.0087, 0.008, "=", False),  # three decimals: [.0075, .0085]
    (0.032, 0.008, "=", False),
    (0.03, 0.05, "<", True),      # "p < .05" is a bound
    (0.06, 0.05, "<", False),
    (0.0009, 0.001, "<", True),
    (0.2, 0.05, ">", True),
])
def test_statcheck_rounding_and_bounds(computed, reported, relation, ok):
    assert bool(p_matches(computed, reported, relation)[()]) is ok


def test_p_equal_to_alpha_counts_as_significant():
    # statcheck's default pEqualAlphaSig = TRUE: a reported p = .05 is read as significant
    assert reported_significant(0.05) is True
    assert reported_significant(0.051) is False
    assert reported_significant(0.01, ">") is None


class _Outcome:
    id = "o"


def test_decision_error_is_an_error_and_same_conclusion_a_warning():
    flips = p_value_finding(_Outcome, "a vs b", {"test/x": np.array([0.12])}, [], 0.04)
    assert flips.severity == "error" and "decision error" in flips.message
    holds = p_value_finding(_Outcome, "a vs b", {"test/x": np.array([0.012])}, [], 0.04)
    assert holds.severity == "warning" and "conclusion holds" in holds.message
    mixed = p_value_finding(_Outcome, "a vs b", {"test/x": np.array([0.06]),
                                                 "test/y": np.array([0.045])}, [], 0.01)
    assert mixed.severity == "warning"


def test_one_sided_match_is_named_and_not_a_decision_error():
    # statcheck counts p = half the two-sided p as one-sided; here it explains a flip
    f = p_value_finding(_Outcome, "a vs b", {"test/x": np.array([0.07])}, [], 0.035)
    assert f.severity == "warning" and "one-sided" in f.message


def test_reproduced_p_names_methods_both_ways():
    f = p_value_finding(_Outcome, "a vs b", {"test/yes": np.array([0.0302]),
                                             "test/no": np.array([0.0452])}, [], 0.03)
    assert f.severity == "info"
    assert "reproduced by test/yes" in f.message and "not by test/no" in f.message


# ------------------------------------------------------------------ implied SD

def test_sd_from_p_against_r():
    rows = R["sd_from_p"]
    md, p, n1, n2 = (np.array([r[k] for r in rows]) for k in ("md", "p", "n1", "n2"))
    sd, se, t = sd_from_p(md, p, n1, n2)
    assert_allclose(t, [r["t"] for r in rows], rtol=1e-9)
    assert_allclose(se, [r["se"] for r in rows], rtol=1e-9)
    assert_allclose(sd, [r["sd"] for r in rows], rtol=1e-9)


def test_sd_from_difference_ci_against_r():
    rows = R["sd_from_difference_ci"]
    for r in rows:
        sd, se = sd_from_difference_ci(r["lo"], r["hi"], r["n1"], r["n2"], r["level"])
        assert_allclose([se[0], sd[0]], [r["se"], r["sd"]], rtol=1e-9)


def test_sd_from_p_cochrane_worked_example():
    # Cochrane Handbook 5.1, 7.7.3.3: MD 3.8, P = 0.008, n 25 and 22: t = 2.78, SE = 1.37,
    # SD = 1.37 / sqrt(1/25 + 1/22) = 4.69 (from the rounded SE)
    sd, se, t = sd_from_p(3.8, 0.008, 25, 22)
    assert round(float(t[0]), 2) == 2.78 and round(float(se[0]), 2) == 1.37
    assert abs(float(sd[0]) - 4.69) < 0.01


def test_sd_from_p_edges():
    sd, _, _ = sd_from_p([1.0, 1.0, 1.0], [0.0, 1.0, 0.5], [10, 10, 1], [10, 10, 1])
    assert np.isnan(sd).all()


# ------------------------------------------------------------------ rounding helper

@pytest.mark.parametrize("x, h", [(0.12, 0.005), (0.008, 0.0005), (2.4e-05, 5e-07), (14, 0.5),
                                  (3.0, 0.5), (0.0037, 5e-05)])
def test_half_unit(x, h):
    assert half_unit(x) == pytest.approx(h)


# ------------------------------------------------------------------ properties

@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=2, max_size=200), st.sampled_from([1.0, 0.5]),
       st.integers(1, 3))
def test_real_data_always_pass_grim_and_grimmer(scores, step, places):
    """Means and SDs computed from whole multiples of the step, then rounded, are possible."""
    values = np.array(scores) * step
    mean, sd = round(float(values.mean()), places), round(float(values.std(ddof=1)), places)
    assert grim(mean, len(values), step, decimals=places)
    assert grimmer(mean, sd, len(values), step, decimals=places)


@settings(max_examples=500, deadline=None)
@given(st.floats(1e-6, 0.999), st.integers(2, 4))
def test_a_p_rounded_for_printing_is_reproduced_by_itself(p, places):
    printed = round(p, places)
    other = round(printed + 2 * 10.0 ** -places, places)
    assume(printed > 0 and half_unit(other) == pytest.approx(0.5 * 10.0 ** -places))
    assert p_matches(p, printed)[()]
    assert not p_matches(p, other)[()]
