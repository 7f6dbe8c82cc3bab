"""run-summary.json: what later runs' history keeps of this run, written beside its results.json.

Every audit reads the runs beside its report folder (``auditor.history``), and a national run's
results.json is over 100 MB: parsing a year of them took more time and memory than the rest of the
end of an audit (``benchmarks/history.py``). The summary holds only what the history uses (the
date, each agency's score, each finding's status), and the SHA-256 and size of the results.json it
was written with. It is a cache of that file and nothing more: a summary that does not match its
results.json byte for byte, or cannot be read, is passed over and the results.json read instead;
deleting it changes nothing but the time.
"""

from __future__ import annotations

import hashlib
import json

from ..models import AuditRun
from .context import RunSummary

__all__ = ["FILENAME", "KIND", "VERSION", "render"]

FILENAME = "run-summary.json"
KIND = "auditor run summary"
VERSION = 1


def render(run: AuditRun, results: bytes) -> bytes:
    """The summary of ``run``, tied to ``results``: the bytes of the results.json written with it."""
    summary = RunSummary.of(run)
    document = {
        "kind": KIND,
        "version": VERSION,
        "results_sha256": hashlib.sha256(results).hexdigest(),
        "results_size": len(results),
        "province": run.province.id,
        "as_of": summary.as_of.isoformat(),
        "agencies": {
            agency: {
                "score": summary.scores[agency],
                "statuses": {category: status.value for category, status in summary.statuses[agency].items()},
            }
            for agency in summary.statuses
        },
    }
    # Sorted and without spaces: the same run gives the same bytes, and a national run's summary
    # stays a few megabytes.
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
