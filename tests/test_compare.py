"""Bucher indirect comparison (ivigstats.stats.indirect) and `ivigstats compare`.

The published worked example is Bucher et al., J Clin Epidemiol 1997;50:683-691: TMP-SMX
versus dapsone/pyrimethamine (D/P) for Pneumocystis prophylaxis through aerosolised
pentamidine (AP), indirect OR 0.37 (95% CI 0.21 to 0.65) -- abstract. The trials are the
paper's Table 1 (as in R's bayesmeta::BucherEtAl1997); each arm set pooled with Peto's odds
ratio (metafor::rma.peto, tests/reference/make_pool.R) reproduces it.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats.stats import pooling_tables
from ivigstats.stats.indirect import indirect_bucher

REF = json.loads((Path(__file__).resolve().parent / "reference" / "pool_r.json").read_text())


def test_bucher_1997_published_example():
    tmp_ap, ap_dp = REF["bucher"]["tmpsmx_vs_ap"], REF["bucher"]["ap_vs_dp"]
    # each comparison pooled by ivigstats' Peto OR (checked against rma.peto in test_pool.py)
    ac = pooling_tables.peto_odds_ratio(tmp_ap["events1"], tmp_ap["n1"], tmp_ap["events2"], tmp_ap["n2"])
    # Table 1 lists AP as arm A of the D/P trials: D/P vs AP is the reciprocal
    ca = pooling_tables.peto_odds_ratio(ap_dp["events1"], ap_dp["n1"], ap_dp["events2"], ap_dp["n2"])
    r = indirect_bucher(np.exp(ac.estimate), ac.std_error, np.exp(-ca.estimate), ca.std_error,
                        measure="odds_ratio", log_scale=True)
    # Bucher 1997 abstract: "odds ratio 0.37, 95% CI 0.21 to 0.65"
    assert [round(float(x[0]), 2) for x in (r.estimate, r.conf_low, r.conf_high)] == \
        [0.37, 0.21, 0.65]


def test_bucher_matches_r_on_the_embedded_relapse_free_counts():
    ref = REF["embedded"]["bucher"]
    yi, vi = REF["embedded"]["yi"], REF["embedded"]["vi"]
    r = indirect_bucher(np.exp(yi[0]), np.sqrt(vi[0]), np.exp(yi[1]), np.sqrt(vi[1]),
                        measure="risk_ratio", log_scale=True)
    for field, key in [("estimate", "estimate"), ("std_error", "se"), ("conf_low", "ci_lb"),
                       ("conf_high", "ci_ub"), ("statistic", "zval"), ("p_value", "pval")]:
        assert float(getattr(r, field)[0]) == pytest.approx(ref[key], rel=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(-3, 3), st.floats(0.01, 2), st.floats(-3, 3), st.floats(0.01, 2),
       st.booleans())
def test_bucher_swap_inverts_and_ci_holds_estimate(d1, s1, d2, s2, log):
    e1, e2 = (np.exp(d1), np.exp(d2)) if log else (d1, d2)
    ab = indirect_bucher(e1, s1, e2, s2, measure="m", log_scale=log)
    ba = indirect_bucher(e2, s2, e1, s1, measure="m", log_scale=log)
    if log:
        assert float(ab.estimate[0] * ba.estimate[0]) == pytest.approx(1, rel=1e-9)
    else:
        assert float(ab.estimate[0] + ba.estimate[0]) == pytest.approx(0, abs=1e-9)
    assert float(ab.p_value[0]) == pytest.approx(float(ba.p_value[0]), rel=1e-9, abs=1e-300)
    assert ab.conf_low[0] <= ab.estimate[0] <= ab.conf_high[0]
    assert 0 <= ab.p_value[0] <= 1


def test_bucher_zero_standard_error_gives_nan():
    r = indirect_bucher(1.2, 0.0, 1.1, 0.0, measure="risk_ratio", log_scale=True)
    assert np.isnan(r.estimate[0]) and np.isnan(r.p_value[0])


# ------------------------------------------------------------------ CLI

def test_compare_fazekas_ifnb_relapse_free_matches_r_and_prints_caveats(run):
    res = run("compare", "fazekas1997", "ifnb1993", "--outcome", "relapse_free", "-f", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    rows = doc["results"]
    assert [r["method"] for r in rows] == ["katz_log", "katz_log", "bucher"]
    ref = REF["embedded"]["bucher"]
    ind = rows[2]
    assert ind["estimate"] == pytest.approx(ref["estimate"], rel=1e-6)
    assert ind["conf_low"] == pytest.approx(ref["ci_lb"], rel=1e-6)
    assert ind["conf_high"] == pytest.approx(ref["ci_ub"], rel=1e-6)
    assert ind["p_value"] == pytest.approx(ref["pval"], rel=1e-6)
    caveats = " ".join(doc["trial"]["caveats"])
    for word in ("Eras", "1997", "1993", "Populations", "Outcome definitions", "Follow-up",
                 "not randomised"):
        assert word in caveats


def test_compare_table_prints_caveats_after_the_rows(run):
    res = run("compare", "fazekas1997", "ifnb1993", "--outcome", "relapse_free", "-f", "markdown")
    assert res.exit_code == 0
    assert "bucher" in res.output and "\nCaveats:\n- Indirect comparison (Bucher" in res.output


def test_compare_rates_without_se_says_what_is_missing(run):
    args = ("compare", "fazekas1997", "ifnb1993", "--arm", "ifnb1993=ifnb_8miu",
            "--outcome", "fazekas1997=relapses,ifnb1993=annual_relapse_rate", "-f", "csv")
    res = run(*args)
    assert res.exit_code == 2
    err = res.output.strip()
    assert err.count("\n") == 0 and err.startswith("ivigstats: error: ifnb1993: outcome "
                                                   "annual_relapse_rate: arms give means only")
    assert "person-years" in err and "--assume-person-years" in err
    res = run(*args, "--assume-person-years")
    assert res.exit_code == 0
    rows = res.output.splitlines()
    assert rows[2].count("ASSUMED (--assume-person-years)") == 1
    assert "bucher" in rows[3]


def test_compare_per_trial_outcomes_and_measure(run):
    res = run("compare", "fazekas1997", "johnson1995", "--measure", "ratio_of_means",
              "--outcome", "fazekas1997=annual_relapse_rate,johnson1995=relapse_rate_2y",
              "-f", "jsonl")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.splitlines() if x.startswith("{")]
    assert {r["measure"] for r in rows} == {"ratio_of_means"}
    a, b, ind = rows
    assert ind["estimate"] == pytest.approx(a["estimate"] / b["estimate"], rel=1e-12)


@pytest.mark.parametrize("args, message", [
    (("--outcome", "relapses_typo"), "no outcome 'relapses_typo'"),
    (("--outcome", "annual_relapse_rate"), "2 experimental arms have data"),
    (("--outcome", "relapse_free", "--measure", "mean_difference"),
     "measure 'mean_difference' does not apply to a binary outcome"),
    (("--outcome", "a,b"), "two defaults"),
])
def test_compare_bad_input_is_one_line_exit_2(run, args, message):
    res = run("compare", "fazekas1997", "ifnb1993", *args)
    assert res.exit_code == 2
    assert res.output.startswith("ivigstats: error: ") and message in res.output
    assert res.output.count("\n") == 1
