"""Bayesian reanalysis of a trial outcome's summary effect, as result rows.

The likelihood is the outcome's effect and its SE (log scale for ratios) from one registry
method; the priors are :mod:`ivigstats.stats.bayes`'s (Spiegelhalter, Freedman and Parmar
1994). Shared by ``ivigstats bayes`` and ``ivigstats summarize --bayes``; knows nothing of
click.
"""

from __future__ import annotations

import math

from ivigstats.errors import InputError
from ivigstats.rows import RowBlock, block_from_result

DEFAULT_EFFECT = {"binary": "risk_ratio/katz_log", "count": "rate_ratio/wald_log",
                  "continuous": "mean_difference/welch",
                  "ordinal": "odds_ratio/proportional_odds"}


def trial_effects(trial, outcome_id: str, measure: str | None = None,
                  level: float = 0.95, *, option: str = "--outcome") -> list[dict]:
    """The effect and SE of ``outcome_id`` for every comparison of ``trial``.

    ``measure`` is a registry key (``rate_ratio/wald_log``); by default the kind's entry in
    :data:`DEFAULT_EFFECT`. The SE is the row's, or from its CI when the row has none.
    Raises :class:`InputError` (naming ``option``) for an unknown outcome, an unknown
    measure, or an outcome without an estimate.
    """
    from scipy import special

    from ivigstats import methods as registry
    from ivigstats.analysis import outcome_rows
    outcome = next((o for o in trial.outcomes if o.id == outcome_id), None)
    if outcome is None:
        raise InputError(option, f"{outcome_id!r} is not an outcome of {trial.id}; "
                         "expected one of: " + ", ".join(o.id for o in trial.outcomes))
    key = measure or DEFAULT_EFFECT[outcome.kind]
    method = next((m for m in registry.for_kind(outcome.kind) if m.key == key), None)
    if method is None or method.measure == "test":
        keys = ", ".join(m.key for m in registry.for_kind(outcome.kind) if m.measure != "test")
        raise InputError("--measure", f"{key!r} is not an effect of a {outcome.kind} outcome; "
                         f"expected one of: {keys}")
    rows = [r for b in outcome_rows(trial, outcome, key, level) for r in b.records()
            if r["measure"] == method.measure and r["method"] == method.method
            and r["estimate"] is not None]
    if not rows:
        raise InputError(outcome_id, f"no {key} estimate to reanalyse")
    effects = []
    for row in rows:
        se = row["std_error"]
        if se is None:  # from the interval, on the analysis scale
            f = math.log if method.log_scale else (lambda x: x)
            se = (f(row["conf_high"]) - f(row["conf_low"])) / (2 * special.ndtri(0.5 + level / 2))
        effects.append({"estimate": row["estimate"], "se": se, "log_scale": method.log_scale,
                        "outcome": outcome.id, "arms": row["arms"], "measure": method.measure,
                        "benefit": outcome.benefit, "label": key})
    return effects


def prior_specs(names, plausible=None, prior_mean=None, prior_sd=None, *,
                log_scale: bool) -> list[tuple]:
    """``(name, mean, sd)`` on the analysis scale for named priors and an optional custom one.

    ``plausible`` and ``prior_mean`` are on the natural scale (a ratio such as 0.7 for ratios).
    """
    from ivigstats.stats.bayes import PRIORS, prior_for
    to_scale = _to_analysis_scale(log_scale)
    for name in names:
        if name not in PRIORS:
            raise InputError("--prior", f"{name!r}: expected a comma list of {', '.join(PRIORS)}")
    if any(n != "neutral" for n in names) and plausible is None:
        raise InputError("--plausible", "needed for the sceptical and enthusiastic priors "
                         "(a plausible effect, e.g. 0.7 for a ratio)")
    specs = [(n, *prior_for(n, to_scale(plausible, "--plausible") if n != "neutral" else 1.0))
             for n in names]
    if prior_mean is not None:
        specs.append(("custom", to_scale(prior_mean, "--prior-mean"), prior_sd))
    return specs


def posterior_blocks(effect: dict, specs, level: float = 0.95, mid=None) -> list[RowBlock]:
    """Rows of the posterior under each prior of ``specs`` (see :func:`prior_specs`)."""
    from ivigstats.stats.bayes import posterior_normal
    log_scale = effect["log_scale"]
    if mid is not None:
        _to_analysis_scale(log_scale)(mid, "--mid")
    blocks = []
    for name, m0, s0 in specs:
        results = posterior_normal(effect["estimate"], effect["se"], m0, s0, level,
                                   log_scale=log_scale, benefit=effect["benefit"], mid=mid,
                                   measure=effect["measure"], prior=name)
        if math.isinf(s0):
            shown = "flat"
        elif log_scale:
            shown = f"median ratio {math.exp(m0):.4g}, SD of the log ratio {s0:.4g}"
        else:
            shown = f"N({m0:.4g}, SD {s0:.4g})"
        note = (f"prior {shown}; likelihood {effect['label']} {effect['estimate']:.4g}, "
                f"SE {effect['se']:.4g}; benefit is {effect['benefit']}")
        if effect["label"] == "rate_ratio/wald_log":
            note += "; Poisson SE: too narrow if events cluster (see the quasi-Poisson rows)"
        blocks.extend(block_from_result(r, outcome=effect["outcome"], arms=effect["arms"],
                                        extra_note=note) for r in results)
    return blocks


def with_posteriors(trial, blocks, specs: dict, level: float = 0.95) -> list[RowBlock]:
    """``blocks`` with the sceptical, neutral and enthusiastic posteriors of each outcome in
    ``specs`` ({outcome id: (plausible effect, minimal important effect or None)}) placed
    after that outcome's rows (``summarize --bayes``)."""
    from ivigstats.stats.bayes import PRIORS
    out = list(blocks)
    for outcome_id, (plausible, mid) in specs.items():
        added = []
        for effect in trial_effects(trial, outcome_id, None, level, option="--bayes"):
            priors = prior_specs(PRIORS, plausible, log_scale=effect["log_scale"])
            added.extend(posterior_blocks(effect, priors, level, mid))
        last = max((i for i, b in enumerate(out) if b.columns["outcome"][0] == outcome_id),
                   default=len(out) - 1)
        out[last + 1:last + 1] = added
    return out


def _to_analysis_scale(log_scale):
    def to_scale(value, option):
        if not log_scale:
            return value
        if not value > 0:
            raise InputError(option, f"{value:g}: a ratio must be > 0")
        return math.log(value)
    return to_scale
