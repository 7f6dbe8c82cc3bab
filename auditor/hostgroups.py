"""Agencies whose crawl scopes share a host, grouped: each group must be crawled by one process."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .models import Agency

__all__ = ["host_groups"]


def host_groups(agencies: Sequence[Agency]) -> list[list[Agency]]:
    """Groups of connected agencies, each sorted by id, the groups sorted by their first id.

    Two agencies are connected when both register one host, or when a host of one is a subdomain of
    the other's own host (which is in that other's scope). Politeness limits hold per host within
    one process, so whatever splits an audit across processes or machines must keep a group whole.
    """
    ordered = sorted(agencies, key=lambda a: a.id)
    parent = list(range(len(ordered)))
    for i, j in _links(ordered):
        parent[_root(parent, i)] = _root(parent, j)
    groups: dict[int, list[Agency]] = {}  # filled in id order: groups come out by their first id
    for i, agency in enumerate(ordered):
        groups.setdefault(_root(parent, i), []).append(agency)
    return list(groups.values())


def _hosts_of(agency: Agency) -> set[str]:
    scope = agency.hosts
    return {*scope.hosts, scope.own_host} - {""}


def _links(ordered: Sequence[Agency]) -> Iterator[tuple[int, int]]:
    """Pairs of positions in ``ordered`` whose scopes overlap; every overlap is reached by some chain of pairs."""
    first: dict[str, int] = {}  # a registered host → the first agency that lists it
    own: dict[str, int] = {}  # an agency's own host, whose subdomains are in its scope too
    for i, agency in enumerate(ordered):
        for host in _hosts_of(agency):
            first.setdefault(host, i)
        if agency.hosts.own_host:
            own.setdefault(agency.hosts.own_host, i)
    for i, agency in enumerate(ordered):
        for host in _hosts_of(agency):
            yield i, first[host]
            yield from ((i, own[d]) for d in _parent_domains(host) if d in own)


def _parent_domains(host: str) -> Iterator[str]:
    """``a.b.gov.vn`` → ``b.gov.vn``, ``gov.vn``: never the host itself nor a bare top-level label."""
    labels = host.split(".")
    for k in range(1, len(labels) - 1):
        yield ".".join(labels[k:])


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving: later look-ups stay short
        i = parent[i]
    return i
