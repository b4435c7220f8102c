"""`GET /api/analytics` as an owner checks it: their own days, rates that are the counters divided, a funnel where a
sale has passed qualification, money in their locale, filters, and nothing of another business."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime

from bot.pipeline.types import LeadStage
from bot.sales.counters import COUNTER_FIELDS, HOUR_FIELDS
from dashboard.analytics import DayRange, Figures, Scope, funnel, summarize
from dashboard.api.shapes.analytics_json import analytics_json
from dashboard.schemas import AnalyticsOut, MetricsOut
from knowledge.models import BusinessProfile
from knowledge.profiles import save_profile
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import FixedClock, campaign, conversation, day, lead, sale, time_zone
from tests.whole_app import use_clock

# 02:30 UTC on 10 March is still the evening of 9 March in New York.
NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
NY_TODAY, NY_YESTERDAY = "2026-03-09", "2026-03-08"


async def _get(api, owner, **params: str) -> dict:
    response = await api.get("/api/analytics", params=params, headers=owner.auth)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_the_default_range_ends_on_the_businesss_today_and_yesterday_is_its_yesterday(api, owner):
    p = platform_of(api)
    use_clock(api.app, FixedClock(NOW))
    await time_zone(p.db, owner.tenant_id, "America/New_York")
    await day(p.db, owner.tenant_id, NY_YESTERDAY, "facebook", messages_in=5, conversations=2)
    await day(p.db, owner.tenant_id, NY_TODAY, "facebook", messages_in=3, conversations=1)
    await day(p.db, owner.tenant_id, "2026-03-10", "facebook", messages_in=7)  # tomorrow in New York

    report = await _get(api, owner)
    assert (report["from"], report["to"], report["timezone"]) == ("2026-02-08", NY_TODAY, "America/New_York")
    assert len(report["per_day"]) == 30 and report["per_day"][-1]["day"] == NY_TODAY
    assert report["totals"]["messages_in"] == 8
    yesterday = await _get(api, owner, **{"from": NY_YESTERDAY, "to": NY_YESTERDAY})
    assert yesterday["totals"]["messages_in"] == 5 and yesterday["totals"]["conversations"] == 2
    assert yesterday["previous"] == {**yesterday["previous"], "from": "2026-03-07", "to": "2026-03-07"}


async def test_rates_are_the_counters_divided_and_the_previous_period_is_beside_them(api, owner):
    db, tenant = platform_of(api).db, owner.tenant_id
    await day(
        db,
        tenant,
        "2026-03-02",
        "instagram",
        messages_in=20,
        messages_answered=18,
        messages_out=15,
        replies_llm=10,
        replies_offline=3,
        replies_human=2,
        conversations=8,
        handoffs=2,
        first_responses=8,
        first_response_ms=8 * 4500,
        customers_replied=6,
        complaints=1,
        conversions=2,
    )
    await day(
        db,
        tenant,
        "2026-03-03",
        "instagram",
        messages_in=5,
        messages_answered=5,
        conversations=2,
        first_responses=2,
        first_response_ms=2 * 2000,
    )
    await day(db, tenant, "2026-02-28", "instagram", messages_in=4, conversations=4, conversions=1)  # the period before

    report = await _get(api, owner, **{"from": "2026-03-01", "to": "2026-03-03"})
    totals = report["totals"]
    assert totals["conversations"] == 10 and totals["conversions"] == 2
    assert totals["conversion_rate"] == 2 / 10
    assert totals["response_rate"] == 23 / 25
    assert totals["handoff_rate"] == 0.2 and totals["bot_resolution_rate"] == 0.8
    assert totals["customer_reply_rate"] == 0.6 and totals["complaint_rate"] == 0.1
    assert totals["first_response_avg_s"] == 4.0  # (8 × 4.5 s + 2 × 2 s) / 10
    assert totals["replies_bot"] == 13 and totals["replies_human"] == 2
    assert report["previous"]["from"] == "2026-02-26" and report["previous"]["to"] == "2026-02-28"
    assert report["previous"]["totals"]["conversion_rate"] == 0.25
    quiet = next(d for d in report["per_day"] if d["day"] == "2026-03-01")
    assert quiet["messages_in"] == 0 and quiet["first_response_avg_s"] is None and quiet["conversion_rate"] == 0


async def test_sales_feed_revenue_in_the_businesss_locale_and_the_funnel_counts_a_sale_as_qualified(api, owner):
    p = platform_of(api)
    db, tenant = p.db, owner.tenant_id
    use_clock(api.app, FixedClock(NOW))
    await save_profile(db, tenant, BusinessProfile(name="Acme Schuhe", phone="+49 30 1234567"))
    shoes = await campaign(db, tenant, "Spring shoes", "Runner", 1299, currency="EUR")
    at = datetime(2026, 3, 9, 12, tzinfo=UTC)
    buyer = await conversation(db, tenant, "whatsapp", "4915112345678", at=at, campaign_id=shoes.id)
    browser = await conversation(db, tenant, "whatsapp", "4915112345679", at=at, campaign_id=shoes.id)
    newbie = await conversation(db, tenant, "facebook", "PSID1", at=at, campaign_id=shoes.id)
    await day(db, tenant, "2026-03-09", "whatsapp", shoes.id, conversations=2, messages_in=2)
    await day(db, tenant, "2026-03-09", "facebook", shoes.id, conversations=1, messages_in=1)
    await lead(db, buyer, at=at, stage=LeadStage.engaged)
    await lead(db, browser, at=at, stage=LeadStage.qualified)
    await lead(db, newbie, at=at, stage=LeadStage.new)
    await sale(db, buyer, 1299, at=at, currency="EUR")

    report = await _get(api, owner, **{"from": "2026-03-09", "to": "2026-03-09"})
    assert report["totals"]["revenue"] == {"EUR": 1299.0}
    assert report["totals"]["revenue_formatted"] == [{"currency": "EUR", "amount": 1299.0, "text": "1.299,00\xa0€"}]
    stages = {row["stage"]: row["count"] for row in report["funnel"]}
    assert stages == {"new": 3, "engaged": 2, "qualified": 2, "proposal": 1, "converted": 1}
    assert report["lost"] == 0
    [campaign_row] = report["per_campaign"]
    assert campaign_row["campaign_name"] == "Spring shoes" and campaign_row["conversion_rate"] == 0.3333
    platforms = {row["platform"]: row for row in report["per_platform"]}
    assert platforms["whatsapp"]["conversion_rate"] == 0.5 and platforms["facebook"]["conversions"] == 0

    only_whatsapp = await _get(api, owner, **{"from": "2026-03-09", "to": "2026-03-09", "platform": "whatsapp"})
    assert only_whatsapp["totals"]["conversations"] == 2
    assert {row["stage"]: row["count"] for row in only_whatsapp["funnel"]}["new"] == 2
    only_campaign = await _get(api, owner, **{"from": "2026-03-09", "to": "2026-03-09", "campaign_id": shoes.id})
    assert only_campaign["totals"]["conversions"] == 1


async def test_activity_by_hour_of_the_week_has_every_cell(api, owner):
    db, tenant = platform_of(api).db, owner.tenant_id
    await day(db, tenant, "2026-03-02", "facebook", messages_in=4, in_h09=3, in_h21=1)  # a Monday
    await day(db, tenant, "2026-03-08", "whatsapp", messages_in=2, in_h09=2)  # a Sunday
    report = await _get(api, owner, **{"from": "2026-03-02", "to": "2026-03-08"})
    cells = {(c["weekday"], c["hour"]): c["messages"] for c in report["hour_of_week"]}
    assert len(cells) == 168
    assert cells[(0, 9)] == 3 and cells[(0, 21)] == 1 and cells[(6, 9)] == 2
    assert sum(cells.values()) == report["totals"]["messages_in"]


async def test_another_business_sees_none_of_it_and_bad_filters_are_refused(api, owner, rival):
    db = platform_of(api).db
    mine = await campaign(db, owner.tenant_id, "Mine", "Boot", 90)
    await day(db, owner.tenant_id, "2026-03-02", "facebook", mine.id, messages_in=9, conversations=3, conversions=1)
    theirs = await _get(api, rival, **{"from": "2026-03-01", "to": "2026-03-03"})
    assert theirs["totals"]["messages_in"] == 0 and theirs["per_campaign"] == [] and theirs["per_platform"] == []
    foreign = await api.get("/api/analytics", params={"campaign_id": mine.id}, headers=rival.auth)
    assert foreign.status == 404
    for params in (
        {"platform": "telegram"},
        {"from": "2026-03-05", "to": "2026-03-01"},
        {"from": "2024-01-01", "to": "2026-01-01"},
    ):
        response = await api.get("/api/analytics", params=params, headers=owner.auth)
        assert response.status == 400, params


def test_a_lost_lead_counts_as_new_only_and_stages_never_grow_down_the_funnel() -> None:
    stages, lost = funnel(["new", "engaged", "proposal", "converted", "lost", "qualified"])
    counts = [row.count for row in stages]
    assert counts == [6, 4, 3, 2, 1] and lost == 1
    assert counts == sorted(counts, reverse=True)
    assert [row.stage for row in stages] == [
        LeadStage.new,
        LeadStage.engaged,
        LeadStage.qualified,
        LeadStage.proposal,
        LeadStage.converted,
    ]


def test_owner_side_usage_counts_in_totals_but_is_no_campaign_or_platform() -> None:
    rows = [
        {"day": "2026-03-02", "platform": "", "campaign_id": "-", "leo_model_calls": 3, "leo_model_cost_micro_usd": 1500},
        {"day": "2026-03-02", "platform": "facebook", "campaign_id": "-", "messages_in": 1},
    ]
    report = summarize(rows, DayRange(date(2026, 3, 2), date(2026, 3, 2)))
    assert report.totals.leo_model_calls == 3 and report.totals.leo_model_cost_usd == 0.0015
    assert [row.platform for row in report.per_platform] == ["facebook"]
    assert [(row.campaign_id, row.messages_in) for row in report.per_campaign] == [("", 1)]
    facebook_only = summarize(rows, DayRange(date(2026, 3, 2), date(2026, 3, 2)), scope=Scope(platform="facebook"))
    assert facebook_only.totals.leo_model_calls == 0


def test_every_counter_the_engine_writes_is_a_figure_of_the_report() -> None:
    # A counter added to the engine without a field here fails the report's construction; this names the gap.
    apart = {"revenue_cents", *HOUR_FIELDS}  # kept per currency, and as one sequence of hours
    own = {"messages_by_hour", "revenue_minor"}
    assert {f.name for f in fields(Figures)} - own == set(COUNTER_FIELDS) - apart
    rows = [
        {"day": "2026-03-02", "platform": "facebook", "campaign_id": "c1", "messages_in": 2, "in_h09": 2, "intent_objection": 1},
        {
            "day": "2026-03-02",
            "platform": "facebook",
            "campaign_id": "c1",
            "conversions": 1,
            "revenue_cents": 1250,
            "currency": "EUR",
        },
    ]
    report = summarize(rows, DayRange(date(2026, 3, 2), date(2026, 3, 2)), campaign_names={"c1": "Spring"})
    spring = report.per_campaign[0]
    assert (spring.campaign_name, spring.messages_in, spring.intent_objection) == ("Spring", 2, 1)
    assert spring.messages_by_hour[9] == 2 and sum(spring.messages_by_hour) == 2
    assert spring.revenue_minor == {"EUR": 1250} and spring.revenue == {"EUR": 12.5}
    assert report.per_day[0].day == date(2026, 3, 2) and report.previous_span == DayRange(date(2026, 3, 1), date(2026, 3, 1))


def test_the_json_gives_every_counter_and_every_declared_figure_and_labels_no_campaign() -> None:
    rows = [
        {"day": "2026-03-02", "platform": "facebook", "campaign_id": "c1", "messages_in": 2, "in_h09": 2},
        {"day": "2026-03-02", "platform": "instagram", "campaign_id": "gone", "messages_in": 1},
        {
            "day": "2026-03-02",
            "platform": "whatsapp",
            "messages_in": 1,
            "conversions": 1,
            "revenue_cents": 129900,
            "currency": "EUR",
        },
    ]
    report = summarize(rows, DayRange(date(2026, 3, 2), date(2026, 3, 2)), campaign_names={"c1": "Spring"})
    shaped = AnalyticsOut.model_validate(analytics_json(report, "de_DE")).model_dump(mode="json", by_alias=True)
    totals = shaped["totals"]
    shown_apart = {"revenue_cents", "model_cost_micro_usd", "leo_model_cost_micro_usd"}
    assert set(COUNTER_FIELDS) - shown_apart <= set(totals) and not shown_apart & set(totals)
    assert set(MetricsOut.model_fields) <= set(totals)
    assert totals["in_h09"] == 2 and totals["messages_in"] == 4
    assert totals["revenue"] == {"EUR": 1299.0}
    assert totals["revenue_formatted"] == [{"currency": "EUR", "amount": 1299.0, "text": "1.299,00\xa0€"}]
    names = [(row["campaign_id"], row["campaign_name"]) for row in shaped["per_campaign"]]
    assert names == [("c1", "Spring"), ("gone", "gone"), ("", "(no campaign)")]
    assert (shaped["from"], shaped["previous"]["from"], shaped["per_day"][0]["day"]) == ("2026-03-02", "2026-03-01", "2026-03-02")
