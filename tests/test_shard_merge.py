"""`audit --shard K/N` and `merge`: shards of the sample audit merge into the unsharded run, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.config import load_registry
from auditor.demo import sample_target
from auditor.errors import ConfigError
from auditor.hostgroups import host_groups
from auditor.models import Agency, Province, Registry
from auditor.shard import parse_shard, select_shard

from .conftest import ROOT, CliResult, make_agency, subset_sites

AGENCIES = ("ninhhai", "sgtvt", "thuannam")  # no robots Crawl-delay: quick to crawl
PROVINCE = Province("tinh", "Tỉnh")
# By position in id order (docs, portal, s0…s6, stc, sub) two shards would split both pairs that share a host.
SHARED = (
    make_agency("portal", "https://www.tinh.gov.vn/", "tinh.gov.vn", "vbpq.tinh.gov.vn"),
    make_agency("docs", "https://vbpq.tinh.gov.vn/"),  # the portal registers this host too
    make_agency("sub", "https://tin.stc.tinh.gov.vn/"),  # a subdomain of stc's own host: in stc's scope
    make_agency("stc", "https://stc.tinh.gov.vn/"),
    *(make_agency(f"s{i}", f"https://s{i}.tinh.gov.vn/") for i in range(7)),
)


def test_shards_merge_into_the_unsharded_run_byte_for_byte(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    sites = subset_sites(tmp_path, AGENCIES)
    registry = load_registry(sites)
    with sample_target(registry) as target:
        connect = [f"--connect-to={host}={addr}:{port}" for host, (addr, port) in target.resolve.items()]
        common = [
            "--sites", str(sites), "--rules", str(ROOT / "rules"), "--as-of", "2026-11-01", "--quiet", "--no-cache",
            "--plain-http", "--delay", "0", "--per-host-concurrency", "4", *connect,
        ]  # fmt: skip
        full = tmp_path / "a" / "run"
        assert run_cli("audit", *common, "--out", str(full)).code == 0
        shards = [tmp_path / f"shard{k}" / "run" for k in (1, 2)]
        for k, out in enumerate(shards, start=1):
            result = run_cli("audit", *common, "--shard", f"{k}/2", "--out", str(out))
            assert result.code == 0, result.stderr
    merged = tmp_path / "b" / "run"
    result = run_cli("merge", *(str(s) for s in shards), "--out", str(merged), "--quiet")
    assert result.code == 0, result.stderr
    names = sorted(p.name for p in full.iterdir())
    assert names == sorted(p.name for p in merged.iterdir())
    for name in names:
        assert (full / name).read_bytes() == (merged / name).read_bytes(), name


def test_overlapping_shards_are_refused(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    source = ROOT / "tests" / "golden" / "vi.results.json"
    result = run_cli("merge", str(source), str(source), "--out", str(tmp_path / "m"))
    assert result.code == 2
    assert "shards must not overlap" in result.stderr
    assert not (tmp_path / "m").exists()


def test_the_partition_covers_every_agency_once() -> None:
    registry = load_registry(ROOT / "sites.yaml")
    parts = [select_shard(registry, k, 5).agencies for k in range(1, 6)]
    ids = [a.id for part in parts for a in part]
    assert sorted(ids) == sorted(a.id for a in registry.agencies)
    assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1


@pytest.mark.parametrize("bad", ["0/3", "4/3", "1", "a/b", "2/0"])
def test_bad_shard_is_a_usage_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not a shard"):
        parse_shard(bad)


def _shards(registry: Registry, shards: int) -> list[tuple[Agency, ...]]:
    return [select_shard(registry, k, shards).agencies for k in range(1, shards + 1)]


def _overlap(a: Agency, b: Agency) -> bool:
    """Whether one agency's crawl may fetch a host the other registers: its scope holds that host."""
    return any(h in b.hosts for h in a.hosts.hosts) or any(h in a.hosts for h in b.hosts.hosts)


@pytest.mark.parametrize("shards", range(1, 6))
def test_agencies_sharing_a_host_share_a_shard(shards: int) -> None:
    shard_of = {a.id: k for k, part in enumerate(_shards(Registry(PROVINCE, SHARED), shards)) for a in part}
    assert shard_of["docs"] == shard_of["portal"]
    assert shard_of["stc"] == shard_of["sub"]


@pytest.mark.parametrize("shards", range(1, 6))
def test_shards_are_disjoint_cover_the_registry_and_ignore_its_order(shards: int) -> None:
    registry = Registry(PROVINCE, SHARED, source="sites.yaml")
    parts = _shards(registry, shards)
    ids = [a.id for part in parts for a in part]
    assert len(ids) == len(set(ids)) == len(SHARED)
    assert set(ids) == {a.id for a in SHARED}
    assert all(list(part) == sorted(part, key=lambda a: a.id) for part in parts)
    first = select_shard(registry, 1, shards)
    assert (first.province, first.source) == (PROVINCE, "sites.yaml")
    assert _shards(Registry(PROVINCE, SHARED[::-1]), shards) == parts


@pytest.mark.parametrize("shards", range(1, 6))
def test_without_shared_hosts_shard_k_is_every_nth_agency_by_id(shards: int) -> None:
    agencies = tuple(make_agency(f"s{i:02}", f"https://s{i:02}.tinh.gov.vn/") for i in range(11))
    parts = _shards(Registry(PROVINCE, agencies[::-1]), shards)
    assert parts == [agencies[k::shards] for k in range(shards)]


def test_the_real_registry_is_still_dealt_by_position() -> None:
    registry = load_registry(ROOT / "sites.yaml")
    assert all(len(g) == 1 for g in host_groups(registry.agencies))  # else this is not the old rule's case
    ordered = tuple(sorted(registry.agencies, key=lambda a: a.id))
    assert _shards(registry, 5) == [ordered[k::5] for k in range(5)]


def test_shards_stay_balanced_within_the_largest_group() -> None:
    portal = make_agency("portal", "https://tinh.gov.vn/", "sct.gov.vn", "snv.gov.vn", "sxd.gov.vn")
    agencies = (portal, *(make_agency(n, f"https://{n}.gov.vn/") for n in ("sct", "snv", "sxd", "a", "b", "c", "d")))
    registry = Registry(PROVINCE, agencies)
    # In id order: the singletons a…d, then {portal, sct, snv, sxd} whole to the emptiest shard.
    assert [[a.id for a in part] for part in _shards(registry, 3)] == [
        ["a", "d"],
        ["b", "portal", "sct", "snv", "sxd"],
        ["c"],
    ]
    for shards in range(1, 6):
        sizes = [len(part) for part in _shards(registry, shards)]
        assert max(sizes) - min(sizes) <= 4


_HOSTS = ("t.gov.vn", "a.t.gov.vn", "b.t.gov.vn", "x.a.t.gov.vn", "c.gov.vn", "d.gov.vn", "e.gov.vn", "f.gov.vn")
_SCOPES = st.lists(st.tuples(st.sampled_from(_HOSTS), st.lists(st.sampled_from(_HOSTS), max_size=2)), max_size=12)


@given(scopes=_SCOPES, shards=st.integers(1, 5))
def test_no_host_is_in_the_scope_of_two_shards(scopes: list[tuple[str, list[str]]], shards: int) -> None:
    agencies = tuple(make_agency(f"s{i:02}", f"https://{own}/", *extra) for i, (own, extra) in enumerate(scopes))
    parts = _shards(Registry(PROVINCE, agencies), shards)
    assert sorted(a.id for part in parts for a in part) == [a.id for a in agencies]
    for k, part in enumerate(parts):
        others = [b for other in parts[k + 1 :] for b in other]
        assert not any(_overlap(a, b) for a in part for b in others)
    sizes = [len(part) for part in parts]
    assert max(sizes) - min(sizes) <= max((len(g) for g in host_groups(agencies)), default=0)
