"""The issue-6 commands and summarize hooks from the command line: rows in every format,
agreement between paths, and one-line errors with exit status 2."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from ivigstats.cli import cli

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "markdown")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def rows(*args):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    return doc["results"] if isinstance(doc, dict) else doc


COMMANDS = [
    ("fragility",), ("fragility", "40/75", "26/73", "--arms", "ivig,placebo"),
    ("fragility", "--test", "chi2"),
    ("overdispersion",), ("overdispersion", "62/150", "116/146", "--k", "0.5", "--n", "75,73"),
    ("overdispersion", "--dispersion-from", "annual_relapse_rate"),
    ("bayes", "--outcome", "relapses", "--plausible", "0.7", "--mid", "0.9"),
    ("bayes", "--estimate", "0.76", "--ci", "0.55,1.04", "--plausible", "0.7"),
    ("cost", "--cost", "ivig=12000,placebo=0"),
    ("summarize", "--bayes", "relapses=0.7:0.9,relapse_free=1.3"),
    ("convert", "ci", "-0.13", "0.37", "--n", "73"),
    ("convert", "median", "10", "--q1", "8", "--q3", "14", "--n", "100"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format(args, fmt):
    result = run(*args, "-f", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt in ("csv", "tsv"):
        table = list(csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert table and "measure" in table[0] and "note" in table[0]
    elif fmt == "jsonl":
        assert all("measure" in json.loads(line) for line in out.splitlines())
    elif fmt == "json":
        assert json.loads(out)
    else:
        assert out.strip()


def test_summarize_shows_fragility_and_phi_grid_by_default():
    got = {(r["outcome"], r["measure"], r["method"]) for r in rows("summarize")}
    assert ("relapse_free", "fragility_index", "walsh_fisher") in got
    assert ("relapse_free", "fragility_quotient", "walsh_fisher") in got
    assert ("relapse_free", "reverse_fragility_index", "fisher") in got
    for phi in ("1", "1.5", "2", "3"):
        assert ("relapses", "rate_ratio", f"quasi_poisson_phi{phi}") in got


def test_summarize_methods_list_leaves_sensitivity_out():
    got = {r["measure"] for r in rows("summarize", "--methods", "katz_log")}
    assert got == {"risk_ratio"}


def test_fragility_command_equals_summarize_rows():
    frag = rows("fragility")
    summ = [r for r in rows("summarize") if "fragility" in r["measure"]]
    assert frag == summ
    typed = rows("fragility", "40/75", "26/73", "--arms", "ivig,placebo", "--outcome",
                 "relapse_free")
    assert [{**r, "reported_p_value": None} for r in typed] == \
        [{**r, "reported_p_value": None} for r in frag]


def test_fazekas_fragility_values():
    # R (make_sensitivity.R): fisher.test P 0.03305, 2 more relapse-free placebo patients
    # (28/73) give P >= 0.05, so FI = 2 and FQ = 2/148
    fi, fq, rfi = rows("fragility")
    assert (fi["estimate"], rfi["estimate"]) == (2.0, 0.0)
    assert fq["estimate"] == pytest.approx(2 / 148, rel=1e-15)
    assert "placebo" in fi["note"]


def test_estimated_dispersion_loses_significance():
    got = {r["method"]: r for r in rows("overdispersion", "--dispersion-from",
                                        "annual_relapse_rate")}
    assert got["quasi_poisson_phi1"]["p_value"] < 0.001
    assert got["quasi_poisson_phi_estimated"]["p_value"] > 0.05
    assert "phi = 5.2 estimated" in got["quasi_poisson_phi_estimated"]["note"]


def test_bayes_neutral_is_the_likelihood():
    post = {(r["measure"], r["method"]): r for r in rows(
        "bayes", "--outcome", "relapses", "--prior", "neutral")}
    wald = next(r for r in rows("summarize") if r["method"] == "wald_log")
    neutral = post[("rate_ratio", "bayes_neutral")]
    for field in ("estimate", "conf_low", "conf_high"):
        assert neutral[field] == pytest.approx(wald[field], rel=1e-12)


def test_summarize_bayes_equals_the_bayes_command():
    # same posterior from `summarize --bayes` and `bayes`, placed after the outcome's rows,
    # and the neutral prior returns the likelihood (the summary's own default-method row)
    summary = rows("summarize", "--bayes", "relapses=0.7:0.9,relapse_free=1.3")
    for outcome, plausible, extra in (("relapses", "0.7", ("--mid", "0.9")),
                                      ("relapse_free", "1.3", ())):
        alone = rows("bayes", "--outcome", outcome, "--plausible", plausible, *extra)
        mine = [r for r in summary if r["outcome"] == outcome and
                r["method"].startswith("bayes_")]
        assert len(mine) == len(alone) >= 6
        for a, b in zip(mine, alone, strict=True):
            assert (a["measure"], a["method"]) == (b["measure"], b["method"])
            assert a["estimate"] == pytest.approx(b["estimate"], rel=1e-12)
        positions = [i for i, r in enumerate(summary) if r["outcome"] == outcome]
        assert positions == list(range(positions[0], positions[-1] + 1))  # kept together
    likelihood = next(r for r in summary if r["outcome"] == "relapse_free"
                      and (r["measure"], r["method"]) == ("risk_ratio", "katz_log"))
    neutral = next(r for r in summary if r["outcome"] == "relapse_free"
                   and (r["measure"], r["method"]) == ("risk_ratio", "bayes_neutral"))
    for field in ("estimate", "conf_low", "conf_high"):
        assert neutral[field] == pytest.approx(likelihood[field], rel=1e-12)
    assert not [r for r in rows("summarize") if r["method"].startswith("bayes_")]


def _trial_with_costs(tmp_path, experimental="12000", control="0"):
    from importlib import resources
    text = (resources.files("ivigstats") / "data" / "fazekas1997.toml").read_text()
    if experimental is not None:
        text = text.replace('role = "experimental"\n',
                            f'role = "experimental"\nannual_cost = {experimental}\n')
    if control is not None:
        text = text.replace('role = "control"\n', f'role = "control"\nannual_cost = {control}\n')
    path = tmp_path / "with_costs.toml"
    path.write_text(text)
    return str(path)


def test_costs_in_the_trial_file_equal_the_option(tmp_path):
    path = _trial_with_costs(tmp_path)
    by_option = rows("cost", "--cost", "ivig=12000,placebo=0")
    assert len(by_option) == 2
    assert rows("cost", path) == by_option
    in_summary = [r for r in rows("summarize", path) if r["measure"].startswith("cost_")]
    assert in_summary == by_option
    # --cost overrides the file
    override = rows("cost", path, "--cost", "ivig=6000,placebo=0")
    assert override[0]["estimate"] == pytest.approx(by_option[0]["estimate"] / 2, rel=1e-12)
    assert not [r for r in rows("summarize") if r["measure"].startswith("cost_")]


def test_costs_for_some_arms_only_are_refused(tmp_path):
    result = run("summarize", _trial_with_costs(tmp_path, control=None))
    assert result.exit_code == 2
    assert "arms[1].annual_cost: missing; give every arm an annual_cost or none" in result.output
    result = run("cost")
    assert result.exit_code == 2
    assert "--cost ARM=AMOUNT,... is needed: fazekas1997 gives no annual_cost" in result.output


@pytest.mark.parametrize("args,message", [
    (("fragility", "40/75", "26/73", "1/2"), "expected a TRIAL or two arms"),
    (("fragility", "--outcome", "relapses"), "is not a binary outcome"),
    (("fragility", "80/75", "26/73"), "more than n"),
    (("overdispersion", "--phi", "1,0"), "expected a comma list of numbers > 0"),
    (("overdispersion", "62/150", "116/146", "--k", "0.5"), "expected two whole numbers"),
    (("overdispersion", "--dispersion-from", "relapse_free"), "is not a continuous outcome"),
    (("bayes", "--outcome", "relapses"), "--plausible: needed for the sceptical"),
    (("bayes",), "--outcome is needed"),
    (("bayes", "--outcome", "relapses", "--plausible", "-1"), "a ratio must be > 0"),
    (("bayes", "--outcome", "relapses", "--prior", "hopeful"), "expected a comma list of"),
    (("bayes", "--estimate", "0.7"), "give one of --ci LOW,HIGH or --se SE"),
    (("bayes", "--outcome", "relapses", "--measure", "rate_ratio/nope", "--plausible", "0.7"),
     "is not an effect of a count outcome"),
    (("summarize", "--bayes", "relapse=0.7"), "--bayes: 'relapse' is not an outcome of"),
    (("summarize", "--bayes", "relapses"), "expected OUTCOME=PLAUSIBLE"),
    (("summarize", "--bayes", "relapses=0.7:x"), "expected OUTCOME=PLAUSIBLE"),
    (("summarize", "--bayes", "relapses=-0.7"), "a ratio must be > 0"),
    (("convert", "median", "5", "--q1", "6", "--q3", "9", "--n", "20"), "q1 6 is above median"),
    (("convert", "p", "1.5", "--estimate", "2", "--n", "10"), "1.5"),
    (("convert", "ci", "2", "1", "--n", "10"), "expected LOW < HIGH"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
