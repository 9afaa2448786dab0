"""Discover files, run the per-file function on an engine, assemble across reports."""
