"""The pieces that make store outages and stops cost nothing, each alone: telling an outage from a failure, waiting
one out, and a gate that lets running turns finish while no new one starts."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from pymongo.errors import AutoReconnect, DuplicateKeyError, ServerSelectionTimeoutError
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.inbound.draining import ShuttingDown, TurnGate
from bot.inbound.failures import is_bad_event
from bot.outages import is_store_outage, ride_out


def test_outages_are_told_from_failures_and_bad_events() -> None:
    for outage in (
        AutoReconnect("gone"),
        ServerSelectionTimeoutError("none"),
        RedisConnectionError("refused"),
        BusyLoadingError("loading"),
    ):
        assert is_store_outage(outage) and not is_bad_event(outage)
    wrapped = RuntimeError("turn failed")
    wrapped.__cause__ = AutoReconnect("gone")
    assert is_store_outage(wrapped)
    assert not is_store_outage(DuplicateKeyError("dup")) and not is_store_outage(ValueError("bad"))
    assert is_bad_event(ValueError("year 5138 is out of range")) and is_bad_event(
        UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates")
    )


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", record)
    return waits


async def test_an_outage_is_waited_out_with_growing_delays(no_waiting: list[float]) -> None:
    answers: list[object] = [AutoReconnect("down"), RedisConnectionError("down"), AutoReconnect("down"), "done"]

    async def flaky() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert await ride_out(flaky, what="test") == "done"
    assert len(no_waiting) == 3 and no_waiting[0] <= no_waiting[2]


async def test_a_failure_that_is_no_outage_and_a_stop_are_not_waited_out(no_waiting: list[float]) -> None:
    async def broken() -> None:
        raise ValueError("not an outage")

    async def down() -> None:
        raise AutoReconnect("down")

    with pytest.raises(ValueError):
        await ride_out(broken, what="test")
    with pytest.raises(AutoReconnect):
        await ride_out(down, what="test", give_up=lambda: True)
    assert no_waiting == []


async def test_a_closed_gate_lets_running_turns_finish_and_starts_none() -> None:
    gate = TurnGate()
    free, taken = asyncio.Lock(), asyncio.Lock()
    release = asyncio.Event()
    finished: list[str] = []

    async def turn(name: str) -> str:
        await release.wait()
        finished.append(name)
        return name

    await taken.acquire()  # the second turn's conversation is held by someone else
    running = asyncio.create_task(gate.run(lambda: free, lambda _held: turn("running")))
    blocked = asyncio.create_task(gate.run(lambda: taken, lambda _held: turn("blocked")))
    await asyncio.sleep(0.01)
    running.cancel()  # the delivery's handling is cancelled by the stop: its turn goes on
    gate.close()
    with pytest.raises(ShuttingDown):
        await gate.run(lambda: free, lambda _held: turn("late"))
    release.set()
    assert await gate.drain(5) == 0
    with contextlib.suppress(asyncio.CancelledError):
        await running
    with pytest.raises(asyncio.CancelledError):
        await blocked
    assert finished == ["running"]


async def test_an_outage_is_waited_out_also_for_a_lambda_returning_a_coroutine(no_waiting: list[float]) -> None:
    answers: list[object] = [AutoReconnect("down"), 7]

    async def attempt() -> int:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return int(str(answer))

    assert await ride_out(lambda: attempt(), what="test") == 7
    assert len(no_waiting) == 1 and 0.125 <= no_waiting[0] <= 0.25
