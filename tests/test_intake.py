"""Intake: a process takes shared sites while it has fewer than its floor, or CPU to spare; never one twice."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from contextlib import ExitStack

from auditor.models import Agency
from auditor.workers import INTAKE_TICK, MIN_BUSY, SPARE_CPU, Intake, SharedSites

from .conftest import make_agency


def _shared(count: int) -> SharedSites:
    groups = tuple((make_agency(f"s{i:03}", f"https://s{i:03}.gov.vn/"),) for i in range(count))
    return SharedSites(groups, multiprocessing.get_context("spawn").Value("q", 0))


class _Meter:
    """A loop's clock and CPU clock, moved by hand: ``busy`` of each second passing is CPU."""

    def __init__(self) -> None:
        self.now = 0.0
        self.used = 0.0

    def clock(self) -> float:
        return self.now

    def cpu(self) -> float:
        return self.used

    def run(self, seconds: float, busy: float) -> None:
        self.now += seconds
        self.used += seconds * busy


async def _taken_at_once(intake: Intake, most: int, crawling: ExitStack) -> list[tuple[Agency, ...]]:
    """Groups ``take`` gives without waiting a tick, up to ``most``, each crawled until ``crawling`` closes."""
    taken: list[tuple[Agency, ...]] = []
    for _ in range(most):
        try:
            async with asyncio.timeout(INTAKE_TICK / 2):
                group = await intake.take()
        except TimeoutError:
            break
        if group is None:
            break
        taken.append(group)
        crawling.enter_context(intake.crawling())
    return taken


def test_below_its_floor_a_process_takes_at_once_however_busy() -> None:
    async def scenario() -> int:
        meter = _Meter()
        intake = Intake(_shared(10), floor=3, clock=meter.clock, cpu=meter.cpu)
        meter.run(1.0, busy=1.0)
        with ExitStack() as crawling:
            return len(await _taken_at_once(intake, 10, crawling))

    assert asyncio.run(scenario()) == 3


def test_by_default_a_busy_process_keeps_one_site_going_and_takes_no_second() -> None:
    # The pipeline's intake: extra sites would not be crawled faster by a busy process, and would
    # leave another process idle at the end of the run while this one finishes them.
    async def scenario() -> list[int]:
        meter = _Meter()
        intake = Intake(_shared(10), clock=meter.clock, cpu=meter.cpu)
        with ExitStack() as crawling:
            counts = [len(await _taken_at_once(intake, 10, crawling))]
            meter.run(1.0, busy=SPARE_CPU)
            counts.append(len(await _taken_at_once(intake, 10, crawling)))
        # Done with it: the next one at once, busy or not.
        counts.append(len(await _taken_at_once(intake, 10, ExitStack())))
        return counts

    assert asyncio.run(scenario()) == [1, 0, 1]


def test_a_busy_process_takes_no_more_until_a_site_is_done() -> None:
    async def scenario() -> tuple[int, float, int]:
        meter = _Meter()
        shared = _shared(10)
        intake = Intake(shared, floor=2, clock=meter.clock, cpu=meter.cpu)
        with intake.crawling(), intake.crawling():
            meter.run(1.0, busy=0.95)  # above SPARE_CPU: no room
            assert await _taken_at_once(intake, 10, ExitStack()) == []
            waiting = asyncio.create_task(intake.take())
            await asyncio.sleep(INTAKE_TICK * 3)
            assert not waiting.done()
            started = time.monotonic()
        # A site is done: the waiting take has its room at once, not at its next tick.
        group = await waiting
        assert group is not None
        return len(group), time.monotonic() - started, shared.groups.index(group)

    size, waited, index = asyncio.run(scenario())
    assert (size, index) == (1, 0)
    assert waited < INTAKE_TICK / 2


def test_spare_cpu_is_filled_with_as_many_sites_as_it_would_feed() -> None:
    async def scenario(busy: float) -> int:
        meter = _Meter()
        intake = Intake(_shared(500), floor=4, clock=meter.clock, cpu=meter.cpu)
        with ExitStack() as crawling:
            assert len(await _taken_at_once(intake, 4, crawling)) == 4  # the floor
            meter.run(1.0, busy)
            return len(await _taken_at_once(intake, 500, crawling))

    # Four sites using 0.4 of a core leave room for four more at SPARE_CPU, 0.2 for twelve.
    assert asyncio.run(scenario(SPARE_CPU / 2)) == 4
    assert asyncio.run(scenario(SPARE_CPU / 4)) == 12
    # Just below SPARE_CPU: one; an idle loop (sites waiting out their delays): a lot more.
    assert asyncio.run(scenario(SPARE_CPU * 0.99)) == 1
    assert asyncio.run(scenario(0.0)) == int(4 * (SPARE_CPU / MIN_BUSY - 1))
    # At SPARE_CPU or above: none.
    assert asyncio.run(scenario(SPARE_CPU)) == 0


def test_room_is_measured_again_each_tick() -> None:
    async def scenario() -> list[int]:
        meter = _Meter()
        intake = Intake(_shared(100), floor=1, clock=meter.clock, cpu=meter.cpu)
        with ExitStack() as crawling:
            counts = [len(await _taken_at_once(intake, 100, crawling))]
            for busy in (0.2, 0.9, 0.9, 0.5):
                meter.run(1.0, busy)
                counts.append(len(await _taken_at_once(intake, 100, crawling)))
            # Less than a tick since the last measure: nothing new is granted.
            meter.run(INTAKE_TICK / 2, 0.0)
            counts.append(len(await _taken_at_once(intake, 100, crawling)))
            return counts

    # Running 1, then 1 + 3 = 4 at 0.9 (none), then 4 at 0.5: int(4 × 0.6) = 2 more.
    assert asyncio.run(scenario()) == [1, 3, 0, 0, 2, 0]


def test_what_a_measure_allowed_lapses_at_the_next_tick() -> None:
    async def scenario() -> list[int]:
        meter = _Meter()
        intake = Intake(_shared(100), floor=1, clock=meter.clock, cpu=meter.cpu)
        with ExitStack() as crawling:
            counts = [len(await _taken_at_once(intake, 1, crawling))]  # the floor
            meter.run(1.0, 0.1)  # room for 7 more: take only 2 of them now
            counts.append(len(await _taken_at_once(intake, 2, crawling)))
            meter.run(1.0, 0.9)  # busy now: the 5 left are not taken
            counts.append(len(await _taken_at_once(intake, 100, crawling)))
            return counts

    assert asyncio.run(scenario()) == [1, 2, 0]


def test_a_waiting_take_ends_once_another_process_took_the_last_group() -> None:
    async def scenario() -> tuple[tuple[Agency, ...] | None, float]:
        meter = _Meter()
        shared = _shared(2)
        intake = Intake(shared, floor=1, clock=meter.clock, cpu=meter.cpu)
        with intake.crawling():
            meter.run(1.0, busy=1.0)
            waiting = asyncio.create_task(intake.take())
            await asyncio.sleep(0)
            # Another process (here: the same shared counter) takes both groups.
            assert [shared.take() for _ in range(2)] == list(shared.groups)
            started = time.monotonic()
            group = await waiting
            return group, time.monotonic() - started

    group, waited = asyncio.run(scenario())
    assert group is None
    assert waited < INTAKE_TICK * 3


def test_a_busy_process_leaves_the_shared_sites_to_an_idle_one() -> None:
    async def crawl(intake: Intake, seconds: float, taken: list[str]) -> None:
        while (group := await intake.take()) is not None:
            with intake.crawling():
                taken.extend(a.id for a in group)
                await asyncio.sleep(seconds)

    async def scenario() -> tuple[list[str], list[str]]:
        shared = _shared(40)
        busy, idle = _Meter(), _Meter()
        intakes = (
            Intake(shared, floor=1, clock=busy.clock, cpu=busy.cpu),
            Intake(shared, floor=1, clock=idle.clock, cpu=idle.cpu),
        )
        taken: tuple[list[str], list[str]] = ([], [])

        async def clocks() -> None:
            while shared.left():
                busy.run(INTAKE_TICK, 1.0)
                idle.run(INTAKE_TICK, 0.05)
                await asyncio.sleep(0.01)

        runners = [crawl(intakes[i], 0.05, taken[i]) for i in (0, 1) for _ in range(8)]
        await asyncio.gather(clocks(), *runners)
        return taken

    on_busy, on_idle = asyncio.run(scenario())
    assert sorted(on_busy + on_idle) == [f"s{i:03}" for i in range(40)]  # each once
    # The busy one crawls one site at a time (its floor), the idle one eight (its turns).
    assert 4 * len(on_busy) <= len(on_idle)
