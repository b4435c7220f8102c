"""Reads shared between deliveries: one query for a burst, never a value older than the delivery."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.inbound.shared_reads import SharedReads


class Store:
    def __init__(self) -> None:
        self.value = "v1"
        self.queries = 0
        self.fail = False

    async def load(self, key: str) -> str:
        self.queries += 1
        await asyncio.sleep(0.02)
        if self.fail:
            raise ConnectionError("store unreachable")
        return f"{key}:{self.value}"


async def test_a_burst_of_deliveries_shares_one_read():
    store = Store()
    reads = SharedReads(store.load)
    started = time.monotonic()
    values = await asyncio.gather(*(reads.get("page", started) for _ in range(50)))
    assert values == ["page:v1"] * 50
    assert store.queries == 1


async def test_a_delivery_picked_up_after_a_change_reads_again():
    store = Store()
    reads = SharedReads(store.load)
    assert await reads.get("page", time.monotonic()) == "page:v1"
    store.value = "v2"  # the owner reconnects the page with a new token
    assert await reads.get("page", time.monotonic()) == "page:v2"
    assert store.queries == 2


async def test_keys_are_read_apart():
    store = Store()
    reads = SharedReads(store.load)
    started = time.monotonic()
    assert list(await asyncio.gather(reads.get("a", started), reads.get("b", started))) == ["a:v1", "b:v1"]
    assert store.queries == 2


async def test_a_failed_read_is_not_kept():
    store = Store()
    reads = SharedReads(store.load)
    started = time.monotonic()
    store.fail = True
    with pytest.raises(ConnectionError):
        await reads.get("page", started)
    store.fail = False
    assert await reads.get("page", started) == "page:v1"


async def test_a_cancelled_delivery_does_not_cancel_the_read_others_wait_for():
    store = Store()
    reads = SharedReads(store.load)
    started = time.monotonic()
    first = asyncio.create_task(reads.get("page", started))
    second = asyncio.create_task(reads.get("page", started))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == "page:v1"
    assert store.queries == 1
