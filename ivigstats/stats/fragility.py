"""Fragility of a 2x2 result: how many patients' event status must change to flip significance.

Functions take the binary kind's arguments ``(events1, n1, events2, n2, level)`` and are
vectorised over tables; the threshold is ``alpha = 1 - level`` (0.05 at the usual 95%). The
search over candidate tables is itself vectorised: every candidate of a table is one row of a
padded block, evaluated in blocks of doubling size until the first candidate that flips.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays
from ivigstats.stats.tails import P_FLOOR

WALSH = ("Walsh M, Srinathan SK, McAuley DF, et al. The statistical significance of randomized "
         "controlled trial results is frequently fragile: a case for a Fragility Index. "
         "J Clin Epidemiol 2014;67:622-628")
KHAN = ("Khan MS, Fonarow GC, Friede T, et al. Application of the reverse fragility index to "
        "statistically nonsignificant randomized clinical trial results. JAMA Netw Open "
        "2020;3(8):e2012469")
TESTS = ("fisher", "chi2")
_MAX_BLOCK_CELLS = 4_000_000  # padded hypergeometric supports evaluated at once


# ------------------------------------------------------------------------------ P values

def _lchoose(n, k):
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def fisher_p(a, n1, c, n2, window=40.0):
    """Two-sided Fisher exact P of many 2x2 tables (R ``fisher.test``'s definition).

    The P sums the hypergeometric probabilities no larger than the observed one times
    ``1 + 1e-7``. Only the support within ``window`` SD of the mean (and the observed cell)
    is summed: at 40 every term outside is below ``exp(-800)``, under double precision; the
    fragility search uses 15 (terms outside below ~exp(-112) of the mode), which decides
    ``P >= alpha`` exactly unless P is within ~1e-45 of alpha.
    """
    a, n1, c, n2 = as_float_arrays(a, n1, c, n2)
    out = np.empty_like(a)
    m = a + c
    big_n = n1 + n2
    lo = np.maximum(0.0, m - n2)
    hi = np.minimum(n1, m)
    mean = n1 * m / big_n
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(big_n > 1, n1 * n2 * m * (big_n - m) / (big_n ** 2 * (big_n - 1)), 0.0)
    half = np.ceil(window * np.sqrt(var)) + 10.0
    wlo = np.minimum(np.maximum(lo, np.floor(mean) - half), a)
    whi = np.maximum(np.minimum(hi, np.ceil(mean) + half), a)
    width = (whi - wlo + 1).astype(np.int64)
    order = np.argsort(width, kind="stable")
    start = 0
    while start < a.size:  # blocks of rows with similar support widths
        w = int(width[order[start]])
        rows = max(1, _MAX_BLOCK_CELLS // max(w, 1))
        stop = start + rows
        idx = order[start:stop]
        w = int(width[idx].max())
        x = wlo[idx, None] + np.arange(w)[None, :]
        inside = x <= whi[idx, None]
        logd = _lchoose(n1[idx, None], x) + _lchoose(n2[idx, None], m[idx, None] - x)
        logd = np.where(inside, logd, -np.inf)
        top = logd.max(axis=1, keepdims=True)
        d = np.exp(logd - top)
        obs = np.exp(_lchoose(n1[idx], a[idx]) + _lchoose(n2[idx], c[idx]) - top[:, 0])
        keep = d <= (obs * (1 + 1e-7))[:, None]
        out[idx] = np.minimum(1.0, (d * keep).sum(axis=1) / d.sum(axis=1))
        start = stop
    return out


def pearson_p(a, n1, c, n2):
    """Two-sided P of Pearson's chi-square without continuity correction; 1 where a margin
    is zero (no evidence of a difference; R's ``chisq.test`` gives NaN there)."""
    a, n1, c, n2 = as_float_arrays(a, n1, c, n2)
    m1, m0 = a + c, n1 + n2 - a - c
    with np.errstate(invalid="ignore", divide="ignore"):
        x2 = (n1 + n2) * (a * (n2 - c) - c * (n1 - a)) ** 2 / (n1 * n2 * m1 * m0)
    return np.where((m1 > 0) & (m0 > 0), special.chdtrc(1, x2), 1.0)


def _p(test):
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, not {test!r}")
    return fisher_p if test == "fisher" else pearson_p


# ------------------------------------------------------------------------------ searches

#: Tables with more patients than this are not searched (NaN and a note): the search moves one
#: patient at a time, and at n = 10^9 the index runs to millions of P evaluations (minutes).
SEARCH_MAX_N = 200_000
TOO_BIG = ("not computed: n1 + n2 > 200,000, where the patient-by-patient search takes minutes "
           "(and an index in the thousands says only that the result is not fragile); "
           "p_value is Pearson's chi-square")


def _with_floor_note(note, p0):
    text = f"observed P below the smallest positive double: p_value shows the bound {P_FLOOR:.2g}"
    return np.array([f"{n}; {text}" if f and n else text if f else n
                     for n, f in zip(note, p0 == P_FLOOR)], dtype=object)


def _too_big(n1, n2):
    return (n1 + n2) > SEARCH_MAX_N


def _first_flip(a, n, b, nb, step, limit, test, alpha, want_significant):
    """Fewest ``k`` in 1..limit with ``P(a + step*k, n, b, nb)`` on the wanted side of alpha.

    ``step`` is +1 (events added) or -1 (events removed). NaN where no k up to ``limit``
    flips. Candidates are evaluated in blocks of doubling length, all tables at once.
    """
    limit = np.where(_too_big(n, nb), 0, limit)
    p_of = _p(test)
    if test == "fisher":
        def p_of(*table):
            return fisher_p(*table, window=15.0)
    result = np.full(a.shape, np.nan)
    pending = np.flatnonzero(limit >= 1)
    done_to = np.zeros(a.shape)
    block = 16
    while pending.size:
        ks = done_to[pending, None] + 1 + np.arange(block)[None, :]
        valid = ks <= limit[pending, None]
        rows = np.repeat(pending, block)
        kk = ks.ravel()
        ok = valid.ravel()
        p = np.full(kk.shape, np.nan)
        p[ok] = p_of(a[rows[ok]] + step[rows[ok]] * kk[ok], n[rows[ok]], b[rows[ok]],
                     nb[rows[ok]])
        flips = ((p < alpha) if want_significant else (p >= alpha)) & ok
        flips = flips.reshape(-1, block)
        hit = flips.any(axis=1)
        first = np.argmax(flips, axis=1)
        result[pending[hit]] = ks[hit, first[hit]]
        done_to[pending] += block
        exhausted = done_to[pending] >= limit[pending]
        pending = pending[~hit & ~exhausted]
        block *= 2
    return result


def _significance(events1, n1, events2, n2, level, test):
    a, n1, c, n2 = as_float_arrays(events1, n1, events2, n2)
    alpha = 1.0 - level
    big = _too_big(n1, n2)
    p0 = pearson_p(a, n1, c, n2)  # the observed P of tables too big to search: Pearson's
    small = ~big
    if small.any():
        p0[small] = _p(test)(a[small], n1[small], c[small], n2[small])
    p0 = np.where(p0 == 0, P_FLOOR, p0)  # never 0: the bound, and the notes say so
    return a, n1, c, n2, alpha, p0


def _walsh(a, n1, c, n2, alpha, p0, test):
    """Walsh's index: events added to the arm with fewer events until P >= alpha."""
    sig = p0 < alpha
    ones = np.ones_like(a)
    one = _first_flip(a, n1, c, n2, ones, np.where(sig & (a <= c), n1 - a, 0), test, alpha,
                      False)
    two = _first_flip(c, n2, a, n1, ones, np.where(sig & (c <= a), n2 - c, 0), test, alpha,
                      False)
    fi = np.where(a < c, one, np.where(c < a, two, np.fmin(one, two)))
    arm = np.where(a < c, 1, np.where(c < a, 2, np.where(one <= two, 1, 2)))
    return np.where(sig, fi, 0.0), arm


def fragility_index_walsh(events1, n1, events2, n2, level=0.95, test="fisher"):
    """Fragility index: fewest event-status changes that make a significant result lose it.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and patients in arm 1 (experimental) and arm 2 (control).
    level : float
        ``alpha = 1 - level`` is the significance threshold (0.05 for 0.95).
    test : {"fisher", "chi2"}
        Two-sided Fisher exact test (Walsh's definition) or Pearson chi-square without
        continuity correction.

    Returns
    -------
    Result
        ``measure="fragility_index"``, ``method="walsh_fisher"`` or ``"walsh_chi2"``;
        ``estimate`` the index, ``p_value`` the test's P on the table as observed.

    Notes
    -----
    Walsh et al. (2014): in the arm with fewer events, patients are moved one at a time from
    non-event to event until the two-sided P is >= alpha; the index is the number moved. With
    equal event counts the arm that flips sooner is used. The index is 0 exactly when the
    observed P is already >= alpha. NaN (with a note) when no number of added events flips
    the result (the arm with fewer events already has every patient with an event), and when
    ``n1 + n2 > 200,000`` (:data:`SEARCH_MAX_N`): the search is patient by patient, and such
    trials would take minutes for an index that only says "not fragile".

    References
    ----------
    .. [1] Walsh M, Srinathan SK, McAuley DF, et al. The statistical significance of
       randomized controlled trial results is frequently fragile: a case for a Fragility
       Index. J Clin Epidemiol 2014;67:622-628.

    Examples
    --------
    >>> r = fragility_index_walsh(10, 100, 25, 100)
    >>> float(r.estimate[0]), round(float(r.p_value[0]), 4)
    (4.0, 0.0085)
    """
    a, n1, c, n2, alpha, p0 = _significance(events1, n1, events2, n2, level, test)
    fi, arm = _walsh(a, n1, c, n2, alpha, p0, test)
    big = _too_big(n1, n2) & (p0 < alpha)
    note = _with_floor_note(np.where(big, TOO_BIG, _walsh_notes(a, n1, c, n2, fi, arm, alpha,
                                                                  p0)), p0)
    return Result("fragility_index", f"walsh_{test}", level, estimate=np.where(big, np.nan, fi),
                  p_value=p0, note=note)


def fragility_quotient_walsh(events1, n1, events2, n2, level=0.95, test="fisher"):
    """Fragility quotient: the fragility index divided by the total number of patients.

    Parameters
    ----------
    events1, n1, events2, n2, level, test
        As for :func:`fragility_index_walsh`.

    Returns
    -------
    Result
        ``measure="fragility_quotient"``, ``estimate = FI / (n1 + n2)``.

    Notes
    -----
    Ahmed et al. (2016) proposed the quotient so that trials of different sizes can be
    compared; it is 0 when the result is not significant.

    References
    ----------
    .. [1] Ahmed W, Fowler RA, McCredie VA. Does sample size matter when interpreting the
       fragility index? Crit Care Med 2016;44:e1142-e1143.
    .. [2] Walsh M et al. J Clin Epidemiol 2014;67:622-628.

    Examples
    --------
    >>> float(fragility_quotient_walsh(10, 100, 25, 100).estimate[0])
    0.02
    """
    r = fragility_index_walsh(events1, n1, events2, n2, level, test)
    _, n1, _, n2 = as_float_arrays(events1, n1, events2, n2)
    return Result("fragility_quotient", r.method, level, estimate=r.estimate / (n1 + n2),
                  p_value=r.p_value, note=r.note)


def reverse_fragility_index(events1, n1, events2, n2, level=0.95, test="fisher"):
    """Reverse fragility index: fewest event-status changes that make a non-significant
    result significant.

    Parameters
    ----------
    events1, n1, events2, n2, level, test
        As for :func:`fragility_index_walsh`.

    Returns
    -------
    Result
        ``measure="reverse_fragility_index"``, ``method="fisher"`` or ``"chi2"``.

    Notes
    -----
    Khan et al. (2020) turned Walsh's index around for non-significant trials. Which arm is
    modified varies between reports (Lin 2021); here the changes widen the observed
    difference in whichever single arm needs fewer: the arm with the lower event proportion
    loses events, or the arm with the higher proportion gains events, and the smaller count
    is reported. It is 0 exactly when the observed P is already < alpha; NaN when no
    change in one arm reaches significance.

    References
    ----------
    .. [1] Khan MS, Fonarow GC, Friede T, et al. Application of the reverse fragility index
       to statistically nonsignificant randomized clinical trial results. JAMA Netw Open
       2020;3(8):e2012469.
    .. [2] Lin L. Factors that impact fragility index and their visualizations. J Eval Clin
       Pract 2021;27:356-364.

    Examples
    --------
    >>> float(reverse_fragility_index(15, 100, 25, 100).estimate[0])
    2.0
    """
    a, n1, c, n2, alpha, p0 = _significance(events1, n1, events2, n2, level, test)
    ns = p0 >= alpha
    best = np.full(a.shape, np.nan)
    arm = np.ones(a.shape, dtype=int)
    moved_up = np.zeros(a.shape, dtype=bool)
    ones = np.ones_like(a)
    tie = a * n2 == c * n1  # equal proportions: either arm may move either way
    for lower1 in (a * n2 <= c * n1, np.where(tie, False, a * n2 <= c * n1)):
        # arm 1 moves away from arm 2 (down if it is the lower); arm 2 likewise; arm 2 is
        # searched only up to the best count found so far
        k1 = _first_flip(a, n1, c, n2, np.where(lower1, -ones, ones),
                         np.where(ns, np.where(lower1, a, n1 - a), 0), test, alpha, True)
        take = ~np.isnan(k1) & ~(k1 >= best)
        best, arm, moved_up = (np.where(take, k1, best), np.where(take, 1, arm),
                               np.where(take, ~lower1, moved_up))
        cap = np.where(np.isnan(best), np.inf, best - 1)
        k2 = _first_flip(c, n2, a, n1, np.where(lower1, ones, -ones),
                         np.where(ns, np.minimum(np.where(lower1, n2 - c, c), cap), 0),
                         test, alpha, True)
        take = ~np.isnan(k2) & ~(k2 >= best)
        best, arm, moved_up = (np.where(take, k2, best), np.where(take, 2, arm),
                               np.where(take, lower1, moved_up))
        if not tie.any():
            break
    rfi = np.where(ns, best, 0.0)
    big = _too_big(n1, n2) & ns
    note = _with_floor_note(np.where(big, TOO_BIG, _reverse_notes(a, n1, c, n2, rfi, arm,
                                                                    moved_up, alpha, p0)), p0)
    return Result("reverse_fragility_index", test, level, estimate=np.where(big, np.nan, rfi),
                  p_value=p0, note=note)


def _walsh_notes(a, n1, c, n2, fi, arm, alpha, p0):
    out = np.full(a.shape, "", dtype=object)
    for i in range(a.size):  # text only: the numbers are computed above, vectorised
        if p0[i] >= alpha:
            out[i] = f"P >= {alpha:g} as observed: not significant, index 0"
        elif np.isnan(fi[i]):
            out[i] = "no number of added events in the arm with fewer events reaches " \
                     f"P >= {alpha:g}"
        else:
            e, n = (a[i], n1[i]) if arm[i] == 1 else (c[i], n2[i])
            out[i] = (f"{int(fi[i])} event(s) added to arm {arm[i]} (fewer events): "
                      f"{int(e)}/{int(n)} -> {int(e + fi[i])}/{int(n)} gives P >= {alpha:g}")
    return out


def _reverse_notes(a, n1, c, n2, rfi, arm, moved_up, alpha, p0):
    out = np.full(a.shape, "", dtype=object)
    for i in range(a.size):  # text only
        if p0[i] < alpha:
            out[i] = f"P < {alpha:g} as observed: already significant, index 0"
        elif np.isnan(rfi[i]):
            out[i] = f"no change of events in one arm reaches P < {alpha:g}"
        else:
            e, n = (a[i], n1[i]) if arm[i] == 1 else (c[i], n2[i])
            k = rfi[i] if moved_up[i] else -rfi[i]
            verb = "added to" if moved_up[i] else "removed from"
            out[i] = (f"{int(rfi[i])} event(s) {verb} arm {arm[i]}: {int(e)}/{int(n)} -> "
                      f"{int(e + k)}/{int(n)} gives P < {alpha:g}")
    return out


def _registry_wrapper(func, test):
    """A registry-shaped ``f(events1, n1, events2, n2, level)`` for one test."""
    def wrapper(events1, n1, events2, n2, level=0.95):
        return func(events1, n1, events2, n2, level, test=test)
    wrapper.__doc__ = (f"{func.__doc__.splitlines()[0]} ({test}: registry signature).\n\n"
                       f"    See :func:`{func.__name__}`.\n\n    References\n    ----------\n"
                       f"    .. [1] {WALSH}.\n    .. [2] {KHAN}.\n")
    return wrapper


fragility_index_walsh_fisher = _registry_wrapper(fragility_index_walsh, "fisher")
fragility_index_walsh_chi2 = _registry_wrapper(fragility_index_walsh, "chi2")
fragility_quotient_walsh_fisher = _registry_wrapper(fragility_quotient_walsh, "fisher")
fragility_quotient_walsh_chi2 = _registry_wrapper(fragility_quotient_walsh, "chi2")
reverse_fragility_index_fisher = _registry_wrapper(reverse_fragility_index, "fisher")
reverse_fragility_index_chi2 = _registry_wrapper(reverse_fragility_index, "chi2")
