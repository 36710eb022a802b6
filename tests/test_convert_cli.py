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
