"""What fetching one host cost, counted by the Fetcher and summed by the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FetchStats"]


@dataclass
class FetchStats:
    """What fetching one host cost: requests sent, full bodies, 304s, and responses replayed from the cache."""

    requests: int = 0
    full: int = 0
    not_modified: int = 0
    replayed: int = 0

    def add(self, other: FetchStats) -> None:
        self.requests += other.requests
        self.full += other.full
        self.not_modified += other.not_modified
        self.replayed += other.replayed

    def as_dict(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "full": self.full,
            "not_modified": self.not_modified,
            "replayed": self.replayed,
        }
