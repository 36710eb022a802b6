"""Docs that cannot drift: METHODS.md is generated from the registry; every command is in
README and has help text with an example."""

import re
import runpy
from pathlib import Path

import pytest

from ivigstats.cli import COMMANDS, LazyGroup, cli

ROOT = Path(__file__).resolve().parents[1]


def test_methods_md_is_up_to_date():
    module = runpy.run_path(str(ROOT / "docs" / "make_methods.py"))
    assert (ROOT / "docs" / "METHODS.md").read_text() == module["methods_md"](), \
        "run: python docs/make_methods.py"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_documented(name):
    command = LazyGroup.get_command(cli, None, name)
    assert command.help and len(command.help) > 40
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"ivigstats {name}\b", readme), f"README does not show `ivigstats {name}`"


def test_readme_documents_every_output_column():
    from ivigstats.rows import COLUMNS
    readme = (ROOT / "README.md").read_text()
    for column in COLUMNS:
        assert f"`{column}`" in readme, column


def test_readme_outputs_are_real_and_current():
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_readme", ROOT / "docs" / "make_readme.py")
    make_readme = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_readme)
    readme = (ROOT / "README.md").read_text()
    assert make_readme.BLOCK.search(readme), "README shows no real output"
    for path in make_readme.documents():
        text = path.read_text()
        assert make_readme.refreshed(text) == text, f"{path.name}: run python docs/make_readme.py"
