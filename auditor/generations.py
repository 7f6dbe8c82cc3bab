"""A bounded memo in two generations: what keeps being asked for stays, however long the run."""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["Generations"]

K = TypeVar("K")
V = TypeVar("V")


class Generations(Generic[K, V]):
    """At most ``size`` values; when the young half fills it becomes the old one and the old is dropped.

    A value asked for since the last turn is moved to the young half, so the menus and footers of
    a site keep the very same objects for the whole run: later lookups of them in dicts and sets
    find them by identity, without comparing fields. Emptying a memo when full lost them all.
    """

    def __init__(self, size: int) -> None:
        self._size = max(1, size // 2)
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        value = self._young.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        if len(self._young) >= self._size:
            self._old, self._young = self._young, {}
        self._young[key] = value

    def __len__(self) -> int:
        return len(self._young) + len(self._old)
