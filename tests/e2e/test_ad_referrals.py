"""An ad's referral, from the signed webhook to the owner's figures: Meta's real referral bodies (Messenger's
`messaging_referrals` and `postback.referral`, WhatsApp's `messages[].referral`) and Instagram's documented one
attribute the conversation and its lead to the ad the moment they arrive; the conversation API shows it, a
Messenger ad conversation may be answered for 7 days, and `GET /api/ads` counts it."""

from __future__ import annotations

import copy
import json
import time
from datetime import timedelta
from typing import Any

import pytest

from bot.conversations import store as convs
from bot.conversations.sending import window_refusal, window_tag
from bot.runtime.host import SERVICES
from tests.conftest import REAL_PAYLOADS
from tests.e2e.conftest import (
    IG_ACCOUNT_ID,
    PAGE_ID,
    connect_channel,
    conversation_of,
    eventually,
    instagram_text,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
)

pytestmark = pytest.mark.skipif(
    not REAL_PAYLOADS.is_dir(),
    reason=f"the real webhook bodies are not here ({REAL_PAYLOADS}); set REAL_PAYLOADS_DIR to run these",
)

WA_REFERRAL_PHONE_ID = "1122334455667"  # the phone_number_id of pywa's referral body


def real(relative: str, name: str = "") -> dict[str, Any]:
    data = json.loads((REAL_PAYLOADS / relative).read_text())
    return copy.deepcopy(data[name] if name else data)


def fresh_messenger(body: dict[str, Any], psid: str) -> dict[str, Any]:
    """A courier Messenger body as it would arrive now, from `psid` (ids and times differ between deliveries)."""
    now = int(time.time() * 1000)
    entry = body["entry"][0]
    entry["time"] = now
    for item in entry["messaging"]:
        item["timestamp"] = now
        item["sender"] = {"id": psid}
    return body


async def source_shown(client, tenant, customer_id: str) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        detail = await conversation_of(client, tenant, customer_id)
        return detail if detail and detail["source"]["kind"] == "ad" else None

    return await eventually(check, what=f"{customer_id}'s conversation attributed to an ad")


async def ads_report(client, tenant) -> dict[str, Any]:
    response = await client.get("/api/ads", headers=tenant.headers)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_a_messenger_ad_click_then_a_message_is_attributed_shown_counted_and_answered_for_7_days(platform_client, redis):
    client = platform_client
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_AD")
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_PLAIN")

    await post_webhook(client, "messenger", fresh_messenger(real("courier/fba/referral.json"), "PSID_AD"))
    detail = await source_shown(client, tenant, "PSID_AD")
    assert detail["source"]["ad_id"] == "ad id"

    await post_webhook(client, "messenger", messenger_text("How much is the yoga pass?", psid="PSID_AD"))
    await post_webhook(client, "messenger", messenger_text("How much is the yoga pass?", psid="PSID_PLAIN"))

    async def answered() -> dict[str, Any] | None:
        detail = await conversation_of(client, tenant, "PSID_AD")
        return detail if detail and detail["lead"] else None

    detail = await eventually(answered, what="the ad conversation's lead")
    assert detail["source"] == {
        "kind": "ad",
        "ad_id": "ad id",
        "post_id": "",
        "comment_id": "",
        "ctwa_clid": "",
        "headline": "",
    }
    assert detail["lead"]["source"]["kind"] == "ad" and detail["lead"]["source"]["ad_id"] == "ad id"
    assert detail["referral"]["ref"] == "referral id"
    await settled(redis)

    # Three days after the customer's last message: the ad's conversation is still inside its 7 days on Messenger,
    # the plain one needs a person's tag and the bot may not write to it.
    db = client.app[SERVICES].db
    ad = await convs.get_conversation(db, tenant.tenant_id, detail["id"])
    plain_detail = await conversation_of(client, tenant, "PSID_PLAIN")
    assert ad is not None and plain_detail is not None and plain_detail["source"]["kind"] == "message"
    plain = await convs.get_conversation(db, tenant.tenant_id, plain_detail["id"])
    assert plain is not None
    later = ad.last_customer_at + timedelta(days=3)
    assert window_refusal(ad, "bot", later) == "" and window_tag(ad, later) == ""
    assert window_refusal(plain, "bot", later) != "" and window_tag(plain, later) == "HUMAN_AGENT"
    assert window_refusal(ad, "bot", ad.last_customer_at + timedelta(days=7, minutes=1)) != ""

    report = await ads_report(client, tenant)
    [row] = report["ads"]
    assert (row["ad_id"], row["conversations"]) == ("ad id", 1)
    assert report["totals"]["conversations"] == 1


async def test_a_get_started_postback_from_an_ad_is_attributed_once_and_a_later_ad_changes_nothing(platform_client, redis):
    client = platform_client
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_POSTBACK")
    first = fresh_messenger(real("courier/fba/postback_referral.json"), "PSID_POSTBACK")
    await post_webhook(client, "messenger", first)
    detail = await source_shown(client, tenant, "PSID_POSTBACK")
    assert detail["source"]["ad_id"] == "ad id"

    later = fresh_messenger(real("courier/fba/referral.json"), "PSID_POSTBACK")
    later["entry"][0]["messaging"][0]["referral"]["ad_id"] = "another ad"
    await post_webhook(client, "messenger", later)
    await post_webhook(client, "messenger", first)  # Meta delivering the first again
    await settled(redis)
    postback = await conversation_of(client, tenant, "PSID_POSTBACK")
    assert postback is not None and postback["source"]["ad_id"] == "ad id"
    assert [row["ad_id"] for row in (await ads_report(client, tenant))["ads"]] == ["ad id"]


async def test_a_click_to_whatsapp_referral_keeps_its_click_id_and_headline(platform_client, redis):
    client = platform_client
    tenant = await seeded_tenant(client)
    await connect_channel(client, tenant, "whatsapp", WA_REFERRAL_PHONE_ID, token="EAAwhatsapp-token-555")
    body = real("pywa/message.json", "referral")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["timestamp"] = str(int(time.time()))
    await post_webhook(client, "whatsapp", body)

    detail = await source_shown(client, tenant, "972987654321")
    assert detail["source"] == {
        "kind": "ad",
        "ad_id": "ADID",
        "post_id": "",
        "comment_id": "",
        "ctwa_clid": "CTWA_CLID",
        "headline": "AD_TITLE",
    }
    await settled(redis)
    [row] = (await ads_report(client, tenant))["ads"]
    assert (row["ad_id"], row["headline"], row["conversations"]) == ("ADID", "AD_TITLE", 1)
    db = client.app[SERVICES].db
    lead = await db.leads.find_one({"tenant_id": tenant.tenant_id, "conversation_id": detail["id"]})
    assert lead is not None and lead["source"]["ctwa_clid"] == "CTWA_CLID"


async def test_an_instagram_ad_message_is_attributed_and_a_link_is_not(platform_client, redis):
    client = platform_client
    tenant = await seeded_tenant(client)
    await connect_channel(client, tenant, "instagram", IG_ACCOUNT_ID, token="EAAinstagram-token-777")
    from_ad = instagram_text("Is the pass still on sale?", igsid="IGSID_AD")
    from_ad["entry"][0]["messaging"][0]["message"]["referral"] = {
        "ref": "",
        "ad_id": "120210000000001",
        "source": "ADS",
        "type": "OPEN_THREAD",
        "ads_context_data": {"ad_title": "Spring yoga pass", "post_id": "POST_1"},
    }
    from_link = instagram_text("Hello", igsid="IGSID_LINK")
    from_link["entry"][0]["messaging"][0]["message"]["referral"] = {"ref": "spring", "source": "SHORTLINK"}
    await remember_customer(redis, "instagram", IG_ACCOUNT_ID, "IGSID_AD")
    await remember_customer(redis, "instagram", IG_ACCOUNT_ID, "IGSID_LINK")
    await post_webhook(client, "instagram", from_ad)
    await post_webhook(client, "instagram", from_link)

    detail = await source_shown(client, tenant, "IGSID_AD")
    assert (detail["source"]["ad_id"], detail["source"]["headline"], detail["source"]["post_id"]) == (
        "120210000000001",
        "Spring yoga pass",
        "POST_1",
    )
    await settled(redis)
    link = await conversation_of(client, tenant, "IGSID_LINK")
    assert link is not None and link["source"]["kind"] == "message" and link["referral"]["ref"] == "spring"
    assert [row["ad_id"] for row in (await ads_report(client, tenant))["ads"]] == ["120210000000001"]
