"""mylib: load and describe datasets."""
