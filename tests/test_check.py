"""ivigstats check end to end: the as-printed summary, the embedded trial, stdin, every format,
exit codes. Recomputed P values are compared with R (tests/reference/make_check.R)."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from ivigstats.audit import FINDING_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
AS_PRINTED = ROOT / "examples" / "fazekas1997-as-printed.toml"
R = json.loads((ROOT / "tests" / "reference" / "check_r.json").read_text())


def findings(run, *args, input=None):
    result = run("check", *args, "-f", "json", input=input)
    return result.exit_code, json.loads(result.stdout)["findings"]


def serious(rows):
    return sorted((r["outcome"], r["check"], r["severity"]) for r in rows
                  if r["severity"] != "info")


def one(rows, outcome, check, severity=None):
    hits = [r for r in rows if r["outcome"] == outcome and r["check"] == check
            and (severity is None or r["severity"] == severity)]
    assert len(hits) == 1, hits
    return hits[0]


def p_of(message, key):
    """The P the message prints for a method, e.g. 'test/pearson_chi2 (P = 0.0302)'."""
    return float(re.search(re.escape(key) + r" \(P = ([0-9.e-]+)\)", message).group(1))


# ------------------------------------------------------------------ the summary as printed

def test_as_printed_gives_exactly_the_expected_findings(run):
    code, rows = findings(run, str(AS_PRINTED))
    assert code == 1
    assert serious(rows) == [
        ("disability_category", "percent_sum", "error"),
        ("disability_category", "percentage", "error"),
        ("edss_change", "interval", "error"),
        ("edss_change", "p_value", "warning"),
    ]


def test_as_printed_suggestions(run):
    _, rows = findings(run, str(AS_PRINTED))
    ci = one(rows, "edss_change", "interval")
    assert "-0.13 to -0.37" in ci["message"] and "excludes the estimate 0.12" in ci["message"]
    assert ci["suggestion"].startswith("upper bound -0.37 is probably 0.37")
    total = one(rows, "disability_category", "percent_sum")
    assert "14 / 63 / 17% sum to 94%" in total["message"]
    assert total["suggestion"].startswith("worse 17 is probably the count 17 of 75 = 22.7%")
    pct = one(rows, "disability_category", "percentage")
    assert "14% is not attainable with n = 75" in pct["message"]
    assert "10/75 = 13.3%, 11/75 = 14.7%" in pct["message"]
    assert "73 (10/73 = 13.7%)" in pct["suggestion"]


def test_as_printed_p_0008_is_not_reproduced_by_a_t_test(run):
    _, rows = findings(run, str(AS_PRINTED))
    p = one(rows, "edss_change", "p_value", "warning")
    assert "P = 0.008 is not reproduced" in p["message"]
    assert "as corrected (-0.13 to 0.37)" in p["message"]
    assert "the 0.05 conclusion holds" in p["message"]
    # R: t.test on samples with the SDs from the CIs (qt, 74 df), placebo CI sign restored
    expected = R["as_printed"]["edss_change"]
    assert p_of(p["message"], "mean_difference/welch") == float(f"{expected['welch']:.3g}")
    assert p_of(p["message"], "mean_difference/student") == float(f"{expected['student']:.3g}")


def test_as_printed_relapse_free_names_pearson_not_yates_or_fisher(run):
    _, rows = findings(run, str(AS_PRINTED))
    msg = one(rows, "relapse_free", "p_value")["message"]
    yes, no = msg.split("; not by ")
    assert "test/pearson_chi2" in yes and "test/fisher_exact" in no and "test/yates_chi2" in no
    expected = R["as_printed"]["relapse_free"]  # R chisq.test / fisher.test on 40/75 vs 27/75
    for key in ("pearson_chi2", "fisher_exact", "yates_chi2"):
        assert p_of(msg, f"test/{key}") == float(f"{expected[key]:.3g}")


def test_as_printed_final_edss_p_is_flagged_as_shared_and_implies_a_small_sd(run):
    _, rows = findings(run, str(AS_PRINTED))
    shared = [r for r in rows if r["outcome"] == "edss_final" and "same P" in r["message"]]
    assert shared and "edss_change" in shared[0]["message"]
    implied = one(rows, "edss_final", "implied_sd")
    assert "implies a common SD of 0.911" in implied["message"]


# ------------------------------------------------------------------ the embedded trial

def test_embedded_trial_has_no_error_but_the_0008_warning(run):
    code, rows = findings(run)
    assert code == 0
    assert not [r for r in rows if r["severity"] == "error"]
    p = one(rows, "edss_change", "p_value", "warning")
    expected = R["embedded"]["edss_change"]  # R t.test with the SDs of Deisenhammer 1999
    assert p_of(p["message"], "mean_difference/welch") == float(f"{expected['welch']:.3g}")


def test_embedded_names_the_tests_that_reproduce_0041_and_003(run):
    _, rows = findings(run)
    msg = one(rows, "disability_category", "p_value", "info")["message"]
    yes, no = msg.split("; not by ")
    assert "test/pearson_chi2" in yes and "mann_whitney" in no and "linear_trend" in no
    assert p_of(msg, "test/pearson_chi2") == float(
        f"{R['embedded']['disability_category']['pearson_chi2']:.3g}")
    msg = one(rows, "relapse_free", "p_value", "info")["message"]
    yes, no = msg.split("; not by ")
    assert "test/pearson_chi2" in yes and "test/fisher_exact" in yes
    assert "test/yates_chi2" in no
    for key in ("pearson_chi2", "fisher_exact", "yates_chi2"):
        assert p_of(msg, f"test/{key}") == float(f"{R['embedded']['relapse_free'][key]:.3g}")


# ------------------------------------------------------------------ input, formats, exit

def test_stdin_equals_file(run):
    text = AS_PRINTED.read_text()
    assert findings(run, "-", input=text) == findings(run, str(AS_PRINTED))


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "tsv", "markdown"])
def test_every_format_and_exit_status(run, fmt):
    result = run("check", str(AS_PRINTED), "-f", fmt)
    assert result.exit_code == 1
    out = result.stdout
    if fmt == "json":
        doc = json.loads(out)
        assert doc["trial"]["id"] == "fazekas1997-as-printed"
        assert list(doc["findings"][0]) == list(FINDING_COLUMNS)
    elif fmt == "jsonl":
        assert all(list(json.loads(line)) == list(FINDING_COLUMNS) for line in out.splitlines())
    elif fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert tuple(rows[0]) == FINDING_COLUMNS
        assert sum(r[2] == "error" for r in rows[1:]) == 3
    else:
        assert "severity" in out and "percent_sum" in out and "interval" in out
    assert run("check", "-f", fmt).exit_code == 0


def test_output_file(run, tmp_path):
    target = tmp_path / "findings.csv"
    assert run("check", str(AS_PRINTED), "-f", "csv", "-o", str(target)).exit_code == 1
    assert target.read_text().startswith(",".join(FINDING_COLUMNS))


@pytest.mark.parametrize("content, message", [
    ("", "file is empty"),
    (AS_PRINTED.read_text().replace("n = 75", "n = 0", 1), "arms[0].n: 0 is out of range"),
    (AS_PRINTED.read_text().replace("percent = 53", "percent = 153"), "153 is out of range"),
    ("not toml ==", "invalid TOML"),
])
def test_unreadable_input_exits_2_with_one_line(run, content, message):
    result = run("check", "-", input=content)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ivigstats: error: <stdin>")
    assert message in lines[0]


def test_missing_file_exits_2(run, tmp_path):
    result = run("check", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "cannot read file" in result.stderr


# ------------------------------------------------------------------ every check through the CLI

BROKEN = """
[trial]
id = "broken"
title = "constructed problems"
citation = "none"
follow_up_years = 1
randomised = 100
[[arms]]
id = "a"
label = "A"
n = 40
[[arms]]
id = "b"
label = "B"
n = 50
[[outcomes]]
id = "score"
label = "score on a 1-7 scale"
kind = "continuous"
benefit = "higher"
granularity = 1
  [outcomes.arms.a]
  mean = 5.93
  sd = 1.2
  n = 49
  [outcomes.arms.b]
  mean = 3.5
  sd = 0.01
  n = 10
[[outcomes]]
id = "event"
label = "event"
kind = "binary"
benefit = "lower"
  [outcomes.arms.a]
  events = 45
  [outcomes.arms.b]
  events = 30
  [outcomes.reported]
  p_value = 0.2
[[outcomes]]
id = "ratio"
label = "reported ratio"
kind = "binary"
benefit = "lower"
  [outcomes.arms.a]
  events = 10
  [outcomes.arms.b]
  events = 20
  [outcomes.reported]
  measure = "risk_ratio"
  estimate = 0.62
  conf_low = 0.32
  conf_high = 1.9
  p_value = 0.004
[[outcomes]]
id = "md"
label = "reported mean difference"
kind = "continuous"
benefit = "lower"
  [outcomes.arms.a]
  mean = -0.23
  sd = 0.89
  [outcomes.arms.b]
  mean = 0.12
  sd = 1.07
  [outcomes.reported]
  measure = "mean_difference"
  estimate = -0.35
  conf_low = -0.67
  conf_high = -0.03
  p_value = 0.03
"""


def test_every_check_fails_on_constructed_problems(run):
    code, rows = findings(run, "-", input=BROKEN)
    assert code == 1
    got = serious(rows)
    assert ("broken", "totals", "error") in got                  # 40 + 50 != 100
    assert ("score", "totals", "error") in got                   # analysed 49 > randomised 40
    assert ("score", "grim", "error") in got                     # 5.93 with n = 49
    assert ("score", "grimmer", "error") in got                  # SD 0.01 with mean 3.5, n = 10
    assert ("event", "counts", "error") in got                   # 45 events of 40
    assert "45 is more than n = 40" in one(rows, "event", "p_value", "info")["message"]
    assert ("ratio", "interval", "warning") in got               # 0.62 not the geometric midpoint
    assert ("ratio", "p_value", "error") in got                  # 0.004 vs every RR method
    ratio_p = one(rows, "ratio", "p_value", "error")
    assert "decision error" in ratio_p["message"] and "risk_ratio/katz_log" in ratio_p["message"]
    assert "test/pearson_chi2" not in ratio_p["message"]        # the named measure only
    assert rows[0]["outcome"] == "broken"                        # trial-level findings first
    implied = [r["message"] for r in rows if r["outcome"] == "md" and r["check"] == "implied_sd"]
    assert any("CI -0.67 to -0.03 of the mean difference implies" in m for m in implied)


def test_readme_text_shows_the_real_output(run, monkeypatch):
    table = run("check", str(AS_PRINTED), "-f", "table").stdout
    assert table in (ROOT / "docs" / "guide" / "check.md").read_text()


def test_a_printed_bound_is_read_as_a_bound(run):
    from ivigstats.trial import Reported
    if "p_operator" not in Reported.__dataclass_fields__:
        pytest.skip("the loader does not read 'P < x' yet")
    text = AS_PRINTED.read_text().replace("p_value = 0.03", 'p_value = "< 0.05"')
    _, rows = findings(run, "-", input=text)
    msg = one(rows, "relapse_free", "p_value")["message"]
    assert "reported P < 0.05 is reproduced by" in msg and "test/fisher_exact" in msg.split("; not by")[0]
