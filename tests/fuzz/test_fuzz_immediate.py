"""Fuzz: the immediate commands' arguments (binary, continuous, rates, ordinal).

Hostile text (Unicode minus, thousands separators, decimal commas, NaN, huge exponents, junk)
must give rows (exit 0) or one error line (exit 2); well-formed numbers must give rows.
"""

from _fuzz import NUMBERISH, assert_clean, invoke, json_rows
from hypothesis import given
from hypothesis import strategies as st

SEPARATORS = st.sampled_from(["/", "/", ":", ",", " / ", "%/", "//", ""])
FORMATS = st.sampled_from(["json", "csv", "tsv", "jsonl", "markdown", "table"])
# the comparison methods of each kind, without the registry's outcome-level extras (fragility
# indices), which take minutes on arms of 1e9 (reported on issue 8)
METHODS = ["--methods", ("katz_log,woolf_log,newcombe,pearson_chi2,fisher_exact,"
                         "exact_conditional,mid_p,welch,student,hedges_g,wald_log,rate/exact,"
                         "mann_whitney,linear_trend")]


def arm(parts: int):
    return st.tuples(st.lists(NUMBERISH, min_size=1, max_size=parts + 1), SEPARATORS).map(
        lambda t: t[1].join(t[0]))


@given(st.sampled_from([("binary", 2), ("rates", 2), ("continuous", 3), ("ordinal", 3)]),
       st.data(), FORMATS)
def test_hostile_arguments(command, data, fmt):
    name, parts = command
    args = [name, data.draw(arm(parts)), data.draw(arm(parts))]
    if name == "continuous":
        args += data.draw(st.sampled_from([[], ["--se"], ["--ci"]]))
    extra = data.draw(st.lists(st.sampled_from(
        ["--level", "0.9", "95", "--arms", "a,b", "a,a",
         "--labels", "x,y", "--benefit", "lower", "--", "-x", "--ci-level", "nan"]), max_size=3))
    assert_clean(invoke([*args, *extra, *METHODS, "-f", fmt]))


@given(st.integers(0, 10**9), st.integers(1, 10**9), st.integers(0, 10**9),
       st.integers(1, 10**9), st.sampled_from(["plain", "grouped", "minus-free"]))
def test_well_formed_binary_gives_rows_and_bad_counts_one_error(e1, n1, e2, n2, style):
    def show(x):
        return f"{x:,}" if style == "grouped" and x >= 10**6 else str(x)
    result = invoke(["binary", f"{show(e1)}/{show(n1)}", f"{show(e2)}/{show(n2)}",
                     "--methods", "katz_log,woolf_log,newcombe,pearson_chi2", "-f", "json"])
    valid = e1 <= n1 and e2 <= n2
    assert_clean(result, expect=0 if valid else 2)
    if valid:
        json_rows(result)


@given(st.floats(-1e300, 1e300), st.floats(1e-300, 1e300), st.integers(2, 10**9),
       st.floats(-1e300, 1e300), st.floats(1e-300, 1e300), st.integers(2, 10**9),
       st.booleans())
def test_continuous_extremes_give_rows(m1, s1, n1, m2, s2, n2, unicode_minus):
    def show(x):
        text = repr(x)
        return text.replace("-", "\u2212") if unicode_minus else text
    result = invoke(["continuous", f"{show(m1)}:{show(s1)}:{n1}", f"{show(m2)}:{show(s2)}:{n2}",
                     *METHODS, "-f", "json"])
    json_rows(assert_clean(result, expect=0))


@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=6), st.data())
def test_ordinal_counts_give_rows(counts1, data):
    counts2 = data.draw(st.lists(st.integers(0, 10**6), min_size=len(counts1),
                                 max_size=len(counts1)))
    result = invoke(["ordinal", ",".join(map(str, counts1)), ",".join(map(str, counts2)),
                     *METHODS, "-f", "json"])
    json_rows(assert_clean(result, expect=0))


@given(st.integers(0, 10**9), st.floats(1e-9, 1e12), st.integers(0, 10**9),
       st.floats(1e-9, 1e12))
def test_rates_extremes_give_rows(e1, t1, e2, t2):
    result = invoke(["rates", f"{e1}/{t1!r}", f"{e2}/{t2!r}", *METHODS, "-f", "json"])
    json_rows(assert_clean(result, expect=0))
