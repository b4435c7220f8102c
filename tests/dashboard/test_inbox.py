"""The inbox as an owner works it: each row's last message and unread count, search by name and by what was
written, "not answered" (a customer still waiting), pages that grow, and live events for a new status."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from bot.conversations import messages as msgs
from bot.conversations.handoff import take_over
from bot.conversations.records import (
    Conversation,
    ConversationDelivery,
    ConversationStatus,
    HandoffCause,
    InboundState,
    Message,
)
from bot.conversations.store import update_conversation
from channels.events import InboundMessage
from dashboard.inbox_rows import row_extras
from dashboard.live import LIVE
from tests.dashboard import seeding
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_owner_pages import session_csrf
from tests.dashboard.test_pages import form_login
from tests.whole_app import owner_app_of

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def message(sender: str, text: str, minutes: int, **fields: object) -> Message:
    return Message(
        id=f"m{minutes}",
        tenant_id="t",
        conversation_id="c",
        direction="in" if sender == "customer" else "out",
        sender=sender,
        text=text,
        at=T0 + timedelta(minutes=minutes),
        **fields,
    )


def test_a_row_shows_the_last_message_and_the_customers_unread_ones() -> None:
    latest = [message("customer", "Hi", 0), message("bot", "Hello! How can I help?", 1), message("customer", "Price?", 2)]
    extras = row_extras(latest, read_at=None)
    assert (extras.preview, extras.last_from, extras.unread, extras.unread_text) == ("Price?", "customer", 2, "2 new")
    assert row_extras(latest, read_at=T0 + timedelta(minutes=1)).unread == 1
    assert row_extras(latest, read_at=T0 + timedelta(minutes=5)).unread_text == ""


def test_a_persons_answer_means_what_came_before_was_read() -> None:
    latest = [message("customer", "Hi", 0), message("human", "Hi, Ana here", 1), message("customer", "Great", 2)]
    extras = row_extras(latest, read_at=None)
    assert (extras.preview, extras.unread) == ("Great", 1)
    assert row_extras(latest[:2], read_at=None).preview == "You: Hi, Ana here"


def test_a_preview_is_one_short_line() -> None:
    extras = row_extras([message("bot", "word " * 100, 0)], read_at=None)
    assert extras.preview.startswith("Bot: word word") and extras.preview.endswith("…") and len(extras.preview) <= 146
    assert row_extras([message("customer", "", 0, attachments=[{"type": "image"}])], None).preview == "Sent an attachment"
    many = [message("customer", str(n), n) for n in range(12)]
    assert row_extras(many, None).unread_text == "9+ new"
    assert row_extras([], None).preview == ""


async def customer_says(api: TestClient, conversation: Conversation, text: str, at: datetime, *, mid: str) -> Message:
    event = InboundMessage(
        platform=conversation.platform,
        account_id=conversation.account_id,
        customer_id=conversation.customer_id,
        message_id=mid,
        text=text,
        timestamp_ms=int(at.timestamp() * 1000),
    )
    stored, _ = await msgs.record_inbound(platform_of(api).db, conversation.tenant_id, conversation, event, text, now=at)
    return stored


async def answered(api: TestClient, conversation: Conversation, message: Message, reply: str, at: datetime) -> None:
    db = platform_of(api).db
    await msgs.mark_inbound(db, conversation.tenant_id, [message.id], InboundState.answered)
    await msgs.record_outbound(
        db, conversation.tenant_id, conversation.id, sender="bot", text=reply, source="offline", delivery="sent", now=at
    )


async def three_customers(api: TestClient, owner: SignedUp) -> dict[str, Conversation]:
    """Ana was answered; Ben waits for the bot; Cleo's answer did not go out."""
    db, now = platform_of(api).db, datetime.now(UTC) - timedelta(minutes=30)
    people = {}
    for n, (name, text) in enumerate(
        (("Ana Lima", "Do you ship to Porto?"), ("Ben Ode", "Is the mat washable?"), ("Cleo", "hi"))
    ):
        conversation = await seeding.conversation(db, owner.tenant_id, "whatsapp", f"3519000000{n}", at=now, name=name)
        said = await customer_says(api, conversation, text, now + timedelta(minutes=n), mid=f"wamid.{n}")
        if name != "Ben Ode":
            await answered(api, conversation, said, "Yes, we do!", now + timedelta(minutes=n, seconds=5))
        people[name] = conversation
    await update_conversation(db, owner.tenant_id, people["Cleo"].id, delivery=ConversationDelivery.failed)
    return people


async def listed(api: TestClient, owner: SignedUp, **query: str) -> list[str]:
    response = await api.get("/api/conversations", params=query, headers=owner.auth)
    assert response.status == 200, await response.text()
    return sorted(c["customer_name"] for c in (await response.json())["conversations"])


async def test_not_answered_lists_customers_still_waiting_and_failed_replies(api: TestClient, owner: SignedUp) -> None:
    await three_customers(api, owner)
    assert await listed(api, owner, not_answered="true") == ["Ben Ode", "Cleo"]
    assert await listed(api, owner, delivery="failed") == ["Cleo"]
    assert await listed(api, owner, not_answered="true", platform="facebook") == []
    assert await listed(api, owner) == ["Ana Lima", "Ben Ode", "Cleo"]


async def test_search_finds_names_and_words_customers_wrote_in_any_case(
    api: TestClient, owner: SignedUp, rival: SignedUp
) -> None:
    await three_customers(api, owner)
    assert await listed(api, owner, q="ana") == ["Ana Lima"]
    assert await listed(api, owner, q="WASHABLE") == ["Ben Ode"]
    assert await listed(api, owner, q="we do") == ["Ana Lima", "Cleo"]  # the replies' words too
    assert await listed(api, owner, q="porto", not_answered="true") == []
    assert await listed(api, owner, q="a.*") == []  # words, not patterns
    assert await listed(api, rival, q="ana") == []  # never another business's


async def test_the_inbox_page_shows_last_messages_unread_marks_and_the_not_answered_filter(
    api: TestClient, owner: SignedUp
) -> None:
    people = await three_customers(api, owner)
    await form_login(api, owner)
    html = await (await api.get("/inbox")).text()
    ben = re.search(r'<li data-conversation="' + people["Ben Ode"].id + r'" class="([^"]*)">(.*?)</li>', html, re.S)
    assert ben is not None and "unread" in ben.group(1)
    assert '<div class="preview" data-field="preview">Is the mat washable?</div>' in ben.group(2)
    assert re.search(r'data-field="unread">1 new<', ben.group(2))
    assert '<div class="preview" data-field="preview">Bot: Yes, we do!</div>' in html

    waiting = await (await api.get("/inbox", params={"delivery": "waiting"})).text()
    assert "Ben Ode" in waiting and "Cleo" in waiting and "Ana Lima" not in waiting
    assert '<option value="waiting" selected>Not answered yet</option>' in waiting
    found = await (await api.get("/inbox", params={"q": "porto"})).text()
    assert "Ana Lima" in found and "Ben Ode" not in found
    nothing = await (await api.get("/inbox", params={"q": "zebra"})).text()
    assert "No conversation has “zebra” in a name or a message." in nothing

    opened = await api.get(f"/conversations/{people['Ben Ode'].id}")
    assert opened.status == 200
    html = await (await api.get("/inbox")).text()
    ben = re.search(r'<li data-conversation="' + people["Ben Ode"].id + r'" class="([^"]*)">', html)
    assert ben is not None and "unread" not in ben.group(1)


async def test_the_inbox_pages_in_twenties_and_shows_more_below(api: TestClient, owner: SignedUp) -> None:
    db, at = platform_of(api).db, datetime.now(UTC) - timedelta(hours=2)
    for n in range(23):
        await seeding.conversation(
            db, owner.tenant_id, "facebook", f"psid-{n:02d}", at=at + timedelta(minutes=n), name=f"Guest {n:02d}"
        )
    await form_login(api, owner)
    first = await (await api.get("/inbox")).text()
    assert first.count("<li data-conversation=") == 20
    more = re.search(r'<a [^>]*href="(/inbox\?page=2)" data-load-more="\[data-live-list\]">Show older</a>', first)
    assert more is not None
    second = await (await api.get(more.group(1))).text()
    assert second.count("<li data-conversation=") == 3 and "data-load-more" not in second


async def test_the_leads_page_shows_twenty_and_more_on_demand(api: TestClient, owner: SignedUp) -> None:
    db, at = platform_of(api).db, datetime.now(UTC) - timedelta(hours=2)
    for n in range(21):
        conversation = await seeding.conversation(db, owner.tenant_id, "facebook", f"psid-{n:02d}", at=at, name=f"Guest {n:02d}")
        await seeding.lead(db, conversation, at=at, score=50 + n)
    await form_login(api, owner)
    html = await (await api.get("/leads")).text()
    assert html.count("<tr data-key=") == 20
    assert re.search(r'href="[^"]*page=2[^"]*" data-load-more="\[data-rows\]">Show more</a>', html)


async def next_event(response) -> dict:
    while True:
        chunk = (await asyncio.wait_for(response.content.readuntil(b"\r\n\r\n"), 10)).decode()
        if "event: conversation" in chunk:
            return json.loads(chunk.split("data: ", 1)[1].strip())


async def test_a_take_over_reaches_open_pages_with_the_rows_time_as_pages_write_it(api: TestClient, owner: SignedUp) -> None:
    owner_app_of(api.app)[LIVE].poll_s = 0.05
    db = platform_of(api).db
    await seeding.time_zone(db, owner.tenant_id, "Asia/Tokyo")
    at = datetime.now(UTC) - timedelta(days=3)
    conversation = await seeding.conversation(db, owner.tenant_id, "facebook", "psid-1", at=at, name="Dana")
    await form_login(api, owner)
    response = await api.get("/live/events")
    assert b"event: ready" in await response.content.readuntil(b"\r\n\r\n")

    await take_over(db, owner.tenant_id, conversation.id)
    event = await next_event(response)
    assert (event["id"], event["status"], event["new_message"]) == (conversation.id, "human", False)
    html = await (await api.get("/inbox")).text()
    shown = re.search(r'data-field="time" datetime="[^"]+">([^<]+)</time>', html)
    assert shown is not None and event["time_text"] == shown.group(1)  # e.g. "Feb 27, 18:00", Tokyo time

    csrf = await session_csrf(api)
    assert (await api.post(f"/conversations/{conversation.id}/release", data={"csrf_token": csrf})).status == 200
    event = await next_event(response)
    assert (event["status"], event["new_message"]) == ("bot", False)

    said = await customer_says(api, conversation, "Still there?", datetime.now(UTC), mid="mid.9")
    event = await next_event(response)
    assert (event["new_message"], event["preview"], event["unread"]) == (True, "Still there?", "1 new")
    assert event["time_text"] == said.at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    response.close()


async def test_the_thread_says_whether_the_bot_waits_silently_or_keeps_answering_meanwhile(
    api: TestClient, owner: SignedUp
) -> None:
    db, at = platform_of(api).db, datetime.now(UTC) - timedelta(hours=1)
    asked = await seeding.conversation(db, owner.tenant_id, "facebook", "psid-asked", at=at, name="Asked Person")
    unknown = await seeding.conversation(db, owner.tenant_id, "facebook", "psid-unknown", at=at, name="Odd Question")
    await update_conversation(db, owner.tenant_id, asked.id, status=ConversationStatus.handoff, handoff_cause=HandoffCause.person)
    await update_conversation(
        db, owner.tenant_id, unknown.id, status=ConversationStatus.handoff, handoff_cause=HandoffCause.unanswered
    )
    await form_login(api, owner)
    waiting = await (await api.get(f"/conversations/{asked.id}")).text()
    assert "The customer asked for a person. The bot is waiting" in waiting
    answering = await (await api.get(f"/conversations/{unknown.id}")).text()
    assert "It keeps answering their other questions until you reply." in answering
    assert "The customer asked for a person" not in answering
    detail = await (await api.get(f"/api/conversations/{unknown.id}", headers=owner.auth)).json()
    assert detail["status"] == "handoff" and detail["handoff_cause"] == "unanswered"
