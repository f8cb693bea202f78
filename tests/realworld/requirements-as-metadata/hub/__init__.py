"""A multi-user server."""
