"""Throughput and memory benchmarks of the auditor against a reference crawler; run with ``python -m benchmarks.run``."""
