"""The caches' compressor: a kept context writes the same frames as a one-shot ``compress``."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping

import pytest

from auditor import zstd
from auditor.crawl import cache
from auditor.factcache import _COMPRESSION as FACTS_COMPRESSION

from .conftest import ROOT

PAGES = sorted((ROOT / "tests" / "data" / "newest_dates").glob("*.html"))


def _inputs() -> list[bytes]:
    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    pages = [page.read_bytes() for page in PAGES[:40]]
    noise = [rng.randbytes(size) for size in (1, 100, 5_000, 70_000)]
    # Empty, tiny, incompressible, and pages again after others: a context must carry nothing over.
    return [b"", b"a", *pages, *noise, *pages[:5], b""]


@pytest.mark.parametrize(
    ("level", "options"),
    [(cache._COMPRESSION, None), (None, FACTS_COMPRESSION)],
    ids=["http-cache bodies", "facts rows"],
)
def test_frames_are_those_of_a_one_shot_compress(level: int | None, options: Mapping[int, int] | None) -> None:
    compress = zstd.FrameCompressor(level=level, options=options)
    inputs = _inputs()
    assert len(PAGES) >= 40
    for data in inputs:
        frame = compress(data)
        assert frame == zstd.compress(data, level=level, options=options)
        assert zstd.decompress(frame) == data


def test_each_thread_has_a_context_of_its_own() -> None:
    compress = zstd.FrameCompressor(options=FACTS_COMPRESSION)
    inputs = _inputs()
    expected = [zstd.compress(data, options=FACTS_COMPRESSION) for data in inputs]
    results: dict[int, list[bytes]] = {}
    barrier = threading.Barrier(4)

    def work(index: int) -> None:
        barrier.wait()
        results[index] = [compress(data) for data in inputs]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1, 2, 3]
    assert all(frames == expected for frames in results.values())


def test_a_failed_call_leaves_the_next_frame_whole() -> None:
    compress = zstd.FrameCompressor(level=1)
    page = PAGES[0].read_bytes()
    with pytest.raises(TypeError):
        compress("not bytes")  # type: ignore[arg-type]
    assert compress(page) == zstd.compress(page, level=1)
