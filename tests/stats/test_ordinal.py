"""Ordinal family (2 arms x k ordered categories) against R: tests/reference/make_ordinal.R.

Every registered ordinal pair is compared on every fixture table (called once per k with all
tables of that k stacked, as the batch command calls it); rtol 1e-6.
"""

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from ivigstats import methods

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
FIXTURE = json.loads((REFERENCE / "ordinal_r.json").read_text())
CASES = FIXTURE["cases"]
# scipy.stats / statsmodels values on the same tables: tests/reference/make_ordinal.py
PY_CASES = json.loads((REFERENCE / "ordinal_py.json").read_text())["cases"]
FIELDS = ("estimate", "std_error", "conf_low", "conf_high", "statistic", "df", "p_value")
ORDINAL = methods.for_kind("ordinal")


def _by_k():
    groups = defaultdict(list)
    for case in CASES:
        groups[len(case["counts1"])].append(case)
    return groups


@pytest.mark.parametrize("method", ORDINAL, ids=lambda m: m.key)
def test_every_pair_has_fixture_coverage(method):
    finite = [c for c in CASES if c["expected"].get(method.key, {}).get("p_value") is not None]
    assert len(finite) >= 50, f"{method.key}: {len(finite)} fixture cases with a P value"


@pytest.mark.parametrize("method", ORDINAL, ids=lambda m: m.key)
def test_against_r(method):
    func = method.load()
    compared = 0
    for k, cases in sorted(_by_k().items()):
        res = func(np.array([c["counts1"] for c in cases]), np.array([c["counts2"] for c in cases]),
                   level=FIXTURE["conf_level"])
        assert res.measure == method.measure and res.method == method.method
        assert len(res) == len(cases)
        for field in FIELDS:
            want = [c["expected"][method.key].get(field, "absent") for c in cases]
            if all(w == "absent" for w in want):
                continue
            got = getattr(res, field)
            assert got is not None, f"{method.key}.{field} missing"
            want = np.array([np.nan if w is None else w for w in want], dtype=float)
            ids = [c["id"] for c in cases]
            nan_mismatch = [i for i, g, w in zip(ids, got, want) if np.isnan(g) != np.isnan(w)]
            assert not nan_mismatch, f"{method.key}.{field} NaN differs: {nan_mismatch}"
            ok = ~np.isnan(want)
            # atol only matters where the true value is exactly 0 (identical arms: chi-square,
            # z and log OR are 0, R returns 1e-16 to 1e-32); it is far below any rounding.
            np.testing.assert_allclose(got[ok], want[ok], rtol=1e-6, atol=1e-12,
                                       err_msg=f"{method.key}.{field} k={k}")
            compared += int(ok.sum())
    assert compared > 0


PY_KEYS = sorted({key for c in PY_CASES for key in c["expected"]})


@pytest.mark.parametrize("key", PY_KEYS)
def test_against_scipy_statsmodels(key):
    """chi2_contingency, mannwhitneyu(asymptotic, continuity), OrderedModel (coefficient)."""
    func = next(m for m in ORDINAL if m.key == key).load()
    cases = [c for c in PY_CASES if key in c["expected"]]
    assert len(cases) >= 50
    for case in cases:
        res = func(case["counts1"], case["counts2"])
        for field, want in case["expected"][key].items():
            np.testing.assert_allclose(getattr(res, field)[0], want, rtol=1e-6, atol=1e-12,
                                       err_msg=f"{key}.{field} {case['id']}")


@pytest.mark.parametrize("method", ORDINAL, ids=lambda m: m.key)
def test_row_by_row_equals_batch(method):
    func = method.load()
    cases = _by_k()[5]
    batch = func(np.array([c["counts1"] for c in cases]), np.array([c["counts2"] for c in cases]))
    for i, c in enumerate(cases):
        one = func(c["counts1"], c["counts2"])
        for field in FIELDS:
            if getattr(batch, field) is not None:
                np.testing.assert_allclose(getattr(one, field), getattr(batch, field)[i:i + 1],
                                           rtol=1e-12, equal_nan=True)
        assert one.note[0] == batch.note[i]


@pytest.mark.parametrize("method", ORDINAL, ids=lambda m: m.key)
def test_zero_rows(method):
    res = method.load()(np.zeros((0, 3)), np.zeros((0, 3)))
    assert len(res) == 0


def test_fazekas_1997_published_reference():
    """IVIG 23/40/12 vs placebo 10/46/17, improved < stable < worse (R 4.2 reference notes)."""
    from ivigstats.stats import ordinal
    a, b = [23, 40, 12], [10, 46, 17]
    # chisq.test(rbind(c(23, 40, 12), c(10, 46, 17)))$p.value
    assert round(float(ordinal.pearson_chi2(a, b).p_value[0]), 4) == 0.0413
    # wilcox.test(rep(1:3, c(23, 40, 12)), rep(1:3, c(10, 46, 17)), exact = FALSE)$p.value
    assert round(float(ordinal.probability_index_mann_whitney(a, b).p_value[0]), 4) == 0.0223
    # prop.trend.test(c(23, 40, 12), c(33, 86, 29), score = 1:3)$p.value
    assert round(float(ordinal.linear_trend(a, b).p_value[0]), 4) == 0.0225


def test_notes_on_edge_cases():
    from ivigstats.stats import ordinal
    sep = ordinal.odds_ratio_proportional_odds([0, 0, 3, 9], [4, 2, 0, 0])
    assert np.isnan(sep.estimate[0]) and "separation" in sep.note[0]
    empty = ordinal.pearson_chi2([3, 4, 5], [0, 0, 0])
    assert np.isnan(empty.p_value[0]) and "no participants" in empty.note[0]
    one = ordinal.linear_trend([0, 7, 0], [0, 4, 0])
    assert np.isnan(one.p_value[0]) and "fewer than 2" in one.note[0]
