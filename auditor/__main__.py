"""python -m auditor: the same as the auditor command."""

from .entry import main

main()
