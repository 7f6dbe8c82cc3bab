"""The auditor's exceptions, one tree so the CLI can map each branch to an exit code.

    AuditorError                 anything the auditor raises on purpose
    ├── ConfigError              bad user input: sites.yaml, rules/, flags (exit code 2)
    └── OutputError              a report could not be written (exit code 2)

Failures of the sites being audited are never exceptions: they are data (status ``unknown``
with a reason), so one broken site cannot stop the audit of the others.
"""

from __future__ import annotations

__all__ = ["AuditorError", "ConfigError", "OutputError"]


class AuditorError(Exception):
    """Base of every error the auditor raises on purpose."""


class ConfigError(AuditorError):
    """Invalid input, located as precisely as possible: file, line and key."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, key: str = ""):
        self.path = path
        self.line = line
        self.key = key
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.key) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class OutputError(AuditorError):
    """A report folder or file could not be written."""
