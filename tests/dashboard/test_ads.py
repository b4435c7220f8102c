"""`/api/ads` as an owner checks it: spend entered by hand or from a CSV, figures per ad and campaign that are the
counts divided, null where a ratio has no meaning, bad input refused whole, and nothing of another business."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversations.source import record_referral
from bot.pipeline.types import LeadStage
from bot.sales.attribution import ConversationSource
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import FixedClock, campaign, conversation, lead, sale
from tests.whole_app import use_clock

NOW = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
JUNE = {"from": "2026-06-01", "to": "2026-06-30"}
SUMMER = ConversationSource(kind="ad", ad_id="111", headline="Summer sale")
BOOTS = ConversationSource(kind="ad", ad_id="222", headline="Boots for rain")


async def _ad_conversation(db, tenant, customer, source, *, at, campaign_id="", stage=None, sold=0.0):
    conv = await conversation(db, tenant, "facebook", customer, at=at, campaign_id=campaign_id)
    await record_referral(db, tenant, conv.id, source, at=at)
    conv = conv.model_copy(update={"source": source, "source_at": at})
    if stage is not None:
        await lead(db, conv, at=at, stage=stage, campaign_id=campaign_id)
    if sold:
        await sale(db, conv, sold, at=at + timedelta(hours=1))
    return conv


async def _seed(api, owner):
    p = platform_of(api)
    use_clock(api.app, FixedClock(NOW))
    shoes = await campaign(p.db, owner.tenant_id, "Summer shoes", "Sandals", 40)
    day = datetime(2026, 6, 10, 12, tzinfo=UTC)
    await _ad_conversation(p.db, owner.tenant_id, "a", SUMMER, at=day, campaign_id=shoes.id, stage=LeadStage.qualified, sold=80)
    await _ad_conversation(p.db, owner.tenant_id, "b", SUMMER, at=day, campaign_id=shoes.id, stage=LeadStage.qualified)
    await _ad_conversation(p.db, owner.tenant_id, "c", SUMMER, at=day, campaign_id=shoes.id, stage=LeadStage.engaged)
    await _ad_conversation(p.db, owner.tenant_id, "d", BOOTS, at=day, stage=LeadStage.new)
    await conversation(p.db, owner.tenant_id, "facebook", "plain", at=day)  # not from an ad: not counted
    return shoes


async def _ads(api, owner, **params):
    response = await api.get("/api/ads", params=params or JUNE, headers=owner.auth)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_figures_per_ad_and_campaign_are_the_counts_divided(api, owner):
    shoes = await _seed(api, owner)
    spend = {"campaign_id": shoes.id, "ad_id": "111", "from": "2026-06-01", "to": "2026-06-30", "amount": 60, "currency": "USD"}
    response = await api.put("/api/ads/spend", json=spend, headers=owner.auth)
    assert response.status == 200, await response.text()

    report = await _ads(api, owner)
    summer = next(ad for ad in report["ads"] if ad["ad_id"] == "111")
    assert summer["headline"] == "Summer sale" and summer["campaign_name"] == "Summer shoes"
    assert (summer["conversations"], summer["leads"], summer["sales"], summer["revenue"]) == (3, 2, 1, 80.0)
    assert (summer["spend"], summer["cost_per_lead"], summer["cost_per_sale"]) == (60.0, 30.0, 60.0)
    assert summer["roas"] == round(80 / 60, 4)
    campaign_row = next(c for c in report["campaigns"] if c["campaign_id"] == shoes.id)
    assert campaign_row["spend"] == 60.0 and campaign_row["conversations"] == 3
    assert report["currency"] == "USD" and report["totals"]["conversations"] == 4


async def test_a_ratio_without_meaning_is_null_never_zero_or_infinite(api, owner):
    await _seed(api, owner)
    await api.put(
        "/api/ads/spend",
        json={"ad_id": "222", "from": "2026-06-01", "to": "2026-06-30", "amount": 25, "currency": "USD"},
        headers=owner.auth,
    )

    report = await _ads(api, owner)
    boots = next(ad for ad in report["ads"] if ad["ad_id"] == "222")
    assert boots["spend"] == 25.0 and boots["sales"] == 0
    assert boots["cost_per_sale"] is None and boots["cost_per_lead"] is None and boots["roas"] == 0.0
    summer = next(ad for ad in report["ads"] if ad["ad_id"] == "111")
    assert summer["spend"] is None and summer["cost_per_sale"] is None and summer["roas"] is None


async def test_spend_counts_only_its_days_inside_the_period_and_a_correction_replaces_it(api, owner):
    await _seed(api, owner)
    body = {"ad_id": "111", "from": "2026-06-21", "to": "2026-07-10", "amount": 200, "currency": "USD"}
    await api.put("/api/ads/spend", json=body, headers=owner.auth)
    summer = next(ad for ad in (await _ads(api, owner))["ads"] if ad["ad_id"] == "111")
    assert summer["spend"] == 100.0  # 10 of its 20 days are in June

    await api.put("/api/ads/spend", json={**body, "amount": 40}, headers=owner.auth)
    summer = next(ad for ad in (await _ads(api, owner))["ads"] if ad["ad_id"] == "111")
    assert summer["spend"] == 20.0


async def test_bad_spend_is_refused_with_the_field_named(api, owner):
    await _seed(api, owner)
    base = {"ad_id": "111", "from": "2026-06-01", "to": "2026-06-30", "amount": 10, "currency": "USD"}
    cases = [
        ({**base, "amount": -5}, 422, "amount"),
        ({**base, "to": "2026-05-01"}, 422, ""),
        ({"from": "2026-06-01", "to": "2026-06-30", "amount": 10, "currency": "USD"}, 422, ""),
        ({**base, "currency": "EUR"}, 422, "currency"),
        ({**base, "currency": "XYZ"}, 422, "currency"),
    ]
    for body, status, field in cases:
        response = await api.put("/api/ads/spend", json=body, headers=owner.auth)
        assert response.status == status, (body, await response.text())
        error = (await response.json())["error"]
        if field:
            assert field in error.get("fields", {}), error
    euro = await api.put("/api/ads/spend", json={**base, "currency": "EUR"}, headers=owner.auth)
    assert "USD" in (await euro.json())["error"]["message"]
    assert await platform_of(api).db.ad_spend.count_documents({}) == 0


async def test_another_businesss_campaign_is_not_found_and_its_figures_are_not_seen(api, owner, rival):
    shoes = await _seed(api, owner)
    body = {"campaign_id": shoes.id, "from": "2026-06-01", "to": "2026-06-30", "amount": 10, "currency": "USD"}
    response = await api.put("/api/ads/spend", json=body, headers=rival.auth)
    assert response.status == 404
    report = await _ads(api, rival)
    assert report["ads"] == [] and report["campaigns"] == [] and report["totals"]["conversations"] == 0


CSV = "campaign_id,ad_id,from,to,amount,currency\n,111,2026-06-01,2026-06-15,30,USD\n,222,2026-06-01,2026-06-30,12.5,USD\n"


async def test_a_csv_imports_every_row(api, owner):
    await _seed(api, owner)
    response = await api.post("/api/ads/spend/import", data=CSV, headers={**owner.auth, "Content-Type": "text/csv"})
    assert response.status == 200, await response.text()
    assert (await response.json())["imported"] == 2
    spend = {ad["ad_id"]: ad["spend"] for ad in (await _ads(api, owner))["ads"]}
    assert spend == {"111": 30.0, "222": 12.5}


async def test_a_csv_with_a_bad_row_names_it_and_imports_nothing(api, owner, rival):
    shoes = await _seed(api, owner)
    bad_rows = {
        CSV + ",333,2026-06-01,2026-06-30,-4,USD\n": "line 4",
        CSV + ",333,2026-06-31,2026-06-30,4,USD\n": "line 4",
        CSV.replace("12.5,USD", "12.5,EUR"): "line 3",
        "ad,from\n1,2026-06-01\n": "columns",
        "": "columns",
    }
    for text, named in bad_rows.items():
        response = await api.post("/api/ads/spend/import", data=text, headers={**owner.auth, "Content-Type": "text/csv"})
        assert response.status == 422, text
        assert named in (await response.json())["error"]["message"], text
    foreign = f"campaign_id,ad_id,from,to,amount,currency\n{shoes.id},,2026-06-01,2026-06-30,5,USD\n"
    response = await api.post("/api/ads/spend/import", data=foreign, headers={**rival.auth, "Content-Type": "text/csv"})
    assert response.status == 422 and "line 2" in (await response.json())["error"]["message"]
    assert await platform_of(api).db.ad_spend.count_documents({}) == 0


async def test_a_bad_csv_is_named_in_the_owners_language(api, owner):
    await _seed(api, owner)
    bad = "campaign_id,ad_id,from,to,amount,currency\n,111,2026-06-01,2026-06-30,-3,USD\n"
    headers = {**owner.auth, "Content-Type": "text/csv", "Accept-Language": "es"}
    response = await api.post("/api/ads/spend/import", data=bad, headers=headers)
    message = (await response.json())["error"]["message"]
    assert response.status == 422 and message.startswith("línea 2:"), message


async def test_spend_entered_by_mistake_is_listed_and_removed_and_not_by_another_business(api, owner, rival):
    await _seed(api, owner)
    body = {"ad_id": "111", "from": "2026-06-01", "to": "2026-06-30", "amount": 60, "currency": "USD"}
    await api.put("/api/ads/spend", json=body, headers=owner.auth)
    [entry] = (await (await api.get("/api/ads/spend", headers=owner.auth)).json())["spend"]
    assert entry == {**entry, "ad_id": "111", "from": "2026-06-01", "to": "2026-06-30", "amount": 60.0, "currency": "USD"}

    assert (await (await api.get("/api/ads/spend", headers=rival.auth)).json())["spend"] == []
    assert (await api.delete(f"/api/ads/spend/{entry['id']}", headers=rival.auth)).status == 404
    assert (await api.delete(f"/api/ads/spend/{entry['id']}", headers=owner.auth)).status == 200
    summer = next(ad for ad in (await _ads(api, owner))["ads"] if ad["ad_id"] == "111")
    assert summer["spend"] is None


async def test_a_csv_too_large_or_not_utf8_and_spend_in_another_currency_are_refused_in_the_owners_words(api, owner):
    await _seed(api, owner)
    csv = {**owner.auth, "Content-Type": "text/csv"}
    huge = await api.post("/api/ads/spend/import", data=CSV + "x" * (1024 * 1024), headers=csv)
    error = (await huge.json())["error"]
    assert (huge.status, error["code"], error["message"]) == (413, "too_large", "the CSV may be at most 1 MB")
    assert error["fields"]["file"] == "the CSV may be at most 1 MB"
    one_long_field = await api.post("/api/ads/spend/import", data=CSV + "x" * 200_000, headers=csv)
    error = (await one_long_field.json())["error"]
    assert (one_long_field.status, error["message"]) == (422, "The file could not be read as CSV.")
    latin = await api.post("/api/ads/spend/import", data=CSV.replace("USD", "USD é").encode("latin-1"), headers=csv)
    error = (await latin.json())["error"]
    assert (latin.status, error["code"], error["message"]) == (422, "bad_csv", "the CSV must be UTF-8 text")
    spanish = await api.post("/api/ads/spend/import", data=CSV.encode("utf-16"), headers={**csv, "Accept-Language": "es"})
    assert (await spanish.json())["error"]["message"] == "el CSV debe ser texto UTF-8"
    body = {"ad_id": "111", "from": "2026-06-01", "to": "2026-06-30", "amount": 10, "currency": "EUR"}
    euro = await api.put("/api/ads/spend", json=body, headers=owner.auth)
    error = (await euro.json())["error"]
    assert (euro.status, error["code"], error["fields"]["currency"]) == (422, "wrong_currency", "Must be USD.")
    assert error["message"] == "the business counts its money in USD; enter the spend in USD, not EUR"
    assert await platform_of(api).db.ad_spend.count_documents({}) == 0


async def test_a_reversed_or_too_long_range_is_refused_naming_from(api, owner):
    reversed_range = await api.get("/api/ads?from=2026-06-30&to=2026-06-01", headers=owner.auth)
    error = (await reversed_range.json())["error"]
    assert (reversed_range.status, error["code"], error["message"]) == (400, "invalid_range", "from must not be after to")
    assert error["fields"]["from"] == "The first day is after the last."
    too_long = await api.get("/api/ads?from=2020-01-01&to=2026-06-01", headers=owner.auth)
    assert too_long.status == 400 and (await too_long.json())["error"]["fields"]["from"].startswith("At most")
