"""log of two-sided t P values below the double range, against R's pt(log.p = TRUE)
(tests/reference/make_tails.R: df 1 to 1e8, log P -710 to -1e5)."""

import json
from pathlib import Path

import numpy as np

from ivigstats.stats.tails import log_p_t

CASES = json.loads((Path(__file__).parents[1] / "reference" / "tails_r.json").read_text())


def test_log_p_t_against_r():
    df, t, expected = (np.array([c[k] for c in CASES], dtype=float) for k in ("df", "t", "log_p"))
    got = log_p_t(df, t)
    assert len(CASES) >= 60
    # incomplete-beta form where df / (df + t^2) <= 0.9: to rounding
    with np.errstate(over="ignore"):
        beta = df / (df + t * t) <= 0.9
    np.testing.assert_allclose(got[beta], expected[beta], rtol=1e-10)
    # huge df with t < sqrt(df) / 3: the integration-by-parts bound, within 1e-3 in log P
    # (the note shows log10 P to one decimal)
    assert beta.sum() < len(CASES)
    np.testing.assert_allclose(got[~beta], expected[~beta], atol=1e-3)


def test_log_p_t_is_finite_for_any_finite_t():
    got = log_p_t([1, 5, 1e6], [1e300, 1e200, 1e150])
    assert np.all(np.isfinite(got)) and np.all(got < -690)
