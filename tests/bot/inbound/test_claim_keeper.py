"""A delivery's claim keeper ends when the delivery is handled, even when the Redis client swallows the
cancellation that should have ended it: a keeper that went on would hold a failed delivery forever, so it would never
be retried nor given up."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from bot.inbound.stream import Delivery
from bot.inbound.worker import Worker


class SwallowingStream:
    """Refreshes claims the way a Redis client can misbehave: a cancellation during the call is swallowed."""

    claim_idle_ms = 30

    def __init__(self) -> None:
        self.refreshes = 0
        self.calling = asyncio.Event()

    async def keep_claimed(self, consumer: str, delivery: Delivery) -> None:  # noqa: ARG002 # the stream's interface
        self.refreshes += 1
        self.calling.set()
        try:
            await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            pass  # swallowed, as a client that reconnects on cancellation may do
        finally:
            self.calling.clear()


def worker(stream: SwallowingStream) -> Worker:
    return Worker(cast(Any, stream), cast(Any, None), cast(Any, None), name="w", gate=cast(Any, None))


async def test_the_keeper_stops_once_the_delivery_is_handled_even_if_its_cancellation_is_swallowed() -> None:
    stream = SwallowingStream()
    handled = asyncio.Event()
    delivery = Delivery(entry_id="1-0", channel="messenger", body=b"{}", received_at_ms=0, body_key="b")
    keeper = asyncio.create_task(worker(stream)._keep_claimed(delivery, handled))
    while stream.refreshes < 3:
        await asyncio.sleep(0.005)
    await stream.calling.wait()  # the cancellation lands inside the client's call
    handled.set()
    keeper.cancel()
    await asyncio.wait_for(asyncio.shield(keeper), 1)
    refreshes = stream.refreshes
    await asyncio.sleep(0.1)
    assert stream.refreshes == refreshes, "no refresh after the delivery was handled"
