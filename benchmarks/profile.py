"""Summarise py-spy's collapsed stacks (``--format raw``): where the auditor's CPU time goes, as Markdown."""

from __future__ import annotations

import re
import sys
from collections import Counter

__all__ = ["summarise_profile"]

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
TOP = 15


def _package(path: str) -> str:
    """A readable owner for a source file as py-spy shortens it: an auditor module, a package, the stdlib."""
    if path.startswith("<frozen"):
        return "import machinery"
    top = path.split("/", 1)[0].removesuffix(".py")
    if top == "auditor":
        return path.removesuffix(".py").replace("/", ".")
    if top in sys.stdlib_module_names:
        return f"stdlib {top}"
    return top


def _frames(stack: str) -> list[tuple[str, str]]:
    frames = []
    for raw in stack.split(";"):
        match = _FRAME.match(raw.strip())
        if match and match["file"]:
            frames.append((match["func"], match["file"]))
    return frames


def summarise_profile(raw: str) -> str:
    """Self time by owner and by function, and inclusive time of the auditor's own functions."""
    total = 0
    self_owner: Counter[str] = Counter()
    self_func: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = _frames(stack)
        if not frames:
            continue
        total += count
        func, path = frames[-1]
        self_owner[_package(path)] += count
        self_func[f"{func} ({_package(path)})"] += count
        for name in {f"{f} ({_package(p)})" for f, p in frames if "auditor" in _package(p)}:
            inclusive[name] += count
    if not total:
        return "No samples were recorded."

    def table(title: str, counter: Counter[str]) -> list[str]:
        rows = [f"| {title} | share of samples |", "|---|---:|"]
        rows += [f"| `{name}` | {count / total:.1%} |" for name, count in counter.most_common(TOP)]
        return rows

    return "\n".join(
        [
            f"{total:,} samples (CPU only: py-spy leaves out threads waiting on I/O).",
            "",
            *table("inclusive: auditor function (module)", inclusive),
            "",
            *table("self time: owner of the running code", self_owner),
            "",
            *table("self time: function (owner)", self_func),
        ]
    )
