"""What a campaign's price buys: every billing period and the owner's own, through the API, its description, the
campaign form and Leo's catalog; campaigns stored before keep loading."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from dashboard.leo.tools import billing_words
from knowledge.models import BillingPeriod, CustomPeriod
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_openapi import body_schema, resolve
from tests.dashboard.test_owner_pages import field_error, session_csrf
from tests.dashboard.test_pages import form_login

PERIODS = ("one_time", "hour", "day", "night", "week", "month", "year", "session", "person", "user_month")


def room(billing_period: object) -> dict:
    return {
        "name": "Sea view",
        "product": {"name": "Sea Room", "price": 140, "currency": "EUR", "billing_period": billing_period},
        "status": "active",
    }


@pytest.mark.parametrize("period", [*PERIODS, {"custom": "per class pack"}])
async def test_every_period_is_kept_and_returned(api: TestClient, owner: SignedUp, period: object) -> None:
    created = await api.post("/api/campaigns", json=room(period), headers=owner.auth)
    assert created.status == 201, await created.text()
    body = await created.json()
    assert body["product"]["billing_period"] == period
    read = await (await api.get(f"/api/campaigns/{body['id']}", headers=owner.auth)).json()
    assert read["product"]["billing_period"] == period
    [listed] = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert listed["product"]["billing_period"] == period


async def test_the_owners_own_period_is_kept_as_typed_without_surrounding_spaces(api: TestClient, owner: SignedUp) -> None:
    created = await api.post("/api/campaigns", json=room({"custom": "  pro Kurspaket (10 Stunden)  "}), headers=owner.auth)
    assert (await created.json())["product"]["billing_period"] == {"custom": "pro Kurspaket (10 Stunden)"}


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"custom": ""}, "write how the price is counted, e.g. “per class pack”"),
        ({"custom": "   "}, "write how the price is counted, e.g. “per class pack”"),
        ({"custom": "x" * 51}, "your own period must be at most 50 characters (this one has 51)"),
        ({"custom": "per\nclass"}, "write your own period on one line, without control characters"),
        ({"custom": 12}, "write your own period as words, e.g. “per class pack”"),
        ({"custom": "per pack", "price": 3}, 'write your own period as {"custom": "per class pack"} and nothing else'),
        ({}, 'write your own period as {"custom": "per class pack"} and nothing else'),
        ("fortnight", "choose one of one_time, hour, day, night, week, month, year, session, person, user_month"),
        (None, "choose one of one_time, hour, day, night, week, month, year, session, person, user_month"),
        (["month"], "choose one of one_time, hour, day, night, week, month, year, session, person, user_month"),
    ],
)
async def test_a_bad_period_is_refused_with_one_clear_sentence(
    api: TestClient, owner: SignedUp, period: object, message: str
) -> None:
    refused = await api.post("/api/campaigns", json=room(period), headers=owner.auth)
    assert refused.status == 422
    fields = (await refused.json())["error"]["fields"]
    assert list(fields) == ["product.billing_period"]
    assert fields["product.billing_period"].startswith(f"Billing period: {message}")
    assert (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"] == []


async def test_campaigns_stored_before_load_with_their_period(api: TestClient, owner: SignedUp) -> None:
    db = platform_of(api).db
    moment = datetime.now(UTC)
    for campaign_id, period in (("older", None), ("monthly", "month"), ("hourly", "hour")):
        product = {"name": f"Plan {campaign_id}", "description": "", "price_cents": 4900, "currency": "USD", "features": []}
        if period:
            product["billing_period"] = period
        await db["campaigns"].insert_one(
            {
                "_id": campaign_id,
                "tenant_id": owner.tenant_id,
                "name": f"Campaign {campaign_id}",
                "product": product,
                "target_platform": "all",
                "chat_flow": {},
                "target_audience": "",
                "status": "draft",
                "created_at": moment,
                "updated_at": moment,
            }
        )
    listed = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert {c["id"]: c["product"]["billing_period"] for c in listed} == {
        "older": "one_time",
        "monthly": "month",
        "hourly": "hour",
    }


async def test_the_description_states_every_period_and_the_owners_own(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    product_in = resolve(document, body_schema(document, "/api/campaigns", "post")["properties"]["product"])
    choices = [resolve(document, option) for option in product_in["properties"]["billing_period"]["anyOf"]]
    assert choices[0]["enum"] == list(PERIODS)
    assert choices[1]["properties"]["custom"]["maxLength"] == 50 and choices[1]["required"] == ["custom"]
    answer = resolve(
        document, document["paths"]["/api/campaigns/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    )
    product_out = resolve(document, answer["properties"]["product"])
    assert "billing_period" in product_out["required"]
    returned = [resolve(document, option) for option in product_out["properties"]["billing_period"]["anyOf"]]
    assert returned[0]["enum"] == list(PERIODS) and returned[1]["required"] == ["custom"]


# The campaign form ------------------------------------------------------------------------------------------


def options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(r'<select[^>]*name="' + re.escape(name) + r'"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def selected(html: str, name: str) -> str:
    select = re.search(r'<select[^>]*name="' + re.escape(name) + r'"[^>]*>(.*?)</select>', html, re.S)
    found = re.search(r'<option value="([^"]*)" selected>', select.group(1)) if select else None
    return found.group(1) if found else ""


def campaign_form(csrf: str, period: str, custom: str = "") -> list[tuple[str, str]]:
    return [
        ("csrf_token", csrf),
        ("name", "Class packs"),
        ("product.name", "Ten classes"),
        ("product.price", "90"),
        ("product.currency", "EUR"),
        ("product.billing_period", period),
        ("product.billing_period_custom", custom),
        ("target_platform", "all"),
        ("status", "draft"),
    ]


async def test_the_form_offers_every_period_in_words_and_other(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    html = await (await api.get("/campaigns/new")).text()
    offered = options(html, "product.billing_period")
    assert [value for value, _ in offered] == [*PERIODS, "custom"]
    assert dict(offered)["night"] == "Per night" and dict(offered)["user_month"] == "Per user per month"
    assert dict(offered)["custom"] == "Other…"
    assert selected(html, "product.billing_period") == "one_time"
    assert re.search(r'name="product.billing_period_custom"[^>]*maxlength="50"', html)


async def test_the_form_saves_a_period_of_the_list(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    done = await api.post("/campaigns/new", data=campaign_form(await session_csrf(api), "night"), allow_redirects=False)
    assert done.status == 303
    [created] = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert created["product"]["billing_period"] == "night"
    assert selected(await (await api.get(f"/campaigns/{created['id']}/edit")).text(), "product.billing_period") == "night"


async def test_the_form_saves_the_owners_own_period_and_shows_it_again(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    csrf = await session_csrf(api)
    done = await api.post("/campaigns/new", data=campaign_form(csrf, "custom", "per class pack"), allow_redirects=False)
    assert done.status == 303
    [created] = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert created["product"]["billing_period"] == {"custom": "per class pack"}
    edit = await (await api.get(f"/campaigns/{created['id']}/edit")).text()
    assert selected(edit, "product.billing_period") == "custom"
    assert re.search(r'name="product.billing_period_custom"[^>]*value="per class pack"', edit)
    # Words typed beside a period of the list are not the period.
    await api.post(f"/campaigns/{created['id']}/edit", data=campaign_form(csrf, "week", "per class pack"))
    changed = await (await api.get(f"/api/campaigns/{created['id']}", headers=owner.auth)).json()
    assert changed["product"]["billing_period"] == "week"


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("", "Billing period: write how the price is counted, e.g. “per class pack”."),
        ("x" * 60, "Billing period: your own period must be at most 50 characters (this one has 60)."),
    ],
)
async def test_the_form_says_what_is_wrong_with_the_owners_own_period_beside_it(
    api: TestClient, owner: SignedUp, custom: str, message: str
) -> None:
    await form_login(api, owner)
    refused = await api.post("/campaigns/new", data=campaign_form(await session_csrf(api), "custom", custom))
    assert refused.status == 422
    html = await refused.text()
    assert field_error(html, "product.billing_period_custom") == message
    assert selected(html, "product.billing_period") == "custom"
    assert (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"] == []


# Leo's catalog --------------------------------------------------------------------------------------------


def test_leo_names_every_period_after_per() -> None:
    assert {billing_words(period) for period in BillingPeriod} >= {"night", "week", "person", "user and month"}
    assert billing_words(BillingPeriod.one_time) == "one-off"
    assert billing_words(CustomPeriod(custom="per class pack")) == "class pack"
    assert billing_words(CustomPeriod(custom="/pack")) == "pack"
    assert billing_words(CustomPeriod(custom="a la carte")) == "a la carte"
