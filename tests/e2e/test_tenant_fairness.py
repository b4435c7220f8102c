"""One business's burst does not hold up another's customer: 300 messages to one page, then one to another
business's page. The other customer is answered long before the burst is, everyone once, and the flooded
business's owner sees that replies are queued and why."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from bot.runtime.host import SERVICES
from tests.e2e.conftest import messenger_text, seeded_tenant, signed, until_passes

FLOOD = 300
FLOOD_PAGE = "1110000001"
QUIET_PAGE = "2220000002"
WORKER_SLOTS = 32


async def test_a_burst_of_one_business_does_not_delay_another(aiohttp_client, make_settings, graph, redis) -> None:
    from tests.whole_app import create_app

    fake, url = graph
    platform_client = await aiohttp_client(create_app(make_settings(graph_api_url=url, worker_concurrency=WORKER_SLOTS)))
    flooded = await seeded_tenant(platform_client, page_id=FLOOD_PAGE, email="flood@example.com")
    await seeded_tenant(platform_client, page_id=QUIET_PAGE, email="quiet@example.com")
    login = await platform_client.post("/api/login", json={"email": "flood@example.com", "password": "correct horse battery"})
    assert login.status == 200
    answered_at: dict[str, float] = {}

    async def post(page_id: str, psid: str) -> None:
        raw, headers = signed(messenger_text("How much is the yoga pass?", page_id=page_id, psid=psid))
        response = await platform_client.post("/webhooks/messenger", data=raw, headers=headers)
        assert response.status == 200

    async def note_answers() -> None:
        seen = 0
        while True:
            for call in fake.calls[seen:]:
                recipient = ((call.json or {}).get("recipient") or {}).get("id") if call.path.endswith("/messages") else None
                if recipient:
                    answered_at.setdefault(recipient, time.monotonic())
                seen += 1
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(note_answers())
    try:
        await asyncio.gather(*(post(FLOOD_PAGE, f"FLOOD{i:04d}") for i in range(FLOOD)))
        quiet_posted = time.monotonic()
        await post(QUIET_PAGE, "QUIET")

        async def flood_is_shown() -> str:
            home = await platform_client.get("/dashboard")
            html = await home.text()
            assert "data-queue-banner" in html, "no queue notice yet"
            return html

        banner = await until_passes(flood_is_shown, timeout=20)
        assert "waiting for their replies" in banner and "Many of your customers wrote at once" in banner

        async def all_answered() -> None:
            assert len(answered_at) == FLOOD + 1, f"{len(answered_at)} of {FLOOD + 1} answered"

        await until_passes(all_answered, timeout=120, interval=0.2)
    finally:
        watcher.cancel()

    flood_left = [at for psid, at in answered_at.items() if psid != "QUIET" and at > quiet_posted]
    ahead = sum(at < answered_at["QUIET"] for at in flood_left)
    # Without lanes the other business's customer waits behind every message of the burst still queued; with them,
    # it takes the next free slot and finishes with the turns already running beside it.
    assert len(flood_left) > 4 * WORKER_SLOTS, "the burst was answered before the other message came: no test"
    assert ahead <= 2 * WORKER_SLOTS, f"{ahead} of the burst's {len(flood_left)} waiting messages answered first"
    # Everyone answered once: the same sends for every customer (a reply's parts), none twice.
    sends = Counter(((c.json or {}).get("recipient") or {}).get("id") for c in fake.calls if c.path.endswith("/messages"))
    assert len(sends) == FLOOD + 1 and len(set(sends.values())) == 1

    # Once the burst is answered, the notice goes.
    async def notice_gone() -> None:
        html = await (await platform_client.get("/dashboard")).text()
        assert "data-queue-banner" not in html

    await until_passes(notice_gone, timeout=20)
    redis = platform_client.app[SERVICES].redis
    assert await redis.xlen("inbound") == 0
    assert flooded.tenant_id
