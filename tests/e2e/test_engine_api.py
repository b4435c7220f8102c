"""The owner's API around live conversations: handoff, opt-out, sales, leads, tenant walls, platform scoping, Leo.

Every test drives the real webhooks and owner endpoints with the background worker on; the only fake is
Meta's Graph API, which records what the customer would have received.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.e2e.conftest import (
    CAMPAIGN,
    Tenant,
    conversation_with,
    instagram_text,
    post_messenger,
    seeded_tenant,
    signed,
    signup,
    today_analytics,
    until_passes,
    wait_for_texts,
)


async def _status(client, tenant: Tenant, conversation_id: str, expected: str) -> dict[str, Any]:
    async def check() -> dict[str, Any]:
        detail = await (await client.get(f"/api/conversations/{conversation_id}", headers=tenant.headers)).json()
        assert detail["status"] == expected, f"status {detail['status']}, expected {expected}"
        return detail

    return await until_passes(check)


async def _campaign_id(client, tenant: Tenant, name: str) -> str:
    campaigns = (await (await client.get("/api/campaigns", headers=tenant.headers)).json())["campaigns"]
    return next(c["id"] for c in campaigns if c["name"] == name)


def _recipients(fake) -> list[str]:
    return [call.json["recipient"]["id"] for call in fake.sends() if (call.json.get("message") or {}).get("text")]


# 1. Handoff --------------------------------------------------------------------------------------------------


async def test_handoff_takeover_human_reply_and_release(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)

    await post_messenger(client, "can I talk to a human?", psid="PSID_HANDOFF")
    [handoff_text] = await wait_for_texts(fake, 1)
    assert "person" in handoff_text.lower() and "take over" in handoff_text.lower(), handoff_text
    conversation = await conversation_with(client, tenant, "PSID_HANDOFF", inbound=1)
    cid = conversation["id"]
    await _status(client, tenant, cid, "handoff")

    # While a person is wanted, the bot says nothing; the message waits for the person.
    await post_messenger(client, "hello? how much is the yoga pass?", psid="PSID_HANDOFF")
    detail = await conversation_with(client, tenant, "PSID_HANDOFF", inbound=2)
    assert detail["messages"][-1]["direction"] == "in" and detail["messages"][-1]["state"] == "held"
    assert fake.texts() == [handoff_text]

    response = await client.post(f"/api/conversations/{cid}/takeover", headers=tenant.headers)
    assert response.status == 200
    assert (await response.json())["status"] == "human"

    response = await client.post(
        f"/api/conversations/{cid}/reply", json={"text": "Hi, Sam here. It's 49 USD a month."}, headers=tenant.headers
    )
    assert response.status == 201, await response.text()
    sent = await response.json()
    assert sent["sender"] == "human" and sent["delivery"] == "sent"
    texts = await wait_for_texts(fake, 2)
    assert texts[-1] == "Hi, Sam here. It's 49 USD a month."
    assert _recipients(fake)[-1] == "PSID_HANDOFF"
    detail = await (await client.get(f"/api/conversations/{cid}", headers=tenant.headers)).json()
    assert [(m["direction"], m["sender"]) for m in detail["messages"]][-1] == ("out", "human")
    assert detail["status"] == "human"

    response = await client.post(f"/api/conversations/{cid}/release", headers=tenant.headers)
    assert response.status == 200
    assert (await response.json())["status"] == "bot"

    await post_messenger(client, "How much is the yoga pass?", psid="PSID_HANDOFF")
    texts = await wait_for_texts(fake, 3)
    assert "49" in texts[-1]
    detail = await conversation_with(client, tenant, "PSID_HANDOFF", inbound=3)
    assert detail["messages"][-1]["direction"] == "out" and detail["messages"][-1]["sender"] == "bot"
    assert len(fake.texts()) == 3


async def test_taken_over_conversation_stays_silent_until_released(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    await post_messenger(client, "hi", psid="PSID_QUIET")
    await wait_for_texts(fake, 1)
    cid = (await conversation_with(client, tenant, "PSID_QUIET", inbound=1))["id"]

    assert (await client.post(f"/api/conversations/{cid}/takeover", headers=tenant.headers)).status == 200
    await post_messenger(client, "How much is the yoga pass?", psid="PSID_QUIET")
    detail = await conversation_with(client, tenant, "PSID_QUIET", inbound=2)
    assert detail["messages"][-1]["state"] == "held"
    assert len(fake.texts()) == 1


# 2. Opt-out --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop", "start"),
    [
        ("STOP", "START"),
        ("Stop please", "resume"),
        ("PARAR", "EMPEZAR"),
        ("BAJA", "ALTA"),
        ("Darme de baja", "reanudar"),
        ("SAIR", "COMEÇAR"),
        ("Pare", "voltar"),
    ],
)
async def test_opt_out_silences_the_bot_until_opt_in(platform_client, graph, stop, start):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)

    await post_messenger(client, stop, psid="PSID_OPT")
    [confirmation] = await wait_for_texts(fake, 1)
    assert "START" in confirmation or "EMPEZAR" in confirmation or "COMEÇAR" in confirmation, confirmation
    cid = (await conversation_with(client, tenant, "PSID_OPT", inbound=1))["id"]
    await _status(client, tenant, cid, "opted_out")

    for later in ("How much is the yoga pass?", stop):
        await post_messenger(client, later, psid="PSID_OPT")
    detail = await conversation_with(client, tenant, "PSID_OPT", inbound=3)
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"][1:] == ["skipped", "skipped"]
    assert fake.texts() == [confirmation], "an opted-out customer got more messages"

    await post_messenger(client, start, psid="PSID_OPT")
    texts = await wait_for_texts(fake, 2)
    assert texts[-1] != confirmation
    await _status(client, tenant, cid, "bot")
    await post_messenger(client, "How much is the yoga pass?", psid="PSID_OPT")
    texts = await wait_for_texts(fake, 3)
    assert "49" in texts[-1]


async def test_opt_out_is_counted_and_release_keeps_it(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    await post_messenger(client, "STOP", psid="PSID_OPT2")
    await wait_for_texts(fake, 1)
    cid = (await conversation_with(client, tenant, "PSID_OPT2", inbound=1))["id"]
    await _status(client, tenant, cid, "opted_out")

    # A person taking over and handing back must not resubscribe the customer.
    assert (await client.post(f"/api/conversations/{cid}/takeover", headers=tenant.headers)).status == 200
    released = await (await client.post(f"/api/conversations/{cid}/release", headers=tenant.headers)).json()
    assert released["status"] in ("opted_out", "bot")
    await post_messenger(client, "How much is the yoga pass?", psid="PSID_OPT2")
    await conversation_with(client, tenant, "PSID_OPT2", inbound=2)
    assert len(fake.texts()) == 1, f"an opted-out customer was messaged after takeover/release: {fake.texts()}"

    async def counted() -> None:
        totals = (await today_analytics(client, tenant))["totals"]
        assert totals["opt_outs"] == 1, totals

    await until_passes(counted)


# 3. Conversions ----------------------------------------------------------------------------------------------


async def test_conversion_counts_once_per_idempotency_key_and_feeds_analytics(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    campaign_id = await _campaign_id(client, tenant, CAMPAIGN["name"])

    await post_messenger(client, "How much is the yoga pass?", psid="PSID_BUY")
    await wait_for_texts(fake, 1)
    await post_messenger(client, "Does it include mat rental?", psid="PSID_BUY")
    await wait_for_texts(fake, 2)
    cid = (await conversation_with(client, tenant, "PSID_BUY", inbound=2))["id"]

    headers = {**tenant.headers, "Idempotency-Key": "order-1001"}
    first = await client.post(f"/api/conversations/{cid}/conversion", json={"value": 49}, headers=headers)
    assert first.status == 201, await first.text()
    second = await client.post(f"/api/conversations/{cid}/conversion", json={"value": 49}, headers=headers)
    assert second.status == 200, await second.text()
    first_body, second_body = await first.json(), await second.json()
    assert first_body["id"] == second_body["id"]
    assert first_body["value"] == 49 and first_body["currency"] == "USD"
    assert first_body["campaign_id"] == campaign_id

    detail = await (await client.get(f"/api/conversations/{cid}", headers=tenant.headers)).json()
    assert detail["lead"]["stage"] == "converted"
    assert detail["lead"]["value"] == 49

    async def settled() -> dict[str, Any]:
        report = await today_analytics(client, tenant)
        assert report["totals"]["messages_out"] == 2, report["totals"]
        return report

    report = await until_passes(settled)
    totals = report["totals"]
    assert totals["conversions"] == 1
    assert totals["revenue"] == {"USD": 49.0}
    assert totals["messages_in"] == 2 and totals["messages_out"] == 2
    assert totals["response_rate"] == 1.0
    assert totals["conversations"] == 1

    [facebook] = [row for row in report["per_platform"] if row["platform"] == "facebook"]
    assert facebook["conversions"] == 1 and facebook["revenue"] == {"USD": 49.0}
    assert facebook["messages_in"] == 2 and facebook["messages_out"] == 2

    [campaign_row] = [row for row in report["per_campaign"] if row["campaign_id"] == campaign_id]
    assert campaign_row["campaign_name"] == CAMPAIGN["name"]
    assert campaign_row["conversions"] == 1 and campaign_row["revenue"] == {"USD": 49.0}
    assert campaign_row["messages_out"] == 2
    # The whole conversation is about this campaign, so its inbound messages belong to it too.
    assert campaign_row["messages_in"] == 2, f"per_campaign splits one conversation's messages: {report['per_campaign']}"
    assert campaign_row["conversations"] == 1, report["per_campaign"]
    assert campaign_row["response_rate"] == 1.0


async def test_conversion_without_key_and_with_a_new_key(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    await post_messenger(client, "How much is the yoga pass?", psid="PSID_TWO")
    await wait_for_texts(fake, 1)
    cid = (await conversation_with(client, tenant, "PSID_TWO", inbound=1))["id"]

    a = await client.post(
        f"/api/conversations/{cid}/conversion", json={"value": 49}, headers={**tenant.headers, "Idempotency-Key": "k1"}
    )
    b = await client.post(
        f"/api/conversations/{cid}/conversion", json={"value": 49}, headers={**tenant.headers, "Idempotency-Key": "k2"}
    )
    assert (a.status, b.status) == (201, 201)
    bad = await client.post(f"/api/conversations/{cid}/conversion", json={"value": -1}, headers=tenant.headers)
    assert bad.status in (400, 422)
    totals = (await today_analytics(client, tenant))["totals"]
    assert totals["conversions"] == 2 and totals["revenue"] == {"USD": 98.0}


# 4. Leads ----------------------------------------------------------------------------------------------------

ANA = "I'm Ana, ana@example.com, +1 415 555 0100, team of 12, budget $500, need it this week"


async def test_lead_fields_score_csv_and_stage_filter(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    await post_messenger(client, ANA, psid="PSID_ANA")
    await wait_for_texts(fake, 1)
    cid = (await conversation_with(client, tenant, "PSID_ANA", inbound=1))["id"]

    response = await client.get("/api/leads", headers=tenant.headers)
    assert response.status == 200
    [lead] = (await response.json())["leads"]
    assert lead["conversation_id"] == cid
    assert lead["name"] == "Ana"
    assert lead["email"] == "ana@example.com"
    assert lead["phone"] == "+14155550100"
    assert lead["team_size"] == 12
    assert lead["budget"].startswith("500.00")
    assert lead["score"] > 0
    assert lead["score_reasons"], lead
    assert lead["timeline"]

    response = await client.get("/api/leads?format=csv", headers=tenant.headers)
    assert response.status == 200
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert len(rows) == 1
    row = rows[0]
    assert row["email"] == "ana@example.com" and row["name"] == "Ana"
    # The phone starts with "+", which the export guards against spreadsheet formulas; the number stays whole.
    assert row["phone"].lstrip("'") == "+14155550100"
    assert int(row["score"]) == lead["score"]

    response = await client.get("/api/leads?stage=bogus", headers=tenant.headers)
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_filter"

    converted = await (await client.get("/api/leads?stage=converted", headers=tenant.headers)).json()
    assert converted["leads"] == []
    await client.post(f"/api/conversations/{cid}/conversion", json={"value": 49}, headers=tenant.headers)
    converted = await (await client.get("/api/leads?stage=converted", headers=tenant.headers)).json()
    assert [item["email"] for item in converted["leads"]] == ["ana@example.com"]


# 5. Tenant isolation -----------------------------------------------------------------------------------------


async def test_tenants_cannot_see_or_touch_each_others_conversations(platform_client, graph):
    fake, _ = graph
    client = platform_client
    alice = await seeded_tenant(client)
    bob = await seeded_tenant(client, page_id="2223334445")
    await post_messenger(client, ANA, psid="PSID_A")
    await post_messenger(client, "hello", psid="PSID_B", page_id="2223334445")
    await wait_for_texts(fake, 2)
    a_conv = await conversation_with(client, alice, "PSID_A", inbound=1)
    await conversation_with(client, bob, "PSID_B", inbound=1)
    cid = a_conv["id"]
    sends_before = len(fake.sends())

    for method, path, body in (
        ("GET", f"/api/conversations/{cid}", None),
        ("POST", f"/api/conversations/{cid}/takeover", None),
        ("POST", f"/api/conversations/{cid}/release", None),
        ("POST", f"/api/conversations/{cid}/reply", {"text": "hi from another business"}),
        ("POST", f"/api/conversations/{cid}/conversion", {"value": 10}),
    ):
        response = await client.request(method, path, json=body, headers=bob.headers)
        assert response.status == 404, f"{method} {path}: {response.status} {await response.text()}"

    assert len(fake.sends()) == sends_before, "another tenant's reply reached the customer"
    after = await (await client.get(f"/api/conversations/{cid}", headers=alice.headers)).json()
    assert after["status"] == "bot"
    assert after["lead"]["stage"] != "converted"

    bob_convs = (await (await client.get("/api/conversations", headers=bob.headers)).json())["conversations"]
    assert [c["customer_id"] for c in bob_convs] == ["PSID_B"]
    bob_leads = (await (await client.get("/api/leads", headers=bob.headers)).json())["leads"]
    assert all(lead["customer_id"] == "PSID_B" for lead in bob_leads)
    assert "ana@example.com" not in await (await client.get("/api/leads?format=csv", headers=bob.headers)).text()
    assert (await today_analytics(client, bob))["totals"]["conversions"] == 0
    alice_convs = (await (await client.get("/api/conversations", headers=alice.headers)).json())["conversations"]
    assert [c["customer_id"] for c in alice_convs] == ["PSID_A"]

    for method, path in (
        ("GET", "/api/conversations"),
        ("GET", f"/api/conversations/{cid}"),
        ("GET", "/api/leads"),
        ("GET", "/api/analytics"),
        ("POST", f"/api/conversations/{cid}/takeover"),
        ("POST", "/api/leo/chat"),
    ):
        response = await client.request(method, path, json={"message": "hi"} if path.endswith("chat") else None)
        assert response.status == 401, f"{method} {path} without a token: {response.status}"
        bad = await client.request(method, path, headers={"Authorization": "Bearer not-a-real-token"})
        assert bad.status == 401, f"{method} {path} with a wrong token: {bad.status}"


# 6. Platform scoping -----------------------------------------------------------------------------------------

GLOW: dict[str, Any] = {
    **CAMPAIGN,
    "name": "Insta glow launch",
    "target_platform": "instagram",
    "product": {
        **CAMPAIGN["product"],
        "name": "Glow Serum",
        "description": "Vitamin C face serum",
        "price": 35.0,
        "features": ["30 ml bottle"],
    },
}
PILATES: dict[str, Any] = {
    **CAMPAIGN,
    "name": "Pilates draft",
    "status": "draft",
    "product": {
        **CAMPAIGN["product"],
        "name": "Pilates Reformer Class",
        "description": "Reformer pilates",
        "price": 77.0,
        "features": ["small groups"],
    },
}
SAUNA: dict[str, Any] = {
    **CAMPAIGN,
    "name": "Sauna winter",
    "status": "paused",
    "product": {
        **CAMPAIGN["product"],
        "name": "Sauna Session",
        "description": "Finnish sauna, 60 minutes",
        "price": 22.0,
        "features": ["towel included"],
    },
}


async def _scoped_tenant(client) -> Tenant:
    tenant = await seeded_tenant(client)
    for campaign in (GLOW, PILATES, SAUNA):
        response = await client.post("/api/campaigns", json=campaign, headers=tenant.headers)
        assert response.status == 201, await response.text()
    return tenant


@pytest.mark.parametrize(
    ("question", "hidden_price", "hidden_name"),
    [
        ("How much is the Glow Serum?", "35", "Glow Serum"),
        ("What's the price of the pilates reformer class?", "77", "Pilates Reformer"),
        ("How much for a sauna session?", "22", "Sauna Session"),
    ],
)
async def test_messenger_customer_never_gets_a_hidden_products_price(platform_client, graph, question, hidden_price, hidden_name):
    fake, _ = graph
    client = platform_client
    await _scoped_tenant(client)
    await post_messenger(client, question, psid="PSID_SCOPE")
    [reply] = await wait_for_texts(fake, 1)
    assert hidden_price not in reply, f"hidden product's price sent on Messenger: {reply!r}"
    await post_messenger(client, "ok, and what do you sell?", psid="PSID_SCOPE")
    texts = await wait_for_texts(fake, 2)
    assert hidden_price not in texts[-1] and hidden_name.lower() not in texts[-1].lower(), texts[-1]


async def test_catalog_question_offers_only_active_campaigns_of_this_platform(platform_client, graph):
    fake, _ = graph
    client = platform_client
    await _scoped_tenant(client)
    await post_messenger(client, "What do you sell?", psid="PSID_CATALOG")
    [reply] = await wait_for_texts(fake, 1)
    lowered = reply.lower()
    assert "yoga pass" in lowered, reply
    for hidden in ("glow serum", "pilates", "sauna", "35", "77", "22"):
        assert hidden not in lowered, f"{hidden!r} offered on Messenger: {reply!r}"


async def test_instagram_customer_gets_the_instagram_price(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await _scoped_tenant(client)
    response = await client.post(
        "/api/channels",
        json={"platform": "instagram", "account_id": "17841400000000001", "access_token": "EAAtest-ig-token-123456"},
        headers=tenant.headers,
    )
    assert response.status == 201, await response.text()
    body, headers = signed(instagram_text("How much is the Glow Serum?", account_id="17841400000000001", igsid="IGSID_1"))
    assert (await client.post("/webhooks/instagram", data=body, headers=headers)).status == 200
    [reply] = await wait_for_texts(fake, 1)
    assert "35" in reply, reply
    assert "77" not in reply and "22" not in reply


# 7. Leo ------------------------------------------------------------------------------------------------------

IG_ACCOUNT = "17841400000000002"


async def _leo(client, tenant: Tenant, message: str) -> str:
    response = await client.post("/api/leo/chat", json={"message": message}, headers=tenant.headers)
    assert response.status == 200, await response.text()
    return (await response.json())["reply"]


async def _busy_tenant(client, fake) -> tuple[Tenant, str]:
    """One Messenger conversation that bought, two Instagram conversations that did not; campaign on every channel."""
    tenant = await seeded_tenant(client, campaign={**CAMPAIGN, "target_platform": "all"})
    response = await client.post(
        "/api/channels",
        json={"platform": "instagram", "account_id": IG_ACCOUNT, "access_token": "EAAtest-ig-token-654321"},
        headers=tenant.headers,
    )
    assert response.status == 201
    await post_messenger(client, "How much is the yoga pass?", psid="PSID_LEO")
    await wait_for_texts(fake, 1)
    for n, igsid in enumerate(("IGSID_A", "IGSID_B"), start=2):
        body, headers = signed(instagram_text("How much is the yoga pass?", account_id=IG_ACCOUNT, igsid=igsid))
        assert (await client.post("/webhooks/instagram", data=body, headers=headers)).status == 200
        await wait_for_texts(fake, n)
    cid = (await conversation_with(client, tenant, "PSID_LEO", inbound=1))["id"]
    for igsid in ("IGSID_A", "IGSID_B"):
        await conversation_with(client, tenant, igsid, inbound=1)
    response = await client.post(f"/api/conversations/{cid}/conversion", json={"value": 49}, headers=tenant.headers)
    assert response.status == 201

    async def settled() -> None:
        totals = (await today_analytics(client, tenant))["totals"]
        assert totals["messages_out"] == 3 and totals["conversations"] == 3, totals

    await until_passes(settled)
    return tenant, cid


async def test_leo_reports_campaign_numbers(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant, _ = await _busy_tenant(client, fake)
    reply = await _leo(client, tenant, "how are my campaigns doing?")
    [line] = [line for line in reply.splitlines() if line.startswith(f"- {CAMPAIGN['name']}:")] or [reply]
    assert "1 sale (conversion rate 33.3%), revenue $49.00" in line, reply
    # All three customers wrote about this campaign (the only one), so its line carries their conversations.
    assert "3 conversations" in line, f"campaign line miscounts the customers: {reply!r}"
    assert "100% of messages answered" in line, reply
    assert "(no campaign)" not in reply, f"messages about the campaign are reported as about none: {reply!r}"


async def test_leo_compares_channels_with_figures(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant, _ = await _busy_tenant(client, fake)
    reply = await _leo(client, tenant, "why does Instagram convert worse?")
    lines = {line.split(":")[0].lstrip("- "): line for line in reply.splitlines()}
    assert "Instagram" in lines and "Messenger" in lines, reply
    assert "2 conversations, 0 sales (conversion rate 0%)" in lines["Instagram"], reply
    assert "1 conversation, 1 sale (conversion rate 100%)" in lines["Messenger"], reply
    assert "100% of messages answered" in lines["Instagram"], reply
    assert any(line.startswith("Instagram converts at 0% against 100% for Messenger") for line in reply.splitlines()), reply


async def test_leo_overview_and_leads_for_a_quiet_tenant(platform_client):
    client = platform_client
    tenant = await signup(client)
    overview = await _leo(client, tenant, "hello Leo")
    assert "0 new conversations" in overview and "no revenue" in overview
    assert "no open leads" in (await _leo(client, tenant, "who are my hot leads?")).lower()
    assert (await client.post("/api/leo/chat", json={"message": ""}, headers=tenant.headers)).status in (400, 422)
