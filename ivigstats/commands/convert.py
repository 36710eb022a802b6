"""ivigstats convert: SDs (and means) from what papers print.

Subcommands ``se``, ``ci``, ``t``, ``p`` (Cochrane Handbook 6.5.2.2-6.5.2.3; one arm, or a
difference of two arms with ``--n2``) and ``median`` (Wan 2014, Luo 2018, Shi 2020). Each
prints tidy rows (measure ``sd`` or ``mean``); only click is imported here.
"""

from __future__ import annotations

import click

from ivigstats.options import output_options

N1 = click.option("--n", "n1", type=click.IntRange(1), required=True,
                  help="Participants (in the arm, or in arm 1 of a difference).")
N2 = click.option("--n2", type=click.IntRange(1), default=None,
                  help="Participants in arm 2: the number is for a difference of two means, "
                       "and the SD returned is their common SD.")
DIST = click.option("--z", "use_z", is_flag=True,
                    help="Use the normal quantile instead of t (n - 1 df, or n1 + n2 - 2).")
NEGATIVE = {"ignore_unknown_options": True}  # -0.13 is a number, not an option
LABEL = click.option("--outcome", default="converted", show_default=True, metavar="NAME",
                     help="Outcome name in the rows.")


@click.group()
def convert():
    """SD from an SE, a CI, a t statistic or a P value; mean and SD from a median.

    \b
    Examples:
      ivigstats convert ci -0.13 0.37 --n 73            SD of one arm from its 95% CI
      ivigstats convert p 0.008 --estimate 3.8 --n 25 --n2 22
      ivigstats convert median 10 --q1 8 --q3 14 --n 100
    """


def _emit(results, fmt, output, outcome, arms, title):
    from ivigstats.commands.immediate import emit_quietly
    from ivigstats.options import resolve_format
    from ivigstats.render import render
    from ivigstats.rows import block_from_result
    blocks = []
    for r in results:
        block = block_from_result(r, outcome=outcome, arms=arms)
        block.columns["conf_level"][:] = float("nan")  # a conversion has no interval
        blocks.append(block)
    fmt = resolve_format(fmt, output)
    emit_quietly(lambda s: render(blocks, fmt, s, title=title), output)


def _sd(method, values, note):
    import numpy as np

    from ivigstats.stats.result import Result
    return Result("sd", method, float("nan"), estimate=values,
                  note=np.array([note], dtype=object))


def _who(n1, n2):
    return ("difference", f"n = {n1} and {n2}, common SD of the two arms") if n2 else \
        ("one arm", f"n = {n1}")


@convert.command("se")
@click.argument("se", type=click.FloatRange(0, min_open=True))
@N1
@N2
@LABEL
@output_options
def from_se(se, n1, n2, outcome, fmt, output):
    """SD from the standard error of a mean (or of a difference, with --n2)."""
    from ivigstats.stats import conversions as cv
    arms, who = _who(n1, n2)
    sd = cv.sd_from_se_difference(se, n1, n2) if n2 else cv.sd_from_se(se, n1)
    formula = "SE / sqrt(1/n1 + 1/n2)" if n2 else "SE x sqrt(n)"
    _emit([_sd("from_se", sd, f"{formula}; SE {se:g}, {who}")], fmt, output, outcome, arms,
          f"SD from SE {se:g}")


@convert.command("ci", context_settings=NEGATIVE)
@click.argument("low", type=float)
@click.argument("high", type=float)
@N1
@N2
@click.option("--ci-level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Level of the interval.")
@DIST
@LABEL
@output_options
def from_ci(low, high, n1, n2, ci_level, use_z, outcome, fmt, output):
    """SD from a confidence interval LOW HIGH of a mean (or of a difference, with --n2)."""
    from ivigstats.stats import conversions as cv
    if not low < high:
        raise click.BadParameter(f"{low:g} is not below {high:g}; expected LOW < HIGH",
                                 param_hint="LOW HIGH")
    if not use_z and not n2 and n1 < 2:
        raise click.BadParameter("1: the t quantile needs n >= 2 (or use --z)", param_hint="--n")
    dist = "z" if use_z else "t"
    arms, who = _who(n1, n2)
    sd = cv.sd_from_ci_difference(low, high, n1, n2, ci_level, dist) if n2 else \
        cv.sd_from_ci(low, high, n1, ci_level, dist)
    df = f"t, {n1 + n2 - 2 if n2 else n1 - 1} df" if dist == "t" else "z"
    _emit([_sd("from_ci", sd, f"{ci_level:.0%} CI {low:g} to {high:g} ({df}); {who}")], fmt,
          output, outcome, arms, f"SD from CI {low:g} to {high:g}")


@convert.command("t", context_settings=NEGATIVE)
@click.argument("t", type=float)
@click.option("--estimate", type=float, required=True,
              help="The mean (one arm) or the difference in means that t tests.")
@N1
@N2
@LABEL
@output_options
def from_t(t, estimate, n1, n2, outcome, fmt, output):
    """SD from a t statistic T of a mean or of a difference in means (with --n2)."""
    from ivigstats.stats import conversions as cv
    if t == 0:
        raise click.BadParameter("0: a t statistic of 0 carries no SE", param_hint="T")
    arms, who = _who(n1, n2)
    sd = cv.sd_from_t(estimate, t, n1, n2 if n2 else float("nan"))
    _emit([_sd("from_t", sd, f"SE = |{estimate:g}| / |{t:g}|; {who}")], fmt, output, outcome,
          arms, f"SD from t = {t:g}")


@convert.command("p")
@click.argument("p", type=click.FloatRange(0, 1, min_open=True, max_open=True))
@click.option("--estimate", type=float, required=True,
              help="The mean (one arm) or the difference in means that P tests.")
@N1
@N2
@DIST
@LABEL
@output_options
def from_p(p, estimate, n1, n2, use_z, outcome, fmt, output):
    """SD from a two-sided P value of a mean or of a difference in means (with --n2)."""
    from ivigstats.stats import conversions as cv
    if not use_z and not n2 and n1 < 2:
        raise click.BadParameter("1: the t quantile needs n >= 2 (or use --z)", param_hint="--n")
    dist = "z" if use_z else "t"
    arms, who = _who(n1, n2)
    sd = cv.sd_from_p(estimate, p, n1, n2 if n2 else float("nan"), dist)
    df = f"t with {n1 + n2 - 2 if n2 else n1 - 1} df" if dist == "t" else "z"
    _emit([_sd("from_p", sd, f"P = {p:g} -> {df}; SE = |{estimate:g}| / t; {who}")], fmt,
          output, outcome, arms, f"SD from P = {p:g}")


@convert.command("median", context_settings=NEGATIVE)
@click.argument("median", type=float)
@click.option("--q1", type=float, help="First quartile.")
@click.option("--q3", type=float, help="Third quartile.")
@click.option("--min", "minimum", type=float, help="Minimum.")
@click.option("--max", "maximum", type=float, help="Maximum.")
@click.option("--n", "n", type=click.IntRange(5), required=True, help="Sample size (>= 5).")
@click.option("--mean-method", type=click.Choice(["luo", "wan"]), default="luo",
              show_default=True, help="Luo et al. 2018 or Wan et al. 2014.")
@click.option("--sd-method", type=click.Choice(["shi", "wan"]), default="shi",
              show_default=True, help="Five-number summary: Shi et al. 2020 or Wan et al. "
                                      "2014 (range or IQR alone always use Wan).")
@LABEL
@output_options
def from_median(median, q1, q3, minimum, maximum, n, mean_method, sd_method, outcome, fmt,
                output):
    """Mean and SD of one arm from its MEDIAN with --q1/--q3, --min/--max, or all four.

    Assumes roughly normal data; a median is often printed because the data are skewed.
    """
    import itertools

    from ivigstats.stats.median_iqr import mean_sd_from_quantiles
    if (q1 is None) != (q3 is None) or (minimum is None) != (maximum is None) or \
            (q1 is None and minimum is None):
        raise click.UsageError("give --q1 and --q3, --min and --max, or all four")
    given = [("min", minimum), ("q1", q1), ("median", median), ("q3", q3), ("max", maximum)]
    given = [(k, v) for k, v in given if v is not None]
    for (k0, v0), (k1, v1) in itertools.pairwise(given):
        if v0 > v1:
            raise click.BadParameter(f"{k0} {v0:g} is above {k1} {v1:g}; expected "
                                     "min <= q1 <= median <= q3 <= max", param_hint=f"--{k0}")
    mean, sd = mean_sd_from_quantiles(n, median, minimum=minimum, maximum=maximum, q1=q1, q3=q3,
                                      mean_method=mean_method, sd_method=sd_method)
    shown = ", ".join(f"{k} {v:g}" for k, v in given)
    _emit([mean, sd], fmt, output, outcome, "one arm", f"mean and SD from {shown}, n = {n}")
