"""Hypothesis properties of the ordinal family (no reference values: symmetries and ranges)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats import methods
from ivigstats.stats import ordinal

FUNCS = [m.load() for m in methods.for_kind("ordinal")]


@st.composite
def tables(draw, max_count=60):
    k = draw(st.integers(2, 7))
    rows = draw(st.integers(1, 4))
    cell = st.integers(0, max_count)
    a = np.array(draw(st.lists(st.lists(cell, min_size=k, max_size=k), min_size=rows,
                               max_size=rows)), dtype=float)
    b = np.array(draw(st.lists(st.lists(cell, min_size=k, max_size=k), min_size=rows,
                               max_size=rows)), dtype=float)
    return a, b


def _same(x, y, rtol=1e-7):
    np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-12, equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_p_values_in_unit_interval_and_nan_explained(t):
    for f in FUNCS:
        r = f(*t)
        p = r.p_value
        assert np.all((np.isnan(p)) | ((p >= 0) & (p <= 1))), f.__name__
        assert all(n for n in r.note[np.isnan(p)]), f"{f.__name__}: NaN P without a note"


@settings(max_examples=200, deadline=None)
@given(tables())
def test_interval_contains_estimate(t):
    for f in (ordinal.probability_index_mann_whitney, ordinal.odds_ratio_proportional_odds):
        r = f(*t, level=0.9)
        ok = np.isfinite(r.conf_low)
        assert np.all(r.conf_low[ok] <= r.estimate[ok] * (1 + 1e-12))
        assert np.all(r.estimate[ok] <= r.conf_high[ok] * (1 + 1e-12))
        wider = f(*t, level=0.99)
        assert np.all(wider.conf_low[ok] <= r.conf_low[ok] * (1 + 1e-12))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_swapping_arms(t):
    a, b = t
    mw, mw_s = (ordinal.probability_index_mann_whitney(*x) for x in ((a, b), (b, a)))
    _same(mw_s.estimate, 1 - mw.estimate)
    _same(mw_s.p_value, mw.p_value)
    _same(mw_s.conf_low, 1 - mw.conf_high)
    po, po_s = (ordinal.odds_ratio_proportional_odds(*x) for x in ((a, b), (b, a)))
    _same(po_s.estimate, 1 / po.estimate, rtol=1e-6)
    _same(po_s.conf_high, 1 / po.conf_low, rtol=1e-6)
    for f in (ordinal.pearson_chi2, ordinal.linear_trend):
        _same(f(b, a).statistic, f(a, b).statistic)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_reversing_category_order(t):
    a, b = t
    ra, rb = a[:, ::-1], b[:, ::-1]
    mw, mw_r = (ordinal.probability_index_mann_whitney(*x) for x in ((a, b), (ra, rb)))
    _same(mw_r.estimate, 1 - mw.estimate)
    _same(mw_r.p_value, mw.p_value)
    _same(ordinal.probability_index_mann_whitney(rb, ra).estimate, mw.estimate)
    po, po_r = (ordinal.odds_ratio_proportional_odds(*x) for x in ((a, b), (ra, rb)))
    _same(po_r.estimate, 1 / po.estimate, rtol=1e-6)
    _same(po_r.p_value, po.p_value, rtol=1e-6)
    for f in (ordinal.pearson_chi2, ordinal.linear_trend):
        _same(f(ra, rb).statistic, f(a, b).statistic)


@settings(max_examples=100, deadline=None)
@given(tables(), st.data())
def test_empty_category_is_ignored(t, data):
    a, b = t
    j = data.draw(st.integers(0, a.shape[1]))
    ea, eb = np.insert(a, j, 0, axis=1), np.insert(b, j, 0, axis=1)
    for f in (ordinal.pearson_chi2, ordinal.probability_index_mann_whitney,
              ordinal.odds_ratio_proportional_odds):
        r, e = f(a, b), f(ea, eb)
        for field in ("estimate", "std_error", "conf_low", "statistic", "df", "p_value"):
            if getattr(r, field) is not None:
                _same(getattr(e, field), getattr(r, field), rtol=1e-6)


@settings(max_examples=100, deadline=None)
@given(tables(max_count=3))
def test_small_tables_never_crash(t):
    for f in FUNCS:
        r = f(*t)
        assert len(r) == t[0].shape[0] and r.note.shape == (len(r),)
