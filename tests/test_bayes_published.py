"""posterior_normal against posterior summaries printed in a published Bayesian reanalysis of a
randomised trial that used the normal approximation (normal prior x normal likelihood for the
log odds ratio), the approach of Spiegelhalter DJ, Freedman LS, Parmar MKB. Bayesian approaches
to randomized trials. J R Stat Soc A 1994;157:357-416, which posterior_normal implements.

Only numbers printed in the sources are used, as inputs and as expected values. A printed value
is rounded, so each check allows half a unit of its last printed digit; where a printed *input*
is rounded too (the prior's mean and SD), the check takes the range of our outputs over the
whole rounding box of those inputs (a grid including its corners) and asks that the printed
value lie within that range widened by half a unit. With exact inputs the range is one point
and the check is plain rounding.
"""

import math

import numpy as np

from ivigstats.stats.bayes import posterior_normal

# GREAT (Grampian Region Early Anistreplase Trial): deaths by three months after anistreplase
# at home versus in hospital, 13/163 v 23/148. GREAT Group. BMJ 1992;305:548-53 (abstract, read
# at http://www.bmj.com/content/305/6853/548); the same table is printed in the book below.
DEATHS_HOME, N_HOME = 13, 163
DEATHS_HOSPITAL, N_HOSPITAL = 23, 148


def great_log_odds_ratio():
    """The book's normal likelihood: log OR and its variance with 1/2 added to every cell."""
    a, b = DEATHS_HOME + 0.5, DEATHS_HOSPITAL + 0.5
    c, d = N_HOME - DEATHS_HOME + 0.5, N_HOSPITAL - DEATHS_HOSPITAL + 0.5
    return math.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def rounding_box(centre, half_width, points=5):
    """Grid over ``centre +- half_width`` (end points included): where a rounded input may be."""
    return np.linspace(centre - half_width, centre + half_width, points)


def assert_printed(printed, decimals, values):
    """``printed`` (rounded to ``decimals``) is the rounding of some value within ``values``."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    half = 0.5 * 10.0 ** -decimals
    low, high = float(values.min()), float(values.max())
    assert low - half <= printed <= high + half, (
        f"printed {printed} not within [{low:.5f}, {high:.5f}] +- {half}")


def great_posterior(prior_means, prior_sds):
    """posterior_normal for every (prior mean, prior SD) pair of the grids (log OR scale)."""
    y, var = great_log_odds_ratio()
    m0, s0 = np.meshgrid(prior_means, prior_sds)
    return posterior_normal(math.exp(y), math.sqrt(var), m0.ravel(), s0.ravel(), mid=0.5,
                            measure="odds_ratio")


def test_great_likelihood_as_printed():
    """Spiegelhalter, Abrams & Myles (2004), ch. 3 (source in ``test_great_expert_prior``): the
    normal likelihood from the 2x2 table is log OR -0.736 with variance 0.131 (SE 0.36), a
    classical 95% interval for the OR of 0.24 to 0.97 and a two-sided P of 0.04. Under a flat
    prior our posterior is that likelihood: median OR 0.48, the interval, and twice the
    posterior probability of harm equal to the two-sided P."""
    y, var = great_log_odds_ratio()
    assert_printed(-0.736, 3, y)
    assert_printed(0.131, 3, var)
    assert_printed(0.36, 2, math.sqrt(var))
    post, p_benefit = posterior_normal(math.exp(y), math.sqrt(var), 0.0, float("inf"))
    assert_printed(0.48, 2, post.estimate)
    assert_printed(0.24, 2, post.conf_low)
    assert_printed(0.97, 2, post.conf_high)
    assert_printed(0.04, 2, 2 * (1 - p_benefit.estimate))


def test_great_expert_prior():
    """Bayesian reanalysis of GREAT with a clinical expert's prior, from Pocock SJ, Spiegelhalter
    DJ. BMJ 1992;305:1015 (letter), as worked in Spiegelhalter DJ, Abrams KR, Myles JP.
    *Bayesian Approaches to Clinical Trials and Health-Care Evaluation*. Wiley, 2004, chapter 3
    ("An overview of the Bayesian approach"), GREAT example (section 3.8 as the transcription
    places it). Read in the transcription of that chapter at
    https://github.com/hmchen47/DataScience/blob/0096e55693b42778c3372005ffa6c41d0f9f6c29/
    Notes/p01-Bayesian.md (the book itself was not
    reachable; the transcription links the chapter PDF at http://www.medicine.mcgill.ca/
    epidemiology/hanley/bios602/Bayes/an%20overview%20of%20the%20Bayesian%20approach.pdf).

    Printed inputs: prior N(-0.26, 0.13^2) on the log OR (OR 0.78, 95% interval 0.60 to 1.00,
    "n0 = 236.7"); likelihood from the 2x2 table (``test_great_likelihood_as_printed``).
    Printed outputs: posterior mean -0.31, SD 0.12, OR 0.73 with 95% interval 0.58 to 0.93,
    P(OR < 1) = 0.995 ("any treatment effect") and P(OR < 0.5) = 0.001 ("reduction at least 50%").

    The printed prior is rounded to two decimals, so the box is mean -0.26 +- 0.005 and SD
    0.13 +- 0.005 (the unrounded values implied by the printed interval, -0.255 and 0.130, lie
    inside it). The printed interval (0.58, 0.93) is exp(-0.31 +- 1.96 x 0.12) from the rounded
    posterior moments: at the box centre our lower limit is 0.575, and 0.58 is reached within
    the box (0.584 at mean -0.255, SD 0.125); that is rounding, not a different model. (The
    transcription has slips in intermediate steps, e.g. the prior's log-scale interval written
    as (-0.15, 0.00); the inputs and results used here agree with one another.)
    """
    post, p_benefit, p_half = great_posterior(rounding_box(-0.26, 0.005),
                                              rounding_box(0.13, 0.005))
    assert_printed(-0.31, 2, np.log(post.estimate))
    assert_printed(0.12, 2, post.std_error)
    assert_printed(0.73, 2, post.estimate)
    assert_printed(0.58, 2, post.conf_low)
    assert_printed(0.93, 2, post.conf_high)
    assert_printed(0.995, 3, p_benefit.estimate)
    assert_printed(0.001, 3, p_half.estimate)
    # at the printed prior itself the probabilities round to the printed ones directly
    centre = great_posterior(-0.26, 0.13)
    assert round(float(centre[1].estimate[0]), 3) == 0.995
    assert round(float(centre[2].estimate[0]), 3) == 0.001


def test_great_sceptical_prior():
    """Sensitivity analysis in the same section of Spiegelhalter, Abrams & Myles (2004; source
    and URL in ``test_great_expert_prior``): a sceptical prior centred on no effect (log OR 0)
    with a 95% interval for the OR of 0.5 to 2.0, printed as SD 0.35 ("n0 = 32.3"). Printed
    outputs: posterior mean -0.36 (OR 0.70), SD 0.25, and a probability of 8% (0.08) that the
    treatment is harmful (OR > 1).

    The prior mean 0 is exact; the SD box 0.35 +- 0.005 contains both readings of the printed
    prior, log(2)/1.96 = 0.354 and 2/sqrt(32.3) = 0.352."""
    post, p_benefit, _ = great_posterior(0.0, rounding_box(0.35, 0.005))
    assert_printed(-0.36, 2, np.log(post.estimate))
    assert_printed(0.70, 2, post.estimate)
    assert_printed(0.25, 2, post.std_error)
    assert_printed(0.08, 2, 1 - p_benefit.estimate)
