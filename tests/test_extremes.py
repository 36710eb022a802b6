"""Numeric extremes (issue 8): zero cells, all events, n up to 1e9, arms of 1e6 for the exact
methods, P below the double range. Each behaviour here is documented in
docs/readme/bad-input.md and in the functions' docstrings.

Expected values come from independent implementations: exact integer arithmetic
(``math.comb``), ``scipy.stats.norm.logsf`` and ``scipy.stats.fisher_exact`` /
``scipy.stats.contingency.odds_ratio``.
"""

import json
import math
import time

import numpy as np
import pytest

from ivigstats.stats import binary, ordinal
from ivigstats.stats._binary_exact import P_FLOOR


def log10_from_note(note: str) -> float:
    text = note.split("P = 10^")[1]
    return float(text.split(",")[0])


def rows(run, *args):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    return doc["results"] if isinstance(doc, dict) else doc


# ------------------------------------------------------------------ zero cells, all events

BINARY_METHODS = ",".join(m.key for m in __import__("ivigstats.methods").methods.select(
    "binary", "all") if m.function.startswith("binary:"))

@pytest.mark.parametrize("arms", [("0/10", "0/10"), ("10/10", "10/10"), ("0/1", "1/1"),
                                  ("0/1000000000", "0/1000000000")])
def test_degenerate_tables_give_rows_with_notes_never_a_failure(run, arms):
    out = rows(run, "binary", *arms, "--methods", BINARY_METHODS)
    assert out
    for r in out:
        assert r["p_value"] is None or 0 <= r["p_value"] <= 1
        if r["measure"] != "test" and r["estimate"] is None:
            assert r["note"], r  # a missing estimate always says why


def test_double_zero_table_fisher_p_is_one_and_chi_square_says_why():
    r = binary.pearson_chi2(0, 10, 0, 10)
    assert np.isnan(r.p_value[0]) and "no events in either arm" in r.note[0]
    assert binary.fisher_exact(0, 10, 0, 10).p_value[0] == 1.0


# ------------------------------------------------------------------ P below the double range

def test_fisher_p_below_the_double_range_is_a_bound_with_its_exponent():
    # 1000/1000 vs 0/1000: the two tables as extreme each have P = 1 / C(2000, 1000), so
    # P = 2 / C(2000, 1000), exact in integers.
    r = binary.fisher_exact(1000, 1000, 0, 1000)
    expected = math.log10(2) - math.log10(math.comb(2000, 1000))
    assert expected < -600
    assert r.p_value[0] == P_FLOOR > 0
    assert log10_from_note(r.note[0]) == pytest.approx(expected, abs=0.05)
    assert "bound" in r.note[0]


def test_normal_p_in_log_space_matches_scipy_logsf():
    from scipy.stats import norm
    r = binary.risk_ratio_katz_log(500_000, 10**6, 400_000, 10**6)
    expected = (math.log(2) + norm.logsf(abs(r.statistic[0]))) / math.log(10)
    assert expected < -4000
    assert r.p_value[0] == P_FLOOR
    assert log10_from_note(r.note[0]) == pytest.approx(expected, abs=0.05)


def test_chi_square_p_in_log_space_matches_scipy_logsf_for_one_df():
    from scipy.stats import norm
    r = binary.pearson_chi2(500_000, 10**6, 400_000, 10**6)
    expected = (math.log(2) + norm.logsf(math.sqrt(r.statistic[0]))) / math.log(10)
    assert log10_from_note(r.note[0]) == pytest.approx(expected, abs=0.05)


def test_subnormal_p_is_kept_as_a_number():
    # R: fisher.test(matrix(c(900, 100, 100, 900), 2))$p.value  4.03e-321 (binary_r.json)
    p = binary.fisher_exact(900, 1000, 100, 1000).p_value[0]
    assert 0 < p < 1e-300 and p == pytest.approx(4.03e-321, rel=3e-3)


def test_ordinal_p_below_the_double_range():
    from scipy.stats import norm
    r = ordinal.pearson_chi2(np.array([[10**6, 0, 0]]), np.array([[0, 0, 10**6]]))
    assert r.p_value[0] == P_FLOOR and r.df[0] == 1  # empty middle category dropped
    expected = (math.log(2) + norm.logsf(math.sqrt(r.statistic[0]))) / math.log(10)
    assert log10_from_note(r.note[0]) == pytest.approx(expected, abs=0.05)


# ----------------------------------------------------------- exact methods with huge arms

def test_fisher_with_arms_of_a_million_in_bounded_time_equals_scipy():
    from scipy.stats import fisher_exact
    table = (500_000, 10**6, 499_000, 10**6)
    start = time.perf_counter()
    p = binary.fisher_exact(*table).p_value[0]
    assert time.perf_counter() - start < 5
    want = fisher_exact([[500_000, 499_000], [500_000, 501_000]]).pvalue
    assert p == pytest.approx(want, rel=1e-6)


def test_conditional_odds_ratio_with_arms_of_a_million_in_bounded_time():
    start = time.perf_counter()
    r = binary.odds_ratio_exact_conditional(500_000, 10**6, 499_000, 10**6)
    assert time.perf_counter() - start < 10
    assert r.note[0] == "" and r.conf_low[0] < r.estimate[0] < r.conf_high[0]


def test_windowed_conditional_odds_ratio_equals_scipy(monkeypatch):
    # the window (normally for supports over 100,000 tables) forced onto a support of 4,001
    # so that scipy's full-support computation stays quick
    from scipy.stats.contingency import odds_ratio

    from ivigstats.stats import _binary_exact
    monkeypatch.setattr(_binary_exact, "WINDOW_FROM", 100)
    sup = _binary_exact.Support(1000, 2000, 1100, 2000)
    assert sup.width[0] < sup.hi[0] - sup.lo[0] + 1  # the window is in use
    r = binary.odds_ratio_exact_conditional(1000, 2000, 1100, 2000)
    ref = odds_ratio([[1000, 1100], [1000, 900]], kind="conditional")
    ci = ref.confidence_interval(0.95)
    assert r.estimate[0] == pytest.approx(ref.statistic, rel=1e-6)
    assert (r.conf_low[0], r.conf_high[0]) == pytest.approx((ci.low, ci.high), rel=1e-6)
    assert r.note[0] == ""  # computed exactly, no switch


@pytest.mark.parametrize("func", [binary.fisher_exact, binary.odds_ratio_exact_conditional,
                                  binary.odds_ratio_mid_p])
def test_billion_arms_switch_to_an_asymptotic_method_the_note_states(func):
    start = time.perf_counter()
    r = func(5 * 10**8, 10**9, 10**8, 10**9)
    assert time.perf_counter() - start < 5
    assert "asymptotic" in r.note[0] and "support of" in r.note[0]
    assert r.p_value[0] == P_FLOOR


@pytest.mark.parametrize("func, instead", [(binary.barnard_exact, "Pearson"),
                                           (binary.boschloo_exact, "Fisher")])
def test_unconditional_exact_tests_switch_for_large_arms(func, instead):
    start = time.perf_counter()
    r = func([40, 4000], [75, 7500], [26, 2600], [73, 7300])
    assert time.perf_counter() - start < 10
    assert r.note[0] == "" and instead in r.note[1]
    assert 0 < r.p_value[1] < 1e-50


def test_billion_arms_through_the_cli_in_bounded_time(run):
    start = time.perf_counter()
    out = rows(run, "binary", "500000000/1000000000", "499900000/1000000000", "--methods",
               "katz_log,pearson_chi2,fisher_exact,exact_conditional,mid_p")
    assert time.perf_counter() - start < 20
    fisher = next(r for r in out if r["method"] == "fisher_exact")
    chi2 = next(r for r in out if r["method"] == "pearson_chi2")
    assert fisher["p_value"] == pytest.approx(chi2["p_value"], rel=0.01)


# ------------------------------------------------------- continuous and count extremes (CLI)

@pytest.mark.parametrize("args, code", [
    (["continuous", "1:0:10", "2:1:10"], 2),              # SD = 0 is refused
    (["continuous", "--ci", "1:1:1:10", "2:1:3:10"], 0),  # a CI of zero width: SD 0, noted
    (["continuous", "1e300:1e300:10", "-1e300:1e300:10"], 0),
    (["rates", "5/1e-300", "3/1e-300"], 0),               # person-time near zero
    (["rates", "0/1e-9", "0/1e-9"], 0),
    (["rates", "1000000000/1", "999000000/1"], 0),
])
def test_continuous_and_count_extremes_exit_cleanly(run, args, code):
    result = run(*args, "-f", "json")
    assert result.exit_code == code, result.stderr
    if code == 0:
        doc = json.loads(result.stdout)
        for r in doc["results"] if isinstance(doc, dict) else doc:
            assert r["p_value"] is None or 0 <= r["p_value"] <= 1


def test_rate_difference_with_person_time_near_zero_is_finite():
    # person-time 1e-300: squaring it overflowed (P = 1.0 with an infinite interval)
    from ivigstats.stats.counts import rate_difference_wald
    r = rate_difference_wald(5, 1e-300, 3, 1e-300)
    assert np.isfinite(r.std_error[0]) and np.isfinite(r.conf_low[0])
    # same z as on the scale of 1 person-year: (5 - 3) / sqrt(5 + 3)
    assert abs(r.statistic[0] - 2 / np.sqrt(8)) < 1e-12
