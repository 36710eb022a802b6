"""SD from SE, CI, t and P (one arm or a difference) and mean/SD from median with IQR/range,
against R (tests/reference/make_sensitivity.R) and the Cochrane Handbook's worked example."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats.stats import conversions as cv
from ivigstats.stats import median_iqr as mq

R = json.loads((Path(__file__).parent / "reference" / "sensitivity_r.json").read_text())
CONV = R["conversions"]
QUANT = R["quantiles"]


def col(rows, key):
    return np.array([r[key] for r in rows], dtype=float)


def test_sd_from_t_and_p_against_r():
    est, t, p = col(CONV, "estimate"), col(CONV, "t"), col(CONV, "p")
    n1, n2 = col(CONV, "n1"), col(CONV, "n2")
    np.testing.assert_allclose(cv.sd_from_t(est, t, n1), col(CONV, "sd_from_t_one"), rtol=1e-12)
    np.testing.assert_allclose(cv.sd_from_t(est, t, n1, n2), col(CONV, "sd_from_t_diff"),
                               rtol=1e-12)
    np.testing.assert_allclose(cv.sd_from_p(est, p, n1), col(CONV, "sd_from_p_one_t"), rtol=1e-9)
    np.testing.assert_allclose(cv.sd_from_p(est, p, n1, n2), col(CONV, "sd_from_p_diff_t"),
                               rtol=1e-9)
    np.testing.assert_allclose(cv.sd_from_p(est, p, n1, n2, distribution="z"),
                               col(CONV, "sd_from_p_diff_z"), rtol=1e-9)


def test_sd_from_se_and_ci_of_a_difference_against_r():
    n1, n2 = col(CONV, "n1"), col(CONV, "n2")
    np.testing.assert_allclose(cv.sd_from_se_difference(col(CONV, "se"), n1, n2),
                               col(CONV, "sd_from_se_diff"), rtol=1e-12)
    for dist in ("t", "z"):
        got = np.array([cv.sd_from_ci_difference(c["low"], c["high"], c["n1"], c["n2"],
                                                 c["level"], dist)[0] for c in CONV])
        np.testing.assert_allclose(got, col(CONV, f"sd_from_ci_diff_{dist}"), rtol=1e-9)


def test_cochrane_handbook_worked_example():
    # Handbook 6.5.2.3: MD 3.8, P = 0.008, n 25 and 22 -> t = 2.78 (tinv(0.008, 45)),
    # SE = 3.8 / 2.78 = 1.37, SD = 1.37 / sqrt(1/25 + 1/22) = 4.69 (each step rounded).
    assert round(float(cv.sd_from_t(3.8, 2.78, 25, 22)[0] * np.sqrt(1 / 25 + 1 / 22)), 2) == 1.37
    assert round(float(cv.sd_from_se_difference(1.37, 25, 22)[0]), 2) == 4.69
    # unrounded: R qt(0.996, 45) = 2.775545, SD = 4.683469
    assert cv.sd_from_p(3.8, 0.008, 25, 22)[0] == pytest.approx(4.683469341, rel=1e-9)


def test_existing_signatures_unchanged():
    assert cv.sd_from_se(0.1, 100)[0] == pytest.approx(1.0)
    assert round(float(cv.sd_from_ci(-0.13, 0.37, 73)[0]), 4) == 1.0715


@pytest.mark.parametrize("method,func,kw", [
    ("luo_range", mq.mean_luo, ("median", "min", "max")),
    ("luo_iqr", mq.mean_luo, ("median", "q1", "q3")),
    ("luo_five", mq.mean_luo, ("median", "min", "q1", "q3", "max")),
    ("wan_mean_range", mq.mean_wan, ("median", "min", "max")),
    ("wan_mean_iqr", mq.mean_wan, ("median", "q1", "q3")),
    ("wan_mean_five", mq.mean_wan, ("median", "min", "q1", "q3", "max")),
])
def test_means_against_r(method, func, kw):
    names = {"min": "minimum", "max": "maximum", "q1": "q1", "q3": "q3"}
    args = {names[k]: col(QUANT, k) for k in kw if k != "median"}
    got = func(col(QUANT, "n"), col(QUANT, "median"), **args)
    np.testing.assert_allclose(got, col(QUANT, method), rtol=1e-12)


def test_sds_against_r():
    n, a, q1, q3, b = (col(QUANT, k) for k in ("n", "min", "q1", "q3", "max"))
    np.testing.assert_allclose(mq.sd_wan(n, minimum=a, maximum=b), col(QUANT, "wan_sd_range"),
                               rtol=1e-12)
    np.testing.assert_allclose(mq.sd_wan(n, q1=q1, q3=q3), col(QUANT, "wan_sd_iqr"), rtol=1e-12)
    np.testing.assert_allclose(mq.sd_wan(n, minimum=a, q1=q1, q3=q3, maximum=b),
                               col(QUANT, "wan_sd_five"), rtol=1e-12)
    np.testing.assert_allclose(mq.sd_shi(n, minimum=a, q1=q1, q3=q3, maximum=b),
                               col(QUANT, "shi_sd_five"), rtol=1e-12)


def test_rows_name_scenario_and_author():
    mean, sd = mq.mean_sd_from_quantiles(50, 10, minimum=2, q1=8, q3=13, maximum=25)
    assert (mean.measure, mean.method, sd.method) == ("mean", "luo_five", "shi_five")
    mean, sd = mq.mean_sd_from_quantiles(50, 10, minimum=2, maximum=25, mean_method="wan")
    assert (mean.method, sd.method) == ("wan_range", "wan_range")


@settings(max_examples=200, deadline=None)
@given(st.integers(5, 100_000), st.floats(-100, 100), st.floats(0.01, 50), st.floats(0.01, 50))
def test_symmetric_summaries_give_the_median(n, m, half_iqr, extra):
    # for symmetric quantiles every mean estimator returns the median
    kw = {"minimum": m - half_iqr - extra, "q1": m - half_iqr, "q3": m + half_iqr,
          "maximum": m + half_iqr + extra}
    for f in (mq.mean_luo, mq.mean_wan):
        assert f(n, m, **kw)[0] == pytest.approx(m, abs=1e-9 * (1 + abs(m) + half_iqr + extra))
    sd_shi = mq.sd_shi(n, **kw)[0]
    lo, hi = sorted((mq.sd_wan(n, q1=kw["q1"], q3=kw["q3"])[0],
                     mq.sd_wan(n, minimum=kw["minimum"], maximum=kw["maximum"])[0]))
    assert lo - 1e-12 <= sd_shi <= hi + 1e-12  # a weighted average of the two


def test_large_normal_sample_recovers_mean_and_sd():
    # n = 200,001 draws from N(10, 2^2): sample quartiles -> SD near 2 (Wan's eta is the
    # expected IQR of standard normals)
    x = np.sort(np.random.default_rng(14).normal(10, 2, 200_001))
    q1, m, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    assert mq.sd_wan(x.size, q1=q1, q3=q3)[0] == pytest.approx(x.std(ddof=1), rel=0.01)
    assert mq.mean_luo(x.size, m, q1=q1, q3=q3)[0] == pytest.approx(x.mean(), abs=0.01)
