"""How the platform behaves toward each channel: echoes, people taking over, Graph errors, statuses, receipts."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    IG_ACCOUNT_ID,
    PAGE_ID,
    WA_PHONE_ID,
    connect_channel,
    conversation_of,
    eventually,
    instagram_text,
    messenger_echo,
    messenger_receipt,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
    whatsapp_delivery,
    whatsapp_status,
    whatsapp_value,
)

OUR_APP_ID = "111222333"


async def _answered_customer(client, fake, redis, psid: str, sends: int = 1) -> None:
    await remember_customer(redis, "facebook", PAGE_ID, psid)
    await post_webhook(client, "messenger", messenger_text("How much is the pass?", psid=psid))
    await fake.wait_for_sends(sends)


def _out_messages(detail: dict) -> list[dict]:
    return [m for m in detail["messages"] if m["direction"] == "out"]


async def test_echo_of_our_own_send_is_not_answered_or_stored_as_customer_text(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await post_webhook(
        platform_client,
        "messenger",
        messenger_echo("Hi! The pass is $49.", "PSID_ECHO", app_id=OUR_APP_ID, metadata="salesbot:turn_x"),
    )
    await settled(redis)
    assert fake.sends() == []
    detail = await conversation_of(platform_client, tenant, "PSID_ECHO")
    assert detail is None or [m for m in detail["messages"] if m["direction"] == "in"] == []


async def test_person_answering_from_inbox_pauses_the_bot_until_release(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await _answered_customer(platform_client, fake, redis, "PSID_HUMAN")

    await post_webhook(
        platform_client, "messenger", messenger_echo("Hey, Sam from the studio here", "PSID_HUMAN", app_id="263902037430900")
    )
    detail = await eventually(lambda: _status_is(platform_client, tenant, "PSID_HUMAN", "human"), what="status human")
    assert [m["sender"] for m in _out_messages(detail)] == ["bot", "human"]

    await post_webhook(platform_client, "messenger", messenger_text("Thanks Sam, see you Monday", psid="PSID_HUMAN"))
    await settled(redis)
    assert len(fake.sends()) == 1

    response = await platform_client.post(f"/api/conversations/{detail['id']}/release", headers=tenant.headers)
    assert response.status == 200
    assert (await response.json())["status"] == "bot"
    await post_webhook(platform_client, "messenger", messenger_text("One more question: is there parking?", psid="PSID_HUMAN"))
    await fake.wait_for_sends(2)


async def _status_is(client, tenant, customer: str, status: str) -> dict | None:
    detail = await conversation_of(client, tenant, customer)
    return detail if detail and detail["status"] == status else None


async def test_rate_limited_send_is_retried_and_sent_once(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    fake.fail_next = [(429, {"error": {"message": "Application request limit reached", "code": 4}})]
    await _answered_customer(platform_client, fake, redis, "PSID_429", sends=2)
    await settled(redis)

    assert len(fake.sends()) == 2  # the refused attempt and the one that went out
    detail = await eventually(lambda: conversation_of(platform_client, tenant, "PSID_429"), what="conversation")
    assert [m["delivery"] for m in _out_messages(detail)] == ["sent"]


async def test_expired_page_token_marks_the_channel_for_reconnect(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    fake.fail_next = [
        (
            400,
            {
                "error": {
                    "message": "Error validating access token: Session has expired",
                    "type": "OAuthException",
                    "code": 190,
                    "error_subcode": 463,
                }
            },
        )
    ]
    await _answered_customer(platform_client, fake, redis, "PSID_190")

    async def channel_status() -> str | None:
        data = await (await platform_client.get("/api/channels", headers=tenant.headers)).json()
        [channel] = [c for c in data["channels"] if c["account_id"] == PAGE_ID]
        return channel["status"] if channel["status"] == "needs_reconnect" else None

    assert await eventually(channel_status, what="needs_reconnect") == "needs_reconnect"
    assert len(fake.sends()) == 1


async def test_window_error_is_not_retried_and_shows_on_the_conversation(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    fake.fail_next = [
        (
            400,
            {
                "error": {
                    "message": "This message is sent outside of allowed window.",
                    "type": "OAuthException",
                    "code": 10,
                    "error_subcode": 2018278,
                }
            },
        )
    ]
    await _answered_customer(platform_client, fake, redis, "PSID_WINDOW")

    async def with_error() -> dict | None:
        detail = await conversation_of(platform_client, tenant, "PSID_WINDOW")
        return detail if detail and detail.get("last_error") else None

    detail = await eventually(with_error, what="last_error")
    assert detail["last_error"]["code"] == 10 or "window" in detail["last_error"]["message"]
    await settled(redis)
    assert len(fake.sends()) == 1
    data = await (await platform_client.get("/api/channels", headers=tenant.headers)).json()
    assert [c["status"] for c in data["channels"]] != ["needs_reconnect"]  # a window error is not an auth problem


@pytest.mark.usefixtures("redis")
async def test_whatsapp_is_answered_by_bearer_send_and_failed_status_shows_on_conversation(platform_client, graph):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await connect_channel(platform_client, tenant, "whatsapp", WA_PHONE_ID, token="EAAwhatsapp-token-555")
    await post_webhook(
        platform_client, "whatsapp", whatsapp_delivery(whatsapp_value([("15551230000", "wamid.IN1", "How much is the pass?")]))
    )

    [call] = await fake.wait_for_sends(1)
    assert call.path.endswith(f"/{WA_PHONE_ID}/messages")
    assert call.headers["Authorization"] == "Bearer EAAwhatsapp-token-555"
    assert "access_token" not in call.query
    assert call.json["to"] == "15551230000" and call.json["text"]["body"]

    await post_webhook(
        platform_client,
        "whatsapp",
        whatsapp_status("wamid.OUT1", "15551230000", "failed", error_code=131047, error_title="Re-engagement message"),
    )

    async def with_error() -> dict | None:
        detail = await conversation_of(platform_client, tenant, "15551230000")
        return detail if detail and detail.get("last_error") else None

    detail = await eventually(with_error, what="last_error")
    assert detail["last_error"]["code"] == 131047
    assert [m["delivery"] for m in _out_messages(detail)] == ["failed"]


async def test_instagram_is_answered_through_the_page_send_api(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await connect_channel(platform_client, tenant, "instagram", IG_ACCOUNT_ID, token="EAAinstagram-token-777")
    await remember_customer(redis, "instagram", IG_ACCOUNT_ID, "IGSID_1")
    await post_webhook(platform_client, "instagram", instagram_text("price of the yoga pass?", igsid="IGSID_1"))

    [call] = await fake.wait_for_sends(1)
    assert call.path.endswith("/me/messages")
    assert call.query["access_token"] == "EAAinstagram-token-777"
    assert call.json["recipient"] == {"id": "IGSID_1"}
    detail = await conversation_of(platform_client, tenant, "IGSID_1")
    assert detail["platform"] == "instagram"


async def test_receipts_move_delivery_forward_and_never_back(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await _answered_customer(platform_client, fake, redis, "PSID_RCPT")
    sent_mid = "m_out_1"  # the fake Graph's id for its first send

    async def delivery_is(state: str):
        detail = await conversation_of(platform_client, tenant, "PSID_RCPT")
        outs = _out_messages(detail) if detail else []
        return outs if outs and outs[-1]["delivery"] == state else None

    await eventually(lambda: delivery_is("sent"), what="sent")
    await post_webhook(platform_client, "messenger", messenger_receipt("delivery", "PSID_RCPT", mids=[sent_mid]))
    await eventually(lambda: delivery_is("delivered"), what="delivered")
    await post_webhook(platform_client, "messenger", messenger_receipt("read", "PSID_RCPT"))
    await eventually(lambda: delivery_is("read"), what="read")
    await post_webhook(platform_client, "messenger", messenger_receipt("delivery", "PSID_RCPT", mids=[sent_mid]))
    await settled(redis)
    assert await delivery_is("read")
    assert len(fake.sends()) == 1  # receipts are never answered


async def test_whatsapp_statuses_never_downgrade_read(platform_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    await connect_channel(platform_client, tenant, "whatsapp", WA_PHONE_ID)
    await post_webhook(platform_client, "whatsapp", whatsapp_delivery(whatsapp_value([("15559870000", "wamid.IN2", "hello")])))
    await fake.wait_for_sends(1)

    async def delivery() -> str:
        detail = await conversation_of(platform_client, tenant, "15559870000")
        outs = _out_messages(detail) if detail else []
        return outs[-1]["delivery"] if outs else ""

    await eventually(lambda: _equals(delivery(), "sent"), what="sent")
    await post_webhook(platform_client, "whatsapp", whatsapp_status("wamid.OUT1", "15559870000", "read"))
    await eventually(lambda: _equals(delivery(), "read"), what="read")
    await post_webhook(platform_client, "whatsapp", whatsapp_status("wamid.OUT1", "15559870000", "delivered"))
    await settled(redis)
    assert await delivery() == "read"


async def _equals(value, expected: str) -> bool:
    return await value == expected
