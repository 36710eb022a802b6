"""Forest plots: the terminal plot's key elements (one line per row, the null line, markers,
log axis ticks) and the image files (valid SVG / PNG of sensible size), not pixels."""

import io
import struct
import sys
import xml.etree.ElementTree as ET

import pytest

from ivigstats import plot
from ivigstats.commands.pool import study_effects
from ivigstats.errors import InputError
from ivigstats.several import pool_blocks


@pytest.fixture(scope="module")
def pooled():
    effects = study_effects(["fazekas1997", "ifnb1993"], "relapse_free", None, None, 0.95)
    return pool_blocks(effects)


def _lines(blocks, weights=None):
    out = io.StringIO()
    plot.forest_plot(blocks, out, weights=weights, width=100)
    return out.getvalue().splitlines()


def test_terminal_plot_has_a_line_per_study_and_pooled_row_and_the_null_line(pooled):
    blocks, weights = pooled
    lines = _lines(blocks, weights)
    assert lines[0] == "risk_ratio (log scale)"
    study = [x for x in lines if x.startswith(("fazekas1997:", "ifnb1993:"))]
    assert len(study) == 2
    pooled_lines = [x for x in lines if "◆" in x]
    assert {x.split("  ")[0] for x in pooled_lines} == {
        "fixed effect", "mantel haenszel", "dersimonian laird", "reml"}
    rows = study + pooled_lines + [x for x in lines if "prediction" in x]
    # the null line: one column holding │ (or ┼ where an interval crosses 1) in every row,
    # and the axis has 1 as a tick under it
    axis = lines[len(rows) + 1]
    null = axis.index("┼")
    assert all(r[null] in "│┼─┄" for r in rows)
    assert sum(r[null] == "│" for r in rows) >= 1
    assert lines[len(rows) + 2][null] == "1"
    # heterogeneity rows (tau2, I2, Q) are not drawn
    assert not any(x.startswith(("tau2", "i2", "cochran")) for x in lines)


def test_markers_sized_by_weight(pooled):
    blocks, weights = pooled
    lines = _lines(blocks, weights)
    heavy, light = (x for x in lines if x.startswith(("fazekas1997:", "ifnb1993:")))
    assert "■" in heavy and "■" not in light  # Fazekas 1997 carries 65% of the weight


def test_difference_scale_has_null_at_zero_and_arrows_off_axis():
    import numpy as np

    from ivigstats.rows import block_from_result
    from ivigstats.stats.result import Result
    res = Result("mean_difference", "welch", 0.95, estimate=np.array([-0.3, 0.2]),
                 conf_low=np.array([-0.6, -np.inf]), conf_high=np.array([0.0, 0.5]))
    lines = _lines([block_from_result(res, outcome="x", arms=["a vs b", "c vs d"])])
    assert lines[0] == "mean_difference"
    assert "◀" in lines[2]
    assert "0" in lines[-1].split()


def test_nothing_drawn_without_intervals():
    import numpy as np

    from ivigstats.rows import block_from_result
    from ivigstats.stats.result import Result
    res = Result("test", "pearson_chi2", 0.95, statistic=np.array([3.0]),
                 p_value=np.array([0.08]))
    assert _lines([block_from_result(res, outcome="x", arms="a vs b")]) == []


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_svg_and_png_images(pooled, tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    blocks, weights = pooled
    svg, png = tmp_path / "forest.svg", tmp_path / "forest.png"
    plot.forest_image(blocks, str(svg), weights=weights, title="relapse-free")
    plot.forest_image(blocks, str(png), weights=weights)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert 5_000 < svg.stat().st_size < 2_000_000
    width, height = _png_size(png)
    assert 400 <= width <= 4000 and 200 <= height <= 4000
    assert 5_000 < png.stat().st_size < 2_000_000
    assert not list(tmp_path.glob(".ivigstats-*"))  # no temporary file left behind


def test_cli_writes_image_for_pool_and_compare(run, tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    out = tmp_path / "pool.svg"
    res = run("pool", "fazekas1997", "ifnb1993", "--outcome", "relapse_free", "-f", "csv",
              "--plot", str(out))
    assert res.exit_code == 0 and ET.parse(out).getroot().tag.endswith("svg")
    out = tmp_path / "compare.png"
    res = run("compare", "fazekas1997", "ifnb1993", "--outcome", "relapse_free", "-f", "csv",
              "--plot", str(out))
    assert res.exit_code == 0 and _png_size(out)[0] >= 400


def test_cli_terminal_plot_follows_the_table(run):
    res = run("compare", "fazekas1997", "ifnb1993", "--outcome", "relapse_free",
              "-f", "markdown", "--plot")
    assert res.exit_code == 0
    tail = res.output.split("Caveats:")[1]
    assert "risk_ratio (log scale)" in tail and tail.count("◆") == 0 and "■" in tail


def test_missing_matplotlib_is_one_clear_error(pooled, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(InputError, match=r"pip install 'ivigstats\[plot\]'"):
        plot.forest_image(pooled[0], str(tmp_path / "x.svg"))
    assert not (tmp_path / "x.svg").exists()


def test_summarize_rows_plot_one_panel_per_measure_with_outcome_labels():
    from ivigstats.analysis import summarize_trial
    from ivigstats.trial import load_embedded
    lines = _lines(summarize_trial(load_embedded("fazekas1997")))
    panels = [x for x in lines if x and not x[0].isspace() and "(" not in x or
              x.endswith("(log scale)")]
    assert {"mean_difference", "risk_ratio (log scale)", "probability_index"} <= set(panels)
    assert any(x.startswith("relapse_free: ivig vs placebo (katz_log)") for x in lines)
    # a probability index has no effect at 0.5: its null line sits over the 0.5 tick
    i = lines.index("probability_index")
    axis, ticks = lines[i + 2], lines[i + 3]
    null = axis.index("┼")
    assert lines[i + 1][null] in "│┼" and ticks[null - 1:null + 2] == "0.5"
