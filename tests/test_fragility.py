"""Fragility index (Walsh 2014), quotient and reverse index against R loops of fisher.test and
chisq.test (tests/reference/make_sensitivity.R), the embedded trial, and properties."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats.stats.fragility import (
    fisher_p,
    fragility_index_walsh,
    fragility_quotient_walsh,
    pearson_p,
    reverse_fragility_index,
)

R = json.loads((Path(__file__).parent / "reference" / "sensitivity_r.json").read_text())
CASES = R["fragility"]
TABLES = np.array([c["table"] for c in CASES], dtype=float)


def _want(test, key):
    return np.array([np.nan if c[test][key] is None else c[test][key] for c in CASES], float)


def test_enough_cases():
    assert len(CASES) >= 50


@pytest.mark.parametrize("test", ["fisher", "chi2"])
def test_p_value_matches_r(test):
    p = (fisher_p if test == "fisher" else pearson_p)(*TABLES.T)
    np.testing.assert_allclose(p, _want(test, "p_value"), rtol=1e-6, atol=0)


@pytest.mark.parametrize("test", ["fisher", "chi2"])
def test_fragility_index_matches_r_loop(test):
    r = fragility_index_walsh(*TABLES.T, test=test)
    assert r.method == f"walsh_{test}"
    np.testing.assert_array_equal(r.estimate, _want(test, "fragility_index"))


@pytest.mark.parametrize("test", ["fisher", "chi2"])
def test_reverse_fragility_index_matches_r_loop(test):
    r = reverse_fragility_index(*TABLES.T, test=test)
    np.testing.assert_array_equal(r.estimate, _want(test, "reverse_fragility_index"))


def test_quotient_is_index_over_total():
    fi = _want("fisher", "fragility_index")
    q = fragility_quotient_walsh(*TABLES.T).estimate
    np.testing.assert_allclose(q, fi / (TABLES[:, 1] + TABLES[:, 3]), rtol=1e-15)


def test_fazekas_relapse_free():
    # R: fisher.test(matrix(c(40, 35, 26, 47), 2))$p.value = 0.03305; adding 2 relapse-free
    # placebo patients (28/73) gives P = 0.0631, 1 gives 0.0452 (make_sensitivity.R loop)
    r = fragility_index_walsh(40, 75, 26, 73)
    assert r.estimate[0] == 2
    assert "26/73 -> 28/73" in r.note[0]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.data())
def test_index_zero_exactly_when_not_significant(n1, n2, data):
    a = data.draw(st.integers(0, n1))
    c = data.draw(st.integers(0, n2))
    p = fisher_p(a, n1, c, n2)[0]
    fi = fragility_index_walsh(a, n1, c, n2).estimate[0]
    rfi = reverse_fragility_index(a, n1, c, n2).estimate[0]
    assert (fi == 0) == (p >= 0.05)
    assert (rfi == 0) == (p < 0.05)
    if fi > 0:  # the first flipped table has P >= 0.05, one fewer change does not
        arm_one = a < c or (a == c and fisher_p(a + fi, n1, c, n2)[0] >= 0.05)
        flipped = (a + fi, n1, c, n2) if arm_one else (a, n1, c + fi, n2)
        before = (a + fi - 1, n1, c, n2) if arm_one else (a, n1, c + fi - 1, n2)
        assert fisher_p(*flipped)[0] >= 0.05
        assert fisher_p(*before)[0] < 0.05


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 80), st.integers(1, 80), st.data())
def test_arm_swap_symmetry(n1, n2, data):
    a = data.draw(st.integers(0, n1))
    c = data.draw(st.integers(0, n2))
    for f in (fragility_index_walsh, reverse_fragility_index):
        x, y = f(a, n1, c, n2).estimate[0], f(c, n2, a, n1).estimate[0]
        assert x == y or (np.isnan(x) and np.isnan(y))


def test_level_sets_alpha():
    # alpha 0.10 at level 0.90: 40/75 vs 26/73 (P 0.033) needs more changes to reach 0.10
    assert fragility_index_walsh(40, 75, 26, 73, level=0.90).estimate[0] > 2


def test_large_trial_is_fast_and_agrees_with_chi2_scale():
    import time
    t0 = time.perf_counter()
    r = fragility_index_walsh(4700, 10_000, 5000, 10_000)
    assert time.perf_counter() - t0 < 2.0
    fi = r.estimate[0]
    assert fisher_p(4700 + fi, 10_000, 5000, 10_000)[0] >= 0.05
    assert fisher_p(4700 + fi - 1, 10_000, 5000, 10_000)[0] < 0.05


def test_registry_shaped_wrappers_equal_the_functions():
    from ivigstats.stats import fragility as fr
    for name, func, test in [("fragility_index_walsh_fisher", fragility_index_walsh, "fisher"),
                             ("fragility_index_walsh_chi2", fragility_index_walsh, "chi2"),
                             ("fragility_quotient_walsh_fisher", fragility_quotient_walsh,
                              "fisher"),
                             ("reverse_fragility_index_chi2", reverse_fragility_index, "chi2")]:
        wrapper = getattr(fr, name)
        assert "References" in wrapper.__doc__
        got, want = wrapper(*TABLES.T, 0.95), func(*TABLES.T, 0.95, test=test)
        assert f"{got.measure}_{got.method}" == name
        np.testing.assert_array_equal(got.estimate, want.estimate)


def test_trials_too_big_to_search_are_not_searched_and_say_so():
    # issue 8: n = 10^9 per arm took minutes; now NaN with the reason, P Pearson's (the bound)
    from ivigstats.stats.fragility import fragility_index_walsh, reverse_fragility_index
    r = fragility_index_walsh(500_000_000, 10**9, 400_000_000, 10**9)
    assert np.isnan(r.estimate[0]) and "not computed: n1 + n2 > 200,000" in r.note[0]
    assert r.p_value[0] == np.nextafter(0, 1) and "below the smallest positive" in r.note[0]
    s = reverse_fragility_index(100_000, 10**6, 100_100, 10**6)   # not significant
    assert np.isnan(s.estimate[0]) and "not computed" in s.note[0]
