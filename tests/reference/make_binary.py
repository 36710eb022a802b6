"""Second set of expected values for the binary family, from statsmodels and scipy.stats.

Rerun from the repository root, after make_binary.R (it reuses that file's tables):
    python tests/reference/make_binary.py
Needs (pip, tests only): statsmodels >= 0.14, scipy >= 1.11. No ivigstats code is used.

Where statsmodels raises (its Miettinen-Nurminen root finder fails on some ordinary tables,
e.g. 12/30 vs 6/34 in statsmodels 0.15) the exception is recorded instead of a value; those
tables are still checked against R (make_binary.R).
"""

import json
import math
import warnings
from pathlib import Path

import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

HERE = Path(__file__).resolve().parent
SLOW_SUBSET = 60  # barnard/boschloo on the first tables with n1 + n2 <= 60
BIG = 20000  # scipy's conditional odds ratio takes minutes per table beyond this


def num(x):
    x = float(x)
    return "NaN" if math.isnan(x) else ("Inf" if x == math.inf else ("-Inf" if x == -math.inf else x))


def attempt(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {k: num(v) for k, v in fn().items()}
    except Exception as exc:  # recorded, not hidden: the test reports the count
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}


def sm_ci(e1, n1, e2, n2, **kw):
    low, high = confint_proportions_2indep(e1, n1, e2, n2, **kw)
    return {"conf_low": low, "conf_high": high}


def main():
    cases = json.loads((HERE / "binary_r.json").read_text())["cases"]
    out, slow = [], 0
    for case in cases:
        e1, n1, e2, n2 = (int(v) for v in case["table"])
        table = [[e1, n1 - e1], [e2, n2 - e2]]
        exp = {
            "risk_difference.newcombe": attempt(lambda: sm_ci(e1, n1, e2, n2, method="newcomb")),
            "risk_difference.agresti_caffo": attempt(
                lambda: sm_ci(e1, n1, e2, n2, method="agresti-caffo")),
            # Kept for the record only: where it does not raise, statsmodels' score interval
            # with correction=True is not the published Miettinen-Nurminen interval (Newcombe
            # 1998 example (a) 56/70 vs 48/80: published 0.0528 to 0.3382; statsmodels 0.15
            # gives 0.0526 to 0.3440), so test_binary.py compares MN with R only.
            "risk_difference.miettinen_nurminen.statsmodels": attempt(
                lambda: sm_ci(e1, n1, e2, n2, method="score", correction=True)),
            "risk_ratio.koopman": attempt(lambda: {
                **sm_ci(e1, n1, e2, n2, method="score", compare="ratio", correction=False),
                "p_value": test_proportions_2indep(e1, n1, e2, n2, method="score",
                                                   compare="ratio", correction=False).pvalue}),
            "test.fisher_exact": attempt(
                lambda: {"p_value": stats.fisher_exact(table).pvalue}),
        }

        def conditional():
            res = stats.contingency.odds_ratio(table, kind="conditional")
            ci = res.confidence_interval(0.95)
            return {"estimate": res.statistic, "conf_low": ci.low, "conf_high": ci.high}

        if n1 + n2 <= BIG:
            exp["odds_ratio.exact_conditional"] = attempt(conditional)
        if n1 + n2 <= 60 and slow < SLOW_SUBSET:
            slow += 1
            columns = [[e1, e2], [n1 - e1, n2 - e2]]  # arms as columns (fixed totals)
            for name in ("barnard_exact", "boschloo_exact"):
                exp[f"test.{name}"] = attempt(lambda: {
                    k: getattr(getattr(stats, name)(columns, alternative="two-sided"), k)
                    for k in ("statistic", "pvalue")})
                if "pvalue" in exp[f"test.{name}"]:
                    exp[f"test.{name}"]["p_value"] = exp[f"test.{name}"].pop("pvalue")
        out.append({"table": case["table"], "tag": case["tag"], "expected": exp})
    meta = {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "level": 0.95,
            "cases": out}
    (HERE / "binary_py.json").write_text(json.dumps(meta))
    errors = sum("error" in v for c in out for v in c["expected"].values())
    print(f"{len(out)} cases written to tests/reference/binary_py.json; {errors} raised")


if __name__ == "__main__":
    main()
