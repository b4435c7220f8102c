"""The team in a real browser at phone and desktop size: the owner invites a salesperson and copies the link, the
salesperson joins through it, answers a customer from the inbox (the thread says who answered) and cannot open
the settings; the owner removes them and their open page is logged out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import MISSING, VIEWPORTS, Site, Visit
from tests.e2e.conftest import CAMPAIGN, PAGE_ID, eventually, messenger_text, remember_customer, signed

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

PASSWORD = "long enough password"
AGENT_PASSWORD = "blue heron at dawn"


async def business_with_a_customer(site: Site, email: str, redis) -> dict[str, str]:
    response = await site.client.post("/api/signup", json={"email": email, "password": PASSWORD, "business_name": "Harbour Yoga"})
    assert response.status == 201
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    assert (await site.client.post("/api/campaigns", json=CAMPAIGN, headers=headers)).status == 201
    channel = {"platform": "facebook", "account_id": PAGE_ID, "access_token": "EAAtest-page-token-123456", "name": "Harbour page"}
    assert (await site.client.post("/api/channels", json=channel, headers=headers)).status == 201
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_MAYA", "Maya")
    raw, signature = signed(messenger_text("Can I talk to someone about a group booking?", psid="PSID_MAYA"))
    assert (await site.client.post("/webhooks/messenger", data=raw, headers=signature)).status == 200

    async def answered() -> bool:
        listed = await (await site.client.get("/api/conversations", headers=headers)).json()
        return bool(listed["conversations"])

    await eventually(answered, timeout=30, what="the customer's conversation")
    return headers


async def log_in(visit: Visit, site: Site, email: str, password: str, lands: str) -> None:
    page = visit.page
    await page.goto(site.url + "/login")
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", password)
    await page.locator("main").get_by_role("button", name="Log in").click()
    await page.wait_for_url(lands)


async def open_menu(visit: Visit) -> None:
    """On a phone the menu sits behind its button."""
    toggle = visit.page.get_by_role("button", name="Menu")
    if await toggle.is_visible():
        await toggle.click()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_the_owner_invites_a_salesperson_who_joins_and_works_the_inbox_only(
    site: Site, open_visit, redis, viewport: str
) -> None:
    owner_email, agent_email = f"{viewport}-owner@example.com", f"{viewport}-sam@example.com"
    await business_with_a_customer(site, owner_email, redis)

    # The owner invites from the Team page and copies the link.
    owner: Visit = await open_visit(viewport)
    owner.test += "-owner"
    page = owner.page
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    await log_in(owner, site, owner_email, PASSWORD, "**/dashboard")
    await open_menu(owner)
    await page.locator("#menu").get_by_role("link", name="Team").click()
    await page.wait_for_url("**/team")
    await owner.check("team")
    await page.fill("[name=email]", agent_email)
    await page.get_by_role("button", name="Create invitation link").click()
    link = page.locator("#invite-url")
    await link.wait_for()
    invite_url = await link.input_value()
    assert "/join/" in invite_url
    await page.get_by_role("button", name="Copy link").click()
    await page.get_by_role("button", name="Copied").wait_for()
    assert await page.evaluate("navigator.clipboard.readText()") == invite_url
    await owner.check("invited")

    # The salesperson opens it in their own browser, chooses a password and lands in the inbox.
    agent: Visit = await open_visit(viewport)
    agent.test += "-agent"
    apage = agent.page
    await apage.goto(invite_url.replace("http://127.0.0.1:8080", site.url))
    assert await apage.input_value("[name=email]") == agent_email
    await agent.check("join")
    await apage.fill("[name=password]", "password1234")
    await apage.get_by_role("button", name="Join").click()
    await apage.wait_for_selector("#join-password-error")
    await agent.check("join-weak-password")
    await apage.fill("[name=password]", AGENT_PASSWORD)
    await apage.get_by_role("button", name="Join").click()
    await apage.wait_for_url("**/inbox?notice=joined")
    await apage.get_by_text("Welcome to the team!").wait_for()
    menu = await apage.locator("#menu").inner_text()
    for hidden in ("Settings", "Channels", "Team", "Campaigns", "Analytics"):
        assert hidden not in menu, hidden
    assert "Inbox" in menu and "Leads" in menu
    assert await apage.locator("#leo").count() == 0
    await agent.check("inbox")

    # They take the customer over and answer; the thread says it was them.
    await apage.locator("[data-live-list] > li, .conv-list > li").first.get_by_role("link").first.click()
    await apage.wait_for_url("**/conversations/*")
    if await apage.get_by_role("button", name="Take over").count():
        await apage.get_by_role("button", name="Take over").click()
        await apage.wait_for_selector("text=You have this conversation now")
    await apage.fill("textarea[name=text]", "Hi Maya, Sam here: groups of 8 or more get 10% off.")
    await apage.get_by_role("button", name="Send").click()
    await apage.wait_for_selector("text=Your message was sent.")
    assert "taken over by you" in await apage.locator("main").inner_text()
    await agent.check("thread")

    # Settings, channels and the team are the owner's: a plain refusal, inside the agent's own frame.
    response = await apage.goto(site.url + "/settings")
    assert response is not None and response.status == 403
    await apage.get_by_role("heading", name="Only the owner can open this page").wait_for()
    await agent.check("settings-refused")
    await apage.get_by_role("link", name="Go to the inbox").click()
    await apage.wait_for_url("**/inbox")

    # The owner sees who answered, then removes the salesperson; their open page is logged out.
    await page.goto(site.url + "/inbox")
    await page.locator(".conv-list > li, [data-live-list] > li").first.get_by_role("link").first.click()
    await page.wait_for_url("**/conversations/*")
    assert f"taken over by {agent_email}" in await page.locator("main").inner_text()
    assert f"by {agent_email}" in await page.locator("[data-thread] li.msg.human").inner_text()
    await owner.check("thread-by-agent")
    await page.goto(site.url + "/team")
    row = page.locator("tr", has_text=agent_email)
    page.once("dialog", lambda dialog: dialog.accept())
    await row.get_by_role("button", name="Remove").click()
    await page.wait_for_url("**/team?notice=member_removed")
    assert agent_email not in await page.locator("main table").inner_text()
    await owner.check("removed")
    await apage.reload()
    await apage.wait_for_url("**/login?next=**")
    await agent.check("logged-out")
