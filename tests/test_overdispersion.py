"""Quasi-Poisson and negative-binomial rate ratios and the dispersion from per-patient rates,
against R glm(family = quasipoisson) and MASS::glm.nb fitted to simulated patient-level
counts (tests/reference/make_sensitivity.R)."""

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats.stats.overdispersion import (
    dispersion_from_rates,
    phi_grid,
    rate_ratio_negative_binomial,
    rate_ratio_quasi_poisson,
)

R = json.loads((Path(__file__).parent / "reference" / "sensitivity_r.json").read_text())
FITS = R["overdispersion"]


def col(key, sub=None):
    return np.array([f[sub][key] if sub else f[key] for f in FITS], dtype=float)


def test_enough_fits():
    assert len(FITS) >= 25


def test_dispersion_from_mean_and_sd_equals_glm_quasipoisson():
    phi, _ = dispersion_from_rates(col("rate_mean1"), col("rate_sd1"), col("n1"),
                                   col("rate_mean2"), col("rate_sd2"), col("n2"), col("years"))
    np.testing.assert_allclose(phi, col("phi", "quasi_poisson"), rtol=1e-6)


def test_quasi_poisson_at_glm_dispersion_equals_glm():
    r = rate_ratio_quasi_poisson(col("events1"), col("time1"), col("events2"), col("time2"),
                                 phi=col("phi", "quasi_poisson"))
    for field in ("estimate", "std_error", "conf_low", "conf_high"):
        np.testing.assert_allclose(getattr(r, field), col(field, "quasi_poisson"), rtol=1e-6)
    # the Wald z from R's coefficient and SE; P is ndtr of it. R's own P differs by up to
    # 1.6e-6 relative at P ~ 1e-10 (z^2 times glm's ~4e-8 convergence error in the SE)
    z = np.log(col("estimate", "quasi_poisson")) / col("std_error", "quasi_poisson")
    np.testing.assert_allclose(r.statistic, z, rtol=1e-6)
    big = col("p_value_z", "quasi_poisson") > 1e-4
    np.testing.assert_allclose(r.p_value[big], col("p_value_z", "quasi_poisson")[big], rtol=1e-6)


def test_negative_binomial_at_glm_nb_theta_equals_glm_nb():
    r = rate_ratio_negative_binomial(col("events1"), col("time1"), col("events2"), col("time2"),
                                     k=col("theta", "negative_binomial"), n1=col("n1"),
                                     n2=col("n2"))
    # glm.nb converges to ~1e-8 in theta, so its SE agrees to that order
    np.testing.assert_allclose(r.estimate, col("estimate", "negative_binomial"), rtol=1e-6)
    np.testing.assert_allclose(r.std_error, col("std_error", "negative_binomial"), rtol=1e-6)
    z = np.log(col("estimate", "negative_binomial")) / col("std_error", "negative_binomial")
    np.testing.assert_allclose(r.statistic, z, rtol=1e-6)


def test_fazekas_dispersion():
    # placebo 1.26 +- 2.2, IVIG 0.52 +- 0.85 relapses/year, n 73 and 75, 2 years:
    # (72 * 4.4^2 / 2.52 + 74 * 1.7^2 / 1.04) / 146 = 5.197 (hand computation)
    phi, k = dispersion_from_rates(0.52, 0.85, 75, 1.26, 2.2, 73, 2.0)
    assert round(float(phi[0]), 3) == 5.197
    assert 0 < k[0] < 1


def test_grid_names_and_phi_one_is_poisson_wald():
    grid = phi_grid(62, 150, 116, 146)
    assert [g.method for g in grid] == ["quasi_poisson_phi1", "quasi_poisson_phi1.5",
                                        "quasi_poisson_phi2", "quasi_poisson_phi3"]
    # Poisson Wald: SE = sqrt(1/62 + 1/116) (R: sqrt(1/62 + 1/116) = 0.157318)
    assert abs(grid[0].std_error[0] - np.sqrt(1 / 62 + 1 / 116)) < 1e-15


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.floats(1, 10), st.floats(1, 10))
def test_wider_with_more_dispersion(e1, e2, phi_a, phi_b):
    lo, hi = sorted((phi_a, phi_b))
    a = rate_ratio_quasi_poisson(e1, 100, e2, 120, phi=lo)
    b = rate_ratio_quasi_poisson(e1, 100, e2, 120, phi=hi)
    assert b.conf_low[0] <= a.conf_low[0] <= a.estimate[0] <= a.conf_high[0] <= b.conf_high[0]
    assert b.p_value[0] >= a.p_value[0] - 1e-15
