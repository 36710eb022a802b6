"""The trial loader: the embedded trial, the examples, and one test per class of bad input."""

import json
import tomllib

import pytest

from ivigstats.arm_data import counts_rounding_to, reconstruct_count
from ivigstats.errors import InputError
from ivigstats.trial import load_embedded, load_path, parse

MINIMAL = """
[trial]
id = "t1"
title = "A trial"
citation = "Someone 2020"
follow_up_years = 1

[[arms]]
id = "a"
label = "Drug"
n = 50

[[arms]]
id = "b"
label = "Placebo"
n = 50

[[outcomes]]
id = "o1"
label = "Outcome"
kind = "binary"
benefit = "lower"
  [outcomes.arms.a]
  events = 10
  n = 50
  [outcomes.arms.b]
  events = 20
"""


def load(text, name="t.toml"):
    return parse(text.encode(), name, fmt="toml")


def test_minimal_trial_defaults():
    t = load(MINIMAL)
    assert [a.role for a in t.arms] == ["experimental", "control"]
    assert t.outcomes[0].arms["b"].n == 50  # analysed n defaults to the arm's n


def test_embedded_trial_numbers_from_the_reference_notes():
    t = load_embedded("fazekas1997")
    o = {x.id: x for x in t.outcomes}
    assert o["edss_change"].arms["placebo"].ci == (-0.13, 0.37)
    assert o["edss_change"].arms["placebo"].n == 73
    assert o["disability_category"].arms["ivig"].counts == (23, 40, 12)
    assert o["disability_category"].arms["placebo"].counts == (10, 46, 17)
    assert (o["relapse_free"].arms["ivig"].events, o["relapse_free"].arms["placebo"].events) == (40, 26)
    assert o["relapses"].arms["placebo"].person_years == 146
    assert [o[k].reported.p_value for k in ("edss_change", "disability_category",
                                            "annual_relapse_rate", "relapse_free")] == \
        [0.008, 0.041, 0.0037, 0.03]
    for note in ("-0.13 to 0.37", "94%", "73"):
        assert note in t.note


def test_examples_are_the_embedded_trial():
    embedded = load_embedded("fazekas1997")
    assert load_path("examples/fazekas1997.toml") == embedded
    assert load_path("examples/fazekas1997.json") == embedded


BAD = [
    # (replace old -> new, expected field, expected words)
    ('n = 50\n\n[[arms]]\nid = "b"', "arms[0].n", "0"),
    ("events = 10", "outcomes[0].arms.a.events", "60 is more than n = 50"),
    ("events = 10", "outcomes[0].arms.a.events", "-1 is out of range"),
    ("events = 10", "outcomes[0].arms.a.percent", "101 is out of range; expected a number 0 to 100"),
    ('kind = "binary"', "outcomes[0].kind", '"binomial"'),
    ('id = "b"', "arms[1].id", "used twice"),
    ("events = 10", "outcomes[0].arms.a.evnts", "did you mean 'events'"),
    ("follow_up_years = 1", "trial.follow_up_years", "expected a number > 0"),
    ("events = 10", "outcomes[0].arms.a.events", "10.5 is not a whole number"),
    ("events = 10", "outcomes[0].arms.a.events", "nan is not a finite number"),
]
SUBSTITUTES = [
    'n = 0\n\n[[arms]]\nid = "b"', "events = 60", "events = -1", "percent = 101",
    'kind = "binomial"', 'id = "a"', "evnts = 10", "follow_up_years = -2", "events = 10.5",
    "events = nan",
]


@pytest.mark.parametrize("case,new", list(zip(BAD, SUBSTITUTES)))
def test_bad_values_name_file_field_and_value(case, new):
    old, field, words = case
    with pytest.raises(InputError) as err:
        load(MINIMAL.replace(old, new, 1))
    message = f"{err.value.where}: {err.value.what}"
    assert message.startswith("t.toml: ")
    assert field in err.value.where
    assert words in err.value.what


def _continuous(arm_a, arm_b='mean = 1\nsd = 1'):
    return MINIMAL.replace('kind = "binary"', 'kind = "continuous"').replace(
        "events = 10\n  n = 50", arm_a).replace("events = 20", arm_b)


@pytest.mark.parametrize("arm,field,words", [
    ("mean = 1\nci = [0.37, -0.13]", "outcomes[0].arms.a.ci",
     "lower bound 0.37 is above upper bound -0.13"),
    ("mean = 1\nsd = 0", "outcomes[0].arms.a.sd", "0 is out of range; expected a number > 0"),
    ("mean = 1\nse = -0.1", "outcomes[0].arms.a.se", "expected a number > 0"),
    ("mean = 1\nci = [1]", "outcomes[0].arms.a.ci", "expected 2"),
    ("mean = 1\nn = 51", "outcomes[0].arms.a.n", "51 is more than the 50 randomised"),
    # a median with quartiles and/or range in place of the mean
    ("sd = 1", "outcomes[0].arms.a", "no mean; expected mean (with sd, se or ci) or median"),
    ("median = 5", "outcomes[0].arms.a.median", "given without q1/q3 or min/max"),
    ("median = 5\nq1 = 3", "outcomes[0].arms.a.q1", "given without q3; expected both"),
    ("median = 5\nmax = 9", "outcomes[0].arms.a.max", "given without min; expected both"),
    ("median = 5\nq1 = 3\nq3 = 8\nse = 1", "outcomes[0].arms.a.se", "given without mean"),
    ("median = 5\nq1 = 6\nq3 = 8", "outcomes[0].arms.a.median",
     "quantiles out of order: q1 6, median 5, q3 8"),
    ("median = 5\nq1 = 3\nq3 = 8\nn = 4", "outcomes[0].arms.a.n", "needs n >= 5"),
])
def test_bad_continuous_arms(arm, field, words):
    with pytest.raises(InputError) as err:
        load(_continuous(arm))
    assert err.value.where == f"t.toml: {field}"
    assert words in err.value.what


def test_median_arms_are_converted_and_say_so():
    from ivigstats.stats.median_iqr import mean_sd_from_quantiles
    t = load(_continuous("median = 5\nq1 = 3\nq3 = 8\nn = 40",
                         "median = 7\nmin = 1\nq1 = 4\nq3 = 11\nmax = 30"))
    a, b = t.outcomes[0].arms["a"], t.outcomes[0].arms["b"]
    mean, sd = mean_sd_from_quantiles(40, 5, q1=3, q3=8)
    assert (a.mean, a.sd) == (mean.estimate[0], sd.estimate[0])
    assert a.quantiles == {"q1": 3, "median": 5, "q3": 8}
    assert "mean and SD of a estimated from q1 3, median 5, q3 8 (n = 40): luo_iqr mean, " \
           "wan_iqr SD" in a.derived[0]
    assert "luo_five mean, shi_five SD" in b.derived[0]
    # printed mean and SD win over quantiles given beside them
    c = load(_continuous("mean = 5.5\nsd = 2\nmedian = 5\nq1 = 3\nq3 = 8")).outcomes[0].arms["a"]
    assert (c.mean, c.sd, c.quantiles, c.derived) == (5.5, 2, None, ())


def test_bad_count_and_ordinal_arms():
    count = MINIMAL.replace('kind = "binary"', 'kind = "count"').replace(
        "events = 10", "events = 3\n  person_years = 0")
    with pytest.raises(InputError, match="expected a number > 0") as err:
        load(count)
    assert err.value.where.endswith("outcomes[0].arms.a.person_years")
    ordinal = MINIMAL.replace('kind = "binary"', 'kind = "ordinal"\ncategories = ["x", "y"]') \
        .replace("events = 10", "counts = [3, -1]").replace("events = 20", "counts = [1, 2]")
    with pytest.raises(InputError, match="-1 is out of range") as err:
        load(ordinal)
    assert err.value.where.endswith("outcomes[0].arms.a.counts[1]")


def test_unknown_top_level_key_and_arm_reference():
    with pytest.raises(InputError, match="did you mean 'outcomes'"):
        load(MINIMAL.replace("[[outcomes]]", "[[outcome]]"))
    with pytest.raises(InputError, match="no arm 'c'"):
        load(MINIMAL.replace("[outcomes.arms.b]", "[outcomes.arms.c]"))


@pytest.mark.parametrize("data,words", [
    (b"", "file is empty"),
    (b"\xff\xfe junk", "not UTF-8"),
    (b"[trial\nid=", "invalid TOML"),
    (b'{"trial": ', "invalid JSON"),
    (b'{"trial": NaN}', "NaN is not allowed"),
    (b"[" * 100000, "invalid TOML"),
    (b'{"a":' * 100000, "nesting too deep"),
])
def test_unreadable_files(data, words):
    with pytest.raises(InputError, match=words):
        parse(data, "x")


def test_json_and_toml_load_the_same_trial():
    doc = tomllib.loads(MINIMAL)
    assert parse(json.dumps(doc).encode(), "t.json") == load(MINIMAL)


# Percentages: counts are reconstructed, and ambiguity is never hidden.
def test_percentage_with_one_count():
    count, note = reconstruct_count(53, 75, 0)
    assert count == 40 and "ambiguous" not in note and "no whole count" not in note


def test_percentage_no_count_of_75_gives_14_percent():
    # 10/75 = 13.3%, 11/75 = 14.7% (FAZEKAS1997.md); with 73: 10/73 = 13.7% -> 14%.
    assert counts_rounding_to(14, 75, 0) == []
    _count, note = reconstruct_count(14, 75, 0)
    assert "no whole count of 75 gives 14%" in note and "13.3%" in note and "14.7%" in note
    assert counts_rounding_to(14, 73, 0) == [10]


def test_percentage_ambiguous():
    # 1 of 200 = 0.5% and 2 of 200 = 1.0% both round to 1% at 0 decimals (0.5 either way).
    assert counts_rounding_to(1, 200, 0) == [1, 2, 3]
    count, note = reconstruct_count(1, 200, 0)
    assert count == 2 and "ambiguous: 1, 2, 3 of 200" in note
