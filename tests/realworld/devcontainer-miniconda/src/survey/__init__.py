"""Survey tools."""
