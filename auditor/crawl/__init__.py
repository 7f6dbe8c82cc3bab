"""Fetching: the only network code of the auditor."""
