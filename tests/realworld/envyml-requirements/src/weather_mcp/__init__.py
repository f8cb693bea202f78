"""Weather helpers (placeholder module of the trimmed tree)."""
