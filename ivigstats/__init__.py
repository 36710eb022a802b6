"""ivigstats: recompute a clinical trial's statistics from its arm-level numbers."""

__version__ = "0.1.0"
