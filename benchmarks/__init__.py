"""Throughput and memory benchmarks of the auditor against a reference crawler (``python -m benchmarks.run``)."""
