"""The statistics core: pure, vectorised functions over numpy arrays.

Nothing here imports click or rich, reads files or prints. Every public function takes
scalars or equal-length arrays and returns a :class:`~ivigstats.stats.result.Result`.
"""
