"""A conversation on a channel and the same conversation in the owner's playground get the same replies and end
in the same statuses: both build the turn's context and apply the silence and status rules the same way."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Tenant, conversation_with, post_messenger, seeded_tenant, until_passes

# Each script: a question answered, a request for a person (handed over), then a message the bot stays silent on;
# and STOP (opted out), a question it stays silent on, then START (answered again).
SCRIPTS = {
    "handoff": ["How much is the Yoga Pass?", "I want to talk to a real person please", "Hello? Are you there?"],
    "opt_out": ["STOP", "How much is the Yoga Pass?", "START"],
}


async def _through_the_channel(client, tenant: Tenant, messages: list[str]) -> list[tuple[str, str]]:
    """(reply, status) after each message sent by one customer through the signed Messenger webhook."""
    psid = "PSID" + uuid.uuid4().hex[:10]
    seen: list[tuple[str, str]] = []
    replies_so_far = 0
    for count, text in enumerate(messages, start=1):
        await post_messenger(client, text, psid=psid)

        async def turn_done(count: int = count, before: int = replies_so_far) -> dict[str, Any]:
            detail = await conversation_with(client, tenant, psid, inbound=count)
            last_in = [m for m in detail["messages"] if m["direction"] == "in"][-1]
            replies = [m for m in detail["messages"] if m["direction"] == "out"]
            # An answered message is done once its reply is stored; a held or skipped one has none.
            assert last_in["state"] != "answered" or len(replies) > before, "reply not stored yet"
            return detail

        detail = await until_passes(turn_done, timeout=20)
        replies = [m for m in detail["messages"] if m["direction"] == "out"]
        reply = replies[-1]["text"] if len(replies) > replies_so_far else ""
        replies_so_far = len(replies)
        seen.append((reply, detail["status"]))
    return seen


async def _through_the_playground(client, tenant: Tenant, messages: list[str]) -> list[tuple[str, str]]:
    session_id = ""
    seen: list[tuple[str, str]] = []
    for text in messages:
        body: dict[str, Any] = {"platform": "facebook", "message": text}
        if session_id:
            body["session_id"] = session_id
        response = await client.post("/api/playground/chat", json=body, headers=tenant.headers)
        assert response.status == 200, await response.text()
        data = await response.json()
        session_id = data["session_id"]
        seen.append((data["reply"], data["status"]))
    return seen


@pytest.mark.parametrize("script", sorted(SCRIPTS))
async def test_a_channel_and_the_playground_answer_one_conversation_alike(platform_client, graph, script: str) -> None:
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    messages = SCRIPTS[script]

    on_channel = await _through_the_channel(platform_client, tenant, messages)
    in_playground = await _through_the_playground(platform_client, tenant, messages)

    assert in_playground == on_channel
    # What the channel's customer saw is what Meta was asked to send.
    assert [reply for reply, _ in on_channel if reply] == fake.texts()
    expected_statuses = {"handoff": ["bot", "handoff", "handoff"], "opt_out": ["opted_out", "opted_out", "bot"]}[script]
    assert [status for _, status in on_channel] == expected_statuses
    # The silent turn is silent on both sides.
    assert on_channel[1 if script == "opt_out" else 2][0] == ""
