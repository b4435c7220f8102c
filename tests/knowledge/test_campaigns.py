from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from dashboard.api.shapes.campaign_json import campaign_json
from knowledge.campaigns import (
    create_campaign,
    delete_campaign,
    get_campaign,
    list_campaigns,
    update_campaign,
    visible_campaigns,
)
from knowledge.models import CampaignStatus
from knowledge.store import CAMPAIGNS, ensure_indexes
from knowledge.versions import current_version
from tests.knowledge.factories import campaign_in


async def test_create_get_update_delete(db):
    await ensure_indexes(db)
    created = await create_campaign(db, "t1", campaign_in(product={"price": 1299.99, "currency": "eur"}))
    assert created.product.price_cents == 129999 and created.product.currency == "EUR"

    fetched = await get_campaign(db, "t1", created.id)
    assert fetched == created

    updated = await update_campaign(db, "t1", created.id, campaign_in(name="Glow relaunch", status="paused"))
    assert updated is not None
    assert updated.name == "Glow relaunch" and updated.status == CampaignStatus.paused
    assert updated.created_at == created.created_at and updated.updated_at >= created.updated_at
    assert (await get_campaign(db, "t1", created.id)).name == "Glow relaunch"

    assert await delete_campaign(db, "t1", created.id) is True
    assert await get_campaign(db, "t1", created.id) is None
    assert await delete_campaign(db, "t1", created.id) is False


async def test_another_tenants_campaign_is_out_of_reach(db):
    mine = await create_campaign(db, "t1", campaign_in())
    assert await get_campaign(db, "t2", mine.id) is None
    assert await update_campaign(db, "t2", mine.id, campaign_in(name="Hijacked")) is None
    assert await delete_campaign(db, "t2", mine.id) is False
    assert await list_campaigns(db, "t2") == []
    assert (await get_campaign(db, "t1", mine.id)).name == "Glow launch"


async def test_money_is_stored_as_cents_and_absent_url_is_omitted(db):
    created = await create_campaign(db, "t1", campaign_in(product={"price": 19.99}))
    doc = await db[CAMPAIGNS].find_one({"_id": created.id})
    assert doc["product"]["price_cents"] == 1999 and isinstance(doc["product"]["price_cents"], int)
    assert doc["product"]["currency"] == "USD"
    assert "cta_url" not in doc["product"] and "price" not in doc["product"]
    assert None not in doc.values()

    with_url = await create_campaign(db, "t1", campaign_in(product={"call_to_action_url": "https://shop.example/buy"}))
    assert with_url.product.cta_url == "https://shop.example/buy"


async def test_zero_decimal_currency_keeps_whole_units(db):
    created = await create_campaign(db, "t1", campaign_in(product={"price": 4500, "currency": "JPY"}))
    assert created.product.price_cents == 4500
    assert campaign_json(created)["product"]["price"] == 4500


async def test_objections_with_dots_and_dollar_signs_survive_storage(db):
    flow = {"objection_handling": {"Is it worth $49?": "Yes.", "$ too much.": "It lasts 2 months."}}
    created = await create_campaign(db, "t1", campaign_in(chat_flow=flow))
    fetched = await get_campaign(db, "t1", created.id)
    assert fetched.chat_flow.objection_handling == {"Is it worth $49?": "Yes.", "$ too much.": "It lasts 2 months."}


async def test_list_filters_by_status_and_platform(db):
    a = await create_campaign(db, "t1", campaign_in(name="A", status="active", target_platform="instagram"))
    b = await create_campaign(db, "t1", campaign_in(name="B", status="draft", target_platform="all"))
    c = await create_campaign(db, "t1", campaign_in(name="C", status="active", target_platform="all"))
    assert [x.name for x in await list_campaigns(db, "t1")] == ["A", "B", "C"]
    assert [x.id for x in await list_campaigns(db, "t1", status="active")] == [a.id, c.id]
    assert [x.id for x in await list_campaigns(db, "t1", platform="all")] == [b.id, c.id]
    assert [x.id for x in await list_campaigns(db, "t1", status="active", platform="instagram")] == [a.id]


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("facebook", {"fb active", "all active"}),
        ("instagram", {"ig active", "all active"}),
        ("whatsapp", {"all active"}),
    ],
)
async def test_visible_campaigns_are_active_and_for_the_platform_or_all(db, platform, expected):
    for name, status, target in [
        ("fb active", "active", "facebook"),
        ("ig active", "active", "instagram"),
        ("all active", "active", "all"),
        ("all draft", "draft", "all"),
        ("all paused", "paused", "all"),
        ("fb completed", "completed", "facebook"),
    ]:
        await create_campaign(db, "t1", campaign_in(name=name, status=status, target_platform=target))
    await create_campaign(db, "t2", campaign_in(name="other tenant", status="active", target_platform="all"))
    visible = await visible_campaigns(db, "t1", platform)
    assert {c.name for c in visible} == expected
    assert all(c.visible_on(platform) for c in visible)


async def test_every_change_moves_the_knowledge_version(db):
    assert await current_version(db, "t1") == 0
    created = await create_campaign(db, "t1", campaign_in())
    assert await current_version(db, "t1") == 1
    await update_campaign(db, "t1", created.id, campaign_in(status="paused"))
    assert await current_version(db, "t1") == 2
    await delete_campaign(db, "t1", created.id)
    assert await current_version(db, "t1") == 3
    await delete_campaign(db, "t1", created.id)  # nothing changed
    assert await current_version(db, "t1") == 3
    assert await current_version(db, "t2") == 0


async def test_api_shape(db):
    created = await create_campaign(
        db, "t1", campaign_in(product={"price": 49.9, "currency": "EUR", "call_to_action_url": "https://a.example/x"})
    )
    api = campaign_json(created)
    assert api["id"] == created.id and api["name"] == "Glow launch"
    assert api["product"] == {
        "name": "Glow Serum",
        "description": "A vitamin C serum for dull skin.",
        "price": 49.9,
        "currency": "EUR",
        "billing_period": "one_time",
        "features": ["30 ml bottle", "Lasts 2 months"],
        "call_to_action_url": "https://a.example/x",
    }
    assert api["target_platform"] == "all" and api["status"] == "active"
    assert api["chat_flow"]["objection_handling"] == {"Too expensive.": "It lasts 2 months, so about $0.80 a day."}
    # An audience written as one sentence (the earlier shape) is kept as one interest.
    assert api["target_audience"] == {"age_range": "", "location": [], "interests": ["Women 25-45"]}
    assert created.target_audience == "interested in Women 25-45"
    assert datetime.fromisoformat(api["created_at"]) == created.created_at
    assert datetime.fromisoformat(api["updated_at"]).tzinfo is not None
    no_url = campaign_json(await create_campaign(db, "t1", campaign_in()))
    assert no_url["product"]["call_to_action_url"] is None


async def test_billing_period_is_kept_and_checked(db):
    monthly = await create_campaign(db, "t1", campaign_in(product={"billing_period": "month"}))
    assert (await get_campaign(db, "t1", monthly.id)).product.billing_period.value == "month"
    assert campaign_json(monthly)["product"]["billing_period"] == "month"
    assert (await create_campaign(db, "t1", campaign_in())).product.billing_period.value == "one_time"
    with pytest.raises(ValidationError):
        campaign_in(product={"billing_period": "fortnight"})


async def test_three_decimal_currency_is_stored_in_its_own_minor_unit(db):
    created = await create_campaign(db, "t1", campaign_in(product={"price": 12.345, "currency": "KWD"}))
    stored = await get_campaign(db, "t1", created.id)
    assert stored.product.price_cents == 12345 and stored.product.price == 12.345
