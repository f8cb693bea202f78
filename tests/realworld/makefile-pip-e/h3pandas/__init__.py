"""Integration of H3 and GeoPandas (placeholder module of the trimmed tree)."""
__version__ = "0.3.0"
