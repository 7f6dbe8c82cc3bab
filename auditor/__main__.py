"""python -m auditor: the same as the auditor command."""

from .cli import main

main()
