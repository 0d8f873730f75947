"""The shared poll loop on fake ticks, without an app: it backs off when AWS throttles, retries a
dead endpoint within a second, gives a silent tick up after interval + slack (but not a slow
tick that keeps getting answers), and stretches a steady expensive tick under its budget."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

from botocore.exceptions import ClientError

from aws.health import NOT_ANSWERING, THROTTLED, UNREACHABLE, Trouble
from tui.poll_loop import Failure, Pacing, PollLoop, Stalled


def aws_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "ListServices")


class Record:
    """What the loop said about each turn."""

    def __init__(self) -> None:
        self.fresh: list[tuple[int, float]] = []
        self.stale: list[Failure] = []
        self.turns = 0

    def loop(self, tick: Any, interval: float, **kwargs: Any) -> PollLoop:
        def turned() -> None:
            self.turns += 1

        return PollLoop(
            tick,
            interval=lambda: interval,
            on_fresh=lambda calls, delay: self.fresh.append((calls, delay)),
            on_stale=self.stale.append,
            on_turn=turned,
            **kwargs,
        )


def failing(*errors: Exception) -> Any:
    queue = list(errors)

    async def tick() -> int | None:
        if queue:
            raise queue.pop(0)
        return 3

    return tick


async def test_throttling_doubles_the_wait_up_to_the_cap_and_success_resets_it() -> None:
    record = Record()
    throttled = [aws_error("ThrottlingException") for _ in range(4)]
    loop = record.loop(failing(*throttled), 5.0, delay=5.0)
    delays = [await loop.turn() for _ in range(5)]
    assert delays == [10.0, 20.0, 30.0, 30.0, 5.0]
    assert [f.kind for f in record.stale] == [THROTTLED] * 4
    assert all(f.throttled for f in record.stale)
    assert record.fresh == [(3, 5.0)]
    assert record.turns == 5


async def test_a_dead_endpoint_is_tried_again_within_a_second_without_backing_off() -> None:
    record = Record()
    down = Stalled(Trouble(UNREACHABLE, "ListClusters", 0.0), 7.0)
    loop = record.loop(failing(down, down, aws_error("AccessDeniedException")), 5.0, delay=5.0)
    assert [await loop.turn() for _ in range(3)] == [1.0, 1.0, 5.0]  # a denial: the cadence
    assert record.stale[0].kind == UNREACHABLE
    assert "ListClusters" in record.stale[0].reason


async def test_the_logs_and_reader_pacings_keep_their_own_rules() -> None:
    logs = Record().loop(
        failing(Stalled(None, 9.0)), 2.0, pacing=Pacing(budget=None, quick_retry=False)
    )
    assert await logs.turn() == 2.0  # no quick retry: the next interval
    reader = Record().loop(
        failing(aws_error("AccessDeniedException"), aws_error("InternalError")),
        2.0,
        pacing=Pacing(back_off_always=True, max_backoff=60.0),
        delay=2.0,
    )
    assert [await reader.turn() for _ in range(2)] == [4.0, 8.0]  # any failure backs off


async def test_a_silent_tick_is_given_up_after_interval_plus_slack() -> None:
    record = Record()
    cancelled = asyncio.Event()

    async def hangs() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cancelled.set()

    health = SimpleNamespace(last_ok=None, trouble=None)
    loop = record.loop(hangs, 0.3, health=health, pacing=Pacing(stall_slack=0.2))
    started = time.monotonic()
    delay = await loop.turn()
    waited = time.monotonic() - started
    assert 0.5 <= waited < 1.5
    await asyncio.wait_for(cancelled.wait(), 1.0)  # the hung request does not linger
    (failure,) = record.stale
    assert isinstance(failure.error, Stalled)
    assert failure.kind == NOT_ANSWERING
    assert delay == 0.3  # down: the next look within min(interval, 1 s)


async def test_a_slow_tick_that_keeps_getting_answers_runs_to_the_end() -> None:
    record = Record()
    health = SimpleNamespace(last_ok=time.monotonic(), trouble=None)

    async def slow_but_answering() -> int:
        for _ in range(8):  # 0.8 s, past interval + slack (0.5 s), answered every 0.1 s
            await asyncio.sleep(0.1)
            health.last_ok = time.monotonic()
        return 7

    loop = record.loop(slow_but_answering, 0.3, health=health, pacing=Pacing(stall_slack=0.2))
    await loop.turn()
    assert record.stale == []
    assert record.fresh == [(7, 0.3)]


async def test_run_waits_the_paced_delay_and_the_governor_skips_the_first_load() -> None:
    record = Record()
    waits: list[float] = []

    async def expensive() -> int:
        return 40  # 40 calls at 5/s: at least 8 s apart once loaded

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    loop = record.loop(expensive, 1.0)
    await loop.run(wait=wait, while_=lambda: len(waits) < 3)
    assert waits == [1.0, 8.0, 8.0]
    assert loop.loaded
