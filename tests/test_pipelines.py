"""Shell pipelines with real processes: `| head` ends quietly, -o is atomic, exit codes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

IVIG = [sys.executable, "-m", "ivigstats"]
FORMATS = ("csv", "tsv", "json", "jsonl")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """20,000 binary rows: several MB of output, far more than a pipe buffer holds."""
    path = tmp_path_factory.mktemp("pipes") / "big.csv"
    lines = ["id,events1,n1,events2,n2"]
    lines += [f"s{i},{i % 50},{50 + i % 7},{(i * 7) % 40},{45 + i % 11}" for i in range(20_000)]
    path.write_text("\n".join(lines) + "\n")
    return path


def shell(command: str, **kw):
    return subprocess.run(["bash", "-c", "set -o pipefail; " + command], capture_output=True,
                          text=True, timeout=300, check=False, **kw)


def ivig(*args) -> str:
    return " ".join([sys.executable, "-m", "ivigstats", *args])


@pytest.mark.parametrize("fmt", FORMATS)
def test_batch_into_head_ends_quietly(big, fmt):
    result = shell(f"{ivig('batch', str(big), '-f', fmt)} | head -3")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_reader_closing_early_gives_status_0_and_no_traceback(big, fmt):
    proc = subprocess.Popen([*IVIG, "batch", str(big), "-f", fmt], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    assert first
    proc.stdout.close()
    assert proc.wait(timeout=300) == 0
    assert proc.stderr.read() == b""


@pytest.mark.parametrize("args", [
    ["binary", "40/75", "26/73"], ["continuous", "--ci", "-0.23:-0.43:-0.03:75",
                                   "0.12:-0.13:0.37:73"],
    ["rates", "62/150", "116/146"], ["ordinal", "23,40,12", "10,46,17"]])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "markdown"])
def test_immediate_into_head(args, fmt):
    result = shell(f"{ivig(*args, '-f', fmt)} | head -1")
    assert result.returncode == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


def test_piped_default_format_is_tsv_and_stdin_works(big):
    result = shell(f"head -3 {big} | {ivig('batch', '-', '--methods', 'katz_log')} | cat")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["id", "outcome", "measure"] and len(lines) == 3


def test_output_file_equals_stdout(big, tmp_path):
    out = tmp_path / "r.csv"
    a = subprocess.run([*IVIG, "batch", str(big), "-f", "csv", "-o", str(out)],
                       capture_output=True, timeout=300, check=False)
    b = subprocess.run([*IVIG, "batch", str(big), "-f", "csv"], capture_output=True,
                       timeout=300, check=False)
    assert a.returncode == b.returncode == 0 and a.stdout == b""
    assert out.read_bytes() == b.stdout


def test_failed_run_leaves_the_old_file_untouched(tmp_path):
    src = tmp_path / "bad.csv"
    rows = ["1,10,2,10"] * 300 + ["4O,10,2,10"]
    src.write_text("events1,n1,events2,n2\n" + "\n".join(rows) + "\n")
    out = tmp_path / "r.csv"
    out.write_text("previous results\n")
    result = subprocess.run([*IVIG, "batch", str(src), "--chunk-rows", "100", "-o", str(out)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 2
    assert result.stderr == (f"ivigstats: error: {src}:302: column events1: \"4O\" is not a "
                             "whole number\n")
    assert out.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "r.csv"]


def test_killed_run_never_leaves_half_a_file(big, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("previous results\n")
    proc = subprocess.Popen([*IVIG, "batch", str(big), "-f", "json", "--chunk-rows", "500",
                             "-o", str(out)], stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".ivigstats-")
                                             for p in tmp_path.iterdir()):
        time.sleep(0.01)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert out.read_text() == "previous results\n"


def test_interrupt_is_one_line_and_no_file(big, tmp_path):
    out = tmp_path / "r.csv"
    proc = subprocess.Popen([*IVIG, "batch", str(big), "-f", "json", "--chunk-rows", "500",
                             "-o", str(out)], stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".ivigstats-")
                                             for p in tmp_path.iterdir()):
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=60)
    stderr = proc.stderr.read()
    if code == 0:  # finished before the signal arrived
        assert out.exists()
        return
    assert code == 130 and stderr.strip() == "ivigstats: error: interrupted"
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, code", [
    (["batch", "--help"], 0),
    (["binary", "40/75", "26/73", "-f", "csv"], 0),
    (["batch", "/nonexistent/file.csv"], 2),
    (["binary", "80/75", "26/73"], 2),
    (["binary", "40/75", "26/73", "--format", "xml"], 2),
    (["batch"], 2),
    (["bathc", "x.csv"], 2),
])
def test_exit_codes(args, code):
    result = subprocess.run([*IVIG, *args], capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == code, result.stderr
    if code == 2:
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith("ivigstats: error: ")
        assert "Traceback" not in result.stderr


def test_skip_exits_0_and_reports_on_stderr(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("events1,n1,events2,n2\n1,10,2,10\n-1,10,2,10\n3,10,2,10\n")
    result = subprocess.run([*IVIG, "batch", str(src), "--on-error", "skip", "-f", "csv",
                             "--methods", "katz_log"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr.splitlines()[-1] == \
        "ivigstats: skipped 1 malformed row of 3 (lines 3)"


def test_path_of_repository_module_is_used():
    """The subprocesses run this working tree (editable install)."""
    import ivigstats
    assert Path(ivigstats.__file__).resolve().parents[1] == Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [
    ["summarize"], ["check"], ["trials"], ["fragility"], ["overdispersion"],
    ["pool", "fazekas1997", "ifnb1993", "--outcome", "relapse_free"],
    ["compare", "fazekas1997", "ifnb1993", "--outcome", "relapse_free"],
    ["convert", "ci", "-0.13", "0.37", "--n", "73"]])
def test_every_result_command_into_head_ends_quietly(args):
    # status 0 (check: its own 0, the embedded trial has no error-level finding), no traceback
    result = shell(f"{ivig(*args, '-f', 'tsv')} | head -1")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("args", [["summarize", "-"], ["check", "-"]])
def test_stdin_dash_reads_a_trial(args):
    text = (Path(__file__).resolve().parents[1] / "examples" / "fazekas1997.json").read_text()
    result = subprocess.run([*IVIG, *args, "-f", "json"], input=text, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert '"fazekas1997"' in result.stdout
