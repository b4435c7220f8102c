"""Screens an owner can trust, in a real browser at phone and desktop size: no word broken inside a table cell
(measured on the rendered page), a second tab following a take-over and a release, an open inbox naming who of
the team has a conversation, live rows with the same time
as after a reload (the business's time zone, not the browser's), the time-zone search, settings that never show a
success beside an error, plain sentences for a bad phone, and the playground's typing indicator and words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.pipeline.types import LeadStage
from tests.browser.conftest import AXE, MISSING, VIEWPORTS, WATCH_CSP, Site, Visit
from tests.dashboard.seeding import campaign, conversation, day, lead, sale, time_zone
from tests.whole_app import owner_app_of

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

PASSWORD = "long enough password"
ZONE = "Asia/Kolkata"  # half an hour off every whole-hour zone: a time drawn in the browser's zone cannot match by luck

# Every word of every rendered table cell lies on one line (a word split across lines has boxes on two lines).
# Words are what lies between spaces, hyphens and slashes, where a line may break.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/[^\\s\\-\\u2013\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0] + ' (in "' + cell.textContent.trim().slice(0, 40) + '")');
      }
    }
  }
  return broken;
}"""


async def business(site: Site, email: str) -> tuple[str, dict[str, str]]:
    response = await site.client.post("/api/signup", json={"email": email, "password": PASSWORD, "business_name": "Harbour Yoga"})
    assert response.status == 201, await response.text()
    body = await response.json()
    return body["tenant_id"], {"Authorization": f"Bearer {body['api_token']}"}


def db_of(site: Site) -> Any:
    from bot.runtime.host import SERVICES

    return site.app[SERVICES].db


async def seed_tables(site: Site, tenant_id: str) -> None:
    """Leads, campaigns and numbers whose words would be split by a squeezed column."""
    db = db_of(site)
    today = datetime.now(UTC).date()
    monthly = await campaign(db, tenant_id, "Unlimited monthly pass with studio and online classes", "Monthly pass", 75)
    private = await campaign(db, tenant_id, "Private sessions on WhatsApp", "Private session", 1299.5, platform="whatsapp")
    for n, (platform, chosen) in enumerate([("facebook", monthly), ("whatsapp", private), ("instagram", monthly)]):
        day_ = (today - timedelta(days=n + 1)).isoformat()
        await day(db, tenant_id, day_, platform, chosen.id, conversations=12, messages_in=40, messages_answered=37)
    when = datetime.now(UTC) - timedelta(days=2)
    names = ["Maria Fernanda Albuquerque", "Customer", "Bartholomew Featherstonehaugh"]
    for n, name in enumerate(names):
        chosen = monthly if n % 2 == 0 else private
        conv = await conversation(db, tenant_id, "facebook", f"PSID_T{n}", at=when, name=name, campaign_id=chosen.id)
        await lead(
            db, conv, at=when, stage=LeadStage.converted, score=90 - n, email=f"{name.split()[0].lower()}.customer@example.com"
        )
        await sale(db, conv, 75 if chosen is monthly else 1299.5, at=when)


async def log_in(page: Any, site: Site, email: str) -> None:
    await page.goto(site.url + "/login")
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", PASSWORD)
    await page.locator("main").get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/dashboard")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_no_table_cell_breaks_a_word(site: Site, open_visit, viewport: str) -> None:
    email = f"{viewport}-tables@example.com"
    tenant_id, _ = await business(site, email)
    await seed_tables(site, tenant_id)
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(page, site, email)
    for path in ("/leads", "/campaigns", "/analytics"):
        await page.goto(site.url + path)
        for summary in await page.locator("details.data-table > summary").all():
            await summary.click()  # the charts' numbers, as tables
        cells = await page.locator("main td").count()
        assert cells > 5, f"{path}: no table to measure"
        assert await page.evaluate(BROKEN_WORDS) == [], f"{path} at {viewport}: words broken inside cells"
        figures = await page.locator("main td.num").all_inner_texts()
        assert any(re.search(r"\$[\d,]+\.\d\d", text) for text in figures), f"{path}: no money figure measured"
        await visit.check(path.strip("/") + "-tables")


async def customer_writes(site: Site, tenant_id: str, customer: str, text: str, *, at: datetime, name: str = "Dana") -> str:
    """A customer's message stored as the worker stores it; the conversation's id."""
    from bot.conversations import messages as msgs
    from bot.conversations import store as convs
    from channels.events import InboundMessage

    db = db_of(site)
    found = await convs.get_or_create_conversation(db, tenant_id, "facebook", "PAGE_1", customer, name)
    event = InboundMessage(
        platform="facebook", account_id="PAGE_1", customer_id=customer, message_id=f"mid.{customer}.{at.timestamp()}", text=text
    )
    await msgs.record_inbound(db, tenant_id, found, event, text, now=at)
    return found.id


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_a_second_tab_follows_a_take_over_and_a_release(site: Site, open_visit, viewport: str) -> None:
    from dashboard.live import LIVE

    owner_app_of(site.app)[LIVE].poll_s = 0.2
    email = f"{viewport}-tabs@example.com"
    tenant_id, _ = await business(site, email)
    conversation_id = await customer_writes(site, tenant_id, "PSID_TABS", "Can I talk to someone?", at=datetime.now(UTC))
    visit: Visit = await open_visit(viewport)
    first = visit.page
    await log_in(first, site, email)
    second = await first.context.new_page()
    inbox = await first.context.new_page()
    thread = f"{site.url}/conversations/{conversation_id}"
    await first.goto(thread)
    await second.goto(thread)
    await inbox.goto(site.url + "/inbox")
    row = inbox.locator(f'[data-conversation="{conversation_id}"]')
    assert await row.locator('[data-field="status"]').inner_text() == "Bot answering"

    await first.get_by_role("button", name="Take over").click()
    await first.wait_for_url("**notice=taken_over")
    status = second.locator("[data-conversation-status]")
    await status.filter(has_text="You have it").wait_for(timeout=10_000)
    await second.get_by_role("button", name="Release").wait_for()
    assert await second.get_by_role("button", name="Take over").count() == 0
    assert await second.locator("#reply-hint").count() == 0  # "answering pauses the bot" no longer applies
    await row.locator('[data-field="status"]', has_text="You have it").wait_for(timeout=10_000)
    await Visit(page=second, viewport=viewport, test=visit.test).check("second-tab-after-take-over")

    await second.get_by_role("button", name="Release").click()
    await first.locator("[data-conversation-status]", has_text="Bot answering").wait_for(timeout=10_000)
    await first.get_by_role("button", name="Take over").wait_for()
    await row.locator('[data-field="status"]', has_text="Bot answering").wait_for(timeout=10_000)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_an_open_inbox_says_who_of_the_team_has_a_conversation(site: Site, open_visit, viewport: str) -> None:
    from bot.conversations.handoff import take_over
    from dashboard.live import LIVE
    from dashboard.team.actions import Action, record_action
    from dashboard.team.members import Person
    from dashboard.team.policy import Role

    owner_app_of(site.app)[LIVE].poll_s = 0.2
    email = f"{viewport}-holder@example.com"
    tenant_id, _ = await business(site, email)
    conversation_id = await customer_writes(site, tenant_id, "PSID_HOLD", "Can someone call me?", at=datetime.now(UTC))
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(page, site, email)
    await page.goto(site.url + "/inbox")
    badge = page.locator(f'[data-conversation="{conversation_id}"] [data-field="status"]')
    assert await badge.inner_text() == "Bot answering"

    # Ana of the team takes it over elsewhere: the owner's open inbox names her, never "You have it".
    ana = Person(id="person-ana", tenant_id=tenant_id, email="ana@example.com", role=Role.agent, joined_at=datetime.now(UTC))
    await record_action(db_of(site), ana, conversation_id, Action.takeover, now=datetime.now(UTC))
    await take_over(db_of(site), tenant_id, conversation_id)
    await page.locator(f'[data-conversation="{conversation_id}"] [data-field="status"]', has_text="Ana has it").wait_for(
        timeout=10_000
    )
    await visit.check("inbox-held-by-a-member")

    # Its thread, opened by the owner, says the same.
    thread = await page.context.new_page()
    await thread.goto(f"{site.url}/conversations/{conversation_id}")
    assert await thread.locator("[data-conversation-status]").inner_text() == "Ana has it"
    assert "taken over by ana@example.com" in await thread.locator("main").inner_text()


async def visit_in_browser_zone(browser: Any, viewport: str, browser_zone: str, test: str) -> Visit:
    """A visit whose browser lives in another time zone (and a 12-hour locale) than the business."""
    context = await browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US", timezone_id=browser_zone)
    await context.add_init_script(WATCH_CSP)
    await context.add_init_script(path=str(AXE))
    page = await context.new_page()
    page.set_default_timeout(15_000)
    return Visit(page=page, viewport=viewport, test=test)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_live_rows_show_the_time_a_reload_shows(site: Site, browser, viewport: str) -> None:
    from dashboard.live import LIVE

    owner_app_of(site.app)[LIVE].poll_s = 0.2
    email = f"{viewport}-times@example.com"
    tenant_id, _ = await business(site, email)
    await time_zone(db_of(site), tenant_id, ZONE)
    visit = await visit_in_browser_zone(browser, viewport, "America/Los_Angeles", "live-times")
    page = visit.page
    try:
        await log_in(page, site, email)
        await page.goto(site.url + "/inbox")
        conversation_id = await customer_writes(
            site, tenant_id, "PSID_LIVE", "Is the studio open on Sunday?", at=datetime.now(UTC)
        )
        row = page.locator(f'[data-live-list] [data-conversation="{conversation_id}"]')
        await row.wait_for(timeout=10_000)
        live_time = await row.locator('[data-field="time"]').inner_text()
        assert re.fullmatch(r"\d\d:\d\d", live_time), live_time  # the business's 24-hour time, no AM/PM
        await visit.check("inbox-live-row")
        await page.reload()
        assert await row.locator('[data-field="time"]').inner_text() == live_time

        await page.goto(f"{site.url}/conversations/{conversation_id}")
        await customer_writes(site, tenant_id, "PSID_LIVE", "And on holidays?", at=datetime.now(UTC))
        fresh = page.locator("[data-thread] li", has_text="And on holidays?")
        await fresh.wait_for(timeout=10_000)
        live_meta = await fresh.locator(".meta").inner_text()
        await page.reload()
        assert await page.locator("[data-thread] li", has_text="And on holidays?").locator(".meta").inner_text() == live_meta
        await visit.check("thread-live-message")
    finally:
        await page.context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_settings_zone_search_and_never_success_beside_error(site: Site, open_visit, viewport: str) -> None:
    email = f"{viewport}-settings@example.com"
    await business(site, email)
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(page, site, email)
    await page.goto(site.url + "/settings")
    await page.get_by_label("Find your city or country").fill("kolkata")
    assert await page.locator("#f-timezone").input_value() == "Asia/Kolkata"
    assert await page.locator("[data-zone-found]").inner_text() == "1 place matches."
    assert await page.locator("#f-timezone option:not([hidden])").all_inner_texts() == ["Kolkata, India"]
    await visit.check("settings-zone-search")
    await page.get_by_role("region", name="Business hours and the bot").get_by_role("button", name="Save").click()
    await page.wait_for_url("**notice=settings_saved")
    notice = page.locator("main .alert.ok", has_text="Settings saved.")
    assert await notice.is_visible()
    assert await page.locator("#f-timezone").input_value() == "Asia/Kolkata"

    await page.fill("#current-password", "not my password at all")
    await page.fill("#new-password", "another long password 42")
    await page.get_by_role("button", name="Change password").click()
    error = page.locator('[data-error-for="current_password"]')
    await error.wait_for()
    assert not await notice.is_visible()  # the error replaces the earlier success
    await visit.check("settings-error-alone")

    await page.goto(site.url + "/onboarding")
    await page.fill("[name=phone]", "abc")
    await page.locator("main form", has=page.locator("[name=phone]")).get_by_role("button").first.click()
    assert await page.locator("#f-phone-error").inner_text() == "Phone number must be written in digits, e.g. +1 415 555 0100."
    await visit.check("onboarding-bad-phone")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_the_playground_shows_the_bot_writing_and_words_not_codes(site: Site, open_visit, viewport: str) -> None:
    email = f"{viewport}-playground@example.com"
    tenant_id, _ = await business(site, email)
    await campaign(db_of(site), tenant_id, "Monthly pass", "Monthly pass", 75)
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(page, site, email)
    await page.goto(site.url + "/playground")
    await page.evaluate("""() => {
      window.__typingSeen = false;
      new MutationObserver(() => { if (document.querySelector('[data-typing]')) window.__typingSeen = true; })
        .observe(document.getElementById('chat'), { childList: true });
    }""")
    await page.fill("[name=message]", "How much is the monthly pass?")
    await page.locator("main").get_by_role("button", name="Send").click()
    reply = page.locator("#chat .msg.bot:not(.typing)")
    await reply.wait_for(timeout=20_000)
    assert await page.evaluate("window.__typingSeen")
    assert await page.locator("[data-typing]").count() == 0
    await reply.locator("summary").click()
    details = await reply.locator(".owner-details").inner_text()
    assert "Understood as: price question" in details and "_" not in details
    await visit.check("playground-words")
