"""Connecting accounts by hand: masked listings, encryption at rest, conflicts and isolation."""

from __future__ import annotations

import pytest
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
    theirs = await (
        await connect(api, rival, platform="whatsapp", account_id="555000111", access_token="EAArivalwhatsapptoken123")
    ).json()
    assert (await api.delete(f"/api/channels/{mine['id']}", headers=rival.auth)).status == 404
    assert [c["id"] for c in await channels_of(api, owner)] == [mine["id"]]
    assert [c["id"] for c in await channels_of(api, rival)] == [theirs["id"]]
    assert (await api.delete(f"/api/channels/{mine['id']}", headers=owner.auth)).status == 200
    assert await channels_of(api, owner) == []
    assert (await api.delete(f"/api/channels/{mine['id']}", headers=owner.auth)).status == 404
    assert len(await channels_of(api, rival)) == 1


async def test_a_junk_token_connects_nothing_and_the_real_owner_then_can(
    api: TestClient, owner: SignedUp, rival: SignedUp
) -> None:
    squat = await connect(api, rival, access_token="obviously-not-a-token")
    assert squat.status == 422
    error = (await squat.json())["error"]
    assert error["code"] == "invalid_access_token" and "access token" in error["message"]
    assert set(error["fields"]) == {"access_token"}
    assert await channels_of(api, rival) == []
    assert (await connect(api, owner)).status == 201  # no 409: nothing was taken


async def test_a_revoked_token_is_refused_naming_the_access_token(api: TestClient, owner: SignedUp, api_graph) -> None:
    fake, _ = api_graph
    fake.revoked.add(PAGE_TOKEN)
    response = await connect(api, owner)
    assert response.status == 422
    assert "access token" in (await response.json())["error"]["message"]
    assert await channels_of(api, owner) == []


async def test_a_token_meta_reads_as_another_account_is_refused(api: TestClient, owner: SignedUp, api_graph) -> None:
    fake, _ = api_graph
    fake.aliases["102030"] = "999999"
    response = await connect(api, owner)
    assert response.status == 422
    assert (await response.json())["error"]["fields"] == {"access_token": "This access token belongs to another account."}
    assert await channels_of(api, owner) == []


async def test_the_account_is_read_with_its_token_and_metas_name_kept(api: TestClient, owner: SignedUp, api_graph) -> None:
    fake, _ = api_graph
    page = await (await connect(api, owner, name="")).json()
    number = await (
        await connect(api, owner, platform="whatsapp", account_id="555000111", access_token="EAAwhatsappTOKEN42", name="")
    ).json()
    assert (page["name"], number["name"]) == ("Page 102030", "Business 555000111")
    assert {c["name"] for c in await channels_of(api, owner)} == {"Page 102030", "Business 555000111"}
    page_read, number_read = fake.account_reads()
    assert (page_read.path, page_read.query["fields"], page_read.query["access_token"]) == (
        "/v21.0/102030",
        "id,name",
        PAGE_TOKEN,
    )
    assert (number_read.path, number_read.query["fields"]) == ("/v21.0/555000111", "id,display_phone_number,verified_name")
    assert number_read.headers["Authorization"] == "Bearer EAAwhatsappTOKEN42" and "access_token" not in number_read.query


@pytest.mark.usefixtures("redis")
async def test_meta_unreachable_connects_nothing_and_says_try_again(aiohttp_client, make_settings) -> None:
    from bot.runtime.embedded import free_port
    from tests.dashboard.conftest import sign_up
    from tests.whole_app import create_app

    api = await aiohttp_client(create_app(make_settings(graph_api_url=f"http://127.0.0.1:{free_port()}/v21.0"), run_worker=False))
    owner = await sign_up(api, "offline@example.com")
    response = await connect(api, owner)
    assert response.status == 502
    assert (await response.json())["error"]["code"] == "meta_unreachable"
    assert await channels_of(api, owner) == []


async def test_the_scheduled_check_marks_a_channel_whose_token_died(api: TestClient, owner: SignedUp, api_graph) -> None:
    from bot.runtime.housekeeping import build_chores, run_due

    fake, _ = api_graph
    alive = await (await connect(api, owner)).json()
    dying = await (await connect(api, owner, platform="whatsapp", account_id="555000111", access_token="EAAsoonRevoked77")).json()
    fake.revoked.add("EAAsoonRevoked77")
    services = platform_of(api)
    assert "recheck-tokens" in await run_due(services.redis, build_chores(services))
    by_id = {c["id"]: c for c in await channels_of(api, owner)}
    assert by_id[alive["id"]]["status"] == "connected"
    assert by_id[dying["id"]]["status"] == "needs_reconnect"
    assert by_id[dying["id"]]["last_error_code"] == 190


async def test_a_token_pasted_with_a_line_break_is_refused_by_name_not_a_crash(api: TestClient, owner: SignedUp) -> None:
    for platform, account_id in (("facebook", "102030"), ("whatsapp", "5550001111")):
        response = await connect(api, owner, platform=platform, account_id=account_id, access_token=PAGE_TOKEN + "\r\nX-Evil: 1")
        assert response.status == 422
        assert "access_token" in (await response.json())["error"]["fields"]
    assert await channels_of(api, owner) == []
