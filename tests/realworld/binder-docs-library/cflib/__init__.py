"""CF attributes."""
