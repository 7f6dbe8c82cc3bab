"""The auditor test suite."""
