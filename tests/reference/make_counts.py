"""Second set of expected values for the count family, from statsmodels and scipy.stats.

Rerun from the repository root, after make_counts.R (it reuses that file's tables):
    python tests/reference/make_counts.py
Needs (pip, tests only): statsmodels >= 0.14, scipy >= 1.11. No ivigstats code is used.

- rate_ratio.score: statsmodels test_poisson_2indep / confint_poisson_2indep(method="score").
  Its interval comes from optimize.fmin on (p - alpha)^2 (xtol 1e-8 on the ratio), which is
  not always converged to 1e-6; a limit is kept only where statsmodels' own score P crosses
  alpha within a relative 1e-7 of it, otherwise the case records why (R's uniroot values,
  tol 1e-13, cover every case).
- test.poisson_etest: statsmodels etest_poisson_2indep (what test_poisson_2indep(method="etest")
  calls) with a y_grid reaching 40 SD + 50 beyond the null means and the observed counts; the
  default call (grid to the Poisson isf(1e-13), which loses relative digits once P < ~1e-7) is
  kept beside as p_value_default_grid. The (grid size)^2 array cannot be held in memory for
  large counts: those cases record an error. "test.poisson_etest.bruteforce" is the E-test's double sum written out here
  with scipy.stats over a window of +-40 SD + 50 around both null means (and the observed
  counts), for every case whose window has at most 1e8 cells.
- rate_ratio.exact_conditional: scipy.stats.binomtest (its two-sided rule is R's, relative
  tolerance 1e-7) and proportion_ci(method="exact") on the conditional binomial; a limit is
  kept only where scipy's brentq tolerance (2e-12 on the proportion) leaves 1e-8 on the ratio.
- rate_ratio.wald_log (no zero count), rate_difference.wald: statsmodels "wald-log" / "wald".
- rate.exact: scipy.stats.chi2 quantiles (Garwood 1936).
"""

import json
import math
import warnings
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.rates import (
    confint_poisson_2indep,
    etest_poisson_2indep,
    test_poisson_2indep,
)

HERE = Path(__file__).resolve().parent
ALPHA = 0.05
GRID_MAX = 5000  # statsmodels' E-test grid side; beyond it each (side)^2 array > 200 MB
BRUTE_CELLS = 1e8


def num(x):
    x = float(x)
    return "NaN" if math.isnan(x) else ("Inf" if x == math.inf else ("-Inf" if x == -math.inf else x))


def attempt(fn, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*args)
            return out if "error" in out else {k: num(v) for k, v in out.items()}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}


def score(x1, t1, x2, t2):
    if x1 + x2 == 0:
        return {"error": "no events: statsmodels returns NaN"}
    t = test_poisson_2indep(x1, t1, x2, t2, method="score")
    low, high = confint_poisson_2indep(x1, t1, x2, t2, method="score", alpha=ALPHA)
    out = {"statistic": t.statistic, "p_value": t.pvalue}
    for name, limit, zero in (("conf_low", low, x1 == 0), ("conf_high", high, x2 == 0)):
        if zero:
            continue  # statsmodels' fmin cannot reach 0 or infinity
        # kept only if statsmodels' own score P crosses alpha within 1e-7 (relative) of it
        p_near = [test_poisson_2indep(x1, t1, x2, t2, value=limit * f, method="score").pvalue
                  for f in (1 - 1e-7, 1 + 1e-7)]
        est = np.inf if x2 == 0 else (x1 / t1) / (x2 / t2)
        wrong_side = limit > est if name == "conf_low" else limit < est
        if wrong_side:  # fmin from the Wald start can land on the other root
            return {"error": f"statsmodels {name} {limit!r} on the wrong side of {est!r}"}
        if not (min(p_near) <= ALPHA <= max(p_near)):
            return {"error": f"statsmodels {name} {limit!r} not converged: score P "
                             f"{p_near[0]!r} to {p_near[1]!r} within 1e-7 of it"}
        out[name] = limit
    out["estimate"] = np.inf if x2 == 0 else (x1 / t1) / (x2 / t2)
    return out


def etest(x1, t1, x2, t2):
    # statsmodels' default grid stops where the Poisson tail is 1e-13, which costs relative
    # digits once P < ~1e-7; the same function with a grid reaching 40 SD + 50 beyond both the
    # null means and the observed counts is the expected value (the default is kept beside).
    n = x1 + x2
    top = math.ceil(max(max(m, x) + 40 * math.sqrt(max(m, x)) + 50
                        for m, x in ((n * t1 / (t1 + t2), x1), (n * t2 / (t1 + t2), x2))))
    if top > GRID_MAX:
        return {"error": f"skipped: statsmodels' E-test sums a (grid size)^2 array, "
                         f"grid size {top + 1} > {GRID_MAX}"}
    t = test_poisson_2indep(x1, t1, x2, t2, method="etest")
    stat, p = etest_poisson_2indep(x1, t1, x2, t2, y_grid=np.arange(top + 1))
    return {"statistic": stat, "p_value": p, "p_value_default_grid": t.pvalue}


def etest_bruteforce(x1, t1, x2, t2):
    """P(|T(K1, K2)| >= |T(x1, x2)| - 1e-15) under independent Poisson null means."""
    n = x1 + x2
    if n == 0:
        return {"statistic": 0.0, "p_value": 1.0}
    u = t1 / t2
    mu1, mu2 = n * t1 / (t1 + t2), n * t2 / (t1 + t2)

    def stat(k1, k2):
        return (k1 - k2 * u) / np.sqrt((k1 + k2) * u + 1e-20)

    def window(mu, x):
        c = max(mu, x)
        return np.arange(max(0, math.floor(min(mu, x) - 40 * math.sqrt(c) - 50)),
                         math.ceil(c + 40 * math.sqrt(c) + 50) + 1, dtype=float)

    k1, k2 = window(mu1, x1), window(mu2, x2)
    if k1.size * k2.size > BRUTE_CELLS:
        return {"error": "window too large for the double sum"}
    t_obs = stat(x1, x2)
    lp2 = stats.poisson.logpmf(k2, mu2)[None, :]
    p, step = 0.0, max(1, int(1e7 // k2.size))
    for i in range(0, k1.size, step):  # rows of k1 in chunks of ~1e7 cells
        k = k1[i:i + step, None]
        mask = np.abs(stat(k, k2[None, :])) >= abs(t_obs) - 1e-15
        lp = stats.poisson.logpmf(k, mu1) + lp2
        p += np.exp(lp[mask]).sum()
    return {"statistic": t_obs, "p_value": min(1.0, p)}


def exact(x1, t1, x2, t2):
    n = int(x1 + x2)
    if n == 0:
        return {"error": "binomtest needs n >= 1"}
    bt = stats.binomtest(int(x1), n, t1 / (t1 + t2))
    ci = bt.proportion_ci(confidence_level=1 - ALPHA, method="exact")
    with np.errstate(divide="ignore"):
        low = ci.low / (1 - ci.low) * t2 / t1
        high = np.inf if ci.high == 1 else ci.high / (1 - ci.high) * t2 / t1
    est = np.inf if x2 == 0 else (x1 / t1) / (x2 / t2)
    out = {"estimate": est, "p_value": bt.pvalue}
    # scipy finds each limit with brentq (absolute xtol 2e-12 on the proportion): the odds
    # p/(1-p) keep 1e-8 only where min(p, 1-p) >= 2e-4; elsewhere R's qbeta values cover it
    for name, value, pi in (("conf_low", low, ci.low), ("conf_high", high, ci.high)):
        if pi in (0.0, 1.0) or min(pi, 1 - pi) >= 2e-4:
            out[name] = value
    return out


def wald_log(x1, t1, x2, t2):
    if x1 == 0 or x2 == 0:
        return {"error": "zero count: statsmodels wald-log has no correction (R covers it)"}
    t = test_poisson_2indep(x1, t1, x2, t2, method="wald-log")
    low, high = confint_poisson_2indep(x1, t1, x2, t2, method="wald-log", alpha=ALPHA)
    return {"estimate": (x1 / t1) / (x2 / t2), "conf_low": low, "conf_high": high,
            "statistic": t.statistic, "p_value": t.pvalue}


def wald_diff(x1, t1, x2, t2):
    if x1 + x2 == 0:
        return {"error": "no events: SE 0"}
    t = test_poisson_2indep(x1, t1, x2, t2, method="wald", compare="diff")
    low, high = confint_poisson_2indep(x1, t1, x2, t2, method="wald", compare="diff",
                                       alpha=ALPHA)
    return {"estimate": x1 / t1 - x2 / t2, "conf_low": low, "conf_high": high,
            "statistic": t.statistic, "p_value": t.pvalue}


def rate(x, t):
    low = 0.0 if x == 0 else stats.chi2.ppf(ALPHA / 2, 2 * x) / 2 / t
    return {"estimate": x / t, "conf_low": low,
            "conf_high": stats.chi2.isf(ALPHA / 2, 2 * x + 2) / 2 / t}


def main():
    cases = json.loads((HERE / "counts_r.json").read_text())["cases"]
    out = []
    for case in cases:
        x1, t1, x2, t2 = case["table"]
        exp = {
            "rate_ratio.score": attempt(score, x1, t1, x2, t2),
            "test.poisson_etest": attempt(etest, x1, t1, x2, t2),
            "test.poisson_etest.bruteforce": attempt(etest_bruteforce, x1, t1, x2, t2),
            "rate_ratio.exact_conditional": attempt(exact, x1, t1, x2, t2),
            "rate_ratio.wald_log": attempt(wald_log, x1, t1, x2, t2),
            "rate_difference.wald": attempt(wald_diff, x1, t1, x2, t2),
            "rate.exact.arm1": attempt(rate, x1, t1),
            "rate.exact.arm2": attempt(rate, x2, t2),
        }
        out.append({"table": case["table"], "tag": case["tag"], "expected": exp})
    meta = {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__,
            "level": 1 - ALPHA, "cases": out}
    (HERE / "counts_py.json").write_text(json.dumps(meta, allow_nan=False))
    errors = {k: sum("error" in c["expected"][k] for c in out) for k in out[0]["expected"]}
    print(f"{len(out)} cases written to tests/reference/counts_py.json; errors recorded: {errors}")


if __name__ == "__main__":
    main()
