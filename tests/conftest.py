import os

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from ivigstats.cli import cli

# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE (default "dev"). Tests with their own
# @settings(max_examples=...) keep it; the fuzz suite (tests/fuzz) inherits the profile:
#   dev   quick local runs
#   ci    >= 10,000 fuzz cases in under two minutes on a 2-core machine (12 fuzz tests x 900)
#   long  ten times ci, for a run before a release
_COMMON = {"deadline": None, "print_blob": True,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much]}
settings.register_profile("dev", max_examples=100, **_COMMON)
settings.register_profile("ci", max_examples=900, **_COMMON)
settings.register_profile("long", max_examples=9000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def run():
    """Run the CLI in-process, as users run it (errors go through the same guard)."""
    def _run(*args, input=None):
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    return _run
