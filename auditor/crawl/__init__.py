"""Fetching: the only network code of the auditor."""

import sys

# httpx imports its own command-line client (and with it rich, click and pygments) whenever they are
# installed, as typer installs them: 88 modules and 5 MB in every worker process, which never
# prints anything. A None entry makes that import fail, and httpx falls back to a stub it ships for
# exactly that case. Only when httpx is not loaded yet: a host process that already uses it keeps it whole.
if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
