"""What a customer's message costs in storage: the MongoDB writes of an offline turn, from the webhook to the stored
reply, counted by a pymongo command listener (the app's client is made after it is registered)."""

from __future__ import annotations

import uuid
from collections import Counter

from pymongo import monitoring

from tests.e2e.conftest import conversation_with, post_messenger, seeded_tenant, settled, wait_for_texts


class _Commands(monitoring.CommandListener):
    """Counts commands by name while `counting` (every client made from now on reports here)."""

    def __init__(self) -> None:
        self.counting = False
        self.by_name: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.counting:
            self.by_name[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


COMMANDS = _Commands()
monitoring.register(COMMANDS)
TURNS = 4


async def test_a_new_customers_turn_writes_four_inserts_and_four_updates(platform_client, graph, redis) -> None:
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await post_messenger(platform_client, "How much is the Yoga Pass?", psid="WARM" + uuid.uuid4().hex[:8])
    await wait_for_texts(fake, 1)
    await settled(redis)

    COMMANDS.by_name.clear()
    COMMANDS.counting = True
    try:
        customers = ["PSID" + uuid.uuid4().hex[:10] for _ in range(TURNS)]
        for customer in customers:
            await post_messenger(platform_client, "How much is the Yoga Pass?", psid=customer)
        await wait_for_texts(fake, 1 + TURNS)
        await settled(redis)
    finally:
        COMMANDS.counting = False

    # Each turn answered and stored whole: its reply, and its message out of pending.
    for customer in customers:
        detail = await conversation_with(platform_client, tenant, customer, inbound=1)
        states = [m.get("state") for m in detail["messages"] if m["direction"] == "in"]
        assert states == ["answered"] and [m["direction"] for m in detail["messages"]] == ["in", "out"]
    # Inserts: the conversation, its message, the lead and the lead's first event. Updates: the day's counters as
    # the message arrives, the reply's record with its message's state, the turn's closing write to the
    # conversation, and the day's counters after it. (Reads are left out: the worker's schedulers also read.)
    assert COMMANDS.by_name["insert"] == 4 * TURNS, COMMANDS.by_name
    assert COMMANDS.by_name["update"] == 4 * TURNS, COMMANDS.by_name
