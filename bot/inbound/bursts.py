"""Customers write in bursts ("hi" … "how much is it?" … "for 3 people"): the bot answers a burst once.

Each message of a conversation moves its debounce deadline; only the message that is still the last one when its
window ends answers, for every pending message at once. The answer runs under the conversation's lock, so two
workers never answer one conversation at the same time.
"""

from __future__ import annotations

import asyncio
import time

import redis.asyncio as aioredis

from bot.conversations.bot_settings import BotSettings
from bot.conversations.records import Conversation
from bot.conversations.turns import TurnRunner
from bot.inbound.arrival_order import order_key, wait_in_order
from bot.inbound.draining import TurnGate, resting
from bot.inbound.locks import conversation_lock
from channels.accounts import ChannelAccount


class BurstAnswerer:
    def __init__(self, redis: aioredis.Redis, turns: TurnRunner, gate: TurnGate, *, debounce_ms: int) -> None:
        self._redis = redis
        self._turns = turns
        self._gate = gate
        self._debounce_ms = debounce_ms

    @property
    def taking_turns(self) -> bool:
        """False once the process is stopping (see `draining.TurnGate`)."""
        return self._gate.open

    async def answer_after_burst(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        received_at_ms: int,
        settings: BotSettings,
        *,
        fresh_since: float | None = None,
        written_at_ms: int = 0,
    ) -> None:
        """Answer after the debounce window, unless a later message of the burst will answer for all.

        `written_at_ms`: when the newest message this delivery brought was written; an older message of the
        customer still in another worker's hands is answered first (see `arrival_order`)."""
        burst: tuple[str, str] | None = None  # this delivery's debounce key and token, still to be checked
        if self._debounce_ms > 0:
            burst = (f"debounce:{conversation.id}", f"{time.time_ns()}")
            await self._redis.set(burst[0], burst[1], px=self._debounce_ms + 60_000)
            async with resting():  # the worker's slot answers someone else meanwhile
                await asyncio.sleep(self._debounce_ms / 1000)
        answer_before_ms = None
        if written_at_ms:
            key = order_key(conversation.platform, conversation.account_id, conversation.customer_id)
            # The burst's check goes with the first look at the customer's order: one round trip for both.
            waited = await wait_in_order(self._redis, key, written_at_ms, keep_waiting=lambda: self._gate.open, burst=burst)
            if waited.superseded:
                return  # a later message of this burst answers the whole turn
            answer_before_ms = waited.answer_before_ms
        elif burst is not None and await self._redis.get(burst[0]) != burst[1]:
            return  # a later message of this burst answers the whole turn
        # If the lock is not free in time, ConversationBusy leaves the delivery pending to be retried. The turn runs
        # through the gate: once started it finishes even when the process is told to stop.
        await self._gate.run(
            lambda: conversation_lock(self._redis, conversation.id),
            lambda held: self._turns.answer(
                account,
                conversation.id,
                received_at_ms,
                settings,
                fresh_since=fresh_since,
                answer_before_ms=answer_before_ms,
                still_held=held.still_held,
            ),
        )
