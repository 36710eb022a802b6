"""P values beyond the double range: log-space tails and the reported bound.

A P that underflows to 0 is never printed as 0: :func:`floor_p` reports the bound
:data:`P_FLOOR` (4.9e-324) and gives ``log10 P`` in the row's note, computed in log space by
the functions here. Shared by every family of the statistics core.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import special

NORMAL_MIN = float(np.finfo(float).tiny)  # 2.2e-308, the smallest normal double
P_FLOOR = float(np.nextafter(0.0, 1.0))  # 4.9e-324, the smallest positive (subnormal) double


def log_p_normal(z):
    """log of the two-sided normal P, ``log 2 + log Phi(-|z|)``, finite for any finite z."""
    return np.log(2.0) + special.log_ndtr(-np.abs(np.asarray(z, dtype=float)))


def log_p_chi2(df, x2):
    """log of the chi-square upper tail ``Q(df/2, x2/2)``, in log space where it underflows.

    Exact through ``log_ndtr`` for 1 df; otherwise ``log chdtrc`` while that is a normal double
    and the asymptotic series ``Q(s, y) ~ y^(s-1) e^-y / Gamma(s) (1 + (s-1)/y +
    (s-1)(s-2)/y^2)`` (Abramowitz & Stegun 6.5.32) beyond, where ``y > 700 >> s``.
    """
    df, x2 = np.broadcast_arrays(np.asarray(df, dtype=float), np.asarray(x2, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = np.log(special.chdtrc(df, x2))
        s, y = df / 2, x2 / 2
        series = ((s - 1) * np.log(y) - y - special.gammaln(s)
                  + np.log1p((s - 1) / y + (s - 1) * (s - 2) / y ** 2))
        one = log_p_normal(np.sqrt(x2))
    out = np.where(direct > np.log(NORMAL_MIN), direct, series)
    return np.where(df == 1, np.where(direct > np.log(NORMAL_MIN), direct, one), out)


def floor_p(result, log_p):
    """``result`` with every P that underflowed to 0 replaced by the bound :data:`P_FLOOR`
    (4.9e-324) and a note giving ``log10 P``: such a P is reported, never printed as 0. Other
    rows are unchanged (subnormal P from 2.2e-308 down to 4.9e-324 are kept, as R prints them,
    with fewer significant digits)."""
    if result.p_value is None:
        return result
    p = np.array(result.p_value, dtype=float)
    log_p = np.broadcast_to(np.asarray(log_p, dtype=float), p.shape)
    under = np.isfinite(log_p) & (p == 0)
    if not under.any():
        return result
    note = np.array(result.note if result.note is not None else np.full(p.size, ""),
                    dtype=object)
    for i in np.flatnonzero(under):  # only the rows beyond the double range
        text = (f"P = 10^{log_p[i] / np.log(10):.1f}, below the smallest positive double; "
                f"p_value shows the bound {P_FLOOR:.2g}")
        note[i] = f"{note[i]}; {text}" if note[i] else text
    p[under] = P_FLOOR
    return replace(result, p_value=p, note=note)


def log_p_t(df, t):
    """log of the two-sided t P, ``log 2 + log S_df(|t|)``, finite for any finite t.

    ``log stdtr`` while that is a normal double; beyond (P < 2.2e-308), in log space:

    * where ``x = df / (df + t^2) <= 0.9``, the incomplete-beta form
      ``2 S = I_x(df/2, 1/2) = x^a (1 - x)^b / (a B(a, b)) 2F1(a + b, 1; a + 1; x)`` (DLMF
      8.17.7-8, a = df/2, b = 1/2), exact up to rounding (R ``pt(log.p = TRUE)`` agrees to
      1e-10 from df 2 to 1e6);
    * where ``x > 0.9`` (only huge df, t < sqrt(df)/3), the bound from integrating ``x f(x)``
      by parts, ``S(t) ~ f_df(t) (df + t^2) / ((df - 1) t)``: within 1e-3 of R in log P there.
    """
    df, t = np.broadcast_arrays(np.asarray(df, dtype=float), np.abs(np.asarray(t, dtype=float)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = np.log(2 * special.stdtr(df, -t))
        log_t = np.log(t)
        # log(df + t^2) without forming t^2, which overflows past 1.3e154
        log_df_t2 = np.where(t > 1e100, 2 * log_t, np.log(df + np.minimum(t, 1e100) ** 2))
        log_x = np.log(df) - log_df_t2
        a = df / 2
        beta = (a * log_x + 0.5 * (2 * log_t - log_df_t2) - np.log(a) - special.betaln(a, 0.5)
                + np.log(special.hyp2f1(a + 0.5, 1.0, a + 1.0, np.exp(log_x))))
        log_density = (special.gammaln((df + 1) / 2) - special.gammaln(df / 2)
                       - 0.5 * np.log(df * np.pi) - (df + 1) / 2 * (log_df_t2 - np.log(df)))
        bound = np.log(2.0) + log_density + log_df_t2 - np.log(df - 1) - log_t
        series = np.where(log_x <= np.log(0.9), beta, bound)
    return np.where(direct > np.log(NORMAL_MIN), direct, series)
