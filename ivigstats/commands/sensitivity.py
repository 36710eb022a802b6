"""ivigstats fragility / overdispersion / bayes / cost: sensitivity analyses of one trial.

Each takes a trial (a file, '-' or an embedded id; default the embedded fazekas1997) or, for
fragility and overdispersion, two arms typed as on the immediate commands. Rows are the tidy
result rows of ``summarize``. Only click is imported here.
"""

from __future__ import annotations

import click

from ivigstats.commands.immediate import Proportion, Rate, emit_quietly
from ivigstats.commands.summarize import parse_costs, parse_phis
from ivigstats.options import emit, output_options, resolve_format  # noqa: F401

LEVEL = click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
                     default=0.95, show_default=True,
                     help="Confidence level (fragility: alpha = 1 - level).")


def _arms_or_trial(args, arm_type, what):
    """``()`` -> embedded trial, ``(TRIAL,)`` -> that trial, two arms -> parsed arms."""
    if len(args) == 2:
        return None, [arm_type.convert(a, None, None) for a in args]
    if len(args) > 2:
        raise click.UsageError(f"expected a TRIAL or two arms {what}, got {len(args)} arguments")
    from ivigstats.trial import load_path
    return load_path(args[0] if args else "fazekas1997"), None


def _outcomes(trial, kinds, only):
    chosen = [o for o in trial.outcomes if o.kind in kinds and (only is None or o.id == only)]
    if only is not None and not chosen:
        ids = ", ".join(o.id for o in trial.outcomes if o.kind in kinds) or "none"
        raise click.BadParameter(f"{only!r} is not a {' or '.join(kinds)} outcome of {trial.id}; "
                                 f"expected one of: {ids}", param_hint="--outcome")
    return chosen


def _trial_rows(trial, kinds, only, level, sens, keep):
    from ivigstats.analysis import arm_arguments, sensitivity_rows
    blocks = []
    for outcome in _outcomes(trial, kinds, only):
        for exp, ctl in trial.comparisons():
            if exp.id not in outcome.arms or ctl.id not in outcome.arms:
                continue
            args, notes = arm_arguments(outcome, outcome.arms[exp.id], outcome.arms[ctl.id])
            blocks.extend(b for b in sensitivity_rows(trial, outcome, exp, ctl, args, level, sens,
                                                      note="; ".join(notes))
                          if keep(b.columns["measure"][0]))
    return blocks


def _write(blocks, fmt, output, title, trial=None):
    from ivigstats.render import render
    fmt = resolve_format(fmt, output)
    meta = trial.metadata() if trial is not None else None
    emit_quietly(lambda s: render(blocks, fmt, s, meta=meta, title=title), output)


def _names(value):
    from ivigstats.commands.immediate import _names as names
    return names(value, ("arm1", "arm2"))


ARMS = click.option("--arms", "arm_names", metavar="NAME1,NAME2",
                    help="Names of the two typed arms in the rows [default: arm1,arm2].")
OUTCOME = click.option("--outcome", metavar="ID", help="Only this outcome of the trial.")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, metavar="[TRIAL | EVENTS1/N1 EVENTS2/N2]")
@click.option("--test", type=click.Choice(["fisher", "chi2"]), default="fisher",
              show_default=True, help="Two-sided Fisher exact (Walsh 2014) or Pearson "
                                      "chi-square without continuity correction.")
@OUTCOME
@ARMS
@LEVEL
@output_options
def fragility(args, test, outcome, arm_names, level, fmt, output):
    """Fragility index, fragility quotient and reverse fragility index of binary outcomes.

    The index (Walsh et al. 2014) is the fewest patients in the arm with fewer events whose
    status must change from non-event to event for P to reach 1 - level; the reverse index
    (Khan et al. 2020) the fewest changes that make a non-significant result significant.

    \b
    Examples:
      ivigstats fragility                      binary outcomes of the embedded trial
      ivigstats fragility 40/75 26/73 --arms ivig,placebo
      ivigstats fragility trial.toml --test chi2 -f csv
    """
    from ivigstats.analysis import Sensitivity
    trial, arms = _arms_or_trial(args, Proportion(), "as EVENTS/N")
    if trial is not None:
        sens = Sensitivity(fragility_test=test, phis=())
        blocks = _trial_rows(trial, ("binary",), outcome, level, sens, lambda m: True)
        return _write(blocks, fmt, output, f"{trial.id}: fragility ({test})", trial)
    from ivigstats.rows import block_from_result
    from ivigstats.stats import fragility as fr
    names = _names(arm_names)
    nums = (arms[0]["events"], arms[0]["n"], arms[1]["events"], arms[1]["n"])
    blocks = []
    for func in (fr.fragility_index_walsh, fr.fragility_quotient_walsh,
                 fr.reverse_fragility_index):
        r = func(*nums, level=level, test=test)
        note = [x.replace("arm 1", names[0]).replace("arm 2", names[1]) for x in r.note]
        blocks.append(block_from_result(r, outcome=outcome or "fragility",
                                        arms=f"{names[0]} vs {names[1]}"))
        blocks[-1].columns["note"] = note
    _write(blocks, fmt, output, f"fragility: {args[0]} vs {args[1]} ({test})")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, metavar="[TRIAL | EVENTS1/TIME1 EVENTS2/TIME2]")
@click.option("--phi", "phis", default="1,1.5,2,3", show_default=True, metavar="LIST",
              help="Quasi-Poisson dispersions: variance = phi x mean.")
@click.option("--k", "nb_k", type=click.FloatRange(0, min_open=True),
              help="Negative-binomial shape k (variance = mu + mu^2/k); typed arms need --n.")
@click.option("--n", "patients", metavar="N1,N2", help="Patients per typed arm (for --k).")
@click.option("--dispersion-from", metavar="OUTCOME",
              help="Trial outcome with the mean and SD of per-patient rates: phi and k are "
                   "estimated from it.")
@OUTCOME
@ARMS
@LEVEL
@output_options
def overdispersion(args, phis, nb_k, patients, dispersion_from, outcome, arm_names, level, fmt,
                   output):
    """Rate ratios of count outcomes with the variance inflated for clustered events.

    Quasi-Poisson: SE(log RR) x sqrt(phi) for each phi of the grid; negative binomial with
    shape k; with --dispersion-from, phi and k estimated from the mean and SD of per-patient
    rates (counts = rate x follow-up). Shows when significance is lost.

    \b
    Examples:
      ivigstats overdispersion --dispersion-from annual_relapse_rate
      ivigstats overdispersion 62/150 116/146 --phi 1,2,4 --k 0.5 --n 75,73
    """
    from ivigstats.analysis import Sensitivity
    phi_grid = parse_phis(phis)
    trial, arms = _arms_or_trial(args, Rate(), "as EVENTS/TIME")
    if trial is not None:
        sens = Sensitivity(fragility_test=None, phis=phi_grid, dispersion_from=dispersion_from,
                           k=nb_k)
        blocks = _trial_rows(trial, ("count",), outcome, level, sens, lambda m: True)
        return _write(blocks, fmt, output, f"{trial.id}: overdispersion", trial)
    if dispersion_from:
        raise click.UsageError("--dispersion-from needs a trial, not typed arms")
    from ivigstats.rows import block_from_result
    from ivigstats.stats import overdispersion as od
    nums = (arms[0]["events"], arms[0]["person_years"], arms[1]["events"],
            arms[1]["person_years"])
    results = [od.rate_ratio_quasi_poisson(*nums, level=level, phi=p) for p in phi_grid]
    if nb_k is not None:
        n = _patients(patients)
        results.append(od.rate_ratio_negative_binomial(*nums, level=level, k=nb_k, n1=n[0],
                                                       n2=n[1]))
    names = _names(arm_names)
    blocks = [block_from_result(r, outcome=outcome or "rates", arms=f"{names[0]} vs {names[1]}")
              for r in results]
    _write(blocks, fmt, output, f"overdispersion: {args[0]} vs {args[1]}")


def _patients(value):
    parts = (value or "").split(",")
    try:
        n = [int(p) for p in parts]
    except ValueError:
        n = []
    if len(n) != 2 or min(n) < 1:
        raise click.BadParameter(f"{value!r}: expected two whole numbers >= 1, e.g. 75,73",
                                 param_hint="--n")
    return n


@click.command()
@click.argument("trial", default="fazekas1997", metavar="[TRIAL]")
@click.option("--cost", metavar="ARM=AMOUNT,...",
              help="Annual cost per patient of each arm, e.g. ivig=12000,placebo=0 "
                   "[default: the arms' annual_cost in the trial file].")
@OUTCOME
@LEVEL
@output_options
def cost(trial, cost, outcome, level, fmt, output):
    """Cost per event avoided (count outcomes) and per additional patient with the outcome
    (binary outcomes), with intervals from the effect's confidence interval.

    Count outcomes: incremental annual cost / events avoided per patient-year (Wald rate
    difference). Binary outcomes: incremental cost over the follow-up / risk difference
    (Newcombe). Ignores discounting, adverse events and their costs, quality of life and
    every cost other than the stated annual cost per patient.

    \b
    Examples:
      ivigstats cost --cost ivig=12000,placebo=0
      ivigstats cost trial.toml              # annual_cost of each [[arms]] in the file
    """
    from ivigstats.analysis import Sensitivity
    from ivigstats.trial import load_path
    t = load_path(trial)
    costs = parse_costs(cost) or t.annual_costs()
    if costs is None:
        raise click.UsageError(f"--cost ARM=AMOUNT,... is needed: {t.id} gives no annual_cost "
                               "for its arms")
    sens = Sensitivity(fragility_test=None, phis=(), cost=costs)
    blocks = _trial_rows(t, ("binary", "count"), outcome, level, sens,
                         lambda m: m.startswith("cost_"))
    _write(blocks, fmt, output, f"{t.id}: cost per outcome avoided", t)


@click.command()
@click.argument("trial", required=False, metavar="[TRIAL]")
@click.option("--outcome", metavar="ID", help="The trial outcome to reanalyse.")
@click.option("--measure", metavar="MEASURE/METHOD",
              help="Which effect of the outcome [default: risk_ratio/katz_log, "
                   "rate_ratio/wald_log, mean_difference/welch by kind].")
@click.option("--estimate", type=float, help="A typed effect instead of a trial outcome.")
@click.option("--ci", metavar="LOW,HIGH", help="Its confidence interval (typed effect).")
@click.option("--se", type=click.FloatRange(0, min_open=True),
              help="Or its standard error (of the log for a ratio).")
@click.option("--ratio/--difference", default=True, show_default=True,
              help="The typed effect is a ratio (analysed as a log) or a difference.")
@click.option("--benefit", type=click.Choice(["lower", "higher"]),
              help="Typed effect: is a lower or a higher value a benefit? [default: lower]")
@click.option("--plausible", type=float, metavar="EFFECT",
              help="Plausible effect (natural scale, e.g. 0.7): the sceptical prior puts 5% "
                   "beyond it, the enthusiastic prior is centred on it.")
@click.option("--mid", type=float, metavar="EFFECT",
              help="Minimal important effect: adds P(benefit beyond it).")
@click.option("--prior", "priors", default="sceptical,neutral,enthusiastic",
              show_default=True, metavar="LIST", help="Named priors.")
@click.option("--prior-mean", type=float, help="A custom normal prior: mean (natural scale).")
@click.option("--prior-sd", type=click.FloatRange(0, min_open=True),
              help="A custom normal prior: SD (log scale for ratios).")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Credible and confidence level.")
@output_options
def bayes(trial, outcome, measure, estimate, ci, se, ratio, benefit, plausible, mid, priors,
          prior_mean, prior_sd, level, fmt, output):
    """Posterior of a trial's effect under sceptical, neutral and enthusiastic priors.

    Normal likelihood from the effect and its standard error (log scale for ratios), normal
    priors as in Spiegelhalter, Freedman and Parmar (1994); rows give the posterior median
    and credible interval, P(benefit) and, with --mid, P(benefit beyond the minimal
    important effect). The direction of benefit comes from the outcome.

    \b
    Examples:
      ivigstats bayes --outcome relapses --plausible 0.7 --mid 0.9
      ivigstats bayes --estimate 0.76 --ci 0.55,1.04 --plausible 0.7 --benefit lower
    """
    from ivigstats.reanalysis import posterior_blocks, prior_specs, trial_effects
    if estimate is not None:
        if trial or outcome or measure:
            raise click.UsageError("give either --estimate (typed) or a trial --outcome")
        effects = [_typed_effect(estimate, ci, se, ratio, level)]
        effects[0]["benefit"] = benefit or "lower"
        t = None
    else:
        from ivigstats.trial import load_path
        t = load_path(trial or "fazekas1997")
        if outcome is None:
            ids = ", ".join(o.id for o in t.outcomes)
            raise click.UsageError(f"--outcome is needed; outcomes of {t.id}: {ids}")
        effects = trial_effects(t, outcome, measure, level)
    if (prior_mean is None) != (prior_sd is None):
        raise click.UsageError("--prior-mean and --prior-sd go together")
    custom_only = prior_mean is not None and priors == "sceptical,neutral,enthusiastic"
    names = [] if custom_only else [p.strip() for p in priors.split(",") if p.strip()]
    blocks = []
    for effect in effects:
        specs = prior_specs(names, plausible, prior_mean, prior_sd,
                            log_scale=effect["log_scale"])
        blocks.extend(posterior_blocks(effect, specs, level, mid))
    _write(blocks, fmt, output, f"Bayesian reanalysis: {effects[0]['outcome']}", t)


def _typed_effect(estimate, ci, se, ratio, level):
    import math

    from scipy import special
    if (ci is None) == (se is None):
        raise click.UsageError("with --estimate give one of --ci LOW,HIGH or --se SE")
    if ratio and not estimate > 0:
        raise click.BadParameter(f"{estimate:g}: a ratio must be > 0", param_hint="--estimate")
    if se is None:
        try:
            low, high = (float(x) for x in ci.split(","))
        except ValueError:
            raise click.BadParameter(f"{ci!r}: expected LOW,HIGH", param_hint="--ci") from None
        if not low < high or (ratio and low <= 0):
            raise click.BadParameter(f"{ci!r}: expected LOW < HIGH" + (", both > 0 for a ratio"
                                     if ratio else ""), param_hint="--ci")
        width = math.log(high) - math.log(low) if ratio else high - low
        se = width / (2 * special.ndtri(1 - (1 - level) / 2))
    return {"estimate": estimate, "se": se, "log_scale": ratio, "outcome": "effect",
            "arms": "typed", "measure": "ratio" if ratio else "difference",
            "label": "typed ratio" if ratio else "typed difference"}


