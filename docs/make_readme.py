"""Refresh the example outputs in README.md and docs/guide/*.md from real runs.

A block in those files written as

    <!-- output: summarize -f table -->
    ```text
    ...
    ```
    <!-- /output -->

is replaced by ``$ ivigstats summarize -f table`` and what that command prints (in-process, not
on a terminal, so tables are 120 columns wide). tests/test_docs.py checks that every block is
current, so the docs never show output the code no longer gives (shell pipelines in the guides
are written as plain blocks and are not refreshed). Run from the repository root:
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


def documents() -> list[Path]:
    """README.md and the guides: every file with output blocks."""
    return [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for path in documents():
        path.write_text(refreshed(path.read_text()))
        print("refreshed", len(BLOCK.findall(path.read_text())), "output blocks in",
              path.relative_to(ROOT))
