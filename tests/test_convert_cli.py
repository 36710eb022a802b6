"""ivigstats convert: the rows equal the core functions, which tests/test_convert.py checks
against R; worked examples on the command line."""

import json

import pytest
from click.testing import CliRunner

from ivigstats.cli import cli


def one(*args):
    result = CliRunner().invoke(cli, ["convert", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cochrane_p_example():
    # Handbook 6.5.2.3: P = 0.008, MD 3.8, n 25 and 22 -> SD 4.69 with the Handbook's
    # rounded t = 2.78; R: 3.8 / qt(0.996, 45) / sqrt(1/25 + 1/22) = 4.683469
    (row,) = one("p", "0.008", "--estimate", "3.8", "--n", "25", "--n2", "22")
    assert (row["measure"], row["method"], row["arms"]) == ("sd", "from_p", "difference")
    assert row["estimate"] == pytest.approx(4.683469341, rel=1e-9)
    assert row["conf_level"] is None


def test_fazekas_placebo_ci():
    # R: sqrt(73) * 0.5 / (2 * qt(0.975, 72)) = 1.071502
    (row,) = one("ci", "-0.13", "0.37", "--n", "73")
    assert row["estimate"] == pytest.approx(1.0715023700715007, rel=1e-12)


def test_median_rows_name_methods():
    mean, sd = one("median", "10", "--q1", "8", "--q3", "14", "--min", "1", "--max", "30",
                   "--n", "100")
    assert (mean["method"], sd["method"]) == ("luo_five", "shi_five")
    mean, sd = one("median", "10", "--min", "1", "--max", "30", "--n", "100",
                   "--mean-method", "wan")
    assert (mean["method"], sd["method"]) == ("wan_range", "wan_range")
    assert mean["estimate"] == (1 + 20 + 30) / 4  # Hozo/Wan: (a + 2m + b) / 4


MEDIAN_TRIAL = """
[trial]
id = "medtrial"
title = "A trial printing medians"
citation = "Example"
follow_up_years = 1.0

[[arms]]
id = "drug"
label = "Drug"
n = 40

[[arms]]
id = "placebo"
label = "Placebo"
n = 42

[[outcomes]]
id = "stay"
label = "Length of stay (days)"
kind = "continuous"
benefit = "lower"
granularity = 1
  [outcomes.arms.drug]
  median = 5
  q1 = 3
  q3 = 8
  [outcomes.arms.placebo]
  median = 7
  q1 = 4
  q3 = 11
  min = 1
  max = 30
"""


def run_json(*args):
    result = CliRunner().invoke(cli, [*args, "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    return doc["results"] if isinstance(doc, dict) else doc


def test_medians_in_a_trial_file_go_through_convert_median(tmp_path):
    path = tmp_path / "medians.toml"
    path.write_text(MEDIAN_TRIAL)
    rows = run_json("summarize", str(path))
    est = {(r["arms"], r["measure"]): r for r in rows if r["measure"] in ("mean", "sd")}
    # the per-arm estimates are those of `convert median`
    for arm, extra in (("drug", ("--q1", "3", "--q3", "8", "--n", "40")),
                       ("placebo", ("--min", "1", "--q1", "4", "--q3", "11", "--max", "30",
                                    "--n", "42"))):
        median = "5" if arm == "drug" else "7"
        conv = {r["measure"]: r for r in one("median", median, *extra)}
        for measure in ("mean", "sd"):
            assert est[(arm, measure)]["method"] == conv[measure]["method"]
            assert est[(arm, measure)]["estimate"] == conv[measure]["estimate"]
            assert "computations use this estimate" in est[(arm, measure)]["note"]
    # and the comparison is the immediate command's on those means and SDs
    m = {arm: (est[(arm, "mean")]["estimate"], est[(arm, "sd")]["estimate"])
         for arm in ("drug", "placebo")}
    typed = run_json("continuous", f"{m['drug'][0]!r}:{m['drug'][1]!r}:40",
                     f"{m['placebo'][0]!r}:{m['placebo'][1]!r}:42")
    welch = next(r for r in rows if r["method"] == "welch")
    welch_typed = next(r for r in typed if r["method"] == "welch")
    for field in ("estimate", "conf_low", "conf_high", "p_value"):
        assert welch[field] == pytest.approx(welch_typed[field], rel=1e-12)
    assert "mean and SD of drug estimated from q1 3, median 5, q3 8" in welch["note"]


def test_check_leaves_estimated_means_out_of_grim(tmp_path):
    # luo_iqr gives a mean of 5.354875 for the drug arm, which no 40 whole numbers average to;
    # GRIM must not test a mean the paper never printed
    path = tmp_path / "medians.toml"
    path.write_text(MEDIAN_TRIAL)
    result = CliRunner().invoke(cli, ["check", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "grim" not in result.stdout.lower()
    path.write_text(MEDIAN_TRIAL.replace("q1 = 3", "q1 = 9"))
    result = CliRunner().invoke(cli, ["check", str(path), "-f", "csv"])
    assert result.exit_code == 1
    assert "drug: quantiles out of order: q1 9, median 5, q3 8" in result.output
