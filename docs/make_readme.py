"""Refresh the example outputs in README.md from real runs.

A block in README.md written as

    <!-- output: summarize -f table -->
    ```text
    ...
    ```
    <!-- /output -->

is replaced by ``$ ivigstats summarize -f table`` and what that command prints (in-process, not
on a terminal, so tables are 120 columns wide). tests/test_docs.py checks that every block is
current, so README never shows output the code no longer gives. Run from the repository root:
``python docs/make_readme.py``.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- output: (?P<args>.+?) -->\n```text\n.*?```\n<!-- /output -->", re.DOTALL)


def run(args: str) -> str:
    from click.testing import CliRunner

    from ivigstats.cli import cli

    result = CliRunner().invoke(cli, shlex.split(args), catch_exceptions=False)
    text = result.output  # stdout and stderr as a terminal shows them
    text = "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")
    return f"$ ivigstats {args}\n{text}\n"


def refreshed(readme: str) -> str:
    return BLOCK.sub(lambda m: f"<!-- output: {m['args']} -->\n```text\n{run(m['args'])}```\n"
                               "<!-- /output -->", readme)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    path = ROOT / "README.md"
    path.write_text(refreshed(path.read_text()))
    print("refreshed", len(BLOCK.findall(path.read_text())), "output blocks in README.md")
