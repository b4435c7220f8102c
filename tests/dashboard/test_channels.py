"""Connecting accounts by hand: masked listings, encryption at rest, conflicts and isolation."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.dashboard.conftest import SignedUp, platform_of

PAGE_TOKEN = "EAABpagetokenSECRETvalue1234"


async def connect(api: TestClient, who: SignedUp, **overrides: str):
    body = {"platform": "facebook", "account_id": "102030", "access_token": PAGE_TOKEN, "name": "Acme Page", **overrides}
    return await api.post("/api/channels", json=body, headers=who.auth)


async def channels_of(api: TestClient, who: SignedUp) -> list[dict]:
    return (await (await api.get("/api/channels", headers=who.auth)).json())["channels"]


async def test_connect_lists_only_a_masked_token(api: TestClient, owner: SignedUp) -> None:
    response = await connect(api, owner)
    assert response.status == 201
    created = await response.json()
    assert created["platform"] == "facebook" and created["account_id"] == "102030" and created["name"] == "Acme Page"
    assert created["access_token"] != PAGE_TOKEN
    assert created["access_token"].startswith("EAAB") and created["access_token"].endswith("1234")
    listed = await channels_of(api, owner)
    assert [c["id"] for c in listed] == [created["id"]]
    assert PAGE_TOKEN not in repr(listed)
    stored = [doc async for doc in platform_of(api).db.channel_accounts.find({})]
    assert len(stored) == 1 and PAGE_TOKEN not in repr(stored)


async def test_invalid_connection_names_the_fields(api: TestClient, owner: SignedUp) -> None:
    response = await connect(api, owner, platform="telegram", account_id="page-one", access_token="")
    assert response.status == 422
    assert set((await response.json())["error"]["fields"]) == {"platform", "account_id", "access_token"}
    assert await channels_of(api, owner) == []


async def test_an_account_belongs_to_one_tenant(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    assert (await connect(api, owner)).status == 201
    taken = await connect(api, rival, access_token="EAABrivalTOKENxxxxxxxx9999")
    assert taken.status == 409
    assert (await taken.json())["error"]["code"] == "account_taken"
    assert await channels_of(api, rival) == []
    # The owner connecting it again renews its token without a second entry.
    again = await connect(api, owner, access_token="EAABrenewedTOKENzzzz5678")
    assert again.status == 201
    listed = await channels_of(api, owner)
    assert len(listed) == 1 and listed[0]["access_token"].endswith("5678")


async def test_disconnect_and_isolation(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    mine = await (await connect(api, owner)).json()
    theirs = await (await connect(api, rival, platform="whatsapp", account_id="555000111", access_token="rivalwhatsapptoken123")).json()
    assert (await api.delete(f"/api/channels/{mine['id']}", headers=rival.auth)).status == 404
    assert [c["id"] for c in await channels_of(api, owner)] == [mine["id"]]
    assert [c["id"] for c in await channels_of(api, rival)] == [theirs["id"]]
    assert (await api.delete(f"/api/channels/{mine['id']}", headers=owner.auth)).status == 200
    assert await channels_of(api, owner) == []
    assert (await api.delete(f"/api/channels/{mine['id']}", headers=owner.auth)).status == 404
    assert len(await channels_of(api, rival)) == 1
