"""A customer's older message, still in another worker's hands, is answered before a newer one."""

from __future__ import annotations

import asyncio
import json

from bot.inbound.arrival_order import current_body_key, next_unfinished_after, order_key, wait_in_order, writers
from bot.inbound.stream import InboundStream
from channels.events import Echo, InboundMessage

PAGE = "7200000001"


def message(customer: str, written_at_ms: int) -> InboundMessage:
    return InboundMessage(
        platform="facebook", account_id=PAGE, customer_id=customer, timestamp_ms=written_at_ms, message_id=f"m{written_at_ms}"
    )


def test_writers_are_the_customers_who_wrote_with_their_earliest_message() -> None:
    events: list[InboundMessage | Echo] = [
        message("pat", 2_000),
        message("pat", 1_000),
        message("sam", 3_000),
        Echo(platform="facebook", account_id=PAGE, customer_id="kim", timestamp_ms=500, message_id="e1"),
    ]
    assert writers(events) == {order_key("facebook", PAGE, "pat"): 1_000, order_key("facebook", PAGE, "sam"): 3_000}


async def test_accepting_a_delivery_notes_who_wrote_in_it(redis) -> None:
    inbound = InboundStream(redis, stream="inbound-order-notes")
    item = {
        "sender": {"id": "42"},
        "recipient": {"id": PAGE},
        "timestamp": 1_700_000_000_123,
        "message": {"mid": "m.1", "text": "hi"},
    }
    body = {"object": "page", "entry": [{"id": PAGE, "time": 1_700_000_000_123, "messaging": [item]}]}
    await inbound.accept("messenger", json.dumps(body).encode(), 1)
    await inbound.accept("messenger", b'{"object": "page", "entry": "not a list"}', 2)
    # As the webhook hands it over: the body it decoded already is read, not decoded again.
    later = {**item, "sender": {"id": "43"}}
    decoded = {"object": "page", "entry": [{"id": PAGE, "time": 1_700_000_000_999, "messaging": [later]}]}
    await inbound.accept("messenger", json.dumps(decoded).encode(), 3, decoded)

    await inbound.ensure_group()
    deliveries = await inbound.read("reader", count=10, block_ms=100)
    noted = await redis.zrange(order_key("facebook", PAGE, "42"), 0, -1, withscores=True)
    assert [tuple(pair) for pair in noted] == [(deliveries[0].body_key, 1_700_000_000_123.0)]
    assert len(deliveries) == 3  # a body no channel can read is queued all the same
    also = await redis.zrange(order_key("facebook", PAGE, "43"), 0, -1, withscores=True)
    assert [tuple(pair) for pair in also] == [(deliveries[2].body_key, 1_700_000_000_123.0)]


async def test_a_turn_waits_for_an_older_unfinished_delivery_and_goes_on_once_it_is_done(redis) -> None:
    key = order_key("facebook", PAGE, "pat")
    await redis.set("body:older", "{}")
    await redis.set("body:mine", "{}")
    await redis.zadd(key, {"body:older": 1_000, "body:mine": 2_000})
    current_body_key.set("body:mine")

    waiting = asyncio.create_task(wait_in_order(redis, key, 2_000))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await redis.delete("body:older")  # the older delivery was acknowledged
    waited = await asyncio.wait_for(waiting, 3)
    assert 0.3 <= waited.seconds < 3
    assert waited.answer_before_ms is None  # nothing newer is left unfinished
    assert await redis.zrange(key, 0, -1) == ["body:mine"]  # the finished one is dropped from the set


async def test_newer_deliveries_and_its_own_never_hold_a_turn_back(redis) -> None:
    key = order_key("facebook", PAGE, "pat")
    for body_key in ("body:mine", "body:newer", "body:same-time"):
        await redis.set(body_key, "{}")
    await redis.zadd(key, {"body:mine": 1_000, "body:newer": 5_000, "body:same-time": 2_000})
    current_body_key.set("body:mine")
    waited = await asyncio.wait_for(wait_in_order(redis, key, 2_000), 1)
    assert waited.seconds < 0.1
    assert waited.answer_before_ms == 5_000  # the newer delivery's message is left for its own turn


async def test_a_stuck_older_delivery_holds_a_turn_back_only_for_the_patience(redis) -> None:
    key = order_key("facebook", PAGE, "pat")
    await redis.set("body:stuck", "{}")
    await redis.zadd(key, {"body:stuck": 1_000})
    current_body_key.set("body:mine")
    waited = await asyncio.wait_for(wait_in_order(redis, key, 2_000, patience_s=0.4), 3)
    assert 0.4 <= waited.seconds < 2


async def test_a_turn_answers_nothing_written_after_a_message_still_in_an_unfinished_delivery(redis) -> None:
    key = order_key("facebook", PAGE, "pat")
    for body_key in ("body:mine", "body:second", "body:third", "body:done"):
        await redis.set(body_key, "{}")
    await redis.zadd(key, {"body:mine": 1_000, "body:second": 2_000, "body:third": 3_000, "body:done": 1_500})
    await redis.delete("body:done")  # finished: it holds nothing back
    assert await next_unfinished_after(redis, key, "body:mine", 1_000) == 2_000
    await redis.delete("body:second")
    assert await next_unfinished_after(redis, key, "body:mine", 1_000) == 3_000
    assert await next_unfinished_after(redis, key, "body:third", 3_000) is None


def test_the_messages_written_from_the_cutoff_on_are_left_out_of_the_turn() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.conversations.records import InboundState, Message
    from bot.conversations.turn_context import TurnMessages, written_before

    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    def inbound(message_id: str, seconds: int, state: InboundState = InboundState.pending) -> Message:
        return Message(
            id=message_id,
            tenant_id="t",
            conversation_id="c",
            direction="in",
            sender="customer",
            text=message_id,
            at=t0 + timedelta(seconds=seconds),
            state=state,
        )

    earlier = inbound("earlier", 0, InboundState.answered)
    first, third = inbound("first", 10), inbound("third", 30)
    messages = TurnMessages(pending=[first, third], history=[earlier], recent=[earlier, first, third], complete=True)

    kept = written_before(messages, t0 + timedelta(seconds=20))
    assert [m.id for m in kept.pending] == ["first"]
    assert [m.id for m in kept.recent] == ["earlier", "first"] and [m.id for m in kept.history] == ["earlier"]
    assert written_before(messages, t0 + timedelta(seconds=31)) == messages


async def test_a_burst_whose_later_message_took_over_is_told_so_without_waiting(redis) -> None:
    key = order_key("facebook", PAGE, "pat")
    await redis.set("body:stuck", "{}")
    await redis.zadd(key, {"body:stuck": 1_000, "body:mine": 2_000})
    current_body_key.set("body:mine")
    await redis.set("debounce:conv", "later-token")

    waited = await asyncio.wait_for(wait_in_order(redis, key, 2_000, burst=("debounce:conv", "my-token")), 1)
    assert waited.superseded and waited.seconds < 0.2  # the older delivery is the later message's turn to wait for

    await redis.delete("debounce:conv")  # gone (expired): no token of this delivery either
    assert (await wait_in_order(redis, key, 2_000, burst=("debounce:conv", "my-token"))).superseded


async def test_the_last_message_of_a_burst_looks_at_the_order_in_the_same_call(redis) -> None:
    key = order_key("facebook", PAGE, "pat")
    for body_key in ("body:mine", "body:newer"):
        await redis.set(body_key, "{}")
    await redis.zadd(key, {"body:mine": 1_000, "body:newer": 3_000})
    current_body_key.set("body:mine")
    await redis.set("debounce:conv", "my-token")

    waited = await wait_in_order(redis, key, 1_000, burst=("debounce:conv", "my-token"))
    assert not waited.superseded and waited.answer_before_ms == 3_000
