"""Comments under the page's posts and ads, from the signed webhook to the conversation they open: a matching
comment gets one private reply (and the public one the campaign asks for), a second delivery of it nothing more;
comments that do not match, the page's own, edits and old ones get nothing; Meta's refusal (10903) is not retried
and the owner reads why. The fake Graph takes one private reply per comment, within 7 days, as Meta does."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.dashboard.test_pages import hidden_token
from tests.e2e.conftest import (
    CAMPAIGN,
    IG_ACCOUNT_ID,
    PAGE_ID,
    Tenant,
    connect_channel,
    conversation_of,
    eventually,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
    signup,
)
from tests.e2e.test_delivery_failures import META_DOWN, Platform, platform  # noqa: F401 (the quick worker's fixture)

PRIVATE = "Hi! The Yoga Pass is $49 a month. Want me to hold one for you?"
PUBLIC = "Thanks! We sent you a message."
RULES = {"keywords": ["price", "precio", "价格"], "private_reply": PRIVATE, "public_reply": PUBLIC}
POST = "555000111"


def comment_campaign(**rules: Any) -> dict[str, Any]:
    return {**CAMPAIGN, "target_platform": "all", "comment_rules": {**RULES, **rules}}


def feed_comment(
    text: str,
    *,
    comment_id: str = "",
    author: str = "1440971912666228",
    verb: str = "add",
    written: float | None = None,
    page_id: str = PAGE_ID,
) -> tuple[dict[str, Any], str]:
    """A Facebook `feed` delivery of a top-level comment (its parent is the post), as Meta sends it."""
    comment_id = comment_id or f"{POST}_{uuid.uuid4().int % 10**15}"
    post_id = f"{page_id}_{POST}"
    value = {
        "from": {"id": author, "name": "Ana Ruiz"},
        "post": {"status_type": "mobile_status_update", "is_published": True, "id": post_id},
        "message": text,
        "post_id": post_id,
        "comment_id": comment_id,
        "created_time": int(written if written is not None else time.time()),
        "item": "comment",
        "parent_id": post_id,
        "verb": verb,
    }
    body = {
        "object": "page",
        "entry": [{"id": page_id, "time": int(time.time()), "changes": [{"value": value, "field": "feed"}]}],
    }
    return body, comment_id


async def replies_listed(client, tenant: Tenant) -> list[dict[str, Any]]:
    response = await client.get("/api/comments/replies", headers=tenant.headers)
    assert response.status == 200, await response.text()
    return (await response.json())["replies"]


async def log_in(client, email: str) -> None:
    token = hidden_token(await (await client.get("/login")).text())
    await client.post("/login", data={"email": email, "password": "correct horse battery", "csrf_token": token})


async def owner_sees_the_comment_in_the_thread(client, email: str, conversation_id: str) -> None:
    """The owner's page of the conversation: where it came from, its post, its campaign and the comment itself;
    and the campaigns page's list of comments answered, leading to it."""
    await log_in(client, email)
    campaigns = await (await client.get("/campaigns")).text()
    assert f'<a href="/conversations/{conversation_id}">Sent: see the conversation</a>' in campaigns
    html = await (await client.get(f"/conversations/{conversation_id}")).text()
    assert f"From a comment · Post or ad {PAGE_ID}_{POST}" in html
    assert "Spring yoga pass" in html  # the campaign
    assert "Comment under the post" in html and "What&#39;s the PRICE of the pass?" in html


async def test_a_matching_comment_gets_one_private_reply_that_opens_a_conversation_which_continues(platform_client, graph, redis):
    client, (fake, _) = platform_client, graph
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    tenant = await seeded_tenant(client, campaign=comment_campaign(), email=email)
    body, comment_id = feed_comment("What's the PRICE of the pass?")
    fake.comment_times[comment_id] = time.time() - 3600
    await post_webhook(client, "messenger", body)

    [private] = await fake.wait_for_sends(1)
    assert private.path == f"/v21.0/{PAGE_ID}/messages"
    assert private.json["recipient"] == {"comment_id": comment_id}
    assert private.json["message"]["text"] == PRIVATE
    await eventually(lambda: fake.public_replies(), what="the public reply")
    [public] = fake.public_replies()
    assert (public.path, public.json) == (f"/v21.0/{comment_id}/comments", {"message": PUBLIC})

    # Meta delivers an ad's comment twice: the second delivery sends nothing.
    await post_webhook(client, "messenger", body)
    await settled(redis)
    assert len(fake.private_replies()) == 1 and len(fake.public_replies()) == 1

    psid = f"PSID_{comment_id}"  # the commenter, as the private reply's answer names them
    detail = await eventually(lambda: conversation_of(client, tenant, psid), what="the comment's conversation")
    assert detail["source"] == {
        "kind": "comment",
        "ad_id": "",
        "post_id": f"{PAGE_ID}_{POST}",
        "comment_id": comment_id,
        "ctwa_clid": "",
        "headline": "",
    }
    campaigns = await (await client.get("/api/campaigns", headers=tenant.headers)).json()
    assert detail["campaign_id"] == campaigns["campaigns"][0]["id"]
    shown = [(m["direction"], m["text"], m.get("comment")) for m in detail["messages"]]
    assert shown == [("in", "What's the PRICE of the pass?", True), ("out", PRIVATE, None)]
    [listed] = await replies_listed(client, tenant)
    assert (listed["state"], listed["conversation_id"], listed["public_reply"]) == ("sent", detail["id"], "sent")
    # The post's own figures: the comment counted once however often Meta sent it, its private reply, the conversation.
    post = await (await client.get(f"/api/ads/{PAGE_ID}_{POST}", headers=tenant.headers)).json()
    totals = post["totals"]
    assert (post["kind"], totals["comments"], totals["private_replies"], totals["conversations"]) == ("post", 1, 1, 1)
    await owner_sees_the_comment_in_the_thread(client, email, detail["id"])

    # The customer answers the private message: the same conversation goes on, answered by the bot.
    await remember_customer(redis, "facebook", PAGE_ID, psid)
    await post_webhook(client, "messenger", messenger_text("Yes please, how do I pay?", psid=psid))
    await fake.wait_for_sends(2)
    assert fake.sends()[-1].json["recipient"] == {"id": psid}
    detail = await eventually(
        lambda: conversation_of(client, tenant, psid),
        what="the answer in the comment's conversation",
    )
    assert [m["text"] for m in detail["messages"] if m["direction"] == "in"][-1] == "Yes please, how do I pay?"
    assert detail["source"]["kind"] == "comment"


async def test_comments_that_do_not_match_or_are_the_pages_own_or_edited_or_old_get_nothing(platform_client, graph, redis):
    client, (fake, _) = platform_client, graph
    tenant = await seeded_tenant(client, campaign=comment_campaign())
    eight_days_ago = time.time() - 8 * 24 * 3600
    for body, _ in (
        feed_comment("Lovely class yesterday!"),
        feed_comment("price?", author=PAGE_ID),  # the page answering under its own post
        feed_comment("price?", verb="edited"),
        feed_comment("price?", written=eight_days_ago),
    ):
        await post_webhook(client, "messenger", body)
    await settled(redis)
    assert fake.private_replies() == [] and fake.public_replies() == []
    assert await replies_listed(client, tenant) == []


async def test_keywords_match_in_any_language_and_posts_can_be_chosen(platform_client, graph, redis):
    client, (fake, _) = platform_client, graph
    await seeded_tenant(client, campaign=comment_campaign(post_ids=[POST]))
    chinese, chinese_id = feed_comment("这个价格多少？")
    elsewhere = feed_comment("price?")[0]
    elsewhere["entry"][0]["changes"][0]["value"]["post_id"] = f"{PAGE_ID}_999"
    await post_webhook(client, "messenger", elsewhere)
    await post_webhook(client, "messenger", chinese)
    await settled(redis)
    assert [c.json["recipient"]["comment_id"] for c in fake.private_replies()] == [chinese_id]


async def test_a_comment_meta_will_not_let_us_answer_is_tried_once_and_the_owner_reads_why(platform_client, graph, redis):
    client, (fake, _) = platform_client, graph
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    tenant = await seeded_tenant(client, campaign=comment_campaign(public_reply=""), email=email)
    body, comment_id = feed_comment("precio?")
    fake.unreplyable.add(comment_id)
    await post_webhook(client, "messenger", body)
    await settled(redis)
    await post_webhook(client, "messenger", body)
    await settled(redis)
    assert len(fake.private_replies()) == 1  # 10903 is final: neither the queue nor the redelivery tries again
    [listed] = await replies_listed(client, tenant)
    assert (listed["state"], listed["error_code"], listed["conversation_id"]) == ("failed", 10903, None)
    assert listed["reason"] == "This person cannot receive a private reply from you on Facebook."
    await log_in(client, email)
    campaigns = await (await client.get("/campaigns")).text()
    assert "This person cannot receive a private reply from you on Facebook." in campaigns
    rival = await signup(client)
    assert await replies_listed(client, rival) == []  # another business sees none of it


async def test_a_reply_meta_could_not_take_yet_is_sent_by_the_retry_exactly_once(platform_client, graph, redis):
    client, (fake, _) = platform_client, graph
    tenant = await seeded_tenant(client, campaign=comment_campaign(public_reply=""))
    fake.fail_next.append((500, {"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": True}}))
    fake.fail_next.append((500, {"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": True}}))
    fake.fail_next.append((500, {"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": True}}))
    body, comment_id = feed_comment("price please")
    await post_webhook(client, "messenger", body)

    async def sent() -> list[dict[str, Any]]:
        return [r for r in await replies_listed(client, tenant) if r["state"] == "sent"]

    await eventually(sent, timeout=30, what="the private reply sent on a later attempt")
    await settled(redis)
    assert len(fake.replied_comments) == 1 and comment_id in fake.replied_comments
    assert sum(1 for c in fake.private_replies() if c.json["recipient"]["comment_id"] == comment_id) >= 2


async def test_an_instagram_comment_gets_its_private_reply_from_the_account_and_its_public_one_under_it(
    platform_client, graph, redis
):
    client, (fake, _) = platform_client, graph
    tenant = await seeded_tenant(client, campaign=comment_campaign())
    await connect_channel(client, tenant, "instagram", IG_ACCOUNT_ID)
    value = {
        "from": {"id": "2105722729836161", "username": "ana.ruiz"},
        "media": {"id": "18172143295349192", "media_product_type": "FEED", "ad_id": "6011", "ad_title": "Spring"},
        "id": "17919697626119712",
        "text": "¿Cuál es el precio?",
    }
    # Meta's documented shape has no `changes[]`; an ad's comment comes twice.
    bare = {
        "object": "instagram",
        "entry": [{"id": IG_ACCOUNT_ID, "time": int(time.time()), "field": "comments", "value": value}],
    }
    wrapped = {
        "object": "instagram",
        "entry": [{"id": IG_ACCOUNT_ID, "time": int(time.time()), "changes": [{"field": "comments", "value": value}]}],
    }
    await post_webhook(client, "instagram", bare)
    await post_webhook(client, "instagram", wrapped)
    await settled(redis)
    [private] = fake.private_replies()
    assert private.path == f"/v21.0/{IG_ACCOUNT_ID}/messages"
    assert private.json["recipient"] == {"comment_id": "17919697626119712"}
    [public] = fake.public_replies()
    assert public.path == "/v21.0/17919697626119712/replies"
    detail = await conversation_of(client, tenant, "PSID_17919697626119712")
    assert detail is not None and detail["platform"] == "instagram"
    assert (detail["source"]["kind"], detail["source"]["ad_id"], detail["source"]["post_id"]) == (
        "comment",
        "6011",
        "18172143295349192",
    )


@pytest.mark.usefixtures("redis")
async def test_a_comment_whose_delivery_is_given_up_shows_the_owner_it_got_no_reply(platform: Platform):  # noqa: F811
    client, fake = platform.client, platform.fake
    tenant = await seeded_tenant(client, campaign=comment_campaign(public_reply=""))
    fake.failing = META_DOWN
    body, comment_id = feed_comment("price?")
    await post_webhook(client, "messenger", body)

    async def given_up() -> list[dict[str, Any]]:
        return [r for r in await replies_listed(client, tenant) if r["state"] == "failed"]

    [listed] = await eventually(given_up, timeout=60, what="the comment's delivery given up")
    assert listed["comment_id"] == comment_id and "got no private reply" in listed["reason"]
    assert fake.replied_comments == set()


async def test_a_public_reply_meta_could_not_take_is_sent_by_the_retry_once_after_a_look_under_the_comment(
    platform_client, graph, redis
):
    client, (fake, _) = platform_client, graph
    tenant = await seeded_tenant(client, campaign=comment_campaign())
    fake.answers_by = PAGE_ID
    body, comment_id = feed_comment("price?")
    unavailable = (503, {"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": True}})

    async def then_meta_is_down(call, message_id: str) -> None:  # noqa: ARG001 # every on_send hook is given the message id
        # Once the private reply is taken, Meta fails every attempt of the public one within this delivery.
        if "comment_id" in (call.json.get("recipient") or {}):
            fake.fail_next.extend([unavailable] * 6)

    fake.on_send = then_meta_is_down
    await post_webhook(client, "messenger", body)

    async def public_sent() -> bool:
        return [r["public_reply"] for r in await replies_listed(client, tenant)] == ["sent"]

    await eventually(public_sent, timeout=60, what="the public reply sent by the delivery's retry")
    await settled(redis)
    assert fake.answered_comments == [comment_id]  # taken once
    assert any(c.method == "GET" and c.path.endswith(f"/{comment_id}/comments") for c in fake.calls)
    assert len(fake.private_replies()) == 1
