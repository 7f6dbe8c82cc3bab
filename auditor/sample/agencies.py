"""The agencies of sites.yaml as the sample needs them: id, name, type and host names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = ["SampleAgency", "load_agencies", "short_name"]


@dataclass(frozen=True)
class SampleAgency:
    """One registered agency site."""

    id: str
    name: str
    type: str
    url: str
    extra_hosts: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        """Lower-case host name of the registered URL."""
        return (urlsplit(self.url).hostname or "").lower()


def load_agencies(path: str | Path) -> list[SampleAgency]:
    """Read the agencies of a sites.yaml (only the fields the sample uses)."""
    with Path(path).open(encoding="utf-8") as handle:
        data: Any = yaml.safe_load(handle)
    return [
        SampleAgency(
            id=str(entry["id"]),
            name=str(entry["name"]),
            type=str(entry["type"]),
            url=str(entry["url"]),
            extra_hosts=tuple(str(h).lower() for h in entry.get("extra_hosts") or ()),
        )
        for entry in data["agencies"]
    ]


def short_name(agency: SampleAgency) -> str:
    """How the agency names itself in running text ("Sở Tài chính", "UBND huyện Ninh Hải")."""
    if agency.type == "provincial_portal":
        return "UBND tỉnh Ninh Thuận"
    if agency.type == "district":
        return agency.name.replace("Ủy ban nhân dân", "UBND")
    if agency.id == "mttq":
        return "Ủy ban MTTQ Việt Nam tỉnh"
    return agency.name
