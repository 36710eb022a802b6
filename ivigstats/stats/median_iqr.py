"""Mean and SD of one arm from its median with the quartiles, the range, or both.

Three scenarios (Wan et al. 2014): S1 = {min, median, max, n}, S2 = {q1, median, q3, n},
S3 = {min, q1, median, q3, max, n}. Means by Luo et al. (2018, the default) or Wan et al.
(2014); SDs by Wan et al. (2014) for S1 and S2 and by Shi et al. (2020, the default) or Wan for
S3. All assume roughly normal data: a median with an IQR is often printed because the data are
skewed, and then every estimate here is rough.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays

WAN = ("Wan X, Wang W, Liu J, Tong T. Estimating the sample mean and standard deviation from "
       "the sample size, median, range and/or interquartile range. BMC Med Res Methodol "
       "2014;14:135")
LUO = ("Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean from the sample "
       "size, median, mid-range, and/or mid-quartile range. Stat Methods Med Res "
       "2018;27:1785-1805")
SHI = ("Shi J, Luo D, Weng H, et al. Optimally estimating the sample standard deviation from "
       "the five-number summary. Res Synth Methods 2020;11:641-654")
MEAN_METHODS = ("luo", "wan")
SD_METHODS = ("shi", "wan")


XI_EXACT_MAX_N = 50    # Wan 2014 Table 1: exact expected range up to n = 50
ETA_EXACT_MAX_Q = 50   # Wan 2014 Table 2: exact expected IQR up to n = 4Q + 1 = 201


def _xi_blom(n):
    """``2 Phi^-1((n - 0.375) / (n + 0.25))``: Blom's approximation to the expected range."""
    return 2.0 * special.ndtri((n - 0.375) / (n + 0.25))


def _eta_blom(n):
    """``2 Phi^-1((0.75 n - 0.125) / (n + 0.25))``: approximate expected IQR."""
    return 2.0 * special.ndtri((0.75 * n - 0.125) / (n + 0.25))


@functools.cache
def _exact_tables() -> tuple[np.ndarray, np.ndarray]:
    """Expected range ``E(Z(n) - Z(1))`` for n = 1..50 and expected IQR
    ``2 E(Z(3Q+1:4Q+1))`` for Q = 1..50 of standard normal samples (Wan 2014 Tables 1 and 2).

    Each is ``integral x f_k(x) dx`` with the order-statistic density
    ``f_k = n! / ((k-1)! (n-k)!) Phi^(k-1) (1 - Phi)^(n-k) phi``, by the trapezoid rule on
    [-12, 12] in steps of 0.002 (the integrand is smooth and negligible beyond; error < 1e-10).
    """
    x = np.linspace(-12.0, 12.0, 12001)
    log_cdf, log_sf = special.log_ndtr(x), special.log_ndtr(-x)
    log_pdf = -0.5 * x * x - 0.5 * np.log(2.0 * np.pi)

    def expected(k, n):
        k, n = np.asarray(k, float)[:, None], np.asarray(n, float)[:, None]
        log_c = special.gammaln(n + 1) - special.gammaln(k) - special.gammaln(n - k + 1)
        with np.errstate(invalid="ignore"):  # 0 * -inf where a power is 0 (k = 1 or n)
            log_f = log_c + np.where(k > 1, (k - 1) * log_cdf, 0.0) \
                + np.where(n > k, (n - k) * log_sf, 0.0) + log_pdf
        return np.trapezoid(x * np.exp(log_f), x, axis=1)

    n = np.arange(1, XI_EXACT_MAX_N + 1)
    q = np.arange(1, ETA_EXACT_MAX_Q + 1)
    return 2.0 * expected(n, n), 2.0 * expected(3 * q + 1, 4 * q + 1)


def _xi(n):
    """Expected range of n standard normals, as Wan et al. (2014) use it: the exact value
    (their Table 1) for integer n <= 50, Blom's approximation (their eq. 9) above."""
    n = np.asarray(n, float)
    out = _xi_blom(n)
    exact = (n == np.floor(n)) & (n >= 1) & (n <= XI_EXACT_MAX_N)
    if exact.any():
        out = np.where(exact, _exact_tables()[0][np.where(exact, n, 1).astype(int) - 1], out)
    return out


def _eta(n):
    """Expected IQR of n standard normals, as Wan et al. (2014) use it: the exact value for
    n = 4Q + 1 (their Table 2) up to n = 201, Q = ceil((n - 1)/4) for other n (the R package
    meta's rule), and the approximation of their eq. 16 above 201."""
    n = np.asarray(n, float)
    out = _eta_blom(n)
    q = np.ceil((n - 1) / 4)
    exact = (n == np.floor(n)) & (q >= 1) & (q <= ETA_EXACT_MAX_Q)
    if exact.any():
        out = np.where(exact, _exact_tables()[1][np.where(exact, q, 1).astype(int) - 1], out)
    return out


def mean_luo(n, median, *, minimum=None, maximum=None, q1=None, q3=None):
    """Sample mean from the median and the range and/or quartiles (Luo et al. 2018).

    Parameters
    ----------
    n : array_like
        Sample size.
    median : array_like
        Sample median.
    minimum, maximum, q1, q3 : array_like or None
        Give ``minimum`` and ``maximum`` (S1), ``q1`` and ``q3`` (S2), or all four (S3).

    Returns
    -------
    numpy.ndarray
        S1: ``w (a + b)/2 + (1 - w) m``, ``w = 4 / (4 + n^0.75)``;
        S2: ``w (q1 + q3)/2 + (1 - w) m``, ``w = 0.7 + 0.39 / n``;
        S3: ``w1 (a + b)/2 + w2 (q1 + q3)/2 + (1 - w1 - w2) m``,
        ``w1 = 2.2 / (2.2 + n^0.75)``, ``w2 = 0.7 - 0.72 / n^0.55``.

    References
    ----------
    .. [1] Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean from the sample
       size, median, mid-range, and/or mid-quartile range. Stat Methods Med Res
       2018;27:1785-1805 (equations 7, 11 and 15).

    Examples
    --------
    >>> round(float(mean_luo(100, 10, q1=8, q3=14)[0]), 4)
    10.7039
    """
    scenario = _scenario(minimum, maximum, q1, q3)
    if scenario == "range":
        n, m, a, b = as_float_arrays(n, median, minimum, maximum)
        w = 4.0 / (4.0 + n ** 0.75)
        return w * (a + b) / 2 + (1 - w) * m
    if scenario == "iqr":
        n, m, lo, hi = as_float_arrays(n, median, q1, q3)
        w = 0.7 + 0.39 / n
        return w * (lo + hi) / 2 + (1 - w) * m
    n, m, a, lo, hi, b = as_float_arrays(n, median, minimum, q1, q3, maximum)
    w1 = 2.2 / (2.2 + n ** 0.75)
    w2 = 0.7 - 0.72 / n ** 0.55
    return w1 * (a + b) / 2 + w2 * (lo + hi) / 2 + (1 - w1 - w2) * m


def mean_wan(n, median, *, minimum=None, maximum=None, q1=None, q3=None):
    """Sample mean by Wan et al. (2014): ``(a + 2m + b)/4``, ``(q1 + m + q3)/3`` or
    ``(a + 2 q1 + 2 m + 2 q3 + b)/8`` (S1, S2, S3; the sample size is not used). S1 leaves
    out Hozo's small-sample term ``(a - 2m + b)/(4n)``, as metafor's ``conv.fivenum`` does;
    the R package meta keeps it (the two differ by that term, which vanishes as n grows).

    References
    ----------
    .. [1] Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135 (equations 2, 10
       and 14; S1 is Hozo et al. 2005).

    Examples
    --------
    >>> float(mean_wan(100, 10, q1=8, q3=15)[0])
    11.0
    """
    scenario = _scenario(minimum, maximum, q1, q3)
    if scenario == "range":
        _, m, a, b = as_float_arrays(n, median, minimum, maximum)
        return (a + 2 * m + b) / 4
    if scenario == "iqr":
        _, m, lo, hi = as_float_arrays(n, median, q1, q3)
        return (lo + m + hi) / 3
    _, m, a, lo, hi, b = as_float_arrays(n, median, minimum, q1, q3, maximum)
    return (a + 2 * lo + 2 * m + 2 * hi + b) / 8


def sd_wan(n, *, minimum=None, maximum=None, q1=None, q3=None):
    """Sample SD by Wan et al. (2014): ``(b - a)/xi``, ``(q3 - q1)/eta`` or their average.

    Parameters
    ----------
    n : array_like
        Sample size.
    minimum, maximum, q1, q3 : array_like or None
        The range (S1), the quartiles (S2) or both (S3).

    Returns
    -------
    numpy.ndarray
        ``xi`` and ``eta`` are the expected range and IQR of n standard normals: exact (Wan's
        Tables 1 and 2, recomputed by quadrature) for n <= 50 and for n <= 201 respectively,
        then ``xi = 2 Phi^-1((n - 0.375)/(n + 0.25))`` and
        ``eta = 2 Phi^-1((0.75 n - 0.125)/(n + 0.25))``; S3: ``((b - a)/xi + (q3 - q1)/eta) / 2``.
        metafor's ``conv.fivenum`` uses the approximations at every n; they differ from the
        exact values by 1.4% at n = 5 and 0.3% at n = 50.

    References
    ----------
    .. [1] Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135 (equations 7, 13
       and 16).

    Examples
    --------
    n = 100 uses the exact expected IQR for Q = 25 (Table 2: 1.330):

    >>> round(float(sd_wan(100, q1=8, q3=14)[0]), 4)
    4.5104
    """
    scenario = _scenario(minimum, maximum, q1, q3)
    if scenario == "range":
        n, a, b = as_float_arrays(n, minimum, maximum)
        return (b - a) / _xi(n)
    if scenario == "iqr":
        n, lo, hi = as_float_arrays(n, q1, q3)
        return (hi - lo) / _eta(n)
    n, a, lo, hi, b = as_float_arrays(n, minimum, q1, q3, maximum)
    return ((b - a) / _xi(n) + (hi - lo) / _eta(n)) / 2


def sd_shi(n, *, minimum, q1, q3, maximum):
    """Sample SD from the five-number summary by Shi et al. (2020).

    Parameters
    ----------
    n, minimum, q1, q3, maximum : array_like
        Sample size and the range and quartiles (scenario S3 only).

    Returns
    -------
    numpy.ndarray
        ``w (b - a)/xi + (1 - w)(q3 - q1)/eta`` with ``w = 1 / (1 + 0.07 n^0.6)``; xi and eta
        are the approximations of :func:`sd_wan` at every n, as Shi et al. (and metafor's
        ``conv.fivenum`` and the R package meta) use them. It replaces Wan's equal weights,
        which give the range too much weight in large samples.

    References
    ----------
    .. [1] Shi J, Luo D, Weng H, et al. Optimally estimating the sample standard deviation
       from the five-number summary. Res Synth Methods 2020;11:641-654 (equation 10).

    Examples
    --------
    >>> round(float(sd_shi(100, minimum=1, q1=8, q3=14, maximum=30)[0]), 4)
    5.1248
    """
    n, a, lo, hi, b = as_float_arrays(n, minimum, q1, q3, maximum)
    w = 1.0 / (1.0 + 0.07 * n ** 0.6)
    return w * (b - a) / _xi_blom(n) + (1 - w) * (hi - lo) / _eta_blom(n)


def _scenario(minimum, maximum, q1, q3) -> str:
    has_range = minimum is not None and maximum is not None
    has_iqr = q1 is not None and q3 is not None
    if has_range and has_iqr:
        return "five"
    if has_range:
        return "range"
    if has_iqr:
        return "iqr"
    raise ValueError("give minimum and maximum, q1 and q3, or all four")


def mean_sd_from_quantiles(n, median, *, minimum=None, maximum=None, q1=None, q3=None,
                           mean_method="luo", sd_method="shi"):
    """Estimated mean and SD as two :class:`Result` rows (measures ``mean`` and ``sd``).

    Methods are named ``<author>_<scenario>``: ``luo_iqr``, ``wan_range``, ``shi_five`` ...
    ``sd_method="shi"`` applies to the five-number summary only; with the range or the
    quartiles alone Wan's SD is used (Shi et al. keep it there). Level is NaN: a conversion
    has no interval.

    Examples
    --------
    >>> mean, sd = mean_sd_from_quantiles(100, 10, q1=8, q3=14)
    >>> mean.method, sd.method
    ('luo_iqr', 'wan_iqr')
    """
    scenario = _scenario(minimum, maximum, q1, q3)
    if mean_method not in MEAN_METHODS or sd_method not in SD_METHODS:
        raise ValueError(f"mean_method in {MEAN_METHODS}, sd_method in {SD_METHODS}")
    kw = {"minimum": minimum, "maximum": maximum, "q1": q1, "q3": q3}
    mean = (mean_luo if mean_method == "luo" else mean_wan)(n, median, **kw)
    if scenario == "five" and sd_method == "shi":
        sd, sd_name = sd_shi(n, **kw), "shi"
    else:
        sd, sd_name = sd_wan(n, **kw), "wan"
    note = np.full(mean.size, "assumes roughly normal data", dtype=object)
    return (Result("mean", f"{mean_method}_{scenario}", float("nan"), estimate=mean, note=note),
            Result("sd", f"{sd_name}_{scenario}", float("nan"), estimate=sd, note=note))
