"""Labelled arrays."""
