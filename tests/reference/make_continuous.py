"""Second reference for the continuous t tests: scipy.stats.ttest_ind_from_stats.

Reads the cases of continuous_r.json (so both references use the same inputs) and writes
continuous_py.json. No ivigstats code is imported. Rerun from the repository root:
    python tests/reference/make_continuous.py
"""

import json
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

HERE = Path(__file__).resolve().parent
doc = json.loads((HERE / "continuous_r.json").read_text())


def expected_values(case):
    arms = [case[k] for k in ("mean1", "sd1", "n1", "mean2", "sd2", "n2")]
    m1, s1, n1, m2, s2, n2 = arms
    expected = {}
    for key, equal in (("mean_difference.welch", False), ("mean_difference.student", True)):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            r = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=equal)
        if np.isfinite(r.statistic):
            expected[key] = {"statistic": float(r.statistic), "p_value": float(r.pvalue)}
    return {**dict(zip(("mean1", "sd1", "n1", "mean2", "sd2", "n2"), arms)),
            "tag": case["tag"], "expected": expected}


out = {"scipy": scipy.__version__,
       "cases": [expected_values(c) for c in doc["cases"]],
       "core_only_cases": [expected_values(c) for c in doc["core_only_cases"]]}
(HERE / "continuous_py.json").write_text(json.dumps(out, allow_nan=False))
print(len(out["cases"]) + len(out["core_only_cases"]), "cases")
