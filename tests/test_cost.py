"""Cost per outcome avoided against R (metafor escalc IRD and Newcombe limits from prop.test,
tests/reference/make_sensitivity.R), through the core, summarize --cost and ivigstats cost."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from ivigstats.stats.cost import cost_per_outcome_avoided, rate_difference_wald

R = json.loads((Path(__file__).parent / "reference" / "sensitivity_r.json").read_text())
CASES = R["cost"]


def _num(v):
    return {"Inf": math.inf, "-Inf": -math.inf}.get(v, v) if isinstance(v, str) else float(v)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['kind']}-{c['events1']}")
def test_core_against_r(case):
    r = cost_per_outcome_avoided(case["cost1"], case["cost2"], case["effect"],
                                 case["effect_low"], case["effect_high"], case["years"])
    for field in ("estimate", "conf_low", "conf_high"):
        want = _num(case[field])
        got = float(getattr(r, field)[0])
        assert got == want or got == pytest.approx(want, rel=1e-9), field
    assert "ignores discounting" in r.note[0]
    if math.isinf(_num(case["conf_high"])):
        assert "unbounded" in r.note[0]


def test_rate_difference_against_metafor():
    counts = [c for c in CASES if c["kind"] == "count"]
    lo, est, hi = rate_difference_wald(*(np.array([c[k] for c in counts], float)
                                         for k in ("events1", "time1", "events2", "time2")))
    np.testing.assert_allclose(-est, [c["effect"] for c in counts], rtol=1e-9)
    np.testing.assert_allclose(-hi, [c["effect_low"] for c in counts], rtol=1e-9)
    np.testing.assert_allclose(-lo, [c["effect_high"] for c in counts], rtol=1e-9)


def test_no_benefit_gives_no_ratio():
    r = cost_per_outcome_avoided(1000, 0, -0.1, -0.3, 0.1)
    assert math.isnan(r.estimate[0]) and "no benefit" in r.note[0]


def _rows(*args):
    from click.testing import CliRunner

    from ivigstats.cli import cli
    result = CliRunner().invoke(cli, [*args, "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    return doc["results"] if isinstance(doc, dict) else doc


def _fazekas(kind):
    # the R cases hold Fazekas 1997 with random costs; recompute the expected ratio for
    # 12000 vs 0 from R's effect and limits (plain division, not ivigstats code)
    case = next(c for c in CASES if c["kind"] == kind and c["events1"] in (62, 40))
    scale = 12000 * (1 if kind == "count" else 2)
    return [scale / case["effect"], scale / case["effect_high"], scale / case["effect_low"]]


def test_cost_command_on_the_embedded_trial():
    rows = {r["outcome"]: r for r in _rows("cost", "--cost", "ivig=12000,placebo=0")}
    assert set(rows) == {"relapses", "relapse_free"}
    for outcome, kind, measure in (("relapses", "count", "cost_per_event_avoided"),
                                   ("relapse_free", "binary", "cost_per_additional_patient")):
        r = rows[outcome]
        assert r["measure"] == measure and r["method"] == "incremental_ratio"
        np.testing.assert_allclose([r["estimate"], r["conf_low"], r["conf_high"]],
                                   _fazekas(kind), rtol=1e-9)


def test_summarize_cost_rows_equal_cost_command():
    cost = [r for r in _rows("summarize", "--cost", "ivig=12000,placebo=0")
            if r["measure"].startswith("cost_")]
    assert cost == _rows("cost", "--cost", "ivig=12000,placebo=0")


@pytest.mark.parametrize("value,message", [
    ("ivig=12000", "no annual cost for arm 'placebo'"),
    ("ivig=abc,placebo=0", "expected ARM=AMOUNT with a number >= 0"),
    ("ivig=-1,placebo=0", "expected ARM=AMOUNT with a number >= 0"),
])
def test_bad_cost_is_one_line_and_exit_2(value, message):
    from click.testing import CliRunner

    from ivigstats.cli import cli
    result = CliRunner().invoke(cli, ["cost", "--cost", value])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
