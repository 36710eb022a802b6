"""Fragility index (Walsh 2014) against worked examples printed in public sources.

Each case takes the 2x2 table and the index exactly as the source prints them; where the source
also prints the two-sided Fisher P of the observed (or of the first flipped) table, that is checked
to the printed precision. Walsh's definition: in the arm with fewer events, non-events become
events one at a time until the two-sided Fisher exact P is >= 0.05.

Looked for and not used:
  * Walsh et al. 2014 itself (Figure 1 / worked illustration) and Khan et al. 2020 (reverse
    index worked example): the stored copies reached hold the abstracts only.
  * FragilityTools README (Baer et al., github.com/brb225/FragilityTools, README.md): table
    treatment 40/60 vs control 100/210, Fisher P 0.0124, "fragility index equals 3" -- but
    bin.fi's default ('greedy') modifies either arm in either direction (there: 3 events
    *removed* from the treatment arm), not Walsh's one-arm, add-events procedure. Under Walsh's
    rule the arm with fewer events (40) already has the higher proportion, so adding events never
    loses significance (ours: NaN); a different definition, so left out.
  * fragilityindex::revfragility.index (reverse index) moves both arms at every step (one event
    added to one arm and one removed from the other); no printed output was found either.
  * Yang & Berdine, SWRCCC 2019;7(27) (3/50 vs 12/50, Fisher P 0.023): the index they print was
    not in the stored excerpt, so it could not be verified.
"""

from dataclasses import dataclass

import numpy as np
import pytest

from ivigstats.stats.fragility import fisher_p, fragility_index_walsh


@dataclass(frozen=True)
class Published:
    events1: int
    n1: int
    events2: int
    n2: int
    index: float  # as printed; NaN where the source prints "not attainable"
    p_observed: float | None = None  # two-sided Fisher P of the table, as printed
    p_digits: int | None = None  # decimals the source prints it to (None: R's default 7 significant digits)
    note_has: str | None = None  # the move the source describes, in our note's wording


CASES = {
    # Johnson K. fragilityindex: Fragility Index. R package version 0.1.0 (CRAN 2017), README
    # "Introduction", read at https://rdrr.io/cran/fragilityindex/f/README.md (identical text at
    # https://cran.rstudio.com/web/packages/fragilityindex/README.html and in
    # github.com/kippjohnson/fragilityindex README.md). Printed matrix rows 15 25 / 6 34,
    # fisher.test P 0.04060921; one more event in group 2 (7 33) gives P 0.07836101, "we can say
    # this clinical trial has a fragility index of 1". (The prose above the matrix says "5/40" for
    # group 2, but the matrix and both printed P values are for 6/40; 6/40 is used.) Hand-run
    # R fisher.test loop, i.e. Walsh's definition exactly.
    "fragilityindex_readme_15of40_vs_6of40": Published(
        15, 40, 6, 40, index=1, p_observed=0.04060921, note_has="6/40 -> 7/40"),
    # "Fragility index" (continuing-education note, Clinical scenario + Table 1 "Example of
    # calculation of the fragility index"), read at https://pmc.ncbi.nlm.nih.gov/articles/PMC10171299
    # (authors/journal not shown in the stored copy). Meyer et al. (PEITHO, tenecteplase vs placebo
    # in pulmonary embolism): death or haemodynamic decompensation 13/506 vs 28/499, study sample
    # N = 1,005; "if only 3 more patients in the intervention group had experienced the outcome,
    # the p-value would be greater than 0.05 ... if 16 patients, rather than 13 ..."; method stated
    # as Walsh's (fewest-events arm, non-event -> event, two-sided Fisher until p >= 0.05). The
    # printed p = 0.02 is the trial's own reported P (OR 0.44), not a Fisher P, so it is not checked.
    "peitho_meyer_13of506_vs_28of499": Published(
        13, 506, 28, 499, index=3, note_has="13/506 -> 16/506"),
    # Heston TF. Nonattainability of the Fragility Index. Cureus 2026;18(5):e108357,
    # doi:10.7759/cureus.108357, abstract (Results), read at
    # https://nevinmanimala.com/2026/05/08/nonattainability-of-the-fragility-index/ and
    # https://m.booksci.cn/literature/147847709.htm. Counterexample {3,0,4,11}: arm 1 has 3 events
    # and 0 non-events, arm 2 has 4 events and 11 non-events; "baseline two-sided Fisher's exact
    # p = 0.0429, the arm with fewer events is uniquely identified, but that arm has no nonevents
    # available for the required toggle; thus, no legal FI path exists". Same rule as Walsh's
    # (one-way, non-event -> event in the arm with fewer events, arm sizes fixed).
    "heston_cureus_unattainable_3of3_vs_4of15": Published(
        3, 3, 4, 15, index=np.nan, p_observed=0.0429, p_digits=4),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_published_fragility_index(case):
    r = fragility_index_walsh(case.events1, case.n1, case.events2, case.n2)
    assert r.method == "walsh_fisher"
    got = r.estimate[0]
    if np.isnan(case.index):
        assert np.isnan(got)
        assert "no number of added events" in r.note[0]
    else:
        assert got == case.index
    if case.p_observed is not None:
        p = r.p_value[0]
        if case.p_digits is None:
            assert float(f"{p:.7g}") == case.p_observed
        else:
            assert round(p, case.p_digits) == case.p_observed
    if case.note_has is not None:
        assert case.note_has in r.note[0]


def test_fragilityindex_readme_flipped_table_p():
    # Same README: the table with one more group-2 event, matrix rows 15 25 / 7 33, printed
    # fisher.test P 0.07836101 (>= 0.05, hence the index of 1).
    assert float(f"{fisher_p(15, 40, 7, 40)[0]:.7g}") == 0.07836101
