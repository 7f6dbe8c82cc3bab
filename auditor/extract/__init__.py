"""Extraction: HTML bytes to page facts, with no I/O."""
