"""Second, Python-side expected values for the ordinal family (on make_ordinal.R's tables).

Rerun from the repository root (after make_ordinal.R):  python tests/reference/make_ordinal.py
Needs: numpy, scipy, statsmodels (test-time only). Reads tests/reference/ordinal_r.json for the
tables and writes tests/reference/ordinal_py.json:

  test/pearson_chi2              scipy.stats.chi2_contingency(reduced table, correction=False)
  probability_index/mann_whitney scipy.stats.mannwhitneyu(x1, x2, use_continuity=True,
                                 method="asymptotic") on the expanded data (U of arm 1, P)
  odds_ratio/proportional_odds   statsmodels OrderedModel(y, arm, distr="logit") on the expanded
                                 data, BFGS then Newton fit (coefficient only: its SE comes from a
                                 numerical Hessian, not precise to 1e-6)

Tables where a method is undefined (see make_ordinal.R: null there) are null here too.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

HERE = Path(__file__).resolve().parent


def expand(counts):
    return np.repeat(np.arange(1, len(counts) + 1), np.asarray(counts, dtype=int))


def main():
    r = json.loads((HERE / "ordinal_r.json").read_text())
    out, skipped = [], 0
    for case in r["cases"]:
        a, b = np.array(case["counts1"]), np.array(case["counts2"])
        keep = (a + b) > 0
        want = case["expected"]
        exp = {}
        if want["test/pearson_chi2"]["p_value"] is not None:
            chi = stats.chi2_contingency(np.array([a[keep], b[keep]]), correction=False)
            exp["test/pearson_chi2"] = {"statistic": chi.statistic, "df": chi.dof,
                                        "p_value": chi.pvalue}
        if want["probability_index/mann_whitney"]["p_value"] is not None:
            mw = stats.mannwhitneyu(expand(a), expand(b), use_continuity=True,
                                    method="asymptotic")
            exp["probability_index/mann_whitney"] = {"statistic": mw.statistic,
                                                     "p_value": mw.pvalue}
        if want["odds_ratio/proportional_odds"]["estimate"] is not None:
            y = np.concatenate([expand(a[keep]), expand(b[keep])])
            arm = np.r_[np.ones(a.sum()), np.zeros(b.sum())][:, None]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = OrderedModel(y, arm, distr="logit")
                try:
                    res = model.fit(method="bfgs", maxiter=2000, gtol=1e-10, disp=False)
                    res = model.fit(start_params=res.params, method="newton", maxiter=100,
                                    tol=1e-10, disp=False)
                except np.linalg.LinAlgError:
                    res = None
            # statsmodels' Newton flag compares parameter changes with tol and often says False
            # at the optimum; accept the fit when its (average) score is below 1e-8 instead.
            if res is None or not np.max(np.abs(res.mle_retvals["score"])) < 1e-8:
                skipped += 1
            else:
                exp["odds_ratio/proportional_odds"] = {"estimate": float(np.exp(res.params[0]))}
        out.append({"id": case["id"], "counts1": case["counts1"], "counts2": case["counts2"],
                    "expected": exp})
    doc = {"python": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
           "conf_level": 0.95, "cases": out}
    (HERE / "ordinal_py.json").write_text(json.dumps(doc, indent=1) + "\n")
    print("OrderedModel did not converge on", skipped, "tables (left out)")
    print(len(out), "cases written to tests/reference/ordinal_py.json")


if __name__ == "__main__":
    main()
