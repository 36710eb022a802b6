"""One module per command group; each imports click only at module level."""
