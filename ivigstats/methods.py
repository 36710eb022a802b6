"""The one registry of measure/method pairs.

Every number ivigstats prints comes from a pair listed here. The registry drives ``--methods``,
``batch``, the tests' parametrisation and docs/METHODS.md (``tests/test_docs.py`` checks that
the two agree). Functions are named ``<measure>_<method>`` (tests: just ``<method>``) and are
imported lazily, so listing methods costs no numpy/scipy import.

Call signatures by kind (all vectorised, arm 1 = experimental):

- binary:     ``f(events1, n1, events2, n2, level)``
- continuous: ``f(mean1, sd1, n1, mean2, sd2, n2, level)``
- count:      ``f(events1, time1, events2, time2, level)``
- ordinal:    ``f(counts1, counts2, level)`` with 2-D ``(rows, categories)`` arrays, lowest first

A method with ``needs_benefit`` also takes ``benefit="higher"|"lower"`` (the outcome's
direction of benefit).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

KINDS = ("binary", "continuous", "count", "ordinal")


@dataclass(frozen=True)
class Method:
    kind: str
    measure: str
    method: str
    function: str  # "module:function" under ivigstats.stats
    default: bool
    reference: str
    checked_against: str
    log_scale: bool = False  # ratio measures: CI symmetric on the log scale, null is 1
    needs_benefit: bool = False
    slow: bool = False  # not a default: minutes on large tables
    per_arm: bool = False  # a per-arm quantity (SD from a CI, a rate), not a comparison

    @property
    def key(self) -> str:
        return f"{self.measure}/{self.method}"

    def load(self):
        module, name = self.function.split(":")
        return getattr(importlib.import_module(f"ivigstats.stats.{module}"), name)


def _m(kind, measure, method, function, default, reference, checked, **kw) -> Method:
    return Method(kind, measure, method, function, default, reference, checked, **kw)


NEWCOMBE = "Newcombe RG. Stat Med 1998;17:873-890 (method 10)"
WALSH = "Walsh M et al. J Clin Epidemiol 2014;67:622-628"
MCCULLAGH = "McCullagh P, Nelder JA. Generalized Linear Models, 2nd ed. 1989, sec. 4.5, 6.2"
REGISTRY: tuple[Method, ...] = (
    # binary
    _m("binary", "risk_ratio", "katz_log", "binary:risk_ratio_katz_log", True,
       "Katz D et al. Biometrics 1978;34:469-474", "R metafor::escalc RR", log_scale=True),
    _m("binary", "odds_ratio", "woolf_log", "binary:odds_ratio_woolf_log", True,
       "Woolf B. Ann Hum Genet 1955;19:251-253", "R metafor::escalc OR", log_scale=True),
    _m("binary", "risk_difference", "wald", "binary:risk_difference_wald", True,
       "Agresti A. Categorical Data Analysis, 3rd ed. 2013, sec. 3.1", "R metafor::escalc RD"),
    _m("binary", "risk_difference", "newcombe", "binary:risk_difference_newcombe", True,
       NEWCOMBE, "R prop.test Wilson limits; statsmodels confint_proportions_2indep('newcomb')"),
    _m("binary", "nnt", "newcombe", "binary:nnt_newcombe", True,
       "Altman DG. BMJ 1998;317:1309-1312; " + NEWCOMBE, "reciprocal of the Newcombe interval",
       needs_benefit=True),
    _m("binary", "test", "pearson_chi2", "binary:pearson_chi2", True,
       "Pearson K. Phil Mag 1900;50:157-175", "R chisq.test(correct=FALSE)"),
    _m("binary", "test", "fisher_exact", "binary:fisher_exact", True,
       "Fisher RA. J R Stat Soc 1922;85:87-94", "R fisher.test"),
    _m("binary", "risk_difference", "miettinen_nurminen",
       "binary:risk_difference_miettinen_nurminen", False,
       "Miettinen O, Nurminen M. Stat Med 1985;4:213-226",
       "R score statistic solved with uniroot (statsmodels raises on 161 of 310 tables)"),
    _m("binary", "risk_difference", "agresti_caffo", "binary:risk_difference_agresti_caffo",
       False, "Agresti A, Caffo B. Am Stat 2000;54:280-288",
       "statsmodels confint_proportions_2indep(method='agresti-caffo')"),
    _m("binary", "risk_ratio", "koopman", "binary:risk_ratio_koopman", False,
       "Koopman PAR. Biometrics 1984;40:513-517",
       "R score statistic solved with uniroot; statsmodels (tables without zero cells)",
       log_scale=True),
    _m("binary", "odds_ratio", "exact_conditional", "binary:odds_ratio_exact_conditional", False,
       "Fisher 1935; Agresti A. Stat Sci 1992;7:131-153",
       "R fisher.test; scipy.stats.contingency.odds_ratio", log_scale=True),
    _m("binary", "odds_ratio", "mid_p", "binary:odds_ratio_mid_p", False,
       "Rothman KJ et al. Modern Epidemiology 3rd ed. 2008 ch. 14",
       "R epitools::oddsratio.midp; mid-p definition solved with uniroot",
       log_scale=True),
    _m("binary", "test", "yates_chi2", "binary:yates_chi2", False,
       "Yates F. Suppl J R Stat Soc 1934;1:217-235", "R chisq.test(correct=TRUE)"),
    _m("binary", "test", "barnard_exact", "binary:barnard_exact", False,
       "Barnard GA. Biometrika 1947;34:123-138", "scipy.stats.barnard_exact", slow=True),
    _m("binary", "test", "boschloo_exact", "binary:boschloo_exact", False,
       "Boschloo RD. Stat Neerl 1970;24:1-9", "scipy.stats.boschloo_exact", slow=True),
    # fragility (Walsh 2014): the fewest event changes that flip the two-sided test at
    # alpha = 1 - level; summarize adds the Fisher rows by default (analysis.sensitivity_rows)
    _m("binary", "fragility_index", "walsh_fisher", "fragility:fragility_index_walsh_fisher",
       False, WALSH, "R fisher.test loop (make_sensitivity.R)", slow=True),
    _m("binary", "fragility_index", "walsh_chi2", "fragility:fragility_index_walsh_chi2", False,
       WALSH, "R chisq.test(correct=FALSE) loop (make_sensitivity.R)", slow=True),
    _m("binary", "fragility_quotient", "walsh_fisher",
       "fragility:fragility_quotient_walsh_fisher", False,
       "Ahmed W et al. Crit Care Med 2016;44:e1142-e1143; " + WALSH,
       "R fisher.test loop (make_sensitivity.R)", slow=True),
    _m("binary", "fragility_quotient", "walsh_chi2", "fragility:fragility_quotient_walsh_chi2",
       False, "Ahmed W et al. Crit Care Med 2016;44:e1142-e1143; " + WALSH,
       "R chisq.test(correct=FALSE) loop (make_sensitivity.R)", slow=True),
    _m("binary", "reverse_fragility_index", "fisher", "fragility:reverse_fragility_index_fisher",
       False, "Khan MS et al. JAMA Netw Open 2020;3:e2012469",
       "R fisher.test loop (make_sensitivity.R)", slow=True),
    _m("binary", "reverse_fragility_index", "chi2", "fragility:reverse_fragility_index_chi2",
       False, "Khan MS et al. JAMA Netw Open 2020;3:e2012469",
       "R chisq.test(correct=FALSE) loop (make_sensitivity.R)", slow=True),
    # continuous
    _m("continuous", "mean_difference", "welch", "continuous:mean_difference_welch", True,
       "Welch BL. Biometrika 1947;34:28-35",
       "R t.test(var.equal=FALSE) on exact-moment samples; scipy ttest_ind_from_stats"),
    _m("continuous", "mean_difference", "student", "continuous:mean_difference_student", True,
       "Student. Biometrika 1908;6:1-25",
       "R t.test(var.equal=TRUE) on exact-moment samples; scipy ttest_ind_from_stats"),
    _m("continuous", "smd", "hedges_g", "continuous:smd_hedges_g", True,
       "Hedges LV. J Educ Stat 1981;6:107-128", "R metafor::escalc SMD (vtype LS) + summary"),
    _m("continuous", "ratio_of_means", "log", "continuous:ratio_of_means_log", False,
       "Hedges LV et al. Ecology 1999;80:1150-1156; Friedrich JO et al. BMC Med Res Methodol "
       "2008;8:32", "R metafor::escalc ROM + summary",
       log_scale=True),
    _m("continuous", "smd", "cohen_d", "continuous:smd_cohen_d", False,
       "Cohen J. Statistical Power Analysis 2nd ed. 1988; variance: Hedges LV, Olkin I 1985 ch. 5",
       "R effectsize::cohens_d (estimate); Hedges-Olkin variance written in R"),
    _m("continuous", "smd", "glass_delta", "continuous:smd_glass_delta", False,
       "Glass GV. Educ Res 1976;5:3-8; Hedges LV, Olkin I 1985 ch. 5 (bias correction)",
       "R metafor::escalc SMD1H + summary"),
    _m("continuous", "sd", "from_ci", "conversions:sd_from_ci", True,
       "Cochrane Handbook version 6.4 (2023), section 6.5.2.2 (t quantile, n-1 df)",
       "R qt()", per_arm=True),
    _m("continuous", "sd", "from_se", "conversions:sd_from_se", True,
       "Cochrane Handbook version 6.4 (2023), section 6.5.2.2", "R sqrt(n) * se", per_arm=True),
    # count
    _m("count", "rate_ratio", "exact_conditional", "counts:rate_ratio_exact_conditional", True,
       "Clopper CJ, Pearson ES. Biometrika 1934;26:404-413; Fay MP. R Journal 2010;2:53-58",
       "R poisson.test; scipy.stats.binomtest", log_scale=True),
    _m("count", "rate_ratio", "wald_log", "counts:rate_ratio_wald_log", True,
       "Rothman KJ et al. Modern Epidemiology 3rd ed. 2008 ch. 14",
       "R metafor::escalc IRR (add=1/2, to='only0'); statsmodels wald-log", log_scale=True),
    _m("count", "rate_difference", "wald", "counts:rate_difference_wald", True,
       "Rothman KJ et al. Modern Epidemiology 3rd ed. 2008 ch. 14",
       "R metafor::escalc IRD (add=0); statsmodels wald (compare='diff')"),
    _m("count", "rate_ratio", "score", "counts:rate_ratio_score", False,
       "Gu K, Ng HKT, Tang ML, Schucany WR. Biom J 2008;50:283-298",
       "R score equation solved by uniroot; statsmodels confint_poisson_2indep('score') where "
       "it converged", log_scale=True),
    _m("count", "rate_ratio", "mid_p", "counts:rate_ratio_mid_p", False,
       "Rothman KJ et al. Modern Epidemiology 3rd ed. 2008 ch. 14",
       "R epitools::rateratio.midp; mid-p definitions solved by uniroot", log_scale=True),
    _m("count", "test", "poisson_etest", "counts:poisson_etest", False,
       "Krishnamoorthy K, Thomson J. J Stat Plan Inference 2004;119:23-35",
       "statsmodels etest_poisson_2indep (full grid); brute-force double sum (scipy.stats)",
       slow=True),
    _m("count", "rate", "exact", "counts:rate_exact", True,
       "Garwood F. Biometrika 1936;28:437-442", "R poisson.test(x, T); scipy.stats.chi2",
       per_arm=True),
    # overdispersion grid (summarize adds it by default: analysis.sensitivity_rows)
    _m("count", "rate_ratio", "quasi_poisson_phi1",
       "overdispersion:rate_ratio_quasi_poisson_phi1", False, MCCULLAGH,
       "R glm(family=quasipoisson) SE at this dispersion (make_sensitivity.R)", log_scale=True),
    _m("count", "rate_ratio", "quasi_poisson_phi1.5",
       "overdispersion:rate_ratio_quasi_poisson_phi1_5", False, MCCULLAGH,
       "R glm(family=quasipoisson) SE at this dispersion (make_sensitivity.R)", log_scale=True),
    _m("count", "rate_ratio", "quasi_poisson_phi2",
       "overdispersion:rate_ratio_quasi_poisson_phi2", False, MCCULLAGH,
       "R glm(family=quasipoisson) SE at this dispersion (make_sensitivity.R)", log_scale=True),
    _m("count", "rate_ratio", "quasi_poisson_phi3",
       "overdispersion:rate_ratio_quasi_poisson_phi3", False, MCCULLAGH,
       "R glm(family=quasipoisson) SE at this dispersion (make_sensitivity.R)", log_scale=True),
    # ordinal
    _m("ordinal", "test", "pearson_chi2", "ordinal:pearson_chi2", True,
       "Pearson K. Phil Mag 1900;50:157-175",
       "R chisq.test(correct=FALSE) on non-empty categories; scipy chi2_contingency"),
    _m("ordinal", "probability_index", "mann_whitney", "ordinal:probability_index_mann_whitney",
       True, "Mann HB, Whitney DR. Ann Math Stat 1947;18:50-60; DeLong ER et al. Biometrics "
       "1988;44:837-845 (logit-scale CI)",
       "R wilcox.test(exact=FALSE, correct=TRUE); pROC DeLong variance; scipy mannwhitneyu"),
    _m("ordinal", "test", "linear_trend", "ordinal:linear_trend", True,
       "Armitage P. Biometrics 1955;11:375-386; Cochran WG. Biometrics 1954;10:417-451",
       "R prop.trend.test"),
    _m("ordinal", "odds_ratio", "proportional_odds", "ordinal:odds_ratio_proportional_odds",
       False, "McCullagh P. J R Stat Soc B 1980;42:109-142",
       "R ordinal::clm (MASS::polr cross-check); statsmodels OrderedModel",
       log_scale=True),
)


def for_kind(kind: str, per_arm: bool = False) -> list[Method]:
    """The comparison methods of ``kind`` (with ``per_arm=True``: the per-arm ones)."""
    return [m for m in REGISTRY if m.kind == kind and m.per_arm == per_arm]


def select(kind: str, spec: str = "default") -> list[Method]:
    """Methods of ``kind`` chosen by ``spec``: ``default``, ``all`` or a comma list.

    A list item is ``measure/method``, a method name (``welch``) or a measure name
    (``risk_ratio``); ``all`` includes the slow exact tests. Items that match nothing for this
    kind raise ``ValueError`` only when nothing in the whole registry matches them (so one
    ``--methods`` value can serve several kinds).
    """
    methods = for_kind(kind) + for_kind(kind, per_arm=True)
    if spec == "default":
        return [m for m in methods if m.default]
    if spec == "all":
        return methods
    chosen: list[Method] = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        if not any(_matches(m, item) for m in REGISTRY) and item not in ("default", "all"):
            known = sorted({m.key for m in REGISTRY})
            raise ValueError(f"unknown method {item!r}; expected default, all or one of: "
                             + ", ".join(known))
        if item == "default":
            hits = [m for m in methods if m.default]
        elif item == "all":
            hits = methods
        else:
            hits = [m for m in methods if _matches(m, item)]
        chosen.extend(m for m in hits if m not in chosen)
    return [m for m in methods if m in chosen]


def _matches(m: Method, item: str) -> bool:
    return item in (m.key, m.method, m.measure)
