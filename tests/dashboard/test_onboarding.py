"""The onboarding form: prefilled from sign-up, validated, saved, and searchable afterwards."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.dashboard.conftest import SignedUp

PROFILE = {
    "name": "Acme Shoes",
    "owner_name": "Ada",
    "industry": "Footwear",
    "description": "Handmade leather shoes, resoled for life in our Lisbon workshop.",
    "website": "https://acme.example.com",
    "phone": "+351 21 000 0000",
    "goals": "Sell more walking boots",
    "target_audience": "Hikers",
}


async def test_profile_starts_with_the_business_name(api: TestClient, owner: SignedUp) -> None:
    response = await api.get("/api/onboarding", headers=owner.auth)
    assert response.status == 200
    body = await response.json()
    assert body["name"] == "Acme Shoes"
    assert body["description"] == ""


async def test_profile_round_trip_feeds_the_knowledge_base(api: TestClient, owner: SignedUp) -> None:
    saved = await api.put("/api/onboarding", json=PROFILE, headers=owner.auth)
    assert saved.status == 200
    stored = {**PROFILE, "phone": "+351210000000"}  # E.164
    assert await saved.json() == stored
    assert await (await api.get("/api/onboarding", headers=owner.auth)).json() == stored
    found = await (await api.get("/api/knowledge/search", params={"q": "leather workshop Lisbon"}, headers=owner.auth)).json()
    assert any("Lisbon" in passage["text"] for passage in found["passages"])


async def test_bad_profile_names_the_fields_and_keeps_the_old_one(api: TestClient, owner: SignedUp) -> None:
    await api.put("/api/onboarding", json=PROFILE, headers=owner.auth)
    response = await api.put("/api/onboarding", json={"name": "", "phone": "9" * 60, "colour": "red"}, headers=owner.auth)
    assert response.status == 422
    assert set((await response.json())["error"]["fields"]) == {"name", "phone", "colour"}
    assert await (await api.get("/api/onboarding", headers=owner.auth)).json() == {**PROFILE, "phone": "+351210000000"}


async def test_profiles_are_per_tenant(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    await api.put("/api/onboarding", json=PROFILE, headers=owner.auth)
    theirs = await (await api.get("/api/onboarding", headers=rival.auth)).json()
    assert theirs["name"] == "Rival Boots" and theirs["description"] == ""
