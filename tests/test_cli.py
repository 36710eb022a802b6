"""ivigstats summarize end to end: the embedded trial against R, every format, every error
class. Expected numbers come from tests/reference/fazekas_r.json (make_fazekas.R)."""

import csv
import io
import json
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from ivigstats import methods
from ivigstats.rows import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
R = json.loads((ROOT / "tests" / "reference" / "fazekas_r.json").read_text())
RTOL = 1e-6


@pytest.fixture(scope="module")
def summary():
    from click.testing import CliRunner

    from ivigstats.cli import cli
    result = CliRunner().invoke(cli, ["summarize", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def row(summary, outcome, key, arms=None):
    measure, method = key.split("/")
    hits = [r for r in summary["results"] if r["outcome"] == outcome and r["measure"] == measure
            and r["method"] == method and (arms is None or r["arms"] == arms)]
    assert len(hits) == 1, (outcome, key, hits)
    return hits[0]


def test_json_rows_carry_the_contract_columns(summary):
    assert summary["trial"]["id"] == "fazekas1997"
    for r in summary["results"]:
        assert tuple(r) == COLUMNS


def test_every_outcome_and_every_default_pair_is_present(summary):
    from ivigstats.trial import load_embedded
    trial = load_embedded("fazekas1997")
    outcomes = {r["outcome"] for r in summary["results"]}
    assert outcomes == {o.id for o in trial.outcomes}
    present = {(r["measure"], r["method"]) for r in summary["results"]}
    for m in methods.REGISTRY:
        if m.default and m.key != "sd/from_se":  # no arm of this trial prints an SE
            assert (m.measure, m.method) in present, m.key


def test_edss_change_welch_against_r_beside_reported_p(summary):
    r = row(summary, "edss_change", "mean_difference/welch")
    exp = R["edss_change"]["welch"]
    for k in ("estimate", "conf_low", "conf_high", "statistic", "df", "p_value"):
        assert_allclose(r[k], exp[k], rtol=RTOL, err_msg=k)
    assert round(r["p_value"], 3) == 0.032 and r["reported_p_value"] == 0.008
    s = row(summary, "edss_change", "mean_difference/student")
    assert_allclose([s["p_value"], s["df"]], [R["edss_change"]["student"]["p_value"], 146], rtol=RTOL)


def test_sd_implied_by_each_ci(summary):
    for arm in ("ivig", "placebo"):
        r = row(summary, "edss_change", "sd/from_ci", arms=arm)
        assert_allclose(r["estimate"], R["sd_from_ci"][arm], rtol=RTOL)
        assert "printed SD" in r["note"]


def test_final_edss_is_not_significant(summary):
    r = row(summary, "edss_final", "mean_difference/welch")
    assert_allclose(r["p_value"], R["edss_final"]["welch"]["p_value"], rtol=RTOL)
    assert r["reported_p_value"] is None


def test_disability_categories_against_r(summary):
    chi = row(summary, "disability_category", "test/pearson_chi2")
    assert_allclose([chi["statistic"], chi["df"], chi["p_value"]],
                    [R["disability_category"]["pearson_chi2"][k] for k in ("statistic", "df", "p_value")],
                    rtol=RTOL)
    assert round(chi["p_value"], 4) == 0.0413 and chi["reported_p_value"] == 0.041
    trend = row(summary, "disability_category", "test/linear_trend")
    assert_allclose(trend["p_value"], R["disability_category"]["linear_trend"]["p_value"], rtol=RTOL)
    mw = row(summary, "disability_category", "probability_index/mann_whitney")
    assert_allclose(mw["p_value"], R["disability_category"]["mann_whitney"]["p_value"], rtol=RTOL)


def test_relapse_free_against_r(summary):
    rf = R["relapse_free"]
    assert_allclose(row(summary, "relapse_free", "test/pearson_chi2")["p_value"],
                    rf["pearson_chi2"]["p_value"], rtol=RTOL)
    assert_allclose(row(summary, "relapse_free", "test/fisher_exact")["p_value"],
                    rf["fisher_exact"]["p_value"], rtol=RTOL)
    rr = row(summary, "relapse_free", "risk_ratio/katz_log")
    assert_allclose([rr["estimate"], rr["conf_low"], rr["conf_high"]],
                    [rf["risk_ratio"][k] for k in ("estimate", "conf_low", "conf_high")], rtol=RTOL)
    nnt = row(summary, "relapse_free", "nnt/newcombe")
    assert nnt["estimate"] > 0  # more relapse-free patients on IVIG: a number needed to benefit


def test_relapses_exact_rate_ratio_against_r(summary):
    r = row(summary, "relapses", "rate_ratio/exact_conditional")
    exp = R["relapses"]["exact_conditional"]
    assert_allclose([r[k] for k in ("estimate", "conf_low", "conf_high", "p_value")],
                    [exp[k] for k in ("estimate", "conf_low", "conf_high", "p_value")], rtol=RTOL)
    assert "person-years approximated" in r["note"]
    assert round(r["estimate"], 3) == 0.520


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_delimited_formats_full_precision(run, fmt):
    result = run("summarize", "-f", fmt)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t"))
    assert tuple(rows[0]) == COLUMNS
    welch = next(r for r in rows if r["outcome"] == "edss_change" and r["method"] == "welch")
    assert float(welch["p_value"]) == pytest.approx(R["edss_change"]["welch"]["p_value"], rel=RTOL)
    assert len(welch["p_value"]) > 8  # not rounded


def test_jsonl_and_markdown_and_table(run):
    lines = run("summarize", "-f", "jsonl").stdout.splitlines()
    assert all(tuple(json.loads(x)) == COLUMNS for x in lines)
    md = run("summarize", "-f", "markdown").stdout
    assert "| relapse_free |" in md and "0.0302" in md
    table = run("summarize", "-f", "table").stdout
    for outcome in ("edss_change", "disability_category", "relapses", "relapse_free"):
        assert outcome in table
    assert "2.4e-05" in table  # small P shown in e-notation, never 0
    assert "\x1b[" not in table  # not a terminal: no colour codes


def test_default_format_when_piped_is_tsv(run):
    assert run("summarize").stdout.split("\n")[0] == "\t".join(COLUMNS)


def test_level_and_methods_options(run):
    doc = json.loads(run("summarize", "-f", "json", "--level", "0.9", "--methods", "welch").stdout)
    assert {r["method"] for r in doc["results"]} == {"welch"}
    assert all(r["conf_level"] == 0.9 for r in doc["results"])
    every = json.loads(run("summarize", "-f", "json", "--methods", "all").stdout)
    assert len(every["results"]) > len(json.loads(run("summarize", "-f", "json").stdout)["results"])


def test_output_file_and_stdin(run, tmp_path):
    out = tmp_path / "r.json"
    assert run("summarize", "-f", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["trial"]["id"] == "fazekas1997"
    text = (ROOT / "examples" / "fazekas1997.json").read_text()
    piped = run("summarize", "-", "-f", "json", input=text)
    assert json.loads(piped.stdout) == json.loads(out.read_text())


BAD_FILES = {
    "n": ("n = 75\nrole = \"experimental\"", "n = 0\nrole = \"experimental\"", "arms[0].n", "0"),
    "events": ("events = 40", "events = 76", "outcomes[4].arms.ivig.events", "76"),
    "percent": ("events = 40", "percent = 140", "outcomes[4].arms.ivig.percent", "140"),
    "sd": ("sd = 0.89", "sd = -0.89", "outcomes[0].arms.ivig.sd", "-0.89"),
    "ci": ("ci = [-0.13, 0.37]", "ci = [0.37, -0.13]", "outcomes[0].arms.placebo.ci",
           "lower bound 0.37 is above upper bound -0.13"),
    "counts": ("counts = [23, 40, 12]", "counts = [23, -40, 12]",
               "outcomes[1].arms.ivig.counts[1]", "-40"),
    "unique": ('id = "relapse_free"', 'id = "relapses"', "outcomes[4].id", "relapses"),
    "kind": ('kind = "binary"', 'kind = "binomial"', "outcomes[4].kind", "binomial"),
    "unknown": ("events = 40", "evnts = 40", "outcomes[4].arms.ivig.evnts", "did you mean 'events'"),
    "dispersion_from": ('dispersion_from = "annual_relapse_rate"', 'dispersion_from = "relapse_free"',
                        "outcomes[2].dispersion_from", "'relapse_free'; expected"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_trial_file_one_line_exit_2(run, tmp_path, name):
    old, new, field, value = BAD_FILES[name]
    text = (ROOT / "examples" / "fazekas1997.toml").read_text()
    assert old in text
    path = tmp_path / "trial.toml"
    path.write_text(text.replace(old, new, 1))
    result = run("summarize", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ivigstats: error: {path}: {field}")
    assert value in lines[0]


@pytest.mark.parametrize("args,words", [
    (["summarize", "--methods", "wlech"], "unknown method 'wlech'"),
    (["summarize", "--level", "95"], "--level"),
    (["summarize", "nosuchtrial"], "no embedded trial"),
    (["sumarize"], "did you mean 'summarize'"),
])
def test_usage_errors_one_line_exit_2(run, args, words):
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr


def test_schema_and_trials(run):
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["outcomes"]["items"]["properties"]["kind"]["enum"] == \
        ["continuous", "binary", "count", "ordinal"]
    assert "fazekas1997" in run("trials").stdout


def test_output_to_a_fifo_writes_through_it_and_leaves_it_a_fifo(run, tmp_path):
    # -o is atomic (temporary file + rename) for regular files only: renaming onto /dev/null
    # or a FIFO would replace the node itself (as root, /dev/null became a regular file).
    import os
    import stat
    import threading
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    assert run("summarize", "-f", "csv", "-o", str(fifo)).exit_code == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].startswith(",".join(COLUMNS))


def test_summarize_plot_draws_every_outcome_with_an_interval(run):
    out = run("summarize", "--plot", "-f", "table").stdout
    for label in ("edss_change: ivig vs placebo (welch)",
                  "relapses: ivig vs placebo (exact_conditional)",
                  "relapse_free: ivig vs placebo (katz_log)"):
        assert label in out
    assert "rate_ratio (log scale)" in out and "│" in out  # log axis, null line


def test_summarize_shows_how_far_rounded_percentages_move_each_p(run, tmp_path):
    # 50% and 41% of 300: counts 149-151 and 122-124 all round to them (9 tables)
    trial = tmp_path / "pct.toml"
    trial.write_text('''[trial]
id = "pct"
title = "percentages only"
citation = "constructed"
follow_up_years = 1.0
[[arms]]
id = "a"
label = "A"
n = 300
[[arms]]
id = "b"
label = "B"
n = 300
[[outcomes]]
id = "rf"
label = "relapse-free"
kind = "binary"
benefit = "higher"
  [outcomes.arms.a]
  percent = 50
  [outcomes.arms.b]
  percent = 41
''')
    rows = json.loads(run("summarize", str(trial), "-f", "json").stdout)["results"]
    chi2 = next(r for r in rows if r["method"] == "pearson_chi2")
    assert "over the 9 count combinations" in chi2["note"]
    low, high = (float(x) for x in chi2["note"].split("P ranges ")[1].split(" to "))
    assert low < chi2["p_value"] < high


def test_a_reported_bound_is_shown_as_a_bound(run, tmp_path):
    # "P < 0.05" in a trial file: reported_p_value holds the bound, the note and table say "<"
    text = (ROOT / "examples" / "fazekas1997.toml").read_text()
    assert "p_value = 0.03\n" in text
    path = tmp_path / "bound.toml"
    path.write_text(text.replace("p_value = 0.03\n", 'p_value = "< 0.05"\n'))
    rows = json.loads(run("summarize", str(path), "-f", "json").stdout)["results"]
    chi2 = next(r for r in rows if r["outcome"] == "relapse_free" and r["method"] == "pearson_chi2")
    assert chi2["reported_p_value"] == 0.05
    assert "reported P < 0.05 (a bound, not a value)" in chi2["note"]
    assert "P < 0.05" in run("summarize", str(path), "-f", "table").stdout
