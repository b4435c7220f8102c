"""Message retention: an operator's MESSAGE_RETENTION_DAYS purges older messages, once per interval across all
worker processes; conversations and the numbers stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.runtime.housekeeping import Chore, retention_chore, run_due
from channels.events import InboundMessage

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def _customer_message(db, conversation, mid: str, at: datetime) -> None:
    event = InboundMessage(
        platform="facebook",
        account_id="p1",
        customer_id="u1",
        message_id=mid,
        text=f"text {mid}",
        timestamp_ms=int(at.timestamp() * 1000),
    )
    await msgs.record_inbound(db, "t1", conversation, event, event.text, now=at)


async def test_messages_older_than_the_retention_are_purged_and_the_rest_kept(db, redis):
    conversation, _ = await convs.open_conversation(db, "t1", "facebook", "p1", "u1", now=NOW - timedelta(days=90))
    for mid, age in (("m_old", 45), ("m_edge", 31), ("m_new", 29), ("m_today", 0)):
        await _customer_message(db, conversation, mid, NOW - timedelta(days=age))
    await msgs.record_outbound(
        db,
        "t1",
        conversation.id,
        sender="bot",
        text="an old answer",
        source="offline",
        delivery="sent",
        now=NOW - timedelta(days=40),
    )

    chore = retention_chore(db, FixedClock(), 30)
    assert chore is not None
    assert await run_due(redis, [chore]) == ["purge-messages"]

    kept = await msgs.all_messages(db, "t1", conversation.id)
    assert [m.platform_message_id for m in kept] == ["m_new", "m_today"]
    assert await convs.get_conversation(db, "t1", conversation.id) is not None


def test_retention_zero_keeps_everything(db) -> None:
    assert retention_chore(db, FixedClock(), 0) is None


async def test_a_chore_runs_once_per_interval_whoever_asks(redis):
    runs: list[str] = []

    async def note() -> None:
        runs.append("ran")

    chore = Chore("test-chore", 60, note)
    assert await run_due(redis, [chore]) == ["test-chore"]
    assert await run_due(redis, [chore]) == []  # a second worker, or the same one, within the interval
    assert runs == ["ran"]
    await redis.delete("chore:test-chore")  # the interval has passed
    assert await run_due(redis, [chore]) == ["test-chore"]
