"""Every API token ends: sign-up and login tokens after 30 days unused, named tokens on a date the owner sees
(90 days unless chosen). After it the token gets a 401 that says it expired."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from tests.clocks import SettableClock
from tests.dashboard.conftest import SignedUp, platform_of
from tests.whole_app import use_clock


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def clock(api: TestClient) -> SettableClock:
    use_clock(api.app, clock := SettableClock())
    return clock


async def new_token(api: TestClient, owner: SignedUp, **body: object) -> dict:
    response = await api.post("/api/tokens", json={"name": "nightly export", **body}, headers=owner.auth)
    assert response.status == 201, await response.text()
    return await response.json()


async def assert_expired(api: TestClient, token: str) -> None:
    refused = await api.get("/api/me", headers=bearer(token))
    assert refused.status == 401
    error = (await refused.json())["error"]
    assert error["code"] == "token_expired" and "expired" in error["message"]
    assert refused.headers["WWW-Authenticate"] == "Bearer"


async def test_a_named_token_shows_its_date_and_ends_on_it(api: TestClient, owner: SignedUp, clock: SettableClock) -> None:
    created = await new_token(api, owner)
    expires_at = moment(created["expires_at"])
    assert expires_at - moment(created["created_at"]) == timedelta(days=90)
    listed = {t["id"]: t for t in (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]}
    assert moment(listed[created["id"]]["expires_at"]) == expires_at
    # Used every day, its date does not move.
    for _ in range(89):
        clock.advance(timedelta(days=1))
        assert (await api.get("/api/me", headers=bearer(created["token"]))).status == 200
        assert (await api.get("/api/me", headers=owner.auth)).status == 200  # keeps the sign-up token alive
    clock.advance(timedelta(days=1, seconds=1))
    await assert_expired(api, created["token"])
    await assert_expired(api, created["token"])  # the same answer every time, not "not valid"
    assert created["id"] not in {t["id"] for t in (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]}


async def test_the_owner_chooses_how_long_a_token_works(api: TestClient, owner: SignedUp, clock: SettableClock) -> None:
    week = await new_token(api, owner, expires_in_days=7)
    assert moment(week["expires_at"]) - moment(week["created_at"]) == timedelta(days=7)
    year = await new_token(api, owner, expires_in_days=365)
    assert moment(year["expires_at"]) - moment(year["created_at"]) == timedelta(days=365)
    for days in (0, 366, "forever"):
        refused = await api.post("/api/tokens", json={"name": "x", "expires_in_days": days}, headers=owner.auth)
        assert refused.status == 422 and "expires_in_days" in (await refused.json())["error"]["fields"]
    clock.advance(timedelta(days=7, seconds=1))
    await assert_expired(api, week["token"])
    assert (await api.get("/api/me", headers=bearer(year["token"]))).status == 200


async def test_the_sign_up_token_ends_after_30_days_unused(api: TestClient, owner: SignedUp, clock: SettableClock) -> None:
    clock.advance(timedelta(days=29))
    assert (await api.get("/api/me", headers=owner.auth)).status == 200  # a use moves its end 30 days on
    listed = (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]
    assert moment(listed[0]["expires_at"]) == clock.now().replace(microsecond=clock.now().microsecond // 1000 * 1000) + timedelta(
        days=30
    )
    clock.advance(timedelta(days=29))
    assert (await api.get("/api/me", headers=owner.auth)).status == 200
    clock.advance(timedelta(days=30, seconds=1))
    await assert_expired(api, owner.token)


async def test_a_token_made_before_tokens_expired_gets_its_date_at_its_next_use(
    api: TestClient, owner: SignedUp, clock: SettableClock
) -> None:
    created = await new_token(api, owner)
    db = platform_of(api).db
    await db.api_tokens.update_many({"tenant_id": owner.tenant_id}, {"$unset": {"expires_at_ms": "", "last_used_at_ms": ""}})
    listed = {t["id"]: t for t in (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]}
    assert listed[created["id"]]["expires_at"] is None
    clock.advance(timedelta(days=400))  # no script breaks on the day of the upgrade
    assert (await api.get("/api/me", headers=bearer(created["token"]))).status == 200
    clock.advance(timedelta(days=90, seconds=1))
    await assert_expired(api, created["token"])


async def test_expired_tokens_leave_room_under_the_cap(api: TestClient, owner: SignedUp, clock: SettableClock) -> None:
    for _ in range(50):
        await new_token(api, owner, expires_in_days=1)
    assert (await api.post("/api/tokens", json={"name": "one more"}, headers=owner.auth)).status == 409
    clock.advance(timedelta(days=1, seconds=1))
    await new_token(api, owner)
    assert await platform_of(api).db.api_tokens.count_documents({"kind": "named"}) == 1
