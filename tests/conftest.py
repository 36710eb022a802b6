import pytest
from click.testing import CliRunner

from ivigstats.cli import cli


@pytest.fixture
def run():
    """Run the CLI in-process, as users run it (errors go through the same guard)."""
    def _run(*args, input=None):
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    return _run
