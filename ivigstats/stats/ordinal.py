"""Two arms x k ordered categories (counts per category, lowest category first).

Every function takes ``counts1`` (arm 1, experimental) and ``counts2`` as ``(rows, k)`` arrays
(a 1-D array is one row) and is vectorised over rows. A category empty in both arms carries no
information and is dropped (the linear trend keeps the positions 1..k of the others).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats._binary_exact import floor_p, log_p_chi2, log_p_normal
from ivigstats.stats.result import Result, notes

_EMPTY_ARM = "an arm has no participants"
_ONE_CATEGORY = "fewer than 2 non-empty categories"


def _tables(counts1, counts2):
    a = np.atleast_2d(np.asarray(counts1, dtype=float))
    b = np.atleast_2d(np.asarray(counts2, dtype=float))
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"counts1 {a.shape} and counts2 {b.shape} must have one shape (rows, k)")
    return a, b


def _z(level):
    return special.ndtri(1.0 - (1.0 - level) / 2.0)


def pearson_chi2(counts1, counts2, level=0.95):
    """Pearson chi-square test of homogeneity of the 2 x k table.

    Parameters
    ----------
    counts1, counts2 : array_like, shape (rows, k) or (k,)
        Counts per category, lowest category first; arm 1 is the experimental arm.
    level : float
        Unused (a test has no interval); accepted for a uniform signature.

    Returns
    -------
    Result
        ``measure="test"``, ``method="pearson_chi2"``: ``statistic`` X^2, ``df``, ``p_value``.

    Notes
    -----
    Categories empty in both arms are dropped; with m non-empty categories
    ``X^2 = sum (O - E)^2 / E`` with ``E = n_arm * n_category / N``, ``df = m - 1``,
    ``P = chdtrc(df, X^2)`` (no continuity correction), as R ``chisq.test`` on the reduced
    matrix. NaN with a note when an arm is empty or fewer than 2 categories are non-empty.

    References
    ----------
    .. [1] Pearson K. On the criterion that a given system of deviations from the probable in
       the case of a correlated system of variables is such that it can be reasonably supposed
       to have arisen from random sampling. Phil Mag 1900;50:157-175.

    Examples
    --------
    Fazekas 1997, improved / stable / worse, IVIG vs placebo. R:
    ``chisq.test(rbind(c(23, 40, 12), c(10, 46, 17)))`` gives X-squared = 6.376, df = 2, P = 0.0413.

    >>> r = pearson_chi2([23, 40, 12], [10, 46, 17])
    >>> round(float(r.statistic[0]), 4), int(r.df[0]), round(float(r.p_value[0]), 4)
    (6.376, 2, 0.0413)
    """
    a, b = _tables(counts1, counts2)
    n1, n2, col = a.sum(1), b.sum(1), a + b
    total = n1 + n2
    m = (col > 0).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = n1[:, None] * col / total[:, None]
        e2 = n2[:, None] * col / total[:, None]
        terms = np.where(col > 0, (a - e1) ** 2 / e1 + (b - e2) ** 2 / e2, 0.0)
    bad = (n1 == 0) | (n2 == 0) | (m < 2)
    x2 = np.where(bad, np.nan, terms.sum(1))
    df = np.where(bad, np.nan, m - 1.0)
    return floor_p(Result("test", "pearson_chi2", level, statistic=x2, df=df,
                          p_value=special.chdtrc(df, x2),
                  note=notes(len(x2), ((n1 == 0) | (n2 == 0), _EMPTY_ARM), (m < 2, _ONE_CATEGORY))), log_p_chi2(df, x2))


def probability_index_mann_whitney(counts1, counts2, level=0.95):
    """Probability index P(X1 > X2) + P(X1 = X2) / 2 with the Mann-Whitney test.

    Parameters
    ----------
    counts1, counts2 : array_like, shape (rows, k) or (k,)
        Counts per category, lowest category first; arm 1 is the experimental arm.
    level : float
        Confidence level of the interval.

    Returns
    -------
    Result
        ``measure="probability_index"``, ``method="mann_whitney"``: ``estimate`` theta (> 0.5:
        arm 1 tends to HIGHER categories), ``std_error`` (DeLong, untransformed scale), the
        logit-scale interval, ``statistic`` W = U of arm 1 (R's ``wilcox.test`` W, scipy's
        ``mannwhitneyu`` statistic), ``p_value``.

    Notes
    -----
    With a_j, b_j the counts of arm 1 and 2 in category j and B_<j = sum_{i<j} b_i:
    ``U = sum_j a_j (B_<j + b_j / 2)``, ``theta = U / (n1 n2)``. P: normal approximation with
    tie and continuity correction, ``z = (U - n1 n2 / 2 - sign(.) / 2) / sigma``,
    ``sigma^2 = n1 n2 / 12 [(N + 1) - sum(t^3 - t) / (N (N - 1))]`` (t_j = a_j + b_j), as R
    ``wilcox.test(x1, x2, exact=FALSE, correct=TRUE)`` on the expanded data.

    Interval: DeLong variance from the placement values, ``V10_j = (B_<j + b_j / 2) / n2``
    for arm 1 and ``V01_j = (A_>j + a_j / 2) / n1`` for arm 2,
    ``var = S10 / n1 + S01 / n2`` (S the sample variances, divisors n - 1), then a Wald
    interval for ``logit(theta)`` with ``SE / (theta (1 - theta))``, back-transformed so it stays
    inside (0, 1) (Pepe 2003, sec. 5.2; Qin and Hotilovac 2008). NaN interval with a note when
    theta is 0 or 1 (no overlap), an arm has fewer than 2 participants, or all observations
    share one category (then P is NaN too).

    References
    ----------
    .. [1] Mann HB, Whitney DR. On a test of whether one of two random variables is
       stochastically larger than the other. Ann Math Stat 1947;18:50-60.
    .. [2] DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or more
       correlated receiver operating characteristic curves: a nonparametric approach.
       Biometrics 1988;44:837-845.
    .. [3] Pepe MS. The Statistical Evaluation of Medical Tests for Classification and
       Prediction. Oxford University Press, 2003, section 5.2.
    .. [4] Qin G, Hotilovac L. Comparison of non-parametric confidence intervals for the area
       under the ROC curve of a continuous-scale diagnostic test. Stat Methods Med Res
       2008;17:207-221.

    Examples
    --------
    Fazekas 1997 (improved / stable / worse): IVIG patients tend to lower (better) categories.
    R: ``wilcox.test(rep(1:3, c(23, 40, 12)), rep(1:3, c(10, 46, 17)), exact = FALSE)``
    gives W = 2209, P = 0.0223; ``pROC::var(roc(controls = x2, cases = x1,
    direction = "<"), method = "delong")`` gives SE 0.0412.

    >>> r = probability_index_mann_whitney([23, 40, 12], [10, 46, 17])
    >>> float(r.statistic[0]), round(float(r.estimate[0]), 4), round(float(r.p_value[0]), 4)
    (2209.0, 0.4035, 0.0223)
    >>> round(float(r.conf_low[0]), 4), round(float(r.conf_high[0]), 4)
    (0.326, 0.4861)
    """
    a, b = _tables(counts1, counts2)
    n1, n2 = a.sum(1), b.sum(1)
    big_n = n1 + n2
    b_below = np.cumsum(b, 1) - b
    a_above = a.sum(1, keepdims=True) - np.cumsum(a, 1)
    u = (a * (b_below + 0.5 * b)).sum(1)
    t = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = u / (n1 * n2)
        sigma = np.sqrt(n1 * n2 / 12.0 * ((big_n + 1) - (t ** 3 - t).sum(1) / (big_n * (big_n - 1))))
        d = u - n1 * n2 / 2.0
        z = (d - 0.5 * np.sign(d)) / sigma
        p = np.minimum(2.0 * special.ndtr(-np.abs(z)), 1.0)
        v10 = (b_below + 0.5 * b) / n2[:, None]
        v01 = (a_above + 0.5 * a) / n1[:, None]
        s10 = (a * (v10 - theta[:, None]) ** 2).sum(1) / (n1 - 1)
        s01 = (b * (v01 - theta[:, None]) ** 2).sum(1) / (n2 - 1)
        se = np.sqrt(s10 / n1 + s01 / n2)
        half = _z(level) * se / (theta * (1 - theta))
        logit = np.log(theta / (1 - theta))
    empty = (n1 == 0) | (n2 == 0)
    one = ~empty & ((t > 0).sum(1) < 2)
    small = ~empty & ((n1 < 2) | (n2 < 2))
    edge = ~empty & ~one & ((theta == 0) | (theta == 1))
    no_ci = empty | one | small | edge
    p = np.where(empty | one, np.nan, p)
    low = np.where(no_ci, np.nan, special.expit(logit - half))
    high = np.where(no_ci, np.nan, special.expit(logit + half))
    return floor_p(Result("probability_index", "mann_whitney", level, estimate=theta,
                  std_error=np.where(empty | small, np.nan, se), conf_low=low, conf_high=high,
                  statistic=np.where(empty, np.nan, u), p_value=p,
                  note=notes(len(u), (empty, _EMPTY_ARM),
                             (one, "all observations in one category: no test or interval"),
                             (small & ~one, "an arm has fewer than 2 participants: no interval"),
                             (edge & ~small, "no overlap between the arms (index 0 or 1): no interval"))), log_p_normal(z))


def linear_trend(counts1, counts2, level=0.95):
    """Cochran-Armitage chi-square test for a linear trend across the ordered categories.

    Parameters
    ----------
    counts1, counts2 : array_like, shape (rows, k) or (k,)
        Counts per category, lowest category first; arm 1 is the experimental arm.
    level : float
        Unused (a test has no interval); accepted for a uniform signature.

    Returns
    -------
    Result
        ``measure="test"``, ``method="linear_trend"``: ``statistic`` chi-square (1 df),
        ``df`` = 1, ``p_value``.

    Notes
    -----
    The proportion in arm 1 of each category, x_j / n_j (n_j = a_j + b_j), is regressed on the
    scores s_j = j (positions 1..k); with p = X / N and s_bar = sum n_j s_j / N:
    ``X^2 = (sum s_j x_j - s_bar X)^2 / (p (1 - p) (sum n_j s_j^2 - N s_bar^2))``, the
    weighted regression sum of squares of R ``prop.trend.test(x = counts1, n = counts1 +
    counts2, score = 1:k)``. A category empty in both arms adds nothing to any sum, so it is
    dropped while the others keep their positions (R drops its NaN proportion the same way).
    NaN with a note when an arm is empty or fewer than 2 categories are non-empty.

    References
    ----------
    .. [1] Armitage P. Tests for linear trends in proportions and frequencies.
       Biometrics 1955;11:375-386.
    .. [2] Cochran WG. Some methods for strengthening the common chi-square tests.
       Biometrics 1954;10:417-451.

    Examples
    --------
    Fazekas 1997. R: ``prop.trend.test(c(23, 40, 12), c(33, 86, 29))`` gives
    X-squared = 5.2045, P = 0.0225.

    >>> r = linear_trend([23, 40, 12], [10, 46, 17])
    >>> round(float(r.statistic[0]), 4), round(float(r.p_value[0]), 4)
    (5.2045, 0.0225)
    """
    a, b = _tables(counts1, counts2)
    s = np.arange(1.0, a.shape[1] + 1.0)
    n = a + b
    big_n, x_tot = n.sum(1), a.sum(1)
    m = (n > 0).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x_tot / big_n
        s_bar = (n * s).sum(1) / big_n
        num = ((a * s).sum(1) - s_bar * x_tot) ** 2
        sxx = (n * s ** 2).sum(1) - big_n * s_bar ** 2
        x2 = num / (p * (1 - p) * sxx)
    empty = (x_tot == 0) | (x_tot == big_n)
    bad = empty | (m < 2)
    x2 = np.where(bad, np.nan, x2)
    df = np.where(bad, np.nan, 1.0)
    return floor_p(Result("test", "linear_trend", level, statistic=x2, df=df,
                          p_value=special.chdtrc(df, x2),
                  note=notes(len(x2), (empty, _EMPTY_ARM), (m < 2, _ONE_CATEGORY))), log_p_chi2(df, x2))


def _po_fit(a, b, max_iter=100):
    """Newton-Raphson for the cumulative logit model on rows with no empty category."""
    rows, m = a.shape
    cum = np.cumsum(a + b, 1)[:, :-1] / (a + b).sum(1, keepdims=True)
    par = np.concatenate([np.log(cum / (1 - cum)), np.zeros((rows, 1))], 1)
    counts = np.stack([a, b], 1)  # (rows, arm, m); arm 0 = arm 1 (x = 1)
    x = np.array([1.0, 0.0])

    def parts(par):
        with np.errstate(all="ignore"):
            return _parts(par)

    def _parts(par):
        eta = par[:, None, :-1] - par[:, None, -1:] * x[None, :, None]
        big_f = special.expit(eta)
        gam = np.concatenate([np.zeros((rows, 2, 1)), big_f, np.ones((rows, 2, 1))], 2)
        pi = np.diff(gam, axis=2)
        ll = np.where(counts > 0, counts * np.log(pi), 0.0).sum((1, 2))
        ll = np.where((pi > 0).all((1, 2)), ll, -np.inf)
        r = counts / pi
        f = big_f * (1 - big_f)
        u = f * (r[..., :-1] - r[..., 1:])
        h = np.zeros((rows, 2, m - 1, m - 1))
        i = np.arange(m - 1)
        h[..., i, i] = f * (1 - 2 * big_f) * (r[..., :-1] - r[..., 1:]) \
            - f ** 2 * (r[..., :-1] / pi[..., :-1] + r[..., 1:] / pi[..., 1:])
        off = f[..., :-1] * f[..., 1:] * r[..., 1:-1] / pi[..., 1:-1]
        h[..., i[:-1], i[:-1] + 1] = off
        h[..., i[:-1] + 1, i[:-1]] = off
        grad = np.concatenate([u.sum(1), -u[:, 0].sum(1, keepdims=True)], 1)
        hess = np.zeros((rows, m, m))
        hess[:, :-1, :-1] = h.sum(1)
        hess[:, :-1, -1] = hess[:, -1, :-1] = -h[:, 0].sum(2)
        hess[:, -1, -1] = h[:, 0].sum((1, 2))
        return ll, grad, hess

    ll, grad, hess = parts(par)
    done = np.zeros(rows, bool)
    for _ in range(max_iter):
        with np.errstate(all="ignore"):
            step = -np.linalg.solve(hess, grad[..., None])[..., 0]
        step = np.where(done[:, None] | ~np.isfinite(step), 0.0, step)
        scale = np.ones(rows)
        for _ in range(40):  # step halving until the log-likelihood does not decrease
            new = parts(par + scale[:, None] * step)
            worse = ~(new[0] >= ll - 1e-12 * np.abs(ll))
            if not worse.any():
                break
            scale = np.where(worse, scale / 2, scale)
        par = par + scale[:, None] * step
        done |= np.abs(scale[:, None] * step).max(1) < 1e-11
        ll, grad, hess = parts(par)
        if done.all():
            break
    with np.errstate(all="ignore"):
        cov = np.linalg.inv(-hess) if rows else hess
    return par[:, -1], np.sqrt(cov[:, -1, -1]), done & np.isfinite(ll)


def odds_ratio_proportional_odds(counts1, counts2, level=0.95):
    """Common odds ratio of a HIGHER category, arm 1 vs arm 2, under proportional odds.

    Parameters
    ----------
    counts1, counts2 : array_like, shape (rows, k) or (k,)
        Counts per category, lowest category first; arm 1 is the experimental arm.
    level : float
        Confidence level of the interval.

    Returns
    -------
    Result
        ``measure="odds_ratio"``, ``method="proportional_odds"``: ``estimate`` exp(beta),
        ``std_error`` of log OR, Wald interval, ``statistic`` z = beta / SE, ``p_value``.

    Notes
    -----
    Maximum likelihood fit of the cumulative logit model
    ``logit P(Y <= j | arm) = alpha_j - beta * [arm 1]``, j = 1..m-1, to the aggregated
    2 x m table (categories empty in both arms dropped) by Newton-Raphson with step halving,
    from alpha at the pooled cumulative logits and beta = 0. OR = exp(beta) > 1: arm 1 tends to
    higher categories; it is the odds ratio of ``Y > j`` for every cut j. This is the sign
    convention of R ``MASS::polr`` (``logit P(Y <= j) = zeta_j - eta``), whose coefficient is
    beta. SE from the observed information (inverse of minus the analytic Hessian),
    ``z = beta / SE``, ``P = 2 Phi(-|z|)``, interval ``exp(beta +- z SE)``.

    No finite MLE exists when the arms overlap in at most one category (one arm's highest
    non-empty category <= the other's lowest: complete or quasi-complete separation; for k = 2
    a zero cell); then, or when an arm is empty, fewer than 2 categories are non-empty, or the
    iteration fails, every field is NaN with a note.

    References
    ----------
    .. [1] McCullagh P. Regression models for ordinal data (with discussion).
       J R Stat Soc B 1980;42:109-142.
    .. [2] Agresti A. Analysis of Ordinal Categorical Data, 2nd ed. Wiley, 2010, ch. 3.

    Examples
    --------
    Fazekas 1997. R: ``MASS::polr(y ~ arm, weights = w, Hess = TRUE)`` with arm = 1 for IVIG
    gives coefficient -0.7553, SE 0.3309 (OR 0.470: IVIG patients are less likely to be in a
    worse category).

    >>> r = odds_ratio_proportional_odds([23, 40, 12], [10, 46, 17])
    >>> round(float(r.estimate[0]), 3), round(float(r.std_error[0]), 4), round(float(r.p_value[0]), 4)
    (0.47, 0.3309, 0.0225)
    >>> round(float(r.conf_low[0]), 3), round(float(r.conf_high[0]), 3)
    (0.246, 0.899)
    """
    a, b = _tables(counts1, counts2)
    rows, k = a.shape
    beta, se = np.full(rows, np.nan), np.full(rows, np.nan)
    nonempty = (a + b) > 0
    m = nonempty.sum(1)
    n1, n2 = a.sum(1), b.sum(1)
    idx = np.arange(k)
    lo1 = np.where(a > 0, idx, k).min(1, initial=k)
    hi1 = np.where(a > 0, idx, -1).max(1, initial=-1)
    lo2 = np.where(b > 0, idx, k).min(1, initial=k)
    hi2 = np.where(b > 0, idx, -1).max(1, initial=-1)
    empty = (n1 == 0) | (n2 == 0)
    one = ~empty & (m < 2)
    separated = ~empty & ~one & ((hi1 <= lo2) | (hi2 <= lo1))
    failed = np.zeros(rows, bool)
    fit = ~(empty | one | separated)
    for size in np.unique(m[fit]):
        rows_m = np.flatnonzero(fit & (m == size))
        order = np.argsort(~nonempty[rows_m], axis=1, kind="stable")[:, :size]
        take = np.take_along_axis
        bt, st, ok = _po_fit(take(a[rows_m], order, 1), take(b[rows_m], order, 1))
        ok &= np.isfinite(bt) & np.isfinite(st) & (st > 0)
        beta[rows_m], se[rows_m] = np.where(ok, bt, np.nan), np.where(ok, st, np.nan)
        failed[rows_m] = ~ok
    z = beta / se
    half = _z(level) * se
    return floor_p(Result("odds_ratio", "proportional_odds", level, estimate=np.exp(beta),
                          std_error=se,
                  conf_low=np.exp(beta - half), conf_high=np.exp(beta + half), statistic=z,
                  p_value=2.0 * special.ndtr(-np.abs(z)),
                  note=notes(rows, (empty, _EMPTY_ARM), (one, _ONE_CATEGORY),
                             (separated, ("arms overlap in at most one category (separation): "
                                          "no finite estimate")),
                             (failed, "proportional odds fit did not converge"))), log_p_normal(z))
