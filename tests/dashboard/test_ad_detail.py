"""One ad or post over time, as an owner reads it in the API and on its page: every day of the period with the
comments, private replies, conversations, leads, sales, revenue and spend of that day, totals that are the ad's row
on the ads page, and nothing of an id the business does not have (404)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from bot.pipeline.types import LeadStage
from bot.sales.attribution import ConversationSource
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import FixedClock, campaign
from tests.dashboard.test_ads import _ad_conversation
from tests.dashboard.test_pages import form_login
from tests.whole_app import use_clock

NOW = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
WEEK = {"from": "2026-06-08", "to": "2026-06-14"}
SUMMER = ConversationSource(kind="ad", ad_id="111", headline="Summer sale")
POST = "1234567890_555000111"


async def _seed(api, owner):
    p = platform_of(api)
    use_clock(api.server.app, FixedClock(NOW))
    shoes = await campaign(p.db, owner.tenant_id, "Summer shoes", "Sandals", 40)
    tue, thu = datetime(2026, 6, 9, 10, tzinfo=UTC), datetime(2026, 6, 11, 16, tzinfo=UTC)
    await _ad_conversation(p.db, owner.tenant_id, "a", SUMMER, at=tue, campaign_id=shoes.id, stage=LeadStage.qualified, sold=80)
    await _ad_conversation(p.db, owner.tenant_id, "b", SUMMER, at=thu, campaign_id=shoes.id, stage=LeadStage.qualified)
    await _ad_conversation(p.db, owner.tenant_id, "c", SUMMER, at=thu, campaign_id=shoes.id, stage=LeadStage.engaged, sold=40)
    # Comments under the ad (one answered privately), as the comment replier keeps them.
    for n, at in enumerate([tue, thu, thu]):
        await p.db.comments_received.insert_one(
            {
                "_id": f"instagram:17841:{n}",
                "tenant_id": owner.tenant_id,
                "platform": "instagram",
                "post_id": "1800",
                "ad_id": "111",
                "at_ms": int(at.timestamp() * 1000),
            }
        )
    await p.db.comment_replies.insert_one(
        {"_id": "instagram:17841:1", "tenant_id": owner.tenant_id, "ad_id": "111", "post_id": "1800", "state": "sent", "at": thu}
    )
    # Spend of 70 over the week: 10 a day.
    spend = {"ad_id": "111", "from": "2026-06-08", "to": "2026-06-14", "amount": 70, "currency": "USD"}
    assert (await api.put("/api/ads/spend", json=spend, headers=owner.auth)).status == 200


async def _ad(api, owner, ad_id="111", params=None):
    return await api.get(f"/api/ads/{ad_id}", params=params or WEEK, headers=owner.auth)


async def test_each_day_of_the_period_has_its_own_figures_and_the_totals_are_the_ads_row(api, owner):
    await _seed(api, owner)
    response = await _ad(api, owner)
    assert response.status == 200, await response.text()
    ad = await response.json()
    assert (ad["id"], ad["kind"], ad["headline"], ad["currency"]) == ("111", "ad", "Summer sale", "USD")
    days = {d["day"]: d for d in ad["days"]}
    assert sorted(days) == [f"2026-06-{n:02d}" for n in range(8, 15)]  # quiet days too: the chart has no gaps
    tue, wed, thu = days["2026-06-09"], days["2026-06-10"], days["2026-06-11"]
    assert (tue["comments"], tue["private_replies"], tue["conversations"], tue["leads"], tue["sales"]) == (1, 0, 1, 1, 1)
    assert (tue["revenue"], tue["spend"], tue["roas"]) == (80.0, 10.0, 8.0)
    assert (wed["comments"], wed["conversations"], wed["revenue"], wed["spend"], wed["roas"]) == (0, 0, 0.0, 10.0, 0.0)
    assert (thu["comments"], thu["private_replies"], thu["conversations"], thu["leads"], thu["sales"]) == (
        2,
        1,
        2,
        2,
        1,
    )  # a sale makes its lead a customer
    assert (thu["revenue"], thu["cost_per_lead"]) == (40.0, 5.0)
    totals = ad["totals"]
    assert (totals["comments"], totals["private_replies"], totals["spend"], totals["roas"]) == (3, 1, 70.0, round(120 / 70, 4))

    row = next(
        a for a in (await (await api.get("/api/ads", params=WEEK, headers=owner.auth)).json())["ads"] if a["ad_id"] == "111"
    )
    for figure in ("conversations", "leads", "sales", "revenue", "spend", "cost_per_lead", "cost_per_sale", "roas"):
        assert totals[figure] == row[figure], figure


async def test_a_post_known_only_by_its_comments_has_a_page_too(api, owner):
    p = platform_of(api)
    use_clock(api.server.app, FixedClock(NOW))
    at = datetime(2026, 6, 12, 9, tzinfo=UTC)
    await p.db.comments_received.insert_one(
        {
            "_id": "facebook:1234567890:c1",
            "tenant_id": owner.tenant_id,
            "platform": "facebook",
            "post_id": POST,
            "at_ms": int(at.timestamp() * 1000),
        }
    )
    ad = await (await _ad(api, owner, POST)).json()
    assert (ad["kind"], ad["totals"]["comments"], ad["totals"]["spend"], ad["totals"]["roas"]) == ("post", 1, None, None)


async def test_an_unknown_or_foreign_or_malformed_id_is_not_found(api, owner, rival):
    await _seed(api, owner)
    for ad_id in ("999", "1800x", "..%2F..%2Fetc"):
        response = await _ad(api, owner, ad_id)
        assert response.status == 404, ad_id
        assert (await response.json())["error"]["code"] == "not_found"
    assert (await _ad(api, rival, "111")).status == 404  # another business's ad
    reversed_range = await _ad(api, owner, params={"from": "2026-06-14", "to": "2026-06-08"})
    assert reversed_range.status == 400 and "from" in (await reversed_range.json())["error"]["fields"]


async def test_the_ads_page_leads_to_the_ads_own_page_with_a_chart_and_a_table(api, owner, rival):  # noqa: ARG001 # requested for what it sets up
    await _seed(api, owner)
    await form_login(api, owner)
    listing = await (await api.get("/ads", params=WEEK)).text()
    assert 'href="/ads/111?from=2026-06-08&amp;to=2026-06-14"' in listing
    assert 'data-post="111"' in listing  # the ad's comments are listed too, leading to the same page

    response = await api.get("/ads/111", params=WEEK)
    assert response.status == 200
    html = await response.text()
    assert "<h1>Summer sale</h1>" in html and 'data-chart="ad-days"' in html
    assert 'data-day="2026-06-11"' in html and "$40.00" in html and "$70.00" in html
    data = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S).group(1))
    assert data["ad_days"]["conversations"] == [0, 1, 0, 2, 0, 0, 0]
    assert data["ad_days"]["spend"] == [10.0] * 7
    assert not re.search(r"<script>(?!\s*</script>)", html)  # data only: the page carries no inline code
    missing = await api.get("/ads/999")
    assert missing.status == 404 and "We can’t find that ad or post" in await missing.text()


async def test_the_table_leaves_out_quiet_days_the_chart_draws(api, owner):
    await _seed(api, owner)
    p = platform_of(api)
    await p.db.ad_spend.delete_many({"tenant_id": owner.tenant_id})
    await form_login(api, owner)
    html = await (await api.get("/ads/111", params=WEEK)).text()
    assert re.findall(r'data-day="([0-9-]+)"', html) == ["2026-06-11", "2026-06-09"]
    data = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S).group(1))
    assert len(data["ad_days"]["days"]) == 7
