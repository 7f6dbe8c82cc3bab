"""Auditing groups of sites in worker processes, one event loop each, so every core crawls and parses."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from typing import Any, Generic, Protocol, TypeVar

from . import gctune
from .hostgroups import host_groups
from .models import Agency, CrawlSettings, Scorecard
from .prestart import MAX_DEFAULT_WORKERS, default_workers, discard_prestarted, make_pool, prestart, take_prestarted

__all__ = [
    "MAX_DEFAULT_WORKERS",
    "EventSender",
    "Intake",
    "ProgressSink",
    "SharedSites",
    "Workers",
    "deal",
    "default_workers",
    "discard_prestarted",
    "partition",
    "prestart",
    "sites_filling_slots",
    "worker_sender",
]

R = TypeVar("R")

# Seconds between two progress events of one site: the parent only redraws a progress bar.
PAGE_EVENT_INTERVAL = 0.25
# How long the parent waits for worker events before it checks that the workers are alive, and how
# many it forwards in one turn of its event loop.
EVENT_WAIT = 0.1
MAX_EVENTS_AT_ONCE = 256
# A process takes another shared site while its event loop used less than SPARE_CPU of a core over
# the last INTAKE_TICK seconds (see Intake); a loop measured less busy than MIN_BUSY counts as that busy.
INTAKE_TICK = 0.1
SPARE_CPU = 0.8
MIN_BUSY = 0.01


class ProgressSink(Protocol):
    """What the parent forwards worker events to: the audit's observer."""

    def site_started(self, agency: Agency) -> None: ...

    def page_done(self, agency: Agency, pages: int, queued: int, errors: int) -> None: ...

    def site_finished(self, scorecard: Scorecard) -> None: ...


def sites_filling_slots(settings: CrawlSettings) -> int:
    """Sites that fill one process's request slots when none waits: what it starts with (see Intake)."""
    return -(-settings.global_concurrency // settings.per_host_concurrency)


def partition(agencies: Sequence[Agency], workers: int, weight: Callable[[Agency], int]) -> list[list[Agency]]:
    """Agencies dealt to at most ``workers`` groups; agencies whose scopes share a host stay together.

    Politeness limits hold per host within one process, so two processes must never crawl the same
    host. Groups of connected agencies are dealt heaviest first to the lightest worker: the result
    depends only on the registry, never on timing.
    """
    return _deal(_heaviest_first(agencies, weight), workers, weight)


def deal(
    agencies: Sequence[Agency], workers: int, weight: Callable[[Agency], int], each: int
) -> tuple[list[list[Agency]], tuple[tuple[Agency, ...], ...]]:
    """:func:`partition` of what the processes start with; the rest left for whichever has room.

    The heaviest groups of connected agencies are dealt in advance, up to ``each`` agencies a
    process (the pipeline passes what fills a process's request slots); the others, heaviest first,
    are taken one group at a time during the run (see :class:`SharedSites` and :class:`Intake`). A
    registry that fits is dealt exactly as :func:`partition` deals it, with nothing left over.
    """
    ordered = _heaviest_first(agencies, weight)
    room, dealt = max(1, workers) * each, 0
    for count, group in enumerate(ordered):
        dealt += len(group)
        if dealt > room and count > 0:
            return _deal(ordered[:count], workers, weight), tuple(tuple(g) for g in ordered[count:])
    return _deal(ordered, workers, weight), ()


def _heaviest_first(agencies: Sequence[Agency], weight: Callable[[Agency], int]) -> list[list[Agency]]:
    return sorted(host_groups(agencies), key=lambda g: (-sum(weight(a) for a in g), g[0].id))


def _deal(ordered: list[list[Agency]], workers: int, weight: Callable[[Agency], int]) -> list[list[Agency]]:
    count = max(1, min(workers, len(ordered)))
    bins: list[list[Agency]] = [[] for _ in range(count)]
    loads = [0] * count
    for group in ordered:
        lightest = min(range(count), key=lambda b: (loads[b], b))
        bins[lightest].extend(group)
        loads[lightest] += sum(weight(a) for a in group)
    return [sorted(b, key=lambda a: a.id) for b in bins if b]


class SharedSites:
    """Groups of agencies dealt to no process in advance: each process takes the next when it has room.

    A national registry's sites differ a hundredfold in size and speed (a dead host costs only its
    timeouts, a large one its whole page budget); dealt out before the run, one process could
    still be crawling long after the others had finished. Every process holds the same groups in
    the same order; a counter in shared memory says how many have been taken. Which process
    crawls a site never changes what is found there (see ``auditor.pipeline.audit_in_workers``).
    """

    def __init__(self, groups: tuple[tuple[Agency, ...], ...], taken: Any) -> None:
        self.groups = groups
        self._taken = taken  # a multiprocessing.Value, shared by inheritance (see init_worker)

    def left(self) -> bool:
        """Whether a group may still be there to take (read without the lock: take decides)."""
        return bool(self._taken.value < len(self.groups))

    def take(self) -> tuple[Agency, ...] | None:
        """The next group nobody has taken, or None when all have been."""
        with self._taken.get_lock():
            index = self._taken.value
            if index >= len(self.groups):
                return None
            self._taken.value = index + 1
        return self.groups[index]


class Intake:
    """When one process takes the next shared group: while it crawls fewer sites than ``floor``, or has CPU to spare.

    A site served fast keeps a core busy on its own, and one waiting out its politeness delay
    leaves it idle almost all the time. A process that took a site for every turn it has free
    would hold work that another process, done with its own, could have taken over, and the run
    would last as long as its slowest process. So a process takes one more only while it crawls
    fewer than ``floor`` sites, or while its event loop used less than SPARE_CPU of a core over
    the last INTAKE_TICK seconds; then as many as that spare CPU would feed.

    The floor is one site unless told otherwise: a process keeps at least one site going, and any
    more only while its loop has CPU to spare. A busy process that also kept its request slots full
    (two sites of four requests each, with the benchmark's limits) crawled them no faster, and took
    the last sites of the run two at a time, leaving another process idle at the end: in the
    benchmark's reruns of 34 equal sites one process was done 0.2-0.4 s before the other. With one
    site a process, the same reruns took 3-6 % less wall time and CPU (``benchmarks/README.md``).
    """

    def __init__(
        self,
        shared: SharedSites,
        floor: int = 1,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] = time.thread_time,
    ) -> None:
        self._shared = shared
        self._floor = max(1, floor)
        self._clock, self._cpu = clock, cpu
        self._running = 0
        self._grants = 0
        self._since, self._used = clock(), cpu()
        self._turn = asyncio.Lock()  # one taker waits for room at a time; the others queue behind it
        self._freed = asyncio.Event()

    @contextlib.contextmanager
    def crawling(self) -> Iterator[None]:
        """Count a site (dealt or taken) as crawled by this process while the block runs."""
        self._running += 1
        try:
            yield
        finally:
            self._running -= 1
            self._freed.set()

    async def take(self) -> tuple[Agency, ...] | None:
        """The next shared group, once this process has room for it; None once every group is taken.

        Enter :meth:`crawling` for it before the next ``await``.
        """
        async with self._turn:
            while self._shared.left():
                if self._running < self._floor or self._grant():
                    return self._shared.take()
                self._freed.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(INTAKE_TICK):
                        await self._freed.wait()
        return None

    def _grant(self) -> bool:
        now = self._clock()
        if now - self._since >= INTAKE_TICK:
            # Measured again each tick: what the last measure allowed and was not taken lapses.
            used = self._cpu()
            busy = (used - self._used) / (now - self._since)
            self._since, self._used = now, used
            # As many more sites as the spare CPU would feed, if each costs what a running one does.
            spare = SPARE_CPU / max(busy, MIN_BUSY) - 1
            self._grants = max(1, int(self._running * spare)) if busy < SPARE_CPU else 0
        if self._grants > 0:
            self._grants -= 1
            return True
        return False


class EventSender:
    """The observer a worker process audits with: it sends progress to the parent, throttled."""

    def __init__(self, events: Any) -> None:
        self._events = events
        self._last: dict[str, float] = {}

    def site_started(self, agency: Agency) -> None:
        self._events.put(("started", agency.id, None))

    def page_done(self, agency: Agency, pages: int, queued: int, errors: int) -> None:
        now = time.monotonic()
        if now - self._last.get(agency.id, 0.0) >= PAGE_EVENT_INTERVAL:
            self._last[agency.id] = now
            self._events.put(("page", agency.id, (pages, queued, errors)))

    def site_finished(self, scorecard: Scorecard) -> None:
        self._events.put(("finished", scorecard.agency.id, scorecard))


_events: Any = None
_taken: Any = None
_progress = False  # whether the parent shows progress: events nobody reads are not sent


def _orphaned() -> None:
    """Wait for the parent to end, then end too: a killed audit must not go on crawling unseen."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)


def init_worker(events: Any, taken: Any) -> None:
    """Set up a worker process (see :func:`auditor.prestart.make_pool`): the event queue and the shared counter."""
    global _events, _taken
    _events, _taken = events, taken
    threading.Thread(target=_orphaned, name="parent-watch", daemon=True).start()


def worker_sender() -> EventSender | None:
    """In a worker process whose parent shows progress, the observer that reports to it; None elsewhere."""
    return EventSender(_events) if _events is not None and _progress else None


def _forward(event: tuple[str, str, Any], agencies: Mapping[str, Agency], sink: ProgressSink) -> None:
    kind, agency_id, payload = event
    if kind == "started":
        sink.site_started(agencies[agency_id])
    elif kind == "page":
        sink.page_done(agencies[agency_id], *payload)
    else:
        sink.site_finished(payload)


def _job(
    job: Callable[..., R],
    index: int,
    group: tuple[Agency, ...],
    shared: tuple[tuple[Agency, ...], ...],
    progress: bool,
    *args: Any,
) -> R:
    global _progress
    _progress = progress
    gctune.settle()  # the job's code and arguments are loaded by now: see auditor.gctune
    try:
        return job(group, *args, **({"shared": SharedSites(shared, _taken)} if shared else {}))
    finally:
        # Sent after every event of this job: once the parent has it, the pipe holds nothing of ours.
        _events.put(("done", str(index), None))


class Workers(Generic[R]):
    """``job(group, *args)`` for each group in a process of its own, while the caller's event loop goes on.

    The caller audits one more group itself: a process fewer, and its core is not left idle. Groups
    ``shared`` by all (see :func:`deal`) reach every job as ``shared=``, a :class:`SharedSites`,
    and the caller's share through :attr:`shared`. Worker progress reaches ``sink`` on the
    caller's event loop. Processes are spawned, not forked: the parent may hold threads (the sample
    server, a progress display), and a fork copies their locks in whatever state they are in (the
    workers :func:`auditor.prestart.prestart` started, if taken over, were forked before any thread
    existed). With ``keep``, the processes outlive the block, idle, for more work (:attr:`pool`);
    the caller shuts the pool down, and ``then`` is run in each worker as it becomes idle, to
    prepare for that work.
    """

    def __init__(
        self,
        job: Callable[..., R],
        groups: Sequence[Sequence[Agency]],
        args: tuple[Any, ...],
        sink: ProgressSink | None,
        shared: tuple[tuple[Agency, ...], ...] = (),
        keep: bool = False,
        then: Callable[[], object] | None = None,
    ) -> None:
        self._job, self._groups, self._args, self._sink, self._shared = job, groups, args, sink, shared
        self._keep = keep
        self._then = then if keep else None
        self._agencies = {a.id: a for group in (*groups, *shared) for a in group}
        processes = max(1, len(groups))
        self._pool, self._events, self._taken = take_prestarted(processes) or make_pool(processes)
        self.shared = SharedSites(shared, self._taken) if shared else None
        self._futures: list[Future[R]] = []
        self._forwarding: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Workers[R]:
        self._futures = [
            self._pool.submit(_job, self._job, i, tuple(group), self._shared, self._sink is not None, *self._args)
            for i, group in enumerate(self._groups)
        ]
        if self._then is not None:
            # Queued behind the jobs: a process takes one as soon as it has no job left.
            for _ in self._groups:
                self._pool.submit(self._then)
        # Forwarded while the caller audits its own group, so the display shows every site as it goes.
        self._forwarding = asyncio.create_task(self._forward_events())
        return self

    @property
    def pool(self) -> Executor:
        """The worker processes, for work of the caller's own once the jobs are done (see ``keep``)."""
        return self._pool

    async def results(self) -> list[R]:
        """Each group's result, in order, once every event the workers sent has been forwarded."""
        if self._forwarding is not None:
            await self._forwarding
        return [await asyncio.wrap_future(f) for f in self._futures]

    async def _forward_events(self) -> None:
        loop = asyncio.get_running_loop()
        running = {str(i) for i in range(len(self._groups))}
        while running:
            events = await loop.run_in_executor(None, self._next_events)
            if not events and all(f.done() for f in self._futures):
                break  # a worker died without a word: its future holds the error
            for event in events:
                if event[0] == "done":
                    running.discard(event[1])
                elif self._sink is not None:
                    _forward(event, self._agencies, self._sink)

    def _next_events(self) -> list[tuple[str, str, Any]]:
        """The events waiting, or none after EVENT_WAIT seconds.

        All of them at once: while this process crawls its own share, its event loop takes a turn
        at forwarding only now and then, and one event a turn fell seconds behind the workers.
        """
        events: list[tuple[str, str, Any]] = []
        with contextlib.suppress(queue.Empty):
            events.append(self._events.get(timeout=EVENT_WAIT))
            while len(events) < MAX_EVENTS_AT_ONCE:
                events.append(self._events.get_nowait())
        return events

    async def __aexit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # A pool is always shut down waiting for its own thread to finish: one still closing its
        # pipes when the interpreter exits races Python 3.11's exit hook, which writes to them
        # without their lock ("OSError: Bad file descriptor" at exit, and exit status 1: once in
        # about thirty benchmark runs). The workers are idle or ended by then: it takes milliseconds.
        if kind is None:
            self._events.close()
            if not self._keep:
                self._pool.shutdown(wait=True)  # every result is in: the workers only exit
            return
        # Failed or interrupted: no worker may go on crawling behind the caller's back.
        if self._forwarding is not None:
            self._forwarding.cancel()
        for child in multiprocessing.active_children():
            child.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
