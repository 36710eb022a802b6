"""Immediate commands (binary, continuous, rates, ordinal) give exactly the rows summarize
gives for the same numbers: against the embedded Fazekas 1997 trial, and against a trial file
holding the same numbers in every output format."""

import json

import pytest

FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")
REPORTED = ("reported_estimate", "reported_conf_low", "reported_conf_high", "reported_p_value")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def json_rows(run, *args):
    return json.loads(ok(run(*args, "-f", "json")).stdout)


@pytest.fixture(scope="module")
def fazekas():
    from click.testing import CliRunner

    from ivigstats.cli import cli
    result = CliRunner().invoke(cli, ["summarize", "--methods", "all", "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results"]


def embedded(rows, outcome, drop_note_prefix=""):
    """The embedded trial's rows of one outcome, without what the paper reported."""
    out = []
    for r in rows:
        if r["outcome"] == outcome:
            r = {k: (None if k in REPORTED else v) for k, v in r.items()}
            if drop_note_prefix and r["note"]:
                note = r["note"].split("; ")
                note = [n for n in note if not n.startswith(drop_note_prefix)]
                r["note"] = "; ".join(note) or None
            out.append(r)
    return out


NAMES = ("--arms", "ivig,placebo", "--methods", "all")


def test_binary_equals_summarize_relapse_free(run, fazekas):
    rows = json_rows(run, "binary", "40/75", "26/73", "--outcome", "relapse_free", *NAMES)
    assert rows == embedded(fazekas, "relapse_free")
    assert {r["method"] for r in rows} >= {"katz_log", "fisher_exact", "newcombe"}


def test_ordinal_equals_summarize_disability(run, fazekas):
    rows = json_rows(run, "ordinal", "23,40,12", "10,46,17", "--labels",
                     "improved,stable,worse", "--outcome", "disability_category", *NAMES)
    assert rows == embedded(fazekas, "disability_category")


def test_rates_equal_summarize_relapses(run, fazekas):
    """The trial file approximates person-years as 2 x n (150 and 146) and says so in the
    note; typed as 62/150 and 116/146 the numbers are the same and the note is not."""
    rows = json_rows(run, "rates", "62/150", "116/146", "--outcome", "relapses", *NAMES)
    expected = embedded(fazekas, "relapses", drop_note_prefix="person-years approximated")
    # the file also names the per-patient rates (dispersion_from): the two rows estimated
    # from them need that outcome, which typed arms do not have
    expected = [r for r in expected if not r["method"].endswith("_estimated")]
    assert rows == expected
    assert {r["arms"] for r in rows} == {"ivig", "placebo", "ivig vs placebo"}


def test_continuous_equals_summarize_edss_change(run, fazekas):
    """The trial prints SDs and CIs; typed with SDs, the comparisons are the same rows (the
    per-arm SD-from-CI rows need the CI, see the --ci test below)."""
    rows = json_rows(run, "continuous", "-0.23:0.89:75", "0.12:1.07:73", "--outcome",
                     "edss_change", *NAMES)
    expected = [r for r in embedded(fazekas, "edss_change") if r["measure"] != "sd"]
    assert rows == expected
    welch = next(r for r in rows if r["method"] == "welch")
    assert round(welch["p_value"], 3) == 0.032


# ------------------------------------------------------- a trial file with the same numbers

def trial_toml(kind, arms, categories=None, benefit="higher"):
    lines = ['[trial]', 'id = "t"', 'title = "t"', 'citation = "c"', 'follow_up_years = 1.0']
    for name, role in (("ivig", "experimental"), ("placebo", "control")):
        lines += ["[[arms]]", f'id = "{name}"', f'label = "{name}"',
                  f"n = {max(arms[name].get('n', 1), 1)}", f'role = "{role}"']
    lines += ["[[outcomes]]", 'id = "o"', 'label = "o"', f'kind = "{kind}"',
              f'benefit = "{benefit}"']
    if categories:
        lines.append(f"categories = {json.dumps(categories)}")
    for name, fields in arms.items():
        lines.append(f"  [outcomes.arms.{name}]")
        lines += [f"  {k} = {json.dumps(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


CASES = {
    "binary": (["binary", "40/75", "26/73"],
               ("binary", {"ivig": {"events": 40, "n": 75}, "placebo": {"events": 26, "n": 73}})),
    "binary-percent": (["binary", "53%/75", "36%/73"],
                       ("binary", {"ivig": {"percent": 53, "n": 75},
                                   "placebo": {"percent": 36, "n": 73}})),
    "binary-ambiguous-percent": (["binary", "50%/3", "33.3%/3", "--benefit", "lower"],
                                 ("binary", {"ivig": {"percent": 50, "n": 3},
                                             "placebo": {"percent": 33.3, "n": 3}}, "lower")),
    "binary-zero": (["binary", "0/10", "0/12"],
                    ("binary", {"ivig": {"events": 0, "n": 10}, "placebo": {"events": 0, "n": 12}})),
    "continuous-sd": (["continuous", "-0.23:0.89:75", "0.12:1.07:73"],
                      ("continuous", {"ivig": {"mean": -0.23, "sd": 0.89, "n": 75},
                                      "placebo": {"mean": 0.12, "sd": 1.07, "n": 73}})),
    "continuous-ci": (["continuous", "--ci", "-0.23:-0.43:-0.03:75", "0.12:-0.13:0.37:73"],
                      ("continuous", {"ivig": {"mean": -0.23, "ci": [-0.43, -0.03], "n": 75},
                                      "placebo": {"mean": 0.12, "ci": [-0.13, 0.37], "n": 73}})),
    "continuous-ci90": (["continuous", "--ci", "--ci-level", "0.9", "1:0.5:1.5:20", "2:1:3:20"],
                        ("continuous", {"ivig": {"mean": 1, "ci": [0.5, 1.5], "ci_level": 0.9,
                                                 "n": 20},
                                        "placebo": {"mean": 2, "ci": [1, 3], "ci_level": 0.9,
                                                    "n": 20}})),
    "continuous-se": (["continuous", "--se", "0.52:0.098:75", "1.26:0.257:73"],
                      ("continuous", {"ivig": {"mean": 0.52, "se": 0.098, "n": 75},
                                      "placebo": {"mean": 1.26, "se": 0.257, "n": 73}})),
    "rates": (["rates", "62/150", "116/146"],
              ("count", {"ivig": {"events": 62, "person_years": 150},
                         "placebo": {"events": 116, "person_years": 146}})),
    "rates-zero": (["rates", "0/10.5", "3/12"],
                   ("count", {"ivig": {"events": 0, "person_years": 10.5},
                              "placebo": {"events": 3, "person_years": 12}})),
    "ordinal": (["ordinal", "23,40,12", "10,46,17", "--labels", "improved,stable,worse"],
                ("ordinal", {"ivig": {"counts": [23, 40, 12], "n": 75},
                             "placebo": {"counts": [10, 46, 17], "n": 73}},
                 None, ["improved", "stable", "worse"])),
    "ordinal-empty-category": (["ordinal", "0,5,5,0", "0,3,6,1"],
                               ("ordinal", {"ivig": {"counts": [0, 5, 5, 0], "n": 10},
                                            "placebo": {"counts": [0, 3, 6, 1], "n": 10}},
                                None, ["1", "2", "3", "4"])),
}


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request, tmp_path_factory):
    args, spec = CASES[request.param]
    kind, arms = spec[0], spec[1]
    benefit = spec[2] if len(spec) > 2 and spec[2] else "higher"
    categories = spec[3] if len(spec) > 3 else None
    path = tmp_path_factory.mktemp("trial") / "t.toml"
    path.write_text(trial_toml(kind, arms, categories, benefit))
    return args, str(path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("methods", ["default", "all"])
def test_same_rows_as_summarize_in_every_format(run, case, fmt, methods):
    args, path = case
    common = ["--methods", methods, "--level", "0.9", "-f", fmt]
    mine = ok(run(*args, "--outcome", "o", "--arms", "ivig,placebo", *common)).stdout
    theirs = ok(run("summarize", path, *common)).stdout
    if fmt == "json":
        assert json.loads(mine) == json.loads(theirs)["results"]
        assert json.loads(mine), "no rows"
    elif fmt == "markdown":  # the titles differ (trial title vs typed numbers)
        assert mine.split("\n", 2)[2] == theirs.split("\n", 2)[2]
    else:
        assert mine == theirs


def test_table_format_runs(run):
    out = ok(run("binary", "40/75", "26/73", "-f", "table")).stdout
    assert "binary: 40/75 vs 26/73" in out and "1.497" in out and "0.0344" in out


def test_percent_note_shows_reconstruction_and_ambiguity(run):
    rows = json_rows(run, "binary", "53%/75", "36%/73")
    comparison = next(r for r in rows if r["method"] == "katz_log")
    assert "count 40 of 75 reconstructed from 53%" in comparison["note"]
    assert "count 26 of 73 reconstructed from 36%" in comparison["note"]
    rows = json_rows(run, "binary", "33%/200", "10/20")
    note = next(r for r in rows if r["method"] == "katz_log")["note"]
    assert "ambiguous: 65, 66, 67 of 200 all round to 33%" in note


def test_output_file(run, tmp_path):
    out = tmp_path / "r.csv"
    ok(run("rates", "62/150", "116/146", "-f", "csv", "-o", str(out)))
    assert out.read_text().startswith("outcome,measure,method,")


# ------------------------------------------------------------------------ bad arguments

@pytest.mark.parametrize("args, message", [
    (["binary", "80/75", "26/73"], "events 80 is more than n = 75"),
    (["binary", "4O/75", "26/73"], "events '4O' is not a whole number"),
    (["binary", "40:75", "26/73"], "expected EVENTS/N or PERCENT%/N"),
    (["binary", "1,000/2,000", "26/73"], "n \"2,000\" is ambiguous: 2000 with a thousands"),
    (["continuous", "0,5:1:10", "1:1:10"], "mean \"0,5\" has a decimal comma; expected a point"),
    (["binary", "40.5/75", "26/73"], "events '40.5' is not a whole number"),
    (["binary", "40/0", "26/73"], "n 0 is out of range"),
    (["binary", "101%/75", "26/73"], "percent 101 is out of range"),
    (["binary", "40/75"], "Missing argument 'EVENTS2/N2'"),
    (["binary", "40/75", "26/73", "1/2"], "unexpected extra argument"),
    (["binary", "40/75", "26/73", "--methods", "wlech"], "unknown method 'wlech'"),
    (["binary", "40/75", "26/73", "--methods", "welch"], "'welch' names no binary method"),
    (["binary", "40/75", "26/73", "--level", "95"], "--level"),
    (["binary", "40/75", "26/73", "--arms", "a,a"], "expected two different names"),
    (["continuous", "1:2", "3:4:5"], "expected MEAN:SD:N"),
    (["continuous", "1:2:3:10", "3:4:5:10"], "a mean with a CI needs --ci"),
    (["continuous", "--ci", "1:2:0:10", "3:2:4:10"], "lower limit 2 is above upper limit 0"),
    (["continuous", "1:0:10", "3:4:10"], "SD 0 is out of range"),
    (["continuous", "1:nan:10", "3:4:10"], "is not a finite number"),
    (["continuous", "--levle", "0.9", "1:2:3", "1:2:3"], "no such option '--levle'"),
    (["rates", "5/0", "1/2"], "person-time 0 is out of range"),
    (["rates", "-5/10", "1/2"], "events -5 is out of range"),
    (["ordinal", "1,2", "1,2,3"], "3 categories; COUNTS1 has 2"),
    (["ordinal", "1,2,3", "1,2,3", "--labels", "a,b"], "has 2 labels for 3 categories"),
    (["ordinal", "5", "1,2"], "at least 2 categories"),
    (["ordinal", "1,x", "1,2"], "count 2 'x' is not a whole number"),
])
def test_bad_arguments_one_line_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ivigstats: error: "), result.stderr
    assert message in lines[0], lines[0]
