"""The embedded trial library: IFNB 1993 and Johnson 1995 beside Fazekas 1997.

Only abstract-confirmed numbers are embedded (../shared/reference/OTHER-TRIALS.md); these
tests pin that nothing unconfirmed crept in (no SDs for the interferon rates, no 1.6 MIU
relapse-free count, no relapse counts or person-years) and that every number has a source.
"""

import json

import pytest

from ivigstats.trial import embedded_ids, load_embedded

NEW = ("ifnb1993", "johnson1995")


def test_embedded_ids_include_the_new_trials():
    assert set(NEW) | {"fazekas1997"} <= set(embedded_ids())


def test_trials_command_lists_citations(run):
    res = run("trials", "-f", "table")
    assert res.exit_code == 0
    assert "ifnb1993: The IFNB Multiple Sclerosis Study Group. Neurology 1993;43:655-661." \
        in res.output
    assert "johnson1995: Johnson KP" in res.output and "Neurology 1995;45:1268-1276." \
        in res.output
    rows = json.loads(run("trials", "-f", "json").output)
    assert {r["id"] for r in rows} >= set(NEW)


@pytest.mark.parametrize("trial_id", NEW)
def test_every_outcome_and_arm_number_has_a_source(trial_id):
    t = load_embedded(trial_id)
    assert t.citation and t.note and t.follow_up_years == 2.0
    for o in t.outcomes:
        assert o.source and o.note
        for a in o.arms.values():
            assert a.source, (o.id, a.arm)


def test_ifnb_embeds_only_confirmed_numbers():
    t = load_embedded("ifnb1993")
    assert {a.id: a.n for a in t.arms} == {"ifnb_8miu": 124, "ifnb_1_6miu": 125, "placebo": 123}
    rate = next(o for o in t.outcomes if o.id == "annual_relapse_rate")
    assert {k: a.mean for k, a in rate.arms.items()} == {
        "ifnb_8miu": 0.84, "ifnb_1_6miu": 1.17, "placebo": 1.27}
    assert all(a.sd is None and a.se is None and a.ci is None for a in rate.arms.values())
    free = next(o for o in t.outcomes if o.id == "relapse_free")
    assert {k: a.events for k, a in free.arms.items()} == {"ifnb_8miu": 36, "placebo": 18}
    assert "unconfirmed" in free.note and free.reported.p_value == 0.007


def test_johnson_embeds_only_confirmed_numbers():
    t = load_embedded("johnson1995")
    assert {a.id: a.n for a in t.arms} == {"copolymer1": 125, "placebo": 126}
    two_year = next(o for o in t.outcomes if o.id == "relapse_rate_2y")
    assert {k: (a.mean, a.se) for k, a in two_year.arms.items()} == {
        "copolymer1": (1.19, 0.13), "placebo": (1.68, 0.13)}
    annual = next(o for o in t.outcomes if o.id == "annual_relapse_rate")
    assert all(a.sd is None and a.se is None for a in annual.arms.values())


@pytest.mark.parametrize("trial_id", NEW)
def test_summarize_runs_on_the_new_trials(run, trial_id):
    res = run("summarize", trial_id, "-f", "jsonl")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.splitlines()]
    assert rows and all(r["outcome"] != "annual_relapse_rate" for r in rows)  # means only
