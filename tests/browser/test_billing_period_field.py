"""The campaign form's billing period in a real browser, at desktop and phone size: "Other…" reveals the field
for the owner's own words, asks for them before the next step, and the review shows the price as customers
will read it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import MISSING, Site
from tests.browser.test_owner_journey import sign_up

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

OWN_PERIOD = '[name="product.billing_period_custom"]'


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
async def test_other_reveals_the_owners_own_period(site: Site, open_visit, viewport: str) -> None:
    visit = await open_visit(viewport)
    page = visit.page
    await sign_up(visit, site, f"periods-{viewport}@example.com")
    await page.goto(site.url + "/campaigns/new")
    assert not await page.is_visible(OWN_PERIOD)

    await page.fill("[name=name]", "Class packs")
    await page.fill('[name="product.name"]', "Ten classes")
    await page.fill('[name="product.price"]', "90")
    await page.select_option('[name="product.currency"]', "EUR")
    await page.select_option('[name="product.billing_period"]', label="Other…")
    assert await page.is_visible(OWN_PERIOD)
    assert await page.evaluate("document.activeElement.name") == "product.billing_period_custom"
    await visit.check("campaign-own-period")

    # Nothing typed: the step stays, on the empty field.
    await page.get_by_role("button", name="Next").click()
    assert await page.is_visible(OWN_PERIOD)
    await page.fill(OWN_PERIOD, "per class pack")

    # A period of the list hides the field again; "Other…" brings back what was typed.
    await page.select_option('[name="product.billing_period"]', label="Per week")
    assert not await page.is_visible(OWN_PERIOD)
    await page.select_option('[name="product.billing_period"]', label="Other…")
    assert await page.input_value(OWN_PERIOD) == "per class pack"

    for _ in range(3):
        await page.get_by_role("button", name="Next").click()
    review = await page.inner_text(".review")
    assert "€90.00 per class pack" in review  # the amount as the page's language writes money
    await visit.check("campaign-own-period-review")
    await page.get_by_role("button", name="Create campaign").click()
    await page.wait_for_url("**/campaigns?notice=campaign_created")
    assert "Class packs" in await page.inner_text("main")
