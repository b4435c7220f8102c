"""Leo in a real browser at desktop and phone size: the answer's tables fit the sidebar (each wider table scrolls in
its own box, no word broken in a cell), the question box stays in view as the thread grows, and on a phone Leo
opens from a floating button as a full-screen sheet and closes back to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.pipeline.types import LeadStage
from tests.browser.conftest import ARTIFACTS, MISSING, VIEWPORTS, Site, Visit
from tests.dashboard.seeding import campaign, conversation, day, lead, sale

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

PASSWORD = "long enough password"

# In the page: every table in Leo's thread either fits its box or sits in a box that scrolls sideways; no word of a
# cell is split across lines (a split word has more than one line box); and Leo's column never scrolls sideways.
MEASURE = """() => {
  const leo = document.getElementById('leo');
  const problems = [];
  for (const table of leo.querySelectorAll('.leo-thread table')) {
    const box = table.parentElement;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    if (table.getBoundingClientRect().width > box.clientWidth + 1 && !scrolls) {
      problems.push('table wider than its box: ' + table.caption.textContent);
    }
    const item = box.closest('li');
    if (box.getBoundingClientRect().right > item.getBoundingClientRect().right + 1) {
      problems.push('scroll box wider than the answer: ' + table.caption.textContent);
    }
    for (const cell of table.querySelectorAll('th, td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of node.textContent.matchAll(/\\S+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          if (lines.size > 1) problems.push('word broken in a cell: ' + word[0]);
        }
      }
    }
  }
  if (leo.scrollWidth > leo.clientWidth + 1) problems.push('Leo scrolls sideways');
  return {problems, tables: leo.querySelectorAll('.leo-thread table').length,
          thread: leo.querySelector('.leo-thread').clientWidth};
}"""

IN_VIEW = """(selector) => {
  const r = document.querySelector(selector).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
}"""


async def seed(site: Site, tenant_id: str) -> None:
    """Two campaigns over the last days: the retreat brings the most revenue, the pass converts best."""
    from bot.runtime.host import SERVICES

    db = site.app[SERVICES].db
    today = datetime.now(UTC).date()
    days = [(today - timedelta(days=n)).isoformat() for n in (1, 2, 3)]
    yoga = await campaign(db, tenant_id, "Spring yoga pass for beginners", "Yoga Pass", 49)
    retreat = await campaign(db, tenant_id, "Mountain retreat weekend", "Retreat", 1299, platform="instagram")
    await day(
        db, tenant_id, days[0], "facebook", yoga.id, conversations=8, messages_in=20, messages_answered=19, first_responses=8
    )
    await day(db, tenant_id, days[1], "instagram", retreat.id, conversations=5, messages_in=14, messages_answered=12)
    when = datetime.now(UTC) - timedelta(days=2)
    for n, (platform, campaign_id, price) in enumerate(
        [("facebook", yoga.id, 49), ("facebook", yoga.id, 49), ("instagram", retreat.id, 1299)]
    ):
        conv = await conversation(db, tenant_id, platform, f"PSID_{n}", at=when, name=f"Buyer {n}", campaign_id=campaign_id)
        await lead(db, conv, at=when, stage=LeadStage.qualified, score=80)
        await sale(db, conv, price, at=when)
    waiting = await conversation(
        db, tenant_id, "facebook", "PSID_W", at=when, name="Maria Fernanda Albuquerque", campaign_id=yoga.id
    )
    await lead(db, waiting, at=when, stage=LeadStage.qualified, score=88, phone="+12125550101", name="Maria Fernanda Albuquerque")


async def log_in(visit: Visit, site: Site, email: str) -> None:
    page = visit.page
    await page.goto(site.url + "/login")
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", PASSWORD)
    await page.locator("main").get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/dashboard")


async def ask(visit: Visit, question: str, answers: int) -> None:
    leo = visit.page.locator("#leo")
    await leo.locator("[name=message]").fill(question)
    await leo.get_by_role("button", name="Ask Leo", exact=True).click()
    await leo.locator(".leo-thread li.leo").nth(answers - 1).wait_for()


async def screen(visit: Visit, name: str) -> None:
    """What the owner sees without scrolling (the full-page shots lay a fixed sheet over the whole page)."""
    await visit.page.screenshot(path=str(ARTIFACTS / f"{visit.test}-{visit.viewport}-{name}-screen.png"))


async def fits(visit: Visit) -> dict[str, Any]:
    measured = await visit.page.evaluate(MEASURE)
    assert measured["tables"] >= 1
    assert measured["problems"] == [], measured["problems"]
    return measured


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_leos_tables_fit_and_the_question_box_stays_in_view(site: Site, open_visit, viewport: str) -> None:
    email = f"leo-{viewport}@example.com"
    signup = await site.client.post("/api/signup", json={"email": email, "password": PASSWORD, "business_name": "Harbour Yoga"})
    assert signup.status == 201
    await seed(site, (await signup.json())["tenant_id"])
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(visit, site, email)
    leo = page.locator("#leo")
    if viewport == "phone":
        await leo.get_by_role("button", name="Ask Leo about your numbers").click()
    await ask(visit, "Which campaign brings the most revenue?", 1)
    answer = leo.locator(".leo-thread li.leo").first
    assert "Mountain retreat weekend brings the most revenue" in await answer.inner_text()
    measured = await fits(visit)
    print(f"\n[{viewport}] Leo's thread is {measured['thread']} px wide")
    await visit.check("leo-revenue")
    await screen(visit, "leo-revenue")
    # A longer thread, with wider tables: the question box is still on screen, and so is the button.
    await ask(visit, "Which leads should I call today?", 2)
    await ask(visit, "How are my campaigns performing?", 3)
    await fits(visit)
    assert await page.evaluate(IN_VIEW, "#leo-message") and await page.evaluate(IN_VIEW, "#leo .leo-form button[type=submit]")
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert await page.evaluate(IN_VIEW, "#leo-message")
    await visit.check("leo-thread")
    await screen(visit, "leo-thread")


async def test_on_a_phone_leo_opens_from_a_floating_button_as_a_full_screen_sheet(site: Site, open_visit) -> None:
    email = "leo-sheet@example.com"
    signup = await site.client.post("/api/signup", json={"email": email, "password": PASSWORD, "business_name": "Harbour Yoga"})
    assert signup.status == 201
    await seed(site, (await signup.json())["tenant_id"])
    visit: Visit = await open_visit("phone")
    page = visit.page
    await log_in(visit, site, email)
    opener = page.get_by_role("button", name="Ask Leo about your numbers")
    # Closed: a button floating over the page's bottom corner, and nothing of Leo at the bottom of the page.
    box = await opener.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390 and 844 - 100 <= box["y"] + box["height"] <= 844
    assert await page.evaluate("getComputedStyle(document.querySelector('.leo-toggle')).position") == "fixed"
    assert not await page.locator("#leo-panel").is_visible()
    assert (await page.locator("#leo").bounding_box() or {"height": 0})["height"] < 5
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert await page.evaluate(IN_VIEW, ".leo-toggle")
    await visit.check("leo-closed")
    await screen(visit, "leo-closed")

    await opener.click()
    sheet = page.get_by_role("dialog", name="Leo your assistant")
    await sheet.wait_for()
    panel = await page.locator("#leo-panel").bounding_box()
    assert panel == {"x": 0, "y": 0, "width": 390, "height": 844}
    assert await page.evaluate("document.activeElement.id") == "leo-message"
    assert await page.evaluate("getComputedStyle(document.body).overflow") == "hidden"
    assert await page.evaluate("document.getElementById('main').inert")  # Tab stays in the sheet
    await ask(visit, "Which campaign brings the most revenue?", 1)
    await fits(visit)
    assert await page.evaluate(IN_VIEW, "#leo-message")
    await visit.check("leo-sheet")
    await screen(visit, "leo-sheet")

    # Escape, or the Close button, puts the owner back on the page at the button that opened it.
    await page.keyboard.press("Escape")
    assert not await page.locator("#leo-panel").is_visible()
    assert not await page.evaluate("document.getElementById('main').inert")
    assert await page.evaluate("document.activeElement.classList.contains('leo-toggle')")
    await opener.click()
    await sheet.get_by_role("button", name="Close").click()
    assert not await page.locator("#leo-panel").is_visible()
    # The thread is kept for the tab: the next page's sheet shows it.
    await page.goto(site.url + "/inbox")
    await opener.click()
    await page.locator(".leo-thread li.you", has_text="Which campaign brings the most revenue?").wait_for()
