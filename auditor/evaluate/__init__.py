"""Evaluation: page facts and rules to findings, with no I/O."""
