"""Conjugate-normal Bayesian reanalysis against closed forms in R and against R's numerical
integration of prior x likelihood (tests/reference/make_sensitivity.R), and properties."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats.stats.bayes import Z95, posterior_normal, prior_for

R = json.loads((Path(__file__).parent / "reference" / "sensitivity_r.json").read_text())
CASES = R["bayes"]


def col(key):
    return np.array([c[key] for c in CASES], dtype=float)


def test_against_r_closed_form_and_integration():
    post, p_benefit, p_mid = posterior_normal(np.exp(col("y")), col("se"), col("m0"), col("s0"),
                                              mid=0.9)
    np.testing.assert_allclose(np.log(post.estimate), col("mean"), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(post.std_error, col("sd"), rtol=1e-9)
    np.testing.assert_allclose(np.log(post.conf_low), col("low"), rtol=1e-9)
    np.testing.assert_allclose(np.log(post.conf_high), col("high"), rtol=1e-9)
    np.testing.assert_allclose(p_benefit.estimate, col("p_below0"), rtol=1e-9)
    np.testing.assert_allclose(p_mid.estimate, col("p_below_log09"), rtol=1e-9)
    # integrate() to rel.tol 1e-12: probabilities as areas, not formulas
    np.testing.assert_allclose(p_benefit.estimate, col("p_below0_integrated"), rtol=1e-6,
                               atol=1e-12)
    np.testing.assert_allclose(p_mid.estimate, col("p_below_log09_integrated"), rtol=1e-6,
                               atol=1e-12)


def test_difference_scale_and_higher_benefit():
    # natural scale, benefit higher: P(theta > 0) = 1 - P(theta < 0)
    _, pb = posterior_normal(np.exp(col("y")), col("se"), col("m0"), col("s0"),
                             benefit="higher")
    np.testing.assert_allclose(pb.estimate, 1 - col("p_below0"), rtol=1e-9, atol=1e-15)
    post_d, pb_d = posterior_normal(col("y"), col("se"), col("m0"), col("s0"), log_scale=False)
    np.testing.assert_allclose(post_d.estimate, col("mean"), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(pb_d.estimate, col("p_below0"), rtol=1e-9)


def test_named_priors_put_five_percent_beyond_plausible():
    # Spiegelhalter et al. 1994: sceptical N(0, s) with P(theta < log 0.75) = 0.05
    m, s = prior_for("sceptical", math.log(0.75))
    assert m == 0 and abs(0.5 * math.erfc(-(math.log(0.75) - m) / s / math.sqrt(2)) - 0.05) < 1e-12
    m, s = prior_for("enthusiastic", math.log(0.75))
    assert m == math.log(0.75) and abs(s - abs(math.log(0.75)) / Z95) < 1e-15
    assert prior_for("neutral", math.log(0.75)) == (0.0, float("inf"))
    with pytest.raises(ValueError):
        prior_for("optimistic", 0.1)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.05, 5), st.floats(0.01, 1), st.floats(-2, 2))
def test_wide_prior_tends_to_the_likelihood(ratio, se, m0):
    flat = posterior_normal(ratio, se, 0.0, float("inf"))[0]
    wide = posterior_normal(ratio, se, m0, 1e6)[0]
    assert flat.estimate[0] == pytest.approx(ratio, rel=1e-12)
    assert wide.estimate[0] == pytest.approx(ratio, rel=1e-9)
    assert wide.conf_high[0] == pytest.approx(ratio * math.exp(1.959963984540054 * se), rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.05, 5), st.floats(0.01, 1), st.floats(0.01, 3))
def test_posterior_between_prior_and_data(ratio, se, s0):
    post = posterior_normal(ratio, se, 0.0, s0)[0]
    y = math.log(ratio)
    assert min(0, y) - 1e-12 <= math.log(post.estimate[0]) <= max(0, y) + 1e-12
    assert post.std_error[0] <= min(se, s0) + 1e-15
