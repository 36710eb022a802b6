"""Invariants of the continuous family (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats import methods

PAIRS = methods.for_kind("continuous")
SYMMETRIC = [m for m in PAIRS if m.key != "smd/glass_delta"]  # delta uses the control SD

mean = st.floats(0.01, 1e4, allow_nan=False)
sd = st.floats(0.01, 1e3, allow_nan=False)
n = st.integers(3, 10**6)
arms = st.tuples(mean, sd, n, mean, sd, n)


@settings(max_examples=300, deadline=None)
@given(arms, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_holds_estimate_and_p_in_unit_interval(a, level):
    for m in PAIRS:
        r = m.load()(*a, level=level)
        est, lo, hi, p = (float(np.asarray(v)[0]) for v in
                          (r.estimate, r.conf_low, r.conf_high, r.p_value))
        assert lo <= est <= hi, m.key
        assert 0 <= p <= 1, m.key


@settings(max_examples=300, deadline=None)
@given(arms)
def test_swapping_arms_negates_differences_and_inverts_ratios(a):
    swapped = a[3:] + a[:3]
    for m in SYMMETRIC:
        r, s = m.load()(*a), m.load()(*swapped)
        if m.log_scale:
            np.testing.assert_allclose(np.log(r.estimate), -np.log(s.estimate), atol=1e-9)
            with np.errstate(divide="ignore"):  # limits 0 and inf on a huge log-scale SE
                np.testing.assert_allclose(np.log(r.conf_low), -np.log(s.conf_high), atol=1e-9)
        else:
            np.testing.assert_allclose(r.estimate, -s.estimate, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(r.conf_low, -s.conf_high, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(r.p_value, s.p_value, rtol=1e-9)


@settings(max_examples=300, deadline=None)
@given(arms)
def test_interval_excludes_null_exactly_when_p_below_alpha(a):
    # Test and interval come from the same statistic, so they must agree (statsmodels'
    # consistency check); skip values within 1e-9 of the boundary.
    for m in PAIRS:
        r = m.load()(*a, level=0.95)
        p, lo, hi = float(r.p_value[0]), float(r.conf_low[0]), float(r.conf_high[0])
        null = 1.0 if m.log_scale else 0.0
        if abs(p - 0.05) > 1e-9:
            assert (p < 0.05) == (lo > null or hi < null), m.key
