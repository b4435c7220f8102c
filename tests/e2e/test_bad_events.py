"""One bad event costs only itself: the other customers of its delivery are answered once, and the bad one is
dropped with a log line and a counter instead of failing the whole delivery into the dead-letter stream."""

from __future__ import annotations

import json

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import (
    PAGE_ID,
    conversation_of,
    messenger_items,
    messenger_text,
    remember_customer,
    seeded_tenant,
    sends_by_recipient,
    settled,
    signed,
)


def _item(text: str, psid: str) -> dict:
    return messenger_text(text, psid=psid)["entry"][0]["messaging"][0]


async def _dropped_events(client) -> float:
    text = await (await client.get("/metrics")).text()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "salesbot_events_dropped"
        for sample in family.samples
        if sample.name.endswith("_total")
    )


@pytest.mark.parametrize("bad", ["timestamp", "surrogate", "watermark"])
async def test_one_bad_entry_of_ten_leaves_the_other_nine_answered_once(platform_client, graph, redis, bad, caplog):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    customers = [f"PSID_BAD{i}" for i in range(10)]
    for psid in customers:
        await remember_customer(redis, "facebook", PAGE_ID, psid)
    items = [_item(f"How much is the pass? ({i})", psid) for i, psid in enumerate(customers)]
    if bad == "timestamp":
        items[4]["timestamp"] = 10**17  # a year no calendar has
    elif bad == "surrogate":
        items[4]["message"]["text"] = "price?\udcff"  # a lone surrogate: JSON allows it, UTF-8 and BSON do not
    else:  # in place of customer 4's message, customer 3's read receipt with a watermark out of range
        items[4] = {
            "sender": {"id": customers[3]},
            "recipient": {"id": PAGE_ID},
            "timestamp": items[4]["timestamp"],
            "read": {"watermark": 10**17},
        }
    raw = json.dumps(messenger_items(*items)).encode()  # json.dumps keeps the lone surrogate as an escape
    body, headers = signed(raw)

    assert (await platform_client.post("/webhooks/messenger", data=body, headers=headers)).status == 200
    await settled(redis)
    # Meta delivers the same body again: nobody is answered twice.
    assert (await platform_client.post("/webhooks/messenger", data=body, headers=headers)).status == 200
    await settled(redis)

    # A message with an impossible time is kept and dated by our clock; a lone surrogate is replaced (U+FFFD), so
    # that customer is answered too; a receipt that cannot be applied is dropped, and only it.
    expected = {psid: 1 for psid in customers if not (bad == "watermark" and psid == customers[4])}
    assert sends_by_recipient(fake) == expected
    assert await redis.xlen("deadletter") == 0
    if bad == "watermark":
        assert await _dropped_events(platform_client) == 2  # once per delivery of the body
        assert [r for r in caplog.records if r.getMessage() == "event dropped"], "no log line for the dropped event"
    if bad == "surrogate":
        detail = await conversation_of(platform_client, tenant, customers[4])
        assert [m["text"] for m in detail["messages"] if m["direction"] == "in"] == ["price?\ufffd"]
