"""`ivigstats pool` end to end: the embedded trials' relapse-free counts against metafor
(tests/reference/make_pool.R, "embedded": escalc RR, rma FE/DL/REML, predict, confint,
rma.mh), every output format, and bad input."""

import csv
import io
import json
from pathlib import Path

import pytest

REF = json.loads((Path(__file__).resolve().parent / "reference" / "pool_r.json").read_text())
ARGS = ("pool", "fazekas1997", "ifnb1993", "--outcome", "relapse_free")


def _rows(run, *extra):
    res = run(*ARGS, *extra, "-f", "json")
    assert res.exit_code == 0, res.output
    return {r["method"]: r for r in json.loads(res.output) if r["measure"] == "risk_ratio"} | \
        {r["measure"]: r for r in json.loads(res.output) if r["measure"] in ("test", "i2")}


def test_pool_rows_match_metafor(run):
    import math
    rows = _rows(run, "--hartung-knapp")
    fits, mh = REF["embedded"]["fits"], REF["embedded"]["mh"]["RR"]
    for method, key in [("fixed_effect", "FE_z"), ("dersimonian_laird", "DL_z"),
                        ("reml", "REML_z"), ("dersimonian_laird_hartung_knapp", "DL_knha"),
                        ("reml_hartung_knapp", "REML_knha")]:
        r, ref = rows[method], fits[key]
        assert math.log(r["estimate"]) == pytest.approx(ref["estimate"], rel=1e-6)
        assert r["std_error"] == pytest.approx(ref["se"], rel=1e-6)
        assert math.log(r["conf_low"]) == pytest.approx(ref["ci_lb"], rel=1e-6)
        assert math.log(r["conf_high"]) == pytest.approx(ref["ci_ub"], rel=1e-6)
        assert r["p_value"] == pytest.approx(ref["pval"], rel=1e-6)
        if key != "FE_z":
            pi = rows[method + "_prediction"]
            assert math.log(pi["conf_low"]) == pytest.approx(ref["pi_lb"], rel=1e-6)
            assert math.log(pi["conf_high"]) == pytest.approx(ref["pi_ub"], rel=1e-6)
    assert math.log(rows["mantel_haenszel"]["estimate"]) == pytest.approx(mh["estimate"], rel=1e-6)
    assert rows["mantel_haenszel"]["p_value"] == pytest.approx(mh["pval"], rel=1e-6)
    q = rows["test"]
    assert q["statistic"] == pytest.approx(fits["FE_z"]["QE"], rel=1e-6)
    assert q["p_value"] == pytest.approx(fits["FE_z"]["QEp"], rel=1e-6)
    i2 = rows["i2"]
    assert i2["conf_high"] == pytest.approx(fits["confint"]["I2_ub"], rel=1e-6)


def test_study_rows_carry_weights_and_trial_labels(run):
    res = run(*ARGS, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(res.output)))
    studies = [r for r in rows if r["method"] == "katz_log"]
    assert [r["arms"] for r in studies] == ["fazekas1997: ivig vs placebo",
                                            "ifnb1993: ifnb_8miu vs placebo"]
    assert all(r["note"].startswith("weight ") for r in studies)


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "tsv", "markdown"])
def test_every_format(run, fmt):
    res = run(*ARGS, "-f", fmt)
    assert res.exit_code == 0
    text = "pooled risk_ratio" if fmt in ("table", "markdown") else "cochran_q"
    assert text in res.output and "reml" in res.output


def test_continuous_outcome_pools_mean_differences(run):
    res = run("pool", "fazekas1997", "johnson1995", "--measure", "ratio_of_means", "--outcome",
              "fazekas1997=annual_relapse_rate,johnson1995=relapse_rate_2y", "-f", "jsonl")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.splitlines()]
    assert "mantel_haenszel" not in {r["method"] for r in rows}
    assert {r["measure"] for r in rows[:3]} == {"ratio_of_means"}


@pytest.mark.parametrize("args, message", [
    (("pool", "fazekas1997", "--outcome", "relapse_free"), "two or more trials"),
    (("pool", "fazekas1997", "ifnb1993"), "fazekas1997: no outcome chosen"),
    (("pool", "fazekas1997", "johnson1995", "--outcome", "relapse_free"),
     "johnson1995: no outcome 'relapse_free'"),
    (("pool", "fazekas1997", "nosuchtrial", "--outcome", "relapse_free"), "nosuchtrial"),
    (("pool", "fazekas1997", "ifnb1993", "--outcome", "relapse_free", "--plot", "x.pdf"),
     "expected a file name ending .svg or .png"),
])
def test_bad_input_one_line_exit_2(run, args, message):
    res = run(*args)
    assert res.exit_code == 2
    assert res.output.startswith("ivigstats: error: ") and message in res.output
    assert res.output.count("\n") == 1


@pytest.fixture
def bcg_files(tmp_path):
    """metafor's dat.bcg as the two CSV layouts, from the R fixture's yi, vi and counts."""
    bcg = next(s for s in REF["sets"] if s["tag"] == "dat.bcg" and s["measure"] == "RR")
    yi = tmp_path / "bcg_yi.csv"
    yi.write_text("study,yi,vi\n" + "".join(
        f"t{i},{y!r},{v!r}\n" for i, (y, v) in enumerate(zip(bcg["yi"], bcg["vi"]))))
    counts = tmp_path / "bcg_counts.csv"
    counts.write_text("study,events1,n1,events2,n2\n" + "".join(
        f"t{i},{a},{n1},{c},{n2}\n" for i, (a, n1, c, n2) in
        enumerate(zip(bcg["ai"], bcg["n1i"], bcg["ci"], bcg["n2i"]))))
    return bcg, yi, counts


def test_csv_inputs_match_metafor_on_dat_bcg(run, bcg_files):
    import math
    bcg, yi, counts = bcg_files
    for path, extra in ((yi, ("--measure", "risk_ratio")), (counts, ())):
        res = run("pool", str(path), *extra, "-f", "json")
        assert res.exit_code == 0, res.output
        rows = {(r["measure"], r["method"]): r for r in json.loads(res.output)}
        reml, ref = rows[("risk_ratio", "reml")], bcg["fits"]["REML_z"]
        assert math.log(reml["estimate"]) == pytest.approx(ref["estimate"], rel=1e-6)
        assert reml["std_error"] == pytest.approx(ref["se"], rel=1e-6)
        assert rows[("tau2", "reml")]["estimate"] == pytest.approx(ref["tau2"], rel=1e-6)
        assert rows[("test", "cochran_q")]["statistic"] == pytest.approx(ref["QE"], rel=1e-6)
    mh = rows[("risk_ratio", "mantel_haenszel")]
    assert math.log(mh["estimate"]) == pytest.approx(bcg["mh"]["RR"]["estimate"], rel=1e-6)


@pytest.mark.parametrize("text, message", [
    ("study,y,v\na,1,1\n", "bad.csv:1: header study,y,v; expected study,yi,vi or"),
    ("study,yi,vi\na,0.1,0\nb,0.2,0.1\n", "bad.csv:2: vi: '0'; expected a number > 0"),
    ("study,events1,n1,events2,n2\na,5,4,1,10\n", "bad.csv:2: events exceed n"),
    ("study,events1,n1,events2,n2\na,2.5,4,1,10\n", "events1: '2.5'; expected a whole"),
    ("study,yi,vi\na,0.1\n", "bad.csv:2: 2 fields; expected 3"),
])
def test_csv_bad_input(run, tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    res = run("pool", str(path))
    assert res.exit_code == 2 and message in res.output and res.output.count("\n") == 1
