"""The bundled sample portal as an audit target: the registry's agencies served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .models import Registry
from .sample.portal import SampleAgency, build_portal
from .sample.server import SamplePortalServer

__all__ = ["SampleTarget", "sample_target"]


@dataclass(frozen=True)
class SampleTarget:
    """Where each host of the registry is served; the sample speaks plain HTTP for every scheme."""

    resolve: dict[str, tuple[str, int]]
    server: SamplePortalServer


@contextmanager
def sample_target(registry: Registry) -> Iterator[SampleTarget]:
    """Serve every agency of ``registry`` as a generated sample site until the block ends."""
    portal = build_portal([SampleAgency(a.id, a.name, a.type.value, a.url, a.extra_hosts) for a in registry.agencies])
    with SamplePortalServer(portal) as server:
        yield SampleTarget(server.resolve_map(), server)
