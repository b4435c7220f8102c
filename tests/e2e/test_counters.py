"""What the day's counters say after real conversations: the first answer and its wait, customers who wrote back,
an owner's reply counted beside the bot's, and days in the business's own time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.conftest import conversation_with, post_messenger, seeded_tenant, today_analytics, until_passes, wait_for_texts


async def test_first_answers_customers_who_write_back_and_owner_replies_are_counted(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)

    await post_messenger(client, "hi, how much is the yoga pass?", psid="PSID_BACK")
    await post_messenger(client, "do you have classes on Saturday?", psid="PSID_ONCE")
    await wait_for_texts(fake, 2)
    await conversation_with(client, tenant, "PSID_BACK", inbound=1)
    # Only one of the two writes again after the bot's first answer.
    await post_messenger(client, "great, and for two people?", psid="PSID_BACK")
    detail = await conversation_with(client, tenant, "PSID_BACK", inbound=2)
    await wait_for_texts(fake, 3)

    response = await client.post(f"/api/conversations/{detail['id']}/takeover", headers=tenant.headers)
    assert response.status == 200
    response = await client.post(
        f"/api/conversations/{detail['id']}/reply", json={"text": "Sam here: 2 passes, 98 USD."}, headers=tenant.headers
    )
    assert response.status == 201, await response.text()

    async def counted() -> dict:
        totals = (await today_analytics(client, tenant))["totals"]
        assert totals["messages_in"] == 3 and totals["messages_out"] == 4, totals
        return totals

    totals = await until_passes(counted)
    assert totals["conversations"] == 2
    assert totals["first_responses"] == 2 and totals["first_response_ms"] >= 0
    assert totals["customers_replied"] == 1
    assert totals["replies_human"] == 1


async def test_messages_count_for_the_businesss_own_day_and_hour(platform_client, graph):
    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    # A business far from UTC: its day starts 14 hours earlier.
    response = await client.put(
        "/api/settings/bot", json={"pause_minutes": 30, "timezone": "Pacific/Kiritimati"}, headers=tenant.headers
    )
    assert response.status == 200, await response.text()
    response = await client.put(
        "/api/settings/bot", json={"pause_minutes": 30, "timezone": "Mars/Olympus"}, headers=tenant.headers
    )
    assert response.status == 422 and "timezone" in (await response.json())["error"]["fields"]

    await post_messenger(client, "hello there", psid="PSID_TZ")
    await wait_for_texts(fake, 1)

    local = datetime.now(ZoneInfo("Pacific/Kiritimati"))
    day = local.date().isoformat()

    async def counted() -> dict:
        response = await client.get(f"/api/analytics?from={day}&to={day}", headers=tenant.headers)
        totals = (await response.json())["totals"]
        assert totals["messages_in"] == 1, totals
        return totals

    totals = await until_passes(counted)
    hours = {f"in_h{h:02d}" for h in (local.hour, (local - timedelta(minutes=1)).hour)}
    assert sum(totals[name] for name in hours) == 1


async def test_an_owner_answering_from_the_phone_or_the_inbox_counts_as_an_answer_once(platform_client, graph, redis):
    from tests.e2e.conftest import PAGE_ID, messenger_echo, post_webhook, remember_customer

    fake, _ = graph
    client = platform_client
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_OWNER")
    await post_messenger(client, "how much is the yoga pass?", psid="PSID_OWNER")
    await wait_for_texts(fake, 1)
    detail = await conversation_with(client, tenant, "PSID_OWNER", inbound=1)

    # The owner answers from the page's inbox; Meta delivers the echo twice.
    echo = messenger_echo("Sam here, the pass is 49 USD", "PSID_OWNER", app_id="263902037430900", mid="m_echo_owner_1")
    await post_webhook(client, "messenger", echo)
    await post_webhook(client, "messenger", echo)

    # The bot steps back; two more customer messages wait for the person, who answers them from the dashboard.
    async def paused() -> None:
        response = await client.get(f"/api/conversations/{detail['id']}", headers=tenant.headers)
        assert (await response.json())["status"] == "human"

    await until_passes(paused)
    await post_messenger(client, "great, can I pay cash?", psid="PSID_OWNER")
    await post_messenger(client, "and is there parking?", psid="PSID_OWNER")

    async def held() -> None:
        response = await client.get(f"/api/conversations/{detail['id']}", headers=tenant.headers)
        states = [m["state"] for m in (await response.json())["messages"] if m["direction"] == "in"]
        assert states.count("held") == 2, states

    await until_passes(held)
    response = await client.post(
        f"/api/conversations/{detail['id']}/reply", json={"text": "Cash is fine, parking too."}, headers=tenant.headers
    )
    assert response.status == 201, await response.text()

    async def counted() -> dict:
        totals = (await today_analytics(client, tenant))["totals"]
        assert totals["replies_human"] == 2, totals
        return totals

    totals = await until_passes(counted)
    assert totals["messages_out"] == 3 and totals["replies_bot"] == 1
    assert totals["messages_in"] == 3 and totals["messages_answered"] == 3 and totals["response_rate"] == 1.0
    assert totals["first_responses"] == 1
