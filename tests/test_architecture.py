"""Structural promises: a pure core, a light start-up, one registry."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ivigstats import methods

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "ivigstats" / "stats").glob("*.py")),
                         ids=lambda p: p.name)
def test_core_never_imports_cli_or_rendering(path):
    bad = {n for n in _imports(path) if n.split(".")[0] in ("click", "rich")
           or n.startswith(("ivigstats.cli", "ivigstats.render", "ivigstats.commands"))}
    assert not bad, f"{path.name} imports {bad}"


def _modules_after(args: list[str]) -> set[str]:
    code = ("import sys\nfrom ivigstats.cli import cli\n"
            "try:\n    cli.main(args=sys.argv[1:], prog_name='ivigstats')\n"
            "except SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=60, check=False)
    return set(out.stderr.split())


def test_help_imports_no_numpy_scipy_or_rich():
    loaded = _modules_after(["--help"])
    assert "click" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("numpy", "scipy", "rich")}


def test_summarize_json_does_not_import_scipy_stats_or_rich():
    loaded = _modules_after(["summarize", "--format", "json"])
    assert "scipy.special" in loaded
    assert "scipy.stats" not in loaded
    assert not {m for m in loaded if m.startswith("rich")}


def test_every_registered_function_exists_and_names_its_method():
    for m in methods.REGISTRY:
        func = m.load()
        assert func.__doc__ and "References" in func.__doc__, m.key
        suffix = m.method if m.measure in ("test", "sd", "rate") else m.key.replace("/", "_")
        suffix = suffix.replace(".", "_")  # quasi_poisson_phi1.5 -> ..._phi1_5
        if m.measure not in ("sd", "rate"):
            assert m.function.endswith(":" + suffix), m.key


def test_registry_keys_unique():
    keys = [(m.kind, m.key) for m in methods.REGISTRY]
    assert len(keys) == len(set(keys))


def test_methods_selection():
    assert methods.select("binary", "katz_log")[0].key == "risk_ratio/katz_log"
    assert {m.key for m in methods.select("binary", "risk_difference")} >= \
        {"risk_difference/wald", "risk_difference/newcombe"}
    assert methods.select("binary", "welch") == []  # a valid method of another kind
    with pytest.raises(ValueError, match="unknown method 'wlech'"):
        methods.select("binary", "wlech")
    assert all(m.default for m in methods.select("count"))
    assert len(methods.select("binary", "all")) == len([m for m in methods.REGISTRY
                                                        if m.kind == "binary"])
