"""The count (rate) family against R (make_counts.R) and statsmodels (make_counts.py).

Every registered count pair must have fixture coverage; each is compared field by field at
relative tolerance 1e-6 (absolute 1e-12 only for fields that are 0 up to rounding, never for
P values). The embedded trial's relapse numbers are checked beside, with the R call.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from ivigstats import methods

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "counts_r.json").read_text())
PY = json.loads((REF / "counts_py.json").read_text())
# The quasi-Poisson grid is checked against R glm(quasipoisson) in tests/test_overdispersion.py
COUNT = [m for m in methods.for_kind("count") if not m.method.startswith("quasi_poisson")]
RATE = next(m for m in methods.for_kind("count", per_arm=True) if m.key == "rate/exact")
FIELDS = ("estimate", "std_error", "conf_low", "conf_high", "statistic", "df", "p_value")
RTOL = 1e-6
MIN_CASES = 50
UNDERFLOW = 1e-300


def _num(v):
    if v is None or v in ("NA", "NaN"):
        return math.nan
    return {"Inf": math.inf, "-Inf": -math.inf}.get(v, v) if isinstance(v, str) else float(v)


def _cases(source, key):
    """(tables, expected dicts) of the cases where ``source`` has ``key`` without an error."""
    rows = [(c["table"], c["expected"][key]) for c in source["cases"]
            if key in c["expected"] and "error" not in c["expected"][key]]
    tables = np.array([t for t, _ in rows], dtype=float).reshape(-1, 4)
    return tables, [e for _, e in rows]


def _compare(result, tables, expected, label, deviations=None):
    """Assert ``result`` equals ``expected`` in every field the fixture has."""
    failures = []
    for field in FIELDS:
        present = np.array([field in e for e in expected])
        if not present.any():
            continue
        want = np.array([_num(e.get(field)) for e in expected])
        got = getattr(result, field)
        assert got is not None, f"{label}: {field} is None but the fixture has it"
        got = np.asarray(got, dtype=float)
        if deviations is not None:
            want = deviations(field, want, expected)
        both_nan = np.isnan(got) & np.isnan(want)
        atol = 0.0 if field == "p_value" else 1e-12
        ok = both_nan | (got == want) | np.isclose(got, want, rtol=RTOL, atol=atol)
        if field == "p_value":  # below 1e-300 R returns underflow debris (5e-324, 1e-323)
            ok |= (got < UNDERFLOW) & (want < UNDERFLOW)
        for i in np.flatnonzero(present & ~ok)[:5]:
            failures.append(f"{field} {tables[i].tolist()}: got {got[i]!r}, expected {want[i]!r}")
    assert not failures, f"{label}:\n" + "\n".join(failures)


def _ird_deviation(field, want, expected):
    # Documented: with no events in either arm the SE is 0; metafor's z is NaN and its P NaN
    # (or 1); ivigstats returns NaN for both, with a note.
    if field in ("statistic", "p_value"):
        se0 = np.array([_num(e.get("std_error", math.nan)) == 0 for e in expected])
        return np.where(se0, np.nan, want)
    return want


SOURCES = {"R": R, "py": PY}


def _key(m):
    return f"{m.measure}.{m.method}"


@pytest.mark.parametrize("m", COUNT + [RATE], ids=lambda m: m.key)
def test_every_pair_has_fixture_coverage(m):
    key = "rate.exact.arm1" if m is RATE else _key(m)
    n = sum(len(_cases(src, key)[1]) for src in SOURCES.values())
    assert n >= MIN_CASES, f"{m.key}: only {n} fixture cases"


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("m", COUNT, ids=lambda m: m.key)
def test_against_reference(m, source):
    tables, expected = _cases(SOURCES[source], _key(m))
    if not expected:
        pytest.skip(f"{source} has no {m.key} values (the other source covers it)")
    deviations = _ird_deviation if m.key == "rate_difference/wald" else None
    result = m.load()(tables[:, 0], tables[:, 1], tables[:, 2], tables[:, 3], 0.95)
    assert result.measure == m.measure and result.method == m.method
    assert len(result) == len(tables)
    _compare(result, tables, expected, f"{m.key} vs {source}", deviations)


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("arm", [1, 2])
def test_rate_exact_against_reference(arm, source):
    tables, expected = _cases(SOURCES[source], f"rate.exact.arm{arm}")
    x, t = tables[:, 2 * arm - 2], tables[:, 2 * arm - 1]
    result = RATE.load()(x, t, 0.95)
    assert (result.measure, result.method) == ("rate", "exact")
    _compare(result, tables, expected, f"rate/exact arm {arm} vs {source}")


def test_mid_p_agrees_with_epitools_to_its_root_tolerance():
    # epitools::rateratio.midp finds roots with uniroot's default tolerance (1.2e-4 on the
    # binomial proportion); the tight R values (same definitions, tol 1e-13) are checked at 1e-6
    # above. Here: agreement to that tolerance on the proportion scale pi = RR t1/(RR t1 + t2).
    from ivigstats.stats import counts

    tables, expected = _cases(R, "rate_ratio.mid_p.epitools")
    assert len(expected) >= MIN_CASES
    res = counts.rate_ratio_mid_p(*tables.T)
    t1, t2 = tables[:, 1], tables[:, 3]
    for field in ("estimate", "conf_low", "conf_high"):
        want = np.array([_num(e[field]) for e in expected])
        got = np.asarray(getattr(res, field), float)
        with np.errstate(invalid="ignore"):
            pi_want = np.where(np.isinf(want), 1.0, want * t1 / (want * t1 + t2))
            pi_got = np.where(np.isinf(got), 1.0, got * t1 / (got * t1 + t2))
        np.testing.assert_allclose(pi_got, pi_want, atol=5e-4, err_msg=field)
    # epitools' P is 2 min(L, 1 - L): the complement cancels below ~1e-9 (tight R values cover
    # the tail), so compare where it still carries its digits.
    want = np.array([_num(e["p_value"]) for e in expected])
    keep = want > 1e-9
    assert keep.sum() >= MIN_CASES
    np.testing.assert_allclose(np.asarray(res.p_value)[keep], want[keep], rtol=RTOL)


def test_double_zero_follows_the_documented_convention():
    # R poisson.test and epitools stop on x1 + x2 = 0 (recorded as errors in counts_r.json); the
    # conditional distribution is then a point mass, so ivigstats reports estimate NaN,
    # interval [0, inf] and P 1, with a note, for every ratio method that conditions on the total.
    from ivigstats.stats import counts

    assert "error" in R["cases"][1]["expected"]["rate_ratio.exact_conditional"]
    for name in ("rate_ratio_exact_conditional", "rate_ratio_mid_p", "rate_ratio_score"):
        r = getattr(counts, name)([0, 0], [1.0, 3.5], [0, 0], [1.0, 1e5])
        assert np.isnan(r.estimate).all(), name
        assert (r.conf_low == 0).all() and np.isinf(r.conf_high).all(), name
        assert (r.p_value == 1).all(), name
        assert all("no events in either arm" in n for n in r.note), name
    e = counts.poisson_etest(0, 1.0, 0, 2.0)
    assert e.p_value[0] == 1 and "no events" in e.note[0]
    d = counts.rate_difference_wald(0, 1.0, 0, 2.0)
    assert d.estimate[0] == 0 and d.std_error[0] == 0 and np.isnan(d.p_value[0])
    w = counts.rate_ratio_wald_log(0, 1.0, 0, 2.0)
    assert "0.5 added" in w.note[0] and np.isfinite(w.estimate[0])


def test_etest_references_cover_all_but_the_largest_tables():
    # statsmodels' E-test sums a (grid size)^2 array and the brute-force double sum a window of
    # +-40 SD + 50 per arm: neither fits in memory for tens of thousands of events. Those tables
    # (recorded as errors, all with more than 3,000 events in an arm) have no E-test reference;
    # the same code path is checked on every smaller table.
    def ok(key):
        return {tuple(c["table"]) for c in PY["cases"] if "error" not in c["expected"][key]}

    covered = ok("test.poisson_etest") | ok("test.poisson_etest.bruteforce")
    uncovered = [tuple(c["table"]) for c in PY["cases"] if tuple(c["table"]) not in covered]
    assert len(covered) >= 500
    assert all(max(t[0], t[2]) > 3000 for t in uncovered), uncovered


def test_etest_against_bruteforce_double_sum():
    from ivigstats.stats import counts

    tables, expected = _cases(PY, "test.poisson_etest.bruteforce")
    assert len(expected) >= 20
    _compare(counts.poisson_etest(*tables.T), tables, expected, "E-test vs brute force")


def test_fazekas_relapses():
    # Fazekas F et al. Lancet 1997;349:589-593: 62 relapses over 150 person-years (IVIG) vs
    # 116 over 146 (placebo). R: poisson.test(c(62, 116), c(150, 146)) gives
    # 0.520229885057471 (0.375860398414434, 0.714121705494892), P 2.37633518998988e-05.
    from ivigstats.stats import counts

    r = counts.rate_ratio_exact_conditional(62, 150, 116, 146)
    np.testing.assert_allclose([r.estimate[0], r.conf_low[0], r.conf_high[0], r.p_value[0]],
                               [0.520229885057471, 0.375860398414434, 0.714121705494892,
                                2.37633518998988e-05], rtol=RTOL)


def test_tiny_p_values_survive():
    # 1e5 vs 0 events over equal time: every P is far below 1e-300 or exactly representable;
    # 700 vs 100 events: P ~ 1e-110, not flushed to 0 by computing 1 - cdf.
    from ivigstats.stats import counts

    for name in ("rate_ratio_exact_conditional", "rate_ratio_mid_p", "rate_ratio_score",
                 "rate_ratio_wald_log", "rate_difference_wald", "poisson_etest"):
        p = float(getattr(counts, name)(700, 1000.0, 100, 1000.0).p_value[0])
        assert 0 < p < 1e-50, name


def test_level_is_validated():
    from ivigstats.stats import counts

    with pytest.raises(ValueError, match="level"):
        counts.rate_ratio_exact_conditional(1, 1.0, 2, 1.0, level=95)
