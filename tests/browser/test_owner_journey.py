"""A new owner's first hour, in a real browser at desktop and phone size: sign up, describe the business
with a document, create a campaign through its steps, connect a page, try the playground, watch a
customer's message arrive live, take over, answer, release, record the sale, read the charts, ask Leo."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import MISSING, Site, Visit
from tests.e2e.conftest import PAGE_ID, messenger_text, signed

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

FAQ = b"# Sunrise Yoga FAQ\n\n## Shipping\nMats ship in 2 business days; shipping is free over $100.\n"


async def sign_up(visit: Visit, site: Site, email: str) -> None:
    page = visit.page
    await page.goto(site.url + "/")
    await visit.check("landing")
    await page.get_by_role("link", name="Start free").click()
    await page.wait_for_url("**/signup")
    # A mistake first: the form keeps what was typed and says what is wrong beside the field.
    await page.fill("[name=business_name]", "Sunrise Yoga")
    await page.fill("[name=email]", "not-an-email")
    await page.fill("[name=password]", "long enough password")
    await page.get_by_role("button", name="Create account").click()
    await page.wait_for_selector("#f-email-error")
    assert await page.input_value("[name=business_name]") == "Sunrise Yoga"
    await visit.check("signup-error")
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", "long enough password")
    await page.get_by_role("button", name="Create account").click()
    await page.wait_for_url("**/onboarding?notice=welcome")


async def onboard(visit: Visit) -> None:
    page = visit.page
    await page.fill("[name=description]", "A yoga studio with classes for every level.")
    await page.get_by_role("button", name="Save business details").click()
    await page.wait_for_selector("text=Your business details are saved")
    await page.set_input_files("#upload-files", files=[{"name": "faq.md", "mimeType": "text/markdown", "buffer": FAQ}])
    await page.get_by_role("button", name="Upload").click()
    await page.wait_for_url("**/onboarding?notice=uploaded*")
    await page.wait_for_selector("text=faq.md")
    await page.fill("#preview-q", "how long does shipping take")
    await page.get_by_role("button", name="Preview").click()
    await page.wait_for_selector("text=Mats ship in 2 business days")
    await visit.check("onboarding")


async def create_campaign(visit: Visit, site: Site) -> None:
    page = visit.page
    await page.goto(site.url + "/campaigns")
    await visit.check("campaigns-empty")
    await page.get_by_role("link", name="New campaign").first.click()
    await page.fill("[name=name]", "Spring pass")
    await page.fill('[name="product.name"]', "Yoga Pass")
    await page.fill('[name="product.price"]', "49")
    await page.select_option('[name="target_platform"]', "facebook")
    await visit.check("campaign-step-product")
    await page.get_by_role("button", name="Next").click()
    await page.fill('[name="chat_flow.greeting"]', "Hi! Welcome to Sunrise Yoga.")
    await page.locator('[name="chat_flow.qualification_questions"]').first.fill("How often do you practice?")
    await page.get_by_role("button", name="Add a question").click()
    await page.locator('[name="chat_flow.qualification_questions"]').nth(1).fill("Which studio is closest?")
    await page.locator('[name="chat_flow.objection_handling.objection"]').first.fill("too expensive")
    await page.locator('[name="chat_flow.objection_handling.answer"]').first.fill("It works out at under $2 a class.")
    await visit.check("campaign-step-chat-flow")
    await page.get_by_role("button", name="Next").click()
    await page.fill('[name="target_audience.age_range"]', "25-45")
    await page.fill('[name="target_audience.location"]', "San Francisco\nOakland")
    await page.get_by_role("button", name="Next").click()
    review = page.locator(".review")
    await review.get_by_text("1. How often do you practice?").wait_for()
    assert "ages 25-45" in await review.inner_text()
    await page.select_option('[name="status"]', "active")
    await visit.check("campaign-step-review")
    await page.get_by_role("button", name="Create campaign").click()
    await page.wait_for_url("**/campaigns?notice=campaign_created")
    await page.get_by_role("link", name="Spring pass", exact=True).wait_for()
    await visit.check("campaigns")


async def connect_page(visit: Visit, site: Site) -> None:
    page = visit.page
    await page.goto(site.url + "/integrations")
    await page.get_by_text("Messenger page").click()
    await page.fill("#facebook-account", PAGE_ID)
    await page.fill("#facebook-token", "EAAtest-page-token-123456")
    await page.fill("#facebook-name", "Sunrise Yoga page")
    await page.get_by_role("button", name="Connect Messenger").click()
    await page.wait_for_url("**/integrations?notice=channel_connected")
    await page.get_by_role("button", name="Disconnect Sunrise Yoga page").wait_for()
    await visit.check("integrations")


async def try_playground(visit: Visit, site: Site) -> None:
    page = visit.page
    await page.goto(site.url + "/playground")
    await page.select_option("[name=platform]", "facebook")
    await page.fill("#playground-message", "How much is the Yoga Pass?")
    await page.get_by_role("button", name="Send").click()
    reply = page.locator("#chat li.bot").first
    await reply.wait_for()
    assert "49" in await reply.inner_text()
    await visit.check("playground")


async def customer_writes_live(visit: Visit, site: Site) -> str:
    page = visit.page
    await page.goto(site.url + "/inbox")
    await visit.check("inbox-empty")
    assert await page.locator("li[data-conversation]").count() == 0
    raw, headers = signed(messenger_text("Hi, is the Yoga Pass good for beginners?", psid="PSIDLIVE42"))
    response = await site.client.post("/webhooks/messenger", data=raw, headers=headers)
    assert response.status == 200
    # No reload: the row arrives through the page's live connection.
    row = page.locator("li[data-conversation]").first
    await row.wait_for(timeout=20_000)
    await visit.check("inbox-live")
    conversation_id = await row.get_attribute("data-conversation")
    assert conversation_id
    return conversation_id


async def work_the_thread(visit: Visit, site: Site, conversation_id: str) -> None:
    page = visit.page
    await page.goto(f"{site.url}/conversations/{conversation_id}")
    thread = page.locator("[data-thread]")
    await thread.get_by_text("good for beginners").wait_for()
    await thread.locator("li.msg.bot").first.wait_for(timeout=20_000)  # the bot answered (live)
    await page.get_by_role("button", name="Take over").click()
    await page.wait_for_url("**notice=taken_over")
    await page.locator("[data-conversation-status]", has_text="You have it").wait_for()
    await page.fill("textarea[name=text]", "Hi, this is Maya from the studio. Yes, it is!")
    await page.get_by_role("button", name="Send").click()
    await page.wait_for_url("**notice=replied*")
    await thread.locator("li.msg.human", has_text="this is Maya").wait_for()
    assert "Hi, this is Maya from the studio. Yes, it is!" in site.graph.texts()
    await page.get_by_role("button", name="Release").click()
    await page.wait_for_url("**notice=released")
    await page.locator("[data-conversation-status]", has_text="Bot answering").wait_for()
    await page.fill("#sale-value", "49")
    await page.get_by_role("button", name="Record sale").click()
    await page.wait_for_url("**notice=sale_recorded")
    await page.locator(".badge.converted", has_text="Bought").wait_for()
    await visit.check("conversation")
    await page.goto(site.url + "/leads")
    await page.get_by_role("cell", name="Bought").wait_for()
    await visit.check("leads")


async def charts_show_the_api_numbers(visit: Visit, site: Site) -> None:
    page = visit.page
    await page.goto(site.url + "/analytics")
    for name in ("messages", "revenue", "campaigns", "platforms"):
        await page.wait_for_selector(f'canvas[data-chart="{name}"][data-rendered="true"]')
    compared = await page.evaluate("""async () => {
        const from = document.getElementById('range-from').value, to = document.getElementById('range-to').value;
        const api = await (await fetch('/api/analytics?from=' + from + '&to=' + to)).json();
        const chart = name => Chart.getChart(document.querySelector('canvas[data-chart="' + name + '"]')).data;
        return {
            api_in: api.per_day.map(d => d.messages_in), chart_in: chart('messages').datasets[0].data,
            api_out: api.per_day.map(d => d.messages_out), chart_out: chart('messages').datasets[1].data,
            api_revenue: api.per_day.map(d => (d.revenue || {}).USD || 0), chart_revenue: chart('revenue').datasets[0].data,
            api_campaigns: api.per_campaign.map(c => [c.campaign_name, c.conversions]),
            chart_campaigns: chart('campaigns').labels.map((label, i) => [label, chart('campaigns').datasets[1].data[i]]),
            api_sales: api.totals.conversions,
            kpi_sales: document.querySelector('[data-kpi="conversions"] dd').firstChild.textContent.trim(),
        };
    }""")
    assert compared["chart_in"] == compared["api_in"] and sum(compared["api_in"]) >= 1
    assert compared["chart_out"] == compared["api_out"]
    assert compared["chart_revenue"] == compared["api_revenue"] and sum(compared["api_revenue"]) == 49
    assert compared["chart_campaigns"] == compared["api_campaigns"]
    assert compared["kpi_sales"] == str(compared["api_sales"]) == "1"
    await visit.check("analytics")
    await page.goto(site.url + "/dashboard")
    await page.wait_for_selector('canvas[data-chart="mini-messages"][data-rendered="true"]')
    await visit.check("dashboard")


async def ask_leo(visit: Visit) -> None:
    page = visit.page
    leo = page.locator("#leo")
    if not await leo.locator("[name=message]").is_visible():
        await leo.get_by_role("button", name=re.compile("Ask Leo about")).click()
    await leo.locator("[name=message]").fill("How are my sales going?")
    await leo.get_by_role("button", name="Ask Leo", exact=True).click()
    answer = leo.locator(".leo-thread li.leo")
    await answer.first.wait_for()
    assert await answer.first.inner_text()
    # The thread stays on screen from page to page.
    await page.goto(page.url.split("/dashboard")[0] + "/inbox")
    if not await leo.locator(".leo-thread").is_visible():
        await leo.get_by_role("button", name=re.compile("Ask Leo about")).click()
    await leo.locator(".leo-thread li.you", has_text="How are my sales going?").wait_for()
    await visit.check("leo")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
async def test_a_new_owner_sets_up_and_sells(site: Site, open_visit, viewport: str) -> None:
    visit: Visit = await open_visit(viewport)
    await sign_up(visit, site, f"maya-{viewport}@example.com")
    await onboard(visit)
    await create_campaign(visit, site)
    await connect_page(visit, site)
    await try_playground(visit, site)
    conversation_id = await customer_writes_live(visit, site)
    await work_the_thread(visit, site, conversation_id)
    await charts_show_the_api_numbers(visit, site)
    await ask_leo(visit)
    await visit.page.goto(site.url + "/no-such-page")
    await visit.page.get_by_role("heading", name="We can’t find that page").wait_for()
    await visit.check("not-found")
