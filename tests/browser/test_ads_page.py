"""The ads page in a real browser at phone and desktop size: the chart drawn by Chart.js, every figure in a table
no word of which is broken, no sideways scrolling, no serious accessibility problem, and spend entered through the
form shown at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.conversations.source import record_referral
from bot.pipeline.types import LeadStage
from bot.sales.attribution import ConversationSource
from tests.browser.conftest import MISSING, VIEWPORTS, Site, Visit
from tests.browser.test_trusted_screens import BROKEN_WORDS, business, db_of, log_in
from tests.dashboard.seeding import campaign, conversation, lead, sale

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")


async def seed_ads(site: Site, tenant_id: str) -> None:
    db = db_of(site)
    monthly = await campaign(db, tenant_id, "Unlimited monthly pass with studio and online classes", "Monthly pass", 75)
    when = datetime.now(UTC) - timedelta(days=3)
    ads = [
        ConversationSource(kind="ad", ad_id="120210000000001", headline="Summer yoga: your first week free"),
        ConversationSource(kind="ad", ad_id="120210000000002", headline="Sunrise flow for busy mornings"),
    ]
    for n, source in enumerate(ads * 2):
        conv = await conversation(db, tenant_id, "facebook", f"PSID_AD{n}", at=when, name=f"Customer {n}", campaign_id=monthly.id)
        await record_referral(db, tenant_id, conv.id, source, at=when)
        conv = conv.model_copy(update={"source": source})
        await lead(db, conv, at=when, stage=LeadStage.qualified)
        if n % 2 == 0:
            await sale(db, conv, 75, at=when)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_the_ads_page_reads_well_on_a_phone_and_a_desktop(site: Site, open_visit, viewport: str) -> None:
    email = f"{viewport}-ads@example.com"
    tenant_id, _ = await business(site, email)
    await seed_ads(site, tenant_id)
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(page, site, email)
    await page.goto(site.url + "/ads")
    await page.wait_for_selector("canvas[data-chart='ads'][data-rendered='true']")
    assert await page.evaluate(BROKEN_WORDS) == []
    await visit.check("ads")

    today = datetime.now(UTC).date()
    await page.fill("[name=ad_id]", "120210000000001")
    await page.fill("[name=from]", (today - timedelta(days=10)).isoformat())
    await page.fill("[name=to]", today.isoformat())
    await page.fill("[name=amount]", "50")
    await page.locator("main").get_by_role("button", name="Save spend").click()
    await page.wait_for_url("**/ads?notice=saved")
    row = page.locator("tr[data-ad='120210000000001']")
    assert "$50.00" in await row.inner_text()
    await visit.check("ads-with-spend")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_an_ads_own_page_reads_well_on_a_phone_and_a_desktop(site: Site, open_visit, viewport: str) -> None:
    email = f"{viewport}-one-ad@example.com"
    tenant_id, _ = await business(site, email)
    await seed_ads(site, tenant_id)
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(page, site, email)
    await page.goto(site.url + "/ads")
    await page.locator("tr[data-ad='120210000000001'] a").click()
    await page.wait_for_url("**/ads/120210000000001?**")
    await page.wait_for_selector("canvas[data-chart='ad-days'][data-rendered='true']")
    assert await page.locator("h1").inner_text() == "Summer yoga: your first week free"
    assert await page.locator("[data-kpi='conversations'] dd").inner_text() == "2"
    assert await page.evaluate(BROKEN_WORDS) == []
    await visit.check("ad")
