"""Properties of the binary family that hold for every table (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats import methods

BINARY = [m for m in methods.for_kind("binary") if not m.slow]
RATIO = [m for m in BINARY if m.log_scale]
DIFFERENCE = [m for m in BINARY if m.measure == "risk_difference"]
INTERVALS = [m for m in BINARY if m.measure != "test"]


@st.composite
def tables(draw, nmax=60):
    n1, n2 = draw(st.integers(1, nmax)), draw(st.integers(1, nmax))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


def run(m, t, level=0.95, **kw):
    if m.needs_benefit:
        kw.setdefault("benefit", "higher")
    return m.load()(*t, level, **kw)


def f(x):
    return float(np.asarray(x)[0])


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_contains_estimate(t, level):
    for m in INTERVALS:
        r = run(m, t, level)
        est, low, high = f(r.estimate), f(r.conf_low), f(r.conf_high)
        if not np.isfinite(est) or m.key == "risk_difference/agresti_caffo":
            continue  # Agresti-Caffo is centred on the shrunken difference (documented)
        if m.measure == "nnt" and low > high:  # interval through infinity (Altman)
            assert est >= low or est <= high, (m.key, t)
            continue
        assert low - 1e-9 * abs(est) <= est <= high + 1e-9 * abs(est), (m.key, t, low, est, high)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_swapping_arms_inverts_ratios_and_negates_differences(t):
    swapped = (t[2], t[3], t[0], t[1])
    for m in RATIO:
        a, b = run(m, t), run(m, swapped)
        for x, y in ((a.estimate, b.estimate), (a.conf_low, b.conf_high), (a.conf_high, b.conf_low)):
            x, y = f(x), f(y)
            if np.isnan(x) or x in (0.0, np.inf):
                assert np.isnan(y) or y == (np.inf if x == 0 else 0.0 if x == np.inf else y)
            else:
                assert np.isclose(x, 1 / y, rtol=1e-8), (m.key, t)
        if a.p_value is not None:
            assert np.isclose(f(a.p_value), f(b.p_value), rtol=1e-8, equal_nan=True), m.key
    for m in DIFFERENCE:
        a, b = run(m, t), run(m, swapped)
        assert np.isclose(f(a.estimate), -f(b.estimate), atol=1e-12)
        assert np.isclose(f(a.conf_low), -f(b.conf_high), rtol=1e-8, atol=1e-12), (m.key, t)
        assert np.isclose(f(a.conf_high), -f(b.conf_low), rtol=1e-8, atol=1e-12), (m.key, t)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_p_values_are_probabilities(t):
    for m in BINARY:
        r = run(m, t)
        if r.p_value is not None:
            p = f(r.p_value)
            assert np.isnan(p) or 0 <= p <= 1, (m.key, t, p)
            assert not np.isnan(p) or r.note[0], (m.key, t, "NaN without a note")


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([0.9, 0.95, 0.99]))
def test_tests_and_intervals_agree(t, level):
    # Pairs whose P inverts the same statistic as their interval: P < alpha iff the null value
    # is outside the interval (Wald on the log or raw scale, score, mid-p).
    alpha = 1 - level
    for key, null in (("risk_ratio/katz_log", 1), ("odds_ratio/woolf_log", 1),
                      ("risk_difference/wald", 0), ("risk_difference/miettinen_nurminen", 0),
                      ("risk_ratio/koopman", 1), ("odds_ratio/mid_p", 1)):
        m = next(m for m in BINARY if m.key == key)
        r = run(m, t, level)
        p, low, high = f(r.p_value), f(r.conf_low), f(r.conf_high)
        if np.isnan(p) or abs(p - alpha) < 1e-7:
            continue
        assert (p < alpha) == (not low <= null <= high), (key, t, p, low, high)


@settings(max_examples=100, deadline=None)
@given(tables())
def test_nnt_is_the_reciprocal_of_the_newcombe_interval(t):
    nnt = next(m for m in BINARY if m.key == "nnt/newcombe")
    rd = next(m for m in BINARY if m.key == "risk_difference/newcombe")
    d = run(rd, t)
    for benefit, sign in (("higher", 1), ("lower", -1)):
        r = run(nnt, t, benefit=benefit)
        low, high = sorted((sign * f(d.conf_low), sign * f(d.conf_high)))
        with np.errstate(divide="ignore"):
            assert np.isclose(f(r.conf_low), 1 / high) or (high == 0 and f(r.conf_low) == np.inf)
            assert np.isclose(f(r.conf_high), 1 / low) or (low == 0 and np.isinf(f(r.conf_high)))


def test_vectorised_equals_row_by_row():
    rng = np.random.default_rng(7)
    n1, n2 = rng.integers(1, 40, 30), rng.integers(1, 40, 30)
    e1, e2 = rng.binomial(n1, 0.4), rng.binomial(n2, 0.1)
    for m in BINARY:
        whole = run(m, (e1, n1, e2, n2))
        for i in (0, 7, 29):
            one = run(m, (e1[i], n1[i], e2[i], n2[i]))
            for field in ("estimate", "conf_low", "conf_high", "statistic", "p_value"):
                a, b = getattr(whole, field), getattr(one, field)
                if a is not None:
                    assert np.isclose(a[i], b[0], rtol=1e-9, equal_nan=True), (m.key, field)
