"""Pooling (ivigstats.stats.pooling) against R's metafor (tests/reference/make_pool.R).

36 random meta-analyses (30 binary as log RR / log OR, 6 mean differences, k = 2..20, zero
cells, tau^2 from 0 to large), two sets where REML Fisher scoring oscillates, plus metafor's
dat.bcg as RR, OR and RD: rma() with method FE,
DL, REML and test "z"/"knha", predict(), confint() (Q-profile) and rma.mh(). Relative
tolerance 1e-6; an absolute 1e-9 only where the value is 0 up to R's iteration (tau^2 at the
boundary), never for P values.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ivigstats.stats import pooling, pooling_tables

REF = Path(__file__).resolve().parent / "reference"
DATA = json.loads((REF / "pool_r.json").read_text())
SETS = DATA["sets"]
RTOL = 1e-6
FITS = {"FE_z": ("fixed_effect", False), "DL_z": ("dersimonian_laird", False),
        "DL_knha": ("dersimonian_laird", True), "REML_z": ("reml", False),
        "REML_knha": ("reml", True)}


def _close(actual, expected, atol=0.0):
    expected = math.nan if expected in (None, "NA") else float(expected)
    if math.isnan(expected):
        assert math.isnan(actual)
    else:
        assert actual == pytest.approx(expected, rel=RTOL, abs=atol)


def _ids(sets):
    return [f"{s['tag']} {s['measure']} k={len(s['yi'])}" for s in sets]


def test_reference_covers_enough_sets():
    assert sum(s["tag"].startswith("random") for s in SETS) >= 30
    assert any(s["tag"] == "dat.bcg" for s in SETS)
    assert {len(s["yi"]) for s in SETS} >= {2, 3, 13, 20}


@pytest.mark.parametrize("fit", FITS)
@pytest.mark.parametrize("case", SETS, ids=_ids(SETS))
def test_inverse_variance_matches_metafor_rma(case, fit):
    method, knha = FITS[fit]
    ref = case["fits"][fit]
    got = pooling.pool_inverse_variance(case["yi"], case["vi"], method, knha)
    _close(got.estimate, ref["estimate"])
    _close(got.std_error, ref["se"])
    _close(got.conf_low, ref["ci_lb"])
    _close(got.conf_high, ref["ci_ub"])
    _close(got.statistic, ref["zval"])
    _close(got.p_value, ref["pval"])
    _close(got.tau2, ref["tau2"], atol=1e-9)
    _close(got.i2, ref["I2"], atol=1e-7)
    _close(got.h2, ref["H2"])
    if method == "fixed_effect":  # metafor's predict() gives none (NA): ours is the CI
        assert ref["pi_lb"] in (None, "NA") and (got.pi_low, got.pi_high) == (got.conf_low, got.conf_high)
    else:
        _close(got.pi_low, ref["pi_lb"])
        _close(got.pi_high, ref["pi_ub"])
    np.testing.assert_allclose(got.weights, ref["weights"], rtol=RTOL)
    if knha:
        assert got.df == len(case["yi"]) - 1


@pytest.mark.parametrize("case", SETS, ids=_ids(SETS))
def test_heterogeneity_matches_metafor_q_and_confint(case):
    ref, ci = case["fits"]["FE_z"], case["fits"]["confint"]
    got = pooling.heterogeneity(case["yi"], case["vi"])
    _close(got.q, ref["QE"])
    _close(got.p_value, ref["QEp"])
    _close(got.i2, ref["I2"], atol=1e-7)
    _close(got.tau2_low, ci["tau2_lb"], atol=1e-9)
    _close(got.tau2_high, ci["tau2_ub"], atol=1e-9)
    _close(got.i2_low, ci["I2_lb"], atol=1e-7)
    _close(got.i2_high, ci["I2_ub"], atol=1e-7)


BINARY = [s for s in SETS if "mh" in s]


@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
@pytest.mark.parametrize("case", BINARY, ids=_ids(BINARY))
def test_mantel_haenszel_matches_metafor_rma_mh(case, measure):
    name = {"RR": "risk_ratio", "OR": "odds_ratio", "RD": "risk_difference"}[measure]
    ref = case["mh"][measure]
    got = pooling_tables.mantel_haenszel(case["ai"], case["n1i"], case["ci"], case["n2i"], name)
    _close(got.estimate, ref["estimate"])
    _close(got.std_error, ref["se"])
    _close(got.conf_low, ref["ci_lb"])
    _close(got.conf_high, ref["ci_ub"])
    _close(got.p_value, ref["pval"])


def test_peto_matches_metafor_rma_peto():
    for part in DATA["bucher"].values():
        got = pooling_tables.peto_odds_ratio(part["events1"], part["n1"], part["events2"], part["n2"])
        _close(got.estimate, part["log_or"])
        _close(got.std_error, part["se"])


def test_dat_bcg_reml_published_values():
    # Viechtbauer W. J Stat Softw 2010;36(3):1-48, section 3 (dat.bcg, log RR, REML):
    # estimate -0.7145 (SE 0.1798), tau^2 = 0.3132, I^2 = 92.22%, Q(df = 12) = 152.2330.
    bcg = next(s for s in SETS if s["tag"] == "dat.bcg" and s["measure"] == "RR")
    got = pooling.pool_inverse_variance(bcg["yi"], bcg["vi"], "reml")
    assert round(got.estimate, 4) == -0.7145
    assert round(got.std_error, 4) == 0.1798
    assert round(got.tau2, 4) == 0.3132
    assert round(got.i2, 2) == 92.22
    assert round(pooling.heterogeneity(bcg["yi"], bcg["vi"]).q, 4) == 152.2330


# ------------------------------------------------------------------ properties

effects = st.lists(st.tuples(st.floats(-3, 3), st.floats(0.01, 2)), min_size=2, max_size=25)


@settings(max_examples=150, deadline=None)
@given(effects, st.sampled_from(pooling.METHODS), st.booleans())
def test_pooled_estimate_within_study_range_and_intervals_nest(data, method, knha):
    yi, vi = map(np.array, zip(*data))
    assume(np.ptp(yi) > 1e-6)  # all equal: the Hartung-Knapp variance is 0 (P undefined at 0)
    p = pooling.pool_inverse_variance(yi, vi, method, knha and method != "fixed_effect")
    assert yi.min() - 1e-9 <= p.estimate <= yi.max() + 1e-9
    assert p.conf_low <= p.estimate <= p.conf_high
    assert p.pi_low <= p.conf_low + 1e-12 and p.pi_high >= p.conf_high - 1e-12
    assert p.tau2 >= 0 and 0 <= p.i2 < 100
    assert 0 <= p.p_value <= 1
    assert p.weights.sum() == pytest.approx(100)


@settings(max_examples=100, deadline=None)
@given(effects)
def test_q_profile_interval_brackets_and_is_invariant_to_shift_and_order(data):
    yi, vi = map(np.array, zip(*data))
    h = pooling.heterogeneity(yi, vi)
    assert 0 <= h.tau2_low <= h.tau2_high
    assert 0 <= h.i2_low <= h.i2_high < 100
    shifted = pooling.heterogeneity(yi[::-1] + 1.5, vi[::-1])
    assert shifted.q == pytest.approx(h.q, rel=1e-9, abs=1e-12)
    assert shifted.tau2_high == pytest.approx(h.tau2_high, rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(effects)
def test_reml_solves_its_score_equation_or_sits_at_zero(data):
    yi, vi = map(np.array, zip(*data))
    tau2 = pooling.tau2_reml(yi, vi)
    w = 1 / (vi + tau2)
    resid = yi - np.sum(w * yi) / w.sum()
    score = np.sum(w ** 2 * resid ** 2) - (w.sum() - np.sum(w ** 2) / w.sum())
    if tau2 > 0:
        assert abs(score) <= 1e-6 * np.sum(w ** 2 * resid ** 2) + 1e-9
    else:
        assert score <= 1e-9
