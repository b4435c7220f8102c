"""A customer's question the bot could not answer, as the owner sees the conversation in a real browser at phone and
desktop size: it waits for them, and the thread says the bot keeps answering the customer's other questions."""

from __future__ import annotations

import pytest

from tests.browser.conftest import MISSING, VIEWPORTS, Site, Visit
from tests.browser.test_delivery_failure import business_with_a_page, log_in
from tests.e2e.conftest import PAGE_ID, eventually, messenger_text, remember_customer, signed

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_a_question_waiting_for_the_owner_while_the_bot_keeps_answering(
    site: Site, open_visit, redis, viewport: str
) -> None:
    email = f"{viewport}-waiting@example.com"
    headers = await business_with_a_page(site, email)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_NOOR", "Noor")

    async def say(text: str, replies: int) -> None:
        raw, signature = signed(messenger_text(text, psid="PSID_NOOR"))
        assert (await site.client.post("/webhooks/messenger", data=raw, headers=signature)).status == 200
        await eventually(lambda: len(site.graph.texts()) >= replies, timeout=30, what=f"{replies} replies")

    await say("Can I bring my dog to class?", 1)
    await say("How much is the yoga pass?", 2)
    assert "49" in site.graph.texts()[-1], "the bot answered the next question"

    listed = await (await site.client.get("/api/conversations", headers=headers)).json()
    [conversation] = listed["conversations"]
    assert conversation["status"] == "handoff" and conversation["handoff_cause"] == "unanswered"

    visit: Visit = await open_visit(viewport)
    await log_in(visit, site, email)
    page = visit.page
    await page.goto(site.url + f"/conversations/{conversation['id']}")
    banner = page.locator("[data-handoff-cause=unanswered]")
    assert await banner.is_visible()
    assert "keeps answering their other questions" in await banner.inner_text()
    await visit.check("thread-waiting-bot-answering")
