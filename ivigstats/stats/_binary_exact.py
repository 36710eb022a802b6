"""Exact tests and intervals for 2x2 tables: the conditional (hypergeometric) family.

Re-exported by :mod:`ivigstats.stats.binary`; see docs/methods/binary.md. Given both margins,
the first arm's events ``X`` follow Fisher's noncentral hypergeometric distribution with log odds
ratio ``theta``: ``P(X = x) ~ C(n1, x) C(n2, m1 - x) exp(theta x)`` on
``max(0, m1 - n2) <= x <= min(n1, m1)``, ``m1`` the total number of events. Rows are sorted by
support width and evaluated as padded ``(rows, width)`` blocks of at most ``BLOCK`` cells; a row
wider than a block (arms over ~4 million) is evaluated piece by piece, so time grows linearly
with the support and memory stays bounded. Log factorials come from one table when the largest
total is at most ``LOGFACT_MAX`` and from ``gammaln`` otherwise.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays, notes
from ivigstats.stats.tails import NORMAL_MIN, P_FLOOR, floor_p, log_p_chi2, log_p_normal  # noqa: F401  (re-exported: binary, ordinal)

BLOCK = 1 << 22
LOGFACT_MAX = 1 << 22
_REL_ERR = 1 + 1e-7  # R fisher.test: ties within a relative 1e-7 count as "as extreme"
DEGENERATE = "odds ratio undefined: a margin is 0 (no events, or only events, in both arms)"
#: supports wider than this are cut to a window around the observed count and the null mode
#: (terms outside are below exp(-800) of the largest: the sums are unchanged in double precision)
WINDOW_FROM = 100_000
#: window widths above which an exact method switches to an asymptotic one (stated in the note)
FISHER_MAX_WIDTH = 4_000_000  # one pass: about a second
CONDITIONAL_MAX_WIDTH = 200_000  # ~600 passes of bisection
UNCONDITIONAL_MAX_TABLES = 100_000  # Barnard/Boschloo: scipy takes ~0.6 s at 300 x 300


class Support:
    """The conditional supports of many tables, planned once as padded blocks."""

    def __init__(self, events1, n1, events2, n2, max_width=None):
        self.a, self.n1, e2, self.n2 = as_float_arrays(events1, n1, events2, n2)
        self.m1 = self.a + e2
        self.lo = np.maximum(0.0, self.m1 - self.n2)
        self.hi = np.minimum(self.n1, self.m1)
        self.glo, self.ghi = self._window()
        self.width = self.ghi - self.glo + 1
        #: rows whose window is wider than ``max_width``: left out (one point at ``a``) for
        #: the caller's asymptotic method
        self.too_wide = self.width > max_width if max_width else np.zeros(self.a.size, bool)
        self.glo = np.where(self.too_wide, self.a, self.glo)
        self.ghi = np.where(self.too_wide, self.a, self.ghi)
        self.grid_width = self.ghi - self.glo + 1
        total = self.n1 + self.n2
        nmax = int(total.max()) if total.size else 0
        self._lf = special.gammaln(np.arange(nmax + 1) + 1.0) if nmax <= LOGFACT_MAX else None
        self._log_norm = self._logfact(total) - self._logfact(self.m1) - self._logfact(
            total - self.m1)
        self.blocks = self._plan()

    def _window(self):
        """Grid bounds: the whole support, or for supports wider than WINDOW_FROM the points
        within ``40 sd + 100`` of the observed count and of the null mean (sd the larger of the
        null hypergeometric's and the observed table's conditional one)."""
        lo, hi = self.lo.copy(), self.hi.copy()
        wide = self.hi - self.lo + 1 > WINDOW_FROM
        if not wide.any():
            return lo, hi
        a, n1, n2, m1 = self.a, self.n1, self.n2, self.m1
        total = n1 + n2
        mean = n1 * m1 / total
        var0 = n1 * n2 * m1 * (total - m1) / (total ** 2 * np.maximum(total - 1, 1))
        b, c = n1 - a, m1 - a
        var1 = 1 / (1 / (a + .5) + 1 / (b + .5) + 1 / (c + .5) + 1 / (n2 - c + .5))
        k = 40 * np.sqrt(np.maximum(var0, var1)) + 100
        lo = np.where(wide, np.maximum(lo, np.floor(np.minimum(a, mean) - k)), lo)
        hi = np.where(wide, np.minimum(hi, np.ceil(np.maximum(a, mean) + k)), hi)
        return lo, hi

    def _logfact(self, k):
        if self._lf is not None:
            return self._lf[np.asarray(k, dtype=np.int64)]
        return special.gammaln(np.asarray(k, dtype=float) + 1.0)

    def logpmf(self, x, rows):
        """Central hypergeometric log P(X = x) for ``rows`` (x: 1-D or (rows, k), in support)."""
        sh = (slice(None),) + (None,) * (np.ndim(x) - 1)
        n1, n2, m1 = self.n1[rows][sh], self.n2[rows][sh], self.m1[rows][sh]
        lf = self._logfact
        return (lf(n1) - lf(x) - lf(n1 - x) + lf(n2) - lf(m1 - x) - lf(n2 - m1 + x)
                - self._log_norm[rows][sh])

    def _plan(self):
        width = self.grid_width.astype(np.int64)
        order = np.argsort(width, kind="stable")
        blocks, start, n = [], 0, len(order)
        while start < n:
            end = min(n, start + max(1, BLOCK // int(width[order[start]])))
            while end - start > 1 and (end - start) * int(width[order[end - 1]]) > BLOCK:
                end = start + max(1, BLOCK // int(width[order[end - 1]]))
            rows, w = order[start:end], int(width[order[end - 1]])
            if w <= BLOCK:
                blocks.append((rows, 0, w))
            else:  # one very wide row: pieces of BLOCK cells
                blocks.extend((rows, off, min(BLOCK, w - off)) for off in range(0, w, BLOCK))
            start = end
        return blocks

    def grids(self):
        """Yield ``(rows, x, valid)``: support points of each block (x clipped into support)."""
        for rows, offset, width in self.blocks:
            x = self.glo[rows, None] + offset + np.arange(width, dtype=float)
            valid = x <= self.ghi[rows, None]
            yield rows, np.minimum(x, self.ghi[rows, None]), valid

    def fisher_log_p(self):
        """log of the two-sided P as R fisher.test: sum of P(x) <= P(observed) * (1 + 1e-7)."""
        log_obs = self.logpmf(self.a, slice(None))
        total = np.zeros_like(self.a)
        for rows, x, valid in self.grids():
            lp = self.logpmf(x, rows) - log_obs[rows, None]
            keep = valid & (lp <= np.log(_REL_ERR))
            total[rows] += np.where(keep, np.exp(np.minimum(lp, 1.0)), 0.0).sum(axis=1)
        with np.errstate(divide="ignore"):
            return np.minimum(0.0, np.log(total) + log_obs)

    def mid_log_p(self):
        """log of the null two-sided mid-P, ``2 min(P(X < a), P(X > a)) + P(X = a)``, with
        each tail summed relative to ``P(X = a)`` so that it survives underflow."""
        log_obs = self.logpmf(self.a, slice(None))
        below, above = np.zeros_like(self.a), np.zeros_like(self.a)
        for rows, x, valid in self.grids():
            with np.errstate(over="ignore"):
                ratio = np.exp(self.logpmf(x, rows) - log_obs[rows, None])
            a = self.a[rows, None]
            below[rows] += np.where(valid & (x < a), ratio, 0.0).sum(axis=1)
            above[rows] += np.where(valid & (x > a), ratio, 0.0).sum(axis=1)
        return np.minimum(0.0, np.log(2.0) + log_obs + np.log(np.minimum(below, above) + 0.5))

    def tails(self, theta, cache=None):
        """``(P(X < a), P(X = a), P(X > a), E[X])`` under log odds ratio ``theta`` per row."""
        top = np.full_like(self.a, -np.inf)
        sums = np.zeros((4, self.a.size))
        for i, (rows, x, valid) in enumerate(self.grids()):
            if cache is not None and i in cache:
                lp = cache[i]
            else:
                lp = np.where(valid, self.logpmf(x, rows), -np.inf)
                if cache is not None:
                    cache[i] = lp
            w = lp + theta[rows, None] * x
            m = w.max(axis=1)
            e = np.exp(w - m[:, None])
            a = self.a[rows, None]
            part = np.stack([(e * (x < a)).sum(1), (e * (x == a) * valid).sum(1),
                             (e * (x > a) * valid).sum(1), (e * x).sum(1)])
            new = np.maximum(top[rows], m)
            sums[:, rows] = sums[:, rows] * np.exp(top[rows] - new) + part * np.exp(m - new)
            top[rows] = new
        total = sums[0] + sums[1] + sums[2]
        return sums[0] / total, sums[1] / total, sums[2] / total, sums[3] / total

    def solve(self, fn, target, mask, cache):
        """Log odds ratio where increasing ``fn(tails)`` equals ``target``, for ``mask`` rows."""
        lo = np.full_like(self.a, -8.0)
        hi = np.full_like(self.a, 8.0)
        for _ in range(12):  # widen the bracket until it holds the root (|theta| <= 8 * 2^12)
            f_lo, f_hi = fn(self.tails(lo, cache)), fn(self.tails(hi, cache))
            bad_lo, bad_hi = mask & (f_lo > target), mask & (f_hi < target)
            if not (bad_lo.any() or bad_hi.any()):
                break
            lo = np.where(bad_lo, 2 * lo, lo)
            hi = np.where(bad_hi, 2 * hi, hi)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            below = fn(self.tails(mid, cache)) < target
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
            if np.all(((hi - lo) <= 1e-12 * np.maximum(1.0, np.abs(mid))) | ~mask):
                break
        return 0.5 * (lo + hi)


def _asymptotic(result, sup, log_p, odds: bool):
    """Rows whose support is too wide for the exact computation (``sup.too_wide``), replaced
    by the asymptotic method the note names: Woolf's log odds ratio (estimate, Wald interval,
    z test; 0.5 added to every cell when one is 0) for the conditional odds ratios, Pearson's
    chi-square P for Fisher's test. Returns the result and the log P of every row."""
    rows = sup.too_wide
    a, b, c = sup.a[rows], sup.n1[rows] - sup.a[rows], sup.m1[rows] - sup.a[rows]
    d = sup.n2[rows] - c
    width = f"support of {{:,.0f}} tables exceeds {CONDITIONAL_MAX_WIDTH if odds else FISHER_MAX_WIDTH:,}"
    p = np.array(result.p_value, dtype=float)
    log_p = np.array(np.broadcast_to(log_p, p.shape), dtype=float)
    note = np.array(result.note, dtype=object)
    fields = {}
    if odds:
        add = np.where((a == 0) | (b == 0) | (c == 0) | (d == 0), 0.5, 0.0)
        log_or = np.log(a + add) + np.log(d + add) - np.log(b + add) - np.log(c + add)
        se = np.sqrt(1 / (a + add) + 1 / (b + add) + 1 / (c + add) + 1 / (d + add))
        q = special.ndtri(0.5 + result.conf_level / 2)
        for name, value in (("estimate", np.exp(log_or)), ("conf_low", np.exp(log_or - q * se)),
                            ("conf_high", np.exp(log_or + q * se))):
            column = np.array(getattr(result, name), dtype=float)
            column[rows] = value
            fields[name] = column
        row_log_p = log_p_normal(log_or / se)
        how = "estimate, interval and P from Woolf's log odds ratio (asymptotic)"
    else:
        total, m1 = sup.n1[rows] + sup.n2[rows], sup.m1[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            x2 = total * (a * d - b * c) ** 2 / (sup.n1[rows] * sup.n2[rows] * m1 * (total - m1))
        row_log_p = log_p_chi2(1.0, x2)
        how = "P from Pearson's chi-square (asymptotic)"
    log_p[rows] = row_log_p
    p[rows] = np.exp(row_log_p)
    for i, w in zip(np.flatnonzero(rows), sup.width[rows]):
        text = f"{width.format(w)}: {how}"
        note[i] = f"{note[i]}; {text}" if note[i] else text
    return replace(result, p_value=p, note=note, **fields), log_p


def _cache(sup):
    return {} if sum(len(r) * w for r, _, w in sup.blocks) <= (1 << 24) else None


def _odds_result(method, level, a, sup, est, low, high, p):
    degenerate = sup.lo == sup.hi
    est = np.where(degenerate, np.nan, est)
    return Result(measure="odds_ratio", method=method, conf_level=level, estimate=est,
                  conf_low=np.where(degenerate, 0.0, low), conf_high=np.where(degenerate, np.inf, high),
                  p_value=p, note=notes(a.size, (degenerate, DEGENERATE)))


def fisher_exact(events1, n1, events2, n2, level=0.95):
    """Fisher's exact test, two-sided, with R ``fisher.test``'s definition of "as extreme".

    Parameters
    ----------
    events1, n1 : array_like
        Events and participants in arm 1 (experimental).
    events2, n2 : array_like
        Events and participants in arm 2 (control).
    level : float
        Unused (kept for the common signature); recorded as ``conf_level``.

    Returns
    -------
    Result
        ``measure="test"``, ``method="fisher_exact"``; ``p_value`` only (``statistic``, ``df``,
        estimate and interval are None; the conditional MLE of the odds ratio and its exact
        interval are ``odds_ratio_exact_conditional``).

    Notes
    -----
    ``P = sum_{x: f(x) <= f(a) (1 + 1e-7)} f(x)`` with ``f`` the central hypergeometric pmf of
    the first arm's events given both margins, computed in log space from log factorials, capped
    at 1. Tables with a zero margin (double zero, all events in both arms) have a one-point
    support and P = 1. P is not rounded to 0 until it falls below ~1e-308. Vectorised in padded
    blocks; see the module docstring for large arms.

    References
    ----------
    .. [1] Fisher RA. On the interpretation of chi-square from contingency tables, and the
       calculation of P. J R Stat Soc 1922;85:87-94.
    .. [2] R Core Team. fisher.test, R package stats.

    Examples
    --------
    Fazekas 1997, relapse-free 40/75 IVIG vs 26/73 placebo (R: ``fisher.test`` P = 0.0331):

    >>> round(float(fisher_exact(40, 75, 26, 73).p_value[0]), 4)
    0.0331
    """
    sup = Support(events1, n1, events2, n2, max_width=FISHER_MAX_WIDTH)
    log_p = sup.fisher_log_p()
    result = Result(measure="test", method="fisher_exact", conf_level=level,
                    p_value=np.exp(log_p), note=notes(sup.a.size))
    if sup.too_wide.any():
        result, log_p = _asymptotic(result, sup, log_p, odds=False)
    return floor_p(result, log_p)


def odds_ratio_exact_conditional(events1, n1, events2, n2, level=0.95):
    """Conditional maximum-likelihood odds ratio with Fisher's exact interval and P.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate`` the conditional MLE, ``conf_low``/``conf_high`` the exact limits,
        ``p_value`` Fisher's two-sided P (as ``fisher_exact``).

    Notes
    -----
    The MLE solves ``E_psi[X] = a``; the limits solve ``P_psi(X >= a) = alpha/2`` (lower) and
    ``P_psi(X <= a) = alpha/2`` (upper), as R ``fisher.test``. Solved by bisection on
    ``log psi`` to a relative 1e-12 (R's ``uniroot`` stops near 1e-4, so its printed digits
    agree to about 4). ``a`` at the bottom of the support gives estimate 0 and lower limit 0; at
    the top, estimate and upper limit infinity. A zero margin (one-point support): estimate NaN,
    interval 0 to infinity, P = 1, with a note (R prints estimate 0 there).

    References
    ----------
    .. [1] Fisher RA. The logic of inductive inference. J R Stat Soc 1935;98:39-82.
    .. [2] Agresti A. A survey of exact inference for contingency tables. Stat Sci
       1992;7:131-153.

    Examples
    --------
    >>> r = odds_ratio_exact_conditional(40, 75, 26, 73)
    >>> [round(float(v[0]), 3) for v in (r.estimate, r.conf_low, r.conf_high)]
    [2.056, 1.015, 4.218]
    """
    sup = Support(events1, n1, events2, n2, max_width=CONDITIONAL_MAX_WIDTH)
    a, lo, hi, alpha, exact = sup.a, sup.lo, sup.hi, 1 - level, ~sup.too_wide
    inner, cache = (a > lo) & (a < hi) & exact, _cache(sup)
    mle = sup.solve(lambda t: t[3], a, inner, cache)
    low = sup.solve(lambda t: t[1] + t[2], alpha / 2, (a > lo) & exact, cache)
    high = sup.solve(lambda t: -(t[0] + t[1]), -alpha / 2, (a < hi) & exact, cache)
    est = np.where(a == lo, 0.0, np.where(a == hi, np.inf, np.exp(mle)))
    log_p = sup.fisher_log_p()
    result = _odds_result("exact_conditional", level, a, sup, est,
                          np.where(a == lo, 0.0, np.exp(low)),
                          np.where(a == hi, np.inf, np.exp(high)), np.exp(log_p))
    if sup.too_wide.any():
        result, log_p = _asymptotic(result, sup, log_p, odds=True)
    return floor_p(result, log_p)


def odds_ratio_mid_p(events1, n1, events2, n2, level=0.95):
    """Mid-p exact odds ratio: median-unbiased estimate, mid-p interval and mid-p P.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate`` the median-unbiased odds ratio, mid-p interval, two-sided mid-p P.

    Notes
    -----
    With ``lower(psi) = P(X < a) + P(X = a)/2`` and ``upper(psi) = P(X > a) + P(X = a)/2`` under
    the noncentral hypergeometric: the interval solves ``upper = alpha/2`` (lower limit) and
    ``lower = alpha/2`` (upper limit); the estimate solves ``lower = upper = 1/2``; the two-sided
    P is ``2 min(lower(1), upper(1))`` (Rothman's doubling, as epitools ``ormidp.test``), so P <
    alpha exactly when 1 is outside the interval. ``a`` at the bottom of the support: estimate 0
    and lower limit 0; at the top: infinity. Zero margin: estimate NaN, interval 0 to infinity,
    P = 1, with a note.

    References
    ----------
    .. [1] Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd ed. Lippincott 2008,
       ch. 14.
    .. [2] Lancaster HO. Significance tests in discrete distributions. J Am Stat Assoc
       1961;56:223-234.

    Examples
    --------
    >>> r = odds_ratio_mid_p(40, 75, 26, 73)
    >>> [round(float(v[0]), 3) for v in (r.estimate, r.conf_low, r.conf_high, r.p_value)]
    [2.052, 1.063, 4.017, 0.032]
    """
    sup = Support(events1, n1, events2, n2, max_width=CONDITIONAL_MAX_WIDTH)
    a, lo, hi, alpha, exact = sup.a, sup.lo, sup.hi, 1 - level, ~sup.too_wide
    inner, cache = (a > lo) & (a < hi) & exact, _cache(sup)
    est = sup.solve(lambda t: t[2] + t[1] / 2, 0.5, inner, cache)
    low = sup.solve(lambda t: t[2] + t[1] / 2, alpha / 2, (a > lo) & exact, cache)
    high = sup.solve(lambda t: -(t[0] + t[1] / 2), -alpha / 2, (a < hi) & exact, cache)
    lt, eq, gt, _ = sup.tails(np.zeros_like(a))
    p = np.minimum(1.0, 2 * np.minimum(lt + eq / 2, gt + eq / 2))
    est = np.where(a == lo, 0.0, np.where(a == hi, np.inf, np.exp(est)))
    result = _odds_result("mid_p", level, a, sup, est, np.where(a == lo, 0.0, np.exp(low)),
                          np.where(a == hi, np.inf, np.exp(high)), p)
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    if (p == 0).any():  # underflowed: the tails again, in log space
        log_p = np.where(p == 0, sup.mid_log_p(), log_p)
    if sup.too_wide.any():
        result, log_p = _asymptotic(result, sup, log_p, odds=True)
    return floor_p(result, log_p)


def _unconditional(name, events1, n1, events2, n2, level):
    from scipy import stats  # slow import: only for these non-default tests

    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    stat, p = np.full(e1.size, np.nan), np.full(e1.size, np.nan)
    large = (n1 + 1) * (n2 + 1) > UNCONDITIONAL_MAX_TABLES
    test = getattr(stats, name)
    for i in np.flatnonzero(~large):
        res = test([[int(e1[i]), int(e2[i])], [int(n1[i] - e1[i]), int(n2[i] - e2[i])]],
                   alternative="two-sided")
        stat[i], p[i] = res.statistic, res.pvalue
    method = name.replace("_exact", "") + "_exact"
    instead = "Pearson's chi-square" if name == "barnard_exact" else "Fisher's exact test"
    result = Result(measure="test", method=method, conf_level=level, statistic=stat,
                    p_value=p, note=notes(e1.size, (large, (
                        f"(n1 + 1) x (n2 + 1) tables exceed {UNCONDITIONAL_MAX_TABLES:,}: P from "
                        f"{instead} (the large-sample limit), statistic not computed"))))
    if not large.any():
        return result
    if name == "barnard_exact":
        from ivigstats.stats.binary import pearson_chi2
        other = pearson_chi2(e1[large], n1[large], e2[large], n2[large])
    else:
        other = fisher_exact(e1[large], n1[large], e2[large], n2[large])
    p[large] = other.p_value
    note = result.note.copy()
    note[large] = [f"{x}; {y}" if y else x for x, y in zip(note[large], other.note)]
    return replace(result, p_value=p, note=note)


def barnard_exact(events1, n1, events2, n2, level=0.95):
    """Barnard's unconditional exact test (two-sided), via ``scipy.stats.barnard_exact``.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Unused; recorded as ``conf_level``.

    Returns
    -------
    Result
        ``statistic`` the pooled Wald statistic, ``p_value`` the exact unconditional P.

    Notes
    -----
    Columns of the table handed to SciPy are the two arms (their totals fixed):
    ``[[e1, e2], [n1 - e1, n2 - e2]]``; pooled variance, nuisance parameter maximised over
    SciPy's default 32-point grid plus local optimisation. Slow: one row at a time, imports
    ``scipy.stats`` when called.

    References
    ----------
    .. [1] Barnard GA. Significance tests for 2x2 tables. Biometrika 1947;34:123-138.
    .. [2] Virtanen P et al. SciPy 1.0. Nat Methods 2020;17:261-272 (barnard_exact).

    Examples
    --------
    >>> round(float(barnard_exact(40, 75, 26, 73).p_value[0]), 4)
    0.0309
    """
    return _unconditional("barnard_exact", events1, n1, events2, n2, level)


def boschloo_exact(events1, n1, events2, n2, level=0.95):
    """Boschloo's unconditional exact test (two-sided), via ``scipy.stats.boschloo_exact``.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Unused; recorded as ``conf_level``.

    Returns
    -------
    Result
        ``statistic`` Fisher's one-sided P used as the ordering statistic (SciPy's), ``p_value``
        the exact unconditional P.

    Notes
    -----
    Table orientation as ``barnard_exact``. Always at least as powerful as Fisher's test.
    Slow: one row at a time, imports ``scipy.stats`` when called.

    References
    ----------
    .. [1] Boschloo RD. Raised conditional level of significance for the 2x2-table when testing
       the equality of two probabilities. Stat Neerl 1970;24:1-9.
    .. [2] Virtanen P et al. SciPy 1.0. Nat Methods 2020;17:261-272 (boschloo_exact).

    Examples
    --------
    >>> round(float(boschloo_exact(40, 75, 26, 73).p_value[0]), 4)
    0.032
    """
    return _unconditional("boschloo_exact", events1, n1, events2, n2, level)
