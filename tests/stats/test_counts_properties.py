"""Properties of the count family that hold for every rate table (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats import methods

# The quasi-Poisson grid is checked against R glm(quasipoisson) in tests/test_overdispersion.py
COUNT = [m for m in methods.for_kind("count") if not m.method.startswith("quasi_poisson")]
RATIO = [m for m in COUNT if m.log_scale]
INTERVALS = [m for m in COUNT if m.measure != "test"]
RATE = next(m for m in methods.for_kind("count", per_arm=True) if m.key == "rate/exact")

times = st.floats(0.5, 1e5, allow_nan=False).map(lambda t: float(f"{t:.6g}"))
small = st.integers(0, 60)
counts = st.one_of(small, small, st.integers(0, 3000), st.integers(0, 100_000))


@st.composite
def tables(draw, events=counts):
    return draw(events), draw(times), draw(events), draw(times)


def run(m, t, level=0.95):
    return m.load()(*t, level)


def f(x):
    return float(np.asarray(x)[0])


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_contains_estimate(t, level):
    for m in INTERVALS:
        r = run(m, t, level)
        est, low, high = f(r.estimate), f(r.conf_low), f(r.conf_high)
        if np.isnan(est):
            assert r.note[0], m.key
            continue
        assert low - 1e-9 * abs(est) <= est <= high + 1e-9 * abs(est), (m.key, t, low, est, high)


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([0.9, 0.95, 0.99]))
def test_rate_interval_contains_rate(t, level):
    r = RATE.load()(t[0], t[1], level)
    assert f(r.conf_low) <= f(r.estimate) <= f(r.conf_high)
    assert f(r.conf_low) == 0 or t[0] > 0


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
                assert np.isclose(x, 1 / y, rtol=1e-8), (m.key, t, x, y)
        assert np.isclose(f(a.p_value), f(b.p_value), rtol=1e-8, equal_nan=True), (m.key, t)
    d = next(m for m in COUNT if m.key == "rate_difference/wald")
    a, b = run(d, t), run(d, swapped)
    assert f(a.estimate) == -f(b.estimate)
    assert np.isclose(f(a.conf_low), -f(b.conf_high), rtol=1e-12)
    e = next(m for m in COUNT if m.key == "test/poisson_etest")
    assert np.isclose(f(run(e, t).p_value), f(run(e, swapped).p_value), rtol=1e-8), t


@settings(max_examples=150, deadline=None)
@given(tables())
def test_p_values_are_probabilities(t):
    for m in COUNT:
        r = run(m, t)
        p = f(r.p_value)
        assert np.isnan(p) or 0 <= p <= 1, (m.key, t, p)
        assert not np.isnan(p) or r.note[0], (m.key, t, "NaN without a note")


@settings(max_examples=150, deadline=None)
@given(tables(st.one_of(small, st.integers(0, 3000))), st.sampled_from([0.9, 0.95, 0.99]))
def test_p_at_a_confidence_limit_is_alpha(t, level):
    # The score and mid-p intervals invert their own two-sided tests, so testing RR0 = a limit
    # gives P = alpha. A null RR0 is tested as RR = 1 with arm 1's time scaled by RR0
    # (pi = RR t1 / (RR t1 + t2) and u = RR t1 / t2 depend on RR t1 only). The exact
    # conditional pair is not included: its Clopper-Pearson limits invert two one-sided tests,
    # its P is R's "minlike" two-sided rule, and the two need not agree (Fay 2010).
    x1, t1, x2, t2 = t
    for key in ("rate_ratio/score", "rate_ratio/mid_p"):
        m = next(m for m in COUNT if m.key == key)
        r = run(m, t, level)
        for limit in (f(r.conf_low), f(r.conf_high)):
            if 0 < limit < np.inf:
                p = f(run(m, (x1, t1 * limit, x2, t2), level).p_value)
                assert np.isclose(p, 1 - level, rtol=1e-6), (key, t, limit, p)


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([0.9, 0.95, 0.99]))
def test_tests_and_intervals_agree(t, level):
    # P < alpha iff the null value lies outside the interval, for pairs whose P and interval
    # come from one statistic (Wald log, Wald difference, score, mid-p).
    alpha = 1 - level
    for key, null in (("rate_ratio/wald_log", 1), ("rate_difference/wald", 0),
                      ("rate_ratio/score", 1), ("rate_ratio/mid_p", 1)):
        m = next(m for m in COUNT if m.key == key)
        r = run(m, t, level)
        p, low, high = f(r.p_value), f(r.conf_low), f(r.conf_high)
        if np.isnan(p) or abs(p - alpha) < 1e-7:
            continue
        assert (p < alpha) == (not low <= null <= high), (key, t, p, low, high)


def test_vectorised_equals_row_by_row():
    rng = np.random.default_rng(11)
    t1, t2 = rng.uniform(0.5, 500, 30), rng.uniform(0.5, 500, 30)
    x1, x2 = rng.poisson(0.3 * t1), rng.poisson(0.1 * t2)
    x1[3], x2[3], x2[7] = 0, 0, 0
    for m in COUNT:
        whole = run(m, (x1, t1, x2, t2))
        for i in (0, 3, 7, 29):
            one = run(m, (x1[i], t1[i], x2[i], t2[i]))
            for field in ("estimate", "conf_low", "conf_high", "statistic", "p_value"):
                a, b = getattr(whole, field), getattr(one, field)
                if a is not None:
                    assert np.isclose(a[i], b[0], rtol=1e-9, equal_nan=True), (m.key, field)
