"""`audit --shard K/N` and `merge`: shards of the sample audit merge into the unsharded run, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.config import load_registry
from auditor.demo import sample_target
from auditor.errors import ConfigError
from auditor.shard import parse_shard, select_shard

from .conftest import ROOT, CliResult, subset_sites

AGENCIES = ("ninhhai", "sgtvt", "thuannam")  # no robots Crawl-delay: quick to crawl


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
